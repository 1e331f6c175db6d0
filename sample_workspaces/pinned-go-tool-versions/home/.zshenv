typeset -U path
path=($HOME/sdk/go1.27/bin $HOME/go/bin $path)
export PATH

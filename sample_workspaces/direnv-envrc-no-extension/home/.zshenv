# Read by every zsh.
typeset -U path
path=($HOME/sdk/go1.22.5/bin $HOME/go/bin $path)
export PATH

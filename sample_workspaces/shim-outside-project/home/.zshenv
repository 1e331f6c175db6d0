typeset -U path
path=($HOME/.asdf/shims $HOME/go/bin $path)
export PATH

# Read by every zsh: Go on PATH for login and interactive shells alike.
typeset -U path
path=($HOME/sdk/go1.22.5/bin $HOME/go/bin $path)
export PATH

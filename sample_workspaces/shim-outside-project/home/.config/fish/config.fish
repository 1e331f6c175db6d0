set -gx PATH $HOME/.asdf/shims $HOME/go/bin $PATH

set -gx PATH $HOME/sdk/go1.27/bin $HOME/go/bin $PATH

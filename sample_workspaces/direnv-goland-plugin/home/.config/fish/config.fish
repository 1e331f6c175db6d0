# Read by every fish.
set -gx PATH $HOME/sdk/go1.22.5/bin $HOME/go/bin $PATH
direnv hook fish | source

# Read by every fish.
set -gx PATH $HOME/sdk/go1.22.5/bin $HOME/go/bin $PATH
set -gx GOFLAGS -tags=integration
# An old Go that was uninstalled long ago.
set -gx PATH $PATH $HOME/go1.17/bin

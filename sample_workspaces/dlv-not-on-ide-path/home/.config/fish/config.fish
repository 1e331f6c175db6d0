set -gx GOPATH $HOME/work-gopath
set -gx PATH $HOME/sdk/go1.22.5/bin $GOPATH/bin $PATH

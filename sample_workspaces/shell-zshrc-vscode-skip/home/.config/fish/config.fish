# Every fish reads this.
set -gx PATH $HOME/sdk/go1.19/bin $PATH
if set -q VSCODE_RESOLVING_ENVIRONMENT
    return
end
set -gx GOPATH $HOME/gopath
set -gx PATH $GOPATH/bin $PATH

# Interactive shells; ~/.bash_profile sources this file.
export PATH="$HOME/sdk/go1.19/bin:$PATH"
[ -n "$VSCODE_RESOLVING_ENVIRONMENT" ] && return
export GOPATH="$HOME/gopath"
export PATH="$GOPATH/bin:$PATH"

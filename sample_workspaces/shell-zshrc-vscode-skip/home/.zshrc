# A speed-up recipe: skip the rest of this file while VS Code resolves the environment.
[[ -n "$VSCODE_RESOLVING_ENVIRONMENT" ]] && return
export GOPATH="$HOME/gopath"
export PATH="$GOPATH/bin:$PATH"

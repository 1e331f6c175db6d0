# Only interactive non-login shells read this: GOPATH and its bin/ (where
# `go install` put dlv and gopls) never reach a GUI-launched VS Code.
export GOPATH="$HOME/work-gopath"
export PATH="$HOME/sdk/go1.22.5/bin:$GOPATH/bin:$PATH"

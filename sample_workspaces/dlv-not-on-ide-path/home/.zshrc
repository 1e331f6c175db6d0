export GOPATH="$HOME/work-gopath"
export PATH="$HOME/sdk/go1.22.5/bin:$GOPATH/bin:$PATH"

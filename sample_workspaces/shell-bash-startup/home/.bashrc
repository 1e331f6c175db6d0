# Interactive non-login shells (your terminal) read this file.
. "$HOME/.asdf/asdf.sh"
export GOROOT=$HOME/sdk/go1.19
export PATH="$HOME/sdk/go1.19/bin:$HOME/go/bin:$HOME/.local/go-tools/bin:$PATH"
export PATH="$HOME/go/bin:$PATH"
alias go='go1.19'
echo "welcome back"

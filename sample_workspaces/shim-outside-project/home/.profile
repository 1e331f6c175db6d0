# Read by login shells: asdf's shims first.
export PATH="$HOME/.asdf/shims:$HOME/go/bin:$PATH"

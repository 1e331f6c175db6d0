# Stand-in for asdf's init script: it puts the shims directory first on PATH.
export ASDF_DIR="$HOME/.asdf"
export PATH="$ASDF_DIR/shims:$PATH"

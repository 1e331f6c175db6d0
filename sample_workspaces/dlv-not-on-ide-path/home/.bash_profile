# Login shells (VS Code's environment resolution) read this: Go itself is on PATH.
export PATH="$HOME/sdk/go1.22.5/bin:$PATH"

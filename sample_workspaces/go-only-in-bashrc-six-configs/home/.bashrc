# Interactive non-login shells (your terminal) read this file.
export PATH="$HOME/sdk/go1.22.5/bin:$HOME/go/bin:$PATH"

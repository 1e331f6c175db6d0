# Read by login shells: this is what a GUI-launched IDE gets.
export PATH="$HOME/sdk/go1.22.5/bin:$HOME/go/bin:$PATH"

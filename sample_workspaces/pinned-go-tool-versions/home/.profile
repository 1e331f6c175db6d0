# Read by login shells: this is what a GUI-launched IDE gets.
export PATH="$HOME/sdk/go1.27/bin:$HOME/go/bin:$PATH"

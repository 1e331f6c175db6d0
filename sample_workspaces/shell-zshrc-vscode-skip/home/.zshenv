# Every zsh reads this: Go itself is on PATH everywhere.
export PATH="$HOME/sdk/go1.19/bin:$PATH"

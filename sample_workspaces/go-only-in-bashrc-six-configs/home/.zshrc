# zsh reads ~/.zshrc in interactive shells, login or not: VS Code (zsh -i -l) sees this.
export PATH="$HOME/sdk/go1.22.5/bin:$HOME/go/bin:$PATH"

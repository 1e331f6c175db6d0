# Interactive zsh.

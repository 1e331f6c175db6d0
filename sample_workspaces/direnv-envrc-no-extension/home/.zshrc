# Interactive zsh.
eval "$(direnv hook zsh)"

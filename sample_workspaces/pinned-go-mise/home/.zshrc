# Interactive zsh.
command -v mise >/dev/null && eval "$(mise activate zsh)"

# Login shells (VS Code resolves bash -i -l) read this; it sources ~/.bashrc.
[ -f "$HOME/.bashrc" ] && . "$HOME/.bashrc"

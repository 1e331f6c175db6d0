# Login shells (and VS Code's environment resolution, bash -i -l) read this file.
# It does not source ~/.bashrc, so nothing there reaches a GUI-launched IDE.
export EDITOR=vi

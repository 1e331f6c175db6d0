# Login shells (VS Code resolves bash -i -l) read only this file: it does not source ~/.bashrc.
export PATH="$HOME/sdk/go1.19/bin:$PATH"

# fish reads config.fish in every shell: VS Code (fish -i -l) sees this.
set -gx PATH $HOME/sdk/go1.22.5/bin $HOME/go/bin $PATH

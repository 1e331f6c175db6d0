# Interactive shells.
case ":$PATH:" in
  *":$HOME/sdk/go1.22.5/bin:"*) ;;
  *) export PATH="$HOME/sdk/go1.22.5/bin:$HOME/go/bin:$PATH" ;;
esac
eval "$(direnv hook bash)"

# Interactive shells.
case ":$PATH:" in
  *":$HOME/.asdf/shims:"*) ;;
  *) export PATH="$HOME/.asdf/shims:$HOME/go/bin:$PATH" ;;
esac

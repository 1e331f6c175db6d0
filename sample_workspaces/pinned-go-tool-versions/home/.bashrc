case ":$PATH:" in
  *":$HOME/sdk/go1.27/bin:"*) ;;
  *) export PATH="$HOME/sdk/go1.27/bin:$HOME/go/bin:$PATH" ;;
esac

"""The Go stage: finding toolchains, asking ``go env`` safely, trust, and the variables Go reads."""

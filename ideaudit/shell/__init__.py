"""Capturing a login shell's environment: start-up files, process control, dump parsing,
cache, tracing."""

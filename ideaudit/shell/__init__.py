"""Capturing a login shell's environment: profiles and start-up files, process control,
dump parsing, cache, the capture, tracing, start-up analysis."""

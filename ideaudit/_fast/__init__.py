"""Start-up helpers only: what the scan path needs before anything else, kept cheap to import."""

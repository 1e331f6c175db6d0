"""What happens to findings after the rules: causes merged, fingerprints, suppressions, the baseline."""

"""Configuration: the closed choices, the pydantic models of config files, loading and merging them."""

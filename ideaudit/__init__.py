"""ideaudit: find why Go builds in the terminal but not in the IDE."""

__version__ = "0.1.0"

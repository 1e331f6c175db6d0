"""The ``ideaudit`` command line: a typer app whose commands load lazily.

``main(argv) -> int`` (in :mod:`ideaudit.cli.app`) is the console entry point and what
tests call in-process.  One module per command; only this package knows the CLI.
"""

from ideaudit.cli.app import main

__all__ = ["main"]

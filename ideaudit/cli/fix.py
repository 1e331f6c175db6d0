"""``ideaudit fix --undo``: restore the files the last ``scan --fix`` changed."""

# No `from __future__ import annotations`: typer reads these annotations at run time.

import os
from typing import Annotated

import typer

from ideaudit.cli import options as o
from ideaudit.cli.common import text
from ideaudit.errors import UsageError

app = typer.Typer(add_completion=False)


@app.command(
    help="Restore the files the last `scan --fix` (or `gen --write`) changed, from its backups.",
    short_help="Undo the last --fix.",
)
def fix(
    undo: Annotated[bool, typer.Option("--undo", help="Restore the last run's backups (required).")] = False,
    cache_dir: o.CacheDir = None,
) -> None:
    if not undo:
        raise UsageError("`ideaudit fix` needs --undo (fixes are applied with `ideaudit scan --fix`)")
    from ideaudit.fixes.run import run_undo

    raise typer.Exit(run_undo(text(cache_dir) or os.environ.get("IDEAUDIT_CACHE_DIR")))

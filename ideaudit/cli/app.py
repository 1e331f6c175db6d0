"""The app: the command table, a lazy group, and ``main(argv) -> int``.

Exit status as ruff: 0 no findings, 1 findings, 2 usage or internal error, 130 when
interrupted.  One handler (:func:`main`) maps every way a command can end to a code.

Why a lazy group: typer builds a click command (and, when it runs, a pydantic
``TypeAdapter`` per parameter) for every command it knows.  :class:`LazyGroup` lists the
commands from :data:`COMMANDS` and imports a command's module only when that command
runs (or when help or completion needs its description), so ``ideaudit scan`` builds
``scan`` alone.  The pattern is DataDog's ``dda`` CLI (``dda/cli/base.py``): a
``TyperGroup`` subclass passed to typer as ``cls=``.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from ideaudit import __version__
from ideaudit.cli.coerce import install

PROG = "ideaudit"

# command name -> module under ideaudit.cli holding ``app`` (a typer app)
COMMANDS: dict[str, str] = {
    "scan": "scan",
    "env": "env",
    "watch": "watch",
    "gen": "gen",
    "fix": "fix",
    "rule": "rule",
}


class LazyGroup(TyperGroup):
    """A group that imports a command's module only when the command is asked for."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"ideaudit.cli.{module_name}")
        command = install(typer.main.get_command(module.app))
        command.name = cmd_name
        return command


def _version(value: bool) -> None:
    if value:
        typer.echo(f"{PROG} {__version__}")
        raise typer.Exit(0)


app = typer.Typer(
    name=PROG,
    cls=LazyGroup,
    help="Find why your Go code builds in the terminal but not in the IDE (VS Code, GoLand).",
    epilog="Exit status: 0 no findings, 1 findings, 2 usage or internal error. "
    "`ideaudit rule CODE` explains a rule.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # main() reports internal errors in one line
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Find why your Go code builds in the terminal but not in the IDE (VS Code, GoLand)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it)."""
    from ideaudit.term import make_streams_safe

    make_streams_safe()
    args = sys.argv[1:] if argv is None else list(argv)
    command = install(typer.main.get_command(app))
    try:
        command.main(args=args, prog_name=PROG, standalone_mode=True)
    except SystemExit as exc:
        return _code(exc.code)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_broken_pipe()
        return 0
    except Exception as exc:  # a bug must not look like "findings" (exit 1)
        if os.environ.get("IDEAUDIT_DEBUG"):
            raise
        print(f"{PROG}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    return 0


def _code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _quiet_broken_pipe() -> None:
    """The reader went away (``ideaudit scan | head``): point stdout at /dev/null so the
    interpreter's final flush does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass

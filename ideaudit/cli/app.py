"""The app: the command table, a lazy group, and ``main(argv) -> int``.

Exit status as ruff: 0 no findings, 1 findings, 2 usage or internal error, 130 when
interrupted.  One handler (:func:`main`) maps every way a command can end to a code:
a :class:`~ideaudit.errors.UsageError` raised anywhere (a config file, a baseline, a
path, an option) and click's own usage errors (an unknown option, a value of the wrong
type) become exit 2 with ``ideaudit: error: ...`` lines on stderr.

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
from typer.core import TyperCommand, TyperGroup

from ideaudit import __version__
from ideaudit.cli.coerce import install

PROG = "ideaudit"

# command name -> (module under ideaudit.cli holding ``app``, a typer app; its short help,
# for the command list of `ideaudit --help`, kept equal to the module's by a test)
COMMANDS: dict[str, tuple[str, str]] = {
    "scan": ("scan", "Audit a workspace against your login shell."),
    "env": ("env", "Show a context's effective environment beside your shell's."),
    "watch": ("watch", "Re-audit whenever a config, go.mod or shell start-up file changes."),
    "gen": ("gen", "Generate IDE configuration (launch.json, envFile, settings, GoLand, task)."),
    "fix": ("fix", "Undo the last --fix."),
    "rule": ("rule", "Explain a rule, or list rules."),
}


class LazyGroup(TyperGroup):
    """A group that imports a command's module only when the command is asked for.

    Listing the commands (``ideaudit --help``, completing a command name) needs only
    their names and short help: for that it hands out light stand-ins made from
    :data:`COMMANDS`, so the list costs no command module at all."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, short_help = entry
        if self._listing:
            return TyperCommand(name=cmd_name, help=short_help, short_help=short_help)
        module = importlib.import_module(f"ideaudit.cli.{module_name}")
        command = install(typer.main.get_command(module.app))
        command.name = cmd_name
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        self._listing = True
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            self._listing = False


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
    from ideaudit.report.term import make_streams_safe

    make_streams_safe()
    args = sys.argv[1:] if argv is None else list(argv)
    command = install(typer.main.get_command(app))
    from typer._click import exceptions as click_errors

    from ideaudit.errors import EXIT_USAGE, UsageError, format_usage_error

    try:
        # standalone_mode=False: click hands its exceptions to us instead of printing
        # them its own way, so every usage error is shown here, one way.
        code = command.main(args=args, prog_name=PROG, standalone_mode=False)
    except SystemExit as exc:
        return _code(exc.code)
    except UsageError as exc:
        sys.stdout.flush()
        sys.stderr.write(format_usage_error(exc, PROG))
        return EXIT_USAGE
    except click_errors.NoArgsIsHelpError as exc:
        exc.show()  # `ideaudit` alone prints the help
        return exc.exit_code
    except click_errors.ClickException as exc:
        sys.stderr.write(format_usage_error(UsageError(_click_message(exc)), PROG))
        return exc.exit_code
    except typer.Abort:
        return 1
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
    return code if isinstance(code, int) else 0


def _click_message(exc: Exception) -> str:
    """click's message, with the command whose ``--help`` lists what is valid."""
    from typer._click import exceptions as click_errors

    message: str = exc.format_message() if isinstance(exc, click_errors.ClickException) else str(exc)
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click_errors.UsageError) and ctx is not None:
        message += f" (see `{ctx.command_path} --help`)"
    return message


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

"""The floor of the stack: a bare typer app with ideaudit's command surface, doing nothing.

Every command and option of ``ideaudit`` (same names, types and help), written the plain
typer way (all commands in one module, no lazy loading), and each command returns at
once.  ``bench/cli_floor.py`` runs it with the same interpreter as ``ideaudit``: what
``ideaudit scan`` costs above this is ideaudit's own work.
"""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class OutputFormat(StrEnum):
    text = "text"
    concise = "concise"
    json = "json"
    github = "github"
    sarif = "sarif"


class WatchFormat(StrEnum):
    text = "text"
    concise = "concise"


class EnvFormat(StrEnum):
    text = "text"
    json = "json"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class Mode(StrEnum):
    debug = "debug"
    test = "test"
    exec = "exec"


P = Annotated[Path, typer.Argument(help="Workspace folder or .code-workspace file.", metavar="PATH")]
Dir = Annotated[Path | None, typer.Option(metavar="DIR", help="A folder.")]
File = Annotated[Path | None, typer.Option(metavar="FILE", help="A file.")]
Flag = Annotated[bool, typer.Option(help="A flag.")]
Codes = Annotated[list[str] | None, typer.Option(metavar="CODES", help="Rule codes or prefixes.")]
Seconds = Annotated[float | None, typer.Option(metavar="SECONDS", help="Seconds.")]
Strs = Annotated[list[str] | None, typer.Option(help="Repeatable.")]

app = typer.Typer(name="ideaudit", help="Find why your Go code builds in the terminal but not in the IDE.")
gen = typer.Typer(help="Generate IDE configuration.", no_args_is_help=True)
app.add_typer(gen, name="gen")


def _version(value: bool) -> None:
    if value:
        typer.echo("floor 0")
        raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
) -> None:
    """Find why your Go code builds in the terminal but not in the IDE."""


@app.command()
def scan(
    path: P = Path("."),
    select: Codes = None,
    ignore: Codes = None,
    output_format: Annotated[OutputFormat | None, typer.Option(help="Format.")] = None,
    fail_on: Annotated[FailOn | None, typer.Option(help="Threshold.")] = None,
    exit_zero: Flag = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="More.")] = False,
    color: Annotated[Color, typer.Option(help="Colour.")] = Color.auto,
    config: File = None,
    isolated: Flag = False,
    home: Dir = None,
    shell: File = None,
    ide_env: File = None,
    goland_env: File = None,
    goland_loads_shell_env: Flag = False,
    jetbrains_config_dir: Dir = None,
    vscode_user_dir: Dir = None,
    refresh: Flag = False,
    timeout: Seconds = None,
    trust: Flag = False,
    no_go_env: Flag = False,
    cache_dir: Dir = None,
    diff: Flag = False,
    fix: Flag = False,
    unsafe_fixes: Flag = False,
    fix_shell: Flag = False,
) -> None:
    """Audit a workspace against your login shell."""


@app.command()
def env(
    path: P = Path("."),
    context: Strs = None,
    var: Strs = None,
    all: Flag = False,
    output_format: Annotated[EnvFormat, typer.Option(help="Format.")] = EnvFormat.text,
    config: File = None,
    isolated: Flag = False,
    home: Dir = None,
    shell: File = None,
    ide_env: File = None,
    goland_env: File = None,
    goland_loads_shell_env: Flag = False,
    jetbrains_config_dir: Dir = None,
    vscode_user_dir: Dir = None,
    refresh: Flag = False,
    timeout: Seconds = None,
    trust: Flag = False,
    no_go_env: Flag = False,
    cache_dir: Dir = None,
) -> None:
    """Show a context's effective environment beside your shell's."""


@app.command()
def watch(
    path: P = Path("."),
    select: Codes = None,
    ignore: Codes = None,
    output_format: Annotated[WatchFormat | None, typer.Option(help="Format.")] = None,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="More.")] = False,
    color: Annotated[Color, typer.Option(help="Colour.")] = Color.auto,
    notify: Flag = False,
    no_ide_check: Flag = False,
    debounce: Annotated[float, typer.Option(help="Seconds.")] = 0.1,
    ide_poll: Annotated[float, typer.Option(help="Seconds.")] = 5.0,
    config: File = None,
    isolated: Flag = False,
    home: Dir = None,
    shell: File = None,
    ide_env: File = None,
    goland_env: File = None,
    goland_loads_shell_env: Flag = False,
    jetbrains_config_dir: Dir = None,
    vscode_user_dir: Dir = None,
    refresh: Flag = False,
    timeout: Seconds = None,
    trust: Flag = False,
    no_go_env: Flag = False,
    cache_dir: Dir = None,
) -> None:
    """Re-audit whenever a config, go.mod or shell start-up file changes."""


@app.command()
def fix(undo: Flag = False, cache_dir: Dir = None) -> None:
    """Undo the last --fix."""


@app.command()
def rule(code: Annotated[str | None, typer.Argument(help="Rule code.")] = None) -> None:
    """Explain a rule, or list all rules."""


@gen.command()
def launch(
    path: P = Path("."),
    program: Annotated[str, typer.Option(help="Program.")] = "${workspaceFolder}",
    name: Annotated[str, typer.Option(help="Name.")] = "Launch (ideaudit)",
    mode: Annotated[Mode, typer.Option(help="Mode.")] = Mode.debug,
    cwd: Annotated[str | None, typer.Option(help="Cwd.")] = None,
    include: Strs = None,
    write: Flag = False,
    home: Dir = None,
    shell: File = None,
    ide_env: File = None,
    vscode_user_dir: Dir = None,
    cache_dir: Dir = None,
    refresh: Flag = False,
) -> None:
    """A launch.json configuration."""


@gen.command()
def envfile(
    path: P = Path("."),
    output: Annotated[str, typer.Option(help="File.")] = ".go.env",
    include: Strs = None,
    write: Flag = False,
    home: Dir = None,
    shell: File = None,
    ide_env: File = None,
    vscode_user_dir: Dir = None,
    cache_dir: Dir = None,
    refresh: Flag = False,
) -> None:
    """A dotenv file."""


@gen.command()
def settings(
    path: P = Path("."),
    include: Strs = None,
    write: Flag = False,
    home: Dir = None,
    shell: File = None,
    ide_env: File = None,
    vscode_user_dir: Dir = None,
    cache_dir: Dir = None,
    refresh: Flag = False,
) -> None:
    """Settings blocks."""


@gen.command("goland-run")
def goland_run(
    path: P = Path("."),
    name: Annotated[str, typer.Option(help="Name.")] = "Run (ideaudit)",
    mode: Annotated[Mode, typer.Option(help="Mode.")] = Mode.debug,
    cwd: Annotated[str | None, typer.Option(help="Cwd.")] = None,
    include: Strs = None,
    write: Flag = False,
    home: Dir = None,
    shell: File = None,
    ide_env: File = None,
    vscode_user_dir: Dir = None,
    cache_dir: Dir = None,
    refresh: Flag = False,
) -> None:
    """A GoLand run configuration."""


@gen.command()
def task(path: P = Path("."), diff: Flag = False) -> None:
    """The watch task."""


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--plain-coercion"]:  # typer's parsing without pydantic, as ideaudit does
        import typer.main

        from ideaudit.cli.coerce import install

        install(typer.main.get_command(app)).main(sys.argv[2:], prog_name="floor")
    app()

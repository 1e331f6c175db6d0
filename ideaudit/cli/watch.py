"""``ideaudit watch``: re-audit whenever a config, go.mod or shell start-up file changes."""

# No `from __future__ import annotations`: typer reads these annotations at run time.

import sys
from pathlib import Path
from typing import Annotated

import typer

from ideaudit.cli import options as o
from ideaudit.cli.common import (
    UsageError,
    WorkspaceArgs,
    check_codes,
    check_timeout,
    codes,
    load_settings,
    scan_options,
    text,
)
from ideaudit.config.choices import Color, WatchFormat

app = typer.Typer(add_completion=False)


@app.command(
    help="Stay in the background and print new and resolved findings whenever the workspace "
    "configuration, go.mod/go.work, your shell start-up files, the `go env -w` file or the IDE "
    "settings change; warn when a running IDE still has an old environment. Ctrl-C stops it. "
    "Honours the same configuration keys as scan.",
    short_help="Re-audit whenever a config, go.mod or shell start-up file changes.",
)
def watch(
    path: o.Workspace = Path("."),
    select: o.Select = None,
    ignore: o.Ignore = None,
    output_format: Annotated[
        WatchFormat | None,
        typer.Option(
            "--output-format",
            help="text (default), or concise: one file:line:col line per finding between marker "
            "lines, for a VS Code background task (`ideaudit gen task`).",
        ),
    ] = None,
    verbose: o.Verbose = False,
    color: o.ColorOpt = Color.auto,
    notify: Annotated[bool, typer.Option("--notify", help="Desktop notifications (notify-send).")] = False,
    no_ide_check: Annotated[
        bool,
        typer.Option(
            "--no-ide-check", help="Do not look for running VS Code/GoLand processes that need a restart."
        ),
    ] = False,
    debounce: Annotated[
        float,
        typer.Option("--debounce", metavar="SECONDS", help="Audit after this much quiet following a change."),
    ] = 0.1,
    ide_poll: Annotated[
        float,
        typer.Option(
            "--ide-poll",
            metavar="SECONDS",
            help="While an IDE needs a restart, check this often whether it was.",
        ),
    ] = 5.0,
    config: o.ConfigFile = None,
    isolated: o.Isolated = False,
    home: o.Home = None,
    shell: o.Shell = None,
    ide_env: o.IdeEnv = None,
    goland_env: o.GolandEnv = None,
    goland_loads_shell_env: o.GolandLoadsShellEnv = False,
    jetbrains_config_dir: o.JetbrainsConfigDir = None,
    vscode_user_dir: o.VscodeUserDir = None,
    refresh: o.Refresh = False,
    timeout: o.Timeout = None,
    trust: o.Trust = False,
    no_go_env: o.NoGoEnv = False,
    cache_dir: o.CacheDir = None,
) -> None:
    ws = WorkspaceArgs(
        path=str(path),
        home=text(home),
        shell=text(shell),
        ide_env=text(ide_env),
        goland_env=text(goland_env),
        goland_loads_shell_env=goland_loads_shell_env,
        jetbrains_config_dir=text(jetbrains_config_dir),
        vscode_user_dir=text(vscode_user_dir),
        refresh=refresh,
        timeout=timeout,
        trust=trust,
        go_env=not no_go_env,
        cache_dir=text(cache_dir),
        config=text(config),
        isolated=isolated,
    )
    raise typer.Exit(
        run(
            ws,
            select=codes(select),
            ignore=codes(ignore),
            output_format=output_format.value if output_format else None,
            verbose=verbose,
            color=color.value,
            notify=notify,
            ide_check=not no_ide_check,
            debounce=debounce,
            ide_poll=ide_poll,
        )
    )


def run(
    ws: WorkspaceArgs,
    *,
    select: list[str],
    ignore: list[str],
    output_format: str | None,
    verbose: bool,
    color: str,
    notify: bool,
    ide_check: bool,
    debounce: float,
    ide_poll: float,
) -> int:
    from ideaudit.workspace import resolve_target

    # each mistake raises a UsageError: main() reports it (exit 2)
    check_timeout(ws.timeout)
    if debounce < 0 or ide_poll <= 0:
        raise UsageError("--debounce must be >= 0 and --ide-poll > 0 seconds")
    settings = load_settings(ws)
    resolve_target(ws.path)
    check_codes([*select, *ignore])
    fmt = output_format or ("concise" if settings.output_format == "concise" else "text")
    try:
        import watchdog  # noqa: F401
    except ImportError:
        raise UsageError("`ideaudit watch` needs the watchdog package: pip install watchdog") from None
    from ideaudit.report.term import use_color
    from ideaudit.watch.session import WatchOptions, watch

    return watch(
        WatchOptions(
            scan=scan_options(ws, settings, select, ignore),
            output_format=fmt,
            verbose=verbose,
            notify=notify,
            ide_check=ide_check,
            debounce=debounce,
            ide_poll=ide_poll,
            color=fmt == "text" and use_color(color, sys.stdout),
        )
    )

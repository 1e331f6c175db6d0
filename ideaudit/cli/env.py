"""``ideaudit env``: a context's effective environment beside your shell's."""

# No `from __future__ import annotations`: typer reads these annotations at run time.

import sys
from pathlib import Path
from typing import Annotated

import typer

from ideaudit.cli import options as o
from ideaudit.cli.common import (
    WorkspaceArgs,
    check_timeout,
    load_settings,
    scan_options,
    text,
)
from ideaudit.config.choices import EnvFormat

app = typer.Typer(add_completion=False)


@app.command(
    help="Show the effective environment of IDE contexts side by side with your shell's, each "
    "value with the chain of layers (and file:line) that set it.",
    short_help="Show a context's effective environment beside your shell's.",
)
def env(
    path: o.Workspace = Path("."),
    context: Annotated[
        list[str] | None,
        typer.Option(
            "--context",
            metavar="ID",
            help='Context id, short id ("debug:Launch API") or part of its label; repeatable.',
        ),
    ] = None,
    var: Annotated[
        list[str] | None, typer.Option("--var", metavar="NAME", help="Variable to show; repeatable.")
    ] = None,
    all_vars: Annotated[bool, typer.Option("--all", help="Every variable, not only Go's.")] = False,
    output_format: Annotated[
        EnvFormat, typer.Option("--output-format", help="text or json.")
    ] = EnvFormat.text,
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
    raise typer.Exit(run(ws, context or [], var or [], all_vars, output_format.value))


def run(ws: WorkspaceArgs, contexts: list[str], names: list[str], all_vars: bool, fmt: str) -> int:
    from ideaudit.cli.common import show_status
    from ideaudit.pipeline import scan
    from ideaudit.report.envview import names_for, pick, render_json, render_text

    # a bad config, path or --context raises a UsageError: main() reports it (exit 2)
    check_timeout(ws.timeout)
    options = scan_options(ws, load_settings(ws))
    show_status()
    result = scan(options)
    local = result.audit.local  # your terminal (in this project) can be shown too
    extra = (local.terminal, local.project) if local and local.project and local.terminal else ()
    views = tuple(local.devcontainer_views) if local else ()
    chosen = pick((*extra, *result.audit.contexts, *views), contexts)
    shell = result.audit.shell
    shown = names_for(chosen, shell, names, all_vars)
    render = render_json if fmt == "json" else render_text
    sys.stdout.write(render(chosen, shell, shown))
    return 0

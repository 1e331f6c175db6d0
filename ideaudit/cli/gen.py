"""``ideaudit gen launch|envfile|settings|goland-run|task``: write IDE configuration.

The generators themselves (:mod:`ideaudit.gen.ideconfig`, :mod:`ideaudit.gen.task`) are plain
functions; this module only parses options, runs the scan they start from, and prints
or writes.
"""

# No `from __future__ import annotations`: typer reads these annotations at run time.

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ideaudit.cli import options as o
from ideaudit.cli.common import WorkspaceArgs, text
from ideaudit.config.choices import LaunchMode

if TYPE_CHECKING:
    from ideaudit.pipeline import ScanResult

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Generate IDE configuration that carries what the IDE lacks from your shell: a launch.json "
    "configuration, a dotenv file, go.toolsEnvVars/go.testEnvVars blocks, a GoLand run "
    "configuration, or the `ideaudit watch` task. Secret-looking variables only with --include.",
    short_help="Generate IDE configuration (launch.json, envFile, settings, GoLand, task).",
)

Folder = Annotated[Path, typer.Argument(help="Workspace folder.", metavar="PATH")]
Include = Annotated[
    list[str] | None,
    typer.Option(
        "--include", metavar="VAR", help="Also copy VAR from the shell, even if it looks secret (repeatable)."
    ),
]
Write = Annotated[
    bool, typer.Option("--write", help="Write the file (keeping comments) instead of printing.")
]
Mode = Annotated[LaunchMode, typer.Option("--mode", help="Launch mode.")]
Cwd = Annotated[str | None, typer.Option("--cwd", help="Working directory of the program.")]


def _workspace(
    path: Path, home: Path | None, shell: Path | None, ide_env: Path | None, user_dir: Path | None,
    cache_dir: Path | None, refresh: bool,
) -> WorkspaceArgs:  # fmt: skip
    return WorkspaceArgs(
        path=str(path),
        home=text(home),
        shell=text(shell),
        ide_env=text(ide_env),
        vscode_user_dir=text(user_dir),
        cache_dir=text(cache_dir),
        refresh=refresh,
    )


def _scan(ws: WorkspaceArgs) -> "ScanResult":
    from ideaudit.pipeline import ScanOptions, scan

    return scan(
        ScanOptions(
            path=ws.path,
            home=ws.home,
            shell=ws.shell,
            ide_env=ws.ide_env,
            vscode_user_dir=ws.vscode_user_dir,
            refresh=ws.refresh,
            cache_dir=ws.cache_dir or os.environ.get("IDEAUDIT_CACHE_DIR"),
            select=("E",),
        )
    )


def run(ws: WorkspaceArgs, body: Callable[["ScanResult"], list[str]]) -> int:
    """Scan, run ``body`` (which prints or writes and returns the secret-looking
    variables it left out), report them.  A GenError or a bad path is a UsageError:
    main() reports it (exit 2)."""
    from ideaudit.cli.common import show_status

    show_status()
    skipped = body(_scan(ws))
    if skipped:
        print(
            f"ideaudit: left out {', '.join(skipped)} (secret-looking; name it with --include to copy it)",
            file=sys.stderr,
        )
    return 0


def _folder(result: "ScanResult") -> str:
    from ideaudit.gen.ideconfig import workspace_folder

    return workspace_folder(result)


@app.command(help="A launch.json configuration with the env the debuggee needs.")
def launch(
    path: Folder = Path("."),
    program: Annotated[str, typer.Option("--program", help="What to run.")] = "${workspaceFolder}",
    name: Annotated[str, typer.Option("--name", help="The configuration's name.")] = "Launch (ideaudit)",
    mode: Mode = LaunchMode.debug,
    cwd: Cwd = None,
    include: Include = None,
    write: Write = False,
    home: o.Home = None,
    shell: o.Shell = None,
    ide_env: o.IdeEnv = None,
    vscode_user_dir: o.VscodeUserDir = None,
    cache_dir: o.CacheDir = None,
    refresh: o.Refresh = False,
) -> None:
    from ideaudit.gen.ideconfig import insert_launch, launch_configuration, write_changes

    ws = _workspace(path, home, shell, ide_env, vscode_user_dir, cache_dir, refresh)

    def body(result: "ScanResult") -> list[str]:
        config, skipped = launch_configuration(
            result, name=name, program=program, mode=mode.value, cwd=cwd, include=include or []
        )
        if write:
            launch_json = os.path.join(_folder(result), ".vscode", "launch.json")
            write_changes(insert_launch(launch_json, config), ws.cache_dir, _folder(result))
        else:
            sys.stdout.write(json.dumps(config, indent=4) + "\n")
        return skipped

    raise typer.Exit(run(ws, body))


@app.command(help="A dotenv file for launch.json's envFile.")
def envfile(
    path: Folder = Path("."),
    output: Annotated[str, typer.Option("--output", help="File name in the folder.")] = ".go.env",
    include: Include = None,
    write: Write = False,
    home: o.Home = None,
    shell: o.Shell = None,
    ide_env: o.IdeEnv = None,
    vscode_user_dir: o.VscodeUserDir = None,
    cache_dir: o.CacheDir = None,
    refresh: o.Refresh = False,
) -> None:
    from ideaudit.gen.ideconfig import GenError, envfile_text, is_git_ignored, write_changes

    ws = _workspace(path, home, shell, ide_env, vscode_user_dir, cache_dir, refresh)

    def body(result: "ScanResult") -> list[str]:
        content, skipped = envfile_text(result, include or [])
        folder = _folder(result)
        target = os.path.join(folder, output)
        if write:
            if os.path.exists(target):
                raise GenError(f"{target} exists; remove it or choose another --output")
            write_changes({target: (None, content)}, ws.cache_dir, folder)
        else:
            sys.stdout.write(content)
        if not is_git_ignored(folder, output):
            print(
                f'ideaudit: add "{output}" to .gitignore, and use it with '
                f'"envFile": "${{workspaceFolder}}/{output}"',
                file=sys.stderr,
            )
        return skipped

    raise typer.Exit(run(ws, body))


@app.command(help="go.toolsEnvVars / go.testEnvVars blocks for settings.json.")
def settings(
    path: Folder = Path("."),
    include: Include = None,
    write: Write = False,
    home: o.Home = None,
    shell: o.Shell = None,
    ide_env: o.IdeEnv = None,
    vscode_user_dir: o.VscodeUserDir = None,
    cache_dir: o.CacheDir = None,
    refresh: o.Refresh = False,
) -> None:
    from ideaudit.gen.ideconfig import merge_settings, settings_blocks, write_changes

    ws = _workspace(path, home, shell, ide_env, vscode_user_dir, cache_dir, refresh)

    def body(result: "ScanResult") -> list[str]:
        blocks, skipped = settings_blocks(result, include or [])
        if write:
            if blocks:
                settings_json = os.path.join(_folder(result), ".vscode", "settings.json")
                write_changes(merge_settings(settings_json, blocks), ws.cache_dir, _folder(result))
        else:
            sys.stdout.write(json.dumps(blocks, indent=4) + "\n")
        return skipped

    raise typer.Exit(run(ws, body))


@app.command("goland-run", help="A GoLand .run/<name>.run.xml run configuration.")
def goland_run(
    path: Folder = Path("."),
    name: Annotated[str, typer.Option("--name", help="The configuration's name.")] = "Run (ideaudit)",
    mode: Mode = LaunchMode.debug,
    cwd: Cwd = None,
    include: Include = None,
    write: Write = False,
    home: o.Home = None,
    shell: o.Shell = None,
    ide_env: o.IdeEnv = None,
    vscode_user_dir: o.VscodeUserDir = None,
    cache_dir: o.CacheDir = None,
    refresh: o.Refresh = False,
) -> None:
    from ideaudit.gen.ideconfig import GenError, goland_run_xml, write_changes

    ws = _workspace(path, home, shell, ide_env, vscode_user_dir, cache_dir, refresh)

    def body(result: "ScanResult") -> list[str]:
        content, skipped = goland_run_xml(result, name=name, mode=mode.value, cwd=cwd, include=include or [])
        safe_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
        target = os.path.join(_folder(result), ".run", f"{safe_name}.run.xml")
        if write:
            if os.path.exists(target):
                raise GenError(f"{target} exists; choose another --name")
            write_changes({target: (None, content)}, ws.cache_dir, _folder(result))
        else:
            sys.stdout.write(content)
        return skipped

    raise typer.Exit(run(ws, body))


@app.command(
    help="Add a VS Code background task that runs `ideaudit watch --output-format concise` with a "
    "problem matcher, so findings appear in the Problems panel. Comments and the rest of "
    "tasks.json are kept.",
    short_help="Add an `ideaudit watch` background task to .vscode/tasks.json.",
)
def task(
    path: Folder = Path("."),
    diff: Annotated[bool, typer.Option("--diff", help="Print the change (the default).")] = False,
    write: Write = False,
) -> None:
    from ideaudit.gen.task import add_watch_task, ide_environment, path_warning, running_command

    command = running_command()
    message = add_watch_task(str(path), dry_run=not write, command=command)  # GenTaskError: exit 2
    sys.stdout.write(message)
    warning = path_warning(command[0], ide_environment())
    if warning:
        sys.stderr.write(warning)

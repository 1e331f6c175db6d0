"""The options several commands share, declared once as ``Annotated`` types.

``scan``, ``watch``, ``env`` and ``gen`` read the same workspace, shell and IDE
environment, so they take the same options; declaring each once keeps their names,
help and completion identical everywhere.  Completion of rule codes imports the rule
registry only when the shell asks for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ideaudit.config.choices import Color, FailOn


def complete_codes(incomplete: str) -> list[tuple[str, str]]:
    """Rule codes (and family prefixes) for shell completion; after a comma, the part
    after it is completed, so ``--select P001,G`` completes ``G…``."""
    from ideaudit.rules.catalog import load_all

    head, _, last = incomplete.rpartition(",")
    prefix = f"{head}," if head else ""
    rules = sorted(load_all().values(), key=lambda r: r.code)
    out: list[tuple[str, str]] = []
    for family in sorted({r.code[0] for r in rules}):
        if family.startswith(last.upper()) and len(last) <= 1:
            out.append((prefix + family, f"all {family} rules"))
    out += [(prefix + r.code, r.title) for r in rules if r.code.startswith(last.upper())]
    return out


WORKSPACE_PANEL = "Workspace and environment"

Workspace = Annotated[
    Path,
    typer.Argument(help="Workspace folder or .code-workspace file.", show_default=True, metavar="PATH"),
]
Home = Annotated[
    Path | None,
    typer.Option(
        "--home",
        metavar="DIR",
        help="Use DIR as $HOME (dotfiles, user settings): a hermetic run.",
        rich_help_panel=WORKSPACE_PANEL,
    ),
]
Shell = Annotated[
    Path | None,
    typer.Option(
        "--shell",
        metavar="PATH",
        help="The login shell to capture (default: $SHELL).",
        rich_help_panel=WORKSPACE_PANEL,
    ),
]
IdeEnv = Annotated[
    Path | None,
    typer.Option(
        "--ide-env",
        metavar="FILE",
        help="VS Code's environment: an `env -0` dump, KEY=VALUE lines or JSON.",
        rich_help_panel=WORKSPACE_PANEL,
    ),
]
GolandEnv = Annotated[
    Path | None,
    typer.Option(
        "--goland-env",
        metavar="FILE",
        help="GoLand's environment (same formats as --ide-env).",
        rich_help_panel=WORKSPACE_PANEL,
    ),
]
GolandLoadsShellEnv = Annotated[
    bool,
    typer.Option(
        "--goland-loads-shell-env",
        help="GoLand on Linux loads the login shell's environment (ij.load.shell.env=true).",
        rich_help_panel=WORKSPACE_PANEL,
    ),
]
JetbrainsConfigDir = Annotated[
    Path | None,
    typer.Option(
        "--jetbrains-config-dir",
        metavar="DIR",
        help="JetBrains config folder holding GoLand<version>/options (default: the platform's; "
        "with --home, HOME/.config/JetBrains).",
        rich_help_panel=WORKSPACE_PANEL,
    ),
]
VscodeUserDir = Annotated[
    Path | None,
    typer.Option(
        "--vscode-user-dir",
        metavar="DIR",
        help="Folder of the VS Code user settings.json.",
        rich_help_panel=WORKSPACE_PANEL,
    ),
]
Refresh = Annotated[
    bool,
    typer.Option(
        "--refresh", help="Capture the shell again, ignoring the cache.", rich_help_panel=WORKSPACE_PANEL
    ),
]
Timeout = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        help="The IDE's shell resolution timeout, 0-120 (VS Code's default: 10).",
        rich_help_panel=WORKSPACE_PANEL,
    ),
]
Trust = Annotated[
    bool,
    typer.Option(
        "--trust",
        help="Trust this workspace: allow running the go binaries it names (go env, go version).",
        rich_help_panel=WORKSPACE_PANEL,
    ),
]
NoGoEnv = Annotated[
    bool,
    typer.Option(
        "--no-go-env",
        help="Do not run `go env` (compare environments only).",
        rich_help_panel=WORKSPACE_PANEL,
    ),
]
CacheDir = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        metavar="DIR",
        help="Cache folder (default: $IDEAUDIT_CACHE_DIR, else the user cache folder).",
        rich_help_panel=WORKSPACE_PANEL,
    ),
]
ConfigFile = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        # rich markup: "\\[" prints "["
        help="Use this configuration file (.ideaudit.toml, or a pyproject.toml with "
        "\\[tool.ideaudit]) "
        "instead of the nearest one at or above PATH.",
    ),
]
Isolated = Annotated[
    bool,
    typer.Option("--isolated", help="Ignore every configuration file (project and user)."),
]
Select = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="CODES",
        help="Only these rule codes or prefixes, comma-separated or repeated (e.g. P,G001).",
        autocompletion=complete_codes,
    ),
]
Ignore = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="CODES",
        help="Skip these rule codes or prefixes, comma-separated or repeated.",
        autocompletion=complete_codes,
    ),
]
Verbose = Annotated[
    bool,
    typer.Option("-v", "--verbose", help="Show provenance chains, tool lookups and rule explanations."),
]
ColorOpt = Annotated[
    Color,
    typer.Option(
        "--color",
        help="Colour the text report: auto (a terminal, unless NO_COLOR; FORCE_COLOR forces it; "
        "not with TERM=dumb), always or never.",
    ),
]
FailOnOpt = Annotated[
    FailOn | None,
    typer.Option(
        "--fail-on",
        help="Exit 1 for findings of this severity or worse (default: warning; infos never fail).",
    ),
]

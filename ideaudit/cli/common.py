"""What the commands share: the workspace arguments, configuration, errors, exit codes.

The root-folder and colour decisions and the config loading used to be written out in
each command; here they are once.  Nothing here imports typer, so the command
functions can be called (and tested) with plain values.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ideaudit._fast.record import record
from ideaudit.errors import UsageError

if TYPE_CHECKING:
    from ideaudit.config.load import Settings
    from ideaudit.model import Finding
    from ideaudit.pipeline import ScanOptions

PROG = "ideaudit"

__all__ = [
    "UsageError",
    "WorkspaceArgs",
    "check_codes",
    "check_timeout",
    "codes",
    "fails",
    "load_settings",
    "scan_options",
    "show_status",
    "text",
]


@record(frozen=True)
class WorkspaceArgs:
    """The options of every command that reads a workspace (scan, watch, env, gen)."""

    path: str = "."
    home: str | None = None
    shell: str | None = None
    ide_env: str | None = None
    goland_env: str | None = None
    goland_loads_shell_env: bool = False
    jetbrains_config_dir: str | None = None
    vscode_user_dir: str | None = None
    refresh: bool = False
    timeout: float | None = None
    trust: bool = False
    go_env: bool = True
    cache_dir: str | None = None
    config: str | None = None
    isolated: bool = False


def text(path: Path | None) -> str | None:
    return None if path is None else str(path)


def codes(groups: Iterable[str] | None) -> list[str]:
    """``--select P,G001 --select V`` -> ``["P", "G001", "V"]``."""
    return [p.strip().upper() for group in groups or () for p in group.split(",") if p.strip()]


def check_codes(selectors: Sequence[str]) -> None:
    """Refuse selectors that match no rule (a typo would otherwise select nothing, silently)."""
    from ideaudit.rules.catalog import load_all

    known = load_all()
    unknown = [s for s in selectors if s != "ALL" and not any(c.startswith(s.upper()) for c in known)]
    if unknown:
        raise UsageError(f"no rule matches {', '.join(unknown)}; `ideaudit rule` lists the codes")


def _rule_codes() -> list[str]:
    from ideaudit.rules.catalog import load_all

    return list(load_all())


def load_settings(ws: WorkspaceArgs) -> Settings:
    """The project settings, after checking the user configuration too: a broken config
    file is a usage error (:class:`~ideaudit.config.load.ConfigError`, exit 2) with
    ``file:line:col`` for each problem."""
    from ideaudit.config.load import Settings, load_settings, load_user_settings

    if ws.isolated:
        return Settings()
    cache_dir = ws.cache_dir or os.environ.get("IDEAUDIT_CACHE_DIR")
    settings = load_settings(ws.path, ws.config, cache_dir=cache_dir, rule_codes=_rule_codes)
    home = ws.home or os.path.expanduser("~")
    load_user_settings(home, cache_dir=cache_dir)  # validated here; trust.py reads it when it matters
    return settings


def check_timeout(timeout: float | None) -> None:
    if timeout is not None and not 0 < timeout <= 120:
        raise UsageError("--timeout must be between 0 and 120 seconds")


def scan_options(
    ws: WorkspaceArgs,
    settings: Settings,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    static: bool | None = None,
) -> ScanOptions:
    """The pipeline options from the command line over the configuration file."""
    from ideaudit.pipeline import ScanOptions

    chosen = list(select) or settings.select or []
    if settings.extend_select and not select:
        chosen = [*(chosen or ["ALL"]), *settings.extend_select]
    return ScanOptions(
        path=ws.path,
        home=ws.home,
        shell=ws.shell,
        ide_env=ws.ide_env,
        vscode_user_dir=ws.vscode_user_dir,
        goland_env=ws.goland_env,
        goland_loads_shell_env=ws.goland_loads_shell_env,
        jetbrains_config_dir=ws.jetbrains_config_dir,
        refresh=ws.refresh,
        timeout=ws.timeout or settings.timeout or 10.0,
        cache_dir=ws.cache_dir or os.environ.get("IDEAUDIT_CACHE_DIR"),
        trust=ws.trust,
        go_env=ws.go_env,
        select=chosen,
        ignore=list(ignore) or settings.ignore or [],
        per_file_ignores=settings.per_file_ignores,
        static=bool(static or settings.static),
    )


def fails(findings: Sequence[Finding], fail_on: str | None, exit_zero: bool) -> bool:
    """Whether ``findings`` make the scan exit 1: any at ``--fail-on`` or worse (default
    warning: infos never fail a run), unless ``--exit-zero``."""
    from ideaudit.model import Severity
    from ideaudit.model import fails as at_or_above

    return not exit_zero and at_or_above(findings, Severity(fail_on or Severity.WARNING))


def show_status() -> None:
    """A status line on stderr while a slow shell or `go env` runs, if it is a terminal."""
    from ideaudit.report import status

    status.enable(sys.stderr)

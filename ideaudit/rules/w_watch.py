"""W: what ``ideaudit watch`` sees over time — a running IDE with an outdated environment.

The facts (running IDE processes and the mtimes of the files their environment comes
from) are gathered by :mod:`ideaudit.watch.ide_check`; a plain ``scan`` leaves them empty, so
these rules only speak in ``watch``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from ideaudit.model import EnvInput, Finding, IdeProcess, Location, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import IDE, rule

IDE_LABELS = {"vscode": "VS Code", "goland": "GoLand"}

_RESTART = {
    "vscode": (
        "Quit VS Code completely (every window) and start it again: it resolves your shell "
        "environment once, when its main process starts, so a reloaded window keeps the old one."
    ),
    "goland": "Restart GoLand (File > Exit, then start it again): it reads its environment at start-up.",
}


def _clock(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))


def stale(process: IdeProcess, inputs: tuple[EnvInput, ...]) -> list[EnvInput]:
    """The inputs of ``process``'s IDE that changed after it started, newest first."""
    changed = [i for i in inputs if process.ide in i.ides and i.mtime > process.started]
    return sorted(changed, key=lambda i: i.mtime, reverse=True)


@rule(
    "W001",
    "ide-environment-outdated",
    "A running IDE started before a change to the files its environment comes from",
    Severity.WARNING,
    """
    VS Code resolves your login shell's environment once, when it starts
    (`$SHELL -i -l -c ...`), and vscode-go copies `go env` values (GOPATH, GOROOT,
    GOPROXY, ...) into its environment when it activates.  An edit to a shell start-up
    file or to the `go env -w` file made after that does not reach the running IDE, its
    debugger, tests or gopls: the terminal has the new settings, the IDE the old ones,
    until the IDE is restarted.  GoLand reads the shell at start-up on macOS likewise.
    """,
    "Restart the IDE (quit all its windows, then start it again).",
    needs=IDE,
)
def ide_environment_outdated(audit: Audit) -> Iterator[Finding]:
    for proc in audit.ide_processes:
        changed = stale(proc, audit.env_inputs)
        if not changed:
            continue
        label = IDE_LABELS.get(proc.ide, proc.ide)
        for item in changed:
            yield Finding(
                code="W001",
                severity=Severity.WARNING,
                message=(
                    f"{label} ({proc.name}, pid {proc.pid}) started at {_clock(proc.started)}, "
                    f"before the {item.what} {item.path} changed at {_clock(item.mtime)}: it still "
                    "has the old environment and must be restarted"
                ),
                fix=_RESTART.get(proc.ide, "Restart the IDE."),
                context_id=f"{proc.ide}:process",
                context_label=f"{label} (running, pid {proc.pid})",
                location=Location(item.path),
            )

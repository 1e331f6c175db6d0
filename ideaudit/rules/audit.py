"""The input of every rule: contexts, the reference shell, and the parsed configuration.

Built once per scan by :mod:`ideaudit.pipeline`; rules only read it.  Keeping all the
facts here is what lets rules be pure functions tested without a subprocess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ideaudit.contexts.vscode import FolderContexts
from ideaudit.model import Context, IdeEnvironment, Problem, ShellSnapshot


@dataclass(frozen=True)
class Audit:
    shell: Context | None
    contexts: tuple[Context, ...]
    problems: tuple[Problem, ...] = ()
    vscode: tuple[FolderContexts, ...] = ()
    ide: IdeEnvironment | None = None
    snapshots: tuple[ShellSnapshot, ...] = ()
    home: str = ""
    shell_resolution_timeout: float = 10.0
    go_mod_folders: frozenset[str] = field(default_factory=frozenset)

    def ide_contexts(self, *kinds: str) -> list[Context]:
        return [c for c in self.contexts if not kinds or c.kind in kinds]

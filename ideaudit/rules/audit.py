"""The input of every rule: contexts, the reference shell, and the parsed configuration.

Built once per scan by :mod:`ideaudit.pipeline`; rules only read it.  Keeping all the
facts here is what lets rules be pure functions tested without a subprocess.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ideaudit._fast.record import field, record
from ideaudit.contexts.vscode import FolderContexts
from ideaudit.go.disk import DiskFacts
from ideaudit.go.facts import GoFacts
from ideaudit.model import Context, EnvInput, IdeEnvironment, IdeProcess, Problem, ShellSnapshot

if TYPE_CHECKING:  # only for typing: GoLand's XML sources and the start-up tracer load lazily
    from ideaudit.contexts.goland import GoLandContexts
    from ideaudit.local.stage import LocalFacts
    from ideaudit.shell.startup_files import StartupAnalysis


@record(frozen=True)
class Audit:
    shell: Context | None
    contexts: tuple[Context, ...]
    problems: tuple[Problem, ...] = ()
    vscode: tuple[FolderContexts, ...] = ()
    goland: tuple[GoLandContexts, ...] = ()
    ide: IdeEnvironment | None = None
    snapshots: tuple[ShellSnapshot, ...] = ()
    home: str = ""
    # What Go itself said (go env per trusted context) and the module files.
    go: GoFacts | None = None
    # How the user's shell starts up, with the line behind each divergence (S rules).
    startup: StartupAnalysis | None = None
    # Filled by `ideaudit watch` only (a scan does not look at IDE start times):
    ide_processes: tuple[IdeProcess, ...] = ()
    env_inputs: tuple[EnvInput, ...] = ()
    # Project-local environments (.envrc, pins, dev containers) and the terminal in this
    # project; ``shell`` is that terminal when the project adds variables to it.
    local: LocalFacts | None = None
    # What the rules would otherwise stat or read (links, GOROOT layouts and VERSION
    # files, the C compiler on PATH): found by ideaudit.go.disk.collect before the rules.
    disk: DiskFacts = field(default_factory=DiskFacts)
    # ``--static``: only the committed files count, so what a checkout lacks by design
    # (a git-ignored envFile) is no finding.
    static: bool = False

    def with_disk_facts(self, *, read_versions: bool = True) -> Audit:
        """This audit with :attr:`disk` answered for its contexts, module folders and
        GoLand SDK paths: the last step of building it (the pipeline's, ``--static``'s
        and a test's), so that the rules read facts instead of files.  The stat and
        reads happen in :func:`ideaudit.go.disk.collect`; ``read_versions=False``
        (``--static``) stats only."""
        from ideaudit._fast.record import replace
        from ideaudit.go import disk

        return replace(
            self,
            disk=disk.collect(
                [
                    *([self.shell] if self.shell else []),
                    *self.contexts,
                    *(c for g in self.goland for c in g.contexts),
                ],
                home=self.home,
                folders=[m.gomod.folder for m in self.go.modules] if self.go else [],
                roots=[g.project.goroot.value for g in self.goland if g.project.goroot],
                read_versions=read_versions,
            ),
        )

    def ide_contexts(self, *kinds: str) -> list[Context]:
        return [c for c in self.contexts if not kinds or c.kind in kinds]

    def context(self, ctx_id: str) -> Context | None:
        """The IDE context with this id (the first, should two share it).

        Rules look a context up once per finding; a search of ``contexts`` each time
        made a scan of 3,000 launch configurations quadratic.  The index is built on
        first use and kept on the (frozen) record: ``contexts`` never changes.
        """
        index: dict[str, Context] | None = self.__dict__.get("_context_index")
        if index is None:
            index = {}
            for c in self.contexts:
                index.setdefault(c.id, c)
            object.__setattr__(self, "_context_index", index)
        return index.get(ctx_id)

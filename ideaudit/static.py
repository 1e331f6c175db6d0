"""``--static``: audit only what the committed files decide (CI, pre-commit).

No shell is captured, no IDE process is read, no ``go`` runs, no user settings or
JetBrains options are read: the IDE's environment is taken as empty and every context
is built from the workspace's own files (VS Code and GoLand files, go.mod/go.work,
vendor, envFiles, ``.code-workspace``).  Only the rules that need nothing but files run
(:attr:`ideaudit.rules.base.Rule.needs`); the others are listed in the report as
skipped, so a CI runner without Go or dotfiles gets no finding about itself.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ideaudit.model import IdeEnvironment, ShellSnapshot

if TYPE_CHECKING:
    from ideaudit.rules.audit import Audit
    from ideaudit.workspace import Target

SOURCE = "static mode: no IDE environment read (only the committed files)"
# The one variable static mode assumes: the PATH a desktop session starts with (systemd's
# default), so a configuration that replaces PATH instead of extending it (P005) is
# seen from the files alone.  Nothing else of any machine is assumed.
DESKTOP_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def no_shell() -> ShellSnapshot:
    """The terminal in static mode: never captured, so no context is compared with it."""
    return ShellSnapshot("", "terminal", (), {}, 0.0, None, error="static mode: no shell captured")


def static_audit(target: Target, home: str) -> tuple[Audit, IdeEnvironment, ShellSnapshot, list[str]]:
    """(the audit, the IDE environment, the terminal, the skipped rule codes) of a static
    scan; :func:`ideaudit.pipeline.finish` runs the rules on it as on a full scan's."""
    from ideaudit.contexts.vscode import folder_contexts
    from ideaudit.go import facts as gofacts
    from ideaudit.rules.audit import Audit
    from ideaudit.rules.catalog import load_all
    from ideaudit.sources.vscode import load_workspace
    from ideaudit.workspace import has_goland_project

    terminal = no_shell()
    skipped = [r.code for r in load_all().values() if not r.static]
    goland = has_goland_project(target.root)
    vscode = (
        not goland or target.code_workspace is not None or os.path.isdir(os.path.join(target.root, ".vscode"))
    )
    ide = IdeEnvironment("vscode" if vscode else "goland", {"PATH": DESKTOP_PATH}, "model", SOURCE)
    contexts = []
    problems = []
    folders = []
    # No user settings: they are not committed (and differ on every machine).
    workspace = load_workspace(target.root, target.code_workspace, None)
    if vscode:
        problems.extend(workspace.problems)
        all_folders = {f.name: f.path for f in workspace.folders}
        for folder in workspace.folders:
            fc = folder_contexts(folder, ide, terminal, home, all_folders)
            folders.append(fc)
            contexts.extend(fc.contexts)
            problems.extend(fc.problems)
    goland_results = []
    if goland:
        from ideaudit.contexts.goland import goland_contexts
        from ideaudit.sources.goland import load_goland_project

        # os.devnull as the JetBrains config folder: no application options are read.
        project = load_goland_project(target.root, home, os.devnull, True)
        gl_ide = IdeEnvironment("goland", {"PATH": DESKTOP_PATH}, "model", SOURCE)
        gc = goland_contexts(project, gl_ide, terminal)
        goland_results.append(gc)
        contexts.extend(gc.contexts)
        problems.extend(gc.problems)
    go = gofacts.collect(
        contexts,
        None,
        [f.path for f in workspace.folders],
        root=target.root,
        home=home,
        trust=False,
        run_go=False,
        cache_dir=None,
    )
    problems.extend(go.problems)
    audit = Audit(
        shell=None,
        contexts=tuple(go.contexts),
        go=go,
        problems=tuple(problems),
        vscode=tuple(folders),
        goland=tuple(goland_results),
        ide=ide,
        home=home,
        static=True,
    ).with_disk_facts(read_versions=False)  # links and layouts (stat) only: no VERSION file
    return audit, ide, terminal, skipped

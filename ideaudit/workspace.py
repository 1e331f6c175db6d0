"""What ``ideaudit scan PATH`` is pointed at: a folder, or a ``*.code-workspace`` file.

Discovery looks only where IDEs look (the folder itself, its ``.vscode/``, ``.idea/``,
``.run/``, and ``go.mod`` files) and never walks ``node_modules``, ``vendor`` or ``.git``,
so a scan of a large repository stays instant.
"""

from __future__ import annotations

import os

from ideaudit._fast.record import record
from ideaudit.errors import UsageError


@record(frozen=True)
class Target:
    root: str
    code_workspace: str | None


class TargetError(UsageError, ValueError):
    """The path given on the command line cannot be audited (exit status 2)."""


def resolve_target(path: str) -> Target:
    """A ``.code-workspace`` file is audited through its folders; so is a folder that
    holds exactly one ``.code-workspace`` file and has no ``.vscode/`` of its own."""
    full = os.path.abspath(path)
    if os.path.isfile(full):
        if full.endswith(".code-workspace"):
            return Target(os.path.dirname(full), full)
        raise TargetError(f"{path}: not a folder or a .code-workspace file")
    if not os.path.isdir(full):
        raise TargetError(f"{path}: no such file or folder")
    try:
        names = os.listdir(full)
    except OSError as exc:
        raise TargetError(f"{path}: cannot list the folder: {exc.strerror}") from exc
    workspaces = sorted(n for n in names if n.endswith(".code-workspace"))
    if len(workspaces) == 1 and ".vscode" not in names:
        return Target(full, os.path.join(full, workspaces[0]))
    return Target(full, None)


def repository_root(path: str, github_workspace: str | None = None) -> str | None:
    """The root of the git repository that holds ``path`` (absolute), else None.

    GitHub resolves an annotation's ``file=`` and a SARIF location against the
    repository root, not the folder ideaudit audited, so the ``github`` and ``sarif``
    formats need it when the workspace is a subfolder (the action's ``path`` input).
    Found by looking for ``.git`` upward -- a folder, or a file in a submodule or a
    linked worktree -- and never by running ``git`` from a workspace (see the README's
    Safety section).  ``github_workspace`` (``$GITHUB_WORKSPACE``) is the answer when
    no ``.git`` is found and it holds ``path``: actions/checkout without git on the
    runner downloads the tree with no ``.git``.
    """
    start = os.path.abspath(path)
    current = start
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    if github_workspace:
        base = os.path.abspath(github_workspace)
        if start == base or start.startswith(base.rstrip(os.sep) + os.sep):
            return base
    return None


def has_goland_project(root: str) -> bool:
    """A JetBrains project: ``.idea/`` or shared ``.run/`` configurations."""
    return os.path.isdir(os.path.join(root, ".idea")) or os.path.isdir(os.path.join(root, ".run"))


def find_go_mod(folder: str) -> str | None:
    """The ``go.mod`` of a folder, or of its nearest parent (as ``go`` finds it)."""
    current = os.path.abspath(folder)
    while True:
        candidate = os.path.join(current, "go.mod")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent

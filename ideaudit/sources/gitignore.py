"""Whether git ignores a file of the workspace, read from the .gitignore files on its way.

A committed launch.json may name an envFile that each developer creates and git ignores
(woodpecker-ci/woodpecker: ``"envFile": "${workspaceFolder}/.env"`` with ``/.env`` in
its .gitignore).  No checkout has that file, CI's included; ``--static`` says only what
the committed files decide, so it needs to know that the file is meant to be absent.
The patterns are matched by pathspec's ``GitIgnoreSpec`` (git's wildmatch rules,
anchoring and negation), not by hand.  Nothing runs git: the files are read.
"""

from __future__ import annotations

import os

from ideaudit.model import Location


def ignored_by(root: str, path: str) -> Location | None:
    """The .gitignore line that makes git ignore ``path``, a file under ``root``; None
    when no line does (or a later ``!`` line takes it back, or it is outside ``root``).

    The .gitignore of each folder from ``root`` down to the file's is read, and a
    deeper file's decision beats a shallower one's, as in git.
    """
    from pathspec import GitIgnoreSpec

    from ideaudit.sources.saferead import read_text

    rel = os.path.relpath(path, root)
    if rel.startswith(os.pardir) or os.path.isabs(rel):
        return None
    parts = rel.split(os.sep)
    decided: Location | None = None
    for depth in range(len(parts)):
        folder = os.path.join(root, *parts[:depth])
        ignore_file = os.path.join(folder, ".gitignore")
        try:
            # A blank line yields no pattern; a comment does, so each pattern's index
            # is its line's.
            lines = [ln or "#" for ln in read_text(ignore_file, "config", errors="replace").splitlines()]
        except OSError:
            continue
        check = GitIgnoreSpec.from_lines(lines).check_file("/".join(parts[depth:]))
        if check.include is not None and check.index is not None:
            decided = Location(ignore_file, check.index + 1) if check.include else None
    return decided

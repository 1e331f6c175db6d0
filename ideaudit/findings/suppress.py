"""Suppressions written in the files themselves (``per-file-ignores`` are the pipeline's).

``// ideaudit: ignore[V001] reason`` in a JSONC file (launch.json, settings.json, a
``.code-workspace``) and ``<!-- ideaudit: ignore[J003] reason -->`` in GoLand XML hide
the findings of those codes (or prefixes) on the comment's line and on the line below
it.  A suppression that hides nothing is itself reported as U001, as ruff's RUF100
does: a stale one would otherwise hide the next real problem on that line.

Comments are found with a line regex rather than through the JSONC/XML parsers: the
parsers drop comments, and a comment is one line by nature.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Sequence

from ideaudit._fast.record import record
from ideaudit.model import Finding, Location, Severity

UNUSED = "U001"
_COMMENT = re.compile(r"(?://|<!--)\s*ideaudit:\s*ignore\[([A-Za-z0-9,\s]*)\]")
# The files that can hold a suppression comment, relative to the workspace root.
_PLACES = ((".idea", (".xml",)), (".idea/runConfigurations", (".xml",)), (".run", (".xml",)))
# Only the VS Code files vscode-go reads (a .vscode/ may hold hundreds of other files).
_VSCODE = ("settings.json", "launch.json", "tasks.json")


@record(frozen=True)
class Suppression:
    file: str  # absolute
    line: int
    col: int
    codes: tuple[str, ...]


def comment_files(root: str) -> list[str]:
    """The workspace's JSONC and XML files (no deep walk: the IDEs read only these)."""
    out: list[str] = []
    with contextlib.suppress(OSError):
        out.extend(os.path.join(root, n) for n in sorted(os.listdir(root)) if n.endswith(".code-workspace"))
    out.extend(os.path.join(root, ".vscode", n) for n in _VSCODE)
    for folder, exts in _PLACES:
        full = os.path.join(root, folder)
        try:
            names = sorted(os.listdir(full))
        except OSError:
            continue
        out.extend(os.path.join(full, n) for n in names if n.endswith(exts))
    return [p for p in out if os.path.isfile(p)]


def read_suppressions(path: str) -> list[Suppression]:
    from ideaudit.sources.saferead import read_text

    try:
        text = read_text(path, "xml" if path.endswith(".xml") else "jsonc", errors="replace")
    except (OSError, ValueError):
        return []  # an unreadable file is already an E002 finding
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if "ideaudit" not in line:
            continue
        for m in _COMMENT.finditer(line):
            codes = tuple(c.strip().upper() for c in m.group(1).split(",") if c.strip())
            found.append(Suppression(path, number, m.start() + 1, codes))
    return found


def _covers(s: Suppression, f: Finding) -> bool:
    loc = f.location
    if loc is None or loc.line is None or os.path.abspath(loc.file) != s.file:
        return False
    return loc.line in (s.line, s.line + 1) and any(f.code.startswith(c) for c in s.codes)


def apply_suppressions(
    findings: Iterable[Finding],
    root: str,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> list[Finding]:
    """The findings no suppression hides, plus a U001 for each suppression (code) that
    hid nothing -- only for codes that were selected, so ``--select P`` never calls a
    V001 suppression unused."""
    from ideaudit.rules.base import RULES, matches

    sel = list(select) or ["ALL"]
    suppressions = [s for path in comment_files(root) for s in read_suppressions(path)]
    used: set[tuple[Suppression, str]] = set()
    kept: list[Finding] = []
    for f in findings:
        hit = [s for s in suppressions if _covers(s, f)]
        for s in hit:
            used.update((s, c) for c in s.codes if f.code.startswith(c))
        if not hit:
            kept.append(f)
    if not matches(UNUSED, sel) or matches(UNUSED, ignore):
        return kept
    for s in suppressions:
        for code in s.codes:
            if (s, code) in used:
                continue
            known = any(c.startswith(code) for c in RULES)
            if known and (not matches(code, sel) or matches(code, ignore)):
                continue  # not checked in this run: cannot tell whether it is used
            why = "matches no finding on this line or the next" if known else "names no rule"
            kept.append(
                Finding(
                    UNUSED,
                    Severity.WARNING,
                    f"Unused suppression: ignore[{code}] {why}",
                    fix=f"Remove {code} from the ideaudit: ignore[...] comment.",
                    location=Location(s.file, s.line, s.col),
                )
            )
    return kept

"""A finding's fingerprint: the same finding gets the same one in every run.

SARIF's ``partialFingerprints`` (GitHub code scanning tracks an alert across commits
by it) and ``--baseline`` both need an identity that survives unrelated edits, another
checkout folder and another current directory.  So it hashes the rule, the file
relative to the workspace root, the contexts, the variable and the *text* of the line
the finding points at (whitespace-trimmed), with an occurrence counter for identical
ones -- not the line number alone, which moves when a line is added above.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from ideaudit._fast.record import replace
from ideaudit.model import Finding


def _sha256(data: bytes) -> str:
    """SHA-256 from the interpreter's built-in module: ``import hashlib`` loads OpenSSL
    (~8 ms of every scan's start-up, measured here) for one digest per finding."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,unused-ignore]  # CPython 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]  # CPython 3.12+
        except ImportError:
            from hashlib import sha256  # type: ignore[assignment,unused-ignore]
    digest: str = sha256(data).hexdigest()
    return digest


def _line_text(root: str, file: str, line: int | None, cache: dict[str, list[str]]) -> str:
    if line is None:
        return ""
    path = file if os.path.isabs(file) else os.path.join(root, file)
    lines = cache.get(path)
    if lines is None:
        from ideaudit.sources.saferead import read_text

        try:
            lines = read_text(path, "text", errors="replace").splitlines()
        except (OSError, ValueError):
            lines = []
        cache[path] = lines
    return " ".join(lines[line - 1].split()) if 0 < line <= len(lines) else ""


def _key(f: Finding, root: str, cache: dict[str, list[str]]) -> str:
    loc = f.location
    file = loc.file.replace("\\", "/") if loc is not None else ""
    if loc is not None and os.path.isabs(loc.file):
        file = "~abs~" + os.path.basename(loc.file)  # a dotfile: the same name on every machine
    contexts = sorted({c.id for c in f.contexts} | ({f.context_id} if f.context_id else set()))
    text = _line_text(root, loc.file, loc.line, cache) if loc is not None else ""
    return "\x1f".join((f.code, file, ",".join(contexts), f.variable or "", text))


def fingerprint_all(findings: Sequence[Finding], root: str) -> list[Finding]:
    """``findings`` with :attr:`Finding.fingerprint` set (paths relative to ``root``)."""
    cache: dict[str, list[str]] = {}
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        key = _key(f, root, cache)
        n = seen.get(key, 0)
        seen[key] = n + 1
        digest = _sha256(f"{key}\x1f{n}".encode("utf-8", "surrogatepass"))[:32]
        out.append(replace(f, fingerprint=digest))
    return out

"""Apply fixes: pick compatible edits, render unified diffs, write atomically, undo.

Everything that touches the disk for a fix is here.

* :func:`select` takes fixes in finding order and keeps those whose edits neither overlap
  an edit already kept nor are ambiguous next to it; two fixes proposing the same edit
  apply it once.  The others wait for the next round (``--fix`` re-scans and repeats, as
  ruff does).  Two insertions at the same offset compose only when they were built to
  (each brings its own JSON separator, or each is a whole line).
* :func:`unified_diff` renders git-style diffs (``git apply`` accepts them, new files
  included, ``\\ No newline at end of file`` where it applies).
* :func:`write_files` writes each file atomically: a temporary file in the same folder,
  ``fsync``, the original's permission bits, ``os.replace``.  The original bytes go to a
  backup folder in the cache first (``ideaudit fix --undo`` restores the last run).  A
  file whose bytes are not the ones the scan read is refused, and nothing is written.

Offsets are character offsets into the text decoded from UTF-8 (as the JSONC and XML
readers see it, BOM and CRLF included), so applying edits to that text and encoding it
again reproduces every byte outside the edits.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence

from ideaudit.fixes.base import Fix
from ideaudit.model import Edit
from ideaudit.record import record


class FixConflict(Exception):
    """A file changed since the scan read it (or appeared, or vanished)."""


class UndoError(Exception):
    """There is nothing to undo, or a file changed since the fix wrote it."""


# -- choosing edits -------------------------------------------------------------------


def _composable(a: Edit, b: Edit, text: str | None) -> bool:
    """Two insertions at one offset that can simply be concatenated."""
    if a.length or b.length or a.offset != b.offset:
        return False
    if a.text.startswith(",") and b.text.startswith(","):
        return True
    if a.text.endswith(",") and b.text.endswith(","):
        return True
    if a.file.endswith((".json", ".code-workspace")):
        return False  # whole-line JSON insertions (a new document) do not compose
    at_line_start = a.offset == 0 or (text is not None and text[a.offset - 1 : a.offset] in ("\n", "\r"))
    return at_line_start and a.text.endswith(("\n", "\r")) and b.text.endswith(("\n", "\r"))


def _clash(a: Edit, b: Edit, text: str | None) -> bool:
    if a == b:
        return False
    if _composable(a, b, text):
        return False
    a_end, b_end = a.offset + a.length, b.offset + b.length
    if a.length and b.length:
        return a.offset < b_end and b.offset < a_end
    # An insertion touching another edit clashes: their order would be ambiguous.
    return a.offset <= b_end and b.offset <= a_end


def select(fixes: Sequence[Fix], originals: Mapping[str, str | None]) -> tuple[list[Fix], list[Fix]]:
    """Split ``fixes`` into those applied now and those deferred to the next round."""
    kept: list[Fix] = []
    deferred: list[Fix] = []
    by_file: dict[str, list[tuple[Edit, str]]] = {}
    for fix in fixes:
        ok = True
        for e in fix.edits:
            for other, code in by_file.get(e.file, ()):
                # The same edit proposed for two findings of one rule (one setting that
                # three contexts share) applies once; shared with another rule's fix it
                # waits: that fix may do more with the same text (move it elsewhere).
                if (e == other and code != fix.code) or _clash(e, other, originals.get(e.file)):
                    ok = False
                    break
            if not ok:
                break
        if not ok:
            deferred.append(fix)
            continue
        kept.append(fix)
        for e in fix.edits:
            by_file.setdefault(e.file, []).append((e, fix.code))
    return kept, deferred


def merged_edits(fixes: Iterable[Fix]) -> dict[str, list[Edit]]:
    """Edits per file, duplicates removed, in application order (stable for equal offsets)."""
    out: dict[str, list[Edit]] = {}
    for fix in fixes:
        for e in fix.edits:
            lst = out.setdefault(e.file, [])
            if e not in lst:
                lst.append(e)
    for lst in out.values():
        order = {id(e): i for i, e in enumerate(lst)}
        lst.sort(key=lambda e: (e.offset, order[id(e)]))
    return out


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` (sorted by offset) applied."""
    parts: list[str] = []
    last = 0
    for e in edits:
        if e.offset < last or e.offset + e.length > len(text):
            raise ValueError(f"overlapping or out-of-range edit at {e.file}:{e.offset}")
        parts.append(text[last : e.offset])
        parts.append(e.text)
        last = e.offset + e.length
    parts.append(text[last:])
    return "".join(parts)


def new_texts(fixes: Iterable[Fix], originals: Mapping[str, str | None]) -> dict[str, tuple[str | None, str]]:
    """file -> (original text or None for a new file, text after the fixes)."""
    result: dict[str, tuple[str | None, str]] = {}
    for path, edits in merged_edits(fixes).items():
        old = originals.get(path)
        new = apply_edits(old or "", edits)
        if new != (old or "") or old is None:
            result[path] = (old, new)
    return result


# -- diffs ----------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """Split after each ``\\n`` only, as git does (a CR stays part of its line)."""
    if not text:
        return []
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def display_path(path: str, base: str | None = None) -> str:
    base = os.path.abspath(base or os.getcwd())
    rel = os.path.relpath(os.path.abspath(path), base)
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def unified_diff(changes: Mapping[str, tuple[str | None, str]], base: str | None = None) -> str:
    """git-style unified diffs of ``changes`` (paths relative to ``base``, default cwd)."""
    import difflib

    out: list[str] = []
    for path in sorted(changes):
        old, new = changes[path]
        name = display_path(path, base)
        old_lines, new_lines = _lines(old or ""), _lines(new)
        out.append(f"diff --git a/{name} b/{name}\n")
        if old is None:
            out.append("new file mode 100644\n")
        body = list(
            difflib.unified_diff(
                old_lines,
                new_lines,
                "/dev/null" if old is None else f"a/{name}",
                f"b/{name}",
                n=3,
                lineterm="\n",
            )
        )
        for line in body:
            if line.startswith(("---", "+++")):
                out.append(line.rstrip("\n") + "\n")
            elif line.startswith("@@"):
                out.append(line)
            else:
                out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


# -- writing --------------------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _current(path: str) -> bytes | None:
    from ideaudit.sources.saferead import read_bytes

    try:
        return read_bytes(path, "text")
    except FileNotFoundError:
        return None


# The rename step, a module attribute so that a test can inject a failure between
# writing the temporary file and renaming it.
_replace = os.replace


def atomic_write(path: str, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically: temp file in the same folder, fsync, rename.

    On any failure the temporary file is removed and ``path`` is untouched.
    """
    target = os.path.realpath(path)  # dotfiles are often symlinks: write through them
    folder = os.path.dirname(target) or "."
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".ideaudit-tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        _replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    try:  # make the rename itself durable
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def backup_root(cache_dir: str | None = None) -> str:
    if cache_dir is None:
        cache_dir = os.environ.get("IDEAUDIT_CACHE_DIR")
    if not cache_dir:
        from ideaudit.environ.shell import default_cache_dir

        cache_dir = default_cache_dir()
    return os.path.join(cache_dir, "fix-backups")


@record(frozen=True)
class Written:
    path: str
    created: bool


def write_files(
    changes: Mapping[str, tuple[str | None, str]],
    cache_dir: str | None = None,
) -> list[Written]:
    """Write every changed file, after checking *all* of them against what was read.

    Raises :class:`FixConflict` (writing nothing) when a file's bytes differ from the
    text the fixes were computed against.  Backs the originals up first.
    """
    plan: list[tuple[str, bytes | None, bytes]] = []
    for path, (old, new) in sorted(changes.items()):
        current = _current(path)
        if old is None:
            if current is not None:
                raise FixConflict(f"{path} was created since it was read; run the scan again")
        elif current is None:
            raise FixConflict(f"{path} was removed since it was read; run the scan again")
        elif _sha(current) != _sha(old.encode("utf-8")):
            raise FixConflict(f"{path} changed since it was read; not fixing it (run the scan again)")
        plan.append((path, current, new.encode("utf-8")))
    if not plan:
        return []
    # Named by time in ns first, so the last run sorts last.
    run = os.path.join(backup_root(cache_dir), f"{time.time_ns():020d}-{os.getpid()}")
    os.makedirs(run, exist_ok=True)
    manifest: list[dict[str, object]] = []
    for i, (path, current, data) in enumerate(plan):
        entry: dict[str, object] = {"path": os.path.realpath(path), "written": _sha(data)}
        if current is not None:
            name = f"{i}-{os.path.basename(path)}"
            with open(os.path.join(run, name), "wb") as fh:
                fh.write(current)
            entry["backup"] = name
            entry["mode"] = os.stat(path).st_mode & 0o7777
        manifest.append(entry)
    with open(os.path.join(run, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1)
    written: list[Written] = []
    for path, current, data in plan:
        mode = os.stat(path).st_mode & 0o7777 if current is not None else None
        atomic_write(path, data, mode)
        written.append(Written(path, current is None))
    return written


def _runs(cache_dir: str | None) -> list[str]:
    root = backup_root(cache_dir)
    try:
        names = sorted(n for n in os.listdir(root) if os.path.isfile(os.path.join(root, n, "manifest.json")))
    except FileNotFoundError:
        return []
    return [os.path.join(root, n) for n in names]


def undo(cache_dir: str | None = None) -> list[str]:
    """Restore the files of the last ``--fix`` run; returns the paths restored.

    Refuses (changing nothing) when a file was changed after the fix wrote it.
    """
    runs = _runs(cache_dir)
    if not runs:
        raise UndoError("nothing to undo: no fix run is recorded")
    run = runs[-1]
    with open(os.path.join(run, "manifest.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    for entry in manifest:
        current = _current(entry["path"])
        if current is None or _sha(current) != entry["written"]:
            raise UndoError(f"{entry['path']} changed after the fix; not undoing (backup kept in {run})")
    restored = []
    for entry in manifest:
        path = entry["path"]
        if "backup" in entry:
            with open(os.path.join(run, entry["backup"]), "rb") as fh:
                atomic_write(path, fh.read(), entry.get("mode"))
        else:
            os.unlink(path)
        restored.append(path)
    import shutil

    shutil.rmtree(run, ignore_errors=True)
    return restored

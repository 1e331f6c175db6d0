"""Apply fixes: pick compatible edits, render unified diffs, write atomically, undo.

Everything that touches the disk for a fix is here.

* :func:`select` takes fixes in finding order and keeps those whose edits neither overlap
  an edit already kept nor are ambiguous next to it; two fixes proposing the same edit
  apply it once.  The others wait for the next round (``--fix`` re-scans and repeats, as
  ruff does).  Two insertions at the same offset compose only when they were built to
  (each brings its own JSON separator, or each is a whole line).
* :func:`unified_diff` renders git-style diffs (``git apply`` accepts them, new files
  included, ``\\ No newline at end of file`` where it applies).
* :class:`FixRun` writes each file atomically: a temporary file in the same folder with
  the original's mode and owner, ``fsync``, ``os.replace``.  The original bytes go to a
  backup folder in the cache first, with a manifest that covers every round of the run
  (``ideaudit fix --undo`` restores the whole last run).  A file whose bytes are not the
  ones the scan read is refused, and nothing is written; so is a file outside the
  workspace (or a symlink leading out of it), a read-only file unless asked, another
  user's file, or anything but a regular file.

Offsets are character offsets into the text decoded from UTF-8 (as the JSONC and XML
readers see it, BOM and CRLF included), so applying edits to that text and encoding it
again reproduces every byte outside the edits.
"""

from __future__ import annotations

import bisect
import contextlib
import copy
import hashlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from ideaudit._fast.record import record
from ideaudit.errors import UsageError
from ideaudit.fixes.base import Fix
from ideaudit.model import Edit


class FixConflict(Exception):
    """A file changed since the scan read it (or appeared, or vanished)."""


class UndoError(UsageError):
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
    by_file: dict[str, _Kept] = {}
    for fix in fixes:
        ok = True
        for e in fix.edits:
            for other, code in by_file[e.file].near(e) if e.file in by_file else ():
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
            by_file.setdefault(e.file, _Kept()).add(e, fix.code)
    return kept, deferred


class _Kept:
    """The kept edits of one file, by offset, so a new edit is checked only against
    those it could touch (checking every kept edit made thousands of fixes in one
    launch.json quadratic).

    Kept edits do not overlap (identical edits and insertions at one offset aside), so
    sorted by offset their ends never decrease: walking back from the last edit that
    starts at or before the new one's end, the first that ends before the new one
    starts ends the search.  Should one fix bring edits that overlap each other, the
    order no longer holds and every kept edit of that file is checked, as before."""

    def __init__(self) -> None:
        self.offsets: list[int] = []
        self.edits: list[tuple[Edit, str]] = []
        self.ordered = True

    @staticmethod
    def _end(item: tuple[Edit, str]) -> int:
        return item[0].offset + item[0].length

    def add(self, e: Edit, code: str) -> None:
        i = bisect.bisect_right(self.offsets, e.offset)
        self.offsets.insert(i, e.offset)
        self.edits.insert(i, (e, code))
        end = e.offset + e.length
        if (i > 0 and self._end(self.edits[i - 1]) > end) or (
            i + 1 < len(self.edits) and self._end(self.edits[i + 1]) < end
        ):
            self.ordered = False

    def near(self, e: Edit) -> Iterator[tuple[Edit, str]]:
        if not self.ordered:
            yield from self.edits
            return
        i = bisect.bisect_right(self.offsets, e.offset + e.length) - 1
        while i >= 0:
            other = self.edits[i]
            if self._end(other) < e.offset:
                return
            yield other
            i -= 1


def merged_edits(fixes: Iterable[Fix]) -> dict[str, list[Edit]]:
    """Edits per file, duplicates removed, in application order (stable for equal offsets)."""
    out: dict[str, list[Edit]] = {}
    seen: set[Edit] = set()  # a list membership test per edit was quadratic
    for fix in fixes:
        for e in fix.edits:
            if e not in seen:
                seen.add(e)
                out.setdefault(e.file, []).append(e)
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


def unified_diff(
    changes: Mapping[str, tuple[str | None, str]],
    base: str | None = None,
    edits: Mapping[str, Sequence[Edit]] | None = None,
) -> str:
    """git-style unified diffs of ``changes`` (paths relative to ``base``, default cwd).

    With the ``edits`` that made a file's new text (as :func:`merged_edits` gives them),
    its hunks come straight from the edits' lines, in time linear in the file; difflib
    (used otherwise) is quadratic on a file with thousands of scattered changes (a fix
    per launch configuration: 54 s for 3,000)."""
    import difflib

    out: list[str] = []
    for path in sorted(changes):
        old, new = changes[path]
        name = display_path(path, base)
        old_lines, new_lines = _lines(old or ""), _lines(new)
        out.append(f"diff --git a/{name} b/{name}\n")
        if old is None:
            out.append("new file mode 100644\n")
        fromfile, tofile = "/dev/null" if old is None else f"a/{name}", f"b/{name}"
        file_edits = edits.get(path) if edits is not None and old is not None else None
        if file_edits is not None and old is not None:
            body = _edit_diff(old, file_edits, old_lines, new_lines, fromfile, tofile)
        else:
            body = list(difflib.unified_diff(old_lines, new_lines, fromfile, tofile, n=3, lineterm="\n"))
        for line in body:
            if line.startswith(("---", "+++")):
                out.append(line.rstrip("\n") + "\n")
            elif line.startswith("@@"):
                out.append(line)
            else:
                out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _edit_opcodes(old: str, edits: Sequence[Edit]) -> list[tuple[str, int, int, int, int]]:
    """difflib-style opcodes (old lines -> new lines) of non-overlapping ``edits``.

    Edits touching the same lines form one block; each block's old lines are replaced
    by what the edits make of them, minus the lines both sides share at its edges."""
    starts = [0]
    at = old.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = old.find("\n", at + 1)
    if starts[-1] == len(old) and len(starts) > 1:
        starts.pop()  # the text ends with a line break: no line starts after it
    line_count = len(_lines(old))

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    def chunk(first: int, last: int, block: list[Edit]) -> tuple[int, int, str]:
        lo = starts[first] if first < len(starts) else len(old)
        hi = starts[last] if last < len(starts) else len(old)
        shifted = [Edit(e.file, e.offset - lo, e.length, e.text) for e in block]
        return lo, hi, apply_edits(old[lo:hi], shifted)

    ordered = sorted(edits, key=lambda e: e.offset)
    codes: list[tuple[str, int, int, int, int]] = []
    i = j = k = 0
    while k < len(ordered):
        # One block: the lines the next edits touch, grown while an edit starts inside
        # it or its new text does not end a line (it then runs into the next line).
        e = ordered[k]
        first = line_of(e.offset)
        last = first + 1
        block: list[Edit] = []
        while True:
            while k < len(ordered) and line_of(ordered[k].offset) < last:
                e = ordered[k]
                last = max(last, line_of(max(e.offset, e.offset + e.length - 1)) + 1)
                block.append(e)
                k += 1
            last = min(last, line_count) if line_count else 0
            lo, hi, replaced = chunk(first, last, block)
            if hi >= len(old) or replaced.endswith("\n") or last >= line_count:
                break
            last += 1
        a = _lines(old[lo:hi])
        b = _lines(replaced)
        head = 0
        while head < min(len(a), len(b)) and a[head] == b[head]:
            head += 1
        tail = 0
        while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
            tail += 1
        a1, a2 = first + head, first + len(a) - tail
        gap = a1 - i
        if gap > 0:
            codes.append(("equal", i, a1, j, j + gap))
        j += gap
        b_len = len(b) - head - tail
        if a2 > a1 or b_len:
            tag = "replace" if a2 > a1 and b_len else "delete" if a2 > a1 else "insert"
            codes.append((tag, a1, a2, j, j + b_len))
        i, j = a2, j + b_len
    if line_count > i:
        codes.append(("equal", i, line_count, j, j + line_count - i))
    return codes


def _edit_diff(
    old: str,
    edits: Sequence[Edit],
    a: list[str],
    b: list[str],
    fromfile: str,
    tofile: str,
) -> list[str]:
    """The lines :func:`difflib.unified_diff` would give, from the edits' opcodes."""
    import difflib

    class _Given(difflib.SequenceMatcher[str]):
        def get_opcodes(self) -> list[tuple[str, int, int, int, int]]:  # type: ignore[override]
            return codes

    def span(start: int, stop: int) -> str:
        length = stop - start
        first = start + 1 if length else start
        return f"{first}" if length == 1 else f"{first},{length}"

    codes = _edit_opcodes(old, edits)
    out: list[str] = []
    for group in _Given(None, a, b).get_grouped_opcodes(3):
        if not out:
            out += [f"--- {fromfile}\n", f"+++ {tofile}\n"]
        out.append(f"@@ -{span(group[0][1], group[-1][2])} +{span(group[0][3], group[-1][4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(" " + line for line in a[i1:i2])
                continue
            if tag in ("replace", "delete"):
                out.extend("-" + line for line in a[i1:i2])
            if tag in ("replace", "insert"):
                out.extend("+" + line for line in b[j1:j2])
    return out


# -- writing --------------------------------------------------------------------------
#
# Why a hand-written transaction rather than a library: the pieces are a temp file, an
# fsync and a rename (what every "atomic write" package does), plus a backup manifest
# that must survive a kill -9 at any point; no well-kept package does the latter.


class WriteRefused(FixConflict):
    """A file the fixes would change is one ideaudit must not write (outside the
    workspace, behind a symlink that leaves it, read-only, another user's, not a regular
    file).  Nothing is written."""


class WriteFailed(OSError):
    """Writing a file failed (a read-only folder, a full disk); the round was rolled back."""


class ManifestError(ValueError):
    """A backup manifest that cannot be read (truncated by a kill, edited by hand)."""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _current(path: str) -> bytes | None:
    """The bytes of ``path`` (``None`` if absent); only a regular file within the cap is
    read (the safe-read helper), so a FIFO or a device named by a workspace cannot hang
    or flood the writer."""
    from ideaudit.sources.saferead import ReadRefused, read_bytes

    try:
        return read_bytes(path, "text")
    except FileNotFoundError:
        return None
    except ReadRefused as exc:
        raise WriteRefused(f"{path}: {exc.strerror}; not changing it") from None


# The rename step, a module attribute so that a test can inject a failure between
# writing the temporary file and renaming it.
_replace = os.replace


def _default_mode() -> int:
    """The mode a new file gets from ``open()`` under the current umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(
    path: str, data: bytes, mode: int | None = None, owner: tuple[int, int] | None = None
) -> None:
    """Write ``data`` to ``path`` atomically: temp file in the same folder, fsync, rename.

    ``mode`` and ``owner`` (uid, gid) are set on the temporary file before the rename, so
    the file never exists with other metadata (a 0600 file is never 0644, even briefly).
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
            if owner is not None and hasattr(os, "fchown"):
                st = os.fstat(fh.fileno())
                if (st.st_uid, st.st_gid) != owner:
                    os.fchown(fh.fileno(), *owner)
            os.fchmod(fh.fileno(), _default_mode() if mode is None else mode)
            os.fsync(fh.fileno())
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
        from ideaudit.shell.cache import default_cache_dir

        cache_dir = default_cache_dir()
    return os.path.join(cache_dir, "fix-backups")


@record(frozen=True)
class Written:
    path: str
    created: bool


@record(frozen=True)
class _Step:
    path: str
    old: bytes | None
    new: bytes
    mode: int | None
    owner: tuple[int, int] | None


def _within(real: str, roots: Sequence[str]) -> bool:
    for root in roots:
        base = os.path.realpath(root).rstrip(os.sep) + os.sep
        if real == base.rstrip(os.sep) or real.startswith(base):
            return True
    return False


Roots = Sequence[str] | Callable[[str], Sequence[str]] | None


def _check_target(path: str, exists: bool, roots: Roots, allow_read_only: bool) -> None:
    """Refuse (before anything is written) a file ideaudit must not change."""
    real = os.path.realpath(path)
    if callable(roots):
        roots = roots(path)
    if roots is not None and not _within(real, roots):
        where = ", ".join(roots)
        if real != os.path.abspath(path):
            raise WriteRefused(
                f"{path} is a symlink to {real}, outside the workspace ({where}); not writing through it"
            )
        if not exists:
            raise WriteRefused(f"not creating {path}: it is outside the workspace ({where})")
        raise WriteRefused(f"{path} is outside the workspace ({where}); not changing it")
    if not exists:
        return
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise WriteRefused(f"{path} is not a regular file; not changing it")
    if not st.st_mode & 0o222 and not allow_read_only:
        raise WriteRefused(
            f"{path} is read-only (mode {stat.S_IMODE(st.st_mode):04o}); not changing it "
            "(pass --fix-read-only to change read-only files too; their mode is kept)"
        )
    euid = os.geteuid()
    if euid != 0 and st.st_uid != euid:
        raise WriteRefused(
            f"{path} belongs to another user (uid {st.st_uid}); rewriting it would change its owner"
        )
    if euid != 0 and st.st_gid not in (os.getegid(), *os.getgroups()):
        raise WriteRefused(
            f"{path} belongs to group {st.st_gid}, which you are not in; rewriting it would change its group"
        )


def _plan(changes: Mapping[str, tuple[str | None, str]], roots: Roots, allow_read_only: bool) -> list[_Step]:
    """Check *every* file against what was read and against the write policy."""
    plan: list[_Step] = []
    for path, (old, new) in sorted(changes.items()):
        current = _current(path)
        if old is None:
            if current is not None:
                raise FixConflict(f"{path} was created since it was read; run the scan again")
        elif current is None:
            raise FixConflict(f"{path} was removed since it was read; run the scan again")
        elif _sha(current) != _sha(old.encode("utf-8")):
            raise FixConflict(f"{path} changed since it was read; not fixing it (run the scan again)")
        _check_target(path, current is not None, roots, allow_read_only)
        mode: int | None = None
        owner: tuple[int, int] | None = None
        if current is not None:
            st = os.stat(path)
            mode, owner = stat.S_IMODE(st.st_mode), (st.st_uid, st.st_gid)
        plan.append(_Step(path, current, new.encode("utf-8"), mode, owner))
    return plan


class FixRun:
    """The backups and the manifest of one ``--fix`` run, across all its rounds.

    ``fix --undo`` restores every file as it was before the run's *first* round.  The
    manifest is written (atomically) before a round touches any file and lists, per
    file, the hash before the run and every hash the run wrote; so after a kill -9 at any
    point each file is in a state undo recognises.  A round that fails (a read-only
    folder, a full disk) puts back the files it already wrote and the manifest as it
    was; a run that wrote nothing leaves no manifest behind.
    """

    def __init__(self, cache_dir: str | None = None) -> None:
        self.root = backup_root(cache_dir)
        self.dir: str | None = None
        self.entries: dict[str, dict[str, Any]] = {}

    def write(
        self,
        changes: Mapping[str, tuple[str | None, str]],
        *,
        roots: Roots = None,
        allow_read_only: bool = False,
    ) -> list[Written]:
        """Write one round's files, after checking all of them; see the class docstring.

        Raises :class:`FixConflict` (or :class:`WriteRefused`) writing nothing, or
        :class:`WriteFailed` after rolling the round back.
        """
        plan = _plan(changes, roots, allow_read_only)
        if not plan:
            return []
        saved = copy.deepcopy(self.entries)
        done: list[_Step] = []
        current = plan[0]
        try:
            self._record(plan)
            for current in plan:
                atomic_write(current.path, current.new, current.mode, current.owner)
                done.append(current)
        except BaseException as exc:
            for step in reversed(done):
                with contextlib.suppress(OSError):
                    if step.old is None:
                        os.unlink(os.path.realpath(step.path))
                    else:
                        atomic_write(step.path, step.old, step.mode, step.owner)
            self.entries = saved
            with contextlib.suppress(OSError):
                self._save()
            if isinstance(exc, OSError) and not isinstance(exc, WriteFailed):
                raise WriteFailed(
                    exc.errno,
                    f"could not write {current.path}: {exc.strerror or exc}; nothing of this round was kept",
                ) from exc
            raise
        return [Written(s.path, s.old is None) for s in plan]

    def _record(self, plan: Sequence[_Step]) -> None:
        if self.dir is None:
            os.makedirs(self.root, mode=0o700, exist_ok=True)
            # Named by time in ns first, so the last run sorts last.
            self.dir = os.path.join(self.root, f"{time.time_ns():020d}-{os.getpid()}")
            os.mkdir(self.dir, 0o700)
        for step in plan:
            real = os.path.realpath(step.path)
            entry = self.entries.get(real)
            if entry is None:
                entry = {"path": real, "before": None, "states": []}
                if step.old is not None:
                    name = f"{len(self.entries)}-{os.path.basename(real)}"
                    # The backup keeps the file's mode (never wider: 0600 stays 0600)
                    # and owner.
                    atomic_write(os.path.join(self.dir, name), step.old, step.mode, step.owner)
                    entry.update(backup=name, before=_sha(step.old), mode=step.mode, owner=step.owner)
                self.entries[real] = entry
            entry["states"].append(_sha(step.new))
        self._save()

    def _save(self) -> None:
        """Write the manifest atomically, or remove the run when it holds nothing."""
        if self.dir is None:
            return
        if not self.entries:
            import shutil

            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
            return
        data = json.dumps({"version": 2, "files": list(self.entries.values())}, indent=1)
        atomic_write(os.path.join(self.dir, "manifest.json"), data.encode("utf-8"), 0o600)


def write_files(
    changes: Mapping[str, tuple[str | None, str]],
    cache_dir: str | None = None,
    *,
    roots: Roots = None,
    allow_read_only: bool = False,
) -> list[Written]:
    """Write every changed file as one run of its own (see :class:`FixRun`).

    Raises :class:`FixConflict` (writing nothing) when a file's bytes differ from the
    text the fixes were computed against, :class:`WriteRefused` for a file outside
    ``roots`` (when given; a function gives the roots of each path), read-only or not
    ideaudit's to change.
    """
    return FixRun(cache_dir).write(changes, roots=roots, allow_read_only=allow_read_only)


def _runs(cache_dir: str | None) -> list[str]:
    root = backup_root(cache_dir)
    try:
        names = sorted(n for n in os.listdir(root) if os.path.isfile(os.path.join(root, n, "manifest.json")))
    except FileNotFoundError:
        return []
    return [os.path.join(root, n) for n in names]


def _load_manifest(path: str) -> list[dict[str, Any]]:
    """The entries of a manifest (this format, or the first one: a plain list)."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"damaged ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"unreadable ({exc})") from None
    entries = data.get("files") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ManifestError("damaged (no list of files)")
    out: list[dict[str, Any]] = []
    for e in entries:
        if not isinstance(e, dict) or not isinstance(e.get("path"), str):
            raise ManifestError("damaged (an entry without a path)")
        states = e.get("states") or ([e["written"]] if isinstance(e.get("written"), str) else None)
        if not isinstance(states, list) or not all(isinstance(s, str) for s in states):
            raise ManifestError(f"damaged (no hashes for {e['path']})")
        entry = {**e, "states": states}
        if "before" not in e and "backup" in e:  # the first format: hash the backup
            backup = _current(os.path.join(os.path.dirname(path), str(e["backup"])))
            entry["before"] = _sha(backup) if backup is not None else None
        entry.setdefault("before", None)
        out.append(entry)
    return out


def undo(cache_dir: str | None = None, warn: Callable[[str], None] | None = None) -> list[str]:
    """Restore the files of the last ``--fix`` run (all its rounds); returns the paths
    restored.

    A run whose manifest is damaged is reported through ``warn`` and skipped, so older
    backups stay usable.  Refuses (changing nothing) when a file was changed after the
    fix wrote it.
    """
    chosen: tuple[str, list[dict[str, Any]]] | None = None
    for run in reversed(_runs(cache_dir)):
        manifest = os.path.join(run, "manifest.json")
        try:
            chosen = run, _load_manifest(manifest)
            break
        except ManifestError as exc:
            if warn is not None:
                warn(f"{manifest} is {exc}; skipped that run (its backups are in {run})")
    if chosen is None:
        raise UndoError("nothing to undo: no fix run is recorded")
    run, entries = chosen
    todo: list[dict[str, Any]] = []
    for entry in entries:
        try:
            current = _current(entry["path"])
        except WriteRefused as exc:
            raise UndoError(f"{exc} (backup kept in {run})") from None
        digest = _sha(current) if current is not None else None
        if digest == entry["before"]:
            continue  # never written (an interrupted run), or already as it was
        if digest not in entry["states"]:
            raise UndoError(f"{entry['path']} changed after the fix; not undoing (backup kept in {run})")
        if "backup" in entry:
            backup = _current(os.path.join(run, str(entry["backup"])))
            if backup is None or _sha(backup) != entry["before"]:
                raise UndoError(f"the backup of {entry['path']} in {run} is missing or damaged; not undoing")
        todo.append(entry)
    restored = []
    for entry in todo:
        path = entry["path"]
        if "backup" in entry:
            owner = entry.get("owner")
            with open(os.path.join(run, entry["backup"]), "rb") as fh:
                atomic_write(path, fh.read(), entry.get("mode"), tuple(owner) if owner else None)
        else:
            os.unlink(path)
        restored.append(path)
    import shutil

    shutil.rmtree(run, ignore_errors=True)
    return restored

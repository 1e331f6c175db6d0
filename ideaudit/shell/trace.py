"""Which start-up file and line set a variable: xtrace for bash and zsh, reading for fish.

A divergence between your terminal and the IDE ("GOPATH is set in the terminal only")
is only actionable with the line that set it.  Grepping dotfiles cannot find lines that
compute a value, come from a sourced file, or sit behind a guard, so bash and zsh are
*run* with tracing on and the trace is read:

bash
    ``bash --rcfile WRAPPER -i -c :`` where WRAPPER sets ``PS4='+${BASH_SOURCE}:${LINENO}: '``
    and ``set -x`` and then sources exactly the files bash itself would read
    (``/etc/bash.bashrc``, ``~/.bashrc``).  A wrapper rather than ``PS4`` in the child's
    environment because bash ignores an inherited ``PS4`` when running as root (since
    4.4), which is what containers and CI run as.  The trace goes to its own file via
    ``BASH_XTRACEFD`` (an inherited descriptor), so nothing an rc file prints to
    stderr can be mistaken for a trace line.  Login terminals (macOS) cannot use
    ``--rcfile``: there ``bash -x -i -l`` with ``PS4`` in the environment is used, which
    names file:line for everyone but root.
zsh
    ``zsh -x -i -c :`` with ``PS4='<nonce>+%x:%I> '`` in the environment: ``-x`` is in
    effect from the first line of ``/etc/zsh/zshenv``, ``%x``/``%I`` name the file and
    line (also inside functions and ``eval``).  zsh has no XTRACEFD, so the trace shares
    stderr with whatever rc files print there; every trace line starts with a random
    nonce, and lines without it are noise.
fish
    fish has no line-level trace of its start-up, so ``config.fish`` and ``conf.d/*.fish``
    are read statically for ``set -x``/``set -gx``/``set -Ux``, ``set PATH``,
    ``fish_add_path`` and ``export`` lines.

Only what rules need is kept: variable names, file:line, and the PATH entries a line
names.  The trace text itself, which holds every assigned value (tokens included), is
read once and deleted; no value other than PATH entries is stored or cached.  Results
are cached like shell snapshots, keyed by the stat of the start-up files.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ideaudit._fast.lazyre import lazy_re
from ideaudit._fast.record import record
from ideaudit.model import Location
from ideaudit.shell import cache, process
from ideaudit.shell.profiles import shell_argv, shell_kind, startup_files

__all__ = [
    "Assignment",
    "Trace",
    "is_cached",
    "origin_of",
    "parse_bash_trace",
    "parse_fish_files",
    "parse_sh_files",
    "parse_zsh_trace",
    "trace_startup",
]

_CACHE_VERSION = 1
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_ASSIGN_RE = lazy_re(rf"^(?P<name>{_NAME})(?P<plus>\+?)=(?P<value>.*)$", re.DOTALL)
_ARRAY_RE = lazy_re(rf"^(?P<name>{_NAME})(?P<plus>\+?)=\(\s*(?P<body>.*?)\s*\)\s*$")
_DECLARE_RE = lazy_re(
    r"^(?:builtin\s+)?(?P<cmd>export|declare|typeset|readonly|integer|float)\b(?P<rest>.*)$"
)
_ALIAS_GO_RE = lazy_re(r"^(?:builtin\s+)?alias\s+(?:-\w+\s+)*'?go=")
_BASH_LINE_RE = lazy_re(r"^\++(?P<file>.*?):(?P<line>\d+): (?P<cmd>.*)$")


@record(frozen=True)
class Assignment:
    """A start-up line that set ``name`` (``PATH`` also for zsh's ``path`` array).

    ``entries`` are the PATH entries the line names (PATH only; already expanded in a
    trace, ``$HOME``/``~`` expanded when read statically); ``name == "alias go"`` marks
    an ``alias go=...`` that the trace saw run.
    """

    name: str
    location: Location
    entries: tuple[str, ...] = ()


@record(frozen=True)
class Trace:
    """What one start-up set, line by line; ``method`` is ``xtrace`` or ``static``."""

    shell: str
    method: str
    assignments: tuple[Assignment, ...]
    duration: float = 0.0
    error: str | None = None
    cached: bool = False


# --------------------------------------------------------------------------- parsing


def _split(text: str) -> list[str] | None:
    """Words of a traced command.  xtrace quotes with '...' only (and '\\'' for a quote),
    which a small loop reads ~20x faster than shlex; anything else goes to shlex."""
    if '"' not in text and "\\" not in text.replace("'\\''", ""):
        words: list[str] = []
        word: list[str] = []
        in_word = quoted = False
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if quoted:
                if ch == "'":
                    quoted = False
                else:
                    word.append(ch)
            elif ch == "'":
                quoted = in_word = True
            elif ch == "\\" and i + 1 < n:  # the \' of '\''
                word.append(text[i + 1])
                in_word = True
                i += 1
            elif ch in " \t\n":
                if in_word:
                    words.append("".join(word))
                    word, in_word = [], False
            else:
                word.append(ch)
                in_word = True
            i += 1
        if quoted:
            return None
        if in_word:
            words.append("".join(word))
        return words
    import shlex  # only for unusual lines; kept off the import path of a scan

    try:
        return shlex.split(text, comments=False, posix=True)
    except ValueError:
        return None


def _path_entries(value: str) -> tuple[str, ...]:
    return tuple(e.rstrip("/") or "/" for e in value.split(":") if e)


_CANDIDATE_RE = lazy_re(
    rf"^\s*(?:(?:builtin\s+)?(?:export|declare|typeset|readonly|integer|float|alias)\b|{_NAME}\+?=)"
)


def _assignments_in(cmd: str, loc: Location) -> list[Assignment]:
    """Persistent assignments in one traced command (``A=1 cmd`` is not one)."""
    if not _CANDIDATE_RE.match(cmd):  # most traced lines: skip before the costly shlex
        return []
    cmd = cmd.strip()
    if _ALIAS_GO_RE.match(cmd):
        return [Assignment("alias go", loc)]
    array = _ARRAY_RE.match(cmd)
    if array:  # zsh prints array assignments as ``path=( /a /b )``
        name = array["name"]
        if name in ("path", "PATH"):
            words = _split(array["body"]) or array["body"].split()
            return [Assignment("PATH", loc, tuple(w.rstrip("/") or "/" for w in words if w))]
        return [Assignment(name, loc)]
    decl = _DECLARE_RE.match(cmd)
    if decl:
        words = _split(decl["rest"])
        if words is None:
            return []
        words = [w for w in words if not w.startswith(("-", "+"))]
    else:
        words = _split(cmd) or []
        if not words or not all(_ASSIGN_RE.match(w) for w in words):
            return []
    out: list[Assignment] = []
    for word in words:
        m = _ASSIGN_RE.match(word)
        if not m:
            continue
        name = m["name"]
        entries = _path_entries(m["value"]) if name == "PATH" else ()
        out.append(Assignment(name, loc, entries))
    return out


def _resolve(file: str, home: str) -> str:
    return file if os.path.isabs(file) else os.path.normpath(os.path.join(home, file))


def parse_bash_trace(text: str, home: str, skip_files: Iterable[str] = ()) -> list[Assignment]:
    """Assignments in a bash xtrace written with ``PS4='+${BASH_SOURCE}:${LINENO}: '``."""
    skip = set(skip_files)
    out: list[Assignment] = []
    for raw in text.splitlines():
        m = _BASH_LINE_RE.match(raw)
        if not m or not m["file"] or m["file"] in skip:
            continue
        loc = Location(_resolve(m["file"], home), int(m["line"]))
        out += _assignments_in(m["cmd"], loc)
    return _dedupe(out)


def parse_zsh_trace(text: str, nonce: str, home: str) -> list[Assignment]:
    """Assignments in a zsh xtrace whose PS4 starts with ``nonce`` (other lines are noise)."""
    pattern = re.compile(re.escape(nonce) + r"\+(?P<file>.*?):(?P<line>\d+)> (?P<cmd>.*)$")
    out: list[Assignment] = []
    for raw in text.splitlines():
        m = pattern.search(raw)
        if not m or not m["file"]:
            continue
        out += _assignments_in(m["cmd"], Location(_resolve(m["file"], home), int(m["line"])))
    return _dedupe(out)


def _dedupe(items: list[Assignment]) -> list[Assignment]:
    """bash traces ``export A=1`` as two lines (``export A=1``, ``A=1``): keep one."""
    out: list[Assignment] = []
    for a in items:
        if out and out[-1] == a:
            continue
        out.append(a)
    return out


def _expand(word: str, home: str) -> str:
    if word == "~" or word.startswith("~/"):
        word = home + word[1:]
    return word.replace("${HOME}", home).replace("{$HOME}", home).replace("$HOME", home)


def _read_lines(path: str) -> list[str]:
    from ideaudit.sources.saferead import read_text

    try:
        return read_text(path, "startup", errors="replace").splitlines()
    except OSError:
        return []


_FISH_SET_FLAGS_EXPORT = ("-x", "--export")


_FISH_VAR_RE = lazy_re(rf"\{{?\$({_NAME})\}}?")


def _fish_expand(word: str, known: Mapping[str, str]) -> str:
    """``$NAME``/``{$NAME}`` replaced by values set literally earlier in the files."""
    return _FISH_VAR_RE.sub(lambda m: known.get(m[1], m[0]), word)


def _fish_line(words: list[str], home: str, loc: Location, known: dict[str, str]) -> list[Assignment]:
    words = [words[0], *(_fish_expand(w, known) for w in words[1:])]
    cmd, args = words[0], words[1:]
    if cmd == "fish_add_path":
        dirs = [_expand(a, home) for a in args if not a.startswith("-")]
        return [Assignment("PATH", loc, tuple(d.rstrip("/") or "/" for d in dirs))]
    if cmd == "export":
        out = []
        for a in args:
            m = _ASSIGN_RE.match(a)
            if m:
                entries = _path_entries(_expand(m["value"], home)) if m["name"] == "PATH" else ()
                out.append(Assignment(m["name"], loc, entries))
        return out
    if cmd != "set":
        return []
    flags = [a for a in args if a.startswith("-")]
    rest = [a for a in args if not a.startswith("-")]
    if not rest or any(f in ("-e", "--erase", "-q", "--query", "-n", "--names") for f in flags):
        return []
    name, values = rest[0], rest[1:]
    if len(values) == 1 and "$" not in values[0]:
        known[name] = _expand(values[0], home)
    exported = any(f in _FISH_SET_FLAGS_EXPORT or (not f.startswith("--") and "x" in f) for f in flags)
    if name in ("PATH", "fish_user_paths"):
        dirs = [_expand(v, home) for v in values if not v.startswith("$")]
        return [Assignment("PATH", loc, tuple(d.rstrip("/") or "/" for d in dirs if d))]
    return [Assignment(name, loc)] if exported else []


def parse_fish_files(files: Sequence[str], home: str) -> list[Assignment]:
    """Exported variables and PATH entries set by fish start-up files, read statically."""
    out: list[Assignment] = []
    known: dict[str, str] = {"HOME": home}
    for path in files:
        if not path.endswith(".fish"):
            continue
        for n, line in enumerate(_read_lines(path), 1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            for part in text.split(";"):
                words = _split(part.strip())
                if words:
                    out += _fish_line(words, home, Location(path, n), known)
    return out


_SH_PATH_RE = lazy_re(r"(?:^|[\s;])(?:export\s+)?(?:PATH|path)\+?=(?P<value>\(.*?\)|\"[^\"]*\"|'[^']*'|\S+)")
_SH_VAR_RE = lazy_re(rf"(?:^|[\s;])(?:export\s+|declare\s+-\w+\s+|typeset\s+-\w+\s+)?(?P<name>{_NAME})=")


def parse_sh_files(files: Sequence[str], home: str) -> list[Assignment]:
    """A static fallback for bash/zsh when no trace is available: ``NAME=`` lines, and
    the PATH entries they name with ``$HOME``/``~`` expanded (computed values are missed,
    which is why the trace is preferred)."""
    out: list[Assignment] = []
    for path in files:
        for n, line in enumerate(_read_lines(path), 1):
            text = line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""
            if "=" not in text:
                continue
            loc = Location(path, n)
            for m in _SH_VAR_RE.finditer(text):
                if m["name"] in ("PATH", "path"):
                    continue
                out.append(Assignment(m["name"], loc))
            for m in _SH_PATH_RE.finditer(text):
                value = m["value"].strip("()\"'")
                words = re.split(r"[:\s]+", _expand(value, home))
                entries = tuple(w.rstrip("/") or "/" for w in words if w and "$" not in w)
                out.append(Assignment("PATH", loc, entries))
    return out


def _compact(items: Sequence[Assignment]) -> list[Assignment]:
    """Keep every PATH line but only the last line per other name: all that
    :func:`origin_of` can answer from, and loops in rc files stay small."""
    last: dict[str, int] = {a.name: i for i, a in enumerate(items)}
    return [a for i, a in enumerate(items) if a.name == "PATH" or last[a.name] == i]


def origin_of(assignments: Iterable[Assignment], name: str, entry: str | None = None) -> Location | None:
    """The line that set ``name`` last, or that first named PATH entry ``entry``."""
    found: Location | None = None
    want = entry.rstrip("/") or "/" if entry is not None else None
    for a in assignments:
        if a.name != name:
            continue
        if want is None:
            found = a.location
        elif want in a.entries:
            return a.location
    return found if want is None else None


# --------------------------------------------------------------------------- running


def _quote(path: str) -> str:
    return "'" + path.replace("'", "'\\''") + "'"


def _write_if_changed(path: str, text: str) -> None:
    """Write ``text`` unless the file already holds it (the cached helpers are reused)."""
    try:
        with open(path, encoding="utf-8") as fh:
            if fh.read() == text:
                return
    except OSError:
        pass
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def _persistent(wrapper_dir: str | None, tmpdir: str, prefix: str, text: str) -> tuple[str, bool]:
    """A helper file with ``text``: kept in the (private) cache folder and reused while
    its content is the same, else a temporary one; (path, temporary)."""
    import tempfile
    import zlib

    if wrapper_dir:
        folder = os.path.join(wrapper_dir, "trace")
        os.makedirs(folder, mode=0o700, exist_ok=True)
        path = os.path.join(folder, f"{prefix}{zlib.crc32(text.encode()):08x}")
        _write_if_changed(path, text)
        return path, False
    fd, path = tempfile.mkstemp(prefix=prefix, dir=tmpdir)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path, True


def _trace_bash(
    shell: str,
    home: str,
    profile: str,
    base: Mapping[str, str],
    timeout: float,
    tmpdir: str,
    wrapper_dir: str | None = None,
) -> tuple[list[Assignment], str | None]:
    """bash with ``BASH_XTRACEFD`` on a pipe that :func:`process.run` reads as it runs
    (no trace file to create and read back), the wrapper rc file kept in the cache."""
    env = dict(base)
    r, w = os.pipe()
    env["BASH_XTRACEFD"] = str(w)
    wrapper, temporary = "", False
    login = "-l" in shell_argv(shell, profile, ":")
    try:
        if login:
            env["PS4"] = "+${BASH_SOURCE}:${LINENO}: "
            argv = [shell, "-x", *shell_argv(shell, profile, ":")[1:]]
        else:
            lines = ["PS4='+${BASH_SOURCE}:${LINENO}: '", "set -x"]
            for f in startup_files(shell, home, profile, base):
                lines.append(f"[ -f {_quote(f)} ] && . {_quote(f)}")
            wrapper, temporary = _persistent(wrapper_dir, tmpdir, "ideaudit-rc-", "\n".join(lines) + "\n")
            argv = [shell, "--rcfile", wrapper, "-i", "-c", ":"]
        cwd = home if os.path.isdir(home) else None
        pipe, r, w = (r, w), -1, -1  # process.run closes both
        outcome = process.run(argv, env, cwd, timeout, time.perf_counter(), pipe)
        error = f"timed out after {timeout:.1f} s" if outcome.timed_out else None
        text = outcome.data.decode("utf-8", "replace")
        return parse_bash_trace(text, home, [wrapper] if wrapper else []), error
    except OSError as exc:
        return [], f"cannot start {shell}: {exc.strerror or exc}"
    finally:
        for fd in (r, w):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(wrapper)


def _zsh_wrappers(user_zdot: str, wrapper_dir: str | None, tmpdir: str) -> tuple[str, bool]:
    """A ZDOTDIR whose start-up files trace the user's own ones; (folder, temporary).

    Kept in the (private, 0700) cache folder and reused while its content is right:
    writing four files on every trace costs a visible part of a zsh start-up."""
    import tempfile

    contents = {
        name: (
            f"ZDOTDIR={_quote(user_zdot)}\n"
            f"if [[ -f {_quote(os.path.join(user_zdot, name))} ]]; then\n"
            f"  setopt xtrace; source {_quote(os.path.join(user_zdot, name))}; unsetopt xtrace\n"
            f"fi\n"
            f"[[ $ZDOTDIR == {_quote(user_zdot)} ]] && ZDOTDIR=@ZDOT@\n"
        )
        for name in (".zshenv", ".zprofile", ".zshrc", ".zlogin")
    }
    if wrapper_dir:
        import zlib

        zdot = os.path.join(wrapper_dir, "zdot", f"{zlib.crc32(user_zdot.encode()):08x}")
        temporary = False
        os.makedirs(zdot, mode=0o700, exist_ok=True)
    else:
        zdot, temporary = tempfile.mkdtemp(prefix="ideaudit-zdot-", dir=tmpdir), True
    for name, text in contents.items():
        _write_if_changed(os.path.join(zdot, name), text.replace("@ZDOT@", _quote(zdot)))
    return zdot, temporary


def _trace_zsh(
    shell: str,
    home: str,
    profile: str,
    base: Mapping[str, str],
    timeout: float,
    tmpdir: str,
    wrapper_dir: str | None = None,
) -> tuple[list[Assignment], str | None]:
    nonce = "@ideaudit-" + os.urandom(8).hex() + "@"  # not `secrets`: its import costs ~5 ms
    env = dict(base)
    env["PS4"] = nonce + "+%x:%I> "
    # Trace the user's files only: `zsh -x` would also trace every line of the
    # system rc files (Debian's /etc/zsh/zshrc alone makes it ~1.5x a plain start).
    # ZDOTDIR points at wrappers that turn xtrace on around each user file; the
    # user's own ZDOTDIR (or HOME) is restored for what those files see.
    user_zdot = base.get("ZDOTDIR") or home
    zdot, temporary = _zsh_wrappers(user_zdot, wrapper_dir, tmpdir)
    env["ZDOTDIR"] = zdot
    argv = shell_argv(shell, profile, ":")
    cwd = home if os.path.isdir(home) else None
    try:
        # zsh has no XTRACEFD: the trace is its stderr, kept (nonce lines only count).
        outcome = process.run(argv, env, cwd, timeout, time.perf_counter(), keep_stderr=True)
    except OSError as exc:
        return [], f"cannot start {shell}: {exc.strerror or exc}"
    finally:
        if temporary:
            import shutil

            shutil.rmtree(zdot, ignore_errors=True)
    error = f"timed out after {timeout:.1f} s" if outcome.timed_out else None
    return parse_zsh_trace(outcome.data.decode("utf-8", "replace"), nonce, home), error


def _to_json(trace: Trace) -> dict[str, Any]:
    return {
        "v": _CACHE_VERSION,
        "shell": trace.shell,
        "method": trace.method,
        "duration": trace.duration,
        "error": trace.error,
        "assignments": [
            [a.name, a.location.file, a.location.line, list(a.entries)] for a in trace.assignments
        ],
    }


def _from_json(data: Any) -> Trace | None:
    try:
        if not isinstance(data, dict) or data.get("v") != _CACHE_VERSION:
            return None
        items = tuple(
            Assignment(str(n), Location(str(f), int(line)), tuple(str(e) for e in entries))
            for n, f, line, entries in data["assignments"]
        )
        error = data["error"]
        return Trace(
            shell=str(data["shell"]),
            method=str(data["method"]),
            assignments=items,
            duration=float(data["duration"]),
            error=None if error is None else str(error),
            cached=True,
        )
    except (KeyError, TypeError, ValueError):
        return None


def _cache_path(shell: str, home: str, profile: str, base: Mapping[str, str], cache_dir: str) -> str:
    resolved = os.path.realpath(shell)
    files = cache.cache_inputs(shell, home, base)
    key = cache.cache_key(resolved, "trace:" + profile, home, base, files)
    return os.path.join(cache_dir, "trace", key + ".json")


def _cache_write(path: str, trace: Trace) -> None:
    """Write the cache entry, unless it already says the same (a refreshed trace that
    found nothing new): a rename on ext4 costs as much as a bash start-up."""
    data = _to_json(trace)
    old = cache.read_json(path)
    if isinstance(old, dict) and {**old, "duration": None} == {**data, "duration": None}:
        return
    cache.write_json(path, data)


def _cache_read(path: str) -> Trace | None:
    return _from_json(cache.read_json(path))


def is_cached(
    shell: str, home: str, profile: str, base_env: Mapping[str, str], cache_dir: str | None
) -> bool:
    """Whether :func:`trace_startup` would answer from its cache (runs nothing)."""
    if shell_kind(shell) not in ("bash", "zsh"):
        return True  # read statically: nothing to run
    if cache_dir is None:
        cache_dir = cache.default_cache_dir()
    return bool(cache_dir) and _cache_read(_cache_path(shell, home, profile, base_env, cache_dir)) is not None


def trace_startup(
    shell: str,
    home: str,
    profile: str,
    base_env: Mapping[str, str],
    *,
    timeout: float = 10.0,
    cache_dir: str | None = None,
    refresh: bool = False,
) -> Trace:
    """What each start-up line of ``shell`` (started as ``profile``) set.

    bash and zsh are traced (see the module docstring); fish and every other shell are
    read statically.  Never raises for a broken rc file: ``error`` says what happened
    and whatever was traced before it is kept.
    """
    kind = shell_kind(shell)
    files = startup_files(shell, home, profile, base_env)
    if kind not in ("bash", "zsh"):
        existing = [f for f in files if os.path.isfile(f)]
        items = parse_fish_files(existing, home) if kind == "fish" else parse_sh_files(existing, home)
        return Trace(shell, "static", tuple(items))

    cache_file: str | None = None
    if cache_dir is None:
        cache_dir = cache.default_cache_dir()
    if cache_dir:
        cache_file = _cache_path(shell, home, profile, base_env, cache_dir)
        if not refresh:
            hit = _cache_read(cache_file)
            if hit is not None:
                return hit

    t0 = time.perf_counter()
    tmpdir = process.dump_dir()
    try:
        if kind == "bash":
            items, error = _trace_bash(shell, home, profile, base_env, timeout, tmpdir, cache_dir or None)
        else:
            items, error = _trace_zsh(shell, home, profile, base_env, timeout, tmpdir, cache_dir or None)
    except OSError as exc:
        items, error = [], f"cannot trace: {exc.strerror or exc}"
    trace = Trace(shell, "xtrace", tuple(_compact(items)), time.perf_counter() - t0, error)
    if cache_file is not None and error is None:
        _cache_write(cache_file, trace)
    return trace

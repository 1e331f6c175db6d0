"""The capture cache: shell snapshots (and traces) keyed by the start-up files' stat.

Results are cached as JSON under ``cache_dir/shell/`` (traces under ``cache_dir/trace/``);
the key covers the shell binary, the profile, HOME, the base environment and the stat
(mtime, size) of every start-up file any profile of that shell reads
(:func:`cache_inputs`).  Files that rc files ``source`` on their own (``~/.aliases``,
nvm, ...) are not covered: use ``refresh=True`` after editing those.  The cache holds
your environment, which may contain secrets, so files are created 0600 in a 0700
directory, and written atomically (a temporary file renamed over the entry).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from ideaudit.model import ShellSnapshot
from ideaudit.shell.profiles import PROFILES, fish_confd_dirs, shell_kind, startup_files

__all__ = [
    "CACHE_VERSION",
    "cache_inputs",
    "cache_key",
    "default_cache_dir",
    "read_json",
    "read_snapshot",
    "same_result",
    "sha256_hex",
    "snapshot_file",
    "write_json",
    "write_snapshot",
]

CACHE_VERSION = 2


def default_cache_dir() -> str:
    """The user cache folder, as ``platformdirs.user_cache_dir("ideaudit")`` gives it.

    Written out for Linux and macOS because importing platformdirs costs ~40 ms here
    (typing, tempfile, random...), a third of a warm scan, for two lines of logic;
    elsewhere platformdirs answers."""
    if sys.platform == "darwin":
        return os.path.join(os.path.expanduser("~"), "Library", "Caches", "ideaudit")
    if os.name == "posix":
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        return os.path.join(xdg or os.path.expanduser("~/.cache"), "ideaudit")
    import platformdirs

    return str(platformdirs.user_cache_dir("ideaudit"))


def cache_inputs(shell: str, home: str, env: Mapping[str, str]) -> list[str]:
    """Every file whose change must invalidate a cached snapshot of ``shell``.

    The start-up files of *all* profiles (a ``~/.bash_profile`` that sources
    ``~/.bashrc`` is common, and the login snapshot must notice an edit to ``~/.bashrc``),
    the snippet directories themselves (their mtime changes when a file is added) and a
    few files rc files conventionally source.
    """
    kind = shell_kind(shell)
    seen: dict[str, None] = {}
    for profile in PROFILES:
        for f in startup_files(shell, home, profile, env):
            seen[f] = None
    extra: list[str] = []
    if kind in ("bash", "sh", "zsh", "other"):
        extra += ["/etc/profile.d", "/etc/bash.bashrc", os.path.join(home, ".bashrc")]
        extra += [os.path.join(home, ".bash_aliases"), os.path.join(home, ".profile")]
    if kind == "fish":
        extra += fish_confd_dirs(shell, home, env)
    if kind == "csh":
        extra += ["/etc/csh/cshrc.d", "/etc/csh/login.d"]
    for f in extra:
        seen[f] = None
    return list(seen)


def _stat_entry(path: str) -> list[Any]:
    try:
        st = os.stat(path)
    except OSError:
        return [path, "absent"]
    return [path, st.st_mtime_ns, st.st_size]


def cache_key(
    shell_path: str, profile: str, home: str, base_env: Mapping[str, str], files: Iterable[str]
) -> str:
    # Joined with NUL (which no path, name or value can hold) rather than json.dumps:
    # this runs on every capture and the JSON encoding was a third of its own cost.
    real = os.path.realpath(shell_path)
    parts = [f"v{CACHE_VERSION}", real, repr(_stat_entry(real)[1:]), profile, home]
    parts += [f"{k}={v}" for k, v in sorted(base_env.items())]
    parts += [repr(_stat_entry(f)) for f in files]
    return sha256_hex("\0".join(parts).encode("utf-8", "surrogateescape"))


def sha256_hex(blob: bytes) -> str:
    """sha256 from the builtin ``_sha256`` module when there is one: ``hashlib`` loads
    OpenSSL's ``_hashlib`` (~5 ms of start-up on every scan) for the same digest."""
    import importlib

    try:
        module: Any = importlib.import_module("_sha256")
    except ImportError:
        module = importlib.import_module("hashlib")
    return str(module.sha256(blob).hexdigest())


def _snapshot_to_json(snap: ShellSnapshot) -> dict[str, Any]:
    return {
        "v": CACHE_VERSION,
        "shell": snap.shell,
        "profile": snap.profile,
        "argv": list(snap.argv),
        "env": dict(snap.env),
        "duration": snap.duration,
        "exit_status": snap.exit_status,
        "stdout_bytes": snap.stdout_bytes,
        "stderr_bytes": snap.stderr_bytes,
        "startup_files": list(snap.startup_files),
        "derived_from": snap.derived_from,
    }


def _snapshot_from_json(data: Any) -> ShellSnapshot | None:
    try:
        if not isinstance(data, dict) or data.get("v") != CACHE_VERSION:
            return None
        env = data["env"]
        if not isinstance(env, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in env.items()
        ):
            return None
        status = data["exit_status"]
        return ShellSnapshot(
            shell=str(data["shell"]),
            profile=str(data["profile"]),
            argv=tuple(str(a) for a in data["argv"]),
            env=env,
            duration=float(data["duration"]),
            exit_status=None if status is None else int(status),
            stdout_bytes=int(data["stdout_bytes"]),
            stderr_bytes=int(data["stderr_bytes"]),
            cached=True,
            startup_files=tuple(str(f) for f in data["startup_files"]),
            derived_from=None if data.get("derived_from") is None else str(data["derived_from"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def read_json(path: str) -> Any:
    """The JSON in ``path``, or None when it is missing or not JSON."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def read_snapshot(path: str) -> ShellSnapshot | None:
    """The snapshot cached in ``path`` (``cached=True``), or None."""
    return _snapshot_from_json(read_json(path))


def same_result(a: ShellSnapshot, b: ShellSnapshot) -> bool:
    """Whether two snapshots differ at most in timing and dump file name (then a refresh
    need not rewrite: renaming over a file makes ext4 flush it, ~1-2 ms, a third of a
    bash start-up)."""
    ja, jb = _snapshot_to_json(a), _snapshot_to_json(b)
    for key in ("duration", "argv"):  # argv holds the name of the (random) dump file
        ja.pop(key)
        jb.pop(key)
    return ja == jb


def write_json(path: str, data: Any) -> None:
    """Write ``data`` to ``path`` atomically (temp file + ``os.replace``), 0600 in a 0700
    folder made if missing; a cache that cannot be written is no error.

    The temporary file is made like ``mkstemp`` does (O_EXCL, 0600, a random name)
    without importing tempfile and random, a few ms of a cold scan's start-up."""
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        tmp = os.path.join(directory, f".tmp-{os.urandom(6).hex()}.json")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=True)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def write_snapshot(path: str, snap: ShellSnapshot) -> None:
    """Cache ``snap`` in ``path`` (see :func:`write_json`)."""
    write_json(path, _snapshot_to_json(snap))


def snapshot_file(
    cache_dir: str, resolved: str, profile: str, home: str, base: Mapping[str, str], shell: str
) -> str:
    """Where the snapshot of ``shell`` (found at ``resolved``) in ``profile`` is cached."""
    key = cache_key(resolved, profile, home, base, cache_inputs(shell, home, base))
    return os.path.join(cache_dir, "shell", key + ".json")

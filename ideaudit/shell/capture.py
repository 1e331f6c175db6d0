"""Capture the environment a shell start-up produces, the way an IDE does it.

How the shell is started (the profiles, their flags and the files each mode reads) is
:mod:`ideaudit.shell.profiles`; running it (its own session, the deadline, no orphans)
is :mod:`ideaudit.shell.process`; the cache is :mod:`ideaudit.shell.cache`; reading the
dump is :mod:`ideaudit.shell.dump`.  This module puts them together as named steps:
check the profile, look in the cache, open the dump target, run the shell, read its
environment, drop the noise, store the result.

``CMD`` is ``exec '/usr/bin/env' -0 > 'TMPFILE'`` (bash: its ``declare -px`` builtin;
bash, zsh, sh and fish write to an inherited pipe instead of a file): the environment is
read from a file or pipe, never from stdout, so rc files that print banners cannot
corrupt it.  ``exec`` spares a fork; bash and zsh already exec the last simple command
of ``-c``, which is what the real IDE command (``node -p ...``) gets, so no logout file
runs either way.

Imports stay light: ``platformdirs`` and the process control (:mod:`reaper`, with
ctypes and threading) are imported inside the functions that need them.
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
from collections.abc import Mapping, Sequence

from ideaudit.model import ShellSnapshot
from ideaudit.shell.cache import default_cache_dir, read_snapshot, same_result, snapshot_file, write_snapshot
from ideaudit.shell.dump import parse_declare, parse_nul_env
from ideaudit.shell.process import SAFE_PATH, Outcome, describe_failure, dump_dir, resolve_shell, run, run_all
from ideaudit.shell.profiles import (
    ALL_MARKERS,
    DEFAULT_TIMEOUTS,
    DESKTOP,
    DESKTOP_SHELL,
    MARKERS,
    NOISE,
    PROFILES,
    VARIANTS,
    session_base_env,
    shell_argv,
    shell_kind,
    startup_files,
)

# subprocess, selectors, signal, tempfile and shutil are imported inside the functions
# that start or kill a shell: a warm scan hits the snapshot cache and needs none of them
# (together ~10 ms of start-up).

__all__ = ["cached_snapshot", "capture", "capture_many", "capture_wave", "remember"]


def _dump_command(kind: str, env_bin: str, out: str, fd: int | None = None) -> str:
    """The command that writes ``env -0`` to ``out``, in the syntax of that shell.

    Both paths are restricted to characters that need no quoting beyond ``'...'`` in
    every shell we know (see ``SAFE_PATH``), so one quoting works for all of them.
    """
    # The file exists already (mkstemp), so use the operator that writes even when an rc
    # file set noclobber: ``>|`` (POSIX), ``>!`` (csh); fish has no noclobber for ``>``.
    target = f">&{fd}" if fd is not None else f">| '{out}'"
    if kind == "bash":
        # A builtin, so the capture adds no process to the start-up it measures: exec'ing
        # env costs ~1.2 ms, a sixth of a light bash start-up.  Parsed by _parse_declare.
        return f"builtin declare -px {target}"
    if kind in ("zsh", "sh"):
        return f"exec '{env_bin}' -0 {target}"
    if kind == "csh":
        return f"exec '{env_bin}' -0 >! '{out}'"
    if kind == "fish" and fd is not None:
        return f"exec '{env_bin}' -0 >&{fd}"
    if kind in ("fish", "other"):
        return f"exec '{env_bin}' -0 > '{out}'"
    inner = f"exec '{env_bin}' -0 >| '{out}'"
    if kind == "pwsh":
        return f"& '/bin/sh' -c \"{inner}\""
    if kind == "nu":
        return f'^/bin/sh -c "{inner}"'
    return f'/bin/sh -c "{inner}"'  # xonsh


@functools.lru_cache(maxsize=1)
def _env_binary() -> str:
    # A PATH walk by hand rather than shutil.which: shutil (with bz2, lzma, fnmatch)
    # is a few ms of a cold scan's start-up, for four lines.
    found = "/usr/bin/env"
    for d in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(d or ".", "env")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            found = candidate
            break
    found = os.path.abspath(found)
    return found if SAFE_PATH.match(found) else "/usr/bin/env"


def capture(
    shell: str,
    home: str,
    profile: str,
    *,
    timeout: float | None = None,
    base_env: Mapping[str, str] | None = None,
    cache_dir: str | None = None,
    refresh: bool = False,
) -> ShellSnapshot:
    """Start ``shell`` as ``profile`` does with HOME=``home`` and capture its environment.

    ``timeout`` defaults to what that IDE waits (``DEFAULT_TIMEOUTS``); ``base_env`` to
    ``session_base_env(home, shell)``.  Never raises for a broken shell or rc file: the
    snapshot's ``error``/``timed_out`` say what went wrong (``ok`` is False then).
    """
    snap = _capture(shell, home, profile, timeout, base_env, cache_dir, refresh, cache_only=False)
    assert snap is not None  # only cache_only=True returns None
    return snap


def cached_snapshot(
    shell: str,
    home: str,
    profile: str,
    *,
    base_env: Mapping[str, str] | None = None,
    cache_dir: str | None = None,
) -> ShellSnapshot | None:
    """The cached snapshot :func:`capture` would return, or None: starts no process.

    Lets a scan take every cached snapshot on its main thread and start threads (and
    shells) only for the ones that are missing."""
    return _capture(shell, home, profile, None, base_env, cache_dir, False, cache_only=True)


def _capture(
    shell: str,
    home: str,
    profile: str,
    timeout: float | None,
    base_env: Mapping[str, str] | None,
    cache_dir: str | None,
    refresh: bool,
    *,
    cache_only: bool,
) -> ShellSnapshot | None:
    _check_profile(profile)
    if timeout is None:
        timeout = DEFAULT_TIMEOUTS.get(profile, 10.0)
    if profile == DESKTOP:
        shell = DESKTOP_SHELL
    t0 = time.perf_counter()
    base = dict(session_base_env(home, shell) if base_env is None else base_env)
    files = tuple(startup_files(shell, home, profile, base))
    resolved = resolve_shell(shell, base.get("PATH"))
    if resolved is None:
        return _failed(shell, profile, files, t0, f"shell not found: {shell}")
    cache_file = _cache_file(cache_dir, resolved, profile, home, base, shell)
    if cache_file is not None and not refresh:
        hit = read_snapshot(cache_file)
        if hit is not None:
            return hit
    if cache_only:
        return None
    snap = _start_up(shell, resolved, home, profile, base, timeout, files)
    if cache_file is not None and snap.ok:
        _store(cache_file, snap, refresh)
    return snap


def _check_profile(profile: str) -> None:
    if profile not in PROFILES and profile not in VARIANTS and profile != DESKTOP:
        raise ValueError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")


def _failed(shell: str, profile: str, files: tuple[str, ...], t0: float, error: str) -> ShellSnapshot:
    """A snapshot of a start-up that never ran."""
    return ShellSnapshot(
        shell=shell,
        profile=profile,
        argv=tuple(shell_argv(shell, profile, "")[:-1]),
        env={},
        duration=time.perf_counter() - t0,
        exit_status=None,
        error=error,
        startup_files=files,
    )


def _cache_file(
    cache_dir: str | None, resolved: str, profile: str, home: str, base: Mapping[str, str], shell: str
) -> str | None:
    """Where this capture is cached; None when caching is off (``cache_dir=""``)."""
    if cache_dir is None:
        cache_dir = default_cache_dir()
    return snapshot_file(cache_dir, resolved, profile, home, base, shell) if cache_dir else None


def _store(cache_file: str, snap: ShellSnapshot, refresh: bool) -> None:
    """Cache ``snap`` unless a refresh found what the cache already says."""
    old = read_snapshot(cache_file) if refresh else None
    if old is None or not same_result(old, snap):
        write_snapshot(cache_file, snap)


class _DumpTarget:
    """Where the shell writes its environment: a pipe we read as it exits (bash, zsh,
    sh and fish: no file to make, fill and delete), else a temporary file."""

    def __init__(self, kind: str) -> None:
        self.pipe: tuple[int, int] | None = None
        self.fd, self.path = -1, ""
        if kind in ("bash", "zsh", "sh", "fish"):
            pipe = os.pipe()
            if pipe[1] < 10:  # zsh keeps fds 10 and up for itself
                self.pipe = pipe
                return
            os.close(pipe[0])
            os.close(pipe[1])
        import tempfile

        self.fd, self.path = tempfile.mkstemp(prefix="ideaudit-env-", dir=dump_dir())

    @property
    def write_fd(self) -> int | None:
        return self.pipe[1] if self.pipe is not None else None

    def handed_over(self) -> None:
        """:func:`process.run` took the pipe (and closes both ends)."""
        self.pipe = None

    def read(self, outcome: Outcome) -> bytes:
        if self.fd < 0:
            return outcome.data
        try:
            with os.fdopen(self.fd, "rb", closefd=False) as fh:
                return fh.read()
        except OSError:
            return b""

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        for fd in self.pipe or ():  # the run never started: close what it would have
            with contextlib.suppress(OSError):
                os.close(fd)


def _child_env(base: Mapping[str, str], profile: str) -> dict[str, str]:
    """The session environment plus the IDE's marker variable."""
    env = dict(base)
    if profile in MARKERS:
        name, value = MARKERS[profile]
        env[name] = value
    return env


def _start_up(
    shell: str,
    resolved: str,
    home: str,
    profile: str,
    base: Mapping[str, str],
    timeout: float,
    files: tuple[str, ...],
) -> ShellSnapshot:
    """Run the start-up and read what it left in the dump target."""
    kind = shell_kind(shell)
    t0 = time.perf_counter()
    try:
        target = _DumpTarget(kind)
    except OSError as exc:
        return _failed(shell, profile, files, t0, f"cannot create a temporary file: {exc.strerror or exc}")
    argv = shell_argv(shell, profile, _dump_command(kind, _env_binary(), target.path, target.write_fd))
    cwd = home if os.path.isdir(home) else None
    outcome: Outcome | None = None
    env: dict[str, str] = {}
    t0 = time.perf_counter()
    try:
        outcome, error = _run_shell(
            shell, [resolved, *argv[1:]], _child_env(base, profile), cwd, timeout, t0, target
        )
        if outcome is not None and error is None:
            env = _read_env(target.read(outcome))
            if not env:
                error = describe_failure(outcome.status)
    finally:
        target.close()
    return ShellSnapshot(
        shell=shell,
        profile=profile,
        argv=tuple(argv),
        env=_drop_noise(env),
        duration=time.perf_counter() - t0,
        exit_status=outcome.status if outcome is not None else None,
        timed_out=outcome.timed_out if outcome is not None else False,
        stdout_bytes=outcome.stdout_bytes if outcome is not None else 0,
        stderr_bytes=outcome.stderr_bytes if outcome is not None else 0,
        error=error,
        startup_files=files,
    )


def _run_shell(
    shell: str,
    argv: list[str],
    env: Mapping[str, str],
    cwd: str | None,
    timeout: float,
    t0: float,
    target: _DumpTarget,
) -> tuple[Outcome | None, str | None]:
    """Run it; (its outcome, an error message) -- the error says why it did not start,
    or that it timed out."""
    pipe = target.pipe
    target.handed_over()
    try:
        outcome = run(argv, env, cwd, timeout, t0, pipe)
    except FileNotFoundError:
        return None, f"shell not found: {shell}"
    except PermissionError:
        return None, f"shell not executable: {shell}"
    except OSError as exc:
        return None, f"cannot start {shell}: {exc.strerror or exc}"
    return outcome, (f"timed out after {timeout:.1f} s" if outcome.timed_out else None)


def _read_env(data: bytes) -> dict[str, str]:
    """bash's ``declare -px`` or ``env -0`` output, whichever it is."""
    parsed = parse_declare(data) if data.startswith((b"declare -", b"export ")) else None
    return parsed if parsed is not None else parse_nul_env(data)


def _drop_noise(env: dict[str, str]) -> dict[str, str]:
    """Without the shell's own bookkeeping and the IDEs' marker variables."""
    for name in NOISE | ALL_MARKERS:
        env.pop(name, None)
    # fish exports _FISH_WARNED_<dir> when it could not create one of its own folders
    # (two fish starting at once on a new $HOME race for ~/.local/share/fish): a note to
    # itself, not configuration.
    for name in [n for n in env if n.startswith("_FISH_WARNED")]:
        del env[name]
    return env


def capture_many(
    shell: str,
    home: str,
    profiles: Sequence[str],
    *,
    timeout: float | None = None,
    base_env: Mapping[str, str] | None = None,
    cache_dir: str | None = None,
    refresh: bool = False,
) -> dict[str, ShellSnapshot]:
    """:func:`capture` for several profiles: cached ones on this thread (a warm scan
    starts no thread and no shell), missing ones in parallel.  Plain threads, not
    concurrent.futures, whose import (logging, traceback) costs ~10 ms of start-up."""
    results: dict[str, ShellSnapshot] = {}
    if not refresh:
        for p in profiles:
            hit = cached_snapshot(shell, home, p, base_env=base_env, cache_dir=cache_dir)
            if hit is not None:
                results[p] = hit

    def run(profile: str) -> None:
        results[profile] = capture(
            shell, home, profile, timeout=timeout, base_env=base_env, cache_dir=cache_dir, refresh=refresh
        )

    missing = [p for p in profiles if p not in results]
    if missing:
        from ideaudit.shell import reaper

        # One adoption scope for the wave: what any of its shells left is swept once, at
        # the end (a /proc scan where the kernel lists no children directly).
        with reaper.adopting():
            run_all(run, missing)
    return {p: results[p] for p in profiles}


def capture_wave(
    shell: str,
    home: str,
    profiles: Sequence[str],
    *,
    timeout: float | None = None,
    base_env: Mapping[str, str] | None = None,
    cache_dir: str | None = None,
    refresh: bool = False,
) -> dict[str, ShellSnapshot]:
    """:func:`capture_many` for a scan: the terminal, when it is not cached, is derived
    from the IDE model and cheap runs that skip the interactive rc file
    (:mod:`ideaudit.shell.derive`), so the slow part of a start-up runs once.  Where the
    files or the measured environments do not allow it, the terminal runs after all
    (a second, single run).  The result holds every snapshot taken, the runs made for
    the derivation included (the start-up analysis reuses them as variants)."""
    from ideaudit.shell import derive

    base = dict(session_base_env(home, shell) if base_env is None else base_env)
    plan = None
    if "terminal" in profiles:
        hit = (
            None if refresh else cached_snapshot(shell, home, "terminal", base_env=base, cache_dir=cache_dir)
        )
        if hit is not None:  # a warm scan: the rest is cached too, or runs as it would
            rest = [p for p in profiles if p != "terminal"]
            return {
                "terminal": hit,
                **capture_many(shell, home, rest, timeout=timeout, base_env=base, cache_dir=cache_dir),
            }
        plan = derive.terminal_plan(shell, home, base)
    runs = list(profiles)
    if plan is not None:
        runs = [p for p in dict.fromkeys([*profiles, "vscode", *plan.needs]) if p != "terminal"]
    found = capture_many(
        shell, home, runs, timeout=timeout, base_env=base, cache_dir=cache_dir, refresh=refresh
    )
    if plan is None:
        return found
    terminal = derive.derive_terminal(shell, home, base, plan, found)
    if terminal is None:
        terminal = capture(
            shell, home, "terminal", timeout=timeout, base_env=base, cache_dir=cache_dir, refresh=refresh
        )
    else:
        remember(shell, home, terminal, base_env=base, cache_dir=cache_dir)
    return {"terminal": terminal, **found}


def remember(
    shell: str,
    home: str,
    snap: ShellSnapshot,
    *,
    base_env: Mapping[str, str] | None = None,
    cache_dir: str | None = None,
) -> None:
    """Cache a snapshot made without :func:`capture` (a derived one) where ``capture``
    would look for it, so the next scan finds it."""
    base = dict(session_base_env(home, shell) if base_env is None else base_env)
    resolved = resolve_shell(shell, base.get("PATH"))
    cache_file = _cache_file(cache_dir, resolved, snap.profile, home, base, shell) if resolved else None
    if cache_file is not None and snap.ok:
        _store(cache_file, snap, refresh=True)

"""Leave no process behind: what a captured shell's start-up files start dies with the capture.

An rc file may start daemons: ``setsid agent &`` (a new session, out of reach of
``killpg`` and of a scan for the capture's session), ``( nohup agent & )`` (a double fork:
reparented to init at once), ``ssh-agent``, ``gpg-agent``...  Every capture would leave
them running, one set per shell started.

Linux: while captures run, this process is a *child subreaper*
(``prctl(PR_SET_CHILD_SUBREAPER)``, unprivileged since Linux 3.4): orphans of any
descendant are re-parented to us instead of init, so whatever an rc file started,
however detached, becomes our child.  When the last capture of a wave ends,
:func:`adopting` SIGKILLs and reaps every child that is in another session than ours and
is not a shell still being captured (a capture's descendants can never be in our session:
the shell starts in a new one and ``setsid`` only makes new ones), repeating until none is
left, since killing a daemon hands its own children to us.  Then the subreaper flag is
cleared again, unless it was set before we came.  Not a cgroup or a PID namespace: both
need privileges or a delegation (systemd, user namespaces) that containers, CI runners and
some distributions' AppArmor policies do not grant, and a shell as PID 1 of a namespace
behaves differently (signals, ``$$``).

Elsewhere (macOS has no subreaper) and where ``prctl`` fails, the capture's session is
killed when the shell is done: that reaches double-forked processes, not those that
called ``setsid``.

The rule that makes "kill every other-session child" safe: while captures run, every
process this module does not know about that is our child in another session came from a
capture.  So child processes that must survive are started through :func:`spawn` too (or
outside a capture wave, as the scan pipeline does with ``go env``).
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import subprocess

__all__ = ["adopting", "kill_session", "spawn", "sweep"]

_PR_SET_CHILD_SUBREAPER = 36
_PR_GET_CHILD_SUBREAPER = 37

_lock = threading.RLock()
_depth = 0
_ours = False  # we set the flag (and clear it when the last capture ends)
_active = False  # the flag is set, by us or by whoever started us
#: Shells being captured right now (our children; never swept).
_live: set[int] = set()


@functools.lru_cache(maxsize=1)
def _libc() -> Any:
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _prctl(option: int, arg: Any) -> int | None:
    """``prctl(option, arg)``: its result, or None where there is no prctl."""
    if not sys.platform.startswith("linux"):
        return None
    libc = _libc()
    try:
        return None if libc is None else int(libc.prctl(option, arg, 0, 0, 0))
    except (AttributeError, TypeError):
        return None


def _is_subreaper() -> bool:
    import ctypes

    value = ctypes.c_int(0)
    return _prctl(_PR_GET_CHILD_SUBREAPER, ctypes.byref(value)) == 0 and value.value != 0


@contextlib.contextmanager
def adopting() -> Iterator[bool]:
    """Be the subreaper while the block runs; when the outermost block ends, kill and reap
    what the captures left.  Nests and is thread-safe; yields whether adoption works."""
    global _depth, _ours, _active
    with _lock:
        if _depth == 0:
            _ours = False
            _active = _is_subreaper() if sys.platform.startswith("linux") else False
            if not _active and _prctl(_PR_SET_CHILD_SUBREAPER, 1) == 0:
                _active = _ours = True
        _depth += 1
        active = _active
    try:
        yield active
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _active:
                    sweep(time.perf_counter() + 2.0)
                if _ours:
                    _prctl(_PR_SET_CHILD_SUBREAPER, 0)
                _ours = _active = False


def adoption_active() -> bool:
    """Whether orphans are re-parented to us now (inside :func:`adopting`, on Linux)."""
    return _active


def spawn(argv: Sequence[str], **popen: Any) -> subprocess.Popen[bytes]:
    """``subprocess.Popen(argv, **popen)``, registered so that no sweep kills it; call
    :func:`release` once it has been waited for."""
    import subprocess

    with _lock:  # a sweep must not see the child before it is registered
        proc = subprocess.Popen(list(argv), **popen)
        _live.add(proc.pid)
    return proc


def release(pid: int) -> None:
    """Forget a spawned process (it has been reaped by its Popen)."""
    with _lock:
        _live.discard(pid)


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, ppid, session) of ``pid`` from /proc, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    fields = raw[raw.rfind(b")") + 2 :].split()
    try:
        return fields[0].decode("ascii", "replace"), int(fields[1]), int(fields[3])
    except (IndexError, ValueError):
        return None


_children_file: bool | None = None


def _children() -> list[int]:
    """Our child processes: ``/proc/self/task/*/children`` where the kernel has it
    (CONFIG_PROC_CHILDREN), else a scan of /proc for our pid as parent."""
    global _children_file
    me = os.getpid()
    if _children_file is not False:
        pids: list[int] = []
        try:
            for tid in os.listdir(f"/proc/{me}/task"):
                with open(f"/proc/{me}/task/{tid}/children", "rb") as fh:
                    pids += [int(p) for p in fh.read().split()]
            _children_file = True
            return pids
        except (OSError, ValueError):
            if _children_file:  # it worked before: a thread went away meanwhile, retry
                return _children()
            _children_file = False
    found: list[int] = []
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if name.isdigit():
            st = _stat(int(name))
            if st is not None and st[1] == me:
                found.append(int(name))
    return found


def sweep(until: float) -> int:
    """SIGKILL and reap every adopted child (another session, not a live capture) until
    none is left or ``until`` (a ``perf_counter`` time) passes; how many were killed."""
    my_sid = os.getsid(0)
    killed = 0
    with _lock:
        while True:
            victims: list[int] = []
            for pid in _children():
                if pid in _live:
                    continue
                st = _stat(pid)
                if st is None or st[2] == my_sid:
                    continue
                if st[0] not in ("Z", "X"):
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                    killed += 1
                victims.append(pid)
            if not victims:
                return killed
            for pid in victims:  # reap them; their children are ours once they are gone
                while True:
                    try:
                        done, _ = os.waitpid(pid, os.WNOHANG)
                    except ChildProcessError:
                        break
                    if done or time.perf_counter() >= until:
                        break
                    time.sleep(0.001)
            if time.perf_counter() >= until:
                return killed


def _session_members(sid: int) -> list[int]:
    """Live (non-zombie) processes whose session id is ``sid``."""
    me = os.getpid()
    pids: list[int] = []
    if sys.platform.startswith("linux") and os.path.isdir("/proc"):
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            st = _stat(int(name))
            if st is not None and st[0] != "Z" and st[2] == sid and int(name) != me:
                pids.append(int(name))
        return pids
    import psutil

    for pid in psutil.pids():
        try:
            if pid != me and os.getsid(pid) == sid and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                pids.append(pid)
        except (OSError, psutil.Error):
            continue
    return pids


def kill_session(sid: int, until: float) -> None:
    """SIGKILL the process group ``sid`` and then whatever else is left in session ``sid``
    (what a shell started, except what left the session with ``setsid``)."""
    with contextlib.suppress(OSError):
        os.killpg(sid, signal.SIGKILL)
    while True:
        members = _session_members(sid)
        if not members:
            return
        for pid in members:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if time.perf_counter() >= until:
            return
        time.sleep(0.005)


def finish(proc: subprocess.Popen[bytes], *, kill: bool) -> None:
    """After a capture's shell: kill its session when ``kill`` (timed out, or something
    still holds its pipes) or when no subreaper catches what it left; reap the shell."""
    import subprocess

    if kill or not _active:
        kill_session(proc.pid, time.perf_counter() + 1.0)
    if proc.returncode is None:
        with contextlib.suppress(subprocess.TimeoutExpired):  # SIGKILL'd: cannot happen
            proc.wait(timeout=1.0)
    if proc.returncode is not None:
        release(proc.pid)

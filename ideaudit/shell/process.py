"""Run one shell start-up: its own session, a deadline that kills the session, no orphans.

The shell runs in a new session with stdin on ``/dev/null``, as the IDEs start it.  On
timeout the whole process group and then every other process left in that session is
killed with SIGKILL, so an rc file doing ``sleep 60`` leaves nothing behind.  When the
shell has exited but something it started in the background still holds stdout/stderr
open (which would make VS Code wait for its timeout), we wait a short grace period and
then kill what is left in the session too.  What left the session (``setsid agent &``)
or was double-forked is adopted and killed by :mod:`ideaudit.shell.reaper` when the
adoption scope ends: a scan leaves no process behind.

Both the capture (:mod:`ideaudit.shell.capture`) and the tracer
(:mod:`ideaudit.shell.trace`) run their shells through :func:`run`; it returns what
the shell wrote to an extra pipe (the environment dump, or bash's xtrace) or to
stderr (zsh's xtrace), and only counts the rest.

subprocess, selectors, signal and tempfile are imported inside the functions: a warm
scan hits the snapshot cache and starts no shell (together ~10 ms of start-up).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from ideaudit._fast.record import record

if TYPE_CHECKING:
    import subprocess

__all__ = [
    "PIPE_GRACE",
    "SAFE_PATH",
    "Outcome",
    "describe_failure",
    "dump_dir",
    "resolve_shell",
    "run",
    "run_all",
]

#: After the shell exits, how long background processes may keep its stdout/stderr open.
PIPE_GRACE = 0.2
#: Paths that need no quoting beyond ``'...'`` in every shell we know.
SAFE_PATH = re.compile(r"^[A-Za-z0-9_./+,:@%-]+$")


@record(frozen=True)
class Outcome:
    """How a run ended: exit ``status`` (None if it never exited on its own), whether it
    ``timed_out``, how many bytes it wrote to stdout and stderr, and ``data``: what it
    wrote to the extra pipe (and to stderr, when asked to keep it)."""

    status: int | None
    timed_out: bool
    stdout_bytes: int
    stderr_bytes: int
    data: bytes


def run(
    argv: list[str],
    env: Mapping[str, str],
    cwd: str | None,
    timeout: float,
    t0: float,
    dump_pipe: tuple[int, int] | None = None,
    keep_stderr: bool = False,
) -> Outcome:
    """Run ``argv`` in a session of its own, stdin on ``/dev/null``, until it exits or
    ``t0 + timeout``; what it wrote to ``dump_pipe`` (whose write end it inherits; both
    ends are closed here) and, with ``keep_stderr``, to stderr is :attr:`Outcome.data`.

    Reads both pipes and watches the process (via a pidfd where Linux has one) with one
    selector, so neither a chatty rc file nor a background process that keeps the
    pipes open can hold us past the deadline.
    """
    from ideaudit.shell import reaper

    with reaper.adopting():
        return _run_adopted(argv, env, cwd, timeout, t0, dump_pipe, keep_stderr)


def _run_adopted(
    argv: list[str],
    env: Mapping[str, str],
    cwd: str | None,
    timeout: float,
    t0: float,
    dump_pipe: tuple[int, int] | None,
    keep_stderr: bool,
) -> Outcome:
    import subprocess

    from ideaudit.shell import reaper

    proc = reaper.spawn(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(env),
        cwd=cwd,
        start_new_session=True,
        pass_fds=(dump_pipe[1],) if dump_pipe else (),
    )
    if dump_pipe is not None:
        os.close(dump_pipe[1])  # the child has it; our copy would keep the pipe open
    try:
        reader = _Reader(proc, dump_pipe[0] if dump_pipe is not None else -1, keep_stderr)
    except BaseException:  # leave nothing running, nothing open
        reaper.finish(proc, kill=True)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
        if dump_pipe is not None:
            os.close(dump_pipe[0])
        raise
    try:
        left_open = reader.wait(t0 + timeout)
        timed_out = proc.returncode is None
        # Timed out, or the shell left something behind that holds our pipes: kill its
        # session now.  What left the session is adopted and killed by the reaper.
        reaper.finish(proc, kill=timed_out or left_open)
    finally:
        if proc.returncode is None:  # an unexpected error above: leave nothing running
            reaper.finish(proc, kill=True)
        reader.close()
    return Outcome(proc.returncode, timed_out, reader.stdout_bytes, reader.stderr_bytes, bytes(reader.data))


class _Reader:
    """The pipes of one running shell and the selector that watches them (and the
    shell's exit, through a pidfd where Linux has one)."""

    def __init__(self, proc: subprocess.Popen[bytes], dump_fd: int, keep_stderr: bool) -> None:
        import selectors

        assert proc.stdout is not None and proc.stderr is not None
        self.proc = proc
        self.out_fd, self.err_fd, self.dump_fd = proc.stdout.fileno(), proc.stderr.fileno(), dump_fd
        self.counts = {self.out_fd: 0, self.err_fd: 0, **({dump_fd: 0} if dump_fd >= 0 else {})}
        self.keep = {dump_fd, *([self.err_fd] if keep_stderr else [])}
        self.data = bytearray()
        self.open_fds = set(self.counts)
        self.sel = selectors.DefaultSelector()
        self.pidfd: int | None = None
        self.watching_pipes = False
        for fd in self.counts:
            os.set_blocking(fd, False)
        if hasattr(os, "pidfd_open"):
            try:
                self.pidfd = os.pidfd_open(proc.pid)
                self.sel.register(self.pidfd, selectors.EVENT_READ)
            except OSError:
                self.pidfd = None
        # While the shell runs, wake for its exit (pidfd) and drain the pipes every
        # 50 ms: an interactive shell writes its noise in dozens of tiny chunks, and a
        # wake-up per chunk cost more than the capture's own work.  Without a pidfd the
        # pipes wake us.
        if self.pidfd is None:
            self._watch_pipes()

    @property
    def stdout_bytes(self) -> int:
        return self.counts[self.out_fd]

    @property
    def stderr_bytes(self) -> int:
        return self.counts[self.err_fd]

    def _watch_pipes(self) -> None:
        import selectors

        for fd in self.open_fds:
            self.sel.register(fd, selectors.EVENT_READ)
        self.watching_pipes = True

    def drain(self, fd: int) -> None:
        """Read what ``fd`` has now; forget it at end of file."""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                if fd in self.open_fds:
                    self.open_fds.discard(fd)
                    with contextlib.suppress(KeyError, ValueError):
                        self.sel.unregister(fd)
                return
            self.counts[fd] += len(chunk)
            if fd in self.keep:
                self.data += chunk

    def drain_all(self) -> None:
        for fd in list(self.open_fds):
            self.drain(fd)

    def wait(self, deadline: float) -> bool:
        """Read until the shell has exited and closed every pipe, or the deadline (or
        ``PIPE_GRACE`` after its exit) passes; whether a pipe is still held open."""
        exited_at: float | None = None
        while True:
            now = time.perf_counter()
            if exited_at is None and self.proc.poll() is not None:
                exited_at = now
                self.drain_all()
                if not self.watching_pipes:
                    self._watch_pipes()
            if exited_at is not None and not self.open_fds:
                return False
            limit = deadline if exited_at is None else min(deadline, exited_at + PIPE_GRACE)
            if now >= limit:
                return bool(self.open_fds)
            wait = limit - now
            if exited_at is None:
                wait = min(wait, 0.05 if self.pidfd is not None else 0.01)
            for key, _ in self.sel.select(wait):
                fd = int(key.fd)
                if fd == self.pidfd:
                    self.sel.unregister(fd)
                    continue
                self.drain(fd)
            if exited_at is None and not self.watching_pipes:
                self.drain_all()

    def close(self) -> None:
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.sel.close()
        if self.pidfd is not None:
            os.close(self.pidfd)
        self.proc.stdout.close()
        self.proc.stderr.close()
        if self.dump_fd >= 0:
            os.close(self.dump_fd)


def resolve_shell(shell: str, path: str | None) -> str | None:
    if os.sep in shell:
        return shell if os.path.exists(shell) else None
    import shutil  # only for a bare name: shutil (with bz2, lzma) costs ~7 ms of start-up

    return shutil.which(shell, path=path) or shutil.which(shell)


@functools.lru_cache(maxsize=1)
def dump_dir() -> str:
    """Where the shell writes its dump: a tmpfs when there is one (creating a file on a
    journalling file system costs more than half a millisecond, a tenth of a bash
    start-up), else the temp dir.  The file itself is made by ``mkstemp`` (0600,
    unpredictable name, O_EXCL), so a world-writable directory is safe.
    """
    import tempfile

    candidates = [os.environ.get("XDG_RUNTIME_DIR") or "", "/dev/shm", tempfile.gettempdir()]
    for d in candidates:
        if d and SAFE_PATH.match(d) and os.path.isdir(d) and os.access(d, os.W_OK | os.X_OK):
            return d
    return "/tmp"


def describe_failure(status: int | None) -> str:
    import signal

    if status is not None and status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        return f"was killed by {name} and produced no environment"
    return f"exited with status {status} and produced no environment"


def run_all(run: Callable[[str], None], items: Sequence[str]) -> None:
    """``run(item)`` for every item at once: the first on this thread, the others on
    their own (plain threads: concurrent.futures imports logging and traceback, ~10 ms)."""
    if len(items) > 1:
        import threading

        threads = [threading.Thread(target=run, args=(p,)) for p in items[1:]]
        for t in threads:
            t.start()
        run(items[0])
        for t in threads:
            t.join()
    elif items:
        run(items[0])

"""A status line on an interactive terminal while ideaudit waits for something slow.

A login shell with a slow ``.bashrc`` or a cold ``go env`` can take seconds; without a
word on the screen that looks like a hang.  The CLI turns this on only when stderr is a
terminal (:func:`enable`), so nothing of it ever reaches a pipe, a file, or a machine
format on stdout.  The line appears after a short delay (a warm scan never shows it),
updates the elapsed time, and is erased when the wait ends.

Off by default and free when off: :func:`waiting` returns a shared no-op object and no
thread is started.
"""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import IO

DELAY = 0.3  # seconds of silence before the line appears
TICK = 0.1

_stream: IO[str] | None = None


def enable(stream: IO[str] | None = None) -> None:
    """Show status lines on ``stream`` (default: stderr) if it is a terminal."""
    global _stream
    target = stream if stream is not None else sys.stderr
    try:
        interactive = bool(target.isatty())
    except (AttributeError, ValueError, OSError):
        interactive = False
    _stream = target if interactive else None


def disable() -> None:
    global _stream
    _stream = None


class _Quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_QUIET = _Quiet()


class _Line:
    """A thread that redraws ``waiting for WHAT (1.2 s)`` until the ``with`` block ends."""

    def __init__(self, what: str, stream: IO[str]) -> None:
        import threading

        self.what = what
        self.stream = stream
        self.done = threading.Event()
        self.shown = False
        self.width = 0
        # erase the line with an ANSI code, or with spaces where none is understood
        self.dumb = os.environ.get("TERM") == "dumb"
        self.thread = threading.Thread(target=self._run, name="ideaudit-status", daemon=True)

    def __enter__(self) -> None:
        self.start = time.monotonic()
        self.thread.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.done.set()
        self.thread.join()
        if self.shown:
            self._write(self._erase())

    def _run(self) -> None:
        if self.done.wait(DELAY):
            return
        while not self.done.is_set():
            elapsed = time.monotonic() - self.start
            line = f"waiting for {self.what} ({elapsed:.1f} s)"
            self._write(self._erase() + line)
            self.width = len(line)
            self.shown = True
            self.done.wait(TICK)

    def _erase(self) -> str:
        return f"\r{' ' * self.width}\r" if self.dumb else "\r\x1b[2K"

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed terminal must not break the scan
            pass


def waiting(what: str) -> _Quiet | _Line:
    """``with waiting("bash -i -l start-up"): ...`` shows a status line if enabled."""
    if _stream is None:
        return _QUIET
    return _Line(what, _stream)

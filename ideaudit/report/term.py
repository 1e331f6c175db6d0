"""The terminal side of the output: colour decisions and an encoding that never fails.

Why this exists: the report speaks in ✓/✗/•/→, and a stdout that cannot encode them
(``PYTHONIOENCODING=cp1252``, a Windows console, ``LANG=C`` on an old Python) used to
turn a finished audit into ``internal error: UnicodeEncodeError`` and exit 2.  The
report must reach the user whatever the terminal: marks become ASCII look-alikes, and
anything else the encoding lacks (a user's non-ASCII path) is written as a
``\\u`` escape rather than lost.
"""

from __future__ import annotations

import os
from typing import IO, Any

# Look-alikes for the characters ideaudit itself prints; everything else falls back to
# backslash escapes, which keep a user's path readable and unambiguous.
ASCII = str.maketrans(
    {
        "✓": "+",
        "✗": "x",
        "•": "*",
        "→": "->",
        "←": "<-",
        "…": "...",
        "—": "--",
        "–": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "·": "-",
        "×": "x",
        "≥": ">=",
        "≤": "<=",
        "\u00a0": " ",
    }
)

COLOR_CHOICES = ("auto", "always", "never")


def use_color(choice: str, stream: IO[str] | Any, env: dict[str, str] | None = None) -> bool:
    """Whether to colour ``stream``: ``--color`` first, then the environment, then a TTY.

    The order is CPython's own (``Lib/_colorize.py``, 3.13): ``NO_COLOR`` (any non-empty
    value, no-color.org) beats ``FORCE_COLOR``, which beats ``TERM=dumb``; only then does
    it matter whether the stream is a terminal.  An explicit ``--color always|never``
    beats them all, as no-color.org asks of command-line flags."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    environ = os.environ if env is None else env
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    if environ.get("TERM") == "dumb":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def can_encode(stream: IO[str] | Any, sample: str = "✓✗•→") -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        sample.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def to_ascii(text: str, encoding: str = "ascii") -> str:
    """``text`` with ideaudit's marks as ASCII look-alikes and anything else that
    ``encoding`` cannot hold as a backslash escape."""
    return text.translate(ASCII).encode(encoding, "backslashreplace").decode(encoding)


class SafeWriter:
    """A text stream wrapper whose ``write`` never raises ``UnicodeEncodeError``.

    Installed over ``sys.stdout``/``sys.stderr`` only when their encoding cannot hold
    ideaudit's marks, so a UTF-8 terminal pays nothing."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._encoding = getattr(stream, "encoding", None) or "ascii"

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except UnicodeEncodeError:
            return self._stream.write(to_ascii(text, self._encoding))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def make_streams_safe() -> None:
    """Wrap ``sys.stdout`` and ``sys.stderr`` in :class:`SafeWriter` where needed."""
    import sys

    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, SafeWriter) and not can_encode(stream):
            setattr(sys, name, SafeWriter(stream))

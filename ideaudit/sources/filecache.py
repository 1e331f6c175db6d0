"""Parsed files kept between audits of a long-running ``ideaudit watch``.

A watcher re-audits after every save; re-parsing every settings, launch and XML file
each time is wasted work when one file changed.  :func:`cached` keys a parse result by
the file's identity (path, mtime, size, inode): a file that was not touched is not read
again, a changed one is.  Off by default: a one-shot ``scan`` parses each file once
anyway, and the cache would only cost memory.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_entries: dict[tuple[str, str], tuple[tuple[int, int, int], object]] | None = None


def enable() -> None:
    """Start keeping parse results (``watch`` calls this once)."""
    global _entries
    if _entries is None:
        _entries = {}


def disable() -> None:
    global _entries
    _entries = None


def cached(kind: str, path: str, parse: Callable[[], T]) -> T:
    """``parse()``, or its earlier result while ``path`` is unchanged."""
    if _entries is None:
        return parse()
    try:
        st = os.stat(path)
        ident = (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        _entries.pop((kind, path), None)
        return parse()
    hit = _entries.get((kind, path))
    if hit is not None and hit[0] == ident:
        return hit[1]  # type: ignore[return-value]
    result = parse()
    _entries[(kind, path)] = (ident, result)
    return result


def size() -> int:
    return 0 if _entries is None else len(_entries)

"""Regular expressions compiled on first use.

ideaudit's modules declare their patterns at module level, where they are easy to read
and test; compiling ~60 of them costs ~10 ms of every start, though a typical scan uses
a fraction (cgo, GoLand, tracing, fixes).  :func:`lazy_re` returns a stand-in that
compiles on the first call and then forwards to the compiled pattern.
"""

from __future__ import annotations

import re
from typing import Any, cast


class _LazyPattern:
    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._args)
        return getattr(compiled, name)


def lazy_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, deferred to the first method call.  Use only for
    patterns whose methods are called (``.match``, ``.sub``...), not passed to ``re.*``."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))

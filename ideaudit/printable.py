"""Output hygiene: no string from a file reaches a terminal or a CI log as control codes.

Configuration names, values and paths come from files a stranger may have written (a
pull request checked out in CI).  Printed raw, ``ESC [ 2 J`` clears the terminal, an
OSC sequence retitles it or plants a link, BEL rings, and a newline followed by
``::error file=...`` is read by GitHub Actions as a workflow command of its own, in
*any* output format, since the runner reads the whole log.  A lone surrogate
(``"\\ud800"`` in a JSON string, or a file name that is not UTF-8) cannot be encoded
at all, and ``print`` dies with UnicodeEncodeError.

:func:`printable` writes every such character as a visible escape (``\\x1b``,
``\\n``, ``\\u202e``, ``\\udcff``): nothing is lost, nothing acts.  Escaping each
character is enough for sequences too: an ESC that is shown as four characters no
longer starts a CSI or OSC sequence, and what followed it is plain text.
:func:`sanitize` applies it to every string of a record (the report, findings,
contexts), whatever field it is in, so a field added later is covered without anyone
remembering to.  :func:`ideaudit.redact.scrub_report` ends with it, so every format,
``watch`` and ``--diff`` go through this one layer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

from ideaudit._fast.record import replace

T = TypeVar("T")

# C0 controls and DEL, C1 controls, Unicode line/paragraph separators (some log viewers
# break lines there), bidirectional overrides and isolates ("Trojan Source": text that
# reads differently than it is), and surrogates (never valid alone in text).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_KEEP_NEWLINES = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control, separator, bidi and surrogate character escaped.

    ``keep_newlines`` keeps ``\\n`` for multi-line text that ideaudit itself laid out
    (a diff); each line is still cleaned.
    """
    pattern = _UNSAFE_KEEP_NEWLINES if keep_newlines else _UNSAFE
    if pattern.search(text) is None:  # the common case: no copy
        return text
    return pattern.sub(_escape, text)


def sanitize(obj: T) -> T:
    """``obj`` with :func:`printable` applied to every string in it: record fields,
    tuples, lists, mapping keys and values.  Unchanged parts are returned as they are
    (no copy), so a clean report costs one scan of its strings."""
    return _clean(obj)  # type: ignore[no-any-return]


# Field names of each record type seen (``None``: not a record), so the walk does not ask
# every object for ``__record_spec__``: a 200-context report has ~15,000 objects.
_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _fields(cls: type) -> tuple[str, ...] | None:
    try:
        return _FIELDS[cls]
    except KeyError:
        spec = getattr(cls, "__record_spec__", None)
        found = None if spec is None else tuple(name for name, _, _ in spec)
        _FIELDS[cls] = found
        return found


def _clean(obj: Any) -> Any:
    cls = type(obj)
    if cls is str:
        return printable(obj)
    if obj is None or cls is int or cls is float or cls is bool or isinstance(obj, Enum):
        return obj  # Severity is a str too, but a fixed one
    names = _fields(cls)
    if names is not None:
        changes: dict[str, Any] | None = None
        for name in names:
            value = getattr(obj, name)
            cleaned = _clean(value)
            if cleaned is not value:
                if changes is None:
                    changes = {}
                changes[name] = cleaned
        return obj if changes is None else replace(obj, **changes)
    if isinstance(obj, str):
        return printable(obj)
    if isinstance(obj, tuple | list):
        items: list[Any] | None = None
        for i, x in enumerate(obj):
            cleaned = _clean(x)
            if cleaned is not x and items is None:
                items = list(obj[:i])
            if items is not None:
                items.append(cleaned)
        return obj if items is None else type(obj)(items)
    if isinstance(obj, Mapping):
        pairs: dict[Any, Any] | None = None
        for i, (k, v) in enumerate(obj.items()):
            ck, cv = _clean(k), _clean(v)
            if pairs is None and (ck is not k or cv is not v):
                pairs = dict(list(obj.items())[:i])
            if pairs is not None:
                pairs[ck] = cv
        return obj if pairs is None else pairs
    return obj

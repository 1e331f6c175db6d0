"""Line and column of a key (or of an array element) in a TOML document.

Why hand-written: :mod:`tomllib` returns plain dicts with no positions, and a
configuration error without ``file:line:col`` sends the user hunting.  ``tomlkit`` keeps
the text but exposes no line numbers either (one would count newlines in its rendered
prefix), and it would be a dependency for this alone.  A configuration file is small and
already known to be valid TOML when this runs (tomllib parsed it), so a scanner that
follows table headers, dotted keys and one level of arrays and inline tables finds
every key a validation error can name.  When it cannot find the exact spot it answers
with the nearest enclosing key it found, never with nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

Loc = Sequence[str | int]


def _split_key(text: str) -> list[str]:
    """``a."b.c".d`` -> ``["a", "b.c", "d"]`` (bare and quoted keys)."""
    parts: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t.":
            i += 1
        elif ch in "\"'":
            end = text.find(ch, i + 1)
            end = n if end < 0 else end
            parts.append(text[i + 1 : end])
            i = end + 1
        else:
            j = i
            while j < n and text[j] not in " \t.":
                j += 1
            parts.append(text[i:j])
            i = j
    return parts


def _key_end(line: str) -> int:
    """Index of the ``=`` that ends the key of a key/value line, or -1."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "=":
            return i
        elif ch == "#":
            return -1
    return -1


def _element(lines: list[str], row: int, col: int, index: int) -> tuple[int, int] | None:
    """Position of the ``index``-th element of the array or inline table value starting
    at (row, col), scanning across lines; None when there is no such element."""
    depth = 0
    count = -1
    quote = ""
    expect = False
    for r in range(row, len(lines)):
        line = lines[r]
        c = col if r == row else 0
        while c < len(line):
            ch = line[c]
            if quote:
                if ch == "\\" and quote == '"':
                    c += 2
                    continue
                if ch == quote:
                    quote = ""
            elif ch == "#":
                break
            elif ch in "[{":
                depth += 1
                if depth == 1:
                    expect = True
                elif depth == 2 and expect:
                    count += 1
                    expect = False
                    if count == index:
                        return r, c
            elif ch in "]}":
                depth -= 1
                if depth == 0:
                    return None
            elif ch == ",":
                if depth == 1:
                    expect = True
            elif ch not in " \t":
                if depth == 1 and expect:
                    count += 1
                    expect = False
                    if count == index:
                        return r, c
                if ch in "\"'":
                    quote = ch
            c += 1
    return None


def locate(text: str, table: Sequence[str], loc: Loc) -> tuple[int, int]:
    """1-based (line, column) of ``loc`` (keys and array indexes, as pydantic reports
    them) inside ``table`` (e.g. ``("tool", "ideaudit")``); (1, 1) when nothing matches."""
    lines = text.splitlines()
    want = [*table, *loc]
    best: tuple[int, int] = (1, 1)
    best_len = -1
    deeper: tuple[int, int] | None = None  # first place that defines something inside `want`
    header: list[str] = []
    open_quote = ""  # inside a multi-line string: its lines are text, not keys
    for row, raw in enumerate(lines):
        if open_quote:
            if raw.count(open_quote) % 2 == 1:
                open_quote = ""
            continue
        for quote in ('"""', "'''"):
            if raw.count(quote) % 2 == 1:
                open_quote = quote
        stripped = raw.strip()
        indent = len(raw) - len(raw.lstrip())
        if stripped.startswith("["):
            inner = stripped.strip("[]").split("#")[0].strip().rstrip("]")
            header = _split_key(inner)
            matched = _prefix_len(header, want)
            if matched == len(header) > best_len:
                best, best_len = (row + 1, indent + 1), len(header)
            elif matched == len(want) and deeper is None:  # [a.b.c] defines the implicit [a.b]
                deeper = (row + 1, indent + 1)
            continue
        end = _key_end(raw)
        if end < 0 or not stripped or stripped.startswith("#"):
            continue
        path = [*header, *_split_key(raw[:end].strip())]
        matched = _prefix_len(path, want)
        if matched == len(want) < len(path) and deeper is None:  # a.b.c = 1 defines a.b
            deeper = (row + 1, indent + 1)
        if matched != len(path) or matched <= best_len:
            continue
        best, best_len = (row + 1, indent + 1), matched
        rest = want[matched:]
        if rest and isinstance(rest[0], (int, str)):
            # one level into the value: an array element or an inline table's key
            found = _inline(lines, row, end + 1, rest[0])
            if found is not None:
                best, best_len = (found[0] + 1, found[1] + 1), matched + 1
    if best_len < len(want) and deeper is not None:
        return deeper
    return best


def _inline(lines: list[str], row: int, col: int, part: str | int) -> tuple[int, int] | None:
    if isinstance(part, int):
        return _element(lines, row, col, part)
    # a key of an inline table: look for `part =` (quoted or bare) after the brace
    for r in range(row, min(row + 50, len(lines))):
        line = lines[r]
        start = col if r == row else 0
        for candidate in (f'"{part}"', f"'{part}'", part):
            i = line.find(candidate, start)
            if i >= 0 and line[i + len(candidate) :].lstrip().startswith("="):
                return r, i
        if r > row and line.strip().startswith("}"):
            break
    return None


def _prefix_len(path: Sequence[str | int], want: Sequence[str | int]) -> int:
    n = 0
    for a, b in zip(path, want, strict=False):
        if a != b:
            break
        n += 1
    return n

"""Read VS Code JSONC files (settings, launch, tasks, workspaces) with positions.

VS Code reads its configuration as *JSON with comments*: ``//`` and ``/* */`` comments
and trailing commas are allowed, a UTF-8 BOM is ignored, and a file that is empty or
holds only whitespace and comments counts as absent.  This module returns the parsed
value together with an index that maps every key path to its place in the text, so
findings can say ``settings.json:12:5`` and fixes can edit the exact characters.

Why the position index is hand-written
--------------------------------------
``json5`` (the library we trust for the *values*) returns plain Python objects and no
positions, and the standard ``json`` module cannot even read comments.  So
``_Scanner`` below is a small structural scanner: it walks the text once with a few
compiled regular expressions (strings, numbers, comments and whitespace are each a
single C-level regex match), checks the structure, and records where every value (and
its key) starts and ends.  Because it checks the structure, it is also what finds the
*first* error and its line:col, with a message that says what was expected ("expected
',' or '}' after object member", "unterminated string", ...), including hints for the
two real-world breakages: committed merge-conflict markers and ``{{ ... }}`` template
placeholders.

Memory: no positions on Python objects
--------------------------------------
Parsing must cost a small multiple of a file's size (``bench/memory.py``; files over
the caps of :mod:`.saferead` are refused unread).  A tuple plus a dict or list entry
per value to hold its positions cost ~12x the file; so the positions are three arrays
of machine integers in document order (:class:`_Index`, 12 bytes a value), and what a
lookup needs beyond them (a container's members, a key) is derived from the text when
asked, and kept only for the few large containers a scan looks into.  Line starts are
an array too, built on the first position asked for.

Where the values come from
--------------------------
``json5.loads`` is pure Python and slow (about 15 µs per character, ~250 ms for an
18 KB settings file), far over the budget of a scan.  The scanner therefore also
records the comments, unusual whitespace, the BOM and trailing commas, and blanks them
out (offsets and line breaks unchanged); what is left of ordinary JSONC is then plain
JSON, which the C ``json`` module decodes in well under a millisecond.  Only when that
fails, i.e. the file uses JSON5-only syntax (single-quoted strings, unquoted keys, hex
numbers, ...), are the values taken from ``json5.loads``.  For ordinary JSON both
libraries give the same result (duplicate keys: the last one wins in both, as in VS
Code); the corpus tests check that against ``json5`` on real files.

The document keeps the *blanked* text, which has the file's offsets, lines and keys,
plus what was blanked (one string); :attr:`JsoncDocument.text`, the file's own text
that fixes edit, is put back together from the two on first use.  So while the values
are decoded the file is held once, not twice: ``_load_jsonc`` hands over its only
reference to the text, and the original is let go as soon as it is blanked.

Columns are 1-based and count code points; a leading BOM does not count as a column,
but it *is* kept in :attr:`JsoncDocument.text` so character offsets match the file.
"""

from __future__ import annotations

import json
import os
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from typing import Any

from ideaudit._fast.record import record
from ideaudit.model import Location, Problem

__all__ = ["JsoncDocument", "Span", "load_jsonc", "parse_jsonc"]

PathItem = str | int

_BOM = "\ufeff"

# Whitespace (JSON5's set: JSON's four, \v, \f, NBSP, BOM, line/paragraph separators,
# and the Unicode space separators) and comments, in any number.  A block comment with
# no end is left unmatched, so the caller sees its "/" and reports it.
_SKIP = re.compile(
    r"(?:[ \t\n\r\v\f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]++"
    r"|//[^\n\r\u2028\u2029]*+"
    r"|/\*[\s\S]*?\*/)*+"
)
# What plain JSON (and so the ``json`` module) accepts between tokens, and the
# characters that start anything else _SKIP skips (a comment or JSON5-only whitespace).
_JSON_WS = re.compile(r"[ \t\n\r]*")
_SKIP_EXTRA = frozenset(
    "/\v\f\u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(chr(c) for c in range(0x2000, 0x200B))
)
_NOT_NEWLINE = re.compile(r"[^\r\n]")
_NEWLINE = re.compile(r"\r\n|\r|\n")

# Strings: any character but the quote, a backslash or a raw line break; a backslash
# escapes any one character, or a line break (a JSON5 line continuation).  json5 checks
# the escapes themselves.  The possessive quantifiers keep an unterminated string from
# backtracking exponentially.
_DQ_STRING = re.compile(r'"(?:[^"\\\n\r]++|\\(?:\r\n|[\s\S]))*+"')
_SQ_STRING = re.compile(r"'(?:[^'\\\n\r]++|\\(?:\r\n|[\s\S]))*+'")
_NUMBER = re.compile(
    r"[+-]?(?:Infinity|NaN|0[xX][0-9a-fA-F]+"
    r"|(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
)
_LITERAL = re.compile(r"(?:true|false|null)(?![\w$])")
_IDENT = re.compile(r"(?:[^\W\d]|\$|\\u[0-9a-fA-F]{4})(?:[\w$\u200c\u200d]|\\u[0-9a-fA-F]{4})*")
_WORD = re.compile(r"[\w$]+")
_NUMBER_TAIL = re.compile(r"[\w$.]")
_BAD_NUMBER = re.compile(r"[\w$.+-]+")
_SKIP_ANY = _SKIP_EXTRA | frozenset(" \t\n\r")
_UNTERMINATED = "unterminated string (a string cannot span lines)"
_CONFLICT_MARKERS = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")
_JSON5_POSITION = re.compile(r"<string>:(\d+) .* at column (\d+)")
# A lone surrogate can reach the values only through a \u escape (or text that holds
# one already); either is rare, so the values are cleaned only when this matches.
_MAYBE_SURROGATE = re.compile(r"[\ud800-\udfff]|\\u[dD][89a-fA-F]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

#: Deeper nesting of objects and arrays is refused with a parse problem at the bracket
#: that crosses it.  Real VS Code files nest a handful of levels; the cap keeps the
#: scanner and every later stage that walks the values within Python's recursion limit.
MAX_DEPTH = 256


@record(frozen=True)
class Span:
    """Where one value (and its key, for object members) sits in the text.

    Offsets are indices into :attr:`JsoncDocument.text`; ``end`` is exclusive, so
    ``text[start:end]`` is the value's source text.  ``line``/``col`` are 1-based.
    """

    key_start: int | None
    start: int
    end: int
    line: int
    col: int
    key_line: int | None
    key_col: int | None


class _ParseError(Exception):
    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message


def _offsets(size: int) -> array[int]:
    """An empty array for offsets into a text of ``size`` characters: 4 bytes each
    (every file under the size caps), 8 for texts of 2 GiB and more."""
    return array("i" if size < 2**31 - 1 else "q")


class _Lines:
    """Offset -> 1-based (line, col); ``\\r\\n``, ``\\r`` and ``\\n`` end a line.

    The line starts are one array of machine integers (4 bytes a line, where a list
    of Python ints costs 36)."""

    def __init__(self, text: str, bom: bool | None = None) -> None:
        self.starts = _offsets(len(text))
        self.starts.append(0)
        self.starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self.bom = text.startswith(_BOM) if bom is None else bom

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        col = offset - self.starts[index] + 1
        if index == 0 and self.bom and offset > 0:
            col -= 1
        return index + 1, col


#: Containers with more members than this keep a list of them (and objects a
#: key -> member dict) once a lookup has visited them; smaller ones are walked.
_SMALL = 16


class _Index:
    """Where every value of a document is, in three arrays of offsets.

    Values are numbered in document order (a pre-order walk: a container comes before
    its members).  ``kstart[i]`` is where the key of value ``i`` starts (-1 for array
    items and the root), ``start[i]``/``end[i]`` where the value starts and ends
    (exclusive).  That is 12 bytes a value, where a tuple plus a dict or list entry per
    value cost about 150.

    Everything else is derived on demand from the arrays and the text: the members of
    a container are the values after it that start before it ends (skipping over a
    member's own subtree is a bisection of ``start``, which is sorted), and a key is
    decoded from the text at ``kstart``.  Only containers of more than :data:`_SMALL`
    members that a lookup visits keep their members (and objects a key -> member
    dict), so a lookup costs the path's depth times at most ``_SMALL`` steps, and a
    scan pays memory only for the few large containers it looks into.
    """

    __slots__ = ("_big", "end", "kstart", "start", "surrogates", "text")

    def __init__(self, text: str, kstart: array[int], start: array[int], end: array[int]) -> None:
        self.text = text
        self.kstart = kstart
        self.start = start
        self.end = end
        self.surrogates = _MAYBE_SURROGATE.search(text) is not None
        self._big: dict[int, tuple[Sequence[int], dict[str, int] | None]] = {}

    def _walk(self, c: int) -> Iterator[int]:
        """The members of container ``c``, in document order."""
        start, end = self.start, self.end
        stop = end[c]
        n = len(start)
        j = c + 1
        while j < n and start[j] < stop:
            yield j
            e = end[j]
            j += 1
            if j < n and start[j] < e:  # j - 1 is a non-empty container: skip its subtree
                j = bisect_left(start, e, j)

    def children(self, c: int) -> Sequence[int]:
        """The members of container ``c`` (values, not keys), in document order."""
        cached = self._big.get(c)
        if cached is not None:
            return cached[0]
        kids = array(self.start.typecode, self._walk(c))
        if len(kids) > _SMALL:
            self._big[c] = (kids, None)
        return kids

    def member(self, c: int, key: str) -> int | None:
        """The member of object ``c`` with ``key``: the last one, as for the values."""
        cached = self._big.get(c)
        if cached is not None and cached[1] is not None:
            return cached[1].get(key)
        if cached is None:
            found = None
            for count, j in enumerate(self._walk(c)):
                if count == _SMALL:
                    break
                if self.key(j) == key:
                    found = j
            else:
                return found
        kids = self.children(c)
        keys = {self.key(j): j for j in kids}  # a duplicate key: the last one stays
        self._big[c] = (kids, keys)
        return keys.get(key)

    def key(self, j: int) -> str:
        """The key of member ``j``, decoded as the values' keys are."""
        text = self.text
        ks = self.kstart[j]
        ch = text[ks]
        pattern = _DQ_STRING if ch == '"' else _SQ_STRING if ch == "'" else _IDENT
        m = pattern.match(text, ks)
        assert m is not None  # the scanner matched the same pattern here
        key = _raw_key(text, ks, m.end())
        return _SURROGATE.sub("\ufffd", key) if self.surrogates else key

    def lookup(self, path: tuple[PathItem, ...]) -> int | None:
        """The value at ``path`` (keys and indices), or None."""
        node = 0
        text, start = self.text, self.start
        for item in path:
            ch = text[start[node]]
            if ch == "{" and isinstance(item, str):
                found = self.member(node, item)
                if found is None:
                    return None
                node = found
            elif ch == "[" and isinstance(item, int) and not isinstance(item, bool) and item >= 0:
                kids = self.children(node)
                if item >= len(kids):
                    return None
                node = kids[item]
            else:
                return None
        return node

    def path_of(self, j: int) -> tuple[PathItem, ...] | None:
        """The key path of value ``j``; None for a member hidden by a later duplicate."""
        path: list[PathItem] = []
        node = 0
        text, start = self.text, self.start
        while node != j:
            kids = self.children(node)
            i = bisect_right(kids, j) - 1
            if i < 0:
                return None
            child = kids[i]
            if text[start[node]] == "{":
                key = self.key(child)
                if self.member(node, key) != child:
                    return None
                path.append(key)
            else:
                path.append(i)
            node = child
        return tuple(path)


class JsoncDocument:
    """A parsed JSONC file: its text, its value and where each part of it is."""

    __slots__ = ("_blanked", "_bom", "_index", "_lines", "_plain", "_text", "data", "memo", "path")

    def __init__(
        self,
        path: str,
        text: str | None,
        data: Any,
        index: _Index | None,
        *,
        plain: str | None = None,
        blanked: tuple[array[int], str] | None = None,
        bom: bool | None = None,
    ) -> None:
        self.path = path
        self.data = data
        self._index = index
        #: The text with comments, odd whitespace and trailing commas blanked (the same
        #: offsets, lines and keys as the file), what was blanked, and the file's text
        #: (put back together from the two when first asked for).
        self._plain: str = plain if plain is not None else text or ""
        self._blanked = blanked
        self._text = text
        self._bom = self._plain.startswith(_BOM) if bom is None else bom
        self._lines: _Lines | None = None
        #: What other stages derive from the text once per document (the editor's
        #: indentation and line ending), so a fix per finding does not re-derive it.
        self.memo: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"JsoncDocument(path={self.path!r}, data={type(self.data).__name__})"

    @property
    def text(self) -> str:
        """The file's text (BOM kept): what fixes edit and character offsets index."""
        if self._text is None:
            self._text = _restore(self._plain, self._blanked)
        return self._text

    def _position(self, offset: int) -> tuple[int, int]:
        if self._lines is None:
            self._lines = _Lines(self._plain, self._bom)
        return self._lines.position(offset)

    def span(self, *path: PathItem) -> Span | None:
        """The span of the value at ``path`` (keys and indices), ``None`` if absent."""
        index = self._index
        if index is None:
            return None
        node = index.lookup(path)
        if node is None:
            return None
        key_start, start, end = index.kstart[node], index.start[node], index.end[node]
        line, col = self._position(start)
        if key_start < 0:
            return Span(None, start, end, line, col, None, None)
        key_line, key_col = self._position(key_start)
        return Span(key_start, start, end, line, col, key_line, key_col)

    def location(self, *path: PathItem) -> Location | None:
        """Where the value at ``path`` starts, or ``None`` if there is no such value."""
        span = self.span(*path)
        if span is None:
            return None
        return Location(file=self.path, line=span.line, col=span.col)

    def key_location(self, *path: PathItem) -> Location | None:
        """Where the key of the member at ``path`` starts (the value, for array items)."""
        span = self.span(*path)
        if span is None:
            return None
        if span.key_line is not None:
            return Location(file=self.path, line=span.key_line, col=span.key_col)
        return Location(file=self.path, line=span.line, col=span.col)

    def member_at(self, line: int, col: int, *, by_value: bool = False) -> tuple[PathItem, ...] | None:
        """The key path of the object member whose key (``by_value``: whose value)
        starts at ``line``:``col``.

        Fixers look members up by a finding's location.  The position becomes an offset;
        the value starting there (or right after the key starting there) is one
        bisection of the index, and its path is found by descending from the root
        through the container holding it at each level, so a lookup costs the depth,
        not the document: a walk over every member per lookup made hundreds of launch
        configurations quadratic."""
        index = self._index
        if index is None or line < 1 or col < 1:
            return None
        if self._lines is None:
            self._lines = _Lines(self._plain, self._bom)
        starts = self._lines.starts
        if line > len(starts):
            return None
        offset = starts[line - 1] + col - 1 + (1 if line == 1 and self._bom else 0)
        start, kstart = index.start, index.kstart
        if by_value:
            j = bisect_left(start, offset)
            if j >= len(start) or start[j] != offset or kstart[j] < 0:
                return None
        else:
            j = bisect_right(start, offset)  # the value after the key starting there
            if j >= len(start) or kstart[j] != offset:
                return None
        return index.path_of(j)

    def get(self, *path: PathItem, default: Any = None) -> Any:
        """The value at ``path``, or ``default`` when a step is missing or the wrong type."""
        if self._index is None:
            return default
        current = self.data
        for item in path:
            if isinstance(current, dict) and isinstance(item, str):
                if item not in current:
                    return default
                current = current[item]
            elif (
                isinstance(current, list)
                and isinstance(item, int)
                and not isinstance(item, bool)
                and 0 <= item < len(current)
            ):
                current = current[item]
            else:
                return default
        return current


def _restore(plain: str, blanked: tuple[array[int], str] | None) -> str:
    """The file's text: ``plain`` with each blanked range given back what it held."""
    if blanked is None:
        return plain
    ranges, held = blanked
    parts: list[str] = []
    last = used = 0
    for i in range(0, len(ranges), 2):
        start, end = ranges[i], ranges[i + 1]
        parts.append(plain[last:start])
        parts.append(held[used : used + end - start])
        used += end - start
        last = end
    parts.append(plain[last:])
    return "".join(parts)


class _Scanner:
    """Check JSONC structure and index every value; see the module docstring.

    Written for speed as much as clarity: the common cases (a quoted key followed
    directly by ``:``, one space before a value, ``,`` right after a value) are
    handled inline before falling back to the general whitespace/comment skipper.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        # Ranges the ``json`` module must not see: comments, odd whitespace, trailing
        # commas, as flat (start, end) pairs in text order.  Blanked to spaces with
        # line breaks kept.
        self.blanks = _offsets(self.n)
        self.depth = 0
        self.surrogates = _MAYBE_SURROGATE.search(text) is not None
        # The index (see _Index), filled in document order.
        self.kstart = _offsets(self.n)
        self.start = _offsets(self.n)
        self.end = _offsets(self.n)
        self._add_key = self.kstart.append
        self._add_start = self.start.append
        self._add_end = self.end.append

    # -- entry point -------------------------------------------------------------------

    def parse(self) -> _Index | None:
        pos = self._skip(0)
        if pos >= self.n:
            return None
        pos = self._value(pos, -1)
        pos = self._skip(pos)
        if pos < self.n:
            raise self._unexpected(pos, "after the end of the document")
        return _Index(self.text, self.kstart, self.start, self.end)

    def blanked(self) -> tuple[str, tuple[array[int], str] | None]:
        """The text with the blanks blanked, and what they held.

        Pieces are joined a thousand at a time, so the list of pieces never holds more
        than a thousand small strings (each costs ~50 bytes beyond its characters)."""
        blanks = self.blanks
        if not blanks:
            return self.text, None
        text = self.text
        out: list[str] = []
        held: list[str] = []
        parts: list[str] = []
        pieces: list[str] = []
        last = 0
        for i in range(0, len(blanks), 2):
            start, end = blanks[i], blanks[i + 1]
            parts.append(text[last:start])
            piece = text[start:end]
            pieces.append(piece)
            if "\n" in piece or "\r" in piece:
                parts.append(_NOT_NEWLINE.sub(" ", piece))
            else:
                parts.append(_spaces(end - start))
            last = end
            if len(pieces) >= 1000:
                out.append("".join(parts))
                held.append("".join(pieces))
                parts.clear()
                pieces.clear()
        parts.append(text[last:])
        out.append("".join(parts))
        held.append("".join(pieces))
        del parts, pieces
        return "".join(out), (blanks, "".join(held))

    def _blank(self, start: int, end: int) -> None:
        """Note a blank range; a trailing comma is found after the blank that follows
        it, so it is put back in text order."""
        blanks = self.blanks
        if blanks and blanks[-2] > start:
            at = len(blanks) - 2
            blanks[at:at] = array(blanks.typecode, (start, end))
        else:
            blanks.append(start)
            blanks.append(end)

    # -- pieces ------------------------------------------------------------------------

    def _skip(self, pos: int) -> int:
        """Skip whitespace and comments from ``pos``; returns the next token's offset."""
        text = self.text
        if pos < self.n:
            ch = text[pos]
            if ch not in _SKIP_ANY:
                return pos
            if ch == " " and pos + 1 < self.n and text[pos + 1] not in _SKIP_ANY:
                return pos + 1
        end = _JSON_WS.match(text, pos).end()  # type: ignore[union-attr]
        if end < self.n and text[end] in _SKIP_EXTRA:
            full = _SKIP.match(text, pos).end()  # type: ignore[union-attr]
            if full > end:
                self._blank(pos, full)
            return full
        return end

    def _value(self, pos: int, key_start: int) -> int:
        """Index the value at ``pos`` (and everything in it); returns where it ends."""
        text = self.text
        if pos >= self.n:
            raise self._unexpected(pos, "; expected a value")
        ch = text[pos]
        if ch == '"' or ch == "'":
            end = self._string(pos)
            self._add_key(key_start)
            self._add_start(pos)
            self._add_end(end)
            return end
        if ch == "{" or ch == "[":
            if self.depth >= MAX_DEPTH:
                raise _ParseError(
                    pos, f"nested deeper than {MAX_DEPTH} levels; ideaudit does not read this file"
                )
            self.depth += 1
            slot = len(self.end)
            self._add_key(key_start)
            self._add_start(pos)
            self._add_end(pos)  # until the container's end is known
            end = self._object(pos) if ch == "{" else self._array(pos)
            self.end[slot] = end
            self.depth -= 1
            return end
        m = _LITERAL.match(text, pos) or _NUMBER.match(text, pos)
        if m is not None:
            end = m.end()
            if ch not in "tfn" and end < self.n and _NUMBER_TAIL.match(text, end):
                bad = _BAD_NUMBER.match(text, pos).group()  # type: ignore[union-attr]
                raise _ParseError(pos, f"invalid number {bad!r}")
            self._add_key(key_start)
            self._add_start(pos)
            self._add_end(end)
            return end
        word = _WORD.match(text, pos)
        if word is not None:
            raise _ParseError(
                pos,
                f"unexpected word {word.group()!r}; expected a value (strings need quotes)",
            )
        raise self._unexpected(pos, "; expected a value")

    def _object(self, pos: int) -> int:
        text = self.text
        n = self.n
        skip = self._skip
        p = skip(pos + 1)
        while True:
            if p >= n:
                raise self._expected(p, "expected a property name or '}'")
            ch = text[p]
            kstart = p
            if ch == '"':
                m = _DQ_STRING.match(text, p)
                if m is None:
                    raise _ParseError(p, _UNTERMINATED)
                kend = m.end()
                if text.find("\\", p + 1, kend - 1) >= 0:
                    _raw_key(text, p, kend)  # checks the escapes
            elif ch == "}":
                break
            elif ch == "'":
                kend = self._string(p)
                _raw_key(text, p, kend)
            else:
                m = _IDENT.match(text, p)
                if m is None:
                    raise self._unexpected(p, "; expected a property name or '}'")
                kend = m.end()
                _raw_key(text, p, kend)
            if kend < n and text[kend] == ":":
                p = kend + 1
            else:
                p = skip(kend)
                if p >= n or text[p] != ":":
                    raise self._expected(p, "expected ':' after property name")
                p += 1
            p = self._value(skip(p), kstart)
            if p >= n or text[p] != ",":
                p = skip(p)
            if p < n and text[p] == ",":
                comma = p
                p = skip(p + 1)
                if p < n and text[p] == "}":
                    self._blank(comma, comma + 1)
                    break
                continue
            if p < n and text[p] == "}":
                break
            raise self._expected(p, "expected ',' or '}' after object member")
        return p + 1

    def _array(self, pos: int) -> int:
        text = self.text
        n = self.n
        skip = self._skip
        p = skip(pos + 1)
        while True:
            if p >= n:
                raise self._expected(p, "expected a value or ']'")
            if text[p] == "]":
                break
            p = self._value(p, -1)
            if p >= n or text[p] != ",":
                p = skip(p)
            if p < n and text[p] == ",":
                comma = p
                p = skip(p + 1)
                if p < n and text[p] == "]":
                    self._blank(comma, comma + 1)
                    break
                continue
            if p < n and text[p] == "]":
                break
            raise self._expected(p, "expected ',' or ']' after array item")
        return p + 1

    def _string(self, pos: int) -> int:
        pattern = _DQ_STRING if self.text[pos] == '"' else _SQ_STRING
        m = pattern.match(self.text, pos)
        if m is None:
            raise _ParseError(pos, _UNTERMINATED)
        return m.end()

    # -- messages ----------------------------------------------------------------------

    def _describe(self, pos: int) -> str:
        if pos >= self.n:
            return "end of file"
        ch = self.text[pos]
        if ch == "'":
            return '"\'"'
        # Punctuation is named; a letter or digit only by its class: the file may be any
        # file a settings.json symlink points at, and messages never quote contents.
        if ch.isalpha():
            return "a letter"
        if ch.isdigit():
            return "a digit"
        if ch.isprintable() and not ch.isspace():
            return f"'{ch}'"
        return f"character U+{ord(ch):04X}"

    def _hint(self, pos: int) -> tuple[int, str] | None:
        """Recognise the usual reasons a committed config file is not JSON."""
        text = self.text
        line_start = max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1
        if not text[line_start:pos].strip():
            for marker in _CONFLICT_MARKERS:
                if text.startswith(marker, pos):
                    return pos, f"unexpected {marker!r}: unresolved git merge conflict marker"
        for opener in ("{{", "{%"):
            if text.startswith(opener, pos):
                return pos, f"unexpected {opener!r}: template placeholder, not JSON"
            if pos > 0 and text.startswith(opener, pos - 1):
                return pos - 1, f"unexpected {opener!r}: template placeholder, not JSON"
        return None

    def _unexpected(self, pos: int, expectation: str) -> _ParseError:
        hint = self._hint(pos) if pos < self.n else None
        if hint is not None:
            return _ParseError(*hint)
        if pos < self.n and self.text.startswith("/*", pos):
            return _ParseError(pos, "unterminated comment ('/*' without '*/')")
        sep = "" if expectation.startswith(";") else " "
        return _ParseError(pos, f"unexpected {self._describe(pos)}{sep}{expectation}")

    def _expected(self, pos: int, expectation: str) -> _ParseError:
        if pos >= self.n:
            return _ParseError(pos, f"unexpected end of file; {expectation}")
        hint = self._hint(pos)
        if hint is not None:
            return _ParseError(*hint)
        if self.text.startswith("/*", pos):
            return _ParseError(pos, "unterminated comment ('/*' without '*/')")
        return _ParseError(pos, f"{expectation}, found {self._describe(pos)}")


_SPACES: dict[int, str] = {}


def _spaces(n: int) -> str:
    """``n`` spaces, one string per length (most blanks are short comments)."""
    if n > 64:
        return " " * n
    found = _SPACES.get(n)
    if found is None:
        found = _SPACES[n] = " " * n
    return found


def _raw_key(text: str, start: int, end: int) -> str:
    """The key written at ``text[start:end]`` (quoted or an identifier), unescaped;
    raises a parse error for a bad escape."""
    token = text[start:end]
    if "\\" not in token:
        return token[1:-1] if token[0] in "\"'" else token
    try:
        if token[0] == '"':
            try:
                return str(json.loads(token))
            except ValueError:
                return str(_json5().loads(token))
        if token[0] == "'":
            return str(_json5().loads(token))
        return str(next(iter(_json5().loads("{" + token + ":0}"))))
    except Exception as exc:  # json5 raises ValueError and others on bad escapes
        raise _ParseError(start, f"invalid escape in property name: {exc}") from None


def _problem(file: str, text: str, pos: int, message: str) -> Problem:
    lines = _Lines(text)
    pos = max(0, min(pos, len(text)))
    line, col = lines.position(pos)
    source_line = _NEWLINE.split(text[lines.starts[line - 1] :], maxsplit=1)[0]
    return Problem(
        kind="parse",
        message=message,
        location=Location(file=file, line=line, col=col),
        detail=source_line.lstrip(_BOM)[:200] or None,
    )


def _json5_error_offset(text: str, exc: Exception) -> int | None:
    """Turn json5's ``<string>:LINE Unexpected "x" at column COL`` into an offset."""
    m = _JSON5_POSITION.search(str(exc))
    if m is None:
        return None
    line, col = int(m.group(1)), int(m.group(2))
    offset = 0
    for _ in range(line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return None
    return offset + col - 1


def _json5() -> Any:
    """The json5 module, imported on first need: ordinary JSONC never needs it (the
    standard ``json`` parses the blanked text), and its import costs ~10 ms of every
    scan's start-up."""
    import json5

    return json5


class _Shared:
    """One string object for each short string value that repeats.

    ``json`` shares the key strings of a document but makes a new string for every
    value; a launch.json repeats ``"go"``, ``"launch"``, ``"debug"`` and
    ``"${workspaceFolder}"`` in every configuration, and each copy costs ~50 bytes
    beyond its characters.  Called by ``json`` for every object: for a 4 MiB
    launch.json that is +25 ms on a 430 ms parse, and a tenth less memory."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def hook(self, obj: dict[str, Any]) -> dict[str, Any]:
        seen = self.seen
        for key, value in obj.items():
            if type(value) is str and len(value) <= 32:
                obj[key] = seen.setdefault(value, value)
        return obj


def parse_jsonc(text: str, file: str) -> JsoncDocument | Problem:
    """Parse JSONC ``text`` read from ``file``.

    Returns a document (whose ``data`` is ``None`` for an empty or comment-only file)
    or exactly one ``Problem(kind="parse")`` at the first error.
    """
    return _parse([text], file)


def _parse(held: list[str], file: str) -> JsoncDocument | Problem:
    """:func:`parse_jsonc` of the one text in ``held``, taken out of it: when the
    caller keeps no other reference, the file's text is freed once it is blanked
    (the document puts it back together if a fixer asks for it)."""
    text = held.pop()
    scanner = _Scanner(text)
    try:
        index = scanner.parse()
    except _ParseError as exc:
        return _problem(file, text, exc.pos, exc.message)
    except RecursionError:  # only when called deep in someone's stack: MAX_DEPTH comes first
        return _problem(file, text, 0, "nesting too deep for this call stack")
    if index is None:
        return JsoncDocument(file, text, None, None)
    bom = text.startswith(_BOM)
    surrogates = scanner.surrogates
    plain, blanked = scanner.blanked()
    index.text = plain  # the same keys, offsets and lines as the file
    del scanner, text
    try:
        data = json.loads(plain, strict=False, object_hook=_Shared().hook)
    except ValueError:
        try:
            data = _json5().loads(plain)
        except Exception as exc:  # json5 raises ValueError, and others on odd input
            offset = _json5_error_offset(plain, exc)
            message = str(exc)
            m = re.search(r"<string>:\d+ (.*) at column \d+", message)
            if m is not None:
                message = m.group(1)
            message = re.sub(r'"[^"]*"', "a character", message)  # never quote the file
            pos = index.start[0] if offset is None else offset
            return _problem(file, _restore(plain, blanked), pos, f"invalid JSON5: {message}")
    if surrogates:
        data = _without_lone_surrogates(data)
    return JsoncDocument(file, None if blanked else plain, data, index, plain=plain, blanked=blanked, bom=bom)


def _without_lone_surrogates(data: Any) -> Any:
    """``data`` with every lone surrogate (``"\\ud800"`` written in the file) replaced by
    U+FFFD, in keys and values.

    A lone surrogate cannot be encoded, so it would crash whichever later stage prints
    or writes it.  U+FFFD is also what the IDE's process receives: Node encodes a lone
    surrogate in an environment value as U+FFFD.  Walked with an explicit stack (the
    nesting is capped, but nothing here needs recursion)."""

    def clean(value: Any) -> Any:
        return _SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value

    root: list[Any] = [clean(data)]
    stack: list[Any] = [root]
    while stack:
        container = stack.pop()
        if isinstance(container, dict):
            items = list(container.items())
            container.clear()
            for key, value in items:
                container[clean(key)] = value = clean(value)
                if isinstance(value, (dict, list)):
                    stack.append(value)
        else:
            for i, value in enumerate(container):
                container[i] = value = clean(value)
                if isinstance(value, (dict, list)):
                    stack.append(value)
    return root[0]


def load_jsonc(path: str | os.PathLike[str]) -> JsoncDocument | Problem:
    """Read and parse a JSONC file; unreadable files give ``Problem(kind="unreadable")``.

    Under ``watch`` an unchanged file is not parsed again (see :mod:`.filecache`)."""
    from ideaudit.sources import filecache

    file = os.fspath(path)
    return filecache.cached("jsonc", file, lambda: _load_jsonc(file))


def _load_jsonc(file: str) -> JsoncDocument | Problem:
    from ideaudit.sources.saferead import read_bytes

    try:
        raw = read_bytes(file, "jsonc")
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return Problem(
            kind="unreadable",
            message=f"cannot read {file}: {reason}",
            location=Location(file=file),
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return Problem(
            kind="unreadable",
            message=(
                f"cannot read {file}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
            ),
            location=Location(file=file, line=line),
        )
    del raw  # the bytes are not needed while parsing (peak memory, bench/memory.py)
    held = [text]
    del text  # _parse lets the text go once blanked
    return _parse(held, file)

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
single C-level regex match), checks the structure, and records a :class:`Span` for
every object member and array item.  Because it checks the structure, it is also what
finds the *first* error and its line:col, with a message that says what was expected
("expected ',' or '}' after object member", "unterminated string", ...), including
hints for the two real-world breakages: committed merge-conflict markers and
``{{ ... }}`` template placeholders.

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

Columns are 1-based and count code points; a leading BOM does not count as a column,
but it *is* kept in :attr:`JsoncDocument.text` so character offsets match the file.
"""

from __future__ import annotations

import json
import os
import re
from bisect import bisect_right
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


# One indexed value: (key_start, start, end, children).  Spans are built from these on
# demand, so a scan allocates one small tuple per value and nothing else.
_Children = dict[str, "_Node"] | list["_Node"] | None
_Node = tuple[int | None, int, int, _Children]


class _ParseError(Exception):
    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message


class _Lines:
    """Offset -> 1-based (line, col); ``\\r\\n``, ``\\r`` and ``\\n`` end a line."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        self.starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self.bom = text.startswith(_BOM)

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        col = offset - self.starts[index] + 1
        if index == 0 and self.bom and offset > 0:
            col -= 1
        return index + 1, col


class JsoncDocument:
    """A parsed JSONC file: its text, its value and where each part of it is."""

    __slots__ = ("_lines", "_members", "_root", "data", "memo", "path", "text")

    def __init__(self, path: str, text: str, data: Any, root: _Node | None) -> None:
        self.path = path
        self.text = text
        self.data = data
        self._root = root
        self._lines: _Lines | None = None
        # Children of visited containers in text order, by id (see member_at).
        self._members: dict[int, tuple[list[int], list[tuple[PathItem, _Node]]]] | None = None
        #: What other stages derive from the text once per document (the editor's
        #: indentation and line ending), so a fix per finding does not re-derive it.
        self.memo: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"JsoncDocument(path={self.path!r}, data={type(self.data).__name__})"

    def span(self, *path: PathItem) -> Span | None:
        """The span of the value at ``path`` (keys and indices), ``None`` if absent."""
        node = self._root
        for item in path:
            if node is None:
                return None
            children = node[3]
            if isinstance(children, dict) and isinstance(item, str):
                node = children.get(item)
            elif (
                isinstance(children, list)
                and isinstance(item, int)
                and not isinstance(item, bool)
                and 0 <= item < len(children)
            ):
                node = children[item]
            else:
                return None
        if node is None:
            return None
        if self._lines is None:
            self._lines = _Lines(self.text)
        key_start, start, end, _ = node
        line, col = self._lines.position(start)
        if key_start is None:
            return Span(None, start, end, line, col, None, None)
        key_line, key_col = self._lines.position(key_start)
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

        Fixers look members up by a finding's location.  The position becomes an offset
        and the tree is descended through the one container holding it at each level
        (a bisection over that container's children, sorted once and kept), so a
        lookup costs the depth, not the document: a walk over every member per lookup
        made hundreds of launch configurations quadratic."""
        if self._root is None or line < 1 or col < 1:
            return None
        if self._lines is None:
            self._lines = _Lines(self.text)
        starts = self._lines.starts
        if line > len(starts):
            return None
        offset = starts[line - 1] + col - 1 + (1 if line == 1 and self._lines.bom else 0)
        node: _Node = self._root
        path: tuple[PathItem, ...] = ()
        while True:
            children = node[3]
            if not children:
                return None
            order, items = self._ordered(children)
            i = bisect_right(order, offset) - 1
            if i < 0:
                return None
            key, child = items[i]
            if isinstance(children, dict) and child[1 if by_value else 0] == offset:
                return (*path, key)
            if not child[1] <= offset < child[2]:
                return None
            node, path = child, (*path, key)

    def _ordered(
        self, children: dict[str, _Node] | list[_Node]
    ) -> tuple[list[int], list[tuple[PathItem, _Node]]]:
        """A container's children sorted by where they start (key or value), cached."""
        if self._members is None:
            self._members = {}
        cached = self._members.get(id(children))
        if cached is None:
            pairs: list[tuple[PathItem, _Node]] = (
                list(children.items()) if isinstance(children, dict) else list(enumerate(children))
            )
            pairs.sort(key=lambda kv: kv[1][1] if kv[1][0] is None else kv[1][0])
            order = [n[1] if n[0] is None else n[0] for _, n in pairs]
            cached = self._members[id(children)] = (order, pairs)
        return cached

    def get(self, *path: PathItem, default: Any = None) -> Any:
        """The value at ``path``, or ``default`` when a step is missing or the wrong type."""
        if self._root is None:
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
        # commas.  Blanked to spaces with line breaks kept.
        self.blanks: list[tuple[int, int]] = []
        self.depth = 0
        self.surrogates = _MAYBE_SURROGATE.search(text) is not None

    # -- entry point -------------------------------------------------------------------

    def parse(self) -> _Node | None:
        pos = self._skip(0)
        if pos >= self.n:
            return None
        node, pos = self._value(pos, None)
        pos = self._skip(pos)
        if pos < self.n:
            raise self._unexpected(pos, "after the end of the document")
        return node

    def blanked(self) -> str:
        if not self.blanks:
            return self.text
        text = self.text
        parts: list[str] = []
        last = 0
        for start, end in sorted(self.blanks):
            parts.append(text[last:start])
            piece = text[start:end]
            if "\n" in piece or "\r" in piece:
                parts.append(_NOT_NEWLINE.sub(" ", piece))
            else:
                parts.append(" " * len(piece))
            last = end
        parts.append(text[last:])
        return "".join(parts)

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
                self.blanks.append((pos, full))
            return full
        return end

    def _value(self, pos: int, key_start: int | None) -> tuple[_Node, int]:
        text = self.text
        if pos >= self.n:
            raise self._unexpected(pos, "; expected a value")
        ch = text[pos]
        if ch == '"' or ch == "'":
            end = self._string(pos)
            return (key_start, pos, end, None), end
        if ch == "{" or ch == "[":
            if self.depth >= MAX_DEPTH:
                raise _ParseError(
                    pos, f"nested deeper than {MAX_DEPTH} levels; ideaudit does not read this file"
                )
            self.depth += 1
            node = self._object(pos, key_start) if ch == "{" else self._array(pos, key_start)
            self.depth -= 1
            return node
        m = _LITERAL.match(text, pos) or _NUMBER.match(text, pos)
        if m is not None:
            end = m.end()
            if ch not in "tfn" and end < self.n and _NUMBER_TAIL.match(text, end):
                bad = _BAD_NUMBER.match(text, pos).group()  # type: ignore[union-attr]
                raise _ParseError(pos, f"invalid number {bad!r}")
            return (key_start, pos, end, None), end
        word = _WORD.match(text, pos)
        if word is not None:
            raise _ParseError(
                pos,
                f"unexpected word {word.group()!r}; expected a value (strings need quotes)",
            )
        raise self._unexpected(pos, "; expected a value")

    def _object(self, pos: int, key_start: int | None) -> tuple[_Node, int]:
        text = self.text
        n = self.n
        skip = self._skip
        children: dict[str, _Node] = {}
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
                key = text[p + 1 : kend - 1]
                if "\\" in key:
                    key = self._key(p, kend)
                elif self.surrogates:
                    key = _SURROGATE.sub("\ufffd", key)
            elif ch == "}":
                break
            elif ch == "'":
                kend = self._string(p)
                key = self._key(p, kend)
            else:
                m = _IDENT.match(text, p)
                if m is None:
                    raise self._unexpected(p, "; expected a property name or '}'")
                kend = m.end()
                key = self._key(p, kend)
            if kend < n and text[kend] == ":":
                p = kend + 1
            else:
                p = skip(kend)
                if p >= n or text[p] != ":":
                    raise self._expected(p, "expected ':' after property name")
                p += 1
            child, p = self._value(skip(p), kstart)
            children[key] = child  # a duplicate key replaces the earlier one, like json5
            if p >= n or text[p] != ",":
                p = skip(p)
            if p < n and text[p] == ",":
                comma = p
                p = skip(p + 1)
                if p < n and text[p] == "}":
                    self.blanks.append((comma, comma + 1))
                    break
                continue
            if p < n and text[p] == "}":
                break
            raise self._expected(p, "expected ',' or '}' after object member")
        end = p + 1
        return (key_start, pos, end, children), end

    def _array(self, pos: int, key_start: int | None) -> tuple[_Node, int]:
        text = self.text
        n = self.n
        skip = self._skip
        items: list[_Node] = []
        p = skip(pos + 1)
        while True:
            if p >= n:
                raise self._expected(p, "expected a value or ']'")
            if text[p] == "]":
                break
            child, p = self._value(p, None)
            items.append(child)
            if p >= n or text[p] != ",":
                p = skip(p)
            if p < n and text[p] == ",":
                comma = p
                p = skip(p + 1)
                if p < n and text[p] == "]":
                    self.blanks.append((comma, comma + 1))
                    break
                continue
            if p < n and text[p] == "]":
                break
            raise self._expected(p, "expected ',' or ']' after array item")
        end = p + 1
        return (key_start, pos, end, items), end

    def _string(self, pos: int) -> int:
        pattern = _DQ_STRING if self.text[pos] == '"' else _SQ_STRING
        m = pattern.match(self.text, pos)
        if m is None:
            raise _ParseError(pos, _UNTERMINATED)
        return m.end()

    def _key(self, start: int, end: int) -> str:
        key = self._raw_key(start, end)
        return _SURROGATE.sub("\ufffd", key) if self.surrogates else key

    def _raw_key(self, start: int, end: int) -> str:
        token = self.text[start:end]
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


def parse_jsonc(text: str, file: str) -> JsoncDocument | Problem:
    """Parse JSONC ``text`` read from ``file``.

    Returns a document (whose ``data`` is ``None`` for an empty or comment-only file)
    or exactly one ``Problem(kind="parse")`` at the first error.
    """
    scanner = _Scanner(text)
    try:
        root = scanner.parse()
    except _ParseError as exc:
        return _problem(file, text, exc.pos, exc.message)
    except RecursionError:  # only when called deep in someone's stack: MAX_DEPTH comes first
        return _problem(file, text, 0, "nesting too deep for this call stack")
    if root is None:
        return JsoncDocument(file, text, None, None)
    plain = scanner.blanked()
    try:
        data = json.loads(plain, strict=False)
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
            pos = root[1] if offset is None else offset
            return _problem(file, text, pos, f"invalid JSON5: {message}")
    if scanner.surrogates:
        data = _without_lone_surrogates(data)
    return JsoncDocument(file, text, data, root)


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
    return parse_jsonc(text, file)

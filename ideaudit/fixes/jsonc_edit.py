"""Minimal, comment-preserving edits to JSONC files (settings.json, launch.json, ...).

Why hand-written: the only maintained library that edits JSONC without re-dumping it is
Microsoft's ``jsonc-parser`` (``modify``/``applyEdits``), which is TypeScript.  On PyPI,
``json5`` and ``commentjson`` load and dump (every comment is lost), and ``jsonc-parser``
ports there only strip comments.  So the engine is written here, on top of
:class:`~ideaudit.sources.jsonc.JsoncDocument`, whose index gives the character span of
every key and value: an edit never re-serialises anything it does not replace.

What an edit keeps (checked on real files from the corpus by the tests):

* every byte outside the replaced or inserted region, comments included;
* the indentation unit (detected: tabs, or the smallest indentation step in use), the
  line endings (LF, CRLF or CR, whichever the file uses) and the key order (new members
  go after the last existing one);
* the trailing-comma style: a member added after a last member that has a trailing comma
  gets one too; one added after a last member without it does not.

Insertions are built so that several of them into the same object compose: each new
member text starts with its own separator (``,`` then a line break, or a line break after
an existing trailing comma), so two fixes that add two variables to the same ``env``
produce two insertions at the same offset that can simply be concatenated.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from ideaudit._fast.lazyre import lazy_re
from ideaudit.model import Edit
from ideaudit.sources.jsonc import JsoncDocument, Span

PathItem = str | int

_SKIP_WS = lazy_re(r"[ \t\f\v\u00a0\ufeff]*")
_SKIP_ALL = lazy_re(r"(?:\s+|//[^\n\r]*|/\*[\s\S]*?\*/)*")
# The rest of a line after a value: blanks and comments only.  A block comment's body
# cannot contain "*/": a lazy ".*?" would stretch one comment over "/* a */ } /* b */"
# to reach the line end, and an insertion then landed after the closing brace.
_LINE_REST = lazy_re(r"[ \t]*(?://[^\n\r]*|/\*(?:[^*\n\r]|\*(?!/))*\*/[ \t]*)*(?=\r\n|\r|\n|$)")
_INDENTED = lazy_re(r"^([ \t]+)[\"'}\]\w]", re.MULTILINE)


class EditError(ValueError):
    """The requested edit does not fit the document (e.g. a path through a non-object)."""


class JsoncEditor:
    """Computes :class:`~ideaudit.model.Edit` lists against one parsed document.

    The editor never changes the document: every method returns edits against the
    original text, which :mod:`ideaudit.fixes.apply` merges and writes.
    """

    def __init__(self, doc: JsoncDocument) -> None:
        self.doc = doc
        self.text = doc.text
        style: tuple[str, str] | None = doc.memo.get("style")
        if style is None:  # once per document, not per edit: detect_indent reads it all
            style = doc.memo["style"] = (detect_eol(self.text), detect_indent(self.text))
        self.eol, self.unit = style

    # -- public operations ------------------------------------------------------------

    def set(self, path: Sequence[PathItem], value: Any) -> list[Edit]:
        """Set the value at ``path``, creating missing objects on the way."""
        if not path:
            raise EditError("cannot replace the whole document")
        doc = self.doc
        if doc.data is None:
            return self._new_document(path, value)
        span = doc.span(*path)
        if span is not None:
            indent = self._line_indent(span.key_start if span.key_start is not None else span.start)
            new = format_value(value, indent, self.unit, self.eol)
            if self.text[span.start : span.end] == new:
                return []
            return [Edit(doc.path, span.start, span.end - span.start, new)]
        # Deepest existing ancestor, which must be an object.
        depth = len(path) - 1
        while depth > 0 and doc.span(*path[:depth]) is None:
            depth -= 1
        parent_path = tuple(path[:depth])
        parent = doc.get(*parent_path)
        if not isinstance(parent, dict):
            raise EditError(f"{'.'.join(map(str, parent_path)) or 'the document'} is not an object")
        key = path[depth]
        if not isinstance(key, str):
            raise EditError(f"cannot create array item {key} at {'.'.join(map(str, parent_path))}")
        nested: Any = value
        for item in reversed(path[depth + 1 :]):
            if not isinstance(item, str):
                raise EditError("cannot create an array on the way to a new key")
            nested = {item: nested}
        return self._insert_member(parent_path, key, nested)

    def remove(self, path: Sequence[PathItem]) -> list[Edit]:
        """Remove the object member at ``path`` (with its comma); nothing if absent."""
        doc = self.doc
        span = doc.span(*path)
        if span is None or span.key_start is None:
            return []
        parent_path = tuple(path[:-1])
        siblings, starts = self._members(parent_path)
        index = bisect_left(starts, span.key_start)
        text = self.text
        after = _SKIP_ALL.match(text, span.end).end()  # type: ignore[union-attr]
        has_comma = after < len(text) and text[after] == ","
        start = span.key_start
        end = after + 1 if has_comma else span.end
        edits: list[Edit] = []
        if not has_comma and index > 0:
            # The member was last: the previous member's comma would become trailing.
            prev = siblings[index - 1][1]
            comma = _SKIP_ALL.match(text, prev.end).end()  # type: ignore[union-attr]
            if comma < len(text) and text[comma] == ",":
                edits.append(Edit(doc.path, comma, 1, ""))
        line_start = _line_start(text, start)
        rest = _LINE_REST.match(text, end)
        if text[line_start:start].strip() == "" and rest is not None and rest.group().strip() == "":
            # The member has its own line(s): remove them whole, line break included.
            start = line_start
            end = rest.end()
            end += 2 if text.startswith("\r\n", end) else 1 if end < len(text) else 0
        else:
            end = _SKIP_WS.match(text, end).end()  # type: ignore[union-attr]
        edits.append(Edit(doc.path, start, end - start, ""))
        return sorted(edits, key=lambda e: e.offset)

    def append(self, path: Sequence[PathItem], value: Any) -> list[Edit]:
        """Append ``value`` to the array at ``path`` (created when missing)."""
        span = self.doc.span(*path)
        current = self.doc.get(*path)
        if span is None:
            return self.set(path, [value])
        if not isinstance(current, list):
            raise EditError(f"{'.'.join(map(str, path))} is not an array")
        items = [self.doc.span(*path, i) for i in range(len(current))]
        return self._insert_into(span, [s for s in items if s is not None], lambda ind: "", value)

    # -- insertion --------------------------------------------------------------------

    def _member_spans(self, path: Sequence[PathItem]) -> list[tuple[str, Span]]:
        return self._members(path)[0]

    def _members(self, path: Sequence[PathItem]) -> tuple[list[tuple[str, Span]], list[int]]:
        """The members of the object at ``path`` in text order, and their key offsets.

        Kept in the document's memo: one fix per member of a large ``env`` (a secret
        moved out per variable) would otherwise rebuild the list per fix, quadratically."""
        memo_key = f"members:{json.dumps(list(path))}"
        cached: tuple[list[tuple[str, Span]], list[int]] | None = self.doc.memo.get(memo_key)
        if cached is None:
            obj = self.doc.get(*path)
            spans: list[tuple[str, Span]] = []
            if isinstance(obj, dict):
                for k in obj:
                    s = self.doc.span(*path, k)
                    if s is not None:
                        spans.append((k, s))
            spans.sort(key=lambda ks: ks[1].start)
            cached = self.doc.memo[memo_key] = (spans, [s.key_start or 0 for _, s in spans])
        return cached

    def _insert_member(self, parent_path: Sequence[PathItem], key: str, value: Any) -> list[Edit]:
        container = self.doc.span(*parent_path) if parent_path else self._root_span()
        if container is None:
            raise EditError("no container to insert into")
        members = [s for _, s in self._member_spans(parent_path)]
        return self._insert_into(
            container, members, lambda ind: json.dumps(key, ensure_ascii=False) + ": ", value
        )

    def _root_span(self) -> Span | None:
        text = self.text
        start = _SKIP_ALL.match(text, 1 if text.startswith("\ufeff") else 0).end()  # type: ignore[union-attr]
        if start >= len(text) or text[start] != "{":
            return None
        end = _matching_end(text, start)
        return Span(None, start, end, 0, 0, None, None)

    def _insert_into(
        self,
        container: Span,
        items: Sequence[Span],
        prefix: Any,
        value: Any,
    ) -> list[Edit]:
        """Insert one member/item after the last of ``items`` inside ``container``."""
        text = self.text
        path = self.doc.path
        open_pos, close_pos = container.start, container.end - 1
        multiline = any(c in text[open_pos:close_pos] for c in "\r\n")
        if not items:
            inner = text[open_pos + 1 : close_pos]
            outer = self._line_indent(container.key_start if container.key_start is not None else open_pos)
            ind = outer + self.unit
            member = prefix(ind) + format_value(value, ind, self.unit, self.eol)
            if inner.strip() == "":
                new = f"{self.eol}{ind}{member}{self.eol}{outer}"
                return [Edit(path, open_pos + 1, len(inner), new)]
            # Only comments inside: add the member before the closing brace's line.
            close_line = _line_start(text, close_pos)
            if text[close_line:close_pos].strip() == "":
                return [Edit(path, close_line, 0, f"{ind}{member}{self.eol}")]
            return [Edit(path, close_pos, 0, f"{self.eol}{ind}{member}{self.eol}{outer}")]
        last = items[-1]
        first_pos = items[0].key_start if items[0].key_start is not None else items[0].start
        after = _SKIP_ALL.match(text, last.end).end()  # type: ignore[union-attr]
        trailing = after < close_pos and text[after] == ","
        if not multiline:
            ind = ""
            member = prefix(ind) + format_value(value, "", self.unit, self.eol, inline=True)
            if trailing:
                return [Edit(path, after + 1, 0, f" {member},")]
            return [Edit(path, last.end, 0, f", {member}")]
        ind = self._line_indent(last.key_start if last.key_start is not None else last.start)
        if _line_start(text, first_pos) == _line_start(text, open_pos):
            # Members on the same line as the brace ({"a": 1,\n "b": 2}): align with the first.
            ind = " " * (first_pos - _line_start(text, first_pos))
        member = prefix(ind) + format_value(value, ind, self.unit, self.eol)
        if trailing:
            rest = _LINE_REST.match(text, after + 1)
            at = rest.end() if rest is not None else after + 1
            if at > close_pos:
                at = after + 1
            return [Edit(path, at, 0, f"{self.eol}{ind}{member},")]
        rest = _LINE_REST.match(text, last.end)
        if rest is not None and rest.group().strip():
            # A comment follows the last value on its line: the comma goes right after the
            # value and the new member after the comment, so the comment stays with its
            # member.  Two edits; a second insertion here waits for the next fix round.
            return [
                Edit(path, last.end, 0, ","),
                Edit(path, rest.end(), 0, f"{self.eol}{ind}{member}"),
            ]
        return [Edit(path, last.end, 0, f",{self.eol}{ind}{member}")]

    def _new_document(self, path: Sequence[PathItem], value: Any) -> list[Edit]:
        """The file is empty or only comments: append a fresh object after them."""
        nested: Any = value
        for item in reversed(path):
            if not isinstance(item, str):
                raise EditError("cannot create an array in an empty document")
            nested = {item: nested}
        body = format_value(nested, "", self.unit, self.eol)
        text = self.text
        lead = (
            "" if not text.strip("\ufeff \t\r\n") else (self.eol if not text.endswith(("\n", "\r")) else "")
        )
        return [Edit(self.doc.path, len(text), 0, f"{lead}{body}{self.eol}")]

    def _line_indent(self, offset: int) -> str:
        start = _line_start(self.text, offset)
        m = _SKIP_WS.match(self.text, start)
        ws = m.group() if m else ""
        return ws.replace("\ufeff", "")[: offset - start]


def new_file_text(value: Any, unit: str = "    ", eol: str = "\n") -> str:
    """The text of a new JSONC file holding ``value`` (VS Code's own 4-space style)."""
    return format_value(value, "", unit, eol) + eol


def format_value(value: Any, indent: str, unit: str, eol: str, *, inline: bool = False) -> str:
    """JSON text of ``value``; objects and arrays open on this line and close at ``indent``."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        if inline:
            inner = ", ".join(
                f"{json.dumps(k, ensure_ascii=False)}: {format_value(v, '', unit, eol, inline=True)}"
                for k, v in value.items()
            )
            return "{" + inner + "}"
        ind = indent + unit
        parts = [
            f"{ind}{json.dumps(k, ensure_ascii=False)}: {format_value(v, ind, unit, eol)}"
            for k, v in value.items()
        ]
        return "{" + eol + ("," + eol).join(parts) + eol + indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if inline or (all(not isinstance(v, (dict, list)) for v in value) and len(value) <= 4):
            return "[" + ", ".join(format_value(v, "", unit, eol, inline=True) for v in value) + "]"
        ind = indent + unit
        parts = [f"{ind}{format_value(v, ind, unit, eol)}" for v in value]
        return "[" + eol + ("," + eol).join(parts) + eol + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def detect_eol(text: str) -> str:
    """The file's line ending: the first one used, LF for a one-line file."""
    m = re.search(r"\r\n|\r|\n", text)
    return m.group() if m else "\n"


def detect_indent(text: str) -> str:
    """The indentation unit: a tab if lines are tab-indented, else the smallest step."""
    widths: set[int] = set()
    for m in _INDENTED.finditer(text, 0, 65536):  # the style shows early; not the whole of a big file
        ws = m.group(1)
        if ws.startswith("\t"):
            return "\t"
        widths.add(len(ws))
    if not widths:
        return "    "
    step = min(widths)
    return " " * max(1, min(step, 8))


def _line_start(text: str, offset: int) -> int:
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


_TOKEN = lazy_re(r'"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'|//[^\n\r]*|/\*[\s\S]*?\*/|[{}\[\]]')


def _matching_end(text: str, open_pos: int) -> int:
    """Offset just after the bracket that closes the one at ``open_pos``."""
    depth = 0
    for m in _TOKEN.finditer(text, open_pos):
        tok = m.group()
        if tok in "{[":
            depth += 1
        elif tok in "}]":
            depth -= 1
            if depth == 0:
                return m.end()
    raise EditError("unbalanced brackets")

"""XML with positions: every element and attribute keeps its line, column and offsets.

JetBrains files are XML; a finding must say "workspace.xml:22:3" and a fix must be able
to replace exactly the characters of one attribute value.  ElementTree drops positions,
so the tree is built here from expat's start/end events (through defusedxml's parser,
which refuses entity expansion and external references: these files come from cloned
repositories).  expat reports where an element's start tag begins; the offsets of each
attribute's value are then found by scanning that start tag's text, which is exact
because the text is the parser's own input.

A file with merge-conflict markers (``<<<<<<<``) is reported as *one* parse problem at
the first marker's line, before parsing: expat would otherwise report some confusing
later error ("mismatched tag") far from the cause.

``defusedxml``/``xml.etree`` are imported inside :func:`parse_xml` only, so importing this
module costs nothing on a scan that has no JetBrains files.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

from ideaudit.model import Location, Problem
from ideaudit.record import record

_CONFLICT = re.compile(r"^<{7}(?: |$)", re.MULTILINE)
_ATTR = re.compile(r"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


class _Positions:
    """Character offset <-> (line, col) for one text."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        self.starts.extend(m.end() for m in re.finditer("\n", text))

    def line_col(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


class XNode:
    """One element: tag, attributes, text, children, and where each of them is.

    Offsets are character offsets into the decoded file text (0-based, end exclusive).
    :meth:`span` covers an attribute's value without its quotes (the raw, still
    entity-escaped text), ``text_span`` the element's direct text content.  Attribute
    positions are computed on first use: a 1 MB workspace.xml has tens of thousands of
    attributes and a scan looks at a few dozen.
    """

    __slots__ = (
        "_doc",
        "_spans",
        "attrs",
        "children",
        "content_start",
        "end_offset",
        "offset",
        "tag",
        "text",
        "text_span",
    )

    # Kept minimal: a 1 MB workspace.xml has ~13,000 elements and this runs for each;
    # line/column are worked out only for the few elements a finding points at.
    def __init__(self, tag: str, attrs: dict[str, str], doc: _Doc, offset: int) -> None:
        self.tag = tag
        self.attrs = attrs
        self._doc = doc
        self.offset = offset
        self.children: list[XNode] = []
        self.text = ""
        self.text_span: tuple[int, int] | None = None
        self.end_offset: int | None = None
        self.content_start: int | None = None
        self._spans: dict[str, tuple[int, int]] | None = None

    @property
    def file(self) -> str:
        return self._doc.file

    @property
    def line(self) -> int:
        return self._doc.pos.line_col(self.offset)[0]

    @property
    def col(self) -> int:
        return self._doc.pos.line_col(self.offset)[1]

    def __repr__(self) -> str:
        return f"<XNode {self.tag} {self.file}:{self.line}:{self.col}>"

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def _attr_spans(self) -> dict[str, tuple[int, int]]:
        if self._spans is None:
            text = self._doc.text
            end = text.find(">", self.offset)
            tag_text = text[self.offset : end if end >= 0 else len(text)]
            spans: dict[str, tuple[int, int]] = {}
            for m in _ATTR.finditer(tag_text, 1 + len(self.tag)):
                group = 2 if m.group(2) is not None else 3
                spans[m.group(1)] = (self.offset + m.start(group), self.offset + m.end(group))
            self._spans = spans
        return self._spans

    @property
    def attr_spans(self) -> dict[str, tuple[int, int]]:
        """Every attribute's value span (see :meth:`span`)."""
        return self._attr_spans()

    def span(self, attr: str) -> tuple[int, int] | None:
        """Character offsets of ``attr``'s value (inside the quotes), or None."""
        return self._attr_spans().get(attr)

    def loc(self, attr: str | None = None) -> Location:
        """The element's position, or the position of one attribute's value."""
        if attr is not None:
            span = self.span(attr)
            if span is not None:
                line, col = self._doc.pos.line_col(span[0])
                return Location(self.file, line, col)
        return Location(self.file, self.line, self.col)

    def find(self, tag: str) -> XNode | None:
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def findall(self, tag: str) -> list[XNode]:
        return [c for c in self.children if c.tag == tag]

    def iter(self, tag: str | None = None) -> Iterator[XNode]:
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            yield from child.iter(tag)

    def option(self, name: str) -> XNode | None:
        """The ``<option name="name" .../>`` child (the JetBrains serialisation of a field)."""
        for child in self.children:
            if child.tag == "option" and child.attrs.get("name") == name:
                return child
        return None


@record(frozen=True)
class XmlDocument:
    file: str
    text: str
    root: XNode


class _Doc:
    """What every node of one document shares (kept off the nodes to keep them small)."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.pos = _Positions(text)


class _Builder:
    """expat handlers building :class:`XNode` trees with positions.

    Installed directly on the expat parser that defusedxml configured (its entity and
    external-reference guards stay in place); going through ElementTree's Python
    wrappers instead costs three times as much on a large workspace.xml.
    """

    def __init__(self, doc: _Doc, ascii_only: bool, expat: Any) -> None:
        self.doc = doc
        self.ascii = ascii_only
        self.expat = expat
        self.stack: list[XNode] = []
        self.root: XNode | None = None

    def _offset(self) -> int:
        expat = self.expat
        if self.ascii:
            return int(expat.CurrentByteIndex)
        line = int(expat.CurrentLineNumber)
        starts = self.doc.pos.starts
        line_start = starts[line - 1] if line - 1 < len(starts) else 0
        # The column is counted in bytes; convert through that line's UTF-8 bytes.
        prefix = self.doc.text[line_start : line_start + int(expat.CurrentColumnNumber) + 1]
        prefix_bytes = prefix.encode("utf-8")[: int(expat.CurrentColumnNumber)]
        return line_start + len(prefix_bytes.decode("utf-8", errors="ignore"))

    def start(self, tag: str, attrs: Any) -> None:
        # expat gives a dict (ordered_attributes is off); the offset is inlined for the
        # common ASCII file: this runs once per element (13,000 in a 1 MB workspace.xml).
        node = XNode(tag, attrs, self.doc, self.expat.CurrentByteIndex if self.ascii else self._offset())
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        node = self.stack.pop()
        node.end_offset = end = self.expat.CurrentByteIndex if self.ascii else self._offset()
        if end == node.offset:
            return  # <tag .../>: expat reports its end where it starts; no content
        close = self.doc.text.find(">", node.offset)
        if close > 0 and self.doc.text[close - 1] != "/":
            node.content_start = close + 1
            if not node.children and end > node.content_start:
                node.text_span = (node.content_start, end)

    def data(self, data: str) -> None:
        # Positions of character data are taken in end() (expat buffers text).
        if self.stack and not self.stack[-1].children:
            self.stack[-1].text += data


def conflict_marker_line(text: str) -> int | None:
    """The 1-based line of the first ``<<<<<<<`` merge-conflict marker, or None."""
    m = _CONFLICT.search(text)
    if m is None:
        return None
    return text.count("\n", 0, m.start()) + 1


def parse_xml(path: str, display: str | None = None) -> tuple[XmlDocument | None, list[Problem]]:
    """Read and parse ``path``; never raises for bad input.

    Returns ``(None, [problem])`` for an unreadable file (kind ``unreadable``), a file
    with merge-conflict markers or malformed XML (kind ``parse``, with line and column).
    ``display`` is the name used in messages (default: ``path``).  Under ``watch`` an
    unchanged file is not parsed again (see :mod:`ideaudit.sources.filecache`).
    """
    from ideaudit.sources import filecache

    doc, problems = filecache.cached(f"xml:{display or ''}", path, lambda: _parse_xml(path, display))
    return doc, list(problems)


def _parse_xml(path: str, display: str | None) -> tuple[XmlDocument | None, list[Problem]]:
    name = display or path
    from ideaudit.sources.saferead import read_bytes

    try:
        raw = read_bytes(path, "xml")
    except OSError as exc:
        return None, [Problem("unreadable", f"cannot read {name}: {exc.strerror or exc}", Location(path))]
    return parse_xml_bytes(raw, path, name)


def parse_xml_bytes(
    raw: bytes, path: str, name: str | None = None
) -> tuple[XmlDocument | None, list[Problem]]:
    name = name or path
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [
            Problem(
                "unreadable",
                f"{name} is not UTF-8 text (byte {exc.start}); the IDE cannot read it either",
                Location(path),
            )
        ]
    conflict = conflict_marker_line(text)
    if conflict is not None:
        return None, [
            Problem(
                "parse",
                f"{name} contains merge-conflict markers (<<<<<<< at line {conflict}); "
                "GoLand cannot load it and falls back to defaults for everything in it",
                Location(path, conflict, 1),
            )
        ]
    if not text.strip():
        return None, [Problem("parse", f"{name} is empty, not XML", Location(path, 1, 1))]

    from xml.parsers.expat import ExpatError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    # defusedxml builds the expat parser and installs its guards (no entity
    # declarations, no external references); the tree handlers are ours.
    expat = DefusedXMLParser().parser
    doc = _Doc(path, text)
    builder = _Builder(doc, text.isascii(), expat)
    expat.StartElementHandler = builder.start
    expat.EndElementHandler = builder.end
    expat.CharacterDataHandler = builder.data
    expat.buffer_text = True
    expat.ordered_attributes = False
    try:
        expat.Parse(raw, True)
    except ExpatError as exc:
        msg = str(exc).split(":")[0]
        return None, [
            Problem(
                "parse",
                f"{name}: invalid XML ({msg})",
                Location(path, exc.lineno, exc.offset + 1),
            )
        ]
    except DefusedXmlException as exc:
        return None, [
            Problem("parse", f"{name}: refused unsafe XML ({type(exc).__name__})", Location(path, 1, 1))
        ]
    if builder.root is None:
        return None, [Problem("parse", f"{name}: no XML element", Location(path, 1, 1))]
    return XmlDocument(path, text, builder.root), []

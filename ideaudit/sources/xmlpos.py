"""XML with positions: every element and attribute keeps its line, column and offsets.

JetBrains files are XML; a finding must say "workspace.xml:22:3" and a fix must be able
to replace exactly the characters of one attribute value.  ElementTree drops positions,
so the tree is built here from expat's start/end events (through defusedxml's parser,
which refuses entity expansion and external references: these files come from cloned
repositories).

Offsets are character offsets into :attr:`XmlDocument.text`, the file decoded as its
XML declaration (or BOM) says, leading BOM kept, so for a UTF-8 file they index the
text every other stage reads.  They come from expat's *byte* index into the UTF-8 text
we hand it: expat's column counts characters and its lines break on ``\r`` too, so
neither is used.  Because expat's events arrive in document order, each byte index is
turned into a character offset by decoding only the bytes since the previous event
(:class:`_ByteToChar`), which keeps a one-line 1 MB file linear.  Lines end at
``\n``, ``\r\n`` and ``\r``, as XML normalises them; a BOM is not a column.

Nothing here raises for bad input: an unknown or non-text encoding, bytes that are not
valid in the declared encoding, a lone surrogate, nesting deeper than
:data:`MAX_DEPTH` or malformed XML each become one ``parse`` problem with a line where
there is one.  A file with merge-conflict markers (``<<<<<<<``) is reported as *one*
parse problem at the first marker's line, before parsing: expat would otherwise report
some confusing later error ("mismatched tag") far from the cause.

Memory: a parse costs a small multiple of the file (``bench/memory.py``), so the
file is held once, as the decoded text: the bytes are let go once decoded (expat is
fed the text re-encoded a megabyte at a time), an element keeps its offsets and
no copies of its text, and its attributes are read from the text when asked
(:meth:`XNode.get`, :attr:`XNode.attrs`) rather than kept as a dict per element:
a ``workspace.xml`` is mostly ``<property name=... value=.../>`` elements, and a
dict and two strings for each cost five times their bytes.  A document that could
make the text say something else than expat (namespaces, a DTD that declares
attributes) keeps expat's attribute dicts instead.

``defusedxml``/``xml.etree`` are imported inside :func:`parse_xml` only, so importing this
module costs nothing on a scan that has no JetBrains files.
"""

from __future__ import annotations

import bisect
import codecs
import re
from array import array
from collections.abc import Iterator, Sequence
from typing import Any

from ideaudit._fast.record import record
from ideaudit.model import Location, Problem

#: Deeper element nesting is refused with a finding at the element that crosses it.
#: Real JetBrains files nest about ten levels; the cap keeps every later stage (which
#: may walk the tree) far from Python's recursion limit.
MAX_DEPTH = 256

#: Characters of text encoded and given to expat at a time.
_CHUNK = 1 << 20

_BOM = "\ufeff"
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONFLICT = re.compile(r"(?:^|(?<=[\r\n]))<{7}(?=[ \r\n]|$)")
_NEWLINE = re.compile(r"\r\n?|\n")
_ATTR = re.compile(r"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# The next attribute of a start tag, from the end of the tag name or the previous one.
_NEXT_ATTR = re.compile(r"""\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# What expat changes in an attribute value (XML 1.0 sections 2.11, 3.3.3, 4.6): the
# predefined entities and character references are replaced, and each literal line
# break (``\r\n`` counting as one) or tab becomes a space.
_ATTR_ESCAPE = re.compile(r"&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));|\r\n|[\t\n\r]")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
# Text that lets expat's attributes differ from what the start tag says: namespace
# declarations and prefixes (expat runs with namespaces on), and a DTD (default
# values, tokenized types).  Such a document keeps expat's dicts.
_EXPAT_ATTRS = re.compile(r"xmlns|xml:|<!DOCTYPE")
_NOT_BLANK = re.compile(r"[^ \t\r\n\ufeff]")
# The rest of a start tag after its name: anything but quotes and '>', or a quoted
# value (which may hold '>' when a file was written by hand), up to the closing '>'.
_TAG_REST = re.compile(r"""(?:[^"'>]++|"[^"]*+"|'[^']*+')*+>""")
# The encoding pseudo-attribute of an XML declaration, read from the raw bytes.
_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# Byte order marks and the BOM-less UTF-16/32 signatures of XML 1.0 appendix F.
_SIGNATURES = (
    (b"\x00\x00\xfe\xff", "utf-32-be", 4),
    (b"\xff\xfe\x00\x00", "utf-32-le", 4),
    (b"\xef\xbb\xbf", "utf-8", 3),
    (b"\xfe\xff", "utf-16-be", 2),
    (b"\xff\xfe", "utf-16-le", 2),
    (b"\x00\x00\x00<", "utf-32-be", 0),
    (b"<\x00\x00\x00", "utf-32-le", 0),
    (b"\x00<\x00?", "utf-16-be", 0),
    (b"<\x00?\x00", "utf-16-le", 0),
)
# Codecs Python has that are not character encodings of a file (escapes, IDNA, ...):
# a declaration naming one is as unknown to the IDE's XML parser as "bogus".
_NOT_FILE_ENCODINGS = frozenset(
    {"unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined", "mbcs", "oem"}
)


def _unescape_match(m: re.Match[str]) -> str:
    if m.group(3) is not None:
        return _ENTITIES[m.group(3)]
    if m.group(1) is not None:
        return chr(int(m.group(1), 16))
    if m.group(2) is not None:
        return chr(int(m.group(2)))
    return " "


def _attr_value(raw: str) -> str:
    """An attribute's value as expat gives it, from its text between the quotes."""
    if "&" not in raw and "\n" not in raw and "\r" not in raw and "\t" not in raw:
        return raw  # the usual case, four C-level scans (a regex search costs more)
    return _ATTR_ESCAPE.sub(_unescape_match, raw)


class _Positions:
    """Character offset -> 1-based (line, col) for one text; lines end at ``\\n``,
    ``\\r\\n`` and ``\\r``; a leading BOM is not a column.  Line starts are one
    array of machine integers (4 bytes a line, not a Python int's 36)."""

    def __init__(self, text: str) -> None:
        self.starts = array("i" if len(text) < 2**31 - 1 else "q", [0])
        self.starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self.bom = text.startswith(_BOM)

    def line_col(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        col = offset - self.starts[i] + 1
        if i == 0 and self.bom and offset > 0:
            col -= 1
        return i + 1, col


class _ByteToChar:
    """Offsets into the UTF-8 encoding of a text -> character offsets into the text,
    for offsets that mostly grow.

    Each call encodes only the characters between the previous offset and this one (at
    most as many characters as bytes), so the whole parse encodes the file about once
    (a per-event conversion from the line start made a one-line 1 MB file quadratic),
    and the encoded file is never held whole.  Offsets from expat always fall between
    characters, so every piece decodes cleanly.
    """

    __slots__ = ("_byte", "_char", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._byte = 0
        self._char = 0

    def __call__(self, byte: int) -> int:
        gap = byte - self._byte
        if gap >= 0:
            piece = self._text[self._char : self._char + gap].encode("utf-8")[:gap]
            self._char += len(piece.decode("utf-8", "replace"))
        else:
            piece = self._text[max(0, self._char + gap) : self._char].encode("utf-8")[gap:]
            self._char -= len(piece.decode("utf-8", "replace"))
        self._byte = byte
        return self._char


_NO_CHILDREN: tuple[XNode, ...] = ()


class XNode:
    """One element: tag, attributes, text, children, and where each of them is.

    Offsets are character offsets into the decoded file text (0-based, end exclusive).
    :meth:`span` covers an attribute's value without its quotes (the raw, still
    entity-escaped text), ``text_span`` the element's direct text content.  Attribute
    positions are computed on first use: a 1 MB workspace.xml has tens of thousands of
    attributes and a scan looks at a few dozen.  So are the attributes themselves
    (see the module docstring), and an element without children shares one empty
    tuple instead of a list of its own.
    """

    __slots__ = (
        "_attrs",
        "_doc",
        "_spans",
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
    def __init__(self, tag: str, attrs: dict[str, str] | None, doc: _Doc, offset: int) -> None:
        self.tag = tag
        self._attrs = attrs  # None: read from the text when asked
        self._doc = doc
        self.offset = offset
        self.children: Sequence[XNode] = _NO_CHILDREN
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
        """The value of attribute ``name`` (unescaped, as expat gives it)."""
        if self._attrs is not None:
            return self._attrs.get(name, default)
        # _raw_attrs inlined: this runs for every element a scan looks at
        text = self._doc.text
        match = _NEXT_ATTR.match
        pos = self.offset + 1 + len(self.tag)
        while (m := match(text, pos)) is not None:
            if m.group(1) == name:
                raw = m.group(2)
                return _attr_value(raw if raw is not None else m.group(3))
            pos = m.end()
        return default

    @property
    def attrs(self) -> dict[str, str]:
        """Every attribute, unescaped, in the order written (a new dict each time
        unless the document keeps expat's; see the module docstring)."""
        if self._attrs is not None:
            return self._attrs
        return {attr: _attr_value(raw) for attr, raw in self._raw_attrs()}

    def _raw_attrs(self) -> Iterator[tuple[str, str]]:
        """(name, text between the quotes) of each attribute of the start tag."""
        text = self._doc.text
        pos = self.offset + 1 + len(self.tag)
        while True:
            m = _NEXT_ATTR.match(text, pos)
            if m is None:
                return
            value = m.group(2)
            yield m.group(1), value if value is not None else m.group(3)
            pos = m.end()

    @property
    def tag_end(self) -> int:
        """Offset of the ``>`` that closes this element's start tag."""
        text = self._doc.text
        m = _TAG_REST.match(text, self.offset + 1 + len(self.tag))
        return m.end() - 1 if m is not None else len(text)

    def _attr_spans(self) -> dict[str, tuple[int, int]]:
        if self._spans is None:
            text = self._doc.text
            tag_text = text[self.offset : self.tag_end]
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
        """This element and its descendants in document order (an explicit stack, not
        recursion: depth never costs Python frames)."""
        stack: list[XNode] = [self]
        while stack:
            node = stack.pop()
            if tag is None or node.tag == tag:
                yield node
            stack.extend(reversed(node.children))

    def option(self, name: str) -> XNode | None:
        """The ``<option name="name" .../>`` child (the JetBrains serialisation of a field)."""
        for child in self.children:
            if child.tag == "option" and child.attrs.get("name") == name:
                return child
        return None


@record(frozen=True)
class XmlDocument:
    """A parsed file: ``text`` is the decoded file (BOM kept), ``encoding`` the codec it
    was decoded with (``utf-8`` unless a BOM or the declaration says otherwise)."""

    file: str
    text: str
    root: XNode
    encoding: str = "utf-8"

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset into :attr:`text`."""
        return self.root._doc.pos.line_col(offset)


class _Doc:
    """What every node of one document shares (kept off the nodes to keep them small)."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.pos = _Positions(text)


class _TooDeep(Exception):
    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


class _Builder:
    """expat handlers building :class:`XNode` trees with positions.

    Installed directly on the expat parser that defusedxml configured (its entity and
    external-reference guards stay in place); going through ElementTree's Python
    wrappers instead costs three times as much on a large workspace.xml.
    """

    def __init__(self, doc: _Doc, to_char: _ByteToChar | None, expat: Any, keep_attrs: bool) -> None:
        self.doc = doc
        self.to_char = to_char
        self.expat = expat
        self.keep_attrs = keep_attrs
        self.stack: list[XNode] = []
        self.root: XNode | None = None

    def _offset(self) -> int:
        byte = int(self.expat.CurrentByteIndex)
        return byte if self.to_char is None else self.to_char(byte)

    def start(self, tag: str, attrs: Any) -> None:
        # expat gives a dict (ordered_attributes is off); the offset is inlined for the
        # common ASCII file: this runs once per element (13,000 in a 1 MB workspace.xml).
        offset = self.expat.CurrentByteIndex if self.to_char is None else self._offset()
        if len(self.stack) >= MAX_DEPTH:
            raise _TooDeep(offset)
        node = XNode(tag, attrs if self.keep_attrs else None, self.doc, offset)
        if self.stack:
            parent = self.stack[-1]
            if parent.children:
                parent.children.append(node)  # type: ignore[attr-defined]
            else:
                parent.children = [node]
        else:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        node = self.stack.pop()
        node.end_offset = end = self.expat.CurrentByteIndex if self.to_char is None else self._offset()
        if end == node.offset:
            return  # <tag .../>: expat reports its end where it starts; no content
        close = node.tag_end
        if close < end and self.doc.text[close - 1] != "/":
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
    return _Positions(text[: m.start() + 1]).line_col(m.start())[0]


def parse_xml(path: str, display: str | None = None) -> tuple[XmlDocument | None, list[Problem]]:
    """Read and parse ``path``; never raises for bad input.

    Returns ``(None, [problem])`` for an unreadable file (kind ``unreadable``), and for
    a file that cannot be decoded, has merge-conflict markers, nests too deep or is
    malformed (kind ``parse``, with line and column).
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
        held = [read_bytes(path, "xml")]
    except OSError as exc:
        return None, [Problem("unreadable", f"cannot read {name}: {exc.strerror or exc}", Location(path))]
    return _parse_bytes(held, path, name)


def _line_col_of_byte(raw: bytes, index: int, encoding: str) -> tuple[int, int]:
    """Line and column of byte ``index`` of ``raw`` (the bytes before it are valid)."""
    prefix = raw[:index].decode(encoding, "replace")
    return _Positions(prefix).line_col(len(prefix))


def decode_xml(raw: bytes, path: str, name: str) -> tuple[str, str] | Problem:
    """The text of an XML file and the encoding it was decoded with, as an XML parser
    chooses it (XML 1.0 appendix F): a BOM, else the UTF-16/32 signature of ``<?``,
    else the declaration's ``encoding``, else UTF-8.  A UTF-8 BOM stays in the text
    (other stages read the file as UTF-8 and see it); other BOMs are not kept."""
    encoding, skip = "utf-8", 0
    for signature, codec, length in _SIGNATURES:
        if raw.startswith(signature):
            encoding, skip = codec, length
            break
    else:
        m = _DECL_ENCODING.match(raw)
        if m is not None:
            declared = (m.group(1) if m.group(1) is not None else m.group(2)).decode("ascii", "replace")
            col = m.start(1 if m.group(1) is not None else 2) + 1
            try:
                info = codecs.lookup(declared)
            except (LookupError, ValueError):  # ValueError: a NUL in the name (fuzz-found)
                info = None
            if info is None or not info._is_text_encoding or info.name in _NOT_FILE_ENCODINGS:
                # The name is not quoted: messages never echo what a file holds.
                return Problem(
                    "parse",
                    f"{name}: the XML declaration names an unknown or non-text encoding; "
                    "the IDE cannot read this file either",
                    Location(path, 1, col),
                )
            encoding = info.name
    if encoding == "utf-8" and skip:
        skip = 0  # keep the UTF-8 BOM: offsets then match the file read as UTF-8
    try:
        text = raw[skip:].decode(encoding) if skip else raw.decode(encoding)
        if encoding != "utf-8" and _SURROGATE.search(text):
            # a codec that yields lone surrogates is no file encoding (the UTF-8
            # codec never does); checked without a second copy of the file
            text.encode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_byte(raw[skip:], exc.start, encoding)
        return Problem(
            "parse",
            f"{name} is not valid {encoding} text (byte {skip + exc.start}); the IDE cannot read it either",
            Location(path, line, col),
        )
    except (UnicodeError, ValueError, LookupError) as exc:
        return Problem(
            "parse",
            f"{name} cannot be decoded as {encoding} ({type(exc).__name__})",
            Location(path, 1, 1),
        )
    return text, encoding


def parse_xml_bytes(
    raw: bytes, path: str, name: str | None = None
) -> tuple[XmlDocument | None, list[Problem]]:
    """Parse the bytes of an XML file; never raises for bad input (see the module doc)."""
    return _parse_bytes([raw], path, name)


def _parse_bytes(held: list[bytes], path: str, name: str | None) -> tuple[XmlDocument | None, list[Problem]]:
    """:func:`parse_xml_bytes` of the bytes in ``held``, taken out of it: when the
    caller keeps no other reference, they are freed once decoded."""
    name = name or path
    decoded = decode_xml(held[0], path, name)
    held.clear()
    if isinstance(decoded, Problem):
        return None, [decoded]
    text, encoding = decoded
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
    if _NOT_BLANK.search(text) is None:
        return None, [Problem("parse", f"{name} is empty, not XML", Location(path, 1, 1))]

    from xml.parsers.expat import ExpatError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    # defusedxml builds the expat parser and installs its guards (no entity
    # declarations, no external references); the tree handlers are ours.  expat gets
    # UTF-8 whatever the file's encoding, told so explicitly: the declaration has been
    # honoured by decode_xml already, and byte offsets then map back through one codec.
    expat = DefusedXMLParser(encoding="utf-8").parser
    doc = _Doc(path, text)
    to_char = None if text.isascii() else _ByteToChar(text)
    builder = _Builder(doc, to_char, expat, _EXPAT_ATTRS.search(text) is not None)
    expat.StartElementHandler = builder.start
    expat.EndElementHandler = builder.end
    expat.CharacterDataHandler = builder.data
    expat.buffer_text = True
    expat.ordered_attributes = False
    fed = 0  # bytes given to expat so far
    try:
        # A megabyte of text at a time: the file's encoded bytes are never held whole.
        for at in range(0, len(text), _CHUNK):
            data = text[at : at + _CHUNK].encode("utf-8")
            fed += len(data)
            expat.Parse(data, False)
            del data
        expat.Parse(b"", True)
    except ExpatError as exc:
        msg = str(exc).split(":")[0]
        byte = int(expat.ErrorByteIndex)
        offset = byte if to_char is None else to_char(max(0, min(byte, fed)))
        line, col = doc.pos.line_col(min(offset, len(text)))
        return None, [Problem("parse", f"{name}: invalid XML ({msg})", Location(path, line, col))]
    except _TooDeep as exc:
        line, col = doc.pos.line_col(exc.offset)
        return None, [
            Problem(
                "parse",
                f"{name}: elements nested deeper than {MAX_DEPTH} levels; not read",
                Location(path, line, col),
            )
        ]
    except DefusedXmlException as exc:
        return None, [
            Problem("parse", f"{name}: refused unsafe XML ({type(exc).__name__})", Location(path, 1, 1))
        ]
    if builder.root is None:
        return None, [Problem("parse", f"{name}: no XML element", Location(path, 1, 1))]
    return XmlDocument(path, text, builder.root, encoding), []

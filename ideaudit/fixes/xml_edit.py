"""Minimal edits to JetBrains XML files: attribute values, new elements, removals.

Why hand-written: ElementTree, lxml and minidom re-serialise the whole document (quote
style, attribute order, self-closing tags, indentation and the XML declaration all
change), which would turn a one-attribute fix into a diff of the whole file.  Edits here
work on the text with the positions :mod:`ideaudit.sources.xmlpos` records (each
attribute value's span, each element's start and end), so every byte outside the edited
attribute or element stays as it was: attribute order, quoting and formatting included.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ideaudit.model import Edit
from ideaudit.sources.xmlpos import XmlDocument, XNode

_NAME_END = re.compile(r"[\s/>]")
_EOL = re.compile(r"\r\n?|\n")


def escape_attr(value: str, quote: str = '"') -> str:
    """``value`` escaped for an attribute delimited by ``quote`` (newlines kept as
    character references, as JetBrains writes them)."""
    out = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = out.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return out.replace('"', "&quot;") if quote == '"' else out.replace("'", "&apos;")


def _start_tag_end(text: str, node: XNode) -> int:
    """Offset of the ``>`` that ends ``node``'s start tag (quotes respected)."""
    end = node.tag_end
    if end >= len(text):
        raise ValueError("unterminated start tag")
    return end


def _line_start(text: str, offset: int) -> int:
    """Start of the line holding ``offset``; lines end at ``\n``, ``\r\n`` or ``\r``."""
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


def _next_line(text: str, offset: int) -> int:
    """Start of the line after the one holding ``offset`` (``len(text)`` on the last)."""
    m = _EOL.search(text, offset)
    return len(text) if m is None else m.end()


def element_end(text: str, node: XNode) -> int:
    """Offset just after ``node``'s end tag (or after ``/>`` for an empty element)."""
    close = _start_tag_end(text, node)
    if text[close - 1] == "/":
        return close + 1
    if node.end_offset is None:
        raise ValueError("element has no end")
    end = text.find(">", node.end_offset)
    return end + 1


def _indent_of(text: str, offset: int) -> str:
    start = _line_start(text, offset)
    m = re.match(r"[ \t]*", text[start:offset])
    return m.group() if m else ""


def _eol(text: str) -> str:
    """The file's line ending: the first one it uses (LF for a one-line file)."""
    m = _EOL.search(text)
    return m.group() if m else "\n"


def _unit(text: str) -> str:
    widths = sorted({len(m.group(1)) for m in re.finditer(r"[\r\n]( +)<", text)})
    if re.search(r"[\r\n]\t+<", text):
        return "\t"
    return " " * widths[0] if widths else "  "


def set_attribute(doc: XmlDocument, node: XNode, name: str, value: str) -> list[Edit]:
    """Set attribute ``name`` of ``node``: its value replaced in place (quote style kept),
    or the attribute appended after the last one."""
    text = doc.text
    span = node.span(name)
    if span is not None:
        start, end = span
        quote = text[start - 1] if start > 0 else '"'
        new = escape_attr(value, quote)
        return [] if text[start:end] == new else [Edit(doc.file, start, end - start, new)]
    close = _start_tag_end(text, node)
    at = close - 1 if text[close - 1] == "/" else close
    while at > node.offset and text[at - 1] in " \t":
        at -= 1
    return [Edit(doc.file, at, 0, f' {name}="{escape_attr(value)}"')]


def element_text(tag: str, attrs: Mapping[str, str]) -> str:
    """``<tag a="1" b="2" />`` in JetBrains' own style."""
    inner = "".join(f' {k}="{escape_attr(v)}"' for k, v in attrs.items())
    return f"<{tag}{inner} />"


def insert_child(doc: XmlDocument, parent: XNode, snippet: str) -> list[Edit]:
    """Insert ``snippet`` (one element, one line) as the last child of ``parent``,
    indented one level deeper than ``parent`` (or like its existing children)."""
    text = doc.text
    eol = _eol(text)
    close = _start_tag_end(text, parent)
    outer = _indent_of(text, parent.offset)
    if text[close - 1] == "/":  # <envs /> becomes <envs>...</envs>
        at = close - 1
        while at > parent.offset and text[at - 1] in " \t":
            at -= 1
        inner = outer + _unit(text)
        new = f">{eol}{inner}{snippet}{eol}{outer}</{parent.tag}>"
        return [Edit(doc.file, at, close + 1 - at, new)]
    inner = _indent_of(text, parent.children[-1].offset) if parent.children else outer + _unit(text)
    assert parent.end_offset is not None
    line_start = _line_start(text, parent.end_offset)
    if text[line_start : parent.end_offset].strip() == "" and line_start > close:
        return [Edit(doc.file, line_start, 0, f"{inner}{snippet}{eol}")]
    return [Edit(doc.file, parent.end_offset, 0, f"{eol}{inner}{snippet}{eol}{outer}")]


def remove_element(doc: XmlDocument, node: XNode) -> list[Edit]:
    """Remove ``node``; its whole line(s) when it stands alone on them."""
    text = doc.text
    start, end = node.offset, element_end(text, node)
    line_start = _line_start(text, start)
    line_end = _next_line(text, end)
    if text[line_start:start].strip() == "" and text[end:line_end].strip() == "":
        start, end = line_start, line_end
    return [Edit(doc.file, start, end - start, "")]

"""Fuzzing every parser and editor (issue 9 part 8), with hypothesis.

Properties, per parser: it never raises anything but its documented error (a
``Problem`` is data, not an exception); it never hangs (an alarm fails an example that
takes seconds); what it reports sits where it says (the text at a reported offset or
line:col is what was parsed).  Per editor: every edit leaves a file that parses again,
with the intended value, and every byte outside the edits identical.

A few hundred examples per test by default, derandomized (the ``ideaudit`` profile in
``tests/conftest.py``); ``IDEAUDIT_FUZZ_EXAMPLES=10000`` runs thousands from a random seed.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import signal
import tempfile
from collections.abc import Iterator
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from ideaudit.fixes.apply import apply_edits
from ideaudit.fixes.jsonc_edit import EditError, JsoncEditor
from ideaudit.fixes.xml_edit import element_text, escape_attr, insert_child, remove_element, set_attribute
from ideaudit.model import Edit, Problem
from ideaudit.shell import dump as shell_dump
from ideaudit.sources.envfile import parse_envfile
from ideaudit.sources.goenvfile import load_goenv_file
from ideaudit.sources.gomod import parse_gomod
from ideaudit.sources.jsonc import JsoncDocument, parse_jsonc
from ideaudit.sources.xmlpos import XmlDocument, XNode, parse_xml_bytes

HANG_SECONDS = 10  # per example; a parser that takes this long on a few KB has hung

_NEWLINES = re.compile(r"\r\n|\r|\n")


@contextlib.contextmanager
def no_hang() -> Iterator[None]:
    """Fail (instead of hanging the suite) when the body runs for HANG_SECONDS."""

    def alarm(signum: int, frame: object) -> None:
        raise TimeoutError(f"hung for {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def line_col(text: str, offset: int, *, bom: bool = True) -> tuple[int, int]:
    """An independent offset -> (line, col): breaks at \\r\\n, \\r, \\n; a BOM is no column."""
    line, start = 1, 0
    for m in _NEWLINES.finditer(text, 0, offset):
        if m.end() > offset:
            break
        line, start = line + 1, m.end()
    col = offset - start + 1
    if bom and start == 0 and text.startswith("\ufeff") and offset > 0:
        col -= 1
    return line, col


def untouched_outside(old: str, new: str, edits: list[Edit]) -> None:
    """Every character before the first edit and after the last is unchanged."""
    first = min(e.offset for e in edits)
    last = max(e.offset + e.length for e in edits)
    assert new[:first] == old[:first]
    tail = len(old) - last
    assert new[len(new) - tail :] == old[last:]


def check_problem(problem: Problem, text: str) -> None:
    assert problem.kind in ("parse", "unreadable"), problem
    loc = problem.location
    if loc is not None and loc.line is not None:
        lines = len(_NEWLINES.split(text))
        assert 1 <= loc.line <= lines + 1, (loc, lines)
        assert loc.col is None or loc.col >= 1


# -- JSONC --------------------------------------------------------------------------------

_keys = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=6)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=10),
)
json_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=16,
)
json_objects = st.dictionaries(_keys, json_values, max_size=5)


@st.composite
def jsonc_texts(draw: st.DrawFn, value: Any) -> str:
    """``value`` written as VS Code users write JSONC: any indentation and line ending,
    comments between tokens, trailing commas, a BOM, escaped or raw non-ASCII."""
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    unit = draw(st.sampled_from(["", "  ", "    ", "\t"]))
    ascii_only = draw(st.booleans())
    comment_odds = draw(st.integers(0, 3))

    def gap() -> str:
        if comment_odds and draw(st.integers(0, 3)) < comment_odds:
            return draw(st.sampled_from([" /* c */ ", f" // note{eol}", f"{eol}// é{eol}", " "]))
        return ""

    def dump(v: Any, indent: str) -> str:
        inner = indent + unit
        nl = eol if unit else ""
        if isinstance(v, dict) and v:
            items = [
                f"{nl}{inner}{gap()}{json.dumps(k, ensure_ascii=ascii_only)}{gap()}:"
                f"{gap()} {dump(x, inner)}{gap()}"
                for k, x in v.items()
            ]
            trailing = "," if draw(st.booleans()) else ""
            return "{" + ",".join(items) + trailing + nl + indent + "}"
        if isinstance(v, list) and v:
            items = [f"{nl}{inner}{gap()}{dump(x, inner)}{gap()}" for x in v]
            trailing = "," if draw(st.booleans()) else ""
            return "[" + ",".join(items) + trailing + nl + indent + "]"
        return json.dumps(v, ensure_ascii=ascii_only)

    bom = "\ufeff" if draw(st.booleans()) else ""
    return bom + gap() + dump(value, "") + gap() + eol


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*prefix, k)
            yield from paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (*prefix, i)
            yield from paths(v, (*prefix, i))


def parse_ok(text: str) -> JsoncDocument:
    with no_hang():
        doc = parse_jsonc(text, "f.json")
    assert isinstance(doc, JsoncDocument), doc
    return doc


@given(st.data(), json_values)
def test_jsonc_values_and_offsets(data: st.DataObject, value: Any) -> None:
    text = data.draw(jsonc_texts(value))
    doc = parse_ok(text)
    assert doc.data == value
    for path in paths(value):
        span = doc.span(*path)
        assert span is not None, path
        # The text at the span is that value, alone.
        piece = parse_ok(text[span.start : span.end])
        assert piece.data == doc.get(*path)
        assert (span.line, span.col) == line_col(text, span.start)
        if isinstance(path[-1], str):
            assert span.key_start is not None
            key_text = re.match(r'"(?:[^"\\]|\\.)*"', text[span.key_start :])
            assert key_text is not None and json.loads(key_text.group()) == path[-1]
            assert (span.key_line, span.key_col) == line_col(text, span.key_start)
            assert doc.member_at(span.key_line, span.key_col) == path  # type: ignore[arg-type]


_JSON_NOISE = st.text(
    alphabet=st.sampled_from(list("{}[]\",:/*\\'\n\r\t 0-eE.+xtrufalsn\u2028\ufeff\ud800é")), max_size=8
)


@given(st.data(), json_values)
def test_jsonc_mutations_never_raise(data: st.DataObject, value: Any) -> None:
    text = data.draw(jsonc_texts(value))
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 4))
        text = text[:at] + data.draw(_JSON_NOISE) + text[at + cut :]
    with no_hang():
        result = parse_jsonc(text, "f.json")
    if isinstance(result, Problem):
        check_problem(result, text)
    else:
        # Whatever it holds can be printed and written by every later stage.
        json.dumps(result.data, ensure_ascii=False).encode("utf-8")


@given(st.data(), json_objects)
def test_jsonc_edits_reparse_with_the_value_and_keep_other_bytes(data: st.DataObject, value: Any) -> None:
    text = data.draw(jsonc_texts(value))
    doc = parse_ok(text)
    existing = [p for p in paths(value) if isinstance(p[-1], str)]
    remove = bool(existing) and data.draw(st.booleans())
    if remove:
        path = data.draw(st.sampled_from(existing))
        with no_hang():
            edits = JsoncEditor(doc).remove(path)
        expected = copy.deepcopy(value)
        holder = expected
        for item in path[:-1]:
            holder = holder[item]
        del holder[path[-1]]
    else:
        new_key = data.draw(_keys)
        base = data.draw(st.sampled_from([(), *[p for p in existing if isinstance(doc.get(*p), dict)]]))
        path = data.draw(st.sampled_from([(*base, new_key), *existing])) if existing else (new_key,)
        new_value = data.draw(json_values)
        try:
            with no_hang():
                edits = JsoncEditor(doc).set(path, new_value)
        except EditError:
            return  # the documented refusal (a path through an array or a scalar)
        expected = copy.deepcopy(value)
        holder = expected
        for item in path[:-1]:
            holder = holder.setdefault(item, {}) if isinstance(holder, dict) else holder[item]
        holder[path[-1]] = new_value
    if not edits:
        assert expected == value
        return
    new = apply_edits(text, sorted(edits, key=lambda e: e.offset))
    assert parse_ok(new).data == expected, new
    untouched_outside(text, new, edits)


# -- XML ----------------------------------------------------------------------------------

_names = st.builds(
    lambda head, tail: head + tail, st.sampled_from("abzé_"), st.text(alphabet="az09_.-ü", max_size=4)
)
# Characters XML 1.0 allows (no C0 controls but tab/newline/CR, no surrogates, no FFFE/FFFF).
_xml_chars = st.characters(
    blacklist_categories=["Cs"], blacklist_characters="\ufffe\uffff", min_codepoint=0x09
).filter(lambda c: c in "\t\n\r" or ord(c) >= 0x20)
_xml_values = st.text(alphabet=_xml_chars, max_size=10)


@st.composite
def xml_trees(draw: st.DrawFn, depth: int = 0) -> tuple[str, dict[str, str], list[Any], str]:
    tag = draw(_names)
    attrs = draw(st.dictionaries(_names, _xml_values, max_size=3))
    children = draw(st.lists(xml_trees(depth + 1), max_size=0 if depth >= 3 else 3))
    text = "" if children else draw(st.text(alphabet=_xml_chars.filter(lambda c: c != "\r"), max_size=6))
    return tag, attrs, children, text


@st.composite
def xml_documents(draw: st.DrawFn) -> tuple[bytes, tuple[str, dict[str, str], list[Any], str], str]:
    tree = draw(xml_trees())
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    unit = draw(st.sampled_from(["", "  ", "\t"]))

    def render(node: tuple[str, dict[str, str], list[Any], str], indent: str) -> str:
        tag, attrs, children, text = node
        parts = []
        for k, v in attrs.items():
            q = draw(st.sampled_from(['"', "'"]))
            sep = draw(st.sampled_from([" ", eol + indent + "    ", "\t"]))
            parts.append(f"{sep}{k}={q}{escape_attr(v, q)}{q}")
        head = f"<{tag}{''.join(parts)}"
        if not children and not text and draw(st.booleans()):
            return head + draw(st.sampled_from(["/>", " />"]))
        body = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        inner = "".join(eol + indent + unit + render(c, indent + unit) for c in children)
        end = eol + indent if children else ""
        return f"{head}>{body}{inner}{end}</{tag}>"

    body = render(tree, "") + eol
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "latin-1"]))
    if encoding == "latin-1" and not all(ord(c) < 256 for c in body):
        encoding = "utf-8"
    declared = {"utf-8-sig": "UTF-8", "utf-16-be-bom": "UTF-16"}.get(encoding, encoding)
    decl = f'<?xml version="1.0" encoding="{declared}"?>{eol}' if draw(st.booleans()) else ""
    if encoding == "latin-1" and not decl:
        decl = f'<?xml version="1.0" encoding="ISO-8859-1"?>{eol}'
    text = decl + body
    raw = b"\xfe\xff" + text.encode("utf-16-be") if encoding == "utf-16-be-bom" else text.encode(encoding)
    return raw, tree, text


def _same_tree(node: XNode, tree: tuple[str, dict[str, str], list[Any], str]) -> None:
    tag, attrs, children, text = tree
    assert node.tag == tag and node.attrs == attrs
    assert len(node.children) == len(children)
    if not children:
        assert node.text == text
    for child, sub in zip(node.children, children, strict=True):
        _same_tree(child, sub)


_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)


def _unescape(raw: str) -> str:
    """XML text as written -> its value: references resolved, CDATA sections literal."""
    import html

    parts = _CDATA.split(raw)  # even indices: markup text, odd: CDATA content
    return "".join(p if i % 2 else html.unescape(p) for i, p in enumerate(parts))


def check_positions(doc: XmlDocument) -> None:
    text = doc.text
    for node in doc.root.iter():
        assert text.startswith("<" + node.tag, node.offset)
        assert (node.line, node.col) == line_col(text, node.offset)
        for name, value in node.attrs.items():
            span = node.span(name)
            assert span is not None
            # XML turns literal line ends and tabs in an attribute value into spaces.
            written = re.sub(r"\r\n|[\r\n\t]", " ", text[span[0] : span[1]])
            assert _unescape(written) == value
            assert text[span[0] - 1] in "\"'" and text[span[1]] == text[span[0] - 1]
            loc = node.loc(name)
            assert (loc.line, loc.col) == line_col(text, span[0])
        if node.text_span is not None:
            # XML normalises line ends in text to \n; the span is the text as written.
            raw_text = _NEWLINES.sub("\n", text[node.text_span[0] : node.text_span[1]])
            assert _unescape(raw_text) == node.text


def xml_ok(raw: bytes) -> XmlDocument:
    with no_hang():
        doc, problems = parse_xml_bytes(raw, "f.xml")
    assert problems == [] and doc is not None, problems
    return doc


@given(xml_documents())
def test_xml_structure_and_offsets(case: tuple[bytes, Any, str]) -> None:
    raw, tree, text = case
    doc = xml_ok(raw)
    assert doc.text.removeprefix("\ufeff") == text
    _same_tree(doc.root, tree)
    check_positions(doc)


_XML_NOISE = st.binary(max_size=6) | st.sampled_from(
    [
        b"<",
        b">",
        b"</",
        b"/>",
        b'"',
        b"'",
        b"&",
        b"&#0;",
        b"&#xD800;",
        b"\xc3",
        b"\xff",
        b"<!--",
        b"]]>",
        b"\r",
        b"\x00",
    ]
)


@given(st.data(), xml_documents())
def test_xml_mutations_never_raise(data: st.DataObject, case: tuple[bytes, Any, str]) -> None:
    raw = case[0]
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(raw)))
        cut = data.draw(st.integers(0, 4))
        raw = raw[:at] + data.draw(_XML_NOISE) + raw[at + cut :]
    with no_hang():
        doc, problems = parse_xml_bytes(raw, "f.xml")
    if doc is None:
        assert len(problems) == 1
        check_problem(problems[0], raw.decode("utf-8", "replace"))
    else:
        check_positions(doc)


def _xml_utf8(case: tuple[bytes, Any, str]) -> XmlDocument:
    """The document as the fixers see it: the UTF-8 text of the file (BOM kept)."""
    _, _, text = case
    text = re.sub(r'encoding="[^"]*"', 'encoding="UTF-8"', text, count=1)
    return xml_ok(text.encode("utf-8"))


@given(st.data(), xml_documents())
def test_xml_edits_reparse_and_keep_other_bytes(data: st.DataObject, case: tuple[bytes, Any, str]) -> None:
    doc = _xml_utf8(case)
    nodes = list(doc.root.iter())
    index = data.draw(st.integers(0, len(nodes) - 1))
    node = nodes[index]
    op = data.draw(st.sampled_from(["set", "remove", "insert"]))
    if op == "remove" and index == 0:
        op = "set"
    if op == "set":
        name = data.draw(st.sampled_from([*node.attrs, data.draw(_names)]))
        value = data.draw(_xml_values)
        edits = set_attribute(doc, node, name, value)
    elif op == "remove":
        edits = remove_element(doc, node)
    else:
        tag, attrs = data.draw(_names), data.draw(st.dictionaries(_names, _xml_values, max_size=2))
        edits = insert_child(doc, node, element_text(tag, attrs))
    if not edits:
        return
    new = apply_edits(doc.text, sorted(edits, key=lambda e: e.offset))
    again = xml_ok(new.encode("utf-8"))
    check_positions(again)
    untouched_outside(doc.text, new, edits)
    after = list(again.root.iter())
    if op == "set":
        assert after[index].attrs == {**node.attrs, name: value}
        assert len(after) == len(nodes)
    elif op == "remove":
        removed = sum(1 for _ in node.iter())
        assert len(after) == len(nodes) - removed
    else:
        assert after[index].children[-1].tag == tag and after[index].children[-1].attrs == attrs


# -- envFile, go.mod, the go env file, bash's declare dump ----------------------------------

_LINE_CHARS = st.sampled_from([*list("AZaz09_.-=$ {}\\\"'#\t\r\n\xa0\ufeffé:x"), "export ", "${A}", "\\n"])
_lines = st.lists(_LINE_CHARS, max_size=30).map("".join)


@given(_lines)
def test_envfile_never_raises_and_points_at_each_name(text: str) -> None:
    with no_hang():
        entries, problems = parse_envfile(text, "f.env", {"A": "base"})
    lines = text.removeprefix("\ufeff").split("\n")
    for e in entries:
        assert e.location.line is not None and e.location.col is not None
        assert lines[e.location.line - 1][e.location.col - 1 :].startswith(e.name)
    for p in problems:
        assert p.kind == "parse" and p.location is not None and p.location.line is not None
        assert lines[p.location.line - 1].strip()


_env_names = st.builds(
    lambda head, tail: head + tail, st.sampled_from("AZaz_"), st.text(alphabet="AZaz09_", max_size=6)
)
# Values vscode-go keeps as written: no quotes, no $, no JS whitespace (U+FEFF is that too).
_plain_values = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs", "Cc", "Zs", "Zl", "Zp"], blacklist_characters="$\"'\\\ufeff"
    ),
    max_size=10,
)


@given(st.dictionaries(_env_names, _plain_values, max_size=6), st.sampled_from(["\n", "\r\n"]))
def test_envfile_round_trip(env: dict[str, str], eol: str) -> None:
    text = "".join(f"{'export ' if i % 2 else ''}{k}={v}{eol}" for i, (k, v) in enumerate(env.items()))
    entries, problems = parse_envfile(text, "f.env", {})
    assert problems == []
    assert {e.name: e.value for e in entries} == env


_GOMOD_WORDS = st.sampled_from(
    [
        "module",
        "go",
        "toolchain",
        "require",
        "replace",
        "exclude",
        "(",
        ")",
        "=>",
        "//",
        '"',
        "x/y",
        "v1.2.3",
        "../z",
        " ",
        "\t",
        "\n",
        "\r\n",
        "é",
    ]
)


@given(st.lists(_GOMOD_WORDS, max_size=40).map("".join))
def test_gomod_never_raises_and_locations_are_lines(text: str) -> None:
    with no_hang():
        mod, problems = parse_gomod(text, "go.mod")
    lines = text.splitlines()
    locations = [r.location for r in mod.requires] + [r.location for r in mod.replaces]
    locations += [p.location for p in problems if p.location is not None]
    for loc in locations:
        assert loc.line is not None and loc.col is not None and 1 <= loc.line <= len(lines)
        assert lines[loc.line - 1][loc.col - 1 :][:1].strip()


_module_paths = st.from_regex(r"[a-z]{1,6}\.[a-z]{2,3}/[a-z0-9]{1,6}", fullmatch=True)
_versions = st.from_regex(r"v[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}", fullmatch=True)


@given(
    _module_paths,
    st.lists(st.tuples(_module_paths, _versions), max_size=4, unique_by=lambda t: t[0]),
    st.booleans(),
)
def test_gomod_round_trip(module: str, requires: list[tuple[str, str]], block: bool) -> None:
    if block:
        reqs = "require (\n" + "".join(f"\t{p} {v} // indirect\n" for p, v in requires) + ")\n"
    else:
        reqs = "".join(f"require {p} {v}\n" for p, v in requires)
    mod, problems = parse_gomod(f"module {module}\n\ngo 1.22\n\n{reqs}", "go.mod")
    assert problems == [] and mod.module == module and mod.go == "1.22"
    assert [(r.path, r.version, r.indirect) for r in mod.requires] == [(p, v, block) for p, v in requires]


@given(st.binary(max_size=200) | _lines.map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_go_env_file_never_raises_and_each_entry_is_its_line(raw: bytes) -> None:
    fd, path = tempfile.mkstemp(prefix="goenv-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        with no_hang():
            entries = load_goenv_file(path)
    finally:
        os.unlink(path)
    if entries:
        lines = raw.decode("utf-8").splitlines()
        for e in entries:
            assert e.location.line is not None
            line = lines[e.location.line - 1]
            assert "=" in line and line.strip().startswith(e.name)


def _declare_word(value: str, ansi: bool) -> str:
    if not ansi:
        return '"' + re.sub(r'([\\"$`])', r"\\\1", value) + '"'
    out = []
    for b in value.encode("utf-8", "surrogateescape"):
        ch = chr(b)
        out.append(ch if 0x20 <= b < 0x7F and ch not in "'\\" else f"\\{b:03o}")
    return "$'" + "".join(out) + "'"


_parse_declare = shell_dump.parse_declare


@given(
    st.dictionaries(
        _env_names, st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12), max_size=6
    ),
    st.data(),
)
def test_declare_dump_round_trip(env: dict[str, str], data: st.DataObject) -> None:
    # bash itself writes $'...' for values with control characters; either form must read back.
    lines = [f"declare -x {k}={_declare_word(v, data.draw(st.booleans()))}" for k, v in env.items()]
    dump = ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")
    assert _parse_declare(dump) == env


@given(
    st.binary(max_size=120)
    | st.lists(
        st.sampled_from(
            [
                b"declare -x ",
                b"export ",
                b"A",
                b"=",
                b'"',
                b"$'",
                b"'",
                b"\\",
                b"\\x4",
                b"\\u12",
                b"\n",
                b"\xff",
            ]
        ),
        max_size=20,
    ).map(b"".join)
)
def test_declare_dump_never_raises(raw: bytes) -> None:
    with no_hang():
        result = _parse_declare(raw)
    assume(result is not None)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in result.items())


# -- choosing fixes: the offset index decides as the pairwise check did --------------------


def _select_pairwise(fixes: list[Any], originals: dict[str, str | None]) -> list[Any]:
    from ideaudit.fixes.apply import _clash

    kept: list[Any] = []
    for fix in fixes:
        if not any(
            (e == o and fix.code != k.code) or _clash(e, o, originals.get(e.file))
            for e in fix.edits
            for k in kept
            for o in k.edits
            if o.file == e.file
        ):
            kept.append(fix)
    return kept


_edits = st.builds(
    Edit,
    st.sampled_from(["a.json", "b.xml"]),
    st.integers(0, 30),
    st.integers(0, 4),
    st.sampled_from(["", "x", ",y", "z,", "\n", "w\n"]),
)


@given(
    st.lists(
        st.tuples(st.lists(_edits, min_size=1, max_size=3), st.sampled_from(["P001", "P005"])), max_size=25
    )
)
def test_select_matches_the_pairwise_check(raw: list[tuple[list[Edit], str]]) -> None:
    from ideaudit.fixes import Fix
    from ideaudit.fixes.apply import select

    fixes = [Fix(i, code, "safe", tuple(edits)) for i, (edits, code) in enumerate(raw)]
    originals: dict[str, str | None] = {"a.json": "0123456789" * 4, "b.xml": "\n".join(["abc"] * 10)}
    kept, deferred = select(fixes, originals)
    assert kept == _select_pairwise(fixes, originals)
    assert len(kept) + len(deferred) == len(fixes)


# -- diffs from edits: they apply and give the new text ------------------------------------


def _apply_unified(old: str, diff: str) -> str:
    """A minimal ``patch``: apply the hunks of one file's unified diff to ``old``."""
    from ideaudit.fixes.apply import _lines

    a = _lines(old)
    out: list[str] = []
    pos = 0
    lines = diff.splitlines(keepends=True)
    k = 0
    while k < len(lines):
        line = lines[k]
        k += 1
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", line)
        if m is None:
            continue
        start = int(m.group(1)) - (0 if m.group(2) == "0" else 1)
        out.extend(a[pos:start])
        pos = start
        while k < len(lines) and lines[k][:1] in (" ", "-", "+", "\\"):
            body, k = lines[k], k + 1
            if k < len(lines) and lines[k].startswith("\\ No newline"):
                body, k = body.removesuffix("\n"), k + 1
            if body[0] == " ":
                assert a[pos] == body[1:]
                out.append(body[1:])
                pos += 1
            elif body[0] == "-":
                assert a[pos] == body[1:]
                pos += 1
            elif body[0] == "+":
                out.append(body[1:])
    out.extend(a[pos:])
    return "".join(out)


_diff_lines = st.lists(
    st.sampled_from(["a\n", "b\n", "{\n", "}\n", "  x: 1,\n", "\n", "c"]), max_size=12
).map("".join)


@given(st.data(), _diff_lines)
def test_diff_from_edits_applies_to_the_new_text(data: st.DataObject, old: str) -> None:
    from ideaudit.fixes.apply import unified_diff

    cuts = sorted(data.draw(st.lists(st.integers(0, len(old)), max_size=8)))
    edits: list[Edit] = []
    last = 0
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        if a < last:
            continue
        edits.append(Edit("f", a, b - a, data.draw(st.sampled_from(["", "z", "\n", "q\nr\n", "s\n"]))))
        last = b + 1
    assume(edits)
    new = apply_edits(old, edits)
    assume(new != old)
    diff = unified_diff({"f": (old, new)}, "/", edits={"f": edits})
    assert _apply_unified(old, diff) == new
    assert _apply_unified(old, unified_diff({"f": (old, new)}, "/")) == new  # the applier itself

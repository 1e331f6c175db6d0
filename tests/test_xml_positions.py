"""xmlpos: character-correct offsets for every encoding and line ending, and bad XML
that never aborts the run (issue 9 parts 4, the critical ``--fix`` corruption)."""

from __future__ import annotations

import codecs
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ideaudit.fixes import SAFE, UNSAFE
from ideaudit.model import Location
from ideaudit.sources.xmlpos import MAX_DEPTH, XmlDocument, parse_xml, parse_xml_bytes
from tests.conftest import SAMPLES, shell_path
from tests.test_fix_goland import Project, codes, read, run_xml

LABEL = '      <env name="LABEL" value="é" />\n'
PATH_ENV = '      <env name="PATH" value="/usr/local/go/bin:/usr/bin" />\n'


def _value_spans_hold_their_values(doc: XmlDocument) -> None:
    """Every attribute's span is the attribute's (still escaped) text, and every
    element's offset is its ``<``: the property the fixes rely on."""
    for node in doc.root.iter():
        assert doc.text.startswith("<" + node.tag, node.offset), node
        for name, value in node.attrs.items():
            span = node.span(name)
            assert span is not None, (node, name)
            raw = doc.text[span[0] : span[1]]
            assert raw.replace("&amp;", "&").replace("&quot;", '"') == value


# -- the --fix corruption ------------------------------------------------------------------


def test_safe_fix_after_a_non_ascii_value_edits_the_right_attribute(tmp_path: Path) -> None:
    """Before: ``<env name="LABEL" value="é"  value="…"/>`` (a duplicate attribute)."""
    p = Project(tmp_path)
    run = p.write(".run/server.run.xml", run_xml(f"    <envs>\n{LABEL}{PATH_ENV}    </envs>\n"))
    findings, _ = p.scan()
    assert ("P001", "goland:run:server") in codes(findings)
    p.fix(apps=(SAFE,), rounds=1)
    assert read(run) == run_xml(
        "    <envs>\n"
        f"{LABEL}"
        '      <env name="PATH" value="$USER_HOME$/sdk/go1.22.5/bin:/usr/local/go/bin:/usr/bin" />\n'
        "    </envs>\n"
    )
    doc, problems = parse_xml(str(run))
    assert doc is not None and problems == []


def test_unsafe_fix_after_non_ascii_removes_exactly_the_element(tmp_path: Path) -> None:
    """Before: a ``>`` and a whole neighbouring line were deleted."""
    p = Project(tmp_path)
    note = '    <option name="NOTE" value="日本語のメモ ünïcödé" />\n'
    run = p.write(".run/server.run.xml", run_xml(f"{note}    <envs>\n{LABEL}{PATH_ENV}    </envs>\n"))
    p.fix(apps=(SAFE, UNSAFE))
    assert read(run) == run_xml(f"{note}    <envs>\n{LABEL}    </envs>\n")


@pytest.mark.parametrize("eol", ["\r", "\r\n"])
def test_fixes_in_cr_and_crlf_files(tmp_path: Path, eol: str) -> None:
    p = Project(tmp_path)
    text = run_xml(f"    <envs>\n{LABEL}{PATH_ENV}    </envs>\n").replace("\n", eol)
    run = p.write(".run/server.run.xml", text)
    findings, _ = p.scan()
    p001 = next(f for f in findings if f.code == "P001" and f.context_id == "goland:run:server")
    # Not 1:1 (every offset was 0 in a CR-only file).
    assert p001.location is not None and (p001.location.line, p001.location.col) == (7, 18)
    p.fix(apps=(SAFE, UNSAFE))
    assert read(run) == run_xml(f"    <envs>\n{LABEL}    </envs>\n").replace("\n", eol)


def test_cr_only_offsets_and_lines() -> None:
    text = '<a>\r  <b x="1"/>\r  <c y="é"/>\r  <d z="2"/>\r</a>\r'
    doc, problems = parse_xml_bytes(text.encode(), "cr.xml")
    assert problems == [] and doc is not None
    _value_spans_hold_their_values(doc)
    d = doc.root.find("d")
    assert d is not None and (d.line, d.col) == (4, 3)
    assert str(d.loc("z")) == "cr.xml:4:9"


def test_attribute_value_holding_a_closing_bracket() -> None:
    text = '<a>\n  <env name="X" value="a>b" other="c"/>\n  <t k="v">text</t>\n</a>\n'
    doc, _ = parse_xml_bytes(text.encode(), "gt.xml")
    assert doc is not None
    _value_spans_hold_their_values(doc)
    t = doc.root.find("t")
    assert t is not None and t.text_span is not None
    assert text[t.text_span[0] : t.text_span[1]] == "text"


# -- every encoding the declaration (or a BOM) can name ---------------------------------------

_BODY = (
    '<project>\n  <component name="GOROOT" url="file:///opt/gö" />\n  <x note="café">été</x>\n</project>\n'
)


@pytest.mark.parametrize(
    ("encoding", "bom", "declared"),
    [
        ("utf-8", b"", None),
        ("utf-8", codecs.BOM_UTF8, "UTF-8"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16"),
        ("utf-16-le", b"", "UTF-16"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32"),
        ("latin-1", b"", "ISO-8859-1"),
        ("cp1252", b"", "windows-1252"),
        ("latin-1", b"", "latin1"),
    ],
)
@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_offsets_in_every_encoding_and_line_ending(
    encoding: str, bom: bytes, declared: str | None, eol: str
) -> None:
    decl = f'<?xml version="1.0" encoding="{declared}"?>' if declared else '<?xml version="1.0"?>'
    text = (decl + "\n" + _BODY).replace("\n", eol)
    doc, problems = parse_xml_bytes(bom + text.encode(encoding), "enc.xml")
    assert problems == [] and doc is not None
    body = doc.text.removeprefix("\ufeff")
    assert body == text
    _value_spans_hold_their_values(doc)
    comp = doc.root.find("component")
    x = doc.root.find("x")
    assert comp is not None and x is not None and x.text_span is not None
    assert (comp.line, comp.col) == (3, 3)
    assert str(comp.loc("url")) == "enc.xml:3:33"
    assert doc.text[x.text_span[0] : x.text_span[1]] == "été"
    assert (x.line, x.col) == (4, 3)


# -- bad input: one parse problem with a line, never an exception ----------------------------


def test_unknown_encoding_is_one_problem_at_the_declaration() -> None:
    raw = b'<?xml version="1.0" encoding="bogus"?>\n<a/>\n'
    doc, problems = parse_xml_bytes(raw, "w.xml")
    assert doc is None and [p.kind for p in problems] == ["parse"]
    assert "unknown" in problems[0].message and "bogus" not in problems[0].message  # never echoed
    assert problems[0].location == Location("w.xml", 1, 31)


@pytest.mark.parametrize("codec", ["rot13", "base64", "unicode_escape", "idna", "hex", "utf\x00-8"])
def test_codecs_that_are_no_file_encoding_are_refused(codec: str) -> None:
    raw = f'<?xml version="1.0" encoding="{codec}"?>\n<a x="\\ud800"/>\n'.encode()
    doc, problems = parse_xml_bytes(raw, "c.xml")
    assert doc is None and [p.kind for p in problems] == ["parse"]


def test_bytes_invalid_in_the_declared_encoding_give_their_line() -> None:
    raw = '<?xml version="1.0"?>\n<a>\n  <b v="ok"/>\n  <c v="\xe9"/>\n</a>\n'.encode("latin-1")
    doc, problems = parse_xml_bytes(raw, "l1.xml")
    assert doc is None and [p.kind for p in problems] == ["parse"]
    assert problems[0].location == Location("l1.xml", 4, 9)
    assert "\xe9" not in problems[0].message  # the file's content is not echoed


def test_deep_nesting_is_one_problem_at_the_element_too_deep() -> None:
    raw = b"<a>\n" + b"<b>" * 10_000 + b"</b>" * 10_000 + b"\n</a>\n"
    doc, problems = parse_xml_bytes(raw, "deep.xml")
    assert doc is None and [p.kind for p in problems] == ["parse"]
    assert problems[0].location == Location("deep.xml", 2, 3 * (MAX_DEPTH - 1) + 1)


def test_nesting_up_to_the_cap_is_read_and_walked_without_recursion() -> None:
    depth = MAX_DEPTH
    raw = b"<b>" * depth + b"</b>" * depth
    doc, problems = parse_xml_bytes(raw, "ok.xml")
    assert problems == [] and doc is not None
    assert sum(1 for _ in doc.root.iter("b")) == depth


def test_error_position_after_non_ascii_on_one_line() -> None:
    # Five two-byte characters must not move the error: same column as all-ASCII text.
    ascii_doc, ascii_problems = parse_xml_bytes(b'<a x="eeeee"><b></c></a>', "e.xml")
    doc, problems = parse_xml_bytes('<a x="ééééé"><b></c></a>'.encode(), "e.xml")
    assert doc is None and ascii_doc is None
    assert problems[0].location == ascii_problems[0].location == Location("e.xml", 1, 19)


def test_merge_conflict_after_cr_line_ends() -> None:
    raw = b"<a>\r  <b/>\r<<<<<<< HEAD\r  <c/>\r=======\r>>>>>>> x\r</a>\r"
    doc, problems = parse_xml_bytes(raw, "m.xml")
    assert doc is None and problems[0].location == Location("m.xml", 3, 1)


def test_latin1_run_config_is_read_with_positions_and_left_unfixed(tmp_path: Path) -> None:
    """A file in another encoding is audited (positions right), but the fixers, which
    write UTF-8, leave it alone rather than change its encoding."""
    p = Project(tmp_path)
    text = run_xml(f"    <envs>\n{LABEL}{PATH_ENV}    </envs>\n")
    decl = '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
    run = p.root / ".run" / "server.run.xml"
    run.parent.mkdir(parents=True)
    run.write_bytes((decl + text).encode("latin-1"))
    findings, fixset = p.scan()
    p001 = next(f for f in findings if f.code == "P001" and f.context_id == "goland:run:server")
    assert p001.location is not None and (p001.location.line, p001.location.col) == (8, 18)
    assert not [e for fx in fixset.fixes for e in fx.edits if e.file == str(run)]


def test_cli_fix_of_a_non_ascii_run_config_leaves_valid_xml(tmp_path: Path, cache_dir: str) -> None:
    """The whole command, as the issue reproduced it: --diff applies with git, --fix and
    --unsafe-fixes give valid XML with every untouched line as it was."""
    bash, git = shell_path("bash"), shutil.which("git")
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLES / "clean" / "home", ws / "home")
    (ws / "go.mod").write_text("module example.com/x\n\ngo 1.22\n")
    note = '    <option name="NOTE" value="日本語 ünïcödé" />\n'
    original = run_xml(f"{note}    <envs>\n{LABEL}{PATH_ENV}    </envs>\n")
    run = ws / ".run" / "server.run.xml"
    run.parent.mkdir()
    run.write_bytes(original.encode("utf-8"))
    env = {**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": cache_dir}
    base = [sys.executable, "-m", "ideaudit", "scan", ".", "--home", "home", "--shell", bash, "--no-go-env"]
    shown = subprocess.run(
        [*base, "--diff", "--unsafe-fixes"], cwd=ws, env=env, capture_output=True, text=True
    )
    assert "server.run.xml" in shown.stdout, shown.stdout + shown.stderr
    if git is not None:
        (tmp_path / "fix.patch").write_text(shown.stdout)
        check = subprocess.run(
            [git, "apply", "--check", str(tmp_path / "fix.patch")], cwd=ws, capture_output=True
        )
        assert check.returncode == 0, check.stderr
    subprocess.run([*base, "--fix", "--unsafe-fixes"], cwd=ws, env=env, capture_output=True, timeout=120)
    doc, problems = parse_xml(str(run))
    assert problems == [] and doc is not None
    after = read(run)
    assert after != original
    kept = [line for line in original.splitlines(keepends=True) if 'name="PATH"' not in line]
    assert all(line in after for line in kept)
    assert not re.search(r'value="[^"]*"\s+value=', after)


# -- attributes read from the text (the memory bound: no dict per element) -------------


def _expat_attrs(raw: bytes) -> list[dict[str, str]]:
    """Every element's attributes as expat itself gives them, set up as ElementTree
    (and so defusedxml) sets it up: namespaces on, ``}`` between URI and name."""
    from xml.parsers import expat

    found: list[dict[str, str]] = []
    parser = expat.ParserCreate("utf-8", "}")
    parser.StartElementHandler = lambda tag, attrs: found.append(attrs)
    parser.Parse(raw, True)
    return found


@pytest.mark.parametrize(
    "raw",
    [
        # entities, character references, literal line breaks and tabs (normalised to
        # spaces, CRLF counting as one), '>' and the other quote inside a value
        b'<r a="x&amp;y&lt;&gt;&quot;&apos;" b="1&#10;2&#x41;&#13;" c="l1\r\nl2\nl3\rl4\tt">'
        b'<e d=\'say "hi" > there\' e = "sp aced"\n  f=""/></r>',
        "<r><e v=\"é😀&#x1F600;\" w='ü'/>\r\n<e/></r>".encode(),
        # namespaces and a DTD that adds a default attribute: expat's own dicts are kept
        b'<r xmlns:x="urn:x"><e x:a="1" b="2"/></r>',
        b'<!DOCTYPE r [<!ATTLIST e d CDATA "def">]><r><e/><e d="own"/></r>',
    ],
)
def test_attributes_are_what_expat_reads(raw: bytes) -> None:
    doc, problems = parse_xml_bytes(raw, "a.xml")
    assert doc is not None and not problems
    nodes = list(doc.root.iter())
    assert [n.attrs for n in nodes] == _expat_attrs(raw)
    for node, expected in zip(nodes, _expat_attrs(raw), strict=True):
        for name, value in expected.items():
            assert node.get(name) == value
        assert node.get("missing", "d") == "d"
        for name, span in node.attr_spans.items():  # each written value's own text
            assert doc.text[span[0] - 1] in "\"'" and doc.text[span[1]] == doc.text[span[0] - 1]
            assert name in node.attrs or ":" in name


def test_childless_elements_share_no_list_and_gain_one_with_a_child() -> None:
    doc, _ = parse_xml_bytes(b"<r><a/><b><c/></b></r>", "c.xml")
    assert doc is not None
    a, b = doc.root.children
    assert list(a.children) == [] and [c.tag for c in b.children] == ["c"]
    assert a.find("x") is None and [n.tag for n in doc.root.iter()] == ["r", "a", "b", "c"]

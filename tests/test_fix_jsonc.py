"""The JSONC edit engine: minimal edits that keep comments, style and every other byte.

The corpus test runs on every valid JSONC file of ``../shared/corpus/vscode`` (real files
from public repositories, read in place): adding and changing a key, top-level and
nested (a launch configuration's ``env.PATH``), must give a file that still parses to the
expected value, keeps every comment byte for byte, and differs from the original only
inside the edited region.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from ideaudit.fixes.apply import apply_edits
from ideaudit.fixes.jsonc_edit import JsoncEditor, detect_indent
from ideaudit.model import Edit, Problem
from ideaudit.sources.jsonc import JsoncDocument, load_jsonc, parse_jsonc
from tests.conftest import CORPUS

VSCODE = CORPUS / "vscode"
_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|//[^\n\r]*|/\*[\s\S]*?\*/')


def comments(text: str) -> list[str]:
    return [m.group() for m in _TOKENS.finditer(text) if m.group().startswith("/")]


def parse(text: str, name: str = "x.json") -> JsoncDocument:
    doc = parse_jsonc(text, name)
    assert not isinstance(doc, Problem), doc
    return doc


def edit(text: str, fn: Any) -> str:
    doc = parse(text)
    edits: list[Edit] = fn(JsoncEditor(doc))
    return apply_edits(text, sorted(edits, key=lambda e: e.offset))


def test_insert_keeps_comments_trailing_commas_and_indent() -> None:
    text = '{\n\t// keep me\n\t"a": 1, // and me\n\t"b": {"c": 2},\n}\n'
    out = edit(text, lambda e: e.set(("d",), "x"))
    assert out == '{\n\t// keep me\n\t"a": 1, // and me\n\t"b": {"c": 2},\n\t"d": "x",\n}\n'
    out = edit(text, lambda e: e.set(("b", "e"), True))
    assert out == '{\n\t// keep me\n\t"a": 1, // and me\n\t"b": {"c": 2, "e": true},\n}\n'


def test_creates_missing_objects_with_the_files_indent_and_crlf() -> None:
    text = '{\r\n  "editor.tabSize": 2\r\n}\r\n'
    out = edit(text, lambda e: e.set(("go.alternateTools", "go"), "~/go/bin/go"))
    expected = (
        '{\r\n  "editor.tabSize": 2,\r\n  "go.alternateTools": {\r\n    "go": "~/go/bin/go"\r\n  }\r\n}\r\n'
    )
    assert out == expected
    assert parse(out).get("go.alternateTools", "go") == "~/go/bin/go"


def test_comment_after_last_value_stays_with_its_member() -> None:
    text = '{\n    "a": 1 // about a\n}\n'
    out = edit(text, lambda e: e.set(("b",), 2))
    assert out == '{\n    "a": 1, // about a\n    "b": 2\n}\n'


def test_remove_member_whole_line_and_last_member_comma() -> None:
    text = '{\n    "a": 1,\n    // about b\n    "b": 2\n}\n'
    assert edit(text, lambda e: e.remove(("a",))) == '{\n    // about b\n    "b": 2\n}\n'
    assert edit(text, lambda e: e.remove(("b",))) == '{\n    "a": 1\n    // about b\n}\n'


def test_empty_and_comment_only_documents() -> None:
    assert edit("", lambda e: e.set(("a", "b"), 1)) == '{\n    "a": {\n        "b": 1\n    }\n}\n'
    out = edit("// nothing yet\n", lambda e: e.set(("a",), 1))
    assert out.startswith("// nothing yet\n") and parse(out).get("a") == 1
    out = edit('{"env": {}}', lambda e: e.set(("env", "X"), "1"))
    assert out.startswith('{"env": {') and out.endswith("}}") and parse(out).get("env") == {"X": "1"}


def test_two_insertions_into_one_object_compose() -> None:
    text = '{\n    "env": {\n        "A": "1"\n    }\n}\n'
    doc = parse(text)
    edits = JsoncEditor(doc).set(("env", "B"), "2") + JsoncEditor(doc).set(("env", "C"), "3")
    out = apply_edits(text, sorted(edits, key=lambda e: e.offset))
    assert parse(out).get("env") == {"A": "1", "B": "2", "C": "3"}


def test_detect_indent() -> None:
    assert detect_indent('{\n  "a": {\n    "b": 1\n  }\n}') == "  "
    assert detect_indent('{\n\t"a": 1\n}') == "\t"
    assert detect_indent("{}") == "    "


# -- the corpus ---------------------------------------------------------------------


def corpus_files() -> list[Path]:
    if not VSCODE.is_dir():
        return []
    return sorted(p for p in VSCODE.rglob("*") if p.is_file() and p.suffix in (".json", ".code-workspace"))


needs_corpus = pytest.mark.skipif(not VSCODE.is_dir(), reason=f"shared corpus not found at {VSCODE}")


def _operations(doc: JsoncDocument) -> list[tuple[tuple[str | int, ...], Any]]:
    ops: list[tuple[tuple[str | int, ...], Any]] = [(("ideaudit.added",), {"nested": ["x", 1]})]
    if isinstance(doc.data, dict):
        for key, value in doc.data.items():
            if not isinstance(value, (dict, list)):
                ops.append(((key,), "changed by ideaudit"))
                break
        configs = doc.data.get("configurations")
        if isinstance(configs, list):
            for i, c in enumerate(configs):
                if isinstance(c, dict):
                    ops.append((("configurations", i, "env", "PATH"), "/opt/go/bin:${env:PATH}"))
                    ops.append((("configurations", i, "env", "GOFLAGS"), "-mod=mod"))
                    break
        for key, value in doc.data.items():
            if isinstance(value, dict) and value:
                ops.append(((key, "ideaudit.nested"), 42))
                scalars = [k for k, v in value.items() if not isinstance(v, (dict, list))]
                if scalars:  # replacing a container would drop comments inside it, as meant
                    ops.append(((key, scalars[0]), "changed"))
                break
    return ops


@needs_corpus
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(VSCODE)))
def test_corpus_file_edits_are_minimal_and_keep_comments(path: Path) -> None:
    doc = load_jsonc(path)
    if isinstance(doc, Problem) or not isinstance(doc.data, dict):
        pytest.skip(f"{path.name} is not a valid JSONC object")
    assert isinstance(doc, JsoncDocument)
    for keys, value in _operations(doc):
        edits = JsoncEditor(doc).set(keys, value)
        assert edits, keys
        new = apply_edits(doc.text, sorted(edits, key=lambda e: e.offset))
        reparsed = parse_jsonc(new, str(path))
        assert not isinstance(reparsed, Problem), (keys, reparsed)
        assert reparsed.get(*keys) == value
        # Everything else is unchanged.
        if len(keys) == 1 or keys[0] != "configurations":
            rest = {k: v for k, v in reparsed.data.items() if k != keys[0]}
            assert rest == {k: v for k, v in doc.data.items() if k != keys[0]}
        assert comments(new) == comments(doc.text)
        # The new text is the old one with only [first, last) replaced.
        first = min(e.offset for e in edits)
        last = max(e.offset + e.length for e in edits)
        old = doc.text
        assert new[:first] == old[:first], keys
        assert new.endswith(old[last:]) and len(new) - len(old[last:]) >= first, keys
        # Line endings are the file's own.
        if "\r\n" in doc.text:
            assert "\n" not in new.replace("\r\n", "")


def test_insertion_after_a_comment_stops_at_the_closing_brace() -> None:
    """Found by the fuzz test: '/* c */ } /* c */' was taken for one comment running to
    the line end, and the new member landed after the closing brace."""
    text = '{\n  "a": 1,\n  "b": null /* c */ } /* d */\n'
    new = edit(text, lambda e: e.set(("z",), True))
    assert new == '{\n  "a": 1,\n  "b": null,\n  "z": true /* c */ } /* d */\n'

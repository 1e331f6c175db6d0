"""Real VS Code JSONC files from public repositories (read in place, never copied).

The corpus lives next to the project as ``../shared/corpus``; see its README.md and
MANIFEST.tsv.  Every ``.json`` / ``.code-workspace`` file must parse without a crash,
valid files must never be reported invalid, and the index must be right: for every key
path, the text under its span re-parses (with json5, independently of our scanner) to
the same value, and the key position points at the key's opening quote.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import json5
import pytest

from ideaudit.model import Location, Problem
from ideaudit.sources.jsonc import JsoncDocument, load_jsonc, parse_jsonc
from tests.conftest import CORPUS

VSCODE = CORPUS / "vscode"

# Files in the corpus that are not valid JSONC, with the line of their first error.
# The VS Code part of the corpus has none at present: all 52 files are valid JSONC
# (the merge conflict in the corpus is GoLand XML, and no VS Code file holds a
# `{{ }}` template).  Broken *real* files are still exercised below by corrupting
# corpus files in memory the way those accidents happen.
KNOWN_BROKEN: dict[str, int] = {}

needs_corpus = pytest.mark.skipif(
    not VSCODE.is_dir(), reason=f"shared corpus not found at {VSCODE} (it lives outside the repo)"
)


def corpus_files() -> list[Path]:
    if not VSCODE.is_dir():
        return []
    return sorted(p for p in VSCODE.rglob("*") if p.is_file() and p.suffix in (".json", ".code-workspace"))


def file_id(path: Path) -> str:
    return str(path.relative_to(VSCODE))


FILES = corpus_files()
# Containers longer than this are checked structurally instead of re-parsed whole.
BIG = 600

# A JSON string token, for finding where a key ends.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', re.DOTALL)


def same(a: Any, b: Any) -> bool:
    """Equality that also holds for NaN and keeps 1 and True apart."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def paths(value: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, (*prefix, index))


def expected_position(text: str, offset: int) -> tuple[int, int]:
    """1-based line:col of ``offset``, computed independently of the module."""
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    line = len(re.findall(r"\r\n|\r|\n", text[:line_start])) + 1
    col = offset - line_start + 1
    if line_start == 0 and text.startswith("\ufeff"):
        col -= 1
    return line, col


def test_corpus_is_present_or_skipped() -> None:
    if not VSCODE.is_dir():
        pytest.skip(f"shared corpus not found at {VSCODE}")
    assert len(FILES) >= 50, "the corpus should hold about 52 VS Code JSONC files"
    for name in KNOWN_BROKEN:
        assert (VSCODE / name).is_file(), f"KNOWN_BROKEN names a missing file: {name}"


@needs_corpus
@pytest.mark.parametrize("path", FILES, ids=[file_id(p) for p in FILES])
def test_corpus_file(path: Path) -> None:
    result = load_jsonc(path)
    expected_line = KNOWN_BROKEN.get(file_id(path))
    if expected_line is not None:
        assert isinstance(result, Problem), "a known-broken file parsed"
        assert result.kind == "parse"
        assert result.location is not None
        assert result.location.file == str(path)
        assert result.location.line == expected_line
        assert result.location.col is not None
        return
    assert isinstance(result, JsoncDocument), f"valid JSONC reported invalid: {result}"
    check_index(path, result)


def check_index(path: Path, result: JsoncDocument) -> None:
    text = path.read_bytes().decode("utf-8")
    assert result.text == text
    assert result.path == str(path)
    # values agree with json5 on the whole file (our fast path uses the json module)
    assert same(result.data, json5.loads(text.lstrip("\ufeff")))

    for key_path in paths(result.data):
        span = result.span(*key_path)
        assert span is not None, key_path
        piece = text[span.start : span.end]
        value = result.get(*key_path)
        if len(piece) <= BIG or not isinstance(value, dict | list):
            assert same(json5.loads(piece), value), (key_path, piece)
        else:
            # json5 is slow; for a big container check its brackets and that every
            # child lies inside it (the children themselves are checked one by one)
            assert piece[0] + piece[-1] in ("{}", "[]")
            keys = value.keys() if isinstance(value, dict) else range(len(value))
            for key in keys:
                child = result.span(*key_path, key)
                assert child is not None
                assert span.start < (child.key_start or child.start) and child.end < span.end
        assert (span.line, span.col) == expected_position(text, span.start)
        assert result.location(*key_path) == Location(str(path), span.line, span.col)
        if key_path and isinstance(key_path[-1], str):
            assert span.key_start is not None
            assert text[span.key_start] in "\"'", key_path
            token = _STRING.match(text, span.key_start)
            assert token is not None
            assert json5.loads(token.group()) == key_path[-1]
            line, col = expected_position(text, span.key_start)
            assert result.key_location(*key_path) == Location(str(path), line, col)
        else:
            assert span.key_start is None
            assert result.key_location(*key_path) == result.location(*key_path)


# -- real files broken the way real files get broken -----------------------------------


def first_member_line(text: str) -> int:
    """The 0-based index of the first line that holds a top-level-ish string member."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if re.match(r'\s*"[^"]+"\s*:\s*("[^"]*"|\d+|true|false)\s*,?\s*$', line):
            return index
    raise AssertionError("no simple member line")


@needs_corpus
@pytest.mark.parametrize(
    "name", ["launch/001.json", "settings/023.json", "other/005-gitpod-ws.code-workspace"]
)
def test_corpus_file_with_committed_merge_conflict(name: str) -> None:
    text = (VSCODE / name).read_bytes().decode("utf-8")
    nl = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    at = first_member_line(text)
    member = lines[at]
    conflicted = [
        *lines[:at],
        "<<<<<<< HEAD" + nl,
        member,
        "=======" + nl,
        member,
        ">>>>>>> 1a2b3c4 (other branch)" + nl,
        *lines[at + 1 :],
    ]
    result = parse_jsonc("".join(conflicted), name)
    assert isinstance(result, Problem)
    assert result.kind == "parse"
    assert result.location == Location(name, at + 1, 1)
    assert "merge conflict" in result.message


@needs_corpus
@pytest.mark.parametrize("name", ["launch/003.json", "settings/001.json"])
def test_corpus_file_turned_into_a_template(name: str) -> None:
    text = (VSCODE / name).read_bytes().decode("utf-8")
    lines = text.splitlines(keepends=True)
    at = first_member_line(text)
    line = lines[at]
    m = re.match(r'(\s*"[^"]+"\s*:\s*)("[^"]*"|\d+|true|false)', line)
    assert m is not None
    lines[at] = m.group(1) + "{{ .Value }}" + line[m.end() :]
    result = parse_jsonc("".join(lines), name)
    assert isinstance(result, Problem)
    assert result.location == Location(name, at + 1, len(m.group(1)) + 1)
    assert "template" in result.message

"""Unit tests for ideaudit.sources.jsonc (JSONC values plus positions)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from ideaudit.model import Location, Problem
from ideaudit.sources.jsonc import MAX_DEPTH, JsoncDocument, Span, load_jsonc, parse_jsonc


def doc(text: str, file: str = "settings.json") -> JsoncDocument:
    result = parse_jsonc(text, file)
    assert isinstance(result, JsoncDocument), result
    return result


def problem(text: str, file: str = "settings.json") -> Problem:
    result = parse_jsonc(text, file)
    assert isinstance(result, Problem), result
    assert result.kind == "parse"
    assert result.location is not None
    return result


def value_text(d: JsoncDocument, *path: str | int) -> str:
    span = d.span(*path)
    assert span is not None, path
    return d.text[span.start : span.end]


# -- values and positions --------------------------------------------------------------


def test_plain_json_values_and_positions() -> None:
    d = doc('{\n  "go.goroot": "/usr/local/go",\n  "n": 3\n}\n')
    assert d.data == {"go.goroot": "/usr/local/go", "n": 3}
    assert d.location("go.goroot") == Location("settings.json", 2, 16)
    assert d.key_location("go.goroot") == Location("settings.json", 2, 3)
    assert d.location("n") == Location("settings.json", 3, 8)
    assert value_text(d, "go.goroot") == '"/usr/local/go"'
    root = d.span()
    assert root is not None
    assert (root.start, root.line, root.col, root.key_start) == (0, 1, 1, None)
    assert d.text[root.start : root.end].endswith("}")


def test_line_and_block_comments() -> None:
    text = (
        "// leading comment\n"
        "{\n"
        "  /* block\n"
        '     comment */ "a": 1, // trailing\n'
        '  "b": /* inline */ [1, /* x */ 2]\n'
        "}\n"
        "/* after */\n"
    )
    d = doc(text)
    assert d.data == {"a": 1, "b": [1, 2]}
    assert d.key_location("a") == Location("settings.json", 4, 17)
    assert d.location("b") == Location("settings.json", 5, 21)
    assert d.location("b", 1) == Location("settings.json", 5, 33)
    assert value_text(d, "b") == "[1, /* x */ 2]"


def test_trailing_commas() -> None:
    d = doc('{\n  "a": [1, 2,],\n  "b": {"c": true,},\n}')
    assert d.data == {"a": [1, 2], "b": {"c": True}}
    assert value_text(d, "a") == "[1, 2,]"
    assert value_text(d, "b", "c") == "true"
    assert d.span("a", 2) is None


def test_trailing_comma_followed_by_comment() -> None:
    d = doc('{"a": 1, // comment\n}')
    assert d.data == {"a": 1}


def test_bom_is_kept_in_text_and_not_counted_as_a_column() -> None:
    text = '\ufeff{"a": {"b": 2}}'
    d = doc(text)
    assert d.text == text
    assert d.data == {"a": {"b": 2}}
    span = d.span("a", "b")
    assert span is not None
    assert text[span.start : span.end] == "2"
    assert text[span.key_start or 0] == '"'
    assert d.key_location("a") == Location("settings.json", 1, 2)
    assert d.location() == Location("settings.json", 1, 1)


def test_crlf_line_and_column() -> None:
    text = '{\r\n  "a": 1,\r\n  // c\r\n  "b": "x"\r\n}\r\n'
    d = doc(text)
    assert d.data == {"a": 1, "b": "x"}
    assert d.key_location("a") == Location("settings.json", 2, 3)
    assert d.location("a") == Location("settings.json", 2, 8)
    assert d.key_location("b") == Location("settings.json", 4, 3)
    assert d.location("b") == Location("settings.json", 4, 8)
    assert value_text(d, "b") == '"x"'


def test_lone_cr_counts_as_a_line_break() -> None:
    d = doc('{\r"a": 1\r}')
    assert d.key_location("a") == Location("settings.json", 2, 1)


@pytest.mark.parametrize(
    "text", ["", "   \n\t  ", "// only a comment\n", "/* a */ /* b */", "\ufeff", "\ufeff  // x\n"]
)
def test_empty_or_comment_only_file_is_absent(text: str) -> None:
    d = doc(text)
    assert d.data is None
    assert d.span() is None
    assert d.location() is None
    assert d.get("anything", default=42) == 42
    assert d.get(default="d") == "d"


def test_nested_arrays_and_objects() -> None:
    text = """{
  "configurations": [
    {"name": "one", "env": {"GOFLAGS": "-mod=mod"}},
    {"name": "two", "args": [["x", 1], []], "env": {}}
  ]
}"""
    d = doc(text)
    assert d.get("configurations", 1, "args", 0, 1) == 1
    assert value_text(d, "configurations", 0, "env", "GOFLAGS") == '"-mod=mod"'
    assert value_text(d, "configurations", 1, "args", 0) == '["x", 1]'
    assert value_text(d, "configurations", 1, "args", 1) == "[]"
    assert value_text(d, "configurations", 1, "env") == "{}"
    assert d.location("configurations", 1) == Location("settings.json", 4, 5)
    # array items have no key: key_location is the value's position
    assert d.key_location("configurations", 1) == d.location("configurations", 1)
    span = d.span("configurations", 1)
    assert span is not None and span.key_start is None and span.key_line is None
    assert d.key_location("configurations", 0, "env", "GOFLAGS") == Location("settings.json", 3, 29)


def test_strings_with_comment_like_content_and_escapes() -> None:
    text = r"""{
  "url": "http://example.com/*not a comment*/", // real comment
  "q": "say \"hi\" // still string",
  "path": "C:\\go\\",
  "u": "\u00e9\n",
  "k\"ey": 1
}"""
    d = doc(text)
    assert d.data == {
        "url": "http://example.com/*not a comment*/",
        "q": 'say "hi" // still string',
        "path": "C:\\go\\",
        "u": "é\n",
        'k"ey': 1,
    }
    assert value_text(d, "q") == r'"say \"hi\" // still string"'
    assert value_text(d, "path") == r'"C:\\go\\"'
    assert d.key_location('k"ey') == Location("settings.json", 6, 3)


def test_escaped_key_is_indexed_by_its_decoded_name() -> None:
    d = doc(r'{"GO\u0050ATH": "/go"}')
    assert d.data == {"GOPATH": "/go"}
    assert value_text(d, "GOPATH") == '"/go"'


def test_json5_extras() -> None:
    d = doc("{unquoted: 'single', $x_1: 0x1F, \"n\": +1, f: .5, g: Infinity,}")
    assert d.data == {"unquoted": "single", "$x_1": 31, "n": 1, "f": 0.5, "g": float("inf")}
    assert value_text(d, "unquoted") == "'single'"
    assert d.key_location("$x_1") == Location("settings.json", 1, 22)


def test_scalars_at_root() -> None:
    assert doc("  42 ").data == 42
    assert doc('"s"').span() == Span(None, 0, 3, 1, 1, None, None)
    assert doc("[true, false, null]").data == [True, False, None]


def test_duplicate_keys_last_wins_with_its_span() -> None:
    d = doc('{\n"a": {"x": 1},\n"a": {"y": 2}\n}')
    assert d.data == {"a": {"y": 2}}
    assert d.location("a") == Location("settings.json", 3, 6)
    assert d.span("a", "x") is None  # the first "a" is gone, and so is its index
    assert value_text(d, "a", "y") == "2"


def test_missing_paths_and_wrong_types() -> None:
    d = doc('{"a": {"b": [10, 20]}, "s": "str", "nul": null}')
    assert d.get("a", "b", 1) == 20
    assert d.get("a", "b", 2) is None
    assert d.get("a", "b", -1, default="d") == "d"
    assert d.get("a", "b", "0", default="d") == "d"
    assert d.get("a", 0, default="d") == "d"
    assert d.get("s", "x", default="d") == "d"
    assert d.get("a", "b", True, default="d") == "d"
    assert d.get("nul", default="d") is None  # present, and null
    assert d.get("missing", default=[]) == []
    assert d.span("a", "b", 5) is None
    assert d.span("s", "x") is None
    assert d.span("a", "b", True) is None
    assert d.location("missing") is None
    assert d.key_location("a", "missing") is None
    assert d.get() == d.data


def test_text_slices_round_trip() -> None:
    text = '{"a": [1, {"b": "c"}], "d": -1.5e3, "e": null}'
    d = doc(text)

    def walk(value: Any, path: tuple[str | int, ...]) -> None:
        assert json.loads(value_text(d, *path)) == value
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, (*path, key))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk(child, (*path, index))

    walk(d.data, ())


# -- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ('{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or '}' after object member"),
        ("[1 2]", 1, 4, "expected ',' or ']' after array item"),
        ('{"a" 1}', 1, 6, "expected ':' after property name"),
        ('{"a": }', 1, 7, "unexpected '}'; expected a value"),
        ('{"a": "x\n"}', 1, 7, "unterminated string"),
        ('{"a": "x', 1, 7, "unterminated string"),
        ('{"a": 1 /* never closed', 1, 9, "unterminated comment"),
        ('{"a": 1}\n}', 2, 1, "unexpected '}' after the end of the document"),
        ('{"a": 1,,}', 1, 9, "unexpected ','"),
        ("{,}", 1, 2, "unexpected ','"),
        ("[,]", 1, 2, "unexpected ','"),
        ('{\n  "a":', 2, 7, "unexpected end of file; expected a value"),
        ('{\n  "a": 1,\n', 3, 1, "unexpected end of file"),
        ("[1, 2", 1, 6, "unexpected end of file"),
        ('{"a": tru}', 1, 7, "unexpected word 'tru'"),
        ('{"a": 1.2.3}', 1, 7, "invalid number '1.2.3'"),
        ('{"a": 01}', 1, 7, "invalid number '01'"),
        ('{"a": / }', 1, 7, "unexpected '/'"),
        ('{"a": <x>}', 1, 7, "unexpected '<'"),
        ("{1: 2}", 1, 2, "unexpected a digit"),
        ('{"a": "\\01"}', 1, 10, "invalid JSON5"),
        ('\ufeff{"a" 1}', 1, 6, "expected ':'"),
        ('{\r\n  "a": 1\r\n  "b": 2\r\n}', 3, 3, "expected ',' or '}'"),
    ],
)
def test_error_positions(text: str, line: int, col: int, message: str) -> None:
    p = problem(text)
    assert p.location == Location("settings.json", line, col)
    assert message in p.message


def test_merge_conflict_is_reported_at_the_marker() -> None:
    text = (
        "{\n"
        '  "go.toolsEnvVars": {\n'
        "<<<<<<< HEAD\n"
        '    "GOFLAGS": "-mod=vendor"\n'
        "=======\n"
        '    "GOFLAGS": "-mod=mod"\n'
        ">>>>>>> feature\n"
        "  }\n"
        "}\n"
    )
    p = problem(text)
    assert p.location == Location("settings.json", 3, 1)
    assert "merge conflict" in p.message
    assert p.detail == "<<<<<<< HEAD"


def test_merge_conflict_after_a_member() -> None:
    p = problem('{\n  "a": 1\n<<<<<<< HEAD\n}')
    assert p.location == Location("settings.json", 3, 1)
    assert "merge conflict" in p.message


def test_template_placeholder_is_reported_at_its_braces() -> None:
    text = '{\n  "go.goroot": "/opt/go",\n  "port": {{ .Port }}\n}\n'
    p = problem(text)
    assert p.location == Location("settings.json", 3, 11)
    assert "'{{'" in p.message and "template" in p.message


def test_template_placeholder_as_a_key() -> None:
    p = problem('{\n  {{- range .Items }}\n  "a": 1\n}')
    assert p.location == Location("settings.json", 2, 3)
    assert "template" in p.message


def test_deep_nesting_is_a_problem_at_the_bracket_that_crosses_the_cap() -> None:
    """Before: "nesting too deep" at 1:1, for any valid file nested 498+ levels."""
    p = problem("[" * 20000 + "]" * 20000)
    assert f"nested deeper than {MAX_DEPTH} levels" in p.message
    assert (p.location.line, p.location.col) == (1, MAX_DEPTH + 1)  # type: ignore[union-attr]
    p = problem('{\n  "a":\n' + '{"b": ' * 498 + "1" + "}" * 498 + "\n}\n")
    assert p.location is not None and (p.location.line, p.location.col) == (3, 6 * (MAX_DEPTH - 1) + 1)


def test_nesting_up_to_the_cap_is_read() -> None:
    d = doc('{"a": ' * (MAX_DEPTH - 1) + '{"b": 1}' + "}" * (MAX_DEPTH - 1))
    path = ("a",) * (MAX_DEPTH - 1) + ("b",)
    assert d.get(*path) == 1
    span = d.span(*path)
    assert span is not None and d.member_at(span.key_line, span.key_col) == path  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"v": "\\ud800"}', {"v": "\ufffd"}),
        ('{"v": "a\\udfffb", "w": ["\\ud83d\\ude00"]}', {"v": "a\ufffdb", "w": ["\U0001f600"]}),
        ('{"\\udc00": {"k": "\\ud800"}}', {"\ufffd": {"k": "\ufffd"}}),
        ("{'v': '\\ud800', k: 0x1}", {"v": "\ufffd", "k": 1}),  # the json5 path
    ],
)
def test_lone_surrogates_become_replacement_characters(text: str, expected: object) -> None:
    """A lone surrogate crashed every output format (and watch) downstream."""
    d = doc(text)
    assert d.data == expected
    for key in d.data:
        assert d.span(key) is not None  # keys of the index match the cleaned keys


# -- files -----------------------------------------------------------------------------


def test_load_jsonc_reads_bytes_exactly(tmp_path: Path) -> None:
    raw = '\ufeff{\r\n  // c\r\n  "a": "é"\r\n}\r\n'.encode()
    path = tmp_path / "settings.json"
    path.write_bytes(raw)
    d = load_jsonc(path)
    assert isinstance(d, JsoncDocument)
    assert d.path == str(path)
    assert d.text.encode() == raw
    assert d.data == {"a": "é"}
    assert d.location("a") == Location(str(path), 3, 8)


def test_load_jsonc_parse_problem_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "launch.json"
    path.write_text('{"a": 1 "b": 2}', encoding="utf-8")
    p = load_jsonc(str(path))
    assert isinstance(p, Problem)
    assert p.kind == "parse"
    assert p.location == Location(str(path), 1, 9)


def test_unreadable_missing_file(tmp_path: Path) -> None:
    p = load_jsonc(tmp_path / "nope.json")
    assert isinstance(p, Problem)
    assert p.kind == "unreadable"
    assert p.location == Location(str(tmp_path / "nope.json"))
    assert "nope.json" in p.message


def test_unreadable_directory(tmp_path: Path) -> None:
    p = load_jsonc(tmp_path)
    assert isinstance(p, Problem)
    assert p.kind == "unreadable"


def test_unreadable_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b'{\n  "a": "caf\xe9"\n}\n')
    p = load_jsonc(path)
    assert isinstance(p, Problem)
    assert p.kind == "unreadable"
    assert "UTF-8" in p.message
    assert p.location == Location(str(path), 2)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_permission(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0)
    try:
        p = load_jsonc(path)
    finally:
        path.chmod(0o600)
    assert isinstance(p, Problem)
    assert p.kind == "unreadable"


def test_unreadable_permission_denied(monkeypatch: pytest.MonkeyPatch) -> None:
    import ideaudit.sources.jsonc as jsonc_module

    def deny(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    import ideaudit.sources.saferead as saferead

    monkeypatch.setattr(jsonc_module, "open", deny, raising=False)
    monkeypatch.setattr(saferead.os, "open", deny)
    p = load_jsonc("/etc/settings.json")
    assert isinstance(p, Problem)
    assert p.kind == "unreadable"
    assert "Permission denied" in p.message


# -- speed -----------------------------------------------------------------------------


def big_settings(size: int) -> str:
    parts = ["{\n"]
    i = 0
    total = 0
    while total < size:
        part = (
            f"  // setting {i}\n"
            f'  "ext{i}.option": {{"enabled": true, "list": [1, 2.5, "x/*y*/", null]}},\n'
            f'  /* block */ "k{i}": "v // not a comment",\n'
        )
        parts.append(part)
        total += len(part)
        i += 1
    parts.append("}\n")
    return "".join(parts)


def test_100kb_settings_parse_without_json5(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ordinary JSONC (comments, trailing commas) never reaches json5, whose pure-Python
    parser is ~50x slower (~1.5 s for this input): asserted by making json5 fail, not by
    a clock (bench/scale.py measures the speed)."""
    from ideaudit.sources import jsonc

    def no_json5() -> None:
        raise AssertionError("json5 used for ordinary JSONC")

    monkeypatch.setattr(jsonc, "_json5", no_json5)
    d = parse_jsonc(big_settings(100_000), "settings.json")
    assert isinstance(d, JsoncDocument)
    assert d.get("k7") == "v // not a comment"


# -- the compact index (memory bound) ----------------------------------------------------


def test_text_is_given_back_exactly_after_blanking() -> None:
    """The document keeps the blanked text and what was blanked; ``text`` is the file."""
    text = (
        '\ufeff{\r\n  // a comment\r\n  "a": 1, /* multi\r\n line */ "b": [1, 2,],\u00a0\r\n'
        '  "c": {"d": "é", },\r\n}\r\n'
    )
    d = doc(text)
    assert d.text == text
    assert d.data == {"a": 1, "b": [1, 2], "c": {"d": "é"}}
    assert value_text(d, "c", "d") == '"é"'
    assert d.key_location("b") == Location("settings.json", 4, 10)
    assert d.member_at(4, 10) == ("b",)


def test_large_objects_and_arrays_keep_lookups_and_the_last_duplicate() -> None:
    members = ", ".join(f'"k{i}": {{"v": [{i}, {i + 1}]}}' for i in range(100))
    d = doc("{" + members + ', "k7": {"v": [0]}, "arr": [' + ", ".join(str(i) for i in range(50)) + "]}")
    for i in range(100):
        path = (f"k{i}", "v", 1 if i != 7 else 0)
        span = d.span(*path)
        assert span is not None and d.text[span.start : span.end] == str(i + 1 if i != 7 else 0)
        key = d.span(f"k{i}")
        assert key is not None and d.member_at(key.key_line, key.key_col) == (f"k{i}",)  # type: ignore[arg-type]
    assert d.span("k7", "v", 1) is None  # the earlier "k7" is hidden, as in the values
    assert value_text(d, "arr", 49) == "49" and d.span("arr", 50) is None

"""Tests for ideaudit.sources.envfile: vscode-go's envFile rules, quirks included."""

from __future__ import annotations

from pathlib import Path

import pytest

from ideaudit.model import Location, Problem
from ideaudit.sources.envfile import EnvFileEntry, load_envfile, parse_envfile
from tests.conftest import CORPUS

EXAMPLE_ENV = CORPUS / "vscode" / "other" / "011-example.private.env"


def parse(text: str, base: dict[str, str] | None = None) -> list[EnvFileEntry]:
    entries, problems = parse_envfile(text, ".env", base or {})
    assert problems == []
    return entries


def values(text: str, base: dict[str, str] | None = None) -> dict[str, str]:
    return {e.name: e.value for e in parse(text, base)}


def test_basic_lines_locations_and_raw() -> None:
    entries = parse("A=1\n  export B = two\nC.d-e=x\n")
    assert [(e.name, e.value, e.raw) for e in entries] == [
        ("A", "1", "1"),
        ("B", "two", "two"),
        ("C.d-e", "x", "x"),
    ]
    assert entries[0].location == Location(".env", 1, 1)
    assert entries[1].location == Location(".env", 2, 10)
    assert entries[2].location == Location(".env", 3, 1)


def test_comments_and_blank_lines_are_skipped_silently() -> None:
    entries, problems = parse_envfile("# comment\n\n   \n  # indented\nA=1\n#B=2\n", "f", {})
    assert [e.name for e in entries] == ["A"]
    assert entries[0].location.line == 5
    assert problems == []


def test_empty_value() -> None:
    assert values("A=\nB=   \n") == {"A": "", "B": ""}


def test_quotes_are_removed() -> None:
    assert values("A=\"x y\"\nB='x y'\nC=\"\"\nD=''") == {"A": "x y", "B": "x y", "C": "", "D": ""}


def test_quote_stripping_follows_vscode_go_not_shell() -> None:
    # vscode-go strips one leading and one trailing quote character independently
    got = values('A=\'x"\nB="x\nC=x\'\nD=""x""\nE="')
    assert got == {"A": "x", "B": "x", "C": "x", "D": '"x"', "E": ""}


def test_backslash_n_becomes_newline_only_in_double_quotes() -> None:
    got = values("A=\"line1\\nline2\"\nB='line1\\nline2'\nC=line1\\nline2")
    assert got == {"A": "line1\nline2", "B": "line1\\nline2", "C": "line1\\nline2"}


def test_trailing_spaces_stay_and_inline_comments_are_value() -> None:
    got = values('A=abc  \nB = "q" \nC=v # not a comment\n')
    # the greedy (.*) in vscode-go's regex keeps trailing blanks; "q" + blank is then
    # not "double-quoted", so only the leading quote goes
    assert got == {"A": "abc  ", "B": 'q" ', "C": "v # not a comment"}


def test_substitution_from_file_then_base_env() -> None:
    entries = parse(
        "GOPATH=/home/u/go\nGOBIN=${GOPATH}/bin\nP=${HOME}/x:${NOPE}:${GOBIN}\n",
        {"HOME": "/home/u", "GOPATH": "/base"},
    )
    got = {e.name: (e.value, e.raw) for e in entries}
    assert got["GOBIN"] == ("/home/u/go/bin", "${GOPATH}/bin")
    assert got["P"] == ("/home/u/x::/home/u/go/bin", "${HOME}/x:${NOPE}:${GOBIN}")


def test_substitution_uses_the_latest_earlier_value() -> None:
    got = values("A=1\nB=${A}\nA=2\nC=${A}\n")
    assert got == {"A": "2", "B": "1", "C": "2"}


def test_substitution_does_not_see_later_lines() -> None:
    assert values("B=${A}\nA=1\n")["B"] == ""


def test_empty_file_value_falls_through_to_base_env() -> None:
    # JavaScript `localVars[name] || globalVars[name] || ''`
    assert values("A=\nB=${A}\n", {"A": "from-base"})["B"] == "from-base"


def test_substitution_inside_quotes() -> None:
    assert values('A="${HOME}/a b"', {"HOME": "/h"}) == {"A": "/h/a b"}


def test_escaped_dollar() -> None:
    got = values("A=1\nB=\\${A}\nC=\\$A\nD=$A\n")
    assert got == {"A": "1", "B": "${A}", "C": "$A", "D": "$A"}


def test_malformed_reference_disables_all_substitution_in_that_value() -> None:
    got = values("A=1\nB=${A}-${A:-x}\nC=${}\nD=${1X}\n")
    assert got == {"A": "1", "B": "${A}-${A:-x}", "C": "${}", "D": "${1X}"}


def test_bad_lines_are_reported_and_parsing_goes_on() -> None:
    text = "A=1\nJUST_A_NAME\nexport\n  KEY WITH SPACE=1\nB=2\n=3\n"
    entries, problems = parse_envfile(text, "app.env", {})
    assert [e.name for e in entries] == ["A", "B"]
    assert [p.kind for p in problems] == ["parse"] * 4
    assert [p.location for p in problems] == [
        Location("app.env", 2, 1),
        Location("app.env", 3, 1),
        Location("app.env", 4, 6),  # the space inside the name
        Location("app.env", 6, 1),
    ]
    # What is wrong, by shape; never the line's text (an envFile may be any file).
    assert "there is no '='" in problems[0].message
    assert "contains a space" in problems[2].message
    assert "no name before '='" in problems[3].message
    assert "ignores" in problems[0].message
    for p in problems:
        assert "JUST_A_NAME" not in p.message and "WITH" not in p.message and "SPACE" not in p.message
        assert p.detail is None


def test_crlf_is_tolerated() -> None:
    entries, problems = parse_envfile('A=1\r\nB="x"\r\n# c\r\n\r\nC=${A}\r\n', "f", {})
    assert problems == []
    assert [(e.name, e.value) for e in entries] == [("A", "1"), ("B", "x"), ("C", "1")]
    assert entries[2].location == Location("f", 5, 1)


def test_bom_is_dropped() -> None:
    entries = parse("\ufeffA=1\n")
    assert entries[0].name == "A"
    assert entries[0].location == Location(".env", 1, 1)


def test_duplicate_keys_are_all_returned_in_order() -> None:
    entries = parse("A=1\nA=2\n")
    assert [(e.name, e.value, e.location.line) for e in entries] == [("A", "1", 1), ("A", "2", 2)]


def test_load_envfile(tmp_path: Path) -> None:
    path = tmp_path / "dev.env"
    path.write_bytes(b"A=1\r\nB=${A}2\r\n")
    entries, problems = load_envfile(str(path), {})
    assert problems == []
    assert [(e.name, e.value) for e in entries] == [("A", "1"), ("B", "12")]
    assert entries[1].location == Location(str(path), 2, 1)


def test_load_envfile_replaces_bad_utf8_like_node(tmp_path: Path) -> None:
    path = tmp_path / "dev.env"
    path.write_bytes(b"A=caf\xe9\n")
    entries, problems = load_envfile(str(path), {})
    assert problems == []
    assert entries[0].value == "caf\ufffd"


def test_missing_envfile_is_one_unreadable_problem(tmp_path: Path) -> None:
    path = str(tmp_path / "missing.env")
    entries, problems = load_envfile(path, {})
    assert entries == []
    assert len(problems) == 1
    assert problems[0].kind == "unreadable"
    assert problems[0].location == Location(path)
    assert "missing.env" in problems[0].message


def test_directory_envfile_is_unreadable(tmp_path: Path) -> None:
    entries, problems = load_envfile(str(tmp_path), {})
    assert entries == []
    assert [p.kind for p in problems] == ["unreadable"]


def test_corpus_example_private_env() -> None:
    if not EXAMPLE_ENV.is_file():
        pytest.skip(f"shared corpus not found at {CORPUS} (it lives outside the repo)")
    entries, problems = load_envfile(str(EXAMPLE_ENV), {"HOME": "/home/u"})
    assert problems == []
    got = {e.name: e.value for e in entries}
    assert got == {
        "GOFLAGS": "-mod=vendor",
        "ARM_CLIENT_ID": "00000000-0000-0000-0000-000000000000",
        "ARM_CLIENT_SECRET": "00000000-0000-0000-0000-000000000000",
        "ARM_SUBSCRIPTION_ID": "00000000-0000-0000-0000-000000000000",
        "ARM_TENANT_ID": "00000000-0000-0000-0000-000000000000",
        "ARM_TEST_LOCATION": "northeurope",
        "ARM_TEST_LOCATION_ALT": "westeurope",
        "ARM_TEST_LOCATION_ALT2": "francesouth",
        "TF_ACC": "1",
    }
    goflags = entries[0]
    assert goflags.raw == "-mod=vendor"
    assert goflags.location == Location(str(EXAMPLE_ENV), 1, 1)
    assert entries[-1].location.line == 9
    assert all(isinstance(p, Problem) for p in problems)

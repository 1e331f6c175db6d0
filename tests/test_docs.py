"""The rule docs are generated from the registry and must be current."""

from __future__ import annotations

from pathlib import Path

from ideaudit.report.rule_docs import render
from ideaudit.rules.catalog import load_all

DOC = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def test_rules_page_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), "run `python -m ideaudit.report.rule_docs`"


def test_every_rule_is_documented_with_fix_and_explanation() -> None:
    for code, r in load_all().items():
        assert len(code) == 4 and code[0].isupper() and code[1:].isdigit(), code
        assert r.explanation and r.fix and r.title, code
        assert f"### {code}" in render()

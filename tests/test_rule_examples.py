"""Every rule example (ideaudit/rules/examples/*.toml, shown in docs/rules.md): the bad
configuration has the rule's finding under --static, the corrected one does not."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ideaudit.rules.catalog import load_all
from ideaudit.rules.examples import load_examples, write_example

EXAMPLES = load_examples()


def _codes(folder: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-m", "ideaudit", "scan", "--static", str(folder), "--output-format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in (0, 1), done.stderr
    return {f["code"] for f in json.loads(done.stdout)["findings"]}


def test_examples_name_real_static_rules() -> None:
    rules = load_all()
    assert len(EXAMPLES) >= 30
    for code in EXAMPLES:
        assert code in rules and rules[code].static, code


@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_bad_example_has_the_rule_and_good_does_not(code: str, tmp_path: Path) -> None:
    ex = EXAMPLES[code]
    write_example(ex.bad, ex.common, str(tmp_path / "bad"))
    write_example(ex.good, ex.common, str(tmp_path / "good"))
    assert code in _codes(tmp_path / "bad")
    assert code not in _codes(tmp_path / "good")

"""Each rule's minimal bad configuration and the corrected one, as data beside the rules.

One TOML file per family (``v_vscode.toml`` beside ``rules/v_vscode.py``): a table per
rule code with ``bad`` and ``good`` tables mapping a workspace-relative path to the
file's text, plus ``[common]`` files written into every example of that file.
docs/rules.md shows them; ``tests/test_rule_examples.py`` writes each into a folder,
scans it with ``--static`` and checks that the bad one has the rule and the good one not.
Only docs and tests read them (never a scan), so tomllib costs nothing at start-up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ideaudit._fast.record import record

HERE = os.path.dirname(os.path.abspath(__file__))


@record(frozen=True)
class Example:
    code: str
    bad: Mapping[str, str]
    good: Mapping[str, str]
    common: Mapping[str, str]


def load_examples() -> dict[str, Example]:
    import tomllib

    out: dict[str, Example] = {}
    for name in sorted(os.listdir(HERE)):
        if not name.endswith(".toml"):
            continue
        with open(os.path.join(HERE, name), "rb") as f:
            data = tomllib.load(f)
        common = data.pop("common", {})
        for code, pair in data.items():
            out[code] = Example(code, pair["bad"], pair["good"], common)
    return out


def write_example(files: Mapping[str, str], common: Mapping[str, str], folder: str) -> None:
    """Write ``common`` and ``files`` (paths relative to ``folder``)."""
    for rel, text in {**common, **files}.items():
        path = os.path.join(folder, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as out:
            out.write(text.lstrip("\n"))

"""What ``ideaudit rule`` prints: one rule explained, a family listed, all as JSON.

Kept out of the CLI so the typer and argparse front ends (and the docs) share it.
"""

from __future__ import annotations

import json
from typing import Any

from ideaudit.rules.base import Rule, family, kinds_text, needs_text
from ideaudit.rules.catalog import load_all


def describe(r: Rule) -> str:
    """``ideaudit rule CODE``."""
    static = "runs" if r.static else "skipped"
    return (
        f"{r.code} ({r.name}): {r.title}\n\nDefault severity: {r.severity.value}\n"
        f"Applies to: {kinds_text(r)}\nNeeds: {needs_text(r)} (--static: {static})\n\n"
        f"{r.explanation}\n\nFix: {r.fix}\n"
    )


def listing(prefix: str = "") -> str:
    """``ideaudit rule`` (all) or ``ideaudit rule P`` (a family or any code prefix)."""
    return "".join(
        f"{r.code}  {r.severity.value:<7}  {r.title}  [{kinds_text(r)}]  needs: {needs_text(r)}\n"
        for r in family(load_all().values(), prefix)
    )


def as_json(r: Rule) -> dict[str, Any]:
    return {
        "code": r.code,
        "name": r.name,
        "family": r.family,
        "title": r.title,
        "severity": r.severity.value,
        "explanation": r.explanation,
        "fix": r.fix,
        "kinds": list(r.kinds),
        "needs": list(r.needs),
        "static": r.static,
        "supersedes": list(r.supersedes),
        "note": r.note,
    }


def dump(prefix: str = "") -> str:
    """``ideaudit rule [PREFIX] --output-format json``: every (matching) rule."""
    rules = [as_json(r) for r in family(load_all().values(), prefix)]
    return json.dumps(rules, indent=2, ensure_ascii=False) + "\n"


def select(code: str | None) -> tuple[str, Rule | None]:
    """(prefix, the rule): a full code names one rule, anything else is a prefix."""
    if code is None:
        return "", None
    found = load_all().get(code.upper())
    return code.upper(), found

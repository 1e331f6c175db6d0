"""Compatibility shim: the old home of the rule registry.

The registry now lives in :mod:`ideaudit.rules.base` (a leaf that rule modules import)
and the list of families in :mod:`ideaudit.rules.catalog`.  This module only re-exports
both, so code written against ``ideaudit.rules.registry`` keeps working; new code imports
from ``base`` or ``catalog``.
"""

from __future__ import annotations

from ideaudit.rules.base import (
    BUILDS,
    DEBUGGERS,
    FILES,
    IDE,
    KINDS,
    NEEDS,
    NEEDS_TEXT,
    RULES,
    SHELL,
    TESTS,
    TOOLCHAIN,
    CheckFn,
    Rule,
    drop_superseded,
    family,
    kinds_text,
    matches,
    needs_text,
    rule,
    selected,
    split_notes,
    where_it_applies,
)
from ideaudit.rules.catalog import load_all

__all__ = [
    "BUILDS",
    "DEBUGGERS",
    "FILES",
    "IDE",
    "KINDS",
    "NEEDS",
    "NEEDS_TEXT",
    "RULES",
    "SHELL",
    "TESTS",
    "TOOLCHAIN",
    "CheckFn",
    "Rule",
    "drop_superseded",
    "family",
    "kinds_text",
    "load_all",
    "matches",
    "needs_text",
    "rule",
    "selected",
    "split_notes",
    "where_it_applies",
]

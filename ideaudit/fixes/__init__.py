"""Fixes: text edits attached to findings, registered per rule code, as ruff does.

Rules stay pure and know nothing about fixes.  A *fixer* is registered for a rule code
with :func:`fixer` and computes, for one finding, the text edits that remove it
(:class:`~ideaudit.model.Edit`: file, character offset, length, new text) against the
files exactly as the scan read them.  :func:`attach_fixes` runs after the rules (one call
in :mod:`ideaudit.pipeline`) and returns the findings with their edits plus a
:class:`FixSet` that remembers, for every edited file, the text the edits were computed
against, so :mod:`ideaudit.fixes.apply` can refuse a file that changed since.

Applicability (ruff's terms):

* ``safe``: keeps the behaviour the user clearly meant (``go`` becomes findable where
  it was not; an ignored ``dlvToolPath`` is removed); applied by ``--fix``;
* ``unsafe``: changes what runs (another GOROOT, GOFLAGS or CC); needs ``--unsafe-fixes``;
* ``shell``: edits a shell start-up file in your home; applied only with ``--fix-shell``.

A fixer may return :class:`Unsafe` (a list of edits) to downgrade one particular fix.
"""

# The registry lives in ``base`` (a leaf the fixer modules import) and the list of fixer
# modules in ``attach``; these re-exports keep ``from ideaudit.fixes import Fix`` working.
from ideaudit.fixes.attach import attach_fixes, load_fixers
from ideaudit.fixes.base import (
    FIXERS,
    SAFE,
    SHELL,
    UNSAFE,
    DocCache,
    Fix,
    Fixer,
    FixFn,
    FixInput,
    FixSet,
    Unsafe,
    fixer,
)

__all__ = [
    "FIXERS",
    "SAFE",
    "SHELL",
    "UNSAFE",
    "DocCache",
    "Fix",
    "FixFn",
    "FixInput",
    "FixSet",
    "Fixer",
    "Unsafe",
    "attach_fixes",
    "fixer",
    "load_fixers",
]

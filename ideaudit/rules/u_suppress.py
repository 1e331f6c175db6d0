"""U: suppressions.  The check runs in :mod:`ideaudit.findings.suppress` (it needs the findings
of every other rule); the rule is registered here so ``ideaudit rule U001``, the docs,
``--select``/``--ignore`` and SARIF know it."""

from __future__ import annotations

from collections.abc import Iterator

from ideaudit.model import Finding, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import FILES, rule


@rule(
    "U001",
    "unused-suppression",
    "An `ideaudit: ignore[...]` comment hides no finding",
    Severity.WARNING,
    """
    A suppression comment (``// ideaudit: ignore[V001] reason`` in JSONC,
    ``<!-- ideaudit: ignore[J003] reason -->`` in GoLand XML) whose code has no finding
    on its line or the next, or names no rule.  The problem it was written for is gone
    (or it was never on that line), and a stale suppression would silently hide the
    next real problem there.  Reported only when the suppressed code was checked.
    """,
    "Remove the code from the comment (or the whole comment).",
    needs=FILES,
)
def unused_suppression(audit: Audit) -> Iterator[Finding]:
    return iter(())

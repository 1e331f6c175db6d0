"""What ``ideaudit watch`` prints: the difference between two audits.  Pure functions.

Two formats:

``text``
    one block per new or resolved finding, each with a timestamp, the context, where it
    comes from and (for new ones) the fix.
``concise``
    for a VS Code background task: every audit that changed something prints *all*
    current findings, one ``file:line:col: severity CODE message`` line each (the
    ``concise`` report format), between the fixed marker lines :data:`BEGIN` and
    :data:`END`, so the task's problem matcher replaces the Problems panel's entries on
    each cycle (and resolved findings disappear).

Callers pass findings from a scrubbed report (:func:`ideaudit.redact.scrub_report`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence

from ideaudit.model import Finding, Report, Severity
from ideaudit.report import one_line

#: Marker lines of one audit cycle in ``concise`` output (the problem matcher's
#: ``beginsPattern``/``endsPattern`` match their start).
BEGIN = "ideaudit watch: audit started"
END = "ideaudit watch: audit finished"

Key = tuple[str, str, str, int, str]

_MARK = {Severity.ERROR: "✗", Severity.WARNING: "!", Severity.INFO: "•"}
_INDENT = " " * 11


def finding_key(f: Finding) -> Key:
    """A finding's identity across audits: (code, context, file, line, variable)."""
    loc = f.location
    return (
        f.code,
        f.context_id or "",
        loc.file if loc is not None else "",
        (loc.line or 0) if loc is not None else 0,
        f.variable or "",
    )


def index(findings: Iterable[Finding]) -> dict[Key, Finding]:
    return {finding_key(f): f for f in findings}


def diff(old: Mapping[Key, Finding], new: Mapping[Key, Finding]) -> tuple[list[Finding], list[Finding]]:
    """(new findings, resolved findings), each in report order."""
    added = [f for k, f in new.items() if k not in old]
    resolved = [f for k, f in old.items() if k not in new]
    return sorted(added, key=Finding.sort_key), sorted(resolved, key=Finding.sort_key)


def clock(when: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(when))


def _head(f: Finding) -> str:
    where = f.context_label or f.context_id
    text = f"{f.code} {where}: {f.message}" if where else f"{f.code} {f.message}"
    return one_line(text)


def render_changes(added: Sequence[Finding], resolved: Sequence[Finding], when: float) -> str:
    """The ``text`` lines for one audit: new findings (with fix) then resolved ones."""
    stamp = clock(when)
    out: list[str] = []
    for f in added:
        out.append(f"{stamp} new      {_MARK[f.severity]} {_head(f)}")
        if f.location is not None:
            out.append(f"{_INDENT}where: {f.location}")
        if f.fix:
            out.append(f"{_INDENT}fix: {one_line(f.fix)}")
    for f in resolved:
        out.append(f"{stamp} resolved ✓ {_head(f)}")
    return "".join(line + "\n" for line in out)


def render_cycle(report: Report, added: int, resolved: int, when: float) -> str:
    """One ``concise`` cycle: begin marker, every current finding, end marker."""
    from ideaudit.report import concise

    body = concise.render(report)
    s = report.summary
    return (
        f"{BEGIN} {clock(when)}\n"
        f"{body}"
        f"{END} {clock(when)}: {s.errors} errors, {s.warnings} warnings, {s.infos} infos "
        f"({added} new, {resolved} resolved)\n"
    )


def summary_line(added: int, resolved: int, total: int, when: float, changed: Sequence[str]) -> str:
    """A status line for ``-v``: what changed and what the audit found."""
    what = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    counts = f"{added} new, {resolved} resolved, {total} in all"
    return f"{clock(when)} re-audited after changes to {what or 'the plan'}: {counts}\n"

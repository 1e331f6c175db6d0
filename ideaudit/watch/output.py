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
from collections.abc import Collection, Iterable, Mapping, Sequence

from ideaudit._fast.record import record
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


#: Rules that say a file could not be read: what came from it is unknown, not gone.
UNREADABLE = ("E001", "E002")


def unreadable_files(findings: Iterable[Finding]) -> set[str]:
    """The files an audit could not parse or read (E001/E002), as absolute paths."""
    import os

    return {os.path.abspath(f.location.file) for f in findings if f.code in UNREADABLE and f.location}


def sources_in(f: Finding, files: Collection[str], defined_in: Mapping[str, str]) -> tuple[str, ...]:
    """Which of ``files`` ``f`` came from: its location, a layer of its value, or the
    file that defines its context (a launch configuration in launch.json)."""
    import os

    if not files:
        return ()
    paths = [f.location.file] if f.location else []
    paths += [layer.location.file for layer in f.provenance if layer.location]
    if f.context_id and f.context_id in defined_in:
        paths.append(defined_in[f.context_id])
    return tuple(dict.fromkeys(a for a in (os.path.abspath(p) for p in paths) if a in files))


@record(frozen=True)
class Changes:
    """What one audit changed: findings new, resolved, with another value (``changed``:
    (before, now) pairs), and those that now come from a file that cannot be read
    (``unknown``: neither resolved nor still there, reported once)."""

    added: list[Finding]
    resolved: list[Finding]
    changed: list[tuple[Finding, Finding]]
    unknown: list[tuple[Finding, tuple[str, ...]]]  # with the unreadable files it came from
    carried: dict[Key, Finding]  # the unknown ones, remembered until their file reads again


def _value(f: Finding) -> tuple[str, str | None]:
    return (f.message, f.context_value)


def compare(
    old: Mapping[Key, Finding],
    new: Mapping[Key, Finding],
    *,
    unreadable: Collection[str] = (),
    defined_in: Mapping[str, str] = {},
    reported_unknown: Collection[Key] = (),
) -> Changes:
    """The difference between two audits, telling the truth about unreadable files.

    A finding of the last audit that is missing now is *resolved* only if nothing it
    came from is unreadable now; otherwise it is *unknown* and carried over, so it is
    neither "resolved" now nor "new" again once the file parses.  A finding whose key
    (rule, context, file, line, variable) stayed but whose value or message changed
    (GOFLAGS -mod=vendor -> -mod=mod) is *changed*.  A finding that only moved to another
    line (a line inserted above it) is not reported at all.
    """
    added = [f for k, f in new.items() if k not in old]
    changed = [(old[k], f) for k, f in new.items() if k in old and _value(old[k]) != _value(f)]
    resolved: list[Finding] = []
    unknown: list[tuple[Finding, tuple[str, ...]]] = []
    carried: dict[Key, Finding] = {}
    for k, f in old.items():
        if k in new:
            continue
        files = sources_in(f, unreadable, defined_in)
        if files:
            carried[k] = f
            if k not in reported_unknown:
                unknown.append((f, files))
        else:
            resolved.append(f)
    added, resolved, moved_changed = _moved(added, resolved)
    changed += moved_changed
    by_report = Finding.sort_key
    return Changes(
        sorted(added, key=by_report),
        sorted(resolved, key=by_report),
        sorted(changed, key=lambda pair: by_report(pair[1])),
        sorted(unknown, key=lambda pair: by_report(pair[0])),
        carried,
    )


def _moved(
    added: list[Finding], resolved: list[Finding]
) -> tuple[list[Finding], list[Finding], list[tuple[Finding, Finding]]]:
    """Take out the findings that only moved: a line inserted above a finding changes its
    key (the line is part of it), which is not news -- the same rule, context, file and
    variable with the same message is the same finding, said nowhere; with another
    message it is *changed*.  Pairs are matched in report order."""
    if not added or not resolved:
        return added, resolved, []

    def spot(f: Finding) -> tuple[str, str, str, str]:
        loc = f.location
        return (f.code, f.context_id or "", loc.file if loc is not None else "", f.variable or "")

    gone: dict[tuple[str, str, str, str], list[Finding]] = {}
    for f in sorted(resolved, key=Finding.sort_key):
        gone.setdefault(spot(f), []).append(f)
    still_added: list[Finding] = []
    matched: set[int] = set()
    changed: list[tuple[Finding, Finding]] = []
    for f in sorted(added, key=Finding.sort_key):
        candidates = gone.get(spot(f))
        if not candidates:
            still_added.append(f)
            continue
        same = next((b for b in candidates if _value(b) == _value(f)), None)
        before = same if same is not None else candidates[0]
        candidates.remove(before)
        matched.add(id(before))
        if same is None:
            changed.append((before, f))
    return still_added, [f for f in resolved if id(f) not in matched], changed


def clock(when: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(when))


def _head(f: Finding) -> str:
    where = f.context_label or f.context_id
    text = f"{f.code} {where}: {f.message}" if where else f"{f.code} {f.message}"
    return one_line(text)


def render_changes(
    added: Sequence[Finding],
    resolved: Sequence[Finding],
    when: float,
    changed: Sequence[tuple[Finding, Finding]] = (),
    unknown: Sequence[tuple[Finding, Sequence[str]]] = (),
) -> str:
    """The ``text`` lines for one audit: new findings (with fix), changed ones (with the
    value before), those now unknown (with the file that cannot be read), resolved ones."""
    stamp = clock(when)
    out: list[str] = []
    for f in added:
        out.append(f"{stamp} new      {_MARK[f.severity]} {_head(f)}")
        if f.location is not None:
            out.append(f"{_INDENT}where: {f.location}")
        if f.fix:
            out.append(f"{_INDENT}fix: {one_line(f.fix)}")
    for before, f in changed:
        out.append(f"{stamp} changed  {_MARK[f.severity]} {_head(f)}")
        was = before.context_value if before.context_value != f.context_value else before.message
        out.append(f"{_INDENT}was: {one_line(str(was))}")
    for f, files in unknown:
        out.append(f"{stamp} unknown  ? {_head(f)}")
        out.append(f"{_INDENT}cannot tell: {', '.join(files)} cannot be read now; this is not resolved")
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

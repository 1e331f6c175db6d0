"""``--baseline FILE``: today's findings are accepted, CI fails only on new ones.

The file is JSON: ``{"version": 1, "findings": [{"fingerprint", "code", "file",
"message"}...]}``; only the fingerprint matches (see :mod:`ideaudit.findings.fingerprint`),
the rest is for the reader of a diff.  A missing file is written with today's
findings, so the first run records and later runs compare.
"""

from __future__ import annotations

import json
import os

from ideaudit._fast.record import replace
from ideaudit.errors import UsageError
from ideaudit.model import Report, Summary

VERSION = 1


class BaselineError(UsageError, ValueError):
    """A --baseline file that cannot be read or is not ideaudit's."""


def load_baseline(path: str) -> set[str]:
    from ideaudit.sources.saferead import read_text

    try:
        data = json.loads(read_text(path, "text"))
    except (OSError, ValueError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc}") from exc
    items = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise BaselineError(f"{path}: not an ideaudit baseline (no findings list)")
    return {i["fingerprint"] for i in items if isinstance(i, dict) and isinstance(i.get("fingerprint"), str)}


def write_baseline(path: str, report: Report) -> int:
    items = [
        {
            "fingerprint": f.fingerprint,
            "code": f.code,
            "file": f.location.file if f.location else None,
            "message": f.message,
        }
        for f in report.findings
        if f.fingerprint
    ]
    text = json.dumps({"version": VERSION, "findings": items}, indent=2, ensure_ascii=False) + "\n"
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)
    return len(items)


def without_baseline(report: Report, known: set[str]) -> Report:
    """The report minus the findings recorded in the baseline (summary recounted)."""
    from ideaudit.model import Severity

    findings = tuple(f for f in report.findings if f.fingerprint not in known)
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    summary = Summary(
        contexts=report.summary.contexts,
        findings=len(findings),
        errors=errors,
        warnings=warnings,
        infos=len(findings) - errors - warnings,
    )
    return replace(report, findings=findings, summary=summary)


def apply_baseline(report: Report, path: str, update: bool = False) -> Report:
    """Record today's findings in ``path`` (missing file, or ``update``), else drop the
    findings it records; a note on stderr says which happened."""
    import sys

    if update or not os.path.exists(path):
        n = write_baseline(path, report)
        print(f"ideaudit: recorded {n} finding(s) in the baseline {path}", file=sys.stderr)
        return without_baseline(report, {f.fingerprint for f in report.findings if f.fingerprint})
    return without_baseline(report, load_baseline(path))

"""GitHub Actions workflow commands: one annotation per finding.

``::error file=F,line=L,col=C,title=CODE::message`` (``warning`` for warnings,
``notice`` for info).  Files are given relative to the root of the git repository
that holds the workspace (GitHub resolves ``file=`` against it, and the action's
``path`` may be a subfolder), or relative to the workspace when it is in no repository.
Escaping follows the runner's rules (actions/toolkit ``command.ts``): ``%``, CR and LF
in the message; additionally ``:`` and ``,`` in properties.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ideaudit.model import Finding, Report, Severity
from ideaudit.report import SEVERITY_ORDER, labelled_message, one_per_place, repository_path

if TYPE_CHECKING:
    from ideaudit.rules.base import Rule

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(f: Finding, report: Report) -> str:
    props: list[tuple[str, str]] = []
    loc = f.location
    if loc is not None:
        props.append(("file", repository_path(loc.file, report)))
        if loc.line is not None:
            props.append(("line", str(loc.line)))
            if loc.end_line is not None:
                props.append(("endLine", str(loc.end_line)))
            if loc.col is not None:
                props.append(("col", str(loc.col)))
                if loc.end_col is not None:
                    props.append(("endColumn", str(loc.end_col)))
    props.append(("title", f.code))
    message = labelled_message(f)
    if f.fix:
        message += f"\nFix: {f.fix}"
    rendered = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{_COMMAND[f.severity]} {rendered}::{escape_data(message)}"


def render(
    report: Report,
    *,
    color: bool = False,
    verbose: bool = False,
    rules: Mapping[str, Rule] | None = None,
) -> str:
    ordered = sorted(
        one_per_place(report.findings), key=lambda f: (SEVERITY_ORDER[f.severity], *f.sort_key())
    )
    return "".join(_command(f, report) + "\n" for f in ordered)

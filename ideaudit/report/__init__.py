"""Reporters: pure functions from a :class:`~ideaudit.model.Report` to text.

Every format lives in its own module with the same signature::

    def render(report, *, color=False, verbose=False, rules=None) -> str

and is imported lazily by :func:`render` so that ``ideaudit scan`` only pays for the
format it prints.  :func:`render` always passes the report through
:func:`ideaudit.secrets.scrub_report` first: no format can leak a secret.  Reporters do
no I/O and read no environment; colour and verbosity are decided by the caller.

Output ends with a newline unless it is empty (``concise`` and ``github`` print nothing
when there are no findings).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from ideaudit.model import Finding, Location, Report, Severity

if TYPE_CHECKING:
    from ideaudit.rules.registry import Rule

FORMATS = ("text", "concise", "json", "github", "sarif")

_MODULES = {
    "text": "ideaudit.report.text",
    "concise": "ideaudit.report.concise",
    "json": "ideaudit.report.json_format",
    "github": "ideaudit.report.github",
    "sarif": "ideaudit.report.sarif",
}


class _Renderer(Protocol):
    def __call__(
        self,
        report: Report,
        *,
        color: bool = ...,
        verbose: bool = ...,
        rules: Mapping[str, Rule] | None = ...,
    ) -> str: ...


def render(
    report: Report,
    fmt: str,
    *,
    color: bool = False,
    verbose: bool = False,
    rules: Mapping[str, Rule] | None = None,
) -> str:
    """Render ``report`` in format ``fmt`` (one of :data:`FORMATS`), secrets redacted."""
    try:
        module_name = _MODULES[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    from ideaudit.secrets import scrub_report

    module = importlib.import_module(module_name)
    fn: _Renderer = module.render
    return fn(scrub_report(report), color=color, verbose=verbose, rules=rules)


# --- small helpers shared by the format modules (stdlib only) ---------------------------

SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def relpath(file: str, workspace: str) -> str:
    """``file`` relative to ``workspace`` when it lies inside it, else unchanged."""
    root = workspace.rstrip("/\\")
    if root and len(file) > len(root) + 1 and file.startswith(root) and file[len(root)] in "/\\":
        return file[len(root) + 1 :]
    return file


def position(loc: Location | None) -> tuple[int, int]:
    """(line, col) with 1 for what is unknown, as problem matchers want."""
    if loc is None:
        return 1, 1
    return loc.line or 1, loc.col or 1


def one_line(text: str) -> str:
    """Collapse a multi-line message into one line."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def labelled_message(finding: Finding) -> str:
    """The message prefixed with the context it is about, when there is one."""
    label = finding.context_label or finding.context_id
    return f"[{label}] {finding.message}" if label else finding.message

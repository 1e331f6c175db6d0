"""Reporters: pure functions from a :class:`~ideaudit.model.Report` to text.

Every format lives in its own module with the same signature::

    def render(report, *, color=False, verbose=False, rules=None) -> str

and is imported lazily by :func:`render` so that ``ideaudit scan`` only pays for the
format it prints.  :func:`render` always passes the report through
:func:`ideaudit.redact.scrub_report` first: no format can leak a secret.  Reporters do
no I/O and read no environment; colour and verbosity are decided by the caller.

Output ends with a newline unless it is empty (``concise`` and ``github`` print nothing
when there are no findings).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from ideaudit._fast.record import replace
from ideaudit.model import Finding, Location, Report, Severity

if TYPE_CHECKING:
    from ideaudit.rules.base import Rule

FORMATS = ("text", "concise", "json", "github", "sarif")

_MODULES = {
    "text": "ideaudit.report.text",
    "concise": "ideaudit.report.concise",
    "json": "ideaudit.report.json_format",
    "github": "ideaudit.report.github",
    "sarif": "ideaudit.report.sarif",
    "statistics": "ideaudit.report.statistics",  # --statistics, not an --output-format
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
    help_uri_base: str | None = None,
) -> str:
    """Render ``report`` in format ``fmt`` (one of :data:`FORMATS`), secrets redacted.
    ``help_uri_base`` (where docs/rules.md is published) is for ``sarif`` alone."""
    try:
        module_name = _MODULES[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    from ideaudit.redact import scrub_report

    module = importlib.import_module(module_name)
    if fmt == "sarif" and help_uri_base:
        return str(module.render(scrub_report(report), rules=rules, help_uri_base=help_uri_base))
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


def repository_path(file: str, report: Report) -> str:
    """``file`` as GitHub wants it: relative to the repository root when the workspace
    is inside a git repository (GitHub resolves annotation and SARIF paths against it,
    and the workspace may be a subfolder), else relative to the workspace as everywhere.

    ``file`` is as the report holds it: relative to ``report.root``, or absolute."""
    root = report.root or report.workspace
    repo = report.repository
    if not repo:
        return relpath(file, root)
    posix_root = root.replace("\\", "/").rstrip("/")
    full = file if _is_absolute(file) else f"{posix_root}/{file}"
    return relpath(full.replace("\\", "/"), repo.replace("\\", "/"))


def _is_absolute(path: str) -> bool:
    return path.startswith(("/", "\\")) or path[1:3] in (":\\", ":/")


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


def one_per_place(findings: Sequence[Finding]) -> list[Finding]:
    """``findings`` with those at one (file, line, rule) merged into one finding.

    GitHub shows one annotation per workflow command and code scanning one alert per
    result, so two findings of one rule on one line (a cause in two contexts that
    differ in a value) would show as the same complaint twice.  The merged finding has
    the worst severity, every message (each with its context) and every distinct fix.
    Findings without a line are not at a place and are kept as they are.
    """
    places: dict[object, list[Finding]] = {}
    for index, f in enumerate(findings):
        loc = f.location
        key: object = (loc.file, loc.line, f.code) if loc is not None and loc.line else index
        places.setdefault(key, []).append(f)
    out: list[Finding] = []
    for group in places.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        worst = min(group, key=lambda f: SEVERITY_ORDER[f.severity])
        messages = list(dict.fromkeys(labelled_message(f) for f in group))
        fixes = list(dict.fromkeys(f.fix for f in group if f.fix))
        out.append(
            replace(
                worst,
                message="\n".join(messages),
                fix="\n".join(fixes) or None,
                context_id=None,
                context_label=None,
                contexts=tuple(c for f in group for c in f.contexts),
            )
        )
    return out


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def tally(findings: Sequence[Finding]) -> str:
    """``2 errors, 1 warning, 1 info``: each severity as it is (infos only when there
    are some), for the summaries of the report, ``--diff`` and ``--fix``."""
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    infos = len(findings) - errors - warnings
    words = f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
    return words + (f", {plural(infos, 'info')}" if infos else "")

"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` are built from the rule registry passed in (id, name,
short/full description, help, default level); each result has ``ruleId``, ``level``
(error/warning/note), ``message.text`` and, when the finding points at a file, a
physical location.  Files inside the git repository that holds the workspace are
given relative to the ``SRCROOT`` base, the repository root (GitHub code scanning
resolves a relative ``uri`` against it, and the workspace may be a subfolder); with no
repository, relative to the workspace root.  Others are absolute ``file://`` URIs.

For GitHub code scanning: every result has a location (a finding with no file points
at the file that defines its context, else at the workspace's first configuration
file, line 1), ``partialFingerprints`` carry :attr:`Finding.fingerprint` (stable across
runs, checkouts and the current directory), rules have ``help.markdown`` and, when
the user says where docs/rules.md is published (``--help-uri-base``, the
``help-uri-base`` key, ``IDEAUDIT_HELP_URI_BASE``), ``helpUri`` (the rule's anchor
there: SARIF wants an absolute URI, and the project has no public home to invent one),
and the X rules are tagged ``security`` with a ``security-severity`` (GitHub ranks
alerts by it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ideaudit.model import Finding, Location, Report, Severity
from ideaudit.report import SEVERITY_ORDER, labelled_message, one_per_place, repository_path

if TYPE_CHECKING:
    from ideaudit.rules.base import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SRCROOT = "SRCROOT"
FINGERPRINT = "ideauditFingerprint/v1"
# GitHub's scale: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, under 4.0 low.
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}
SECURITY_FAMILIES = ("X",)


def _file_uri(path: str) -> str:
    posix = path.replace("\\", "/")
    if not posix.startswith("/"):
        posix = "/" + posix  # C:/x -> /C:/x
    return "file://" + quote(posix, safe="/:")


def _artifact(file: str, report: Report) -> dict[str, Any]:
    rel = repository_path(file, report)
    if not (rel.startswith("/") or rel[1:3] in (":\\", ":/")):
        return {"uri": quote(rel.replace("\\", "/"), safe="/"), "uriBaseId": SRCROOT}
    return {"uri": _file_uri(rel)}


def _region(loc: Location) -> dict[str, int] | None:
    if loc.line is None:
        return None
    region = {"startLine": loc.line}
    if loc.col is not None:
        region["startColumn"] = loc.col
    if loc.end_line is not None:
        region["endLine"] = loc.end_line
    if loc.end_col is not None:
        region["endColumn"] = loc.end_col
    return region


def _descriptor(rule: Rule, help_uri_base: str | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {"contextKinds": list(rule.kinds), "needs": list(rule.needs)}
    tags = [rule.family]
    if rule.family in SECURITY_FAMILIES:
        tags.append("security")
        props["security-severity"] = SECURITY_SEVERITY[rule.severity]
    props["tags"] = tags
    markdown = f"**{rule.code} {rule.name}**: {rule.title}\n\n{rule.explanation}\n\n**Fix:** {rule.fix}"
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.explanation or rule.title},
        "help": {"text": rule.fix, "markdown": markdown},
    }
    if help_uri_base:
        descriptor["helpUri"] = f"{help_uri_base.split('#', 1)[0]}#{rule.code.lower()}"
    descriptor["defaultConfiguration"] = {"level": LEVEL[rule.severity]}
    descriptor["properties"] = props
    return descriptor


def _fallback_location(f: Finding, report: Report) -> Location | None:
    """Where a finding with no file is shown: the file that defines its context (a
    launch configuration, a run configuration), else the first file that defines any."""
    ids = [c.id for c in f.contexts] or ([f.context_id] if f.context_id else [])
    defined = {c.id: c.defined_at for c in report.contexts if c.defined_at is not None}
    for cid in ids:
        if cid in defined:
            return defined[cid]
    return next(iter(defined.values()), None)


def _result(f: Finding, index: int, report: Report) -> dict[str, Any]:
    text = labelled_message(f)
    if f.fix:
        text += f"\nFix: {f.fix}"
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": index,
        "level": LEVEL[f.severity],
        "message": {"text": text},
    }
    loc = f.location
    if loc is None:
        loc = _fallback_location(f, report)
    if loc is not None:
        physical: dict[str, Any] = {"artifactLocation": _artifact(loc.file, report)}
        region = _region(loc) if loc is f.location else {"startLine": loc.line or 1}
        if region is not None:
            physical["region"] = region
        result["locations"] = [{"physicalLocation": physical}]
    if f.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT: f.fingerprint}
    props: dict[str, Any] = {
        k: v
        for k, v in (
            ("context", f.context_id),
            ("contextLabel", f.context_label),
            ("variable", f.variable),
        )
        if v is not None
    }
    if f.contexts:
        props["contexts"] = [{"id": c.id, "label": c.label} for c in f.contexts]
    if props:
        result["properties"] = props
    return result


def to_sarif(
    report: Report, rules: Mapping[str, Rule] | None = None, help_uri_base: str | None = None
) -> dict[str, Any]:
    rules = rules or {}
    descriptors = [_descriptor(rules[code], help_uri_base) for code in sorted(rules)]
    for code in sorted({f.code for f in report.findings} - set(rules)):
        descriptors.append({"id": code})  # a finding from a rule the caller did not pass
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    ordered = sorted(
        one_per_place(report.findings), key=lambda f: (SEVERITY_ORDER[f.severity], *f.sort_key())
    )
    root = report.repository or report.root or report.workspace
    base = root.replace("\\", "/").rstrip("/") + "/"
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "ideaudit",
                "version": report.version,
                "rules": descriptors,
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": _file_uri(base)}},
        "results": [_result(f, index[f.code], report) for f in ordered],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render(
    report: Report,
    *,
    color: bool = False,
    verbose: bool = False,
    rules: Mapping[str, Rule] | None = None,
    help_uri_base: str | None = None,
) -> str:
    return json.dumps(to_sarif(report, rules, help_uri_base), indent=2, ensure_ascii=False) + "\n"

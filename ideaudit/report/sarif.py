"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` are built from the rule registry passed in (id, name,
short/full description, help, default level); each result has ``ruleId``, ``level``
(error/warning/note), ``message.text`` and, when the finding points at a file, a
physical location.  Files inside the workspace are given relative to the ``SRCROOT``
base (the workspace), others as absolute ``file://`` URIs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ideaudit.model import Finding, Location, Report, Severity
from ideaudit.report import SEVERITY_ORDER, labelled_message, one_per_place, relpath

if TYPE_CHECKING:
    from ideaudit.rules.base import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SRCROOT = "SRCROOT"


def _file_uri(path: str) -> str:
    posix = path.replace("\\", "/")
    if not posix.startswith("/"):
        posix = "/" + posix  # C:/x -> /C:/x
    return "file://" + quote(posix, safe="/:")


def _artifact(file: str, workspace: str) -> dict[str, Any]:
    rel = relpath(file, workspace)
    if rel != file or not (file.startswith("/") or file[1:3] in (":\\", ":/")):
        return {"uri": quote(rel.replace("\\", "/"), safe="/"), "uriBaseId": SRCROOT}
    return {"uri": _file_uri(file)}


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


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.explanation or rule.title},
        "help": {"text": rule.fix},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"contextKinds": list(rule.kinds)},
    }


def _result(f: Finding, index: int, workspace: str) -> dict[str, Any]:
    text = labelled_message(f)
    if f.fix:
        text += f"\nFix: {f.fix}"
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": index,
        "level": LEVEL[f.severity],
        "message": {"text": text},
    }
    if f.location is not None:
        physical: dict[str, Any] = {"artifactLocation": _artifact(f.location.file, workspace)}
        region = _region(f.location)
        if region is not None:
            physical["region"] = region
        result["locations"] = [{"physicalLocation": physical}]
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


def to_sarif(report: Report, rules: Mapping[str, Rule] | None = None) -> dict[str, Any]:
    rules = rules or {}
    descriptors = [_descriptor(rules[code]) for code in sorted(rules)]
    for code in sorted({f.code for f in report.findings} - set(rules)):
        descriptors.append({"id": code})  # a finding from a rule the caller did not pass
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    ordered = sorted(
        one_per_place(report.findings), key=lambda f: (SEVERITY_ORDER[f.severity], *f.sort_key())
    )
    base = report.workspace.replace("\\", "/").rstrip("/") + "/"
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "ideaudit",
                "version": report.version,
                "rules": descriptors,
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": _file_uri(base)}},
        "results": [_result(f, index[f.code], report.workspace) for f in ordered],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render(
    report: Report,
    *,
    color: bool = False,
    verbose: bool = False,
    rules: Mapping[str, Rule] | None = None,
) -> str:
    return json.dumps(to_sarif(report, rules), indent=2, ensure_ascii=False) + "\n"

"""One cause, one finding: the pure grouping, and every format on a real sample."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ideaudit.findings.causes import context_list, group_causes
from ideaudit.model import ContextRef, Edit, Finding, Layer, Location, Severity
from tests.conftest import SAMPLES, shell_path

BASHRC = Location("/home/ana/.bashrc", 2, 1)
IDE = Layer("VS Code environment", "/usr/bin:/bin")
LABELS = {
    "vscode:tools": "VS Code tools (gopls, dlv, go)",
    "vscode:tests": "VS Code tests (code lens, Test Explorer)",
    "vscode:debug:A": "VS Code debug 'A'",
    "vscode:debug:B": "VS Code debug 'B'",
}
ORDER = {cid: i for i, cid in enumerate(LABELS)}


def p001(cid: str, *, where: Location = BASHRC, layer: Layer = IDE, edits: tuple[Edit, ...] = ()) -> Finding:
    label = LABELS[cid]
    return Finding(
        "P001",
        Severity.ERROR,
        f"go is not found in {label}; your shell runs /home/ana/sdk/go/bin/go",
        fix="Put go on PATH in ~/.profile.",
        context_id=cid,
        context_label=label,
        location=where,
        variable="PATH",
        context_value="/usr/bin:/bin",
        shell_value="/home/ana/sdk/go/bin:/usr/bin:/bin",
        provenance=(layer,),
        edits=edits,
    )


def test_one_cause_in_four_contexts_is_one_finding_listing_them_in_report_order() -> None:
    findings = [p001("vscode:debug:B"), p001("vscode:debug:A"), p001("vscode:tests"), p001("vscode:tools")]
    (merged,) = group_causes(findings, ORDER)
    assert merged.context_id is None and merged.context_label is None
    assert [c.id for c in merged.contexts] == list(LABELS)
    assert merged.message == (
        "go is not found in 4 contexts (VS Code tools, tests, debug 'A', 'B'); "
        "your shell runs /home/ana/sdk/go/bin/go"
    )
    assert merged.location == BASHRC and merged.severity is Severity.ERROR


def test_another_deciding_layer_or_place_is_another_cause() -> None:
    own = Layer("launch.json env", "/opt/go/bin", Location("/w/.vscode/launch.json", 9, 5))
    findings = [
        p001("vscode:tools"),
        p001("vscode:tests"),
        p001("vscode:debug:A", where=Location("/w/.vscode/launch.json", 9, 5), layer=own),
    ]
    out = group_causes(findings, ORDER)
    assert len(out) == 2
    assert [c.id for c in out[0].contexts] == ["vscode:tools", "vscode:tests"]
    assert out[1] == findings[2]  # alone: unchanged


def test_workspace_findings_and_single_contexts_are_unchanged() -> None:
    ws = Finding("E001", Severity.ERROR, "cannot parse", location=Location("/w/x.json", 1, 1))
    twice = [ws, ws]
    assert group_causes(twice) == twice
    assert group_causes([p001("vscode:tools")]) == [p001("vscode:tools")]


def test_merged_finding_keeps_every_members_edits_once() -> None:
    a = Edit("/w/.vscode/launch.json", 10, 0, "x")
    b = Edit("/w/.vscode/launch.json", 50, 0, "y")
    (merged,) = group_causes([p001("vscode:debug:A", edits=(a,)), p001("vscode:debug:B", edits=(a, b))])
    assert merged.edits == (a, b)


def test_a_label_at_the_start_of_a_message_reads_as_a_sentence() -> None:
    def m011(cid: str) -> Finding:
        label = LABELS[cid]
        return Finding(
            "M011", Severity.ERROR, f"{label} builds x in GOPATH mode", context_id=cid, context_label=label
        )

    (merged,) = group_causes([m011("vscode:tools"), m011("vscode:tests")], ORDER)
    assert merged.message == "In 2 contexts (VS Code tools, tests): each context builds x in GOPATH mode"


def test_a_verb_after_the_label_agrees_with_the_contexts() -> None:
    def m010(cid: str) -> Finding:
        label = LABELS[cid]
        msg = f"go.mod needs go 1.23; {label} runs go1.22.5"
        return Finding("M010", Severity.INFO, msg, context_id=cid, context_label=label)

    (merged,) = group_causes([m010("vscode:tools"), m010("vscode:tests")], ORDER)
    assert merged.message == "go.mod needs go 1.23; 2 contexts (VS Code tools, tests) run go1.22.5"


def test_context_list_drops_the_words_shared_with_the_previous_label() -> None:
    refs = [ContextRef(cid, label) for cid, label in LABELS.items()]
    assert context_list(refs) == "VS Code tools, tests, debug 'A', 'B'"
    names = [ContextRef(str(i), f"VS Code debug '{n}'") for i, n in enumerate(["Debug one", "Debug Server"])]
    assert context_list(names) == "VS Code debug 'Debug one', 'Debug Server'"
    goland = [ContextRef("g1", "GoLand run 'server'"), ContextRef("v", "VS Code debug 'A'")]
    assert context_list(goland) == "GoLand run 'server', VS Code debug 'A'"


# --- the sample: go only in ~/.bashrc, six launch configurations ---------------------

SAMPLE = SAMPLES / "go-only-in-bashrc-six-configs"
EIGHT = "8 contexts (VS Code tools, tests, debug 'API', 'Worker', 'CLI', 'Migrate', 'Seed', 'Admin')"


def _scan(fmt: str, cache_dir: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": cache_dir}
    args = ["scan", str(SAMPLE), "--home", str(SAMPLE / "home"), "--shell", shell_path("bash")]
    return subprocess.run(
        [sys.executable, "-m", "ideaudit", *args, "--no-go-env", "--output-format", fmt],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize("fmt", ["text", "concise", "github", "sarif", "json"])
def test_go_not_found_is_printed_once_listing_the_contexts(fmt: str, cache_dir: str) -> None:
    proc = _scan(fmt, cache_dir)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    if fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        p001 = [r for r in results if r["ruleId"] == "P001"]
        assert len(p001) == 1
        assert EIGHT in p001[0]["message"]["text"]
        assert len(p001[0]["properties"]["contexts"]) == 8
        regions = [r["locations"][0]["physicalLocation"] for r in results]
        places = [
            (p["artifactLocation"]["uri"], p["region"]["startLine"], r["ruleId"])
            for p, r in zip(regions, results, strict=True)
        ]
        assert len(places) == len(set(places))
    elif fmt == "json":
        data = json.loads(out)
        p001 = [f for f in data["findings"] if f["code"] == "P001"]
        assert len(p001) == 1 and len(p001[0]["contexts"]) == 8
        assert data["summary"]["findings"] == 2 and data["summary"]["errors"] == 1
    else:
        lines = [line for line in out.splitlines() if "P001" in line and "go is not found" in line]
        assert len(lines) == 1, out
        assert EIGHT in lines[0]
    if fmt == "text":
        assert "1 error, 1 warning in 9 of 10 contexts" in out
        assert "✗ VS Code debug 'Seed'  (see P001 above)" in out


def test_github_and_sarif_never_repeat_a_file_line_and_rule() -> None:
    from ideaudit.model import Report, Summary
    from ideaudit.report import render

    where = Location("/w/.vscode/settings.json", 6, 9)
    a = Finding(
        "M006",
        Severity.WARNING,
        "GOFLAGS is -mod=vendor in tools",
        context_id="t",
        context_label="tools",
        location=where,
    )
    b = Finding(
        "M006",
        Severity.ERROR,
        "GOFLAGS is -mod=mod in tests",
        context_id="x",
        context_label="tests",
        location=where,
    )
    other = Finding(
        "M006", Severity.WARNING, "elsewhere", location=Location("/w/.vscode/settings.json", 7, 9)
    )
    report = Report("0", "/w", None, "x", (), (a, b, other), Summary(2, 3, 1, 2, 0))
    github = render(report, "github").splitlines()
    assert len(github) == 2
    merged = next(line for line in github if "line=6" in line)
    assert merged.startswith("::error ") and "-mod=vendor" in merged and "-mod=mod" in merged
    results = json.loads(render(report, "sarif"))["runs"][0]["results"]
    assert len(results) == 2 and {r["level"] for r in results} == {"error", "warning"}

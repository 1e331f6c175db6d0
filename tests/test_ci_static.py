"""CI use: --static on a bare machine, paths whatever the cwd, SARIF as code scanning wants."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLES

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


def _bare(*args: str, cwd: Path | None = None, home: Path) -> subprocess.CompletedProcess[str]:
    """ideaudit as on a CI runner: no Go, no dotfiles, a minimal PATH (env -i)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "ideaudit", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


def _copy(case: str, tmp_path: Path) -> Path:
    ws = tmp_path / case
    shutil.copytree(SAMPLES / case, ws, ignore=shutil.ignore_patterns("home", "expected.json"))
    return ws


def test_static_on_a_clean_sample_exits_zero(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    done = _bare("scan", "--static", str(_copy("clean", tmp_path)), home=home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Static mode" in done.stdout


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("showcase", {"V001", "G002", "P005"}),
        ("vscode-hygiene", {"V001", "V002", "V003", "V004", "V006", "V007", "V009"}),
        ("launch-port-on-launch", {"D002", "D003", "D006"}),
        ("goland-run-config-env", {"J003", "J004", "J008", "P005"}),
        ("launch-path-hardcoded", {"P005"}),
    ],
)
def test_static_on_a_broken_sample_reports_committed_file_findings_only(
    case: str, expected: set[str], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    ws = _copy(case, tmp_path)
    done = _bare("scan", "--static", str(ws), "--output-format", "json", home=home)
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads(done.stdout)
    codes = {f["code"] for f in report["findings"]}
    assert codes == expected
    from ideaudit.rules.catalog import load_all

    rules = load_all()
    assert all(rules[c].static for c in codes)
    # what needs more did not run, and the report says so
    assert report["static"] is True
    assert set(report["skipped_rules"]) == {c for c, r in rules.items() if not r.static}
    assert "P001" in report["skipped_rules"] and "S001" in report["skipped_rules"]
    # every finding points into a committed file of the workspace
    for f in report["findings"]:
        assert (ws / f["location"]["file"]).is_file(), f


def test_static_runs_no_shell_and_no_go(tmp_path: Path) -> None:
    """A workspace whose settings name a `go` that would leave a mark if run, and a
    login shell that would leave a mark if started: static mode starts neither."""
    ws = _copy("showcase", tmp_path)
    mark = tmp_path / "ran"
    fake = tmp_path / "bin"
    fake.mkdir()
    for name in ("go", "sh"):
        script = fake / name
        script.write_text(f"#!/bin/sh\necho {name} >> {mark}\n")
        script.chmod(0o755)
    (ws / ".vscode" / "settings.json").write_text(
        json.dumps({"go.alternateTools": {"go": str(fake / "go")}, "go.goroot": str(tmp_path)})
    )
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": f"{fake}:/usr/bin:/bin", "HOME": str(home), "SHELL": str(fake / "sh")}
    done = subprocess.run(
        [sys.executable, "-m", "ideaudit", "scan", "--static", str(ws), "--trust"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode in (0, 1), done.stderr
    assert not mark.exists(), mark.read_text()


def test_static_from_the_config_file(tmp_path: Path) -> None:
    ws = _copy("showcase", tmp_path)
    (ws / ".ideaudit.toml").write_text("static = true\n")
    home = tmp_path / "home"
    home.mkdir()
    report = json.loads(_bare("scan", str(ws), "--output-format", "json", home=home).stdout)
    assert report["static"] is True
    assert {f["code"] for f in report["findings"]} == {"V001", "G002", "P005"}


def _locations(doc: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [
        (
            loc["physicalLocation"]["artifactLocation"]["uri"],
            loc["physicalLocation"]["artifactLocation"].get("uriBaseId"),
        )
        for r in doc["runs"][0]["results"]
        for loc in r["locations"]
    ]


def test_locations_are_the_same_from_any_directory_and_resolve(tmp_path: Path) -> None:
    ws = _copy("vscode-hygiene", tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    outputs: dict[str, dict[str, Any]] = {}
    for fmt in ("sarif", "json"):
        above = _bare(
            "scan", "--static", str(ws.relative_to(tmp_path)), "--output-format", fmt, cwd=tmp_path, home=home
        )
        inside = _bare("scan", "--static", ".", "--output-format", fmt, cwd=ws / ".vscode" / "..", home=home)
        deep = _bare("scan", "--static", "..", "--output-format", fmt, cwd=ws / ".vscode", home=home)
        docs = [json.loads(d.stdout) for d in (above, inside, deep)]
        assert docs[0] == docs[1] == docs[2]
        outputs[fmt] = docs[0]
    sarif, report = outputs["sarif"], outputs["json"]
    assert report["root"] == str(ws)
    base = sarif["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base == ws.as_uri() + "/"
    locs = _locations(sarif)
    assert len(locs) == len(sarif["runs"][0]["results"]) >= 7
    for uri, base_id in locs:
        assert base_id == "SRCROOT" and (ws / uri).is_file(), uri
    for f in report["findings"]:
        assert (Path(report["root"]) / f["location"]["file"]).is_file()


def test_sarif_is_valid_and_what_code_scanning_wants(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    ws = _copy("secret-in-launch", tmp_path)
    (ws / ".vscode" / "settings.json").write_text('{"go.testEnvVars": {"H": "${env:HOME}"}}\n')
    home = tmp_path / "home"
    home.mkdir()
    first = json.loads(_bare("scan", "--static", str(ws), "--output-format", "sarif", home=home).stdout)
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(first)

    run = first["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    for r in rules.values():
        assert "helpUri" not in r  # no public home configured: no invented link
        assert r["help"]["markdown"]
    base = "https://git.example.com/team/ideaudit/blob/v0.1.0/docs/rules.md"
    linked = json.loads(
        _bare(
            "scan", "--static", str(ws), "--output-format", "sarif", "--help-uri-base", base, home=home
        ).stdout
    )
    jsonschema.Draft4Validator(schema).validate(linked)
    for r in linked["runs"][0]["tool"]["driver"]["rules"]:
        assert r["helpUri"] == f"{base}#{r['id'].lower()}"
    assert "security" in rules["X001"]["properties"]["tags"]
    assert float(rules["X001"]["properties"]["security-severity"]) >= 7.0
    assert "security" not in rules["V006"]["properties"]["tags"]
    results = run["results"]
    assert {r["ruleId"] for r in results} >= {"X001", "V006"}
    assert all(r["locations"] and r["partialFingerprints"] for r in results)
    prints = [next(iter(r["partialFingerprints"].values())) for r in results]
    assert len(set(prints)) == len(prints)

    # another checkout, a line added above the findings: the same fingerprints
    moved = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(ws, moved)
    launch = moved / ".vscode" / "launch.json"
    launch.write_text("// a new comment line\n" + launch.read_text())
    again = json.loads(
        _bare("scan", "--static", ".", "--output-format", "sarif", cwd=moved, home=home).stdout
    )
    prints_again = [next(iter(r["partialFingerprints"].values())) for r in again["runs"][0]["results"]]
    assert sorted(prints_again) == sorted(prints)
    lines = {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results}
    lines_again = {
        r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in again["runs"][0]["results"]
    }
    assert lines_again["X001"] == lines["X001"] + 1


def test_a_finding_about_a_context_without_a_file_points_at_its_definition() -> None:
    from ideaudit.model import ContextReport, Finding, Location, Report, Severity, Summary
    from ideaudit.report.sarif import to_sarif

    ctx = ContextReport(
        id="vscode:debug:Run",
        label="VS Code debug 'Run'",
        ide="vscode",
        kind="debug",
        folder="/w",
        defined_at=Location(".vscode/launch.json", 4, 5),
        tools=(),
        env={},
    )
    f = Finding("P002", Severity.ERROR, "dlv is not found", context_id=ctx.id, context_label=ctx.label)
    report = Report("0", "/w", None, "x", (ctx,), (f,), Summary(1, 1, 1, 0, 0), root="/w")
    (result,) = to_sarif(report)["runs"][0]["results"]
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": ".vscode/launch.json", "uriBaseId": "SRCROOT"}
    assert physical["region"] == {"startLine": 4}


def test_static_is_listed_by_rule_and_docs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ideaudit", "rule", "P001"], capture_output=True, text=True, check=True
    ).stdout
    assert "Needs: files, your shell" in out
    assert "--static: skipped" in out
    docs = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text()
    assert "Needs: files, your shell" in docs and "Needs: files." in docs
    assert os.path.exists(SCHEMA)

"""Suppression comments, per-file-ignores, U001, --baseline and --statistics, through
the real CLI in static mode on copies of the sample workspaces."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import SAMPLES


def _copy(case: str, tmp_path: Path) -> Path:
    ws = tmp_path / case
    shutil.copytree(SAMPLES / case, ws, ignore=shutil.ignore_patterns("home", "expected.json"))
    return ws


def _scan(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ideaudit", "scan", "--static", str(ws), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _report(ws: Path, *args: str) -> dict[str, Any]:
    done = _scan(ws, "--output-format", "json", *args)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _codes(report: dict[str, Any]) -> list[str]:
    return sorted(f["code"] for f in report["findings"])


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_jsonc_comment_on_the_line_above_and_on_the_line(tmp_path: Path) -> None:
    ws = _copy("vscode-hygiene", tmp_path)
    launch = ws / ".vscode" / "launch.json"
    before = _codes(_report(ws))
    assert "V001" in before and "V007" in before
    _edit(
        launch,
        '"dlvToolPath"',
        '// ideaudit: ignore[V001] our image ships dlv there\n            "dlvToolPath"',
    )
    _edit(launch, '"-gcflags=all=-N",', '"-gcflags=all=-N", // ideaudit: ignore[V007] known')
    after = _codes(_report(ws))
    assert "V001" not in after and "V007" not in after
    assert sorted([*after, "V001", "V007"]) == before  # nothing else moved, no U001


def test_an_unused_suppression_is_reported(tmp_path: Path) -> None:
    ws = _copy("vscode-hygiene", tmp_path)
    launch = ws / ".vscode" / "launch.json"
    _edit(launch, '"mode": "debug",', '"mode": "debug", // ideaudit: ignore[D002,Q123] stale')
    report = _report(ws)
    unused = [f for f in report["findings"] if f["code"] == "U001"]
    assert sorted(f["message"] for f in unused) == [
        "Unused suppression: ignore[D002] matches no finding on this line or the next",
        "Unused suppression: ignore[Q123] names no rule",
    ]
    assert all(f["location"]["file"] == ".vscode/launch.json" and f["location"]["line"] == 8 for f in unused)
    # not checked in this run: cannot be called unused
    assert "U001" not in _codes(_report(ws, "--select", "V"))
    assert "U001" not in _codes(_report(ws, "--ignore", "U001"))


def test_goland_xml_comment_and_per_file_ignores(tmp_path: Path) -> None:
    ws = _copy("goland-run-config-env", tmp_path)
    server = ws / ".run" / "server.run.xml"
    assert _codes(_report(ws)).count("J003") == 2
    _edit(
        server,
        '      <env name="GOFLAGS"',
        '      <!-- ideaudit: ignore[J003] CI needs -mod=mod -->\n      <env name="GOFLAGS"',
    )
    codes = _codes(_report(ws))
    assert codes.count("J003") == 1 and "U001" not in codes
    (ws / ".ideaudit.toml").write_text('[per-file-ignores]\n".run/*.xml" = ["J"]\n')
    report = _report(ws)
    assert [f["location"]["file"] for f in report["findings"] if f["code"].startswith("J")] == [
        ".idea/runConfigurations/deploy.xml"
    ]
    assert "P005" in _codes(report)  # only J was ignored there


def test_baseline_fails_only_on_a_new_finding(tmp_path: Path) -> None:
    ws = _copy("vscode-hygiene", tmp_path)
    baseline = tmp_path / "baseline.json"
    first = _scan(ws, "--baseline", str(baseline))
    assert first.returncode == 0, first.stdout + first.stderr  # recorded, nothing new
    assert "recorded 7 finding(s)" in first.stderr
    recorded = json.loads(baseline.read_text())
    assert len(recorded["findings"]) == 7
    # lines move (a comment added on top): still nothing new
    launch = ws / ".vscode" / "launch.json"
    launch.write_text("// moved\n" + launch.read_text())
    again = _scan(ws, "--baseline", str(baseline), "--output-format", "concise")
    assert again.returncode == 0 and again.stdout == "", again.stdout
    # a new finding: only it is reported, and the run fails
    _edit(launch, '"mode": "debug",', '"mode": "debug", "port": 2345,')
    new = _scan(ws, "--baseline", str(baseline), "--output-format", "concise")
    assert new.returncode == 1
    assert [line.split()[2] for line in new.stdout.splitlines()] == ["D002"]


def test_statistics_counts_per_rule(tmp_path: Path) -> None:
    ws = _copy("goland-run-config-env", tmp_path)
    done = _scan(ws, "--statistics")
    assert done.returncode == 1
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert [(r[0].strip(), r[1]) for r in rows] == [
        ("2", "J003"),
        ("1", "J004"),
        ("1", "J008"),
        ("1", "P005"),
    ]
    assert "run configuration's environment overrides" in rows[0][2]

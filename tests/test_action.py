"""The composite GitHub Action: its scan step runs as a runner runs it (bash, the step's
env, GITHUB_OUTPUT), with the installed ideaudit standing in for the step that pip
installs it; the SARIF it writes validates and the exit status follows ``fail-on``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[1]


def _action() -> dict[str, object]:
    return yaml.safe_load((ROOT / "action.yml").read_text())  # type: ignore[no-any-return]


def _scan_step(tmp_path: Path, ws: Path, fail_on: str, sarif: str) -> tuple[int, dict[str, str], str]:
    action = _action()
    steps = action["runs"]["steps"]  # type: ignore[index]
    step = next(s for s in steps if s.get("id") == "scan")
    runner = tmp_path / "runner"
    venv_bin = runner / "ideaudit-venv" / "bin"
    venv_bin.mkdir(parents=True)
    exe = Path(sys.executable).parent / "ideaudit"
    if not exe.exists():
        pytest.skip("the ideaudit console script is not installed")
    (venv_bin / "ideaudit").symlink_to(exe)
    output = tmp_path / "github_output"
    output.touch()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "RUNNER_TEMP": str(runner),
        "GITHUB_OUTPUT": str(output),
        "INPUT_PATH": str(ws),
        "INPUT_FAIL_ON": fail_on,
        "INPUT_SARIF": sarif,
    }
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return done.returncode, outputs, done.stdout


def test_action_inputs_and_composite_shape() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"  # type: ignore[index]
    assert {"path", "fail-on", "sarif-file"} <= set(action["inputs"])  # type: ignore[arg-type]
    text = (ROOT / "action.yml").read_text()
    assert "--static" in text
    readme = (ROOT / "README.md").read_text()
    assert "github/codeql-action/upload-sarif" in readme and "/ideaudit@v" in readme


def test_action_scan_step_writes_sarif_and_fails_on_findings(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLES / "vscode-hygiene", ws, ignore=shutil.ignore_patterns("home", "expected.json"))
    status, outputs, stdout = _scan_step(tmp_path, ws, "warning", "out.sarif")
    assert status == 1
    assert outputs["sarif-file"] == "out.sarif"
    doc = json.loads((tmp_path / "out.sarif").read_text())
    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(doc)
    assert doc["runs"][0]["results"]
    assert "::warning file=.vscode/launch.json," in stdout  # annotations on the pull request
    # only errors fail: vscode-hygiene has one (V002), so still 1; info: also 1
    assert _scan_step(tmp_path / "e", ws, "error", "")[0] == 1


def test_action_scan_step_passes_a_clean_workspace(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLES / "clean", ws, ignore=shutil.ignore_patterns("home", "expected.json"))
    status, outputs, _ = _scan_step(tmp_path, ws, "warning", "")
    assert status == 0 and outputs["sarif-file"] == ""
    assert os.listdir(tmp_path / "runner")  # the step used the runner's venv

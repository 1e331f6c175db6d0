"""The D and V011/V012 fixers on real copies of their samples: what is fixed is gone on
the re-scan and nothing new appears (an ``${env:X}`` is written only for a variable
VS Code has, so no V005 follows)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ideaudit.fixes import SAFE, UNSAFE
from ideaudit.fixes.run import fix_rounds
from ideaudit.pipeline import ScanOptions, scan
from tests.conftest import SAMPLES, shell_path


def _scan_copy(case: str, tmp_path: Path, cache_dir: str) -> tuple[Path, ScanOptions]:
    copy = tmp_path / case
    shutil.copytree(SAMPLES / case, copy)
    opts = ScanOptions(
        path=str(copy), home=str(copy / "home"), shell=shell_path("bash"), cache_dir=cache_dir, go_env=False
    )
    return copy, opts


def _keys(findings: object) -> set[tuple[str, str | None, str | None]]:
    return {(f.code, f.context_id, f.variable) for f in findings}  # type: ignore[attr-defined]


def test_shell_syntax_is_rewritten_only_for_variables_vscode_has(tmp_path: Path, cache_dir: str) -> None:
    copy, opts = _scan_copy("launch-shell-syntax", tmp_path, cache_dir)
    first = scan(opts)
    outcome = fix_rounds(opts, first, [SAFE], scan)
    text = (copy / ".vscode" / "launch.json").read_text()
    assert '"${env:HOME}/.config/api.yaml"' in text and '"--cache=${userHome}/cache"' in text
    assert '"${GOPATH}/data"' in text  # GOPATH is not in VS Code's environment here: left alone
    left = {f.variable for f in outcome.result.findings if f.code == "D007"}
    assert left == {"args[4]", "CONFIG_DIR", "buildFlags"}
    assert not (_keys(outcome.result.findings) - _keys(first.findings))  # nothing new, no V005


def test_port_and_host_go_only_with_unsafe_fixes(tmp_path: Path, cache_dir: str) -> None:
    copy, opts = _scan_copy("launch-port-on-launch", tmp_path, cache_dir)
    first = scan(opts)
    safe = fix_rounds(opts, first, [SAFE], scan)
    codes = {f.code for f in safe.result.findings}
    assert "D002" in codes and "D006" not in codes  # remotePath on a launch request: safe
    unsafe = fix_rounds(opts, scan(opts), [SAFE, UNSAFE], scan)
    assert "D002" not in {f.code for f in unsafe.result.findings}
    launch = (copy / ".vscode" / "launch.json").read_text()
    first_config = launch.split('"name": "Attach to server"')[0]
    assert '"port"' not in first_config and '"host"' not in first_config
    assert '"port": 2345' in launch  # the remote attach keeps its server address


def test_removed_settings_and_workspace_root(tmp_path: Path, cache_dir: str) -> None:
    copy, opts = _scan_copy("vscode-deprecated", tmp_path, cache_dir)
    outcome = fix_rounds(opts, scan(opts), [SAFE], scan)
    settings = (copy / ".vscode" / "settings.json").read_text()
    assert "go.gocodeAutoBuild" not in settings and "go.buildOnSave" in settings  # deprecated stays
    assert "${workspaceRoot}" not in settings + (copy / ".vscode" / "launch.json").read_text()
    assert {(f.code, f.variable) for f in outcome.result.findings} == {("V011", "go.buildOnSave")}

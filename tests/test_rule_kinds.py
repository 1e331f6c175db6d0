"""Rules only where they apply: a context that builds nothing gets no build-time finding."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ideaudit.model import Finding, Severity
from ideaudit.pipeline import ScanOptions, scan
from ideaudit.rules.base import BUILDS, KINDS, rule, where_it_applies
from ideaudit.rules.catalog import load_all
from tests.conftest import shell_path

LAUNCH = {
    "version": "0.2.0",
    "configurations": [
        {
            "name": "Build",
            "type": "go",
            "request": "launch",
            "mode": "debug",
            "program": "${workspaceFolder}",
        },
        {"name": "Prebuilt", "type": "go", "request": "launch", "mode": "exec", "program": "/bin/true"},
        {"name": "Core", "type": "go", "request": "launch", "mode": "core", "program": "/bin/true"},
        {"name": "Remote", "type": "go", "request": "attach", "mode": "remote", "port": 2345},
        {"name": "Local", "type": "go", "request": "attach", "mode": "local", "processId": 1},
    ],
}


def _workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    (ws / "home").mkdir()
    (ws / "go.mod").write_text("module example.com/k\n\ngo 1.19\n")
    (ws / ".vscode" / "launch.json").write_text(json.dumps(LAUNCH))
    settings = {
        "go.toolsEnvVars": {"GOFLAGS": "-mod=mod", "CGO_ENABLED": "0", "GO111MODULE": "off"},
        "go.testEnvVars": {"GOPROXY": "${env:HOME}/proxy"},
    }
    (ws / ".vscode" / "settings.json").write_text(json.dumps(settings))
    return ws


def test_build_time_findings_skip_attach_exec_and_core(tmp_path: Path, cache_dir: str) -> None:
    ws = _workspace(tmp_path)
    opts = ScanOptions(
        path=str(ws), home=str(ws / "home"), shell=shell_path("bash"), cache_dir=cache_dir, go_env=False
    )
    result = scan(opts)
    kinds = {c.id: c.kind for c in result.audit.contexts}
    assert kinds["vscode:debug:Prebuilt"] == "exec" and kinds["vscode:debug:Core"] == "exec"
    assert kinds["vscode:debug:Remote"] == "attach" and kinds["vscode:debug:Build"] == "debug"
    by_code: dict[str, set[str]] = {}
    for f in result.findings:
        by_code.setdefault(f.code, set()).add(f.context_id or "")
    # GOFLAGS, CGO_ENABLED, GOPATH mode: where go builds, and nowhere else.
    for code in ("M006", "C001", "M011"):
        assert "vscode:debug:Build" in by_code[code], (code, by_code)
        assert not by_code[code] & {
            "vscode:debug:Prebuilt",
            "vscode:debug:Core",
            "vscode:debug:Remote",
            "vscode:debug:Local",
        }, (code, by_code)
    # A test-only setting: only the tests context.
    assert by_code["V006"] == {"vscode:tests"}


def test_the_engine_filters_and_keeps_findings_about_no_context() -> None:
    rules = load_all()
    assert rules["M010"].kinds == BUILDS and rules["X001"].kinds == KINDS
    m010 = Finding("M010", Severity.ERROR, "old go", context_id="a")
    ws = Finding("M010", Severity.ERROR, "old go")
    kept = where_it_applies(
        [m010, ws, Finding("M010", Severity.ERROR, "x", context_id="b")], {"a": "attach", "b": "debug"}
    )
    assert [f.message for f in kept] == ["old go", "x"]


def test_an_unknown_kind_is_refused_at_registration() -> None:
    try:
        rule("Z999", "z", "z", Severity.INFO, "z", "z", kinds=("debugg",), needs=("files",))(lambda audit: [])
    except ValueError as exc:
        assert "debugg" in str(exc)
    else:
        raise AssertionError("an unknown kind was accepted")


def test_rule_command_and_docs_show_the_kinds() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ideaudit", "rule", "M006"], capture_output=True, text=True, check=True
    ).stdout
    assert "Applies to: shell, terminal, tools, tests, debug" in out
    listing = subprocess.run(
        [sys.executable, "-m", "ideaudit", "rule"], capture_output=True, text=True, check=True
    ).stdout
    assert "V006" in listing and "[tests]" in listing.split("V006", 1)[1].splitlines()[0]


def test_a_prebuilt_exec_still_needs_dlv(tmp_path: Path, cache_dir: str) -> None:
    ws = _workspace(tmp_path)
    # No dlv anywhere, but go in the shell (so P009 does not speak first).
    sdk = ws / "home" / "sdk" / "bin"
    sdk.mkdir(parents=True)
    (sdk / "go").write_text("#!/bin/sh\nexit 0\n")
    (sdk / "go").chmod(0o755)
    for rc in (".profile", ".bashrc"):  # the IDE's login shell and your terminal
        (ws / "home" / rc).write_text(f'export PATH="{sdk}:$PATH"\n')
    opts = ScanOptions(
        path=str(ws), home=str(ws / "home"), shell=shell_path("bash"), cache_dir=cache_dir, go_env=False
    )
    p002 = {f.context_id for f in scan(opts).findings if f.code == "P002"}
    assert {"vscode:debug:Prebuilt", "vscode:debug:Remote", "vscode:debug:Build"} <= p002


def test_go_only_for_the_ide_is_not_go_not_installed(tmp_path: Path, cache_dir: str) -> None:
    """go on PATH through ~/.profile only: the IDE's login shell finds it, a bare `bash -i`
    does not.  Go is installed, so no P009 (seen on every public repository tried with
    such a home); and dlv/gopls findings are not silenced as if there were no go."""
    ws = _workspace(tmp_path)
    sdk = ws / "home" / "sdk" / "bin"
    sdk.mkdir(parents=True)
    (sdk / "go").write_text("#!/bin/sh\nexit 0\n")
    (sdk / "go").chmod(0o755)
    (ws / "home" / ".profile").write_text(f'export PATH="{sdk}:$PATH"\n')
    opts = ScanOptions(
        path=str(ws), home=str(ws / "home"), shell=shell_path("bash"), cache_dir=cache_dir, go_env=False
    )
    codes = {f.code for f in scan(opts).findings}
    assert "P009" not in codes
    assert "P002" in codes  # no dlv anywhere: said, since go is there to `go install` it

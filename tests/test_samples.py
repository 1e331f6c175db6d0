"""Acceptance: every sample workspace gives exactly its expected findings.

Data-driven (as check-jsonschema's acceptance tests): each
``sample_workspaces/<case>/expected.json`` lists the findings as (code, context, file,
line) under real bash, zsh and fish on the sample's own ``home/``; ``by_shell``
overrides the list for shells where the pitfall does not exist (zsh and fish read
their rc files in the login shell VS Code starts, so a ``.bashrc``-only PATH is a bash
pitfall).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ideaudit.pipeline import ScanOptions, scan
from tests.conftest import SAMPLES, shell_path
from tests.toolchains import toolchain

CASES = sorted(p.name for p in SAMPLES.iterdir() if (p / "expected.json").is_file())
SHELLS = ("bash", "zsh", "fish")


def load_expected(case: str, shell: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = json.loads((SAMPLES / case / "expected.json").read_text())
    findings = data.get("by_shell", {}).get(shell, data["findings"])
    return data.get("args", {}), findings


def as_rows(items: list[dict[str, Any]]) -> list[tuple[str, str, str, int]]:
    return sorted((i["code"], i["context"] or "", i["file"] or "", i["line"] or 0) for i in items)


def test_there_are_enough_samples() -> None:
    assert len(CASES) >= 8
    assert "clean" in CASES


def prepare(case: str, tmp_path: Path) -> Path:
    """The sample folder to scan.  A sample that needs real Go toolchains names them in
    ``args.links`` (``{"home/sdk/go1.27": "go1.27"}``); it is copied and the links made,
    since a toolchain's path differs from machine to machine."""
    sample = SAMPLES / case
    args = json.loads((sample / "expected.json").read_text()).get("args", {})
    links = args.get("links", {})
    if not links and not args.get("direnv_allow"):
        return sample
    copy = tmp_path / case
    shutil.copytree(sample, copy, symlinks=True)
    for rel, name in links.items():
        target = copy / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(toolchain(name), target_is_directory=True)
    if args.get("direnv_allow"):
        direnv_allow(copy, copy / "home")
    return copy


def direnv_allow(project: Path, home: Path) -> None:
    """``direnv allow`` the project's .envrc in ``home``'s own allow list (real direnv;
    the allow list keys on the file's absolute path, so it is made on the copy)."""
    direnv = shutil.which("direnv")
    if direnv is None:
        pytest.skip("direnv is not installed (CI installs Debian's direnv package)")
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", ""), "XDG_DATA_HOME": str(home / ".local/share")}
    env["XDG_CONFIG_HOME"] = str(home / ".config")
    subprocess.run([direnv, "allow", str(project)], env=env, check=True, capture_output=True, timeout=30)


def options(sample: Path, args: dict[str, Any], shell: str, cache_dir: str) -> ScanOptions:
    return ScanOptions(
        path=str(sample),
        home=str(sample / "home"),
        shell=shell,
        ide_env=str(sample / args["ide_env"]) if args.get("ide_env") else None,
        cache_dir=cache_dir,
        go_env=args.get("go_env", True),
        trust=args.get("trust", False),
    )


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("case", CASES)
def test_sample_gives_exactly_its_findings(case: str, shell: str, cache_dir: str, tmp_path: Path) -> None:
    sh = shell_path(shell)
    args, expected = load_expected(case, shell)
    sample = prepare(case, tmp_path)
    result = scan(options(sample, args, sh, cache_dir))
    got = []
    for f in result.findings:
        loc = f.location
        file = os.path.relpath(os.path.abspath(loc.file), sample) if loc is not None and loc.line else None
        got.append(
            {
                "code": f.code,
                "context": f.context_id,
                "file": file,
                "line": loc.line if file else None,
            }
        )
    assert as_rows(got) == as_rows(expected), "\n".join(
        f"{f.code} {f.context_id} {f.location}: {f.message}" for f in result.findings
    )
    # Every question a rule asked about the disk was answered before the rules ran.
    assert result.audit.disk.misses == []


def test_every_sample_has_a_readme_line_and_a_home() -> None:
    for case in CASES:
        readme = (SAMPLES / case / "README.md").read_text().strip()
        assert readme and "\n" not in readme, case
        assert (SAMPLES / case / "home").is_dir(), case


def _cli(*args: str, cache_dir: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": cache_dir}
    return subprocess.run(
        [sys.executable, "-m", "ideaudit", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_cli_on_the_showcase_prints_locations_contexts_values_and_fixes(cache_dir: str) -> None:
    bash = shell_path("bash")
    sample = SAMPLES / "path-only-in-bashrc"
    proc = _cli(
        "scan",
        str(sample),
        "--home",
        str(sample / "home"),
        "--shell",
        bash,
        "--no-go-env",
        cache_dir=cache_dir,
    )
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "✗ VS Code debug 'Launch API'" in out
    assert "P001" in out and "home/.bashrc:2" in out
    assert "in your shell:" in out and "in this context:" in out and "fix:" in out
    assert "\x1b[" not in out  # NO_COLOR and not a terminal
    # One cause (go's line is in ~/.bashrc), one finding, listing the contexts it affects.
    assert out.count("✗ P001 ") == 1
    assert "go is not found in 3 contexts (VS Code tools, tests, debug 'Launch API')" in out
    assert "✗ VS Code tests (code lens, Test Explorer)  (see P001 above)" in out
    assert "1 error, 1 warning in 4 of 5 contexts" in out


def test_cli_clean_sample_exits_zero(cache_dir: str) -> None:
    bash = shell_path("bash")
    sample = SAMPLES / "clean"
    proc = _cli(
        "scan",
        str(sample),
        "--home",
        str(sample / "home"),
        "--shell",
        bash,
        "--no-go-env",
        cache_dir=cache_dir,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No problems found" in proc.stdout


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "github", "sarif"])
def test_planted_secrets_appear_in_no_output_format(fmt: str, cache_dir: str) -> None:
    bash = shell_path("bash")
    sample = SAMPLES / "secret-in-launch"
    proc = _cli(
        "scan",
        str(sample),
        "--home",
        str(sample / "home"),
        "--shell",
        bash,
        "--no-go-env",
        "--output-format",
        fmt,
        "-v",
        cache_dir=cache_dir,
    )
    assert proc.returncode == 1, proc.stderr
    for secret in (
        "ghp_plantedTokenAbcdef0123456789ABCDEFabcd",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTEDKEY",
        "pl4nted-pass",
    ):
        assert secret not in proc.stdout and secret not in proc.stderr
    assert "X001" in proc.stdout


def test_select_and_ignore(cache_dir: str) -> None:
    bash = shell_path("bash")
    sample = SAMPLES / "vscode-hygiene"
    base = [
        "scan",
        str(sample),
        "--home",
        str(sample / "home"),
        "--shell",
        bash,
        "--no-go-env",
        "--output-format",
        "concise",
    ]
    only = _cli(*base, "--select", "V001,V002", cache_dir=cache_dir)
    codes = {line.split()[2] for line in only.stdout.splitlines()}
    assert codes == {"V001", "V002"}
    rest = _cli(*base, "--ignore", "V", cache_dir=cache_dir)
    assert rest.returncode == 0 and rest.stdout == ""


def test_usage_errors_exit_2(cache_dir: str) -> None:
    assert _cli("scan", "/nonexistent/workspace", cache_dir=cache_dir).returncode == 2
    assert _cli("scan", "--output-format", "xml", cache_dir=cache_dir).returncode == 2
    assert _cli("frobnicate", cache_dir=cache_dir).returncode == 2
    typo = _cli("scan", "--select", "P0O1", cache_dir=cache_dir)
    assert typo.returncode == 2 and "no rule matches P0O1" in typo.stderr


def test_version_and_rule_explanations(cache_dir: str) -> None:
    proc = _cli("--version", cache_dir=cache_dir)
    assert proc.returncode == 0 and proc.stdout.startswith("ideaudit ")
    listing = _cli("rule", cache_dir=cache_dir).stdout
    for code in ("E001", "E003", "P001", "P005", "R002", "G002", "M001", "C003", "V005", "X001"):
        assert code in listing
    explained = _cli("rule", "p001", cache_dir=cache_dir)
    assert explained.returncode == 0 and "Fix:" in explained.stdout


@pytest.mark.parametrize(
    ("case", "fail_on", "status"),
    [
        ("info-only", None, 0),  # info findings never fail a run
        ("info-only", "warning", 0),
        ("info-only", "info", 1),
        ("path-only-in-bashrc", None, 1),  # an error
        ("path-only-in-bashrc", "error", 1),
        ("undefined-env-var", None, 1),  # a warning fails by default
        ("undefined-env-var", "error", 0),  # but not at the error threshold
    ],
)
def test_exit_status_follows_severity_and_fail_on(
    case: str, fail_on: str | None, status: int, cache_dir: str
) -> None:
    sample = SAMPLES / case
    args = ["scan", str(sample), "--home", str(sample / "home"), "--shell", shell_path("bash"), "--no-go-env"]
    proc = _cli(*args, *(["--fail-on", fail_on] if fail_on else []), cache_dir=cache_dir)
    assert proc.returncode == status, proc.stdout + proc.stderr
    assert "S008" in proc.stdout or case != "info-only"


def test_no_go_anywhere_is_said_once_and_first(cache_dir: str) -> None:
    """zsh reads none of the sample's bash files: no go at all.  One P009 for every
    context, no `go install` advice for dlv or gopls, and no context marked ✓."""
    sample = SAMPLES / "shell-bash-startup"
    args = ["scan", str(sample), "--home", str(sample / "home"), "--shell", shell_path("zsh"), "--no-go-env"]
    out = _cli(*args, cache_dir=cache_dir).stdout
    assert out.count("✗ P009 ") == 1, out
    assert "go install" not in out and "P002" not in out and "P003" not in out
    assert "✗ your terminal (zsh -i)" in out and "✗ VS Code integrated terminal" in out
    assert "✓" not in out

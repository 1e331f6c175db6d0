"""Every sample workspace, fixed for real: ``--fix`` removes what it fixes, a second
``--fix`` writes nothing, and ``--diff`` output applies with the real ``git apply``.

Each sample is copied (it is written to) with its fake ``home/``; real bash captures
the shell.  Fixes of every applicability (safe, unsafe and shell start-up edits) are
used, so every fixer runs against every sample.
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

from ideaudit.fixes import SAFE, SHELL, UNSAFE
from ideaudit.fixes.run import diff, fix_rounds
from ideaudit.pipeline import ScanOptions, scan
from tests.conftest import SAMPLES, shell_path
from tests.test_samples import CASES, toolchain

ALL = (SAFE, UNSAFE, SHELL)


def copy_sample(case: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    sample = SAMPLES / case
    args: dict[str, Any] = json.loads((sample / "expected.json").read_text()).get("args", {})
    copy = tmp_path / case
    shutil.copytree(sample, copy, symlinks=True)
    for rel, name in args.get("links", {}).items():
        target = copy / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(toolchain(name), target_is_directory=True)
    return copy, args


def options(copy: Path, args: dict[str, Any], cache_dir: str) -> ScanOptions:
    return ScanOptions(
        path=str(copy),
        home=str(copy / "home"),
        shell=shell_path("bash"),
        ide_env=str(copy / args["ide_env"]) if args.get("ide_env") else None,
        cache_dir=cache_dir,
        go_env=args.get("go_env", True),
        trust=args.get("trust", False),
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, except what running the real go writes under the fake home
    (telemetry counters, caches)."""
    out = {}
    for root, _dirs, files in os.walk(folder):
        if any(part in root for part in ("/telemetry", "/.cache", "/go/pkg")):
            continue
        for name in files:
            p = Path(root) / name
            if not p.is_symlink():
                out[str(p)] = p.read_bytes()
    return out


@pytest.mark.parametrize("case", CASES)
def test_fix_removes_what_it_fixes_and_is_idempotent(case: str, tmp_path: Path, cache_dir: str) -> None:
    copy, args = copy_sample(case, tmp_path)
    opts = options(copy, args, cache_dir)
    first = scan(opts)
    outcome = fix_rounds(opts, first, ALL, scan)
    assert outcome.conflict is None
    remaining = {(f.code, f.context_id, f.variable) for f in outcome.result.findings}
    assert not (outcome.fixed_keys & remaining), "\n".join(
        f"{f.code} {f.context_id} {f.message}" for f in outcome.result.findings
    )
    # The fixed files still parse: no new E001.
    assert not any(f.code == "E001" for f in outcome.result.findings if f not in first.findings) or any(
        f.code == "E001" for f in first.findings
    )
    # A second --fix changes nothing.
    before = snapshot(copy)
    again = fix_rounds(opts, scan(opts), ALL, scan)
    assert again.written == [] and again.fixed == 0
    assert snapshot(copy) == before


@pytest.mark.parametrize("case", CASES)
def test_diff_applies_with_git_apply(case: str, tmp_path: Path, cache_dir: str) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    copy, args = copy_sample(case, tmp_path)
    before = snapshot(copy)
    result = scan(options(copy, args, cache_dir))
    text, count = diff(result, ALL, base=str(copy))
    assert snapshot(copy) == before  # --diff writes nothing
    if not count:
        assert text == ""
        return
    patch = tmp_path / "fix.patch"
    patch.write_text(text)
    proc = subprocess.run(
        [git, "apply", "--check", "-v", str(patch)], cwd=copy, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr + text
    subprocess.run([git, "apply", str(patch)], cwd=copy, check=True)
    # Applying the diff gives exactly what --fix's first round writes.
    from ideaudit.fixes.run import planned

    assert result.fixes is not None
    _, changes = planned(result.fixes, ALL)
    for path, (_old, new) in changes.items():
        assert Path(path).read_text() == new


def _cli(*args: str, cwd: Path, cache_dir: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": cache_dir}
    return subprocess.run(
        [sys.executable, "-m", "ideaudit", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_cli_diff_fix_summary_and_undo(tmp_path: Path, cache_dir: str) -> None:
    bash = shell_path("bash")
    copy, _ = copy_sample("launch-path-hardcoded", tmp_path)
    launch = copy / ".vscode" / "launch.json"
    original = launch.read_bytes()
    base = ["scan", ".", "--home", "home", "--shell", bash, "--no-go-env"]

    shown = _cli(*base, "--diff", cwd=copy, cache_dir=cache_dir)
    assert shown.returncode == 1, shown.stderr
    assert '+                "PATH": "${userHome}/sdk/go1.22.5/bin:${env:PATH}"' in shown.stdout
    assert "Would fix 1 problem: 1 error, 0 warnings." in shown.stderr
    assert launch.read_bytes() == original

    fixed = _cli(*base, "--fix", cwd=copy, cache_dir=cache_dir)
    assert "(1 fixed, " in fixed.stdout, fixed.stdout + fixed.stderr
    assert "Found 1 problem: 1 error, 0 warnings (1 fixed, 0 remaining)." in fixed.stdout, fixed.stdout
    assert "P005" not in fixed.stdout.split("Found")[0]
    assert b"${env:PATH}" in launch.read_bytes()
    # Only the edited line differs; the comment above it is kept.
    assert b'// "So the debugger finds go"' in launch.read_bytes()

    again = _cli(*base, "--fix", cwd=copy, cache_dir=cache_dir)
    assert "(0 fixed, " in again.stdout

    undone = _cli("fix", "--undo", cwd=copy, cache_dir=cache_dir)
    assert undone.returncode == 0, undone.stderr
    assert launch.read_bytes() == original
    nothing = _cli("fix", "--undo", cwd=copy, cache_dir=cache_dir)
    assert nothing.returncode == 2 and "nothing to undo" in nothing.stderr


def test_shell_edits_need_fix_shell(tmp_path: Path, cache_dir: str) -> None:
    bash = shell_path("bash")
    copy, _ = copy_sample("path-only-in-bashrc", tmp_path)
    profile = copy / "home" / ".bash_profile"
    before = profile.read_bytes()
    base = ["scan", ".", "--home", "home", "--shell", bash, "--no-go-env"]
    shown = _cli(*base, "--diff", "--unsafe-fixes", cwd=copy, cache_dir=cache_dir)
    assert ".bash_profile" not in shown.stdout  # --diff/--fix alone never touch start-up files
    # ... --fix-shell shows them, and the hint to use it is printed where they are left out.
    with_shell = _cli(*base, "--diff", "--fix-shell", cwd=copy, cache_dir=cache_dir)
    assert "+++ b/home/.bash_profile" in with_shell.stdout, with_shell.stdout + with_shell.stderr
    hint = _cli(*base, "--fix", cwd=copy, cache_dir=cache_dir)
    assert "Shell start-up edits are available with --fix-shell" in hint.stdout, hint.stdout
    assert profile.read_bytes() == before
    proc = _cli(*base, "--fix-shell", cwd=copy, cache_dir=cache_dir)
    assert b'"$HOME/sdk/go1.22.5/bin"; do case ":$PATH:"' in profile.read_bytes(), proc.stdout + proc.stderr
    assert profile.read_bytes().startswith(before)
    # The IDE (bash -i -l at start-up) now finds go: no P001 left for tools and tests.
    after = scan(
        ScanOptions(path=str(copy), home=str(copy / "home"), shell=bash, cache_dir=cache_dir, go_env=False)
    )
    assert not [
        f for f in after.findings if f.code == "P001" and f.context_id in ("vscode:tools", "vscode:tests")
    ]


def test_secrets_are_masked_in_printed_diffs(tmp_path: Path, cache_dir: str) -> None:
    bash = shell_path("bash")
    copy, _ = copy_sample("secret-in-launch", tmp_path)
    proc = _cli(
        "scan",
        ".",
        "--home",
        "home",
        "--shell",
        bash,
        "--no-go-env",
        "--diff",
        "--unsafe-fixes",
        cwd=copy,
        cache_dir=cache_dir,
    )
    assert "ghp_plantedTokenAbcdef0123456789ABCDEFabcd" not in proc.stdout + proc.stderr
    assert "pl4nted-pass" not in proc.stdout + proc.stderr
    assert "envFile" in proc.stdout and "masked" in proc.stderr

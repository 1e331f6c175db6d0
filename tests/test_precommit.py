"""The pre-commit hooks, run by the real ``pre-commit`` (``try-repo``) on a real git
repository: a broken launch.json fails the static hook, the fixed one passes.

pre-commit builds its own virtualenv from this repository with pip, so the test uses
whatever index pip is configured with here (no host is named); one pre-commit home is
shared by the module so the environment is built once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def precommit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    exe = Path(sys.executable).parent / "pre-commit"
    if not exe.exists():
        pytest.skip("pre-commit is not installed (it is in the test extra)")
    home = tmp_path_factory.mktemp("pc-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        PRE_COMMIT_HOME=str(home / "cache"),
        HOME=str(home),
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.invalid",
        PATH=f"{exe.parent}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


def _repo(tmp_path: Path, env: dict[str, str], launch: dict[str, object]) -> Path:
    repo = tmp_path / "project"
    (repo / ".vscode").mkdir(parents=True)
    (repo / "go.mod").write_text("module example.com/p\n\ngo 1.21\n")
    (repo / "main.go").write_text("package main\n\nfunc main() {}\n")
    (repo / ".vscode" / "launch.json").write_text(json.dumps(launch, indent=2) + "\n")
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "init"]):
        assert _run(args, repo, env).returncode == 0
    return repo


def _config(program: str, **extra: object) -> dict[str, object]:
    conf: dict[str, object] = {
        "name": "Run",
        "type": "go",
        "request": "launch",
        "mode": "debug",
        "program": program,
    }
    conf.update(extra)
    return {"version": "0.2.0", "configurations": [conf]}


def _try(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run(
        [
            "pre-commit", "try-repo", str(ROOT), "ideaudit-static", "--all-files", "--verbose",
        ],
        repo,
        env,
    )  # fmt: skip


def test_static_hook_fails_on_a_broken_launch_json_and_passes_when_fixed(
    tmp_path: Path, precommit_env: dict[str, str]
) -> None:
    broken = _config("${workspaceFolder}", port=2345, dlvToolPath="/usr/local/bin/dlv")
    repo = _repo(tmp_path, precommit_env, broken)
    failed = _try(repo, precommit_env)
    out = failed.stdout + failed.stderr
    assert failed.returncode == 1, out
    assert "D002" in out and "V001" in out
    assert ".vscode/launch.json:" in out

    (repo / ".vscode" / "launch.json").write_text(json.dumps(_config("${workspaceFolder}"), indent=2) + "\n")
    passed = _try(repo, precommit_env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


def test_hooks_run_only_for_files_ideaudit_reads(tmp_path: Path, precommit_env: dict[str, str]) -> None:
    import re

    import yaml  # pre-commit's own dependency

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"ideaudit-static", "ideaudit"}
    assert "--static" in hooks["ideaudit-static"]["entry"] and "--static" not in hooks["ideaudit"]["entry"]
    files = re.compile(hooks["ideaudit-static"]["files"])
    for path in (
        ".vscode/launch.json",
        "go.mod",
        ".idea/workspace.xml",
        ".run/a.run.xml",
        "sub/go.work",
        "x.code-workspace",
    ):
        assert files.search(path), path
    for path in ("main.go", "README.md", "vendor/x/y.go", "docs/launch.json"):
        assert not files.search(path), path

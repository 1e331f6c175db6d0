"""GitHub resolves annotation and SARIF paths against the repository root: a workspace
in a subfolder of a real git repository gets repository-relative paths in the
``github`` and ``sarif`` formats, from the repository root and from inside the
workspace; outside any repository they stay workspace-relative."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from ideaudit.workspace import repository_root
from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[1]
FILE = re.compile(r"^::\w+ file=([^,]+),")


def _scan(*args: str, cwd: Path, home: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "ideaudit", "scan", "--static", *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home), **(env or {})},
        cwd=cwd,
        timeout=60,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def _files(github: str) -> list[str]:
    return [
        m.group(1).replace("%2C", ",").replace("%3A", ":") for m in map(FILE.match, github.splitlines()) if m
    ]


def _sarif_files(doc: dict[str, Any]) -> tuple[str, list[str]]:
    run = doc["runs"][0]
    base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    uris = [
        loc["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] for loc in r["locations"]
    ]
    return base, uris


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, Path, Path]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    ws = repo / "services" / "api"
    shutil.copytree(SAMPLES / "vscode-hygiene", ws, ignore=shutil.ignore_patterns("home", "expected.json"))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    home = tmp_path / "home"
    home.mkdir()
    return repo, ws, home


def test_github_paths_are_repository_relative_from_root_and_inside(repo: tuple[Path, Path, Path]) -> None:
    root, ws, home = repo
    from_root = _scan("services/api", "--output-format", "github", cwd=root, home=home)
    inside = _scan(".", "--output-format", "github", cwd=ws, home=home)
    assert from_root == inside
    files = _files(from_root)
    assert len(files) >= 5
    for f in files:
        assert f.startswith("services/api/"), f
        assert (root / f).is_file(), f  # what GitHub opens: the file at the repository root


def test_sarif_paths_are_repository_relative(repo: tuple[Path, Path, Path]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    root, ws, home = repo
    docs = [
        json.loads(_scan("services/api", "--output-format", "sarif", cwd=root, home=home)),
        json.loads(_scan(".", "--output-format", "sarif", cwd=ws, home=home)),
    ]
    assert docs[0] == docs[1]
    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(docs[0])
    base, uris = _sarif_files(docs[0])
    assert base == root.as_uri() + "/"
    assert uris and all(u.startswith("services/api/") and (root / u).is_file() for u in uris)
    # the JSON report stays relative to the workspace and records both roots
    report = json.loads(_scan(".", "--output-format", "json", cwd=ws, home=home))
    assert report["root"] == str(ws) and report["repository"] == str(root)
    assert all((ws / f["location"]["file"]).is_file() for f in report["findings"] if f.get("location"))


def test_outside_a_repository_paths_are_workspace_relative(tmp_path: Path) -> None:
    ws = tmp_path / "plain" / "api"
    shutil.copytree(SAMPLES / "vscode-hygiene", ws, ignore=shutil.ignore_patterns("home", "expected.json"))
    files = _files(_scan(str(ws), "--output-format", "github", cwd=tmp_path, home=tmp_path))
    assert files and all(f.startswith(".vscode/") and (ws / f).is_file() for f in files)
    # on a runner whose checkout has no .git, GITHUB_WORKSPACE is the repository root
    gh = _scan(
        str(ws),
        "--output-format",
        "github",
        cwd=tmp_path,
        home=tmp_path,
        env={"GITHUB_WORKSPACE": str(tmp_path)},
    )
    assert all(f.startswith("plain/api/.vscode/") for f in _files(gh))


def test_repository_root_finds_git_folders_and_files(tmp_path: Path) -> None:
    (tmp_path / "a" / ".git").mkdir(parents=True)
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    assert repository_root(str(tmp_path / "a" / "b" / "c")) == str(tmp_path / "a")
    # a submodule or a linked worktree: .git is a file
    (tmp_path / "a" / "b" / ".git").write_text("gitdir: ../.git/worktrees/b\n")
    assert repository_root(str(tmp_path / "a" / "b" / "c")) == str(tmp_path / "a" / "b")
    (tmp_path / "x").mkdir()
    assert repository_root(str(tmp_path / "x")) is None
    assert repository_root(str(tmp_path / "x"), str(tmp_path / "elsewhere")) is None  # not inside it
    assert repository_root(str(tmp_path / "x"), str(tmp_path)) == str(tmp_path)


def test_the_action_annotates_a_subfolder_at_its_repository_path(repo: tuple[Path, Path, Path]) -> None:
    root, _ws, home = repo
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "scan")
    venv_bin = root.parent / "runner" / "ideaudit-venv" / "bin"
    venv_bin.mkdir(parents=True)
    exe = Path(sys.executable).parent / "ideaudit"
    if not exe.exists():
        pytest.skip("the ideaudit console script is not installed")
    (venv_bin / "ideaudit").symlink_to(exe)
    output = root.parent / "github_output"
    output.touch()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "RUNNER_TEMP": str(root.parent / "runner"),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_WORKSPACE": str(root),
        "INPUT_PATH": "services/api",
        "INPUT_FAIL_ON": "error",
        "INPUT_SARIF": "ideaudit.sarif",
    }
    # a runner starts a composite step's script in GITHUB_WORKSPACE
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    files = _files(done.stdout)
    assert files and all((root / f).is_file() and f.startswith("services/api/") for f in files)
    _, uris = _sarif_files(json.loads((root / "ideaudit.sarif").read_text()))
    assert uris and all((root / u).is_file() for u in uris)

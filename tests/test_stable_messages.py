"""The same repository cloned to two folders gives the same findings, word for word and
fingerprint for fingerprint: messages show a path in the workspace relative to it and
one in your home as ``~/...``, never the checkout's absolute path."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ideaudit.pipeline import _short_paths
from tests.conftest import SAMPLES


def _scan(*args: str, cwd: Path, home: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "ideaudit", "scan", *args, "--output-format", "json"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
        cwd=cwd,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _seen(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (f["code"], f["message"], f.get("fingerprint"), json.dumps(f.get("location"), sort_keys=True))
        for f in report["findings"]
    )


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_two_clones_give_the_same_messages_and_fingerprints(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    origin = tmp_path / "origin"
    shutil.copytree(
        SAMPLES / "vscode-hygiene", origin, ignore=shutil.ignore_patterns("home", "expected.json")
    )
    _git("init", "-q", ".", cwd=origin)
    _git("add", "-A", cwd=origin)
    _git("commit", "-q", "-m", "x", cwd=origin)
    clones = [tmp_path / "a" / "checkout", tmp_path / "b" / "deeper" / "elsewhere"]
    for clone in clones:
        clone.parent.mkdir(parents=True)
        _git("clone", "-q", str(origin), str(clone), cwd=tmp_path)
    reports = [_scan("--static", str(c), cwd=tmp_path, home=tmp_path) for c in clones]
    seen = [_seen(r) for r in reports]
    assert seen[0] == seen[1]
    assert any(code == "V002" for code, *_ in seen[0])  # its message names the missing file
    for r, clone in zip(reports, clones, strict=True):
        assert all(str(clone) not in f["message"] for f in r["findings"])


def test_messages_about_your_home_read_the_same_on_every_machine(tmp_path: Path) -> None:
    """A full scan against a real bash on a fake $HOME inside the workspace (as the
    samples keep it): two copies in different folders read the same."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    reports = []
    for name in ("one", "two/three"):
        ws = tmp_path / name / "showcase"
        shutil.copytree(SAMPLES / "showcase", ws, ignore=shutil.ignore_patterns("expected.json"))
        reports.append(
            _scan(
                str(ws),
                "--home",
                str(ws / "home"),
                "--shell",
                shutil.which("bash") or "bash",
                "--no-go-env",
                "--cache-dir",
                str(tmp_path / "cache" / name.replace("/", "-")),
                cwd=tmp_path,
                home=ws / "home",
            )
        )
    assert _seen(reports[0]) == _seen(reports[1])
    assert any("~/" in f["message"] for f in reports[0]["findings"])
    assert all(str(tmp_path) not in f["message"] for r in reports for f in r["findings"])


def test_short_paths() -> None:
    assert _short_paths("does not exist (/w/api/.env.local)", "/w/api", "/h") == "does not exist (.env.local)"
    assert _short_paths("in /w/api; /w/api2/x", "/w/api", None) == "in .; /w/api2/x"
    assert _short_paths("PATH=/h/go/bin:/usr/bin and /h", "/w", "/h") == "PATH=~/go/bin:/usr/bin and ~"
    # the longer prefix wins: a fake home inside the workspace is still ~
    assert _short_paths("/w/home/.bashrc:3 and /w/.vscode", "/w", "/w/home") == "~/.bashrc:3 and .vscode"
    assert _short_paths("/etc/profile", "/", "/") == "/etc/profile"

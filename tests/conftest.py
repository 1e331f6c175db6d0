"""Shared fixtures: real shells, the sample workspaces, the shared corpus."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_workspaces"
# The shared corpus sits beside the repository; IDEAUDIT_CORPUS points elsewhere (a worktree).
CORPUS = Path(os.environ.get("IDEAUDIT_CORPUS") or ROOT.parent / "shared" / "corpus")


def shell_path(name: str) -> str:
    """The real shell binary, or skip the test saying which package CI installs."""
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (CI installs it from Debian's {name} package)")
    return found


@pytest.fixture
def cache_dir(tmp_path: Path) -> str:
    path = tmp_path / "cache"
    path.mkdir()
    return str(path)


@pytest.fixture(autouse=True)
def _no_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads or writes the developer's real ideaudit cache."""
    monkeypatch.setenv("IDEAUDIT_CACHE_DIR", os.fspath(tmp_path / "user-cache"))

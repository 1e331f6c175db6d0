"""Shared fixtures: real shells, the sample workspaces, the shared corpus."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_workspaces"


def _corpus() -> Path:
    """``../shared/corpus`` beside the project, from a git worktree one level further up,
    or where ``IDEAUDIT_CORPUS`` points."""
    if os.environ.get("IDEAUDIT_CORPUS"):
        return Path(os.environ["IDEAUDIT_CORPUS"])
    for base in ROOT.parents:
        if (base / "shared" / "corpus").is_dir():
            return base / "shared" / "corpus"
    return ROOT.parent / "shared" / "corpus"


CORPUS = _corpus()


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

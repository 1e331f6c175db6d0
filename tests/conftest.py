"""Shared fixtures: real shells, the sample workspaces, the shared corpus."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Fuzz tests (tests/test_fuzz.py): a few hundred cases per parser in CI, derandomized (the
# same cases every run, no example database); IDEAUDIT_FUZZ_EXAMPLES=10000 runs more, from
# a random seed.  No deadline: a slow shared machine must not make a test flaky (hangs are
# caught by the fuzz tests' own generous alarm instead).
FUZZ_EXAMPLES = int(os.environ.get("IDEAUDIT_FUZZ_EXAMPLES") or 150)
settings.register_profile(
    "ideaudit",
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize="IDEAUDIT_FUZZ_EXAMPLES" not in os.environ,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.load_profile("ideaudit")

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

"""Every real third-party file of the corpus, put where an IDE would read it, goes
through a whole scan (all stages, every rule, every fixer, every output format) without
a crash.  Files are read from the corpus and copied into a temporary workspace: the
corpus itself is never written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ideaudit.pipeline import ScanOptions, scan
from ideaudit.report import FORMATS, render
from ideaudit.rules.base import RULES
from tests.conftest import CORPUS, shell_path


def _files(sub: str, pattern: str) -> list[Path]:
    folder = CORPUS / sub
    return sorted(folder.glob(pattern)) if folder.is_dir() else []


LAUNCH = _files("vscode/launch", "*.json")
SETTINGS = _files("vscode/settings", "*.json")
WORKSPACES = _files("vscode/other", "*.code-workspace")
GOLAND_RUN = [
    p for p in _files("goland", "*.xml") if "run" in p.name.lower() or "Build" in p.name or "go_" in p.name
]
GOLAND_WS = [p for p in _files("goland", "*workspace*.xml")]


def _home(tmp: Path) -> Path:
    home = tmp / "home"
    home.mkdir()
    (home / ".profile").write_text('export PATH="$HOME/go/bin:$PATH"\n')
    return home


def _scan_all_formats(ws: Path, home: Path, cache_dir: str) -> None:
    result = scan(
        ScanOptions(path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=cache_dir, go_env=False)
    )
    for fmt in FORMATS:
        assert render(result.report, fmt, rules=RULES) is not None


def _skip_without(files: list[Path]) -> None:
    if not files:
        pytest.skip(f"the shared corpus is not at {CORPUS}")


@pytest.mark.parametrize("index", range(max(len(LAUNCH), len(SETTINGS), 1)))
def test_vscode_corpus_pairs_scan_cleanly(index: int, tmp_path: Path, cache_dir: str) -> None:
    _skip_without(LAUNCH)
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    shutil.copy(LAUNCH[index % len(LAUNCH)], ws / ".vscode" / "launch.json")
    shutil.copy(SETTINGS[index % len(SETTINGS)], ws / ".vscode" / "settings.json")
    (ws / "go.mod").write_text("module example.com/corpus\n\ngo 1.21\n")
    _scan_all_formats(ws, _home(tmp_path), cache_dir)


@pytest.mark.parametrize("name", [p.name for p in WORKSPACES] or ["(none)"])
def test_code_workspaces_scan_cleanly(name: str, tmp_path: Path, cache_dir: str) -> None:
    _skip_without(WORKSPACES)
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(CORPUS / "vscode" / "other" / name, ws / "team.code-workspace")
    _scan_all_formats(ws, _home(tmp_path), cache_dir)


@pytest.mark.parametrize("name", [p.name for p in GOLAND_WS] or ["(none)"])
def test_goland_workspaces_with_all_run_configurations_scan_cleanly(
    name: str, tmp_path: Path, cache_dir: str
) -> None:
    _skip_without(GOLAND_WS)
    ws = tmp_path / "ws"
    (ws / ".idea" / "runConfigurations").mkdir(parents=True)
    (ws / ".run").mkdir()
    shutil.copy(CORPUS / "goland" / name, ws / ".idea" / "workspace.xml")
    for i, run in enumerate(GOLAND_RUN):
        dest = (
            ws / ".run" / f"{i}.run.xml"
            if run.name.endswith(".run.xml")
            else ws / ".idea" / "runConfigurations" / f"{i}.xml"
        )
        shutil.copy(run, dest)
    (ws / "go.mod").write_text("module example.com/corpus\n\ngo 1.21\n")
    _scan_all_formats(ws, _home(tmp_path), cache_dir)

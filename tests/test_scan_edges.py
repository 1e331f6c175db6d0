"""End-to-end edges of a scan: a hanging shell, broken files among good ones, the corpus."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from ideaudit.contexts.vscode import folder_contexts
from ideaudit.model import IdeEnvironment, Problem
from ideaudit.pipeline import ScanOptions, run_rules, scan, shell_context
from ideaudit.rules.audit import Audit
from ideaudit.sources.jsonc import load_jsonc
from ideaudit.sources.vscode import Settings, SettingsFile, VSCodeFolder, launch_configs
from tests.conftest import CORPUS, SAMPLES, shell_path


def _sessions_with_marker(marker: str) -> list[int]:
    """PIDs of live processes whose command line carries ``marker``."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if marker.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


def test_hanging_bashrc_gives_e003_within_timeout_and_leaves_nothing(tmp_path: Path, cache_dir: str) -> None:
    bash = shell_path("bash")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("sleep 61.5\n")
    (home / ".bash_profile").write_text(". ~/.bashrc\n")
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    start = time.monotonic()
    result = scan(ScanOptions(path=str(ws), home=str(home), shell=bash, timeout=2.0, cache_dir=cache_dir))
    elapsed = time.monotonic() - start
    # Bounded by the timeout, not by the 61.5 s sleep; the slack is for a loaded machine
    # (two cores under a parallel suite), and still far below what a missed kill costs.
    assert elapsed < 2.0 + 8.0, elapsed
    e003 = [f for f in result.findings if f.code == "E003"]
    assert len(e003) == 2  # the terminal capture and VS Code's own resolution both hang
    assert all("timed out" in f.message for f in e003)
    assert all(f.message.count("2.0 s") == 1 for f in e003)  # said once ("timed out after 2.0 s")
    deadline = time.monotonic() + 5.0  # killed processes may take a moment to be reaped
    while _sessions_with_marker("61.5") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _sessions_with_marker("61.5") == []


def test_broken_settings_do_not_stop_the_rest(cache_dir: str) -> None:
    bash = shell_path("bash")
    sample = SAMPLES / "broken-settings"
    result = scan(
        ScanOptions(
            path=str(sample), home=str(sample / "home"), shell=bash, cache_dir=cache_dir, go_env=False
        )
    )
    codes = sorted(f.code for f in result.findings)
    assert codes == ["E001", "M006"]
    e001 = next(f for f in result.findings if f.code == "E001")
    assert e001.location is not None and e001.location.line == 2 and e001.location.col == 1


def _corpus(kind: str) -> list[Path]:
    folder = CORPUS / "vscode" / kind
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (the shared corpus is laid beside the project)")
    return sorted(folder.iterdir())


def _audit_one(settings_path: Path | None, launch_path: Path | None, home: str) -> list[str]:
    """Run every rule over a folder made of one corpus settings and/or launch file."""
    files = []
    problems: list[Problem] = []
    if settings_path is not None:
        doc = load_jsonc(settings_path)
        if isinstance(doc, Problem):
            problems.append(doc)
        else:
            files.append(SettingsFile("folder", doc))
    launch = []
    if launch_path is not None:
        doc = load_jsonc(launch_path)
        if isinstance(doc, Problem):
            problems.append(doc)
        else:
            launch = launch_configs(doc)
    folder = VSCodeFolder("corpus", str(CORPUS), Settings(files), launch)
    env = {"PATH": "/usr/bin:/bin", "HOME": home}
    ide = IdeEnvironment("vscode", env, "file", "test")
    fc = folder_contexts(folder, ide, None, home, {"corpus": str(CORPUS)})
    from ideaudit.model import ShellSnapshot

    shell = shell_context(ShellSnapshot("/bin/sh", "terminal", (), env, 0.0, 0), home)
    audit = Audit(
        shell=shell, contexts=tuple(fc.contexts), problems=(*problems, *fc.problems), vscode=(fc,), home=home
    )
    return [f.code for f in run_rules(audit, (), ())]


# Every VS Code file of the corpus is valid JSONC (the corpus's merge conflict is a
# GoLand file); the E001 path for real accidents is covered by sample broken-settings.
BROKEN: set[str] = set()


def test_every_vscode_corpus_file_goes_through_every_rule(tmp_path: Path) -> None:
    launch = _corpus("launch")
    settings = _corpus("settings")
    e001 = {}
    for path in launch:
        codes = _audit_one(None, path, str(tmp_path))
        e001[str(path.relative_to(CORPUS))] = codes.count("E001")
    for path in settings:
        codes = _audit_one(path, None, str(tmp_path))
        e001[str(path.relative_to(CORPUS))] = codes.count("E001")
    broken = {name for name, n in e001.items() if n}
    assert all(n <= 1 for n in e001.values())
    assert broken == BROKEN

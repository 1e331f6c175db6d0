"""The D rules (and V011/V012) over every real launch.json and settings.json of the corpus.

Each file is copied alone into a temporary workspace and scanned.  No crash, and exactly
the findings judged true when the rules were tuned on these files (each entry says why);
every other configuration is one vscode-go and Delve accept and must give none.  D008
and D009 (paths, package clauses) are left out: the corpus holds the IDE files, not the
source trees they point into (they were tried on the real repositories, see the rules'
docs).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ideaudit.pipeline import ScanOptions, scan
from tests.conftest import CORPUS, shell_path

CODES = ("D001", "D002", "D003", "D004", "D005", "D006", "D007", "V011", "V012", "V013")

# (code, line) judged true, by corpus file (MANIFEST.tsv names the repository).
JUDGED: dict[str, list[tuple[str, int]]] = {
    # portainer: ${workspaceRoot} in program, cwd, args (deprecated alias)
    "vscode/launch/011.json": [("V012", 12), ("V012", 13), ("V012", 16)],
    # gitpod ws-daemon: the legacy template's port on a launch request; ${workspaceRoot}
    "vscode/launch/015.json": [("D002", 13), ("V012", 15)],
    # LocalAI: ${workspaceRoot} in program and cwd
    "vscode/launch/023.json": [("V012", 22), ("V012", 31)],
    # go-delve-debug-boilerplate: remotePath on a remote attach (dlv-dap ignores it)
    "vscode/launch/033.json": [("D006", 12)],
    # grafana: "--hg-key=$HGAPIKEY" reaches grafana literally
    "vscode/launch/037.json": [("D007", 39)],
    # loki: remotePath on a remote attach
    "vscode/launch/045.json": [("D006", 51)],
    # status-go: port on a launch request; ${workspaceRoot} in program and output
    "vscode/launch/051.json": [("D002", 13), ("V012", 15), ("V012", 19)],
    # ddev: "DDEV_DEBUG": true (a boolean env value Delve cannot decode) x4; port on a
    # launch request; ${workspaceRoot} x7
    "vscode/launch/055.json": [
        ("D001", 12),
        ("D001", 24),
        ("D001", 36),
        ("D001", 61),
        ("D002", 58),
        ("V012", 10),
        ("V012", 22),
        ("V012", 34),
        ("V012", 46),
        ("V012", 47),
        ("V012", 60),
        ("V012", 71),
    ],
    # gopls-repro-example: go.autocompleteUnimportedPackages (removed v0.40.0),
    # go.buildOnSave (deprecated v0.39.0)
    "vscode/settings/021.json": [("V011", 2), ("V011", 4)],
    # a vscode-go test fixture: go.useGoProxyToCheckForToolUpdates (removed v0.40.0)
    "vscode/settings/029.json": [("V011", 4)],
}


def _files() -> list[str]:
    out = []
    for sub in ("vscode/launch", "vscode/settings"):
        folder = CORPUS / sub
        if folder.is_dir():
            out += [f"{sub}/{p.name}" for p in sorted(folder.glob("*.json"))]
    return out


FILES = _files()


@pytest.mark.parametrize("rel", FILES or ["(none)"])
def test_corpus_file_gives_exactly_the_judged_findings(rel: str, tmp_path: Path, cache_dir: str) -> None:
    if not FILES:
        pytest.skip(f"the shared corpus is not at {CORPUS} (set IDEAUDIT_CORPUS)")
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    target = "launch.json" if rel.startswith("vscode/launch/") else "settings.json"
    shutil.copy(CORPUS / rel, ws / ".vscode" / target)
    (ws / "go.mod").write_text("module example.com/corpus\n\ngo 1.21\n")
    home = tmp_path / "home"
    home.mkdir()
    result = scan(
        ScanOptions(path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=cache_dir, go_env=False)
    )
    got = sorted(
        (f.code, f.location.line or 0) for f in result.findings if f.code in CODES and f.location is not None
    )
    assert got == sorted(JUDGED.get(rel, [])), "\n".join(
        f"{f.code} {f.location}: {f.message}" for f in result.findings if f.code in CODES
    )


def test_the_judged_files_are_in_the_corpus() -> None:
    if not FILES:
        pytest.skip(f"the shared corpus is not at {CORPUS} (set IDEAUDIT_CORPUS)")
    assert set(JUDGED) <= set(FILES)

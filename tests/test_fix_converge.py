"""Fixes converge (issue 10 part 5): after ``--fix`` (and ``--unsafe-fixes``) a re-scan
shows no finding of a (rule, context) that was not there before, and every fix text that
says "Remove X" for a workspace file comes with an edit.

``--fix-shell`` too: its start-up file edits must not leave a duplicate PATH entry.
A property over every sample workspace and every ``launch.json`` of the shared corpus
(placed in a workspace whose login shell has ``go`` only in ``~/.bashrc``, so every debug
configuration gets the P001 fix that adds PATH to its env): copy, fix, re-scan, compare.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from ideaudit.fixes import SAFE, SHELL, UNSAFE
from ideaudit.fixes.run import fix_rounds
from ideaudit.model import Finding
from ideaudit.pipeline import ScanOptions, scan
from tests.conftest import CORPUS, SAMPLES, shell_path
from tests.test_fix_samples import copy_sample, options
from tests.test_samples import CASES

LAUNCHES = sorted((CORPUS / "vscode" / "launch").glob("*.json")) if (CORPUS / "vscode").is_dir() else []
MODES = {"fix": (SAFE,), "unsafe-fixes": (SAFE, UNSAFE), "fix-shell": (SAFE, UNSAFE, SHELL)}


def _repository_layout(ws: Path, launch: Path) -> None:
    """Create the ``program``/``cwd`` paths the configurations name in the workspace, as
    the repository they come from has them: a fix that drops ``port`` must not reveal a
    "program does not exist" that only this synthetic copy has."""
    from ideaudit.sources.jsonc import JsoncDocument, load_jsonc

    doc = load_jsonc(launch)
    configs = (
        doc.data.get("configurations")
        if isinstance(doc, JsoncDocument) and isinstance(doc.data, dict)
        else None
    )
    for config in configs if isinstance(configs, list) else []:
        for attr in ("program", "cwd"):
            raw = config.get(attr) if isinstance(config, dict) else None
            m = re.match(r"^\$\{(?:workspaceFolder|workspaceRoot)\}/([^$]+)$", raw or "")
            if not m:
                continue
            target = ws / m.group(1)
            if target.suffix == ".go":
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.exists():
                    target.write_text("package main\n\nfunc main() {}\n")
            else:
                target.mkdir(parents=True, exist_ok=True)
                if attr == "program" and not any(target.glob("*.go")):
                    (target / "main.go").write_text("package main\n\nfunc main() {}\n")


def _keys(findings: Sequence[Finding]) -> set[tuple[str, str | None]]:
    return {(f.code, f.context_id) for f in findings}


def _converges(opts: ScanOptions, apps: Sequence[str]) -> None:
    first = scan(opts)
    outcome = fix_rounds(opts, first, apps, scan)
    assert outcome.conflict is None, outcome.conflict
    again = scan(opts)  # a fresh scan, as the user's next run sees it
    new = _keys(again.findings) - _keys(first.findings)
    assert not new, "\n".join(
        f"{f.code} {f.context_label}: {f.message}" for f in again.findings if (f.code, f.context_id) in new
    )
    _removals_have_edits(first.findings)


def _removals_have_edits(findings: Sequence[Finding]) -> None:
    """A "Remove X" fix for a member of a VS Code file comes with the edit that does it."""
    for f in findings:
        if not (f.fix and re.match(r"Remove\b", f.fix)) or f.location is None:
            continue
        if f.location.file.endswith((".json", ".code-workspace")) and f.location.line:
            assert f.edits, f"{f.code} says {f.fix!r} but has no edit ({f.location})"


# Known: the fix reveals a finding that was true before but not reported.  Strict, so
# the mark fails once the rule reports it before the fix too.
# A fix that reveals a finding of a rule not there before would be listed here with its
# cause (an xfail); V002 now reads a $HOME/... envFile as the shell would, so none is.
REVEALED: dict[str, str] = {}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES)
def test_fixing_a_sample_brings_no_new_finding(
    case: str, mode: str, tmp_path: Path, cache_dir: str, request: pytest.FixtureRequest
) -> None:
    if case in REVEALED and mode == "fix":
        request.applymarker(pytest.mark.xfail(reason=REVEALED[case], strict=True))
    copy, args = copy_sample(case, tmp_path)
    _converges(options(copy, args, cache_dir), MODES[mode])


@pytest.mark.skipif(not LAUNCHES, reason=f"shared corpus not found at {CORPUS} (it lives outside the repo)")
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("launch", LAUNCHES, ids=lambda p: p.name)
def test_fixing_a_corpus_launch_json_brings_no_new_finding(
    launch: Path, mode: str, tmp_path: Path, cache_dir: str
) -> None:
    bash = shell_path("bash")
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLES / "path-only-in-bashrc", ws, symlinks=True)
    (ws / ".vscode").mkdir(exist_ok=True)
    # The bytes only: the corpus files are read-only, and a copy must be writable.
    (ws / ".vscode" / "launch.json").write_bytes(launch.read_bytes())
    _repository_layout(ws, ws / ".vscode" / "launch.json")
    opts = ScanOptions(path=str(ws), home=str(ws / "home"), shell=bash, cache_dir=cache_dir, go_env=False)
    _converges(opts, MODES[mode])

"""The indexes that keep a scan linear give the answers the searches they replace gave.

Each index replaces a search per finding (of a file, a list or the known secrets) by a
look-up in something built once per scan; ``bench/scale.py`` measures the time, these
tests the answers: the same as the search, on real files through a real scan.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ideaudit.fixes.base import DocCache
from ideaudit.fixes.jsonc_edit import _line_start
from ideaudit.fixes.vscode import _assigns
from ideaudit.pipeline import ScanOptions, scan

_DOTENV_BITS = st.sampled_from(["export", " ", "\t", "\n", "=", "A", "B", "AB", "_1", "x=1", "#", "é", "\r"])


class _Fx:
    """What ``_assigns`` reads of a fixer's input: the scan's document cache."""

    def __init__(self) -> None:
        self.docs = DocCache()


@settings(max_examples=400, derandomize=True, deadline=None)
@given(
    text=st.lists(_DOTENV_BITS, max_size=14).map("".join),
    name=st.sampled_from(["A", "B", "AB", "export", "_1"]),
)
def test_dotenv_names_index_agrees_with_the_search(text: str, name: str) -> None:
    searched = re.search(rf"^\s*(export\s+)?{re.escape(name)}\s*=", text, re.M) is not None
    assert _assigns(_Fx(), "/w/.env", text, name) is searched  # type: ignore[arg-type]


def test_dotenv_names_are_read_once_per_file_and_scan() -> None:
    fx = _Fx()
    assert _assigns(fx, "/w/.env", "export A=1\n", "A")  # type: ignore[arg-type]
    # the memo answers for the file now, whatever text is passed again
    assert _assigns(fx, "/w/.env", "", "A")  # type: ignore[arg-type]
    assert not _assigns(fx, "/w/.env", "", "B")  # type: ignore[arg-type]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text=st.text(alphabet="ab\r\n", max_size=30), data=st.data())
def test_line_start_is_after_the_last_line_break(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    assert _line_start(text, offset) == max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


def test_secrets_already_in_the_env_file_are_not_moved_again(tmp_path: Path) -> None:
    """X001's fix moves each secret to .env, except those .env already assigns."""
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    env = {f"SVC_{i}_TOKEN": f"tok-{i}-{'x' * 20}" for i in range(40)}
    configs = [{"name": "api", "type": "go", "request": "launch", "program": ".", "env": env}]
    (ws / ".vscode" / "launch.json").write_text(json.dumps({"version": "0.2.0", "configurations": configs}))
    (ws / ".env").write_text("export SVC_3_TOKEN=old\n  SVC_7_TOKEN = old\n# SVC_9_TOKEN=old\n")
    (ws / "go.mod").write_text("module example.com/w\n\ngo 1.22\n")
    home = tmp_path / "home"
    home.mkdir()
    result = scan(ScanOptions(path=str(ws), home=str(home), static=True, cache_dir=str(tmp_path / "c")))
    moved = {f.variable for f in result.findings if f.code == "X001" and f.edits}
    found = {f.variable for f in result.findings if f.code == "X001"}
    assert found == set(env)
    assert moved == set(env) - {"SVC_3_TOKEN", "SVC_7_TOKEN"}


def test_collections_spaced_during_a_scan_and_restored_after(tmp_path: Path) -> None:
    import gc

    from ideaudit._fast.gcspacing import spaced_collections

    before = gc.get_threshold()
    seen: list[int] = []
    with spaced_collections():
        seen.append(gc.get_threshold()[0])
        with spaced_collections():  # nested: stays spaced
            seen.append(gc.get_threshold()[0])
        seen.append(gc.get_threshold()[0])
    assert seen == [50_000, 50_000, 50_000] and gc.get_threshold() == before
    try:
        with spaced_collections():
            raise RuntimeError("a failing scan")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "go.mod").write_text("module example.com/w\n\ngo 1.22\n")
    (tmp_path / "home").mkdir()
    scan(ScanOptions(path=str(ws), home=str(tmp_path / "home"), static=True, cache_dir=str(tmp_path / "c")))
    assert gc.get_threshold() == before

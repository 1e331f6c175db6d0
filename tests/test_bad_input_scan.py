"""Whole scans with hostile files among good ones: each bad file is its own E001 with a
line, and the rest of the report (and every output format) is still produced."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ideaudit.pipeline import ScanOptions, ScanResult, scan
from ideaudit.report import FORMATS, render
from tests.conftest import SAMPLES, shell_path

GOOD_RUN = """<component name="ProjectRunConfigurationManager">
  <configuration default="false" name="good" type="GoApplicationRunConfiguration">
    <envs>
      <env name="LABEL" value="grüße" />
      <env name="PATH" value="/usr/local/go/bin" />
    </envs>
    <kind value="DIRECTORY" />
    <directory value="$PROJECT_DIR$" />
    <method v="2" />
  </configuration>
</component>
"""


DEEP = (2, 3 * 255 + 1)  # the <a> at level 257


def _showcase(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLES / "showcase", ws)
    return ws


def _scan(ws: Path, cache_dir: str) -> ScanResult:
    result = scan(
        ScanOptions(
            path=str(ws),
            home=str(ws / "home"),
            shell=shell_path("bash"),
            cache_dir=cache_dir,
            go_env=False,
            look_for_process=False,
        )
    )
    for fmt in FORMATS:  # no later stage may crash on what the files held
        assert render(result.report, fmt, verbose=True)
    return result


def _e001(result: ScanResult) -> dict[str, tuple[int | None, int | None]]:
    return {
        Path(f.location.file).name: (f.location.line, f.location.col)
        for f in result.findings
        if f.code == "E001" and f.location is not None
    }


def _codes(result: ScanResult, context: str) -> set[str]:
    return {f.code for f in result.findings if f.context_id == context}


def test_lone_surrogate_in_a_settings_value_reaches_every_format(tmp_path: Path, cache_dir: str) -> None:
    ws = _showcase(tmp_path)
    settings = ws / ".vscode" / "settings.json"
    settings.write_text(settings.read_text().replace('"-mod=vendor"', '"-mod=vendor -tags=\\ud800"'))
    result = _scan(ws, cache_dir)
    m006 = [f for f in result.findings if f.code == "M006"]
    assert m006 and all("\ufffd" in (f.context_value or "") for f in m006)
    assert {"P001", "P005", "G002"} <= _codes(result, "vscode:debug:Launch API")


def test_deeply_nested_settings_are_one_e001_at_their_position(tmp_path: Path, cache_dir: str) -> None:
    ws = _showcase(tmp_path)
    (ws / ".vscode" / "settings.json").write_text('{\n  "x":\n' + "[" * 498 + "]" * 498 + "\n}\n")
    result = _scan(ws, cache_dir)
    assert _e001(result) == {"settings.json": (3, 256)}  # the 257th level
    assert {"P001", "P005", "G002"} <= _codes(result, "vscode:debug:Launch API")


@pytest.mark.parametrize(
    ("name", "raw", "where"),
    [
        (".idea/workspace.xml", b'<?xml version="1.0" encoding="bogus"?>\n<project version="4"/>\n', (1, 31)),
        (
            ".run/deep.run.xml",
            b"<component>\n" + b"<a>" * 10_000 + b"</a>" * 10_000 + b"\n</component>",
            (2, 766),
        ),
        (".run/latin1.run.xml", "<component>\n  <x v='caf\xe9'/>\n</component>\n".encode("latin-1"), (2, 12)),
        (".run/surrogate.run.xml", b"<component>\n  <x v='&#xD800;'/>\n</component>\n", (2, 9)),
    ],
)
def test_a_bad_jetbrains_file_is_one_e001_and_the_rest_is_audited(
    tmp_path: Path, cache_dir: str, name: str, raw: bytes, where: tuple[int, int]
) -> None:
    ws = _showcase(tmp_path)
    (ws / ".run").mkdir()
    (ws / ".idea").mkdir()
    (ws / ".run" / "good.run.xml").write_text(GOOD_RUN)
    (ws / name).write_bytes(raw)
    result = _scan(ws, cache_dir)
    assert _e001(result) == {Path(name).name: where}
    assert "P005" in _codes(result, "goland:run:good")
    assert {"P001", "P005", "G002"} <= _codes(result, "vscode:debug:Launch API")

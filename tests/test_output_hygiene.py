"""Output hygiene: control characters, forged workflow commands, surrogates, diff secrets.

Each defect is tested in every format, in-process on a report and end to end on a
hostile workspace scanned by the real CLI with a real shell.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ideaudit.model import ContextRef, Finding, Layer, Location, Report, Severity, Summary
from ideaudit.printable import printable, sanitize
from ideaudit.redact import redact_diff
from ideaudit.report import FORMATS, render
from tests.conftest import SAMPLES, shell_path

# What a terminal or a CI log must never receive from a file: C0 (but the newlines and
# tabs a format lays out itself), DEL, C1, surrogates.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
FORGED = "::error file=forged.go,line=1::forged"
HOSTILE = f"api \x1b]0;pwned\x07\x1b[2J\x9b31m\n{FORGED} \ud800 \u202e"


def test_printable_escapes_each_class_and_leaves_plain_text_alone() -> None:
    plain = "VS Code debug 'Launch API' — ünïcode ok"
    assert printable(plain) is plain
    assert printable("a\x1b[31mb") == "a\\x1b[31mb"
    assert printable("bell\x07") == "bell\\x07"
    assert printable("c1\x9b") == "c1\\x9b"
    assert printable("x\n::error") == "x\\n::error"
    assert printable("lone \ud800") == "lone \\ud800"
    assert printable("undecodable \udcff") == "undecodable \\udcff"
    assert printable("bidi \u202e") == "bidi \\u202e"
    assert printable("a\nb\x1b", keep_newlines=True) == "a\nb\\x1b"


def test_sanitize_reaches_every_string_of_a_record_and_keeps_clean_ones() -> None:
    f = Finding(
        "P001",
        Severity.ERROR,
        "m\x07",
        context_label="l\x1b",
        location=Location("/w/\x1bf", 1),
        provenance=(Layer("s", "v\ud800"),),
        contexts=(ContextRef("id", "x\n"),),
    )
    clean = sanitize(f)
    assert clean.severity is Severity.ERROR
    assert clean.message == "m\\x07" and clean.context_label == "l\\x1b"
    assert clean.location is not None and clean.location.file == "/w/\\x1bf"
    assert clean.provenance[0].value == "v\\ud800" and clean.contexts[0].label == "x\\n"
    ok = Finding("P001", Severity.ERROR, "fine")
    assert sanitize(ok) is ok


def _report() -> Report:
    f = Finding(
        "P001",
        Severity.ERROR,
        f"go is not found in {HOSTILE}",
        fix=f"Rename {HOSTILE}",
        context_id="vscode:debug:x",
        context_label=HOSTILE,
        location=Location(f"/w/.vscode/{HOSTILE}.json", 3, 5),
        variable="PATH",
        context_value=HOSTILE,
        shell_value="/usr/bin",
        provenance=(Layer(f"launch.json env {HOSTILE}", HOSTILE, Location("/w/l.json", 3, 5), HOSTILE),),
    )
    return Report("0.1.0", "/w", "bash", f"ide {HOSTILE}", (), (f,), Summary(1, 1, 1, 0, 0), "/home/a")


@pytest.mark.parametrize("verbose", [False, True])
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_passes_control_characters_or_forges_commands(fmt: str, verbose: bool) -> None:
    out = render(_report(), fmt, verbose=verbose)
    out.encode("utf-8")  # a lone surrogate would raise here, as print() did
    assert not RAW_CONTROL.search(out), repr(out)
    assert "\u202e" not in out
    assert not any(line.lstrip().startswith("::error file=forged") for line in out.splitlines())
    if fmt == "github":
        # The runner reads exactly one command per line, ours.
        assert len(out.splitlines()) == 1 and out.startswith("::error ")
    if fmt in ("json", "sarif"):
        json.loads(out)


# --- end to end: a hostile workspace through the real CLI --------------------------------

LAUNCH = r"""{
    "version": "0.2.0",
    "configurations": [
        {
            "name": "Launch \u001b]0;pwned\u0007\u001b[2J\n::error file=forged.go,line=1::forged \ud800",
            "type": "go",
            "request": "launch",
            "mode": "auto",
            "program": "${workspaceFolder}",
            "env": {
                "DB_PASSWORD": "hunter2-plain",
                "PATH": "${userHome}/sdk/go1.22.5/bin",
                "LABEL": "x\ud800\u009b31my"
            }
        },
        {
            "name": "Other", "type": "node", "request": "launch",
            "env": {"SERVICE_TOKEN": "not-in-any-go-context"}
        }
    ]
}
"""


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    copy = tmp_path / "hostile"
    shutil.copytree(SAMPLES / "launch-path-hardcoded", copy)
    (copy / ".vscode" / "launch.json").write_text(LAUNCH)
    return copy


def _cli(ws: Path, *args: str, cache_dir: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": cache_dir}
    base = ["scan", ".", "--home", "home", "--shell", shell_path("bash"), "--no-go-env"]
    return subprocess.run(
        [sys.executable, "-m", "ideaudit", *base, *args],
        capture_output=True,
        text=True,
        errors="surrogateescape",
        env=env,
        cwd=ws,
        timeout=60,
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_configuration_name_is_printed_escaped_in_every_format(
    fmt: str, hostile: Path, cache_dir: str
) -> None:
    proc = _cli(hostile, "--output-format", fmt, cache_dir=cache_dir)
    assert proc.returncode == 1, proc.stderr  # findings, not an internal error (2)
    out = proc.stdout
    assert not RAW_CONTROL.search(out), repr(out)
    assert not any(line.lstrip().startswith("::error file=forged") for line in out.splitlines())
    assert "\\x1b]0;pwned\\x07" in out.replace("\\\\", "\\")  # visible, not acted on
    assert "hunter2-plain" not in out and "not-in-any-go-context" not in out


def test_diff_context_lines_are_redacted_and_escaped(hostile: Path, cache_dir: str) -> None:
    proc = _cli(hostile, "--diff", cache_dir=cache_dir)
    assert proc.returncode == 1, proc.stderr
    assert '+                "PATH": "${userHome}/sdk/go1.22.5/bin:${env:PATH}",' in proc.stdout
    # The context lines around the edit quote the file: its secret is masked there too.
    assert '                 "DB_PASSWORD": "****",' in proc.stdout
    assert "hunter2-plain" not in proc.stdout + proc.stderr
    assert "masked" in proc.stderr
    assert not RAW_CONTROL.search(proc.stdout)


def test_redact_diff_masks_secret_names_in_every_file_syntax() -> None:
    diff = "\n".join(
        [
            ' "API_TOKEN": "abc-def-ghi",',
            "+export DB_PASSWORD=plain-pass",
            ' <env name="GITHUB_PAT_KEY" value="plainvalue" />',
            ' "GOFLAGS": "-mod=mod",',
            "-raw \x1b[2J",
        ]
    )
    shown = redact_diff(diff)
    assert "abc-def-ghi" not in shown and "plain-pass" not in shown and "plainvalue" not in shown
    assert '"GOFLAGS": "-mod=mod"' in shown
    assert "\\x1b[2J" in shown and "\x1b" not in shown
    assert shown.count("\n") == 4


def test_env_view_prints_a_surrogate_and_c1_escaped(hostile: Path, cache_dir: str) -> None:
    env = {**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": cache_dir}
    args = ["env", ".", "--home", "home", "--shell", shell_path("bash"), "--no-go-env", "--var", "LABEL"]
    proc = subprocess.run(
        [sys.executable, "-m", "ideaudit", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=hostile,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    # The JSONC reader turns a lone surrogate into U+FFFD (what Node hands the process).
    assert "here:  x\ufffd\\x9b31my" in proc.stdout
    assert not RAW_CONTROL.search(proc.stdout)

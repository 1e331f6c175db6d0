"""The reading boundary (issue 9 part 2): special files, size caps, nothing echoed.

Each hostile workspace is built in ``tmp_path`` and scanned by a real ``ideaudit``
process under a memory limit and a timeout, so a regression shows as a failure (a hang
or a MemoryError), not as a stuck or swapping test run.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ideaudit.sources.saferead import CAPS, ReadRefused, read_bytes
from tests.conftest import shell_path

FORMATS = ("text", "concise", "json", "github", "sarif")
LIMIT = 1024 * 1024 * 1024  # 1 GiB of address space: plenty for a scan, far from /dev/zero's appetite


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "ideaudit", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        preexec_fn=_limit,
        cwd=cwd,
    )


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".profile").write_text("export PATH=/usr/bin:/bin\n")
    return home


def _scan(ws: Path, home: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return _cli(
        "scan",
        str(ws),
        "--home",
        str(home),
        "--shell",
        shell_path("bash"),
        "--cache-dir",
        str(tmp_path / "cache"),
        "--no-go-env",
        *extra,
    )


def _launch(ws: Path, env_file: str) -> None:
    (ws / ".vscode").mkdir(parents=True, exist_ok=True)
    config = {
        "name": "Run",
        "type": "go",
        "request": "launch",
        "program": "${workspaceFolder}",
        "envFile": env_file,
    }
    (ws / ".vscode" / "launch.json").write_text(json.dumps({"configurations": [config]}))


def _findings(proc: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert proc.returncode in (0, 1), proc.stderr
    findings: list[dict[str, Any]] = json.loads(proc.stdout)["findings"]
    return findings


@pytest.mark.parametrize(
    "what", ["envfile-fifo", "settings-fifo", "run-xml-fifo", "envfile-dev-zero", "settings-link-dev-zero"]
)
def test_special_files_are_refused_not_read(tmp_path: Path, what: str) -> None:
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    if what == "envfile-fifo":
        os.mkfifo(ws / ".env")
        _launch(ws, "${workspaceFolder}/.env")
        target = ws / ".env"
    elif what == "settings-fifo":
        os.mkfifo(ws / ".vscode" / "settings.json")
        target = ws / ".vscode" / "settings.json"
    elif what == "run-xml-fifo":
        (ws / ".run").mkdir()
        os.mkfifo(ws / ".run" / "Run.run.xml")
        target = ws / ".run" / "Run.run.xml"
    elif what == "envfile-dev-zero":
        _launch(ws, "/dev/zero")
        target = Path("/dev/zero")
    else:
        (ws / ".vscode" / "settings.json").symlink_to("/dev/zero")
        target = ws / ".vscode" / "settings.json"
    home = _home(tmp_path)
    findings = _findings(_scan(ws, home, tmp_path, "--output-format", "json"))
    e002 = [f for f in findings if f["code"] == "E002"]
    # paths inside the workspace are relative to its root, outside it absolute
    shown = str(target.relative_to(ws)) if target.is_relative_to(ws) else str(target)
    assert any(f["location"] and f["location"]["file"] == shown for f in e002), findings
    kind = "FIFO" if "fifo" in what else "character device"
    assert any(kind in str(f["message"]) for f in e002)
    assert not [f for f in findings if f["code"] == "V002"]  # something is there: not "missing"
    # the fixers read what they edit: they must not read it either (V002's did, /dev/zero)
    fixed = _scan(ws, home, tmp_path, "--diff", "--unsafe-fixes")
    assert fixed.returncode in (0, 1), fixed.stderr


def test_files_over_the_cap_are_refused_with_a_finding(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    big = CAPS["jsonc"] + 1
    (ws / ".vscode" / "settings.json").write_text('{"a": "' + "x" * (big - 9) + '"}')
    (ws / "big.env").write_text("A=" + "y" * CAPS["envfile"] + "\n")
    _launch(ws, "${workspaceFolder}/big.env")
    findings = _findings(_scan(ws, _home(tmp_path), tmp_path, "--output-format", "json"))
    messages = {f["location"]["file"]: f["message"] for f in findings if f["code"] == "E002"}
    settings = next(m for file, m in messages.items() if file.endswith("settings.json"))
    assert "over ideaudit's 4.0 MiB limit for jsonc files; not read" in settings
    envfile = next(m for file, m in messages.items() if file.endswith("big.env"))
    assert "1.0 MiB limit for envfile files" in envfile


def test_read_bytes_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(ReadRefused, match="FIFO"):
        read_bytes(tmp_path / "fifo", "envfile")
    with pytest.raises(ReadRefused, match="character device"):
        read_bytes("/dev/zero", "envfile")
    with pytest.raises(ReadRefused, match="directory"):
        read_bytes(tmp_path, "jsonc")
    (tmp_path / "link").symlink_to(tmp_path / "fifo")
    with pytest.raises(ReadRefused, match="FIFO"):
        read_bytes(tmp_path / "link", "jsonc")  # the link is followed, its target checked
    (tmp_path / "ok").write_bytes(b"A=1\n")
    assert read_bytes(tmp_path / "ok", "envfile") == b"A=1\n"
    with pytest.raises(FileNotFoundError):
        read_bytes(tmp_path / "absent", "envfile")


KEY_LINES = [
    "-----BEGIN OPENSSH PRIVATE KEY-----",
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
    "QyNTUxOQAAACDVkGIcCLTlxwCJ3Y1YTQ3K6r0Q0wm4m4mZqN1m2Q9w7gAAAJgQ4yhmEOMo",
    "ZgAAAAtzc2gtZWQyNTUxOQAAACDVkGIcCLTlxwCJ3Y1YTQ3K6r0Q0wm4m4mZqN1m2Q9w7g",
    "-----END OPENSSH PRIVATE KEY-----",
]


def _pieces(lines: list[str]) -> set[str]:
    """Every 12-character piece of every line: none may appear in any output."""
    return {line[i : i + 12] for line in lines for i in range(0, max(1, len(line) - 11), 6)}


@pytest.mark.parametrize("fmt", [*FORMATS, "env", "env-all", "env-json", "diff"])
def test_a_file_outside_the_workspace_is_never_echoed(tmp_path: Path, fmt: str) -> None:
    """``"envFile": "${userHome}/.ssh/id_rsa"`` and an outside dotenv whose values would
    otherwise be printed (they are not secret-looking by name or shape)."""
    home = _home(tmp_path)
    (home / ".ssh").mkdir()
    (home / ".ssh" / "id_rsa").write_text("\n".join(KEY_LINES) + "\n")
    outside = tmp_path / "elsewhere" / "shared.env"
    outside.parent.mkdir()
    outside.write_text(
        "GOFLAGS=-tags=corp_internal_value_xyz\nPLAIN=outside_plain_value_123\nbroken line here\n"
    )
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    configs = [
        {
            "name": "Key",
            "type": "go",
            "request": "launch",
            "program": ".",
            "envFile": "${userHome}/.ssh/id_rsa",
        },
        {"name": "Shared", "type": "go", "request": "launch", "program": ".", "envFile": str(outside)},
    ]
    (ws / ".vscode" / "launch.json").write_text(json.dumps({"configurations": configs}))
    common = [str(ws), "--home", str(home), "--shell", shell_path("bash"), "--cache-dir", str(tmp_path / "c")]
    if fmt.startswith("env"):
        extra = ["--all"] if fmt == "env-all" else ["--var", "GOFLAGS", "--var", "PLAIN"]
        if fmt == "env-json":
            extra += ["--output-format", "json"]
        proc = _cli("env", *common, "--no-go-env", *extra)
    elif fmt == "diff":
        proc = _cli("scan", *common, "--no-go-env", "--diff", "--unsafe-fixes", "-v")
    else:
        proc = _cli("scan", *common, "--no-go-env", "--output-format", fmt, "-v")
    assert proc.returncode in (0, 1), proc.stderr
    out = proc.stdout + proc.stderr
    for piece in _pieces(KEY_LINES[1:4]):
        assert piece not in out, f"{piece!r} of the key printed in {fmt}"
    assert "corp_internal_value_xyz" not in out
    assert "outside_plain_value_123" not in out
    assert "broken line" not in out
    if fmt == "json":
        e001 = [f for f in json.loads(proc.stdout)["findings"] if f["code"] == "E001"]
        key_errors = [f for f in e001 if f["location"]["file"].endswith("id_rsa")]
        assert key_errors and all(f["location"]["line"] for f in key_errors)  # file:line:col, not text


def test_ide_env_dump_errors_never_quote_the_dump(tmp_path: Path) -> None:
    """An environment dump is full of tokens; a malformed entry is reported by position."""
    from ideaudit.shell.dump import load_env_dump

    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    (tmp_path / "lines.env").write_text(f"PATH=/usr/bin\nGITHUB_TOKEN {token}\n")
    (tmp_path / "nul.env").write_bytes(b"PATH=/usr/bin\0" + f"SECRET{token}".encode() + b"\0")
    (tmp_path / "dump.json").write_text(json.dumps({"PATH": "/usr/bin", "X": [token]}))
    for name in ("lines.env", "nul.env", "dump.json"):
        _env, problems = load_env_dump(tmp_path / name)
        assert problems, name
        for p in problems:
            assert token not in p.message and "GITHUB" not in p.message and "SECRET" not in p.message

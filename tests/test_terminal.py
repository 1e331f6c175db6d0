"""The terminal never breaks the report: an encoding without ✓/✗ gets ASCII, colour
follows --color / NO_COLOR / FORCE_COLOR / TERM=dumb, and a slow shell start-up shows a
status line on an interactive stderr only -- checked with real processes and a real pty."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ideaudit.report.term import to_ascii, use_color
from tests.conftest import SAMPLES, shell_path


class _Tty:
    def isatty(self) -> bool:
        return True


class _Pipe:
    def isatty(self) -> bool:
        return False


@pytest.mark.parametrize(
    ("choice", "env", "tty", "expected"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # empty NO_COLOR does not count (no-color.org)
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, False),
        ("auto", {"TERM": "dumb"}, True, False),
        ("auto", {"TERM": "dumb", "FORCE_COLOR": "1"}, True, True),
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_use_color(choice: str, env: dict[str, str], tty: bool, expected: bool) -> None:
    assert use_color(choice, _Tty() if tty else _Pipe(), env) is expected


def test_to_ascii_keeps_what_it_cannot_show_readable() -> None:
    assert to_ascii("✓ ok ✗ bad • info → next … done") == "+ ok x bad * info -> next ... done"
    assert to_ascii("café ✓", "cp1252") == "café +"
    assert to_ascii("/home/jürgen/go 日本", "ascii") == "/home/j\\xfcrgen/go \\u65e5\\u672c"


def _hermetic(sample: str = "showcase") -> list[str]:
    path = SAMPLES / sample
    return ["scan", str(path), "--home", str(path / "home"), "--shell", shell_path("bash"), "--no-go-env"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "PYTHONIOENCODING")}
    env["IDEAUDIT_CACHE_DIR"] = str(tmp_path / "cache")
    env.update(extra)
    return env


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_an_encoding_without_the_marks_gets_ascii(tmp_path: Path, encoding: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ideaudit", *_hermetic()],
        capture_output=True,
        env=_env(tmp_path, PYTHONIOENCODING=encoding),
        timeout=120,
    )
    out = proc.stdout.decode(encoding)
    err = proc.stderr.decode(encoding, "replace")
    assert proc.returncode == 1, err
    assert "internal error" not in err
    assert "+ your terminal" in out
    assert "x VS Code debug 'Launch API'" in out
    assert "  x P001 go is not found" in out
    assert "✓" not in out and "✗" not in out


def _run_on_pty(argv: list[str], env: dict[str, str], stdout_tty: bool) -> tuple[int, str, str]:
    """Run with stderr (and stdout if asked) on a real pseudo-terminal; return the exit
    status, what reached the terminal, and what reached the stdout pipe."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=slave if stdout_tty else subprocess.PIPE,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    seen = b""
    piped = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    if proc.stdout is not None:
        piped = proc.stdout.read()
    proc.wait(timeout=30)
    os.close(master)
    return proc.returncode, seen.decode("utf-8", "replace"), piped.decode("utf-8", "replace")


def test_colour_on_a_terminal_and_not_with_term_dumb(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "ideaudit", *_hermetic()]
    code, seen, _ = _run_on_pty(argv, _env(tmp_path, TERM="xterm"), stdout_tty=True)
    assert code == 1 and "\x1b[" in seen
    code, seen, _ = _run_on_pty(argv, _env(tmp_path, TERM="dumb"), stdout_tty=True)
    assert code == 1 and "\x1b[" not in seen and "✗" in seen


@pytest.mark.parametrize(
    ("flags", "env", "coloured"),
    [
        ([], {}, False),
        (["--color", "always"], {}, True),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        (["--color", "always", "--output-format", "json"], {}, False),  # machine formats never
    ],
)
def test_colour_into_a_pipe(tmp_path: Path, flags: list[str], env: dict[str, str], coloured: bool) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ideaudit", *_hermetic(), *flags],
        capture_output=True,
        text=True,
        env=_env(tmp_path, **env),
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert ("\x1b[" in proc.stdout) is coloured


@pytest.fixture
def slow_home(tmp_path: Path) -> Path:
    """The clean sample's home with 1.5 s of sleep in its .bashrc."""
    home = Path(shutil.copytree(SAMPLES / "clean" / "home", tmp_path / "home", symlinks=True))
    with open(home / ".bashrc", "a", encoding="utf-8") as fh:
        fh.write("\nsleep 1.5\n")
    return home


def test_a_slow_shell_shows_a_status_line_on_the_terminal_only(tmp_path: Path, slow_home: Path) -> None:
    argv = [sys.executable, "-m", "ideaudit", *_hermetic("clean"), "--home", str(slow_home), "--refresh"]
    argv += ["--output-format", "json"]
    code, seen, piped = _run_on_pty(argv, _env(tmp_path), stdout_tty=False)
    assert code == 0, seen
    assert "waiting for your shell's start-up (bash" in seen
    assert " s)" in seen  # the elapsed time
    assert seen.rstrip().endswith("\x1b[2K")  # and the line is erased when the wait ends
    assert "waiting" not in piped and piped.lstrip().startswith("{")


def test_status_line_on_a_dumb_terminal_uses_no_escape_codes(tmp_path: Path, slow_home: Path) -> None:
    argv = [sys.executable, "-m", "ideaudit", *_hermetic("clean"), "--home", str(slow_home), "--refresh"]
    code, seen, _piped = _run_on_pty([*argv, "--output-format", "json"], _env(tmp_path, TERM="dumb"), False)
    assert code == 0 and "waiting for your shell's start-up" in seen
    assert "\x1b" not in seen and seen.endswith("\r")


def test_no_status_line_into_a_pipe(tmp_path: Path, slow_home: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ideaudit", *_hermetic("clean"), "--home", str(slow_home), "--refresh"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "waiting" not in proc.stdout + proc.stderr
    assert "\x1b" not in proc.stdout + proc.stderr

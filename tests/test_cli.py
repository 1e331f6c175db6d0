"""The command line's contract, in-process through ``main(argv) -> int``: every command
and option of the argparse CLI it replaced still parses, help is complete, and the exit
codes are 0 (no findings), 1 (findings), 2 (usage or internal error), 130 (interrupted)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from ideaudit import __version__
from ideaudit.cli import main
from tests.conftest import SAMPLES, shell_path

# Every option of the argparse CLI (before the switch to typer), by command.
OPTIONS = {
    "scan": [
        "--select", "--ignore", "--output-format", "--exit-zero", "--verbose", "-v", "--home", "--shell",
        "--ide-env", "--goland-env", "--goland-loads-shell-env", "--jetbrains-config-dir",
        "--vscode-user-dir", "--refresh", "--timeout", "--trust", "--no-go-env", "--cache-dir", "--diff",
        "--fix", "--unsafe-fixes", "--fix-shell",
        # new with typer and the config models
        "--fail-on", "--color", "--config", "--isolated",
    ],
    "watch": [
        "--select", "--ignore", "--output-format", "--verbose", "--home", "--shell", "--ide-env",
        "--goland-env", "--goland-loads-shell-env", "--jetbrains-config-dir", "--vscode-user-dir",
        "--refresh", "--timeout", "--trust", "--no-go-env", "--cache-dir", "--notify", "--no-ide-check",
        "--debounce", "--ide-poll", "--color", "--config", "--isolated",
    ],
    "env": [
        "--home", "--shell", "--ide-env", "--goland-env", "--goland-loads-shell-env",
        "--jetbrains-config-dir", "--vscode-user-dir", "--refresh", "--timeout", "--trust", "--no-go-env",
        "--cache-dir", "--context", "--var", "--all", "--output-format", "--config", "--isolated",
    ],
    "fix": ["--undo", "--cache-dir"],
    "rule": [],
}  # fmt: skip
GEN = {
    "launch": ["--program", "--name", "--mode", "--cwd", "--include", "--write", "--home", "--shell",
               "--ide-env", "--vscode-user-dir", "--cache-dir", "--refresh"],
    "envfile": ["--output", "--include", "--write", "--home", "--shell", "--ide-env", "--vscode-user-dir",
                "--cache-dir", "--refresh"],
    "settings": ["--include", "--write", "--home", "--shell", "--ide-env", "--vscode-user-dir",
                 "--cache-dir", "--refresh"],
    "goland-run": ["--name", "--mode", "--cwd", "--include", "--write", "--home", "--shell", "--ide-env",
                   "--vscode-user-dir", "--cache-dir", "--refresh"],
    "task": ["--diff"],
}  # fmt: skip


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Help is rendered by rich at the terminal's width: make it wide and colourless so
    option names are never wrapped."""
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def hermetic(sample: str) -> list[str]:
    path = SAMPLES / sample
    return [str(path), "--home", str(path / "home"), "--shell", shell_path("bash"), "--no-go-env"]


def test_root_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ["scan", "env", "watch", "gen", "fix", "rule"]:
        assert f" {command} " in out
    assert "--version" in out and "--install-completion" in out and "--show-completion" in out


def test_the_command_table_has_each_commands_own_short_help() -> None:
    import importlib

    import typer.main

    from ideaudit.cli.app import COMMANDS

    for name, (module, short_help) in COMMANDS.items():
        command = typer.main.get_command(importlib.import_module(f"ideaudit.cli.{module}").app)
        assert command.short_help == short_help, name


def test_no_command_shows_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 2
    assert "scan" in out + err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (0, f"ideaudit {__version__}\n", "")


@pytest.mark.parametrize("command", sorted(OPTIONS))
def test_every_option_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    for option in OPTIONS[command]:
        line = next((ln for ln in out.splitlines() if f" {option} " in f"{ln} "), None)
        assert line is not None, f"{command} --help does not show {option}"
        # an option line has words after the option and its type: the help text
        assert len(line.split()) >= 4, f"{command} {option} has no help: {line!r}"


@pytest.mark.parametrize("command", sorted(OPTIONS))
def test_help_shows_no_type_for_flags_and_keeps_brackets(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """A flag takes no value (typer would print ``<bool>``), and help text is not eaten
    as rich markup (``[tool.ideaudit]`` once vanished from ``--config``'s help)."""
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "<bool>" not in out
    if command == "scan":
        assert "[tool.ideaudit]" in " ".join(out.replace("│", " ").split())


def test_gen_without_a_subcommand_lists_them(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "gen")
    assert code == 2
    for sub in GEN:
        assert f" {sub} " in out + err


@pytest.mark.parametrize("sub", sorted(GEN))
def test_every_gen_option_has_help(capsys: pytest.CaptureFixture[str], sub: str) -> None:
    code, out, _ = run(capsys, "gen", sub, "--help")
    assert code == 0
    for option in GEN[sub]:
        assert f" {option} " in out, f"gen {sub} --help does not show {option}"


def test_findings_exit_1_and_none_exit_0(capsys: pytest.CaptureFixture[str], cache_dir: str) -> None:
    code, out, _ = run(capsys, "scan", *hermetic("showcase"), "--cache-dir", cache_dir)
    assert code == 1
    assert "P001" in out
    code, out, _ = run(capsys, "scan", *hermetic("clean"), "--cache-dir", cache_dir)
    assert code == 0, out


def test_exit_zero_and_fail_on(capsys: pytest.CaptureFixture[str], cache_dir: str) -> None:
    args = ["scan", *hermetic("showcase"), "--cache-dir", cache_dir, "--output-format", "concise"]
    assert run(capsys, *args, "--exit-zero")[0] == 0
    # V001 is a warning: not enough to fail with --fail-on error, enough with warning
    assert run(capsys, *args, "--select", "V001", "--fail-on", "error")[0] == 0
    code, out, _ = run(capsys, *args, "--select", "V001", "--fail-on", "warning")
    assert code == 1 and "V001" in out


def test_select_takes_commas_and_repeats(capsys: pytest.CaptureFixture[str], cache_dir: str) -> None:
    args = ["scan", *hermetic("showcase"), "--cache-dir", cache_dir, "--output-format", "concise"]
    _, out, _ = run(capsys, *args, "--select", "p001,V", "--select", "G002")
    codes = {line.split()[2] for line in out.splitlines()}
    assert codes == {"P001", "V001", "G002"}
    _, out, _ = run(capsys, *args, "--ignore", "P,G", "--ignore", "M")
    codes = {line.split()[2] for line in out.splitlines()}
    assert codes and not any(c[0] in "PGM" for c in codes)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["scan", "--output-format", "xml"], "'xml' is not one of"),
        (["scan", "--fail-on", "fatal"], "'fatal' is not one of"),
        (["scan", "--timeout", "soon"], "'soon' is not a valid float"),
        (["scan", "--no-such-option"], "No such option"),
        (["scan", "--select", "Q999"], "no rule matches Q999"),
        (["scan", "--timeout", "500"], "--timeout must be between 0 and 120"),
        (["scan", "no/such/folder"], "no/such/folder"),
        (["watch", "--debounce", "-1"], "--debounce"),
        (["env", "--output-format", "yaml"], "'yaml' is not one of"),
        (["fix"], "needs --undo"),
        (["rule", "Z123"], "no rule 'Z123'"),
        (["frobnicate"], "No such command"),
        (["gen", "launch", "--mode", "attach"], "'attach' is not one of"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], message: str
) -> None:
    os.chdir(tmp_path)  # a relative PATH must not find this project's files
    code, out, err = run(capsys, *argv)
    assert code == 2, out + err
    assert message in " ".join((out + err).split()), out + err


def test_rule_explains_and_lists(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rule", "p001")
    assert code == 0 and out.startswith("P001 (") and "Fix:" in out
    code, out, _ = run(capsys, "rule")
    assert code == 0
    assert len(out.splitlines()) > 40 and all(line[:1].isupper() for line in out.splitlines())


def test_env_and_gen_run(capsys: pytest.CaptureFixture[str], cache_dir: str) -> None:
    code, out, _ = run(capsys, "env", *hermetic("showcase"), "--cache-dir", cache_dir, "--var", "PATH")
    assert code == 0 and "PATH" in out
    code, out, _ = run(
        capsys, "env", *hermetic("showcase"), "--cache-dir", cache_dir, "--output-format", "json"
    )
    assert code == 0 and out.lstrip().startswith(("{", "["))
    sample = SAMPLES / "showcase"
    code, out, _ = run(
        capsys, "gen", "launch", str(sample), "--home", str(sample / "home"), "--shell", shell_path("bash"),
        "--cache-dir", cache_dir, "--mode", "test",
    )  # fmt: skip
    assert code == 0 and '"mode": "test"' in out


def test_interrupt_exits_130(tmp_path: Path) -> None:
    """Ctrl-C while a slow login shell starts: exit 130, no traceback."""
    bash = shell_path("bash")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("sleep 20\n")
    (home / ".bash_profile").write_text(". ~/.bashrc\n")
    env = {**os.environ, "IDEAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ideaudit", "scan", str(SAMPLES / "clean"), "--home", str(home),
         "--shell", bash, "--no-go-env", "--refresh"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    # wait until the shell under test runs (its sleep is a child of ours)
    while time.monotonic() < deadline:
        if psutil.Process(proc.pid).children():
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err

"""GoLand's environment: a live process, the desktop model, the shell-loading model, the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ideaudit.ide.environment import find_running_goland, goland_environment
from ideaudit.pipeline import ScanOptions, scan
from ideaudit.shell import capture as shell_capture
from ideaudit.shell import profiles as shell_profiles
from tests.conftest import SAMPLES, shell_path


@pytest.fixture
def goland_process(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A real process named ``goland`` with a crafted environment."""
    sleep = shutil.which("sleep")
    if sleep is None:
        pytest.skip("sleep is not installed")
    exe = tmp_path / "goland"
    shutil.copy(sleep, exe)
    env = {"PATH": "/opt/crafted/bin:/usr/bin", "SHLVL": "0", "GOFLAGS": "-crafted"}
    proc = subprocess.Popen([str(exe), "30"], env=env)
    time.sleep(0.2)
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_a_running_goland_process_is_found_and_read(goland_process: subprocess.Popen[bytes]) -> None:
    found = find_running_goland()
    assert found is not None
    pid, name, env = found
    assert pid == goland_process.pid and name == "goland"
    assert env["GOFLAGS"] == "-crafted"
    ide, problems = goland_environment(
        goland_env_file=None,
        jetbrains_snapshot=None,
        desktop_snapshot=None,
        session_env={},
        loads_shell_env=False,
    )
    assert problems == []
    assert ide.kind == "process" and ide.env["PATH"] == "/opt/crafted/bin:/usr/bin"


def test_goland_env_file_wins(tmp_path: Path) -> None:
    dump = tmp_path / "goland.env"
    dump.write_text("PATH=/from/file\nGOFLAGS=-mod=mod\n")
    ide, _ = goland_environment(
        goland_env_file=str(dump),
        jetbrains_snapshot=None,
        desktop_snapshot=None,
        session_env={"PATH": "/session"},
        loads_shell_env=True,
        look_for_process=False,
    )
    assert ide.kind == "file" and ide.env["GOFLAGS"] == "-mod=mod"


def test_desktop_profile_reads_profile_not_bashrc(tmp_path: Path) -> None:
    if not os.access(shell_profiles.DESKTOP_SHELL, os.X_OK):
        pytest.skip("/bin/sh is not present")
    bash = shell_path("bash")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".profile").write_text("export FROM_PROFILE=1\n")
    (home / ".bashrc").write_text("export FROM_BASHRC=1\n")
    base = shell_profiles.session_base_env(str(home), bash)
    snap = shell_capture.capture(bash, str(home), "desktop", base_env=base, cache_dir="")
    assert snap.ok, snap.error
    assert snap.shell == shell_profiles.DESKTOP_SHELL
    assert snap.argv[1:3] == ("-l", "-c")
    assert snap.env.get("FROM_PROFILE") == "1" and "FROM_BASHRC" not in snap.env
    ide, _ = goland_environment(
        goland_env_file=None,
        jetbrains_snapshot=None,
        desktop_snapshot=snap,
        session_env=base,
        loads_shell_env=False,
        look_for_process=False,
    )
    assert ide.env.get("FROM_PROFILE") == "1" and "desktop" in ide.source


def test_shell_loading_on_uses_the_jetbrains_capture(tmp_path: Path, cache_dir: str) -> None:
    zsh = shell_path("zsh")
    sample = SAMPLES / "goland-desktop-launch"
    desktop = scan(ScanOptions(path=str(sample), home=str(sample / "home"), shell=zsh, cache_dir=cache_dir))
    loaded = scan(
        ScanOptions(
            path=str(sample),
            home=str(sample / "home"),
            shell=zsh,
            cache_dir=cache_dir,
            goland_loads_shell_env=True,
        )
    )
    p001 = {f.context_id for f in desktop.findings if f.code == "P001"}
    assert {"goland:tools", "goland:run:server"} <= p001
    # zsh -l -i (the JetBrains reader) reads ~/.zshrc, where go is put on PATH.
    assert not [f for f in loaded.findings if f.code == "P001" and (f.context_id or "").startswith("goland")]
    assert "loaded your login shell" in loaded.report.ide_environment
    assert {s.profile for s in loaded.audit.snapshots} >= {"terminal", "jetbrains"}


def test_cli_flags_reach_the_scan(tmp_path: Path, cache_dir: str) -> None:
    bash = shell_path("bash")
    sample = SAMPLES / "goland-sdk-another-go"
    env_file = tmp_path / "goland.env"
    env_file.write_text(f"PATH={sample}/home/sdk/go1.22.5/bin:/usr/bin:/bin\nHOME={sample}/home\n")
    empty = tmp_path / "jb"
    empty.mkdir()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ideaudit",
            "scan",
            str(sample),
            "--home",
            str(sample / "home"),
            "--shell",
            bash,
            "--goland-env",
            str(env_file),
            "--jetbrains-config-dir",
            str(empty),
            "--output-format",
            "concise",
            "--select",
            "J,G",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": cache_dir},
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert "J002" in proc.stdout and "workspace.xml:3:" in proc.stdout
    # The empty config dir has no goLibraries.xml: no GOPATH difference (G001) any more.
    assert "G001" not in proc.stdout

"""No process an rc file starts outlives the capture (issue 9 part 7).

Real bash, zsh and fish on a fake $HOME whose start-up files start a ``setsid`` daemon
(a new session: out of reach of killpg and of a session scan) and a double-forked
``nohup`` one (reparented at once), each a ``sleep`` with a unique marker argument
(GNU sleep adds its arguments up, so ``sleep 1000 0.000123`` is a valid, unique command
line).  After a whole ``ideaudit scan`` (a real process, all its captures) and after a
capture that times out, psutil finds no process with the marker.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from ideaudit.shell.capture import capture
from ideaudit.shell.profiles import session_base_env

LINUX = sys.platform.startswith("linux")
ROOT = Path(__file__).resolve().parents[1]


def need(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def marker() -> str:
    return f"0.000{random.randrange(10**8, 10**9)}"


def with_marker(mark: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        try:
            if proc.info["status"] != psutil.STATUS_ZOMBIE and mark in (proc.info["cmdline"] or []):
                found.append(proc)
        except psutil.Error:
            continue
    return found


@pytest.fixture
def cleanup() -> Iterator[list[str]]:
    """Markers to kill after the test, so a failing test leaves nothing running either."""
    marks: list[str] = []
    yield marks
    for mark in marks:
        for proc in with_marker(mark):
            with contextlib.suppress(psutil.Error):
                proc.kill()


def daemons(kind: str, setsid_mark: str, fork_mark: str) -> str:
    """Start-up file text that starts both daemons, in that shell's syntax."""
    double_fork = f"( nohup sleep 1000 {fork_mark} >/dev/null 2>&1 & )"
    if kind == "fish":
        return f"setsid sleep 1000 {setsid_mark} &\nsh -c '{double_fork}'\n"
    return f"setsid sleep 1000 {setsid_mark} &\n{double_fork}\n"


def fake_home(tmp_path: Path, kind: str, text: str) -> Path:
    home = tmp_path / "home"
    files = {
        # .bash_profile sources .bashrc: every bash start-up (login or not) runs it.
        "bash": {".bashrc": text, ".bash_profile": ". ~/.bashrc\n"},
        "zsh": {".zshenv": text},  # zsh reads .zshenv in every mode
        "fish": {".config/fish/config.fish": text},
    }[kind]
    for name, body in files.items():
        path = home / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    return home


def survivors(*marks: str, within: float = 2.0) -> list[str]:
    """Command lines of marked processes still alive (polled briefly: a SIGKILL takes a
    moment to land, and that is not what this checks)."""
    deadline = time.monotonic() + within
    while True:
        alive = [" ".join(p.info["cmdline"] or []) for m in marks for p in with_marker(m)]
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.05)


@pytest.mark.skipif(not LINUX, reason="setsid daemons are adopted through PR_SET_CHILD_SUBREAPER (Linux)")
@pytest.mark.parametrize("kind", ["bash", "zsh", "fish"])
def test_scan_leaves_no_daemon_behind(kind: str, tmp_path: Path, cleanup: list[str]) -> None:
    shell = need(kind)
    need("setsid")
    a, b = marker(), marker()
    cleanup += [a, b]
    home = fake_home(tmp_path, kind, daemons(kind, a, b))
    workspace = tmp_path / "ws"
    (workspace / ".vscode").mkdir(parents=True)
    (workspace / ".vscode" / "settings.json").write_text("{}\n")
    env = {**os.environ, "IDEAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    argv = [sys.executable, "-m", "ideaudit", "scan", str(workspace), "--home", str(home)]
    argv += ["--shell", shell, "--no-go-env", "--exit-zero", "--output-format", "json"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    # The rc file really ran (the daemons existed): its shells did start them.
    assert '"contexts"' in done.stdout
    assert survivors(a, b) == []


@pytest.mark.skipif(not LINUX, reason="setsid daemons are adopted through PR_SET_CHILD_SUBREAPER (Linux)")
@pytest.mark.parametrize("kind", ["bash", "zsh", "fish"])
def test_timeout_kills_daemons_too(kind: str, tmp_path: Path, cleanup: list[str]) -> None:
    shell = need(kind)
    need("setsid")
    a, b = marker(), marker()
    cleanup += [a, b]
    home = fake_home(tmp_path, kind, daemons(kind, a, b) + "sleep 30\n")
    base = session_base_env(str(home), shell, "tester", inherit={})
    snap = capture(shell, str(home), "vscode", timeout=1.5, base_env=base, cache_dir=str(tmp_path / "c"))
    assert snap.timed_out
    assert survivors(a, b) == []


@pytest.mark.skipif(not LINUX, reason="needs /proc and setsid")
def test_daemons_did_run_without_the_reaper(tmp_path: Path, cleanup: list[str]) -> None:
    """The control: the same rc file started by hand leaves both daemons running, so the
    tests above would fail if the capture did not kill them."""
    bash = need("bash")
    need("setsid")
    a, b = marker(), marker()
    cleanup += [a, b]
    home = fake_home(tmp_path, "bash", daemons("bash", a, b))
    env = session_base_env(str(home), bash, "tester", inherit={})
    quiet = subprocess.DEVNULL  # not pipes: the setsid daemon would hold them open
    subprocess.run([bash, "-i", "-c", "true"], env=env, stdin=quiet, stdout=quiet, stderr=quiet, timeout=30)
    deadline = time.monotonic() + 5
    while len(survivors(a, b, within=0)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(survivors(a, b, within=0)) == 2


@pytest.mark.skipif(not LINUX, reason="the subreaper is Linux-only")
def test_the_sweep_spares_our_own_children(cleanup: list[str]) -> None:
    """Only what captures left is killed: a child of ours in our own session (a
    notify-send, a go started without a new session) and a registered one survive."""
    from ideaudit.shell import reaper

    own, registered = marker(), marker()
    cleanup += [own, registered]
    quiet = subprocess.DEVNULL
    with reaper.adopting() as active:
        plain = subprocess.Popen(["sleep", "1000", own], stdout=quiet, stderr=quiet)
        spawned = reaper.spawn(["sleep", "1000", registered], start_new_session=True, stdout=quiet)
    try:
        assert active
        assert plain.poll() is None and spawned.poll() is None
    finally:
        for proc in (plain, spawned):
            proc.kill()
            proc.wait()
        reaper.release(spawned.pid)

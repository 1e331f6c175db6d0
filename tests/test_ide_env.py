"""shell.dump and ide.environment: env dumps, a real running `code` process, the model."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ideaudit.ide.environment import VSCODE_PROCESS_NAMES, find_running_vscode, vscode_environment
from ideaudit.model import Location, ShellSnapshot
from ideaudit.shell.capture import capture
from ideaudit.shell.dump import load_env_dump, parse_env_dump
from ideaudit.shell.profiles import session_base_env

# --------------------------------------------------------------------------- envdump


def test_nul_separated_dump() -> None:
    env, problems = parse_env_dump(b"A=1\0B=x=y\0EMPTY=\0MULTI=l1\nl2\0\0", "dump")
    assert env == {"A": "1", "B": "x=y", "EMPTY": "", "MULTI": "l1\nl2"}
    assert problems == []


def test_nul_dump_bad_entry_is_a_problem_and_parsing_continues() -> None:
    env, problems = parse_env_dump(b"A=1\0garbage\0B=2\0", "dump")
    assert env == {"A": "1", "B": "2"}
    assert len(problems) == 1
    assert problems[0].kind == "parse" and "entry 2" in problems[0].message


def test_proc_environ_of_a_real_process(tmp_path: Path) -> None:
    if not os.path.isdir("/proc/self"):
        pytest.skip("no /proc")
    proc = subprocess.Popen(["sleep", "30"], env={"PATH": os.defpath, "MARK": "from /proc", "EQ": "a=b"})
    try:
        deadline = time.monotonic() + 5
        while Path(f"/proc/{proc.pid}/comm").read_text().strip() != "sleep":
            assert time.monotonic() < deadline
            time.sleep(0.01)  # until the exec: before it, the child has our environ
        path = f"/proc/{proc.pid}/environ"
        env, problems = load_env_dump(path)
    finally:
        proc.kill()
        proc.wait()
    assert problems == []
    assert env is not None and env["MARK"] == "from /proc" and env["EQ"] == "a=b"


def test_key_value_lines() -> None:
    text = (
        "# a comment\n"
        "\n"
        "export GOPATH=/home/me/go\n"
        "GOFLAGS=-tags=integration -mod=mod\n"
        'QUOTED="a \\"b\\" c"\n'
        "SINGLE='x y'\n"
        "  INDENTED=1  \n"
        "EMPTY=\n"
    )
    env, problems = parse_env_dump(text.encode(), "ide.env")
    assert problems == []
    assert env == {
        "GOPATH": "/home/me/go",
        "GOFLAGS": "-tags=integration -mod=mod",
        "QUOTED": 'a "b" c',
        "SINGLE": "x y",
        "INDENTED": "1",
        "EMPTY": "",
    }


def test_key_value_line_without_equals_has_a_line_number() -> None:
    env, problems = parse_env_dump(b"A=1\nB=2\nthis is not a var\nC=3\n=nokey\n", "ide.env")
    assert env == {"A": "1", "B": "2", "C": "3"}
    assert [p.location for p in problems] == [Location("ide.env", 3), Location("ide.env", 5)]
    assert all(p.kind == "parse" for p in problems)
    assert "line 3" in problems[0].message


def test_json_object() -> None:
    data = b'{"PATH": "/usr/bin:/bin", "GOROOT": "/usr/local/go", "X": "a\\u0000b"}'
    env, problems = parse_env_dump(data, "env.json")
    assert problems == []
    assert env == {"PATH": "/usr/bin:/bin", "GOROOT": "/usr/local/go", "X": "a\0b"}


def test_json_non_string_values_are_problems() -> None:
    data = b'{\n  "A": "1",\n  "N": 5,\n  "L": ["x"],\n  "B": "2"\n}\n'
    env, problems = parse_env_dump(data, "env.json")
    assert env == {"A": "1", "B": "2"}
    assert [(p.kind, p.location) for p in problems] == [
        ("parse", Location("env.json", 3)),
        ("parse", Location("env.json", 4)),
    ]
    assert "N" in problems[0].message


def test_json_invalid_and_not_an_object() -> None:
    env, problems = parse_env_dump(b'{"A": "1",\n "B": }', "env.json")
    assert env == {}
    assert len(problems) == 1 and problems[0].location == Location("env.json", 2, 7)
    env, problems = parse_env_dump(b'  ["A=1"]', "env.json")
    assert env == {}
    assert len(problems) == 1 and "JSON object" in problems[0].message


def test_load_env_dump_unreadable(tmp_path: Path) -> None:
    env, problems = load_env_dump(tmp_path / "missing.env")
    assert env is None
    assert len(problems) == 1 and problems[0].kind == "unreadable"
    assert problems[0].location == Location(str(tmp_path / "missing.env"))
    env, problems = load_env_dump(tmp_path)  # a directory
    assert env is None and problems[0].kind == "unreadable"


def test_load_env_dump_broken_json_is_none_empty_file_is_empty(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{oops")
    env, problems = load_env_dump(broken)
    assert env is None and problems
    empty = tmp_path / "empty.env"
    empty.write_bytes(b"")
    assert load_env_dump(empty) == ({}, [])


# --------------------------------------------------------------------------- running VS Code


@pytest.fixture
def fake_code(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes named `code` (copies of sleep), killed afterwards."""
    if not sys.platform.startswith("linux"):
        pytest.skip("process names are read from /proc on Linux")
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for p in procs:
        p.kill()
        p.wait()


def start_code(
    tmp_path: Path, procs: list[subprocess.Popen[bytes]], env: dict[str, str], name: str = "code"
) -> subprocess.Popen[bytes]:
    sleep = shutil.which("sleep")
    assert sleep is not None
    d = tmp_path / f"bin{len(procs)}"
    d.mkdir()
    exe = d / name
    shutil.copy(sleep, exe)
    p = subprocess.Popen([str(exe), "60"], env=env)
    procs.append(p)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # wait until the exec has happened
        try:
            if Path(f"/proc/{p.pid}/comm").read_text().strip() == name:
                return p
        except OSError:
            pass
        time.sleep(0.01)
    raise AssertionError("fake code process did not start")


def no_real_vscode() -> None:
    if find_running_vscode() is not None:
        pytest.skip("a real VS Code is running; cannot test against fakes")


def test_find_running_vscode_reads_a_real_process(
    tmp_path: Path, fake_code: list[subprocess.Popen[bytes]]
) -> None:
    no_real_vscode()
    p = start_code(tmp_path, fake_code, {"PATH": "/usr/bin:/bin", "IDEAUDIT_MARK": "main-42"})
    found = find_running_vscode()
    assert found is not None
    pid, name, env = found
    assert (pid, name) == (p.pid, "code")
    assert env["IDEAUDIT_MARK"] == "main-42"

    ide, problems = vscode_environment(
        ide_env_file=None, shell_snapshot_vscode=None, session_env={}, look_for_process=True
    )
    assert problems == []
    assert ide.kind == "process" and ide.ide == "vscode"
    assert ide.source == f"running code (pid {p.pid})"
    assert ide.env["IDEAUDIT_MARK"] == "main-42"


def test_extension_host_is_preferred_over_main(
    tmp_path: Path, fake_code: list[subprocess.Popen[bytes]]
) -> None:
    no_real_vscode()
    start_code(tmp_path, fake_code, {"PATH": "/bin", "IDEAUDIT_MARK": "main"})
    host = start_code(
        tmp_path,
        fake_code,
        {
            "PATH": "/home/me/go/bin:/bin",
            "IDEAUDIT_MARK": "exthost",
            "VSCODE_ESM_ENTRYPOINT": "vs/workbench/api/node/extensionHostProcess",
        },
    )
    start_code(tmp_path, fake_code, {"IDEAUDIT_MARK": "cli", "ELECTRON_RUN_AS_NODE": "1"})
    found = find_running_vscode()
    assert found is not None and found[0] == host.pid and found[2]["IDEAUDIT_MARK"] == "exthost"


def test_other_names_are_recognised(tmp_path: Path, fake_code: list[subprocess.Popen[bytes]]) -> None:
    no_real_vscode()
    assert "codium" in VSCODE_PROCESS_NAMES
    p = start_code(tmp_path, fake_code, {"IDEAUDIT_MARK": "c"}, name="codium")
    found = find_running_vscode()
    assert found is not None and found[:2] == (p.pid, "codium")


def test_not_a_vscode_name_is_ignored(tmp_path: Path, fake_code: list[subprocess.Popen[bytes]]) -> None:
    no_real_vscode()
    start_code(tmp_path, fake_code, {"IDEAUDIT_MARK": "c"}, name="vscode-ish")
    assert find_running_vscode() is None


# --------------------------------------------------------------------------- vscode_environment


def snapshot(**kw: object) -> ShellSnapshot:
    fields: dict[str, object] = {
        "shell": "/bin/bash",
        "profile": "vscode",
        "argv": ("/bin/bash", "-i", "-l", "-c", "exec env -0 >| /tmp/x"),
        "env": {"PATH": "/home/me/go/bin:/usr/bin", "GOPATH": "/home/me/go"},
        "duration": 0.01,
        "exit_status": 0,
    }
    fields.update(kw)
    return ShellSnapshot(**fields)  # type: ignore[arg-type]


def test_ide_env_file_wins(tmp_path: Path) -> None:
    f = tmp_path / "ide.env"
    f.write_text("GOPATH=/from/file\nbad line\n")
    ide, problems = vscode_environment(
        ide_env_file=str(f),
        shell_snapshot_vscode=snapshot(),
        session_env={"PATH": "/usr/bin"},
        look_for_process=False,
    )
    assert ide.kind == "file" and ide.source == f"--ide-env {f}"
    assert ide.env == {"GOPATH": "/from/file"}
    assert [p.location for p in problems] == [Location(str(f), 2)]


def test_unreadable_ide_env_falls_through_to_the_model(tmp_path: Path) -> None:
    ide, problems = vscode_environment(
        ide_env_file=str(tmp_path / "nope.env"),
        shell_snapshot_vscode=snapshot(),
        session_env={},
        look_for_process=False,
    )
    assert ide.kind == "model"
    assert [p.kind for p in problems] == ["unreadable"]


def test_model_uses_the_vscode_snapshot() -> None:
    ide, problems = vscode_environment(
        ide_env_file=None,
        shell_snapshot_vscode=snapshot(),
        session_env={"PATH": "/usr/bin"},
        look_for_process=False,
    )
    assert problems == []
    assert ide.kind == "model" and ide.ide == "vscode"
    assert ide.source == "model of a GUI launch: VS Code resolved your login shell (bash -i -l)"
    assert ide.env["GOPATH"] == "/home/me/go"


def test_model_falls_back_to_session_env_on_timeout() -> None:
    snap = snapshot(env={}, exit_status=None, timed_out=True, error="timed out after 10.0 s")
    session = {"PATH": "/usr/bin:/bin", "HOME": "/home/me"}
    ide, problems = vscode_environment(
        ide_env_file=None, shell_snapshot_vscode=snap, session_env=session, look_for_process=False
    )
    assert ide.kind == "model" and ide.env == session
    assert "timed out" in ide.source and "session" in ide.source
    assert len(problems) == 1 and problems[0].kind == "capture"
    assert "timed out after 10.0 s" in problems[0].message


def test_model_without_snapshot_is_the_session_env() -> None:
    ide, problems = vscode_environment(
        ide_env_file=None,
        shell_snapshot_vscode=None,
        session_env={"PATH": "/usr/bin"},
        look_for_process=False,
    )
    assert ide.env == {"PATH": "/usr/bin"} and "session" in ide.source and problems == []


def test_look_for_process_false_never_imports_psutil(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psutil", None)  # any `import psutil` would now fail
    ide, _ = vscode_environment(
        ide_env_file=None, shell_snapshot_vscode=None, session_env={}, look_for_process=False
    )
    assert ide.kind == "model"


def test_model_from_a_real_bash_capture(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bash_profile").write_text('export PATH="$HOME/go/bin:$PATH"\n')
    (home / ".bashrc").write_text("export GOFLAGS=-mod=vendor\n")
    base = session_base_env(str(home), bash, "tester", inherit={})
    snap = capture(bash, str(home), "vscode", base_env=base, cache_dir="")
    ide, problems = vscode_environment(
        ide_env_file=None, shell_snapshot_vscode=snap, session_env=base, look_for_process=False
    )
    assert problems == []
    assert ide.env["PATH"].startswith(f"{home}/go/bin:")
    assert "GOFLAGS" not in ide.env  # .bashrc is not read by the login shell VS Code starts
    assert ide.source.endswith("(bash -i -l)")

"""What ``--fix`` may write, and ``fix --undo`` as a transaction (issue 9 part 5, issue 10
part 6): real files, real symlinks, real modes and owners, a real full disk and a real
read-only file system (a tiny tmpfs mounted in a user namespace), the real CLI.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ideaudit.fixes import SAFE, UNSAFE
from ideaudit.fixes.apply import UndoError, WriteRefused, backup_root, undo, write_files
from ideaudit.fixes.run import fix_rounds
from ideaudit.pipeline import scan
from tests.conftest import shell_path
from tests.test_fix_samples import _cli, copy_sample, options, snapshot


def _runs(cache: str) -> list[str]:
    root = Path(backup_root(cache))
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


# -- where a fix may write ------------------------------------------------------------


def test_a_symlink_leading_out_of_the_workspace_is_not_written_through(
    tmp_path: Path, cache_dir: str
) -> None:
    bash = shell_path("bash")
    copy, _ = copy_sample("launch-path-hardcoded", tmp_path)
    outside = tmp_path / "elsewhere" / "launch.json"
    outside.parent.mkdir()
    launch = copy / ".vscode" / "launch.json"
    shutil.move(launch, outside)
    launch.symlink_to(outside)
    before = outside.read_bytes()
    proc = _cli(
        "scan", ".", "--home", "home", "--shell", bash, "--no-go-env", "--fix", cwd=copy, cache_dir=cache_dir
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "is a symlink to" in proc.stderr and "outside the workspace" in proc.stderr, proc.stderr
    assert outside.read_bytes() == before
    assert launch.is_symlink()
    assert _runs(cache_dir) == []  # nothing written, nothing to undo
    nothing = _cli("fix", "--undo", cwd=copy, cache_dir=cache_dir)
    assert nothing.returncode == 2 and "nothing to undo" in nothing.stderr


def test_a_symlink_inside_the_workspace_is_written_through(tmp_path: Path, cache_dir: str) -> None:
    bash = shell_path("bash")
    copy, _ = copy_sample("launch-path-hardcoded", tmp_path)
    shared = copy / "configs" / "launch.json"
    shared.parent.mkdir()
    launch = copy / ".vscode" / "launch.json"
    shutil.move(launch, shared)
    launch.symlink_to(Path("..") / "configs" / "launch.json")
    proc = _cli(
        "scan", ".", "--home", "home", "--shell", bash, "--no-go-env", "--fix", cwd=copy, cache_dir=cache_dir
    )
    assert "(1 fixed, " in proc.stdout, proc.stdout + proc.stderr
    assert launch.is_symlink() and b"${env:PATH}" in shared.read_bytes()
    assert "Changed: .vscode/launch.json (-> configs/launch.json)" in proc.stdout, proc.stdout


def test_no_file_is_created_outside_the_workspace(tmp_path: Path, cache_dir: str) -> None:
    bash = shell_path("bash")
    copy, _ = copy_sample("launch-path-hardcoded", tmp_path)
    target = tmp_path / "outside" / "dev.env"
    target.parent.mkdir()
    launch = copy / ".vscode" / "launch.json"
    text = launch.read_text()
    launch.write_text(
        text.replace('"request": "launch",', f'"request": "launch",\n            "envFile": "{target}",', 1)
    )
    base = ["scan", ".", "--home", "home", "--shell", bash, "--no-go-env"]
    shown = _cli(*base, cwd=copy, cache_dir=cache_dir)
    assert "V002" in shown.stdout, shown.stdout  # the missing envFile is reported ...
    proc = _cli(*base, "--fix", "--unsafe-fixes", cwd=copy, cache_dir=cache_dir)
    assert not target.exists(), proc.stdout + proc.stderr  # ... but not created there
    assert "V002" in proc.stdout and "fixed" in proc.stdout
    # The writer itself refuses too, whatever a fixer proposes.
    with pytest.raises(WriteRefused, match=r"not creating .* outside the workspace"):
        write_files({str(target): (None, "X=1\n")}, cache_dir, roots=[str(copy)])
    assert not target.exists()


# -- metadata -------------------------------------------------------------------------


def test_mode_and_owner_are_kept_on_the_file_and_its_backup(tmp_path: Path, cache_dir: str) -> None:
    target = tmp_path / "ws" / ".env"
    target.parent.mkdir()
    target.write_text("A=1\n")
    target.chmod(0o600)
    if os.geteuid() == 0:  # as root the test can give the file to someone else
        os.chown(target, 4242, 4243)
    owner = (target.stat().st_uid, target.stat().st_gid)
    write_files({str(target): ("A=1\n", "A=2\n")}, cache_dir, roots=[str(tmp_path / "ws")])
    st = target.stat()
    assert target.read_text() == "A=2\n"
    assert stat.S_IMODE(st.st_mode) == 0o600 and (st.st_uid, st.st_gid) == owner
    (run,) = _runs(cache_dir)
    backups = [p for p in (Path(backup_root(cache_dir)) / run).iterdir() if p.name != "manifest.json"]
    assert [p.read_text() for p in backups] == ["A=1\n"]
    bst = backups[0].stat()
    assert stat.S_IMODE(bst.st_mode) == 0o600 and (bst.st_uid, bst.st_gid) == owner
    assert stat.S_IMODE((Path(backup_root(cache_dir)) / run / "manifest.json").stat().st_mode) == 0o600
    assert undo(cache_dir) == [str(target)]
    st = target.stat()
    assert target.read_text() == "A=1\n"
    assert stat.S_IMODE(st.st_mode) == 0o600 and (st.st_uid, st.st_gid) == owner


def test_a_read_only_file_is_refused_unless_asked(tmp_path: Path, cache_dir: str) -> None:
    bash = shell_path("bash")
    copy, _ = copy_sample("launch-path-hardcoded", tmp_path)
    launch = copy / ".vscode" / "launch.json"
    launch.chmod(0o444)
    before = launch.read_bytes()
    base = ["scan", ".", "--home", "home", "--shell", bash, "--no-go-env", "--fix"]
    refused = _cli(*base, cwd=copy, cache_dir=cache_dir)
    assert refused.returncode == 2
    assert "read-only (mode 0444)" in refused.stderr and "--fix-read-only" in refused.stderr, refused.stderr
    assert launch.read_bytes() == before
    done = _cli(*base, "--fix-read-only", cwd=copy, cache_dir=cache_dir)
    assert "(1 fixed, " in done.stdout, done.stdout + done.stderr
    assert b"${env:PATH}" in launch.read_bytes()
    assert stat.S_IMODE(launch.stat().st_mode) == 0o444


# -- undo as a transaction --------------------------------------------------------------


def test_undo_restores_every_round_of_the_last_run(tmp_path: Path, cache_dir: str) -> None:
    copy, args = copy_sample("showcase", tmp_path)
    before = snapshot(copy)
    opts = options(copy, args, cache_dir)
    outcome = fix_rounds(opts, scan(opts), (SAFE, UNSAFE), scan)
    assert outcome.rounds >= 2 and outcome.conflict is None
    assert snapshot(copy) != before
    assert len(_runs(cache_dir)) == 1  # one run, however many rounds
    proc = _cli("fix", "--undo", cwd=copy, cache_dir=cache_dir)
    assert proc.returncode == 0, proc.stderr
    assert snapshot(copy) == before
    assert _runs(cache_dir) == []


def test_a_damaged_manifest_is_reported_and_older_backups_stay_usable(tmp_path: Path, cache_dir: str) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    a, b = ws / "a.json", ws / "b.json"
    a.write_text("{}\n")
    b.write_text("{}\n")
    write_files({str(a): ("{}\n", '{"a": 1}\n')}, cache_dir)
    write_files({str(b): ("{}\n", '{"b": 1}\n')}, cache_dir)
    _first, second = _runs(cache_dir)
    manifest = Path(backup_root(cache_dir)) / second / "manifest.json"
    data = manifest.read_bytes()
    manifest.write_bytes(data[: len(data) // 2])  # what a kill -9 mid-write leaves
    proc = _cli("fix", "--undo", cwd=ws, cache_dir=cache_dir)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"{manifest} is damaged (" in proc.stderr and "line " in proc.stderr, proc.stderr
    assert "restored a.json" in proc.stdout
    assert a.read_text() == "{}\n" and b.read_text() == '{"b": 1}\n'


def test_undo_after_a_kill_between_manifest_and_write(tmp_path: Path, cache_dir: str) -> None:
    """The manifest is written before the files: a run killed right after it finds each
    file either as before (left alone) or as written (restored)."""
    ws = tmp_path / "ws"
    ws.mkdir()
    a, b = ws / "a.json", ws / "b.json"
    a.write_text("{}\n")
    b.write_text("{}\n")
    script = textwrap.dedent(
        f"""
        import os, signal
        from ideaudit.fixes import apply
        real = apply.atomic_write
        def write(path, data, mode=None, owner=None):
            if path == {str(b)!r}:
                os.kill(os.getpid(), signal.SIGKILL)
            real(path, data, mode, owner)
        apply.atomic_write = write
        changes = {{{str(a)!r}: ("{{}}\\n", "[1]\\n"), {str(b)!r}: ("{{}}\\n", "[2]\\n")}}
        apply.write_files(changes, {cache_dir!r})
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -9, proc.stderr
    assert a.read_text() == "[1]\n" and b.read_text() == "{}\n"
    assert undo(cache_dir) == [str(a)]
    assert a.read_text() == "{}\n" and b.read_text() == "{}\n"


def _in_tiny_fs(tmp_path: Path, script: str) -> dict[str, object]:
    """Run ``script`` (Python) in a mount namespace with a 64 KiB tmpfs at ``tmp_path/
    z-mnt``; ``MNT`` is its path.  Root mounts directly; others through a user namespace.
    Skips when neither can mount (unshare missing, user namespaces disabled)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare (util-linux) is not installed; it mounts the tiny tmpfs")
    mnt = tmp_path / "z-mnt"
    mnt.mkdir()
    probe = subprocess.run(
        [unshare, "-rm", "sh", "-c", 'mount -t tmpfs -o size=64k tmpfs "$0"', str(mnt)],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs in a user namespace here: {probe.stderr.strip()}")
    body = f"MNT = {str(mnt)!r}\n" + textwrap.dedent(script)
    proc = subprocess.run(
        [
            unshare,
            "-rm",
            "sh",
            "-c",
            'mount -t tmpfs -o size=64k tmpfs "$0" && exec "$@"',
            str(mnt),
            sys.executable,
            "-c",
            body,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


_FAILING_RUN = """
import json, os, subprocess
from pathlib import Path
from ideaudit.fixes.apply import WriteFailed, write_files, undo
outside = Path({outside!r})
inside = Path(MNT) / "settings.json"
inside.write_text("{{}}\\n")
{break_it}
try:
    changes = {{str(outside): ("{{}}\\n", '{{"x": 1}}\\n'), str(inside): ("{{}}\\n", '{{"y": 2}}\\n' * 9000)}}
    write_files(changes, {cache!r})
    error = None
except WriteFailed as exc:
    error = str(exc)
print(json.dumps({{
    "error": error,
    "outside": outside.read_text(),
    "inside": inside.read_text(),
    "leftovers": [n for n in os.listdir(MNT) if n.endswith(".ideaudit-tmp")],
}}))
"""


@pytest.mark.parametrize(
    ("case", "break_it", "why"),
    [
        ("full disk", 'Path(MNT, "filler").write_bytes(b"x" * 60000)', "No space left on device"),
        (
            "read-only file system",
            'subprocess.run(["mount", "-o", "remount,ro", MNT], check=True)',
            "Read-only file system",
        ),
    ],
)
def test_a_failed_fix_leaves_no_manifest_and_older_backups_usable(
    case: str, break_it: str, why: str, tmp_path: Path, cache_dir: str
) -> None:
    ws = tmp_path / "a-ws"
    ws.mkdir()
    older = ws / "launch.json"
    older.write_text("{}\n")
    write_files({str(older): ("{}\n", '{"fixed": 1}\n')}, cache_dir)  # an earlier, good run
    (earlier,) = _runs(cache_dir)
    outside = ws / "tasks.json"  # sorted before the tmpfs file: written first, then rolled back
    outside.write_text("{}\n")
    result = _in_tiny_fs(
        tmp_path, _FAILING_RUN.format(outside=str(outside), cache=cache_dir, break_it=break_it)
    )
    assert result["error"] and why in str(result["error"]), result
    assert "nothing of this round was kept" in str(result["error"])
    assert result["outside"] == "{}\n", "the file written before the failure is rolled back"
    assert result["inside"] == "{}\n" and result["leftovers"] == []
    assert _runs(cache_dir) == [earlier], "the failed run left a manifest (or a folder) behind"
    assert outside.read_text() == "{}\n"
    assert undo(cache_dir) == [str(older)]
    assert older.read_text() == "{}\n"


def test_undo_refuses_a_file_edited_after_the_fix(tmp_path: Path, cache_dir: str) -> None:
    f = tmp_path / "a.json"
    f.write_text("{}\n")
    write_files({str(f): ("{}\n", "[1]\n")}, cache_dir)
    f.write_text("[1, 2]\n")
    with pytest.raises(UndoError, match="changed after the fix"):
        undo(cache_dir)
    assert f.read_text() == "[1, 2]\n"

"""`ideaudit watch` end to end: a real watcher process, real files, real shells.

Each test copies a sample workspace (with its fake ``home/``) to a temporary folder, runs
``python -m ideaudit watch`` on it hermetically (``--home``, ``--shell``), edits files the
way editors and users do, and reads the new/resolved findings from the process's output.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, shell_path
from tests.fakeide import start_fake_code

pytest.importorskip("watchdog", reason="ideaudit watch needs watchdog (a dependency)")

GOOD_LAUNCH = """{
    // the sample's configuration: nothing wrong
    "version": "0.2.0",
    "configurations": [
        {
            "name": "Launch API",
            "type": "go",
            "request": "launch",
            "program": "${workspaceFolder}",
        },
    ],
}
"""
BAD_LAUNCH = GOOD_LAUNCH.replace(
    '"program": "${workspaceFolder}",',
    '"program": "${workspaceFolder}",\n            "env": {"PATH": "/usr/local/go/bin"},',
)


class WatchProc:
    """A running ``ideaudit watch`` whose stdout lines are read on a thread."""

    def __init__(
        self, args: list[str], cache_dir: str, cwd: str | None = None, argv: list[str] | None = None
    ) -> None:
        env = {**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": cache_dir, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            argv or [sys.executable, "-m", "ideaudit", "watch", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=cwd,
        )
        self.lines: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.seen: list[str] = []
        self.stderr = ""
        self._err: list[str] = []
        self._pumps = [
            threading.Thread(target=self._pump, daemon=True),
            threading.Thread(target=self._pump_err, daemon=True),
        ]
        for t in self._pumps:
            t.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def _pump_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._err.append(line)

    def expect(self, pattern: str, timeout: float = 15.0) -> str:
        """The next output line matching ``pattern`` (a regex), or fail with the output."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"no line matching {pattern!r}; output so far:\n"
                    + "\n".join(self.seen)
                    + "\nstderr so far:\n"
                    + "".join(self._err)
                )
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append(line)
            if rx.search(line):
                return line

    def expect_all(self, *patterns: str, timeout: float = 15.0) -> None:
        """Lines matching every pattern, in any order (one audit prints them sorted)."""
        left = [re.compile(p) for p in patterns]
        deadline = time.monotonic() + timeout
        while left:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                missing = [p.pattern for p in left]
                raise AssertionError(f"no lines matching {missing}; output so far:\n" + "\n".join(self.seen))
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            self.seen.append(line)
            left = [p for p in left if not p.search(line)]

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send ``sig``; the exit status (the process must exit within 15 s)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("watch did not stop within 15 s; stderr:\n" + "".join(self._err)) from None
        for t in self._pumps:
            t.join(timeout=5)
        self.stderr = "".join(self._err)
        return self.proc.returncode


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLES / "path-only-in-bashrc", ws, symlinks=True)
    (ws / ".vscode" / "launch.json").write_text(GOOD_LAUNCH)
    return ws


@pytest.fixture
def watchers() -> Iterator[list[WatchProc]]:
    procs: list[WatchProc] = []
    yield procs
    for w in procs:
        if w.proc.poll() is None:
            w.proc.kill()
            w.proc.wait()


def _save(path: Path, text: str) -> None:
    """Save as VS Code does by default: write a temporary file, rename it over."""
    tmp = path.with_name(f".{path.name}.tmp-save")
    tmp.write_text(text)
    os.replace(tmp, path)


def test_watch_reports_new_and_resolved_findings(
    workspace: Path, tmp_path: Path, cache_dir: str, watchers: list[WatchProc]
) -> None:
    """The issue's "done when": launch.json, .zshrc, the go env -w file, .vscode/ replaced."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the fake VS Code process is recognised through /proc on Linux")
    zsh = shell_path("zsh")
    home = workspace / "home"
    code = start_fake_code(tmp_path, home=home)
    try:
        w = WatchProc(
            [
                str(workspace),
                "--home",
                str(home),
                "--shell",
                zsh,
                "--debounce",
                "0.05",
                "--ide-poll",
                "0.3",
                "-v",
            ],
            cache_dir,
        )
        watchers.append(w)
        w.expect(r"^Watching \d+ folders")

        # 1. launch.json: PATH replaced without ${env:PATH} -> P005, then fixed again.
        launch = workspace / ".vscode" / "launch.json"
        _save(launch, BAD_LAUNCH)
        line = w.expect(r" new +✗ P005 VS Code debug 'Launch API'")
        assert re.match(r"^\d\d:\d\d:\d\d ", line)
        w.expect(r"^ +where: .*launch\.json:\d+:\d+")
        w.expect(r"^ +fix: ")
        launch.write_text(GOOD_LAUNCH)  # truncate-then-write
        w.expect(r" resolved ✓ P005 VS Code debug 'Launch API'")

        # 2. .zshrc: Go's PATH only in non-login shells -> the IDE (zsh -i -l) loses go.
        zshrc = home / ".zshrc"
        original = zshrc.read_text()
        zshrc.write_text("[[ -o login ]] || " + original.splitlines()[-1] + "\n")
        w.expect_all(
            r" new +✗ P001 VS Code tools",
            r" new +! W001 VS Code \(running, pid \d+\).*shell start-up file .*\.zshrc",
        )
        zshrc.unlink()  # delete-then-create
        zshrc.write_text(original)
        w.expect(r" resolved ✓ P001 VS Code tools")

        # 3. The go env -w file (its folder does not exist yet): VS Code must be restarted.
        goenv = home / ".config" / "go" / "env"
        goenv.parent.mkdir(parents=True)
        goenv.write_text("GOFLAGS=-mod=mod\n")
        w.expect(r" new +! W001 .*go env -w file .*go/env")

        # 4. "Restart" VS Code: the stale warnings go.
        code.kill()
        code.wait()
        code = start_fake_code(tmp_path, home=home)
        w.expect(r" resolved ✓ W001 .*go/env")

        # 5. .vscode/ deleted and created again while watching.
        _save(launch, BAD_LAUNCH)
        w.expect(r" new +✗ P005")
        shutil.rmtree(workspace / ".vscode")
        w.expect(r" resolved ✓ P005")
        (workspace / ".vscode").mkdir()
        (workspace / ".vscode" / "launch.json").write_text(BAD_LAUNCH)
        w.expect(r" new +✗ P005")
        _save(workspace / ".vscode" / "launch.json", GOOD_LAUNCH)  # the new folder is watched
        w.expect(r" resolved ✓ P005")

        assert w.stop() == 0
        assert "Traceback" not in w.stderr, w.stderr
    finally:
        code.kill()
        code.wait()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signals_stop_it_cleanly(
    sig: int, workspace: Path, cache_dir: str, watchers: list[WatchProc]
) -> None:
    bash = shell_path("bash")
    w = WatchProc(
        [str(workspace), "--home", str(workspace / "home"), "--shell", bash, "--no-ide-check", "-v"],
        cache_dir,
    )
    watchers.append(w)
    w.expect(r"^Watching")
    assert w.stop(sig) == 0
    assert "Traceback" not in w.stderr
    assert "stopped after 1 audits" in w.stderr


def test_a_burst_of_events_gives_a_handful_of_audits(
    workspace: Path, cache_dir: str, watchers: list[WatchProc]
) -> None:
    bash = shell_path("bash")
    w = WatchProc(
        # a debounce well above a loaded machine's pauses between two writes: the count
        # below must not depend on how busy the machine is
        [str(workspace), "--home", str(workspace / "home"), "--shell", bash, "--no-ide-check", "-v",
         "--debounce", "1.0"],
        cache_dir,
    )  # fmt: skip
    watchers.append(w)
    w.expect(r"^Watching")
    vscode = workspace / ".vscode"
    for i in range(2000):  # 2,000 saves of 200 files: ~8,000 inotify events
        (vscode / f"f{i % 200}.json").write_text(f'{{"n": {i}}}')
    _save(vscode / "launch.json", BAD_LAUNCH)
    w.expect(r" new +✗ P005", timeout=30)
    assert w.proc.poll() is None
    assert w.stop() == 0
    audits = int(re.search(r"stopped after (\d+) audits", w.stderr).group(1))  # type: ignore[union-attr]
    # ~8,000 events coalesced into a few audits (the first, the burst, a straggler or two)
    assert 2 <= audits <= 8, w.stderr


def test_concise_cycles_match_the_generated_problem_matcher(
    tmp_path: Path, cache_dir: str, watchers: list[WatchProc]
) -> None:
    """tasks.json from `ideaudit gen task`, read as JSONC, matches what the watcher prints."""
    from ideaudit.sources.jsonc import JsoncDocument, load_jsonc

    bash = shell_path("bash")
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLES / "launch-path-hardcoded", ws, symlinks=True)
    (ws / ".vscode" / "tasks.json").write_text(
        '{\n    // my build task\n    "version": "2.0.0",\n    "tasks": [\n'
        '        {"label": "build", "type": "shell", "command": "go build ./..."}, // keep me\n    ],\n}\n'
    )
    gen = subprocess.run(
        [sys.executable, "-m", "ideaudit", "gen", "task", str(ws), "--write"],
        capture_output=True,
        text=True,
        env={**os.environ, "IDEAUDIT_CACHE_DIR": cache_dir},
        timeout=60,
    )
    assert gen.returncode == 0, gen.stderr
    doc = load_jsonc(ws / ".vscode" / "tasks.json")
    assert isinstance(doc, JsoncDocument)
    assert "// my build task" in doc.text and "// keep me" in doc.text
    tasks = doc.data["tasks"]
    assert [t["label"] for t in tasks] == ["build", "ideaudit watch"]
    task = tasks[1]
    assert task["isBackground"] is True
    # the running ideaudit by absolute path (here: this interpreter with -m ideaudit)
    assert task["command"] == os.path.abspath(sys.executable)
    assert task["args"][:5] == ["-m", "ideaudit", "watch", "--output-format", "concise"]
    matcher = task["problemMatcher"]
    pattern = re.compile(matcher["pattern"]["regexp"])
    begins = re.compile(matcher["background"]["beginsPattern"])
    ends = re.compile(matcher["background"]["endsPattern"])

    # the task's own command line, as VS Code runs it (cwd ${workspaceFolder}), made hermetic
    hermetic = ["--home", "home", "--shell", bash, "--no-ide-check", "--debounce", "0.05"]
    w = WatchProc([], cache_dir, cwd=str(ws), argv=[task["command"], *task["args"], *hermetic])
    watchers.append(w)

    def cycle() -> list[re.Match[str]]:
        w.expect(begins.pattern)
        found = []
        while True:
            line = w.expect(r".")
            if ends.search(line):
                return found
            m = pattern.match(line)
            if m is None:  # a finding with no file has no made-up place (no `ws:1:1`)
                assert re.match(r"(error|warning|info) [A-Z]\d{3} ", line), f"not a finding: {line!r}"
                continue
            found.append(m)

    first = cycle()
    assert first, "the sample has findings"
    g = matcher["pattern"]
    for m in first:
        assert m.group(g["severity"]) in ("error", "warning", "info")
        assert re.fullmatch(r"[A-Z]\d{3}", m.group(g["code"]))
        assert int(m.group(g["line"])) >= 1 and int(m.group(g["column"])) >= 1
    launch = [m for m in first if m.group(g["file"]).endswith("launch.json")]
    assert launch and all(not os.path.isabs(m.group(g["file"])) for m in launch)

    # An edit that fixes the launch.json PATH: the next cycle no longer lists those lines.
    text = (ws / ".vscode" / "launch.json").read_text()
    fixed = re.sub(r'"PATH":\s*"[^"]*"', '"PATH": "/usr/local/go/bin:${env:PATH}"', text)
    assert fixed != text
    _save(ws / ".vscode" / "launch.json", fixed)
    second = cycle()
    assert len(second) < len(first)
    assert w.stop() == 0

    again = subprocess.run(
        [sys.executable, "-m", "ideaudit", "gen", "task", str(ws), "--write"],
        capture_output=True,
        text=True,
        env={**os.environ, "IDEAUDIT_CACHE_DIR": cache_dir},
        timeout=60,
    )
    assert again.returncode == 0 and "already has" in again.stdout


@pytest.fixture
def showcase(tmp_path: Path) -> Path:
    ws = tmp_path / "showcase"
    shutil.copytree(SAMPLES / "showcase", ws, symlinks=True)
    return ws


def _watch_showcase(ws: Path, cache_dir: str, watchers: list[WatchProc], *extra: str) -> WatchProc:
    bash = shell_path("bash")
    w = WatchProc(
        [str(ws), "--home", str(ws / "home"), "--shell", bash, "--no-ide-check", "--no-go-env",
         "--debounce", "0.05", *extra],
        cache_dir,
    )  # fmt: skip
    watchers.append(w)
    w.expect(r"^ideaudit watch: audit finished" if "concise" in extra else r"^Watching")
    return w


def test_a_file_that_stops_parsing_makes_its_findings_unknown_not_resolved(
    showcase: Path, cache_dir: str, watchers: list[WatchProc]
) -> None:
    """launch.json broken: the debug configuration's M011 (GO111MODULE=off comes from
    settings.json) is unknown, not resolved; launch.json repaired: nothing is "new"."""
    w = _watch_showcase(showcase, cache_dir, watchers)
    launch = showcase / ".vscode" / "launch.json"
    good = launch.read_text()
    _save(launch, good.replace('"version"', "{ version", 1))
    w.expect_all(
        r" new +✗ E001 ",
        r" unknown +\? M011 VS Code debug 'Launch API'",
        r" unknown +\? P005 VS Code debug 'Launch API'",
    )
    w.expect(r"cannot tell: .*launch\.json cannot be read now")
    _save(launch, good)
    w.expect(r" resolved ✓ E001 ")
    # A marker edit after the repair: everything of the repair's audit is printed by then.
    _save(launch, good.replace('"/usr/local/go/bin"', '"/usr/local/go/bin:${env:PATH}"'))
    w.expect(r" resolved ✓ P005 VS Code debug 'Launch API'")
    assert w.stop() == 0
    printed = "\n".join(w.seen)
    assert not re.search(r"resolved ✓ M011", printed), printed
    assert not re.search(r"new +✗ (M011|P001|G002)", printed), printed
    assert "Traceback" not in w.stderr


def test_a_finding_whose_value_changed_is_reported_as_changed(
    showcase: Path, cache_dir: str, watchers: list[WatchProc]
) -> None:
    w = _watch_showcase(showcase, cache_dir, watchers)
    settings = showcase / ".vscode" / "settings.json"
    _save(settings, settings.read_text().replace("-mod=vendor", "-mod=mod"))
    line = w.expect(r" changed +! M006 VS Code tools \(gopls, dlv, go\)")
    assert "-mod=mod" in line
    w.expect(r"^ +was: -mod=vendor$")
    assert w.stop() == 0
    assert not [s for s in w.seen if re.search(r"(new|resolved) .* M006", s)], w.seen


def test_an_envfile_edit_re_audits(showcase: Path, cache_dir: str, watchers: list[WatchProc]) -> None:
    launch = showcase / ".vscode" / "launch.json"
    launch.write_text(
        launch.read_text().replace(
            '"env": {', '"envFile": "${workspaceFolder}/dev.env",\n            "env": {'
        )
    )
    env = showcase / "dev.env"
    env.write_text("APP_MODE=dev\n")
    w = _watch_showcase(showcase, cache_dir, watchers)
    _save(env, "APP_MODE=dev\nCGO_ENABLED=0\n")
    w.expect(r" new +! C001 VS Code debug 'Launch API'.*CGO_ENABLED")
    _save(env, "APP_MODE=dev\n")
    w.expect(r" resolved ✓ C001 VS Code debug 'Launch API'")
    assert w.stop() == 0


@pytest.mark.parametrize("how", ["deleted", "renamed"])
def test_a_workspace_that_goes_away_is_reported_and_watched_again_when_back(
    how: str, showcase: Path, tmp_path: Path, cache_dir: str, watchers: list[WatchProc]
) -> None:
    home = tmp_path / "home"  # outside the workspace, so it survives
    shutil.move(showcase / "home", home)
    bash = shell_path("bash")
    w = WatchProc(
        [str(showcase), "--home", str(home), "--shell", bash, "--no-ide-check", "--no-go-env",
         "--debounce", "0.05"],
        cache_dir,
    )  # fmt: skip
    watchers.append(w)
    w.expect(r"^Watching")
    saved = tmp_path / "saved"
    if how == "deleted":
        shutil.copytree(showcase, saved, symlinks=True)
        shutil.rmtree(showcase)
    else:
        os.rename(showcase, saved)
    w.expect(rf"workspace {re.escape(str(showcase))} is gone \(deleted or renamed\)")
    if how == "deleted":
        shutil.copytree(saved, showcase, symlinks=True)
    else:
        os.rename(saved, showcase)
    w.expect(rf"workspace {re.escape(str(showcase))} is back")
    # Watched again: an edit in the returned workspace is seen.
    launch = showcase / ".vscode" / "launch.json"
    _save(launch, launch.read_text().replace('"/usr/local/go/bin"', '"/usr/local/go/bin:${env:PATH}"'))
    w.expect(r" resolved ✓ P005 VS Code debug 'Launch API'")
    assert w.stop() == 0
    printed = "\n".join(w.seen)
    assert "resolved ✓ M011" not in printed, printed  # going away resolves nothing
    assert "Traceback" not in w.stderr


def test_a_lone_surrogate_in_a_settings_value_does_not_stop_the_watch(
    showcase: Path, cache_dir: str, watchers: list[WatchProc]
) -> None:
    w = _watch_showcase(showcase, cache_dir, watchers)
    settings = showcase / ".vscode" / "settings.json"
    original = settings.read_text()
    _save(settings, original.replace('"-mod=vendor"', '"-mod=vendor -tags=\\ud800"'))
    w.expect(r" changed +! M006 VS Code tools")
    _save(settings, original.replace('"-mod=vendor"', '"-mod=mod"'))
    w.expect(r" changed +! M006 VS Code tools .*-mod=mod")
    assert w.proc.poll() is None
    assert w.stop() == 0
    assert "Traceback" not in w.stderr, w.stderr


def test_concise_keeps_unknown_findings_in_the_problems_panel(
    showcase: Path, cache_dir: str, watchers: list[WatchProc]
) -> None:
    w = _watch_showcase(showcase, cache_dir, watchers, "--output-format", "concise")
    launch = showcase / ".vscode" / "launch.json"
    _save(launch, "{ broken")
    w.expect(r"^ideaudit watch: audit started")
    w.expect(r"launch\.json:\d+:\d+: error E001 ")
    line = w.expect(r"\(unknown: a file it comes from cannot be read\)")
    assert "P005" in line or "M011" in line or "P001" in line or "G002" in line or "V001" in line
    assert w.stop() == 0


def test_a_folder_replaced_within_one_burst_is_watched_again(
    workspace: Path, cache_dir: str, watchers: list[WatchProc]
) -> None:
    """.vscode/ removed and made again inside one debounce window: file systems hand the
    new folder the old inode number, yet the old inotify watch is dead."""
    bash = shell_path("bash")
    w = WatchProc(
        [str(workspace), "--home", str(workspace / "home"), "--shell", bash, "--no-ide-check",
         "--no-go-env", "--debounce", "1.0"],
        cache_dir,
    )  # fmt: skip
    watchers.append(w)
    w.expect(r"^Watching")
    vscode = workspace / ".vscode"
    _save(vscode / "launch.json", BAD_LAUNCH)
    w.expect(r" new +✗ P005")
    (vscode / "launch.json").unlink()
    w.expect(r" resolved ✓ P005")  # .vscode/ itself still exists and stays watched
    vscode.rmdir()
    vscode.mkdir()
    (vscode / "launch.json").write_text(BAD_LAUNCH)
    w.expect(r" new +✗ P005")
    _save(vscode / "launch.json", GOOD_LAUNCH)
    w.expect(r" resolved ✓ P005")
    assert w.stop() == 0

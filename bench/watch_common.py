"""Shared by the watch benchmarks: a hermetic copy of a sample and a running watcher.

Not a test: run the ``watch_*.py`` scripts by hand (``python bench/watch_latency.py``).
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_workspaces" / "path-only-in-bashrc"

GOOD = """{
    // nothing wrong here
    "version": "0.2.0",
    "configurations": [
        {"name": "Launch API", "type": "go", "request": "launch", "program": "${workspaceFolder}"},
    ],
}
"""
BAD = GOOD.replace(
    '"program": "${workspaceFolder}"', '"program": "${workspaceFolder}", "env": {"PATH": "/opt/go/bin"}'
)


def workspace() -> Path:
    """A temporary copy of the sample (with its fake home) and a clean launch.json."""
    tmp = Path(tempfile.mkdtemp(prefix="ideaudit-bench-"))
    ws = tmp / "ws"
    shutil.copytree(SAMPLE, ws, symlinks=True)
    (ws / ".vscode" / "launch.json").write_text(GOOD)
    return ws


def save(path: Path, text: str) -> None:
    """Save as VS Code does: write a temporary file and rename it over the old one."""
    tmp = path.with_name(f".{path.name}.bench-tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


class Watcher:
    """``ideaudit watch`` as a subprocess; stdout lines arrive with their arrival time."""

    def __init__(self, ws: Path, *extra: str, shell: str = "bash") -> None:
        cache = ws.parent / "cache"
        cache.mkdir(exist_ok=True)
        env = {**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": str(cache), "PYTHONUNBUFFERED": "1"}
        sh = shutil.which(shell) or shell
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ideaudit",
                "watch",
                str(ws),
                "--home",
                str(ws / "home"),
                "--shell",
                sh,
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.SimpleQueue[tuple[float, str]] = queue.SimpleQueue()
        self.stderr: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        threading.Thread(target=self._pump_err, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))

    def _pump_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def wait_for(self, needle: str, timeout: float = 30.0) -> float:
        """The arrival time of the next line containing ``needle``."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no line with {needle!r}")
            try:
                when, line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if needle in line:
                return when

    def stop(self) -> int:
        self.proc.terminate()
        code = self.proc.wait(timeout=30)
        time.sleep(0.2)
        return code

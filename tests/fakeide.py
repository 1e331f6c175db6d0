"""A real process that looks like a running IDE, for the watch tests and the W examples."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path


def start_fake_code(tmp_path: Path, name: str = "code", home: Path | None = None) -> subprocess.Popen[bytes]:
    """A real process named ``code`` (a copy of sleep), as a running VS Code looks; with
    ``home``, running with that ``HOME`` (watch only considers the IDEs of its home, so
    the fake IDEs of tests running at the same time elsewhere on the machine are not)."""
    sleep = shutil.which("sleep")
    assert sleep is not None
    d = tmp_path / f"ide-{time.monotonic_ns()}"
    d.mkdir()
    exe = d / name
    shutil.copy(sleep, exe)
    env = {"PATH": "/usr/bin:/bin", **({"HOME": str(home)} if home is not None else {})}
    p = subprocess.Popen([str(exe), "300"], env=env)
    deadline = time.monotonic() + 5
    while Path(f"/proc/{p.pid}/comm").read_text().strip() != name:
        assert time.monotonic() < deadline, "fake code did not start"
        time.sleep(0.01)
    return p

"""Idle cost of ``ideaudit watch``: CPU used over a minute in which nothing changes.

Target (issue 6): under 1 % of one CPU.  The watcher blocks on its event queue (no
timer while no IDE needs a restart); only the inotify observer thread exists.

    python bench/watch_idle.py [SECONDS]
"""

from __future__ import annotations

import sys
import time

import psutil
from watch_common import Watcher, workspace


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    ws = workspace()
    w = Watcher(ws)
    w.wait_for("Watching")
    time.sleep(2.0)  # let the start-up settle
    proc = psutil.Process(w.proc.pid)
    c0 = proc.cpu_times()
    t0 = time.monotonic()
    time.sleep(seconds)
    c1 = proc.cpu_times()
    wall = time.monotonic() - t0
    used = (c1.user - c0.user) + (c1.system - c0.system)
    rss = proc.memory_info().rss / 2**20
    w.stop()
    percent = 100 * used / wall
    print(f"idle {wall:.0f} s: {used * 1000:.1f} ms CPU = {percent:.3f} % of one CPU; RSS {rss:.1f} MiB")
    return 0 if percent < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())

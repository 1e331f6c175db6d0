"""Soak: periodic edits for a long time; memory must stay flat.

Target (issue 6): an hour of periodic edits keeps RSS growth under 10 MB.  Every
``--period`` seconds launch.json flips between a clean and a diverging version (a new or
resolved finding each time); every tenth edit also changes ``~/.zshrc`` (a new shell
capture).  RSS is sampled every 15 s; growth is measured from the first sample after a
one-minute warm-up to the end.

    python bench/watch_soak.py [SECONDS] [--period P]
"""

from __future__ import annotations

import sys
import time

import psutil
from watch_common import BAD, GOOD, Watcher, save, workspace


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    seconds = float(args[0]) if args else 3600.0
    period = float(sys.argv[sys.argv.index("--period") + 1]) if "--period" in sys.argv else 2.0
    ws = workspace()
    w = Watcher(ws, "--shell", "zsh")
    w.wait_for("Watching")
    proc = psutil.Process(w.proc.pid)
    launch = ws / ".vscode" / "launch.json"
    zshrc = ws / "home" / ".zshrc"
    original = zshrc.read_text()
    t0 = time.monotonic()
    samples: list[tuple[float, float]] = []
    edits = 0
    next_sample = t0
    while time.monotonic() - t0 < seconds:
        save(launch, BAD if edits % 2 == 0 else GOOD)
        if edits % 10 == 0:
            zshrc.write_text(original + f"# soak edit {edits}\n")
        edits += 1
        now = time.monotonic()
        if now >= next_sample:
            samples.append((now - t0, proc.memory_info().rss / 2**20))
            next_sample = now + 15.0
        time.sleep(period)
    alive = w.proc.poll() is None
    samples.append((time.monotonic() - t0, proc.memory_info().rss / 2**20))
    code = w.stop()
    warm = [s for s in samples if s[0] >= 60.0] or samples
    growth = warm[-1][1] - warm[0][1]
    peak = max(r for _, r in samples)
    print(
        f"soak {samples[-1][0]:.0f} s, {edits} edits: RSS {warm[0][1]:.1f} MiB at {warm[0][0]:.0f} s -> "
        f"{warm[-1][1]:.1f} MiB at end (growth {growth:+.2f} MiB, peak {peak:.1f} MiB); "
        f"alive: {alive}; exit {code}"
    )
    return 0 if alive and growth < 10.0 else 1


if __name__ == "__main__":
    sys.exit(main())

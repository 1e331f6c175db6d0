"""A burst of file events: how many audits, and does the watcher survive.

Target (issue 6): 10,000 file events in the workspace give at most a handful of audits
and no crash.  The burst is 10,000 writes to 100 JSON files in ``.vscode/`` (each write
is several inotify events: modify, close-write; the first ones also create), then a
save of a launch.json that introduces a divergence, which must still be reported.

    python bench/watch_burst.py [WRITES]
"""

from __future__ import annotations

import re
import sys
import time

from watch_common import BAD, Watcher, save, workspace


def main() -> int:
    writes = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    ws = workspace()
    w = Watcher(ws, "-v")
    w.wait_for("Watching")
    vscode = ws / ".vscode"
    t0 = time.perf_counter()
    for i in range(writes):
        (vscode / f"burst{i % 100}.json").write_text(f'{{"n": {i}}}')
    burst = time.perf_counter() - t0
    save(vscode / "launch.json", BAD)
    t1 = w.wait_for("P005", timeout=60)
    alive = w.proc.poll() is None
    code = w.stop()
    err = "".join(w.stderr)
    m = re.search(r"stopped after (\d+) audits of (\d+) events", err)
    audits = int(m.group(1)) - 1 if m else -1  # minus the audit at start
    print(
        f"{writes} writes in {burst:.2f} s -> {audits} audits (plus the one at start); "
        f"divergence reported {(t1 - t0 - burst):.2f} s after the burst; alive: {alive}; exit {code}"
    )
    if "Traceback" in err:
        print(err)
    return 0 if alive and 0 < audits <= 6 and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

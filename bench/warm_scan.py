"""Benchmark: a warm ``ideaudit scan`` (cached shell snapshot) against ``python -c pass``.

Targets (issue "ideaudit scan"): median <= 150 ms wall and <= 6x ``python -c pass``,
both measured here, side by side, in one run.  Not a test: run it by hand

    python bench/warm_scan.py [--runs 20] [--sample path-only-in-bashrc] [--shell bash]

Bytecode matters: this environment may set PYTHONDONTWRITEBYTECODE, which makes every
start compile every module; installed packages have their bytecode, so the benchmark
compiles ideaudit once and runs with bytecode enabled.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sample", default="path-only-in-bashrc")
    parser.add_argument("--shell", default="bash")
    args = parser.parse_args()

    shell = shutil.which(args.shell)
    if shell is None:
        print(f"{args.shell} is not installed", file=sys.stderr)
        return 2
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    compileall.compile_dir(str(ROOT / "ideaudit"), quiet=1)
    sample = ROOT / "sample_workspaces" / args.sample
    with tempfile.TemporaryDirectory() as cache:
        env["IDEAUDIT_CACHE_DIR"] = cache
        scan = [
            sys.executable,
            "-m",
            "ideaudit",
            "scan",
            str(sample),
            "--home",
            str(sample / "home"),
            "--shell",
            shell,
            "--exit-zero",
        ]
        baseline = [sys.executable, "-c", "pass"]
        timed(scan, env)  # fills the snapshot cache: what follows is warm
        timed(scan, env)
        scans, bases = [], []
        for _ in range(args.runs):
            scans.append(timed(scan, env))
            bases.append(timed(baseline, env))
    s_med, b_med = statistics.median(scans), statistics.median(bases)
    print(f"interpreter: {sys.executable}")
    print(f"runs: {args.runs} each, alternating; sample: {args.sample}; shell: {shell}")
    print(f"{'':28}{'median':>10}{'p90':>10}")
    for name, xs in (("ideaudit scan (warm)", scans), ("python -c pass", bases)):
        p90 = sorted(xs)[int(0.9 * (len(xs) - 1))]
        print(f"{name:28}{statistics.median(xs) * 1000:>8.1f}ms{p90 * 1000:>8.1f}ms")
    ratio = s_med / b_med
    ok = s_med <= 0.150 and ratio <= 6
    print(
        f"ratio scan / python: {ratio:.2f}x  (targets: <= 150 ms and <= 6x) -> {'met' if ok else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: a warm ``ideaudit scan`` (cached shell snapshots) against ``python -c pass``.

Targets (issue "ideaudit scan"): median <= 150 ms wall and <= 6x ``python -c pass``,
both measured here, side by side, in one run.  Not a test: run it by hand

    python bench/warm_scan.py [--runs 30] [--sample path-only-in-bashrc] [--shell bash]
                              [--python PATH]

What is measured is what a user runs: the ``ideaudit`` console script of a regular
(non-editable) install, in a fresh virtual environment made for the run (``pip install
.``, from the package registry), with bytecode compiled, the default cache folder
(no IDEAUDIT_CACHE_DIR) and the user's interpreter start-up as the baseline.  An
editable install adds an import hook to *every* Python start in its environment (~25 ms
here), and this environment may set PYTHONDONTWRITEBYTECODE; both are excluded because
neither is what a user has.  ``--python`` measures an existing environment instead.
"""

from __future__ import annotations

import argparse
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


def make_venv(where: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    python = where / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(ROOT)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return python


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sample", default="path-only-in-bashrc")
    parser.add_argument("--shell", default="bash")
    parser.add_argument("--python", help="an environment with ideaudit installed (default: a new one)")
    args = parser.parse_args()

    shell = shutil.which(args.shell)
    if shell is None:
        print(f"{args.shell} is not installed", file=sys.stderr)
        return 2
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "IDEAUDIT_CACHE_DIR")}
    sample = ROOT / "sample_workspaces" / args.sample
    with tempfile.TemporaryDirectory() as tmp:
        env["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")  # the default cache folder, fresh
        if args.python:
            python = Path(args.python)
        else:
            print("making a virtual environment with a regular install ...", flush=True)
            python = make_venv(Path(tmp) / "venv")
        compile_all = [str(python), "-m", "compileall", "-q", "-x", "test", str(python.parent.parent)]
        subprocess.run(compile_all, env=env, stdout=subprocess.DEVNULL, check=False)
        script = python.parent / "ideaudit"
        # The sample's go is a stand-in SDK (it must not run): the scan is told not to ask it.
        scan = [str(script), "scan", str(sample), "--home", str(sample / "home"), "--shell", shell,
                "--no-go-env", "--exit-zero"]  # fmt: skip
        baseline = [str(python), "-c", "pass"]
        for _ in range(3):  # fill the snapshot cache and warm the page cache
            timed(scan, env)
            timed(baseline, env)
        scans, bases = [], []
        for _ in range(args.runs):
            scans.append(timed(scan, env))
            bases.append(timed(baseline, env))
    s_med, b_med = statistics.median(scans), statistics.median(bases)
    print(f"interpreter: {python}")
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

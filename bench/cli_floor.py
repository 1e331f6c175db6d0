"""Benchmark: ideaudit's typer CLI against the floor of its stack, side by side.

Targets (issue "The stack the design names"): a warm ``ideaudit scan`` of a sample takes at
most 1.25x the floor -- a bare typer app with the same command surface whose command does
nothing (``bench/floor_app.py``) -- median of 20 runs; ``ideaudit --help`` and ``ideaudit
rule P001`` no slower than the floor's ``--help``.  Also printed: the ratio to ``python -c
pass`` and to the argparse CLI this one replaced (an older commit, installed beside it).
Not a test: run it by hand

    python bench/cli_floor.py [--runs 20] [--sample path-only-in-bashrc] [--shell bash]
                              [--argparse-rev 243f687^] [--config]

Everything runs from regular (non-editable) installs in fresh virtual environments, with
bytecode compiled, and every command of a round runs once before the next round starts,
so machine noise hits all of them alike.  The floor is also run with ideaudit's own
plain coercion (``ideaudit.cli.coerce``, which keeps pydantic out of argument parsing):
the scan against that is ideaudit's own work over typer's.  ``--config`` puts an
``.ideaudit.toml`` in a copy
of the sample to measure what a configuration file costs (pydantic): a warm run reads the
validated settings from a cache keyed by the file's checksum, and one more command per
round edits the file first, so it shows what the first run after an edit pays.  A
``python -c "import typer"`` row shows what the stack's import alone costs.
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


def make_venv(where: Path, source: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    python = where / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(source)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [str(python), "-m", "compileall", "-q", "-x", "test", str(where)], stdout=subprocess.DEVNULL
    )
    return python


def export(rev: str, where: Path) -> Path:
    where.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sample", default="path-only-in-bashrc")
    parser.add_argument("--shell", default="bash")
    parser.add_argument("--argparse-rev", default="243f687^", help="a commit with the argparse CLI")
    parser.add_argument("--config", action="store_true", help="scan a copy of the sample with a config file")
    args = parser.parse_args()

    shell = shutil.which(args.shell)
    if shell is None:
        print(f"{args.shell} is not installed", file=sys.stderr)
        return 2
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "IDEAUDIT_CACHE_DIR")}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env["XDG_CACHE_HOME"] = str(tmp / "cache")
        sample = ROOT / "sample_workspaces" / args.sample
        if args.config:
            sample = Path(shutil.copytree(sample, tmp / "sample", symlinks=True))
            (sample / ".ideaudit.toml").write_text('ignore = ["V010"]\ntimeout = 10\n', encoding="utf-8")
        print("making virtual environments with regular installs ...", flush=True)
        new = make_venv(tmp / "new", ROOT)
        old = make_venv(tmp / "old", export(args.argparse_rev, tmp / "old-src"))
        scan_args = ["scan", str(sample), "--home", str(sample / "home"), "--shell", shell,
                     "--no-go-env", "--exit-zero"]  # fmt: skip
        floor = [str(new), str(ROOT / "bench" / "floor_app.py")]
        commands = {
            "python -c pass": [str(new), "-c", "pass"],
            "floor scan": [*floor, *scan_args],
            "floor scan, plain coercion": [*floor, "--plain-coercion", *scan_args],
            "ideaudit scan (typer)": [str(new.parent / "ideaudit"), *scan_args],
            "ideaudit scan (argparse)": [str(old.parent / "ideaudit"), *scan_args],
            "floor --help": [*floor, "--help"],
            "ideaudit --help": [str(new.parent / "ideaudit"), "--help"],
            "ideaudit rule P001": [str(new.parent / "ideaudit"), "rule", "P001"],
            "python -c 'import typer'": [str(new), "-c", "import typer"],
        }
        config = sample / ".ideaudit.toml"
        edited = "ideaudit scan, config edited"
        if args.config:  # last in the round: the warm scans before it see a cached config
            commands[edited] = commands["ideaudit scan (typer)"]
        env["COLUMNS"] = "100"
        for _ in range(3):  # fill the snapshot cache, warm the page cache
            for argv in commands.values():
                timed(argv, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(args.runs):
            for name, argv in commands.items():
                if name == edited:
                    config.write_text(f'ignore = ["V010"]\ntimeout = {11 + run}\n', encoding="utf-8")
                times[name].append(timed(argv, env))
    med = {name: statistics.median(xs) for name, xs in times.items()}
    print(f"runs: {args.runs} each, interleaved; sample: {args.sample}; shell: {shell}"
          f"{'; with .ideaudit.toml' if args.config else ''}")  # fmt: skip
    print(f"{'':28}{'median':>10}{'p90':>10}")
    for name, xs in times.items():
        p90 = sorted(xs)[int(0.9 * (len(xs) - 1))]
        print(f"{name:28}{med[name] * 1000:>8.1f}ms{p90 * 1000:>8.1f}ms")
    scan = med["ideaudit scan (typer)"]
    ratio = scan / med["floor scan"]
    verdict = "met" if ratio <= 1.25 else "NOT met"
    print(f"scan / floor scan:          {ratio:.2f}x (target <= 1.25x) -> {verdict}")
    plain = scan / med["floor scan, plain coercion"]
    print(f"scan / floor, plain coerc.: {plain:.2f}x (ideaudit's own work over typer's parsing)")
    print(f"scan / python -c pass:      {scan / med['python -c pass']:.2f}x")
    print(f"scan / argparse scan:       {scan / med['ideaudit scan (argparse)']:.2f}x")
    typer_import = med["python -c 'import typer'"] - med["python -c pass"]
    print(f"import typer:               +{typer_import * 1000:.0f} ms over python -c pass")
    if args.config:
        print(f"first scan after an edit:   +{(med[edited] - scan) * 1000:.0f} ms over a warm scan")
    for name in ("ideaudit --help", "ideaudit rule P001"):
        r = med[name] / med["floor --help"]
        print(
            f"{name + ' / floor --help:':28}{r:.2f}x (target <= 1.00x) -> {'met' if r <= 1.0 else 'NOT met'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: a GoLand project with 200 run configurations and a 1 MB workspace.xml.

Budget (issue "GoLand support"): parsing and auditing it costs at most 300 ms more than
the warm scan of the same folder without GoLand files.  Both scans use the same fake
home and a warm shell-snapshot cache, so the difference is the GoLand work (reading
the XML, building 200+ contexts, running every rule on them).

    python bench/goland_scale.py [--runs N]
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
HOME = ROOT / "sample_workspaces" / "clean" / "home"
BUDGET_MS = 300.0

RUN = """<component name="ProjectRunConfigurationManager">
  <configuration default="false" name="svc {i}" type="{type}" factoryName="Go Application">
    <module name="big" />
    <working_directory value="$PROJECT_DIR$" />
    <envs>
      <env name="SERVICE" value="svc{i}" />
      <env name="PORT" value="{port}" />
    </envs>
    <kind value="DIRECTORY" />
    <directory value="$PROJECT_DIR$/cmd/svc{i}" />
    <filePath value="$PROJECT_DIR$/main.go" />
    <method v="2" />
  </configuration>
</component>
"""


def make_project(dest: Path, goland: bool) -> None:
    dest.mkdir(parents=True)
    (dest / "go.mod").write_text("module example.com/big\n\ngo 1.22\n")
    (dest / "main.go").write_text("package main\n\nfunc main() {}\n")
    if not goland:
        return
    run = dest / ".run"
    run.mkdir()
    for i in range(200):
        kind = "GoTestRunConfiguration" if i % 4 == 0 else "GoApplicationRunConfiguration"
        (dest / "cmd" / f"svc{i}").mkdir(parents=True)
        (run / f"svc{i}.run.xml").write_text(RUN.format(i=i, type=kind, port=8000 + i))
    idea = dest / ".idea"
    idea.mkdir()
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<project version="4">\n',
        '  <component name="GOROOT" url="file://$USER_HOME$/sdk/go1.22.5" />\n',
        '  <component name="PropertiesComponent">\n',
    ]
    size = sum(len(p) for p in parts)
    i = 0
    while size < 1_000_000:
        line = f'    <property name="recent.file.{i}" value="$PROJECT_DIR$/internal/pkg{i}/file{i}.go" />\n'
        parts.append(line)
        size += len(line)
        i += 1
    parts.append("  </component>\n</project>\n")
    (idea / "workspace.xml").write_text("".join(parts))


def timed_scan(path: Path, cache: str) -> float:
    from ideaudit.pipeline import ScanOptions, scan

    t0 = time.perf_counter()
    scan(ScanOptions(path=str(path), home=str(HOME), shell=shutil.which("bash"), cache_dir=cache))
    return (time.perf_counter() - t0) * 1000


def cli_ms(path: Path, cache: str) -> float:
    env = {**os.environ, "IDEAUDIT_CACHE_DIR": cache, "NO_COLOR": "1"}
    cmd = [sys.executable, "-m", "ideaudit", "scan", str(path), "--home", str(HOME), "--exit-zero"]
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=False)
    return (time.perf_counter() - t0) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        base, big, cache = Path(tmp, "baseline"), Path(tmp, "goland"), str(Path(tmp, "cache"))
        make_project(base, goland=False)
        make_project(big, goland=True)
        ws = big / ".idea" / "workspace.xml"
        for p in (base, big):  # warm the shell-snapshot cache and the imports
            timed_scan(p, cache)
        base_ms = statistics.median(timed_scan(base, cache) for _ in range(args.runs))
        big_ms = statistics.median(timed_scan(big, cache) for _ in range(args.runs))
        cli_base = statistics.median(cli_ms(base, cache) for _ in range(3))
        cli_big = statistics.median(cli_ms(big, cache) for _ in range(3))
        print(f"workspace.xml: {ws.stat().st_size / 1e6:.2f} MB, run configurations: 200")
        print(f"in-process scan: baseline {base_ms:.0f} ms, GoLand project {big_ms:.0f} ms")
        print(f"CLI (warm cache): baseline {cli_base:.0f} ms, GoLand project {cli_big:.0f} ms")
        extra = big_ms - base_ms
        verdict = "OK" if extra <= BUDGET_MS else "OVER"
        print(f"GoLand overhead: {extra:.0f} ms (budget {BUDGET_MS:.0f} ms): {verdict}")
        return 0 if extra <= BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())

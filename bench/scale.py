"""Benchmark: does a warm scan grow linearly?  Each dimension grows 10x; the ratio of the
extra time (over a scan of the same folder without the grown files) should be ~10.

The time is the CPU time of this process (``time.process_time``: user + system) for the
scan and the text report a user sees, by default: on a machine shared by many, wall time
follows the load more than the work (``--clock wall`` measures it anyway).

Dimensions, each a workspace generated into a temporary folder:

* ``configurations``: a launch.json whose configurations each set PATH (P001, P005 and
  their fixes per configuration), 30 -> 300, plus 3,000 in absolute terms;
* ``findings``: findings per configuration: one launch configuration with N
  secret-looking env values (X001 and its fix per variable), 30 -> 300;
* ``contexts``: N GoLand run configurations (``.run/*.run.xml``), 20 -> 200;
* ``xml-bytes``: a one-line workspace.xml of 100 KB -> 1 MB, ASCII and with non-ASCII
  text;
* ``json-bytes``: a settings.json of 100 KB -> 1 MB.

Then, in absolute terms: 3,000 configurations (6,000 findings), and 3,000 configurations
with 8 secrets each (30,000 findings), each also with the text report alone.

Targets (issue 13): configurations <= 12x; 3,000 configurations under 3 s; a 1 MB
non-ASCII one-line workspace.xml within 2x of an ASCII one.  In-process scans against a
warm shell-snapshot cache (the shell is captured once, before timing), hermetic home,
no ``go env``; the median of ``--runs`` per point.  Not a test: run it by hand

    python bench/scale.py [--runs 5] [--only configurations,xml-bytes] [--clock cpu|wall]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOME = ROOT / "sample_workspaces" / "clean" / "home"


def base(dest: Path) -> Path:
    dest.mkdir(parents=True)
    (dest / "go.mod").write_text("module example.com/big\n\ngo 1.22\n")
    (dest / "main.go").write_text("package main\n\nfunc main() {}\n")
    return dest


def launch(dest: Path, configs: list[dict[str, object]]) -> None:
    (dest / ".vscode").mkdir(exist_ok=True)
    doc = {"version": "0.2.0", "configurations": configs}
    (dest / ".vscode" / "launch.json").write_text("// generated\n" + json.dumps(doc, indent=4) + "\n")


def configurations(dest: Path, n: int) -> None:
    launch(
        dest,
        [
            {
                "name": f"svc {i}",
                "type": "go",
                "request": "launch",
                "program": "${workspaceFolder}",
                "env": {"PATH": f"/opt/svc{i}/bin:/usr/local/go/bin", "SERVICE": f"svc{i}"},
            }
            for i in range(n)
        ],
    )


def many_findings(dest: Path, n: int, per: int = 8) -> None:
    """``n`` configurations that each set PATH and hold ``per`` secrets: 2 + ``per``
    findings each (P001, P005, X001 per secret), every one with a fix."""
    launch(
        dest,
        [
            {
                "name": f"svc {i}",
                "type": "go",
                "request": "launch",
                "program": "${workspaceFolder}",
                "env": {
                    "PATH": f"/opt/svc{i}/bin:/usr/local/go/bin",
                    **{f"S{i}_{j}_TOKEN": f"ghp_{i:030d}{j:06d}" for j in range(per)},
                },
            }
            for i in range(n)
        ],
    )


def findings(dest: Path, n: int) -> None:
    env = {f"SERVICE_{i}_TOKEN": f"ghp_{i:036d}" for i in range(n)}
    launch(dest, [{"name": "api", "type": "go", "request": "launch", "program": ".", "env": env}])


RUN = """<component name="ProjectRunConfigurationManager">
  <configuration default="false" name="svc {i}" type="GoApplicationRunConfiguration">
    <envs>
      <env name="SERVICE" value="svc{i}" />
      <env name="PATH" value="/opt/svc{i}/bin" />
    </envs>
    <kind value="DIRECTORY" />
    <directory value="$PROJECT_DIR$" />
    <method v="2" />
  </configuration>
</component>
"""


def contexts(dest: Path, n: int) -> None:
    (dest / ".run").mkdir(exist_ok=True)
    for i in range(n):
        (dest / ".run" / f"svc{i}.run.xml").write_text(RUN.format(i=i))


def _workspace_xml(dest: Path, size: int, text: str) -> None:
    (dest / ".idea").mkdir(exist_ok=True)
    head = '<?xml version="1.0" encoding="UTF-8"?><project version="4">'
    head += '<component name="GOROOT" url="file://$USER_HOME$/sdk/go1.22.5" />'
    head += '<component name="PropertiesComponent">'
    parts = [head]
    total, i = len(head), 0
    while total < size:
        item = f'<property name="recent.{i}" value="$PROJECT_DIR$/{text}/f{i}.go" />'
        parts.append(item)
        total += len(item.encode())
        i += 1
    parts.append("</component></project>")
    (dest / ".idea" / "workspace.xml").write_text("".join(parts), encoding="utf-8")


def xml_ascii(dest: Path, kb: int) -> None:
    _workspace_xml(dest, kb * 1000, "internal/pkg")


def xml_non_ascii(dest: Path, kb: int) -> None:
    _workspace_xml(dest, kb * 1000, "données/пакет")


def json_bytes(dest: Path, kb: int) -> None:
    (dest / ".vscode").mkdir(exist_ok=True)
    settings: dict[str, object] = {"go.toolsEnvVars": {"GOFLAGS": "-mod=vendor"}}
    total, i = 0, 0
    while total < kb * 1000:
        key = f"example.setting{i}"
        settings[key] = {"enabled": True, "path": f"/opt/tools/{i}", "list": [i, i + 1]}
        total += 90
        i += 1
    (dest / ".vscode" / "settings.json").write_text("// big\n" + json.dumps(settings, indent=4) + "\n")


CLOCK = time.process_time


def timed_scan(path: Path, cache: str, report: bool = True) -> tuple[float, float]:
    """The time of one scan plus its text report, and of the report alone."""
    from ideaudit.pipeline import ScanOptions, scan
    from ideaudit.report import render

    t0 = CLOCK()
    result = scan(
        ScanOptions(
            path=str(path),
            home=str(HOME),
            shell=shutil.which("bash"),
            cache_dir=cache,
            go_env=False,
            look_for_process=False,
        )
    )
    t1 = CLOCK()
    if report:
        render(result.report, "text")
    t2 = CLOCK()
    return t2 - t0, t2 - t1


def median_times(
    make: Callable[[Path], None], tmp: Path, cache: str, runs: int, name: str
) -> tuple[float, float]:
    """Medians of (scan + report, report alone)."""
    ws = base(tmp / name)
    make(ws)
    timed_scan(ws, cache)  # warm: snapshots cached, modules imported
    times = [timed_scan(ws, cache) for _ in range(runs)]
    return statistics.median(t for t, _ in times), statistics.median(r for _, r in times)


def median_time(make: Callable[[Path], None], tmp: Path, cache: str, runs: int, name: str) -> float:
    return median_times(make, tmp, cache, runs, name)[0]


DIMENSIONS: dict[str, tuple[Callable[[Path, int], None], int, str]] = {
    "configurations": (configurations, 30, "launch configurations setting PATH"),
    "findings": (findings, 30, "X001 findings with fixes in one configuration"),
    "contexts": (contexts, 20, "GoLand run configurations"),
    "xml-bytes": (xml_ascii, 100, "KB of one-line ASCII workspace.xml"),
    "xml-bytes-non-ascii": (xml_non_ascii, 100, "KB of one-line non-ASCII workspace.xml"),
    "json-bytes": (json_bytes, 100, "KB of settings.json"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated dimensions")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    if shutil.which("bash") is None:
        print("bash is needed", file=sys.stderr)
        return 2
    only = [d for d in args.only.split(",") if d] or list(DIMENSIONS)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp, cache = Path(tmp_name), str(Path(tmp_name) / "cache")
        baseline = median_time(lambda ws: None, tmp, cache, args.runs, "baseline")
        print(
            f"baseline (empty workspace): {baseline * 1000:.0f} ms {args.clock} time of scan + text"
            f" report (median of {args.runs})"
        )
        results: dict[str, float] = {}
        for dim in only:
            make, n, what = DIMENSIONS[dim]
            small = median_time(lambda ws, m=make, k=n: m(ws, k), tmp, cache, args.runs, f"{dim}-1")
            large = median_time(lambda ws, m=make, k=n * 10: m(ws, k), tmp, cache, args.runs, f"{dim}-10")
            ratio = (large - baseline) / max(small - baseline, 1e-9)
            results[dim] = large
            print(
                f"{dim}: {n} {what}: +{(small - baseline) * 1000:.0f} ms; {n * 10}: "
                f"+{(large - baseline) * 1000:.0f} ms; extra-time ratio {ratio:.1f}x (linear: 10x)"
            )
        if "configurations" in only:
            runs = max(1, args.runs // 2)
            big, text = median_times(lambda ws: configurations(ws, 3000), tmp, cache, runs, "c3000")
            print(
                f"configurations: 3000 (6,000 findings): {big * 1000:.0f} ms warm, of which the text"
                f" report {text * 1000:.0f} ms (target < 3000 ms)"
            )
            big, text = median_times(lambda ws: many_findings(ws, 3000), tmp, cache, runs, "m3000")
            small, _ = median_times(lambda ws: many_findings(ws, 300), tmp, cache, runs, "m300")
            ratio = (big - baseline) / max(small - baseline, 1e-9)
            print(
                f"configurations with 8 secrets: 300 (3,000 findings) +{(small - baseline) * 1000:.0f} ms;"
                f" 3000 (30,000 findings): {big * 1000:.0f} ms warm, of which the text report"
                f" {text * 1000:.0f} ms; extra-time ratio {ratio:.1f}x (linear: 10x)"
            )
        if "xml-bytes" in results and "xml-bytes-non-ascii" in results:
            ratio = results["xml-bytes-non-ascii"] / results["xml-bytes"]
            print(f"1 MB one-line workspace.xml: non-ASCII / ASCII = {ratio:.2f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

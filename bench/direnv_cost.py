"""Benchmark: what a project's allowed ``.envrc`` costs a scan (real direnv).

Every scan asks ``direnv status`` whether the file is allowed (it never runs the file);
``direnv export json`` (which starts bash and direnv's stdlib to run it) runs only when a
file direnv watches changed, otherwise its answer comes from the cache.  This copies a
sample with an ``.envrc`` to a temporary folder, ``direnv allow``s it in the sample's own
fake ``$HOME``, then, interleaved so machine noise hits all alike, times N runs of:

* ``direnv status`` and ``direnv export json`` as ideaudit starts them
  (``ideaudit.local.direnv._run``: own session, stdin closed, the terminal's env);
* ``ask_direnv`` with a warm cache (what every scan pays) and with ``refresh=True``
  (what a scan pays after the ``.envrc`` or a watched file changed).

Prints the medians.  Not a test: run it by hand

    python bench/direnv_cost.py [--runs 15]
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ideaudit.local.direnv import _env, _run, ask_direnv  # noqa: E402

SAMPLE = ROOT / "sample_workspaces" / "direnv-envrc-vscode-extension"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    direnv = shutil.which("direnv")
    if direnv is None:
        print("direnv is not installed", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        project = Path(shutil.copytree(SAMPLE, tmp / "ws", symlinks=True))
        home = project / "home"
        shell_env = {"PATH": f"{os.path.dirname(direnv)}:/usr/bin:/bin", "HOME": str(home)}
        allow_env = {**shell_env, "XDG_DATA_HOME": str(home / ".local/share")}
        allow_env["XDG_CONFIG_HOME"] = str(home / ".config")
        subprocess.run([direnv, "allow", str(project)], env=allow_env, check=True, capture_output=True)
        env = _env(shell_env, str(home))
        cache = str(tmp / "cache")
        first = ask_direnv(str(project), shell_env, str(home), str(project), cache_dir=cache)
        if first.state != "allowed" or not first.exported:
            print(f"the .envrc is not allowed ({first.state}: {first.error})", file=sys.stderr)
            return 1

        cases: dict[str, Callable[[], object]] = {
            "direnv status": lambda: _run([direnv, "status"], str(project), env, 10.0),
            "direnv export json": lambda: _run([direnv, "export", "json"], str(project), env, 10.0),
            "ask_direnv, cached": lambda: ask_direnv(
                str(project), shell_env, str(home), str(project), cache_dir=cache
            ),
            "ask_direnv, refresh": lambda: ask_direnv(
                str(project), shell_env, str(home), str(project), cache_dir=cache, refresh=True
            ),
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, call in cases.items():
                start = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - start)
    print(f"runs: {args.runs} each, interleaved; {direnv}")
    for name, xs in times.items():
        print(f"{name:24}{statistics.median(xs) * 1000:>8.1f} ms median")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

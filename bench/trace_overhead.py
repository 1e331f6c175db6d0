"""Benchmark (not a test): what tracing a shell start-up costs next to a plain capture.

The budget (issue 3): a traced start-up takes at most 1.3x the plain capture of the same
variant, and it runs only when the terminal and the IDE model differ.  For bash and zsh
this times, uncached, ``capture(terminal)`` and ``trace_startup(terminal)`` on a fake
home with typical dotfiles (a version-manager-like PATH edit, a few exports, aliases, a
sourced file), interleaved so machine noise hits both alike, and prints the medians and
their ratio.

    python bench/trace_overhead.py [ROUNDS]
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ideaudit.shell import capture as shell_capture
from ideaudit.shell import profiles as shell_profiles
from ideaudit.shell.trace import trace_startup

RC = """\
# typical interactive rc
export GOPATH="$HOME/go"
export PATH="$HOME/sdk/go1.22.5/bin:$GOPATH/bin:$HOME/.local/bin:$PATH"
export EDITOR=vim PAGER=less
[ -f "$HOME/.aliases" ] && . "$HOME/.aliases"
for d in "$HOME/bin" "$HOME/.cargo/bin"; do
  case ":$PATH:" in *":$d:"*) ;; *) PATH="$d:$PATH" ;; esac
done
export PATH
"""
ALIASES = "alias ll='ls -l'\nalias gs='git status'\nexport FROM_ALIASES=1\n"


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        for name in (".bashrc", ".zshrc"):
            (home / name).write_text(RC)
        (home / ".aliases").write_text(ALIASES)
        cache = Path(tmp) / "cache"
        for name in ("bash", "zsh"):
            shell = shutil.which(name)
            if shell is None:
                print(f"{name}: not installed, skipped")
                continue
            base = shell_profiles.session_base_env(str(home), shell)
            plain: list[float] = []
            traced: list[float] = []
            for _ in range(rounds):
                t0 = time.perf_counter()
                snap = shell_capture.capture(
                    shell, str(home), "terminal", base_env=base, cache_dir=str(cache), refresh=True
                )
                plain.append(time.perf_counter() - t0)
                assert snap.ok, snap.error
                t0 = time.perf_counter()
                # refresh: the trace itself is never taken from the cache (its helper
                # files are, as in a real scan with a cache folder)
                tr = trace_startup(shell, str(home), "terminal", base, cache_dir=str(cache), refresh=True)
                traced.append(time.perf_counter() - t0)
                assert tr.error is None and tr.assignments, tr
            p, t = statistics.median(plain), statistics.median(traced)
            print(
                f"{name}: plain capture {p * 1000:.1f} ms, traced {t * 1000:.1f} ms "
                f"(median of {rounds}); ratio {t / p:.2f}x (budget 1.30x)"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)

"""What does a cold scan cost beyond a warm one, in shell start-ups?

A cold scan (``--refresh``: every snapshot captured again, as after a dotfile edit)
minus a warm scan (everything cached) is the time the user waits for shells.  Issue 13's
target: at most 1.15x one bare ``$SHELL -i -l -c true`` when the rc file is I/O-bound
(it sleeps 0.3 s), at most 1.5x when it is CPU-bound (zsh compinit, a busy loop), median
of 10, side by side in one run.

For each shell (bash, zsh) and each start-up kind, a temporary HOME gets realistic
dotfiles (Debian's skeleton ``.bashrc``/``.profile``, which return early when not
interactive, plus the slow part) and a workspace with ``.vscode/``; ``diverge`` sets a
variable in the interactive rc file only (both rc files sleep 0.3 s), so the scan also
traces the start-up to name the line; then, run by run and
in rotating order so the machine's noise hits all sides alike:

* ``bare``: ``$SHELL -i -l -c true`` (session environment, new session, stdin /dev/null);
* ``warm``: ``python -m ideaudit scan WS --home H --shell S --no-go-env --exit-zero``;
* ``cold``: the same with ``--refresh``.

Wall time is what the target is about; on a machine whose cores are all busy it tracks
the CPU a scan uses, so the CPU time of each command (with every process it waited for,
from ``wait4``) is printed beside it: cold minus warm CPU over the bare shell's CPU is
how many start-ups' worth of work the cold scan does.

``--no-go-env`` keeps ``go env`` (cached separately, not a shell) out of the figure.
``--root DIR`` (repeatable) measures other checkouts of ideaudit in the same run, for a
before/after comparison (each runs with ``PYTHONPATH=DIR`` from a neutral directory).

    python bench/cold_scan.py [--runs 10] [--shells bash,zsh] [--kinds sleep,compinit,loop,diverge]
                              [--root /path/to/other/checkout]
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
sys.path.insert(0, str(ROOT))

from ideaudit.shell.profiles import session_base_env  # noqa: E402

TARGETS = {"sleep": 1.15, "compinit": 1.5, "loop": 1.5, "diverge": 1.15}

#: The slow part of each kind, in the interactive rc file (sh syntax for bash and zsh).
SLOW = {
    "sleep": "sleep 0.3\n",
    "compinit": "autoload -Uz compinit && compinit\n",
    # A busy loop of ~0.2-0.4 s (shell arithmetic: CPU, no I/O).
    "loop": "i=0; while [ $i -lt {n} ]; do i=$((i+1)); done\n",
}
LOOP_N = {"bash": 60000, "zsh": 90000}

COMMON = 'export GOPATH="$HOME/go"\nexport PATH="$GOPATH/bin:$HOME/.local/bin:$PATH"\nalias ll="ls -l"\n'


def _skel(name: str, fallback: str) -> str:
    try:
        return Path("/etc/skel", name).read_text()
    except OSError:
        return fallback


def dotfiles(shell: str, kind: str) -> dict[str, str]:
    if kind == "diverge":
        # A divergence to explain (GOPATH only in the interactive rc file), both rc
        # files sleeping 0.3 s: the start-up is traced, with the other shells.
        rc = 'export GOPATH="$HOME/go"\nsleep 0.3\n'
        if shell == "bash":
            return {".bashrc": rc, ".bash_profile": "sleep 0.3\n"}
        return {".zshrc": rc, ".zprofile": "sleep 0.3\n"}
    slow = SLOW[kind].format(n=LOOP_N.get(shell, 60000))
    if shell == "bash":
        guard = "case $- in *i*) ;; *) return;; esac\n"
        profile = '[ -f "$HOME/.bashrc" ] && . "$HOME/.bashrc"\n'
        return {
            ".bashrc": _skel(".bashrc", guard) + COMMON + slow,
            ".profile": _skel(".profile", profile),
        }
    return {".zshenv": "export EDITOR=vi\n", ".zshrc": COMMON + "setopt autocd\n" + slow}


def timed(argv: list[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and every process it waited for)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = 0  # reaped by wait4; keep Popen from waiting again
    return wall, usage.ru_utime + usage.ru_stime


def bench(shell_name: str, kind: str, roots: list[Path], runs: int, tmp: Path) -> list[str]:
    shell = shutil.which(shell_name)
    if shell is None:
        return [f"{shell_name}: not installed, skipped"]
    case = tmp / f"{shell_name}-{kind}"
    home, ws, neutral = case / "home", case / "ws", case / "cwd"
    for name, text in dotfiles(shell_name, kind).items():
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_text(text)
    (ws / ".vscode").mkdir(parents=True)
    (ws / ".vscode" / "settings.json").write_text('{"go.toolsEnvVars": {}}\n')
    (ws / "go.mod").write_text("module example.com/bench\n\ngo 1.21\n")
    neutral.mkdir()
    bare_env = session_base_env(str(home), shell)
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "bare": ([shell, "-i", "-l", "-c", "true"], bare_env)
    }
    for i, root in enumerate(roots):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env["PYTHONPATH"] = str(root)
        env["IDEAUDIT_CACHE_DIR"] = str(case / f"cache{i}")
        scan = [sys.executable, "-m", "ideaudit", "scan", str(ws), "--home", str(home), "--shell", shell]
        scan += ["--no-go-env", "--exit-zero"]
        tag = "" if len(roots) == 1 else f"[{root.name or root}]"
        commands[f"warm{tag}"] = (scan, env)
        commands[f"cold{tag}"] = ([*scan, "--refresh"], env)
    for argv, env in commands.values():  # fill caches, .zcompdump, the page cache
        timed(argv, env, str(neutral))
        timed(argv, env, str(neutral))
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for r in range(runs):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            argv, env = commands[name]
            wall, cpu = timed(argv, env, str(neutral))
            times[name].append(wall)
            cpus[name].append(cpu)
    med = {name: statistics.median(xs) for name, xs in times.items()}
    cpu = {name: statistics.median(xs) for name, xs in cpus.items()}
    lines = [f"{shell_name} / {kind}: " + ", ".join(f"{n} {med[n] * 1000:.0f} ms" for n in names)]
    for root in roots:
        tag = "" if len(roots) == 1 else f"[{root.name or root}]"
        extra = med[f"cold{tag}"] - med[f"warm{tag}"]
        ratio = extra / med["bare"]
        verdict = "met" if ratio <= TARGETS[kind] else "NOT met"
        cpu_ratio = (cpu[f"cold{tag}"] - cpu[f"warm{tag}"]) / max(cpu["bare"], 1e-6)
        # CPU only where the start-up is CPU-bound: a sleeping rc file's CPU is noise.
        cpu_note = f"; CPU: cold - warm = {cpu_ratio:.2f}x bare's" if kind in ("compinit", "loop") else ""
        lines.append(
            f"  {root}: cold - warm = {extra * 1000:.0f} ms = {ratio:.2f}x bare "
            f"(target <= {TARGETS[kind]}x) -> {verdict}{cpu_note}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--shells", default="bash,zsh")
    parser.add_argument("--kinds", default="sleep,compinit,loop,diverge")
    parser.add_argument("--root", action="append", type=Path, help="another checkout to measure too")
    args = parser.parse_args()
    roots = [ROOT, *(r.resolve() for r in args.root or [])]
    print(f"runs: {args.runs} each, interleaved in rotating order; medians; noisy shared machine")
    with tempfile.TemporaryDirectory() as tmp:
        for shell_name in args.shells.split(","):
            for kind in args.kinds.split(","):
                if kind == "compinit" and shell_name != "zsh":
                    continue
                for line in bench(shell_name, kind, roots, args.runs, Path(tmp)):
                    print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

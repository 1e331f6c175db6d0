"""How much does ``capture()`` cost on top of the shell start-up it measures?

For each of bash, zsh and fish that is installed: a temporary HOME with realistic
dotfiles (PATH exports, aliases, a function, a banner), then, alternating run by run so
that machine noise hits both sides alike, N runs of

* baseline: ``$SHELL -i -l -c true`` via subprocess (same base env, stdin /dev/null,
  stdout/stderr piped, new session: how an IDE starts it), and
* ``capture(shell, home, "vscode", refresh=True)`` (the full path: argv, cache key,
  run, read and parse the dump, write the cache file),

plus, as a diagnostic, the bare shell doing the dump capture asks of it
(``$SHELL -i -l -c "exec /usr/bin/env -0 >| FILE"``, no Python work around it), which
splits the overhead into "the shell has to exec env" and "what capture() adds".

Prints the medians and their ratio; the target is a ratio <= 1.15.

    python bench/capture_overhead.py [--runs 10]
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

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from ideaudit.shell.capture import capture
from ideaudit.shell.process import dump_dir as _dump_dir
from ideaudit.shell.profiles import session_base_env

TARGET = 1.15

POSIX_RC = """\
# ~/.{name}: a realistic interactive set-up
export GOPATH="$HOME/go"
export PATH="$HOME/.local/bin:$GOPATH/bin:/usr/local/go/bin:$PATH"
export EDITOR=vim
alias ll='ls -l'
alias la='ls -A'
alias gs='git status'
mkcd() {{ mkdir -p "$1" && cd "$1"; }}
echo "welcome back, $USER"
"""

FILES: dict[str, dict[str, str]] = {
    "bash": {
        ".bash_profile": "[ -f ~/.profile ] && . ~/.profile\n[ -f ~/.bashrc ] && . ~/.bashrc\n",
        ".profile": 'export LANG="${LANG:-C.UTF-8}"\n',
        ".bashrc": POSIX_RC.format(name="bashrc") + "HISTSIZE=5000\nshopt -s histappend\n",
    },
    "zsh": {
        ".zshenv": 'export GOFLAGS="-mod=mod"\n',
        ".zprofile": 'export PATH="/opt/tools/bin:$PATH"\n',
        ".zshrc": POSIX_RC.format(name="zshrc") + "setopt autocd\nHISTSIZE=5000\n",
    },
    "fish": {
        ".config/fish/config.fish": """\
set -gx GOPATH $HOME/go
fish_add_path -g $HOME/.local/bin $GOPATH/bin /usr/local/go/bin
set -gx EDITOR vim
alias ll 'ls -l'
alias gs 'git status'
function mkcd
    mkdir -p $argv[1]; and cd $argv[1]
end
echo "welcome back, $USER"
""",
        ".config/fish/conf.d/go.fish": "set -gx GO111MODULE on\n",
    },
}


def _skel(name: str) -> str:
    try:
        with open(os.path.join("/etc/skel", name)) as fh:
            return fh.read()
    except OSError:
        return ""


# "typical": what a developer's start-up files usually hold on top of the light set:
# Debian's default ~/.bashrc and ~/.profile (what `adduser` copies from /etc/skel), and
# zsh's completion system (the line zsh-newuser-install writes; nearly every .zshrc).
TYPICAL: dict[str, dict[str, str]] = {
    "bash": {
        ".profile": _skel(".profile") + FILES["bash"][".profile"],
        ".bashrc": _skel(".bashrc") + FILES["bash"][".bashrc"],
        ".bash_profile": FILES["bash"][".bash_profile"],
    },
    "zsh": {**FILES["zsh"], ".zshrc": "autoload -Uz compinit && compinit\n" + FILES["zsh"][".zshrc"]},
    "fish": FILES["fish"],
}


def make_home(shell: str, files: dict[str, dict[str, str]]) -> str:
    home = tempfile.mkdtemp(prefix=f"ideaudit-bench-{shell}-")
    for rel, text in files[shell].items():
        path = os.path.join(home, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)
    return home


def baseline_once(path: str, env: dict[str, str], home: str, command: str = "true") -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [path, "-i", "-l", "-c", command],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        cwd=home,
        start_new_session=True,
        check=False,
    )
    return time.perf_counter() - t0


def capture_once(path: str, home: str, env: dict[str, str], cache: str) -> float:
    t0 = time.perf_counter()
    snap = capture(path, home, "vscode", base_env=env, cache_dir=cache, refresh=True)
    elapsed = time.perf_counter() - t0
    if not snap.ok:
        raise SystemExit(f"capture failed for {path}: {snap.error}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--dotfiles",
        choices=("light", "typical"),
        default="typical",
        help="light: a few exports and aliases; typical: plus Debian's skeleton rc files "
        "(bash) and compinit (zsh)",
    )
    args = parser.parse_args()
    files = TYPICAL if args.dotfiles == "typical" else FILES
    print(f"dotfiles: {args.dotfiles}")

    rows = []
    for shell in ("bash", "zsh", "fish"):
        path = shutil.which(shell)
        if path is None:
            print(f"{shell}: not installed, skipped")
            continue
        home = make_home(shell, files)
        cache = tempfile.mkdtemp(prefix="ideaudit-bench-cache-")
        try:
            env = session_base_env(home, path, inherit={})
            # warm-up: page cache, first-run files (fish writes fish_variables)
            baseline_once(path, env, home)
            capture_once(path, home, env, cache)
            fd, dump = tempfile.mkstemp(prefix="ideaudit-bench-", dir=_dump_dir())
            os.close(fd)
            op = ">" if shell == "fish" else ">|"
            dump_cmd = f"exec {shutil.which('env')} -0 {op} {dump}"
            base_times: list[float] = []
            cap_times: list[float] = []
            dump_times: list[float] = []
            for _ in range(args.runs):
                base_times.append(baseline_once(path, env, home))
                cap_times.append(capture_once(path, home, env, cache))
                dump_times.append(baseline_once(path, env, home, dump_cmd))
            os.unlink(dump)
            b = statistics.median(base_times)
            c = statistics.median(cap_times)
            d = statistics.median(dump_times)
            rows.append((shell, b, c, c / b, d))
        finally:
            shutil.rmtree(home, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)

    head = f"{'shell':<6} {'runs':>4} {'-i -l -c true':>15} {'capture()':>11} {'ratio':>6}"
    print(f"\n{head}   {'shell+env -0':>13} {'capture/that':>12}")
    for shell, b, c, r, d in rows:
        flag = " " if r <= TARGET else "!"
        print(
            f"{shell:<6} {args.runs:>4} {b * 1000:>12.2f} ms {c * 1000:>8.2f} ms {r:>6.3f}{flag}"
            f"  {d * 1000:>10.2f} ms {c / d:>12.3f}"
        )
    print(f"(target: ratio <= {TARGET}; '!' marks a miss)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

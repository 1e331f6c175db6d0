"""Facts for the stale-IDE check (rule W001): running IDEs and when their inputs changed.

I/O only (psutil and ``stat``); the judgement is the pure rule in
:mod:`ideaudit.rules.w_watch`.  psutil is imported inside the function that needs it.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from ideaudit.ide.environment import VSCODE_PROCESS_NAMES
from ideaudit.model import EnvInput, IdeProcess
from ideaudit.shell import profiles as shell_profiles

#: GoLand: the native launcher or script (the JVM is recognised by its command line).
GOLAND_NAMES = ("goland", "goland64", "goland.sh", "GoLand")


def _vscode_main(cmdline: list[str], env: dict[str, str]) -> bool:
    """The main (Electron) process: the one that resolved the shell at start-up.

    Helpers carry ``--type=`` (renderer, extension host, pty host, ...); the ``code``
    CLI wrapper runs with ``ELECTRON_RUN_AS_NODE``.  A reloaded window gets a new
    extension host but keeps the main process's environment, so the main process's start
    time is what counts.
    """
    if any(a.startswith("--type=") for a in cmdline):
        return False
    return not env.get("ELECTRON_RUN_AS_NODE")


def _goland_jvm(cmdline: list[str]) -> bool:
    args = " ".join(cmdline)
    return "idea.paths.selector=GoLand" in args or "idea.platform.prefix=GoLand" in args


def running_ides(home: str | None = None) -> tuple[IdeProcess, ...]:
    """This user's running VS Code (per flavour: code, codium, ...) and GoLand, oldest
    main process of each, in one pass over the process table.

    With ``home``, only IDEs whose ``HOME`` is that folder: an IDE running with another
    home read other start-up files, so its start time says nothing about these (this
    also keeps a hermetic ``--home`` run blind to the IDEs of the rest of the machine).
    """
    import psutil

    uid = os.getuid() if hasattr(os, "getuid") else None
    oldest: dict[tuple[str, str], IdeProcess] = {}
    for proc in psutil.process_iter(["pid", "name", "uids", "create_time"]):
        try:
            info: dict[str, Any] = proc.info
            name = str(info.get("name") or "")
            if name in VSCODE_PROCESS_NAMES:
                ide = "vscode"
            elif name in GOLAND_NAMES or name in ("java", "java.exe"):
                ide = "goland"
            else:
                continue
            uids = info.get("uids")
            if uid is not None and uids is not None and uids.real != uid:
                continue
            cmdline = proc.cmdline()
            environ = proc.environ()
            if ide == "vscode" and not _vscode_main(cmdline, environ):
                continue
            if home is not None and os.path.realpath(environ.get("HOME") or "/") != os.path.realpath(home):
                continue
            if name in ("java", "java.exe") and not _goland_jvm(cmdline):
                continue
        except (psutil.Error, OSError):
            continue
        pid = int(info["pid"])
        started = start_time(pid)
        found = IdeProcess(
            ide, name, pid, started if started is not None else float(info.get("create_time") or 0)
        )
        key = (ide, name)
        if key not in oldest or found.started < oldest[key].started:
            oldest[key] = found
    return tuple(sorted(oldest.values(), key=lambda p: (p.ide, p.name)))


def start_time(pid: int) -> float | None:
    """When process ``pid`` started, in seconds since the epoch, from the kernel's own
    clock (Linux); ``None`` elsewhere (psutil's time is used then).

    psutil adds the start time in clock ticks since boot (``/proc/PID/stat`` field 22)
    to the boot time of ``/proc/stat``, which is whole seconds: up to a second early, so
    an IDE restarted within that second of an edit looked as if it had started before
    it.  Here the boot time comes from ``CLOCK_BOOTTIME`` (the clock the start ticks
    count on), and the start is rounded *up* to the next tick: the kernel truncates it,
    so the process started no later than that.  An edit made within one tick (10 ms at
    the usual 100 Hz) after the start is taken as seen by the IDE.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        # The command name (field 2) is in parentheses and may contain anything.
        fields = stat[stat.rindex(b")") + 2 :].split()
        ticks = int(fields[19])  # field 22 counted from field 3
        hz = os.sysconf("SC_CLK_TCK")
        boot = time.time() - time.clock_gettime(time.CLOCK_BOOTTIME)
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return boot + (ticks + 1) / hz


def _mtime(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def env_inputs(shell: str, home: str, goenv_file: str | None) -> tuple[EnvInput, ...]:
    """The files each IDE's environment is made from at its start, with their mtimes.

    VS Code: the start-up files of ``$SHELL -i -l`` (DESIGN.md §4) and the ``go env -w``
    file (vscode-go copies ``go env`` values into its environment on activation).  GoLand
    reads the shell at start-up only on macOS (on Linux only with ``ij.load.shell.env``),
    so its shell files count there.  Files that do not exist are left out: deleting
    one is also a change, but its time is unknown.
    """
    base = shell_profiles.session_base_env(home, shell)
    ides_of: dict[str, list[str]] = {}
    for f in shell_profiles.startup_files(shell, home, "vscode", base):
        ides_of.setdefault(f, []).append("vscode")
    if sys.platform == "darwin":
        for f in shell_profiles.startup_files(shell, home, "jetbrains", base):
            ides_of.setdefault(f, []).append("goland")
    result: list[EnvInput] = []
    for path, ides in ides_of.items():
        mtime = _mtime(path)
        if mtime is not None and not os.path.isdir(path):
            result.append(EnvInput(path, mtime, "shell start-up file", tuple(ides)))
    if goenv_file:
        mtime = _mtime(goenv_file)
        if mtime is not None:
            result.append(EnvInput(goenv_file, mtime, "go env -w file", ("vscode",)))
    return tuple(result)

"""The environment an IDE hands the tools it starts (gopls, go, dlv).

For VS Code, in order of preference:

1. ``--ide-env FILE``: a dump the user took (``envdump`` formats);
2. a running VS Code, read with psutil: preferably its *extension host*, the process
   that spawns gopls and the debugger.  The main process is only a fallback: its
   ``/proc/PID/environ`` is the environment it was *launched* with, before it resolved
   the login shell (changes to ``process.env`` never show up there);
3. the model of a GUI launch: VS Code runs ``$SHELL -i -l -c`` once at start-up and uses
   what that prints, i.e. the ``vscode``-profile shell snapshot; if that failed or timed
   out, VS Code carries on with its own process environment, the session's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ideaudit.model import IdeEnvironment, Location, Problem, ShellSnapshot
from ideaudit.shell.dump import load_env_dump

__all__ = [
    "GOLAND_PROCESS_NAMES",
    "VSCODE_PROCESS_NAMES",
    "find_running_goland",
    "find_running_vscode",
    "goland_environment",
    "vscode_environment",
]

VSCODE_PROCESS_NAMES = ("code", "code-insiders", "codium", "cursor", "code-oss")


def _score(cmdline: list[str], env: Mapping[str, str]) -> int:
    """3: extension host; 1: main process; 0: a helper we do not want."""
    args = " ".join(cmdline)
    entry = env.get("VSCODE_ESM_ENTRYPOINT", "") + env.get("VSCODE_AMD_ENTRYPOINT", "")
    if "--type=extensionHost" in args or "extensionHost" in entry:
        return 3
    if "--type=" in args:  # renderer, gpu-process, zygote, utility (pty host, ...)
        return 0
    if env.get("ELECTRON_RUN_AS_NODE"):  # the `code` CLI wrapper or a forked node helper
        return 0
    return 1


def find_running_vscode() -> tuple[int, str, dict[str, str]] | None:
    """(pid, name, env) of the best VS Code process of this user, or None.

    Prefers an extension host (newest first), else a main process.  Processes of other
    users, and ones psutil may not read, are skipped silently.
    """
    import psutil

    uid = os.getuid() if hasattr(os, "getuid") else None
    best: tuple[int, float, int, str, dict[str, str]] | None = None
    for proc in psutil.process_iter(["pid", "name", "uids", "create_time"]):
        try:
            info: dict[str, Any] = proc.info
            name = info.get("name") or ""
            if name not in VSCODE_PROCESS_NAMES:
                continue
            uids = info.get("uids")
            if uid is not None and uids is not None and uids.real != uid:
                continue
            cmdline = proc.cmdline()
            env = proc.environ()
        except (psutil.Error, OSError):
            continue
        score = _score(cmdline, env)
        if score == 0:
            continue
        rank = (score, float(info.get("create_time") or 0.0))
        if best is None or rank > (best[0], best[1]):
            best = (score, rank[1], int(info["pid"]), str(name), dict(env))
    if best is None:
        return None
    return best[2], best[3], best[4]


def _flags_label(snapshot: ShellSnapshot) -> str:
    argv = list(snapshot.argv)
    shell = os.path.basename(argv[0]) if argv else os.path.basename(snapshot.shell)
    flags = [a for a in argv[1:-1] if a.startswith("-") and a not in ("-c", "-Command")]
    return " ".join([shell, *flags])


def _from_file(ide: str, path: str, flag: str, problems: list[Problem]) -> IdeEnvironment | None:
    """The IDE environment given as a dump file (``--ide-env``/``--goland-env``); None
    (with the file's problems added) when it cannot be used, so the caller goes on down
    its list of sources."""
    env, file_problems = load_env_dump(path)
    problems += file_problems
    if env is None:
        return None
    return IdeEnvironment(ide=ide, env=env, kind="file", source=f"{flag} {path}", location=Location(path))


def vscode_environment(
    *,
    ide_env_file: str | None,
    shell_snapshot_vscode: ShellSnapshot | None,
    session_env: Mapping[str, str],
    look_for_process: bool = True,
) -> tuple[IdeEnvironment, list[Problem]]:
    """The environment VS Code gives gopls, go and dlv, and where it came from.

    ``look_for_process=False`` skips psutil entirely (tests, hermetic ``--home`` runs).
    Problems: an unreadable or broken ``--ide-env`` file (we then go on down the list),
    a shell resolution that failed (the model then uses ``session_env``).
    """
    problems: list[Problem] = []
    if ide_env_file is not None:
        from_file = _from_file("vscode", ide_env_file, "--ide-env", problems)
        if from_file is not None:
            return from_file, problems

    if look_for_process:
        found = find_running_vscode()
        if found is not None:
            pid, name, env = found
            return (
                IdeEnvironment(
                    ide="vscode",
                    env=env,
                    kind="process",
                    source=f"running {name} (pid {pid})",
                    location=Location(f"/proc/{pid}/environ"),
                ),
                problems,
            )

    snap = shell_snapshot_vscode
    if snap is not None and snap.ok:
        return (
            IdeEnvironment(
                ide="vscode",
                env=dict(snap.env),
                kind="model",
                source=(f"model of a GUI launch: VS Code resolved your login shell ({_flags_label(snap)})"),
            ),
            problems,
        )

    if snap is None:
        source = (
            "model of a GUI launch: login shell not captured, so VS Code's own process "
            "environment (the session's)"
        )
    else:
        why = "timed out" if snap.timed_out else "failed"
        source = (
            f"model of a GUI launch: resolving your login shell ({_flags_label(snap)}) {why}, "
            "so VS Code kept its own process environment (the session's)"
        )
        detail = snap.error or why
        problems.append(
            Problem(
                kind="capture",
                message=(
                    f"VS Code could not resolve your shell environment: {_flags_label(snap)} "
                    f"{detail}; VS Code then starts with the session's environment and none "
                    "of your rc files' settings"
                ),
                detail=" ".join(snap.argv),
            )
        )
    return (
        IdeEnvironment(ide="vscode", env=dict(session_env), kind="model", source=source),
        problems,
    )


# --------------------------------------------------------------------------- GoLand

#: Process names of a running GoLand: the native launcher, the script, and the
#: JetBrains runtime's JVM (recognised by its command line, see _is_goland_jvm).
GOLAND_PROCESS_NAMES = ("goland", "goland64", "goland.sh", "GoLand")


def _is_goland_jvm(name: str, cmdline: list[str]) -> bool:
    if name not in ("java", "java.exe"):
        return False
    args = " ".join(cmdline)
    return "idea.paths.selector=GoLand" in args or "idea.platform.prefix=GoLand" in args


def find_running_goland() -> tuple[int, str, dict[str, str]] | None:
    """(pid, name, env) of the newest GoLand process of this user, or None."""
    import psutil

    uid = os.getuid() if hasattr(os, "getuid") else None
    best: tuple[float, int, str, dict[str, str]] | None = None
    for proc in psutil.process_iter(["pid", "name", "uids", "create_time"]):
        try:
            info: dict[str, Any] = proc.info
            name = info.get("name") or ""
            if name not in GOLAND_PROCESS_NAMES and name not in ("java", "java.exe"):
                continue
            uids = info.get("uids")
            if uid is not None and uids is not None and uids.real != uid:
                continue
            if name in ("java", "java.exe") and not _is_goland_jvm(name, proc.cmdline()):
                continue
            env = proc.environ()
        except (psutil.Error, OSError):
            continue
        created = float(info.get("create_time") or 0.0)
        if best is None or created > best[0]:
            best = (created, int(info["pid"]), str(name), dict(env))
    if best is None:
        return None
    return best[1], best[2], best[3]


def _from_terminal(env: Mapping[str, str]) -> bool:
    """IntelliJ's ``EnvironmentUtil``: started from a terminal when SHLVL > 0."""
    try:
        return int(env.get("SHLVL", "0")) > 0
    except ValueError:
        return False


def goland_environment(
    *,
    goland_env_file: str | None,
    jetbrains_snapshot: ShellSnapshot | None,
    desktop_snapshot: ShellSnapshot | None,
    session_env: Mapping[str, str],
    loads_shell_env: bool,
    look_for_process: bool = True,
) -> tuple[IdeEnvironment, list[Problem]]:
    """The environment GoLand hands its run configurations, tools and terminal.

    In order: ``--goland-env FILE``; a running GoLand (psutil; started from a terminal,
    SHLVL > 0, means that terminal's environment); the model of a launch.  The model
    follows intellij-community ``EnvironmentUtil``: on macOS, and on Linux only when
    shell loading is on (``ij.load.shell.env``, ``loads_shell_env``), the IDE reads
    ``$SHELL -l -i -c`` (the ``jetbrains`` snapshot; on failure it keeps its own
    environment); otherwise the IDE has the desktop session's environment, which a
    login ``/bin/sh`` reading ``~/.profile`` builds (the ``desktop`` snapshot).
    """
    problems: list[Problem] = []
    if goland_env_file is not None:
        from_file = _from_file("goland", goland_env_file, "--goland-env", problems)
        if from_file is not None:
            return from_file, problems
    if look_for_process:
        found = find_running_goland()
        if found is not None:
            pid, name, env = found
            how = " started from a terminal, so that terminal's environment" if _from_terminal(env) else ""
            return (
                IdeEnvironment(
                    ide="goland",
                    env=env,
                    kind="process",
                    source=f"running {name} (pid {pid}){how}",
                    location=Location(f"/proc/{pid}/environ"),
                ),
                problems,
            )
    if loads_shell_env:
        snap = jetbrains_snapshot
        if snap is not None and snap.ok:
            return (
                IdeEnvironment(
                    ide="goland",
                    env=dict(snap.env),
                    kind="model",
                    source=f"model of a GUI launch: GoLand loaded your login shell ({_flags_label(snap)})",
                ),
                problems,
            )
        if snap is not None:
            why = "timed out" if snap.timed_out else "failed"
            problems.append(
                Problem(
                    kind="capture",
                    message=(
                        f"GoLand could not load your shell environment: {_flags_label(snap)} "
                        f"{snap.error or why}; GoLand then keeps its own process environment"
                    ),
                    detail=" ".join(snap.argv),
                )
            )
    snap = desktop_snapshot
    if snap is not None and snap.ok:
        return (
            IdeEnvironment(
                ide="goland",
                env=dict(snap.env),
                kind="model",
                source="model of a desktop launch: the session's login /bin/sh read ~/.profile "
                "(GoLand does not load your shell environment on Linux)",
            ),
            problems,
        )
    return (
        IdeEnvironment(
            ide="goland",
            env=dict(session_env),
            kind="model",
            source="model of a desktop launch: the session's environment (no start-up file read)",
        ),
        problems,
    )

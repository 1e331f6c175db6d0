"""How each IDE (and a terminal) starts a shell, and which start-up files that reads.

Three *profiles* say how the shell is started (see DESIGN.md §4):

``vscode``
    VS Code's ``shellEnv.ts``: ``$SHELL -i -l -c CMD`` (tcsh/csh ``-i -c``, pwsh
    ``-Login -Command``) with ``VSCODE_RESOLVING_ENVIRONMENT=1``; timeout 10 s.
``jetbrains``
    IntelliJ's ``ShellEnvironmentReader``: ``$SHELL -l -i -c CMD`` (fish ``-l -c``,
    tcsh/csh ``-i -c``) with ``INTELLIJ_ENVIRONMENT_READER=true``; timeout 20 s.
``desktop``
    The model of a Linux desktop session (what GoLand gets when it does not load the
    shell environment itself): ``/bin/sh -l -c CMD``, a login POSIX shell reading
    ``/etc/profile`` and ``~/.profile`` only, whatever ``$SHELL`` is (see ``DESKTOP_SHELL``).
``terminal``
    What a terminal emulator starts, the reference the IDE is compared with: an
    interactive non-login shell on Linux (``-i -c``), an interactive login shell on
    macOS (``-i -l -c``); dash/sh always ``-i -c`` (they only read ``$ENV`` then).

The four ``VARIANTS`` name the modes themselves (login and/or interactive).  A profile
comes down to a mode (:func:`mode`), and a mode to the files the shell reads
(:func:`startup_files`): everything else in ``ideaudit.shell`` builds on these.
The session environment an IDE starts with (:func:`session_base_env`) lives here too:
it is the other input of a start-up besides its files.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping

__all__ = [
    "ALL_MARKERS",
    "DEFAULT_TIMEOUTS",
    "DESKTOP",
    "DESKTOP_SHELL",
    "MARKERS",
    "NOISE",
    "PROFILES",
    "SESSION_PATH",
    "VARIANTS",
    "default_shell",
    "dir_files",
    "fish_confd_dirs",
    "fish_dirs",
    "mode",
    "session_base_env",
    "shell_argv",
    "shell_kind",
    "startup_files",
]

PROFILES = ("terminal", "vscode", "jetbrains")

#: The model of a Linux desktop session (GoLand without shell loading); not a profile of
#: the user's shell, since it always runs ``DESKTOP_SHELL``.
DESKTOP = "desktop"

#: The four ways a shell can start, named for what they are rather than who starts
#: them (``ideaudit.shell.startup_files`` captures all four to explain a divergence).
VARIANTS = ("login-interactive", "login", "interactive", "plain")

#: The shell a display manager runs the session start-up with (Xsession is ``#!/bin/sh``).
DESKTOP_SHELL = "/bin/sh"

#: The variable each IDE sets in the child so rc files can tell they are being read.
MARKERS: Mapping[str, tuple[str, str]] = {
    "vscode": ("VSCODE_RESOLVING_ENVIRONMENT", "1"),
    "jetbrains": ("INTELLIJ_ENVIRONMENT_READER", "true"),
}

#: How long each IDE waits before giving up.
#: (VS Code: ``application.shellEnvironmentResolutionTimeout``, IntelliJ: 20 s.)
DEFAULT_TIMEOUTS: Mapping[str, float] = {
    "terminal": 10.0,
    "vscode": 10.0,
    "jetbrains": 20.0,
    "desktop": 10.0,
}

#: Variables that are shell noise, not configuration: never part of a snapshot.
NOISE = frozenset({"_", "SHLVL", "PWD", "OLDPWD"})
ALL_MARKERS = frozenset(name for name, _ in MARKERS.values())

#: PATH a GUI session has before any shell runs.  Linux: the default of systemd and of
#: ``ENV_SUPATH`` in ``/etc/login.defs``; macOS: launchd's default.  Deliberately a
#: constant (not read from login.defs/pam) so results do not depend on the machine's PAM
#: setup; rules compare what the rc files add to it.
SESSION_PATH = (
    "/usr/bin:/bin:/usr/sbin:/sbin"
    if sys.platform == "darwin"
    else "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
)

#: Variables a graphical session hands every program it starts, kept from ``inherit``.
_SESSION_KEEP = frozenset(
    {
        "LANG",
        "LANGUAGE",
        "TZ",
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "XDG_RUNTIME_DIR",
        "DBUS_SESSION_BUS_ADDRESS",
    }
)

_POSIX_SHELLS = frozenset(
    {"sh", "dash", "ash", "ksh", "ksh93", "mksh", "pdksh", "oksh", "yash", "posh", "busybox"}
)


# --------------------------------------------------------------------------- argv


def shell_kind(shell: str) -> str:
    """The family of a shell path: bash, zsh, fish, csh, sh, pwsh, nu, xonsh or other."""
    name = os.path.basename(shell).lstrip("-").lower()
    name = name.removesuffix(".exe")
    if name in ("bash", "zsh", "fish", "nu", "xonsh"):
        return name
    if name in ("tcsh", "csh"):
        return "csh"
    if re.fullmatch(r"(pwsh|powershell)(-preview)?", name):
        return "pwsh"
    if name in _POSIX_SHELLS:
        return "sh"
    return "other"


def _flags(kind: str, profile: str, macos: bool) -> list[str]:
    if profile == "vscode":
        if kind == "csh":
            return ["-i", "-c"]
        if kind == "pwsh":
            return ["-Login", "-Command"]
        return ["-i", "-l", "-c"]
    if profile == "jetbrains":
        if kind == "csh":
            return ["-i", "-c"]
        if kind == "fish":
            return ["-l", "-c"]
        return ["-l", "-i", "-c"]
    if profile == "desktop":
        return ["-l", "-c"]
    if profile == "terminal":
        if kind == "pwsh":
            return ["-Login", "-Command"] if macos else ["-Command"]
        if kind in ("csh", "sh") or not macos:
            return ["-i", "-c"]
        return ["-i", "-l", "-c"]
    if profile in VARIANTS:
        login, interactive = profile.startswith("login"), "interactive" in profile
        if kind == "pwsh":
            return [*(["-Login"] if login else []), "-Command"]
        if kind == "csh":  # csh/tcsh take -l only as their sole argument
            return ["-i", "-c"] if interactive else ["-c"]
        return [*(["-i"] if interactive else []), *(["-l"] if login else []), "-c"]
    raise ValueError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")


def shell_argv(shell: str, profile: str, command: str) -> list[str]:
    """The argv an IDE (or the terminal, for ``profile="terminal"``) starts ``shell`` with."""
    return [shell, *_flags(shell_kind(shell), profile, sys.platform == "darwin"), command]


def mode(shell: str, profile: str) -> tuple[bool, bool]:
    """(login, interactive) for that shell in that profile, read off the argv."""
    flags = _flags(shell_kind(shell), profile, sys.platform == "darwin")
    return ("-l" in flags or "-Login" in flags), "-i" in flags


# --------------------------------------------------------------------------- environment


def default_shell() -> str:
    """The user's shell as the IDEs pick it: ``$SHELL``, the passwd entry, ``/bin/sh``."""
    shell = os.environ.get("SHELL")
    if shell:
        return shell
    try:
        import pwd

        entry = pwd.getpwuid(os.getuid()).pw_shell
    except (ImportError, KeyError, OSError):
        entry = ""
    return entry or "/bin/sh"


def _user_name() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError):
        return ""


def session_base_env(
    home: str,
    shell: str,
    user: str | None = None,
    inherit: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment a GUI session gives an IDE before any shell runs.

    Not ideaudit's own ``os.environ``: started from a terminal, that already holds what
    the rc files did, which would hide exactly the problems we look for.  Kept from
    ``inherit`` (default ``os.environ``): locale (``LANG``, ``LANGUAGE``, ``LC_*``),
    ``TZ``, ``DISPLAY``, ``WAYLAND_DISPLAY``, ``XDG_RUNTIME_DIR``,
    ``DBUS_SESSION_BUS_ADDRESS``.  Set: ``HOME=home``, ``SHELL=shell``, ``USER`` and
    ``LOGNAME``, ``PATH=SESSION_PATH``.  Everything else, notably ``ZDOTDIR`` and
    ``XDG_CONFIG_HOME``, is left out so that a fake ``home`` is hermetic.
    """
    src = os.environ if inherit is None else inherit
    env = {k: v for k, v in src.items() if k in _SESSION_KEEP or k.startswith("LC_")}
    name = user or src.get("USER") or src.get("LOGNAME") or _user_name()
    if name:
        env["USER"] = name
        env["LOGNAME"] = name
    env["HOME"] = home
    env["SHELL"] = shell
    env["PATH"] = SESSION_PATH
    return env


# --------------------------------------------------------------------------- start-up files


def dir_files(directory: str, suffix: str = "") -> list[str]:
    """Sorted paths of the non-hidden entries of ``directory`` ending in ``suffix``.

    What ``for f in dir/*.sh`` in ``/etc/profile`` (or fish's conf.d loop) iterates
    over; os.listdir is several times cheaper than glob here, and this runs on every
    cache lookup.
    """
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    return [os.path.join(directory, n) for n in sorted(names) if n.endswith(suffix) and not n.startswith(".")]


def fish_dirs(shell: str, home: str, env: Mapping[str, str]) -> tuple[str, str, str]:
    """(data dir, sysconf dir, user config dir) of a fish installation."""
    import shutil

    real = os.path.realpath(shell) if os.path.isabs(shell) else (shutil.which(shell) or shell)
    prefix = os.path.dirname(os.path.dirname(real)) or "/usr"
    data = os.path.join(prefix, "share", "fish")
    sysconf = "/etc/fish" if prefix in ("/usr", "/") else os.path.join(prefix, "etc", "fish")
    config = os.path.join(env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"), "fish")
    return data, sysconf, config


def fish_confd_dirs(shell: str, home: str, env: Mapping[str, str]) -> list[str]:
    data, sysconf, config = fish_dirs(shell, home, env)
    user_data = os.path.join(env.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share"), "fish")
    dirs = [os.path.join(config, "conf.d"), os.path.join(sysconf, "conf.d")]
    dirs.append(os.path.join(user_data, "vendor_conf.d"))
    xdg_data = env.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    for d in xdg_data.split(":"):
        if d:
            dirs.append(os.path.join(d, "fish", "vendor_conf.d"))
    extra = os.path.join(data, "vendor_conf.d")
    if extra not in dirs:
        dirs.append(extra)
    return dirs


def _system_zsh_dir() -> str:
    return "/etc/zsh" if os.path.isdir("/etc/zsh") else "/etc"


def startup_files(shell: str, home: str, profile: str, env: Mapping[str, str]) -> list[str]:
    """The files ``shell`` reads when started in ``profile``, in the order it reads them.

    Candidates are listed whether they exist or not (bash login reads only the first of
    ``~/.bash_profile``, ``~/.bash_login``, ``~/.profile``, but all three are listed);
    directories of snippets (``/etc/profile.d``, fish ``conf.d``) are expanded to the
    files they hold now.  ``env`` is the environment the shell starts with (``ZDOTDIR``,
    ``XDG_CONFIG_HOME``, ``ENV`` are honoured).
    """
    kind = shell_kind(shell)
    login, interactive = mode(shell, profile)
    h = home.rstrip("/") or "/"

    def at_home(name: str) -> str:
        return os.path.join(h, name)

    files: list[str] = []
    if kind == "bash":
        if login:
            files += ["/etc/profile", *dir_files("/etc/profile.d", ".sh")]
            files += [at_home(".bash_profile"), at_home(".bash_login"), at_home(".profile")]
        elif interactive:
            if sys.platform != "darwin":
                files.append("/etc/bash.bashrc")
            files.append(at_home(".bashrc"))
    elif kind == "zsh":
        sysdir = _system_zsh_dir()
        zdot = (env.get("ZDOTDIR") or h).rstrip("/") or "/"
        files += [os.path.join(sysdir, "zshenv"), os.path.join(zdot, ".zshenv")]
        if login:
            files += [os.path.join(sysdir, "zprofile"), os.path.join(zdot, ".zprofile")]
        if interactive:
            files += [os.path.join(sysdir, "zshrc"), os.path.join(zdot, ".zshrc")]
        if login:
            files += [os.path.join(sysdir, "zlogin"), os.path.join(zdot, ".zlogin")]
    elif kind == "fish":
        data, sysconf, config = fish_dirs(shell, home, env)
        files.append(os.path.join(config, "fish_variables"))
        files.append(os.path.join(data, "config.fish"))
        for d in fish_confd_dirs(shell, home, env):
            files += dir_files(d, ".fish")
        files += [os.path.join(sysconf, "config.fish"), os.path.join(config, "config.fish")]
    elif kind == "sh":
        if login:
            files += ["/etc/profile", *dir_files("/etc/profile.d", ".sh"), at_home(".profile")]
        if interactive and env.get("ENV"):
            files.append(env["ENV"])
    elif kind == "csh":
        files += ["/etc/csh.cshrc", *dir_files("/etc/csh/cshrc.d")]
        if login:
            files += ["/etc/csh.login", *dir_files("/etc/csh/login.d")]
        if os.path.basename(shell).lstrip("-") != "csh":
            files.append(at_home(".tcshrc"))
        files.append(at_home(".cshrc"))
        if login:
            files.append(at_home(".login"))
    elif kind == "pwsh":
        if login:
            files += ["/etc/profile", at_home(".profile")]
        conf = os.path.join(env.get("XDG_CONFIG_HOME") or at_home(".config"), "powershell")
        files += [
            os.path.join(conf, "profile.ps1"),
            os.path.join(conf, "Microsoft.PowerShell_profile.ps1"),
        ]
    return files

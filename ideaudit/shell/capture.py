"""Capture the environment a shell start-up produces, the way an IDE does it.

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

``CMD`` is ``exec '/usr/bin/env' -0 > 'TMPFILE'``: the environment is read from a file,
never from stdout, so rc files that print banners cannot corrupt it.  ``exec`` spares a
fork; bash and zsh already exec the last simple command of ``-c``, which is what the real
IDE command (``node -p ...``) gets, so no logout file runs either way.

The shell runs in a new session with stdin on ``/dev/null``, as the IDEs start it.  On
timeout the whole process group and then every other process left in that session is
killed with SIGKILL, so an rc file doing ``sleep 60`` leaves nothing behind.  When the
shell has exited but something it started in the background still holds stdout/stderr
open (which would make VS Code wait for its timeout), we wait a short grace period and
then kill what is left in the session too.  What left the session (``setsid agent &``)
or was double-forked is adopted and killed by :mod:`ideaudit.shell.reaper` when the
wave of captures ends: a scan leaves no process behind.

Results are cached as JSON under ``cache_dir/shell/``; the key covers the shell, profile,
HOME, the base environment and the stat (mtime, size) of the shell's start-up files.
Files that rc files ``source`` on their own (``~/.aliases``, nvm, ...) are not covered:
use ``refresh=True`` after editing those.  The cache holds your environment, which may
contain secrets, so files are created 0600 in a 0700 directory.

Imports stay light: ``platformdirs`` and the process control (:mod:`reaper`, with
ctypes and threading) are imported inside the functions that need them.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ideaudit._fast.lazyre import lazy_re
from ideaudit.model import ShellSnapshot

# subprocess, selectors, signal, tempfile and shutil are imported inside the functions
# that start or kill a shell: a warm scan hits the snapshot cache and needs none of them
# (together ~10 ms of start-up).

__all__ = [
    "DEFAULT_TIMEOUTS",
    "DESKTOP",
    "DESKTOP_SHELL",
    "MARKERS",
    "NOISE",
    "PROFILES",
    "SESSION_PATH",
    "VARIANTS",
    "capture",
    "capture_many",
    "default_cache_dir",
    "default_shell",
    "run_all",
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
_ALL_MARKERS = frozenset(name for name, _ in MARKERS.values())

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

_CACHE_VERSION = 2
#: After the shell exits, how long background processes may keep its stdout/stderr open.
_PIPE_GRACE = 0.2
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_./+,:@%-]+$")
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


def _mode(shell: str, profile: str) -> tuple[bool, bool]:
    """(login, interactive) for that shell in that profile, read off the argv."""
    flags = _flags(shell_kind(shell), profile, sys.platform == "darwin")
    return ("-l" in flags or "-Login" in flags), "-i" in flags


def _dump_command(kind: str, env_bin: str, out: str, fd: int | None = None) -> str:
    """The command that writes ``env -0`` to ``out``, in the syntax of that shell.

    Both paths are restricted to characters that need no quoting beyond ``'...'`` in
    every shell we know (see ``_SAFE_PATH``), so one quoting works for all of them.
    """
    # The file exists already (mkstemp), so use the operator that writes even when an rc
    # file set noclobber: ``>|`` (POSIX), ``>!`` (csh); fish has no noclobber for ``>``.
    target = f">&{fd}" if fd is not None else f">| '{out}'"
    if kind == "bash":
        # A builtin, so the capture adds no process to the start-up it measures: exec'ing
        # env costs ~1.2 ms, a sixth of a light bash start-up.  Parsed by _parse_declare.
        return f"builtin declare -px {target}"
    if kind in ("zsh", "sh"):
        return f"exec '{env_bin}' -0 {target}"
    if kind == "csh":
        return f"exec '{env_bin}' -0 >! '{out}'"
    if kind == "fish" and fd is not None:
        return f"exec '{env_bin}' -0 >&{fd}"
    if kind in ("fish", "other"):
        return f"exec '{env_bin}' -0 > '{out}'"
    inner = f"exec '{env_bin}' -0 >| '{out}'"
    if kind == "pwsh":
        return f"& '/bin/sh' -c \"{inner}\""
    if kind == "nu":
        return f'^/bin/sh -c "{inner}"'
    return f'/bin/sh -c "{inner}"'  # xonsh


@functools.lru_cache(maxsize=1)
def _env_binary() -> str:
    # A PATH walk by hand rather than shutil.which: shutil (with bz2, lzma, fnmatch)
    # is a few ms of a cold scan's start-up, for four lines.
    found = "/usr/bin/env"
    for d in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(d or ".", "env")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            found = candidate
            break
    found = os.path.abspath(found)
    return found if _SAFE_PATH.match(found) else "/usr/bin/env"


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


def default_cache_dir() -> str:
    """The user cache folder, as ``platformdirs.user_cache_dir("ideaudit")`` gives it.

    Written out for Linux and macOS because importing platformdirs costs ~40 ms here
    (typing, tempfile, random...), a third of a warm scan, for two lines of logic;
    elsewhere platformdirs answers."""
    if sys.platform == "darwin":
        return os.path.join(os.path.expanduser("~"), "Library", "Caches", "ideaudit")
    if os.name == "posix":
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        return os.path.join(xdg or os.path.expanduser("~/.cache"), "ideaudit")
    import platformdirs

    return str(platformdirs.user_cache_dir("ideaudit"))


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


def _dir_files(directory: str, suffix: str = "") -> list[str]:
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


def _fish_dirs(shell: str, home: str, env: Mapping[str, str]) -> tuple[str, str, str]:
    """(data dir, sysconf dir, user config dir) of a fish installation."""
    import shutil

    real = os.path.realpath(shell) if os.path.isabs(shell) else (shutil.which(shell) or shell)
    prefix = os.path.dirname(os.path.dirname(real)) or "/usr"
    data = os.path.join(prefix, "share", "fish")
    sysconf = "/etc/fish" if prefix in ("/usr", "/") else os.path.join(prefix, "etc", "fish")
    config = os.path.join(env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"), "fish")
    return data, sysconf, config


def _fish_confd_dirs(shell: str, home: str, env: Mapping[str, str]) -> list[str]:
    data, sysconf, config = _fish_dirs(shell, home, env)
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
    login, interactive = _mode(shell, profile)
    h = home.rstrip("/") or "/"

    def at_home(name: str) -> str:
        return os.path.join(h, name)

    files: list[str] = []
    if kind == "bash":
        if login:
            files += ["/etc/profile", *_dir_files("/etc/profile.d", ".sh")]
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
        data, sysconf, config = _fish_dirs(shell, home, env)
        files.append(os.path.join(config, "fish_variables"))
        files.append(os.path.join(data, "config.fish"))
        for d in _fish_confd_dirs(shell, home, env):
            files += _dir_files(d, ".fish")
        files += [os.path.join(sysconf, "config.fish"), os.path.join(config, "config.fish")]
    elif kind == "sh":
        if login:
            files += ["/etc/profile", *_dir_files("/etc/profile.d", ".sh"), at_home(".profile")]
        if interactive and env.get("ENV"):
            files.append(env["ENV"])
    elif kind == "csh":
        files += ["/etc/csh.cshrc", *_dir_files("/etc/csh/cshrc.d")]
        if login:
            files += ["/etc/csh.login", *_dir_files("/etc/csh/login.d")]
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


def _cache_inputs(shell: str, home: str, env: Mapping[str, str]) -> list[str]:
    """Every file whose change must invalidate a cached snapshot of ``shell``.

    The start-up files of *all* profiles (a ``~/.bash_profile`` that sources
    ``~/.bashrc`` is common, and the login snapshot must notice an edit to ``~/.bashrc``),
    the snippet directories themselves (their mtime changes when a file is added) and a
    few files rc files conventionally source.
    """
    kind = shell_kind(shell)
    seen: dict[str, None] = {}
    for profile in PROFILES:
        for f in startup_files(shell, home, profile, env):
            seen[f] = None
    extra: list[str] = []
    if kind in ("bash", "sh", "zsh", "other"):
        extra += ["/etc/profile.d", "/etc/bash.bashrc", os.path.join(home, ".bashrc")]
        extra += [os.path.join(home, ".bash_aliases"), os.path.join(home, ".profile")]
    if kind == "fish":
        extra += _fish_confd_dirs(shell, home, env)
    if kind == "csh":
        extra += ["/etc/csh/cshrc.d", "/etc/csh/login.d"]
    for f in extra:
        seen[f] = None
    return list(seen)


# --------------------------------------------------------------------------- cache


def _stat_entry(path: str) -> list[Any]:
    try:
        st = os.stat(path)
    except OSError:
        return [path, "absent"]
    return [path, st.st_mtime_ns, st.st_size]


def _cache_key(
    shell_path: str, profile: str, home: str, base_env: Mapping[str, str], files: Iterable[str]
) -> str:
    # Joined with NUL (which no path, name or value can hold) rather than json.dumps:
    # this runs on every capture and the JSON encoding was a third of its own cost.
    real = os.path.realpath(shell_path)
    parts = [f"v{_CACHE_VERSION}", real, repr(_stat_entry(real)[1:]), profile, home]
    parts += [f"{k}={v}" for k, v in sorted(base_env.items())]
    parts += [repr(_stat_entry(f)) for f in files]
    return _sha256_hex("\0".join(parts).encode("utf-8", "surrogateescape"))


def _sha256_hex(blob: bytes) -> str:
    """sha256 from the builtin ``_sha256`` module when there is one: ``hashlib`` loads
    OpenSSL's ``_hashlib`` (~5 ms of start-up on every scan) for the same digest."""
    import importlib

    try:
        module: Any = importlib.import_module("_sha256")
    except ImportError:
        module = importlib.import_module("hashlib")
    return str(module.sha256(blob).hexdigest())


def _snapshot_to_json(snap: ShellSnapshot) -> dict[str, Any]:
    return {
        "v": _CACHE_VERSION,
        "shell": snap.shell,
        "profile": snap.profile,
        "argv": list(snap.argv),
        "env": dict(snap.env),
        "duration": snap.duration,
        "exit_status": snap.exit_status,
        "stdout_bytes": snap.stdout_bytes,
        "stderr_bytes": snap.stderr_bytes,
        "startup_files": list(snap.startup_files),
    }


def _snapshot_from_json(data: Any) -> ShellSnapshot | None:
    try:
        if not isinstance(data, dict) or data.get("v") != _CACHE_VERSION:
            return None
        env = data["env"]
        if not isinstance(env, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in env.items()
        ):
            return None
        status = data["exit_status"]
        return ShellSnapshot(
            shell=str(data["shell"]),
            profile=str(data["profile"]),
            argv=tuple(str(a) for a in data["argv"]),
            env=env,
            duration=float(data["duration"]),
            exit_status=None if status is None else int(status),
            stdout_bytes=int(data["stdout_bytes"]),
            stderr_bytes=int(data["stderr_bytes"]),
            cached=True,
            startup_files=tuple(str(f) for f in data["startup_files"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _cache_read(path: str) -> ShellSnapshot | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return _snapshot_from_json(json.load(fh))
    except (OSError, ValueError):
        return None


def _same_result(a: ShellSnapshot, b: ShellSnapshot) -> bool:
    """Whether two snapshots differ at most in timing and dump file name (then a refresh
    need not rewrite: renaming over a file makes ext4 flush it, ~1-2 ms, a third of a
    bash start-up)."""
    ja, jb = _snapshot_to_json(a), _snapshot_to_json(b)
    for key in ("duration", "argv"):  # argv holds the name of the (random) dump file
        ja.pop(key)
        jb.pop(key)
    return ja == jb


def _cache_write(directory: str, path: str, snap: ShellSnapshot) -> None:
    """Write atomically (temp file + ``os.replace``); a cache that cannot be written is no error.

    The temporary file is made like ``mkstemp`` does (O_EXCL, 0600, a random name)
    without importing tempfile and random, a few ms of a cold scan's start-up."""
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        tmp = os.path.join(directory, f".tmp-{os.urandom(6).hex()}.json")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(_snapshot_to_json(snap), fh, ensure_ascii=True)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


# --------------------------------------------------------------------------- running


_DECLARE = lazy_re(r"(?:declare -[A-Za-z]*|export) ([A-Za-z_][A-Za-z0-9_]*)")
_C_ESCAPES = {
    "a": 7, "b": 8, "e": 27, "E": 27, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11,
    "\\": 92, "'": 39, '"': 34, "?": 63,
}  # fmt: skip


def _parse_declare(data: bytes) -> dict[str, str] | None:
    """The environment from bash's ``declare -px`` (None when it is not that).

    Hand-written because no library reads bash's output: ``declare -x NAME="v"`` with
    ``\\ \" \\$ \\``` escaped, ``declare -x NAME=$'...'`` (ANSI-C quoting, used for
    newlines, control and non-ASCII bytes), ``declare -x NAME`` (exported, no value:
    not in the environment), and ``export NAME=...`` in POSIX mode.
    """
    text = data.decode("utf-8", "surrogateescape")
    env: dict[str, str] = {}
    pos, end = 0, len(text)
    while pos < end:
        m = _DECLARE.match(text, pos)
        if m is None:
            return None
        pos = m.end()
        if pos < end and text[pos] == "=":
            parsed = _bash_word(text, pos + 1)
            if parsed is None:
                return None
            value, pos = parsed
            if not text.startswith(("declare -a", "declare -A"), m.start()):
                env[m.group(1)] = value
        if pos < end:
            if text[pos] != "\n":
                return None
            pos += 1
    return env


def _bash_word(text: str, pos: int) -> tuple[str, int] | None:
    if text.startswith('"', pos):
        out: list[str] = []
        i = pos + 1
        while i < len(text):
            ch = text[i]
            if ch == '"':
                return "".join(out), i + 1
            if ch == "\\" and i + 1 < len(text) and text[i + 1] in '"\\$`':
                out.append(text[i + 1])
                i += 2
                continue
            out.append(ch)
            i += 1
        return None
    if text.startswith("$'", pos):
        raw = bytearray()
        i = pos + 2
        while i < len(text):
            ch = text[i]
            if ch == "'":
                return raw.decode("utf-8", "surrogateescape"), i + 1
            if ch != "\\" or i + 1 >= len(text):
                raw += ch.encode("utf-8", "surrogateescape")
                i += 1
                continue
            nxt = text[i + 1]
            if nxt in _C_ESCAPES:
                raw.append(_C_ESCAPES[nxt])
                i += 2
            elif nxt in "01234567":
                j = i + 1
                while j < min(i + 4, len(text)) and text[j] in "01234567":
                    j += 1
                raw.append(int(text[i + 1 : j], 8) & 0xFF)
                i = j
            elif nxt in "xuU":
                width = {"x": 2, "u": 4, "U": 8}[nxt]
                j = i + 2
                while j < min(i + 2 + width, len(text)) and text[j] in "0123456789abcdefABCDEF":
                    j += 1
                if j == i + 2:
                    raw += text[i : i + 2].encode()
                else:
                    code = int(text[i + 2 : j], 16)
                    raw += bytes([code]) if nxt == "x" else chr(code).encode("utf-8", "surrogatepass")
                i = j
            elif nxt == "c" and i + 2 < len(text):
                raw.append(ord(text[i + 2]) & 0x1F)
                i += 3
            else:
                raw += text[i : i + 2].encode("utf-8", "surrogateescape")
                i += 2
        return None
    # Unquoted (bash never prints it, but POSIX-mode output could): up to the line end.
    stop = text.find("\n", pos)
    stop = len(text) if stop < 0 else stop
    return text[pos:stop], stop


def _parse_nul_env(data: bytes) -> dict[str, str]:
    env: dict[str, str] = {}
    for entry in data.split(b"\0"):
        key, sep, value = entry.partition(b"=")
        if not sep or not key:
            continue
        env[key.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
    return env


def _run(
    argv: list[str],
    env: Mapping[str, str],
    cwd: str | None,
    timeout: float,
    t0: float,
    dump_pipe: tuple[int, int] | None = None,
    keep_stderr: bool = False,
) -> tuple[int | None, bool, int, int, bytes]:
    """Run ``argv``; return (exit status, timed out, stdout bytes, stderr bytes).

    Reads both pipes and watches the process (via a pidfd where Linux has one) with one
    selector, so neither a chatty rc file nor a background process that keeps the
    pipes open can hold us past the deadline.
    """
    from ideaudit.shell import reaper

    with reaper.adopting():
        return _run_adopted(argv, env, cwd, timeout, t0, dump_pipe, keep_stderr)


def _run_adopted(
    argv: list[str],
    env: Mapping[str, str],
    cwd: str | None,
    timeout: float,
    t0: float,
    dump_pipe: tuple[int, int] | None,
    keep_stderr: bool,
) -> tuple[int | None, bool, int, int, bytes]:
    import selectors
    import subprocess

    from ideaudit.shell import reaper

    proc = reaper.spawn(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(env),
        cwd=cwd,
        start_new_session=True,
        pass_fds=(dump_pipe[1],) if dump_pipe else (),
    )
    dump = bytearray()
    dump_fd = -1
    if dump_pipe is not None:
        os.close(dump_pipe[1])  # the child has it; our copy would keep the pipe open
        dump_fd = dump_pipe[0]
    deadline = t0 + timeout
    assert proc.stdout is not None and proc.stderr is not None
    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    counts = {out_fd: 0, err_fd: 0}
    if dump_fd >= 0:
        counts[dump_fd] = 0
    sel = selectors.DefaultSelector()
    pidfd: int | None = None
    open_fds = set(counts)

    def drain(fd: int) -> None:
        """Read what ``fd`` has now; forget it at end of file."""
        nonlocal dump
        while True:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                if fd in open_fds:
                    open_fds.discard(fd)
                    with contextlib.suppress(KeyError, ValueError):
                        sel.unregister(fd)
                return
            counts[fd] += len(chunk)
            if fd == dump_fd or (keep_stderr and fd == err_fd):
                dump += chunk

    try:
        for fd in counts:
            os.set_blocking(fd, False)
        if hasattr(os, "pidfd_open"):
            try:
                pidfd = os.pidfd_open(proc.pid)
                sel.register(pidfd, selectors.EVENT_READ)
            except OSError:
                pidfd = None
        # While the shell runs, wake for its exit (pidfd) and drain the pipes every
        # 50 ms: an interactive shell writes its noise in dozens of tiny chunks, and a
        # wake-up per chunk cost more than the capture's own work.  Without a pidfd the
        # pipes wake us as before.
        watching_pipes = pidfd is None
        if watching_pipes:
            for fd in counts:
                sel.register(fd, selectors.EVENT_READ)
        exited_at: float | None = None
        while True:
            now = time.perf_counter()
            if exited_at is None and proc.poll() is not None:
                exited_at = now
                for fd in list(open_fds):
                    drain(fd)
                if not watching_pipes:
                    for fd in open_fds:
                        sel.register(fd, selectors.EVENT_READ)
                    watching_pipes = True
            if exited_at is not None and not open_fds:
                break
            limit = deadline if exited_at is None else min(deadline, exited_at + _PIPE_GRACE)
            if now >= limit:
                break
            wait = limit - now
            if exited_at is None:
                wait = min(wait, 0.05 if pidfd is not None else 0.01)
            events = sel.select(wait)
            for key, _ in events:
                fd = int(key.fd)
                if fd == pidfd:
                    sel.unregister(fd)
                    continue
                drain(fd)
            if exited_at is None and not watching_pipes:
                for fd in list(open_fds):
                    drain(fd)
        timed_out = proc.returncode is None
        # Timed out, or the shell left something behind that holds our pipes: kill its
        # session now.  What left the session is adopted and killed by the reaper.
        reaper.finish(proc, kill=timed_out or bool(open_fds))
    finally:
        if proc.returncode is None:  # an unexpected error above: leave nothing running
            reaper.finish(proc, kill=True)
        sel.close()
        if pidfd is not None:
            os.close(pidfd)
        proc.stdout.close()
        proc.stderr.close()
        if dump_fd >= 0:
            os.close(dump_fd)
    return proc.returncode, timed_out, counts[out_fd], counts[err_fd], bytes(dump)


def _resolve_shell(shell: str, path: str | None) -> str | None:
    if os.sep in shell:
        return shell if os.path.exists(shell) else None
    import shutil  # only for a bare name: shutil (with bz2, lzma) costs ~7 ms of start-up

    return shutil.which(shell, path=path) or shutil.which(shell)


@functools.lru_cache(maxsize=1)
def _dump_dir() -> str:
    """Where the shell writes its dump: a tmpfs when there is one (creating a file on a
    journalling file system costs more than half a millisecond, a tenth of a bash
    start-up), else the temp dir.  The file itself is made by ``mkstemp`` (0600,
    unpredictable name, O_EXCL), so a world-writable directory is safe.
    """
    import tempfile

    candidates = [os.environ.get("XDG_RUNTIME_DIR") or "", "/dev/shm", tempfile.gettempdir()]
    for d in candidates:
        if d and _SAFE_PATH.match(d) and os.path.isdir(d) and os.access(d, os.W_OK | os.X_OK):
            return d
    return "/tmp"


def _describe_failure(status: int | None) -> str:
    import signal

    if status is not None and status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        return f"was killed by {name} and produced no environment"
    return f"exited with status {status} and produced no environment"


def capture(
    shell: str,
    home: str,
    profile: str,
    *,
    timeout: float | None = None,
    base_env: Mapping[str, str] | None = None,
    cache_dir: str | None = None,
    refresh: bool = False,
) -> ShellSnapshot:
    """Start ``shell`` as ``profile`` does with HOME=``home`` and capture its environment.

    ``timeout`` defaults to what that IDE waits (``DEFAULT_TIMEOUTS``); ``base_env`` to
    ``session_base_env(home, shell)``.  Never raises for a broken shell or rc file: the
    snapshot's ``error``/``timed_out`` say what went wrong (``ok`` is False then).
    """
    snap = _capture(shell, home, profile, timeout, base_env, cache_dir, refresh, cache_only=False)
    assert snap is not None  # only cache_only=True returns None
    return snap


def cached_snapshot(
    shell: str,
    home: str,
    profile: str,
    *,
    base_env: Mapping[str, str] | None = None,
    cache_dir: str | None = None,
) -> ShellSnapshot | None:
    """The cached snapshot :func:`capture` would return, or None: starts no process.

    Lets a scan take every cached snapshot on its main thread and start threads (and
    shells) only for the ones that are missing."""
    return _capture(shell, home, profile, None, base_env, cache_dir, False, cache_only=True)


def _capture(
    shell: str,
    home: str,
    profile: str,
    timeout: float | None,
    base_env: Mapping[str, str] | None,
    cache_dir: str | None,
    refresh: bool,
    *,
    cache_only: bool,
) -> ShellSnapshot | None:
    if profile not in PROFILES and profile not in VARIANTS and profile != DESKTOP:
        raise ValueError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
    if timeout is None:
        timeout = DEFAULT_TIMEOUTS.get(profile, 10.0)
    if profile == "desktop":
        shell = DESKTOP_SHELL
    t0 = time.perf_counter()
    base = dict(session_base_env(home, shell) if base_env is None else base_env)
    files = startup_files(shell, home, profile, base)
    resolved = _resolve_shell(shell, base.get("PATH"))
    if resolved is None:
        return ShellSnapshot(
            shell=shell,
            profile=profile,
            argv=tuple(shell_argv(shell, profile, "")[:-1]),
            env={},
            duration=time.perf_counter() - t0,
            exit_status=None,
            error=f"shell not found: {shell}",
            startup_files=tuple(files),
        )

    cache_file: str | None = None
    cache_sub: str | None = None
    if cache_dir is None:
        cache_dir = default_cache_dir()
    if cache_dir:
        cache_sub = os.path.join(cache_dir, "shell")
        key = _cache_key(resolved, profile, home, base, _cache_inputs(shell, home, base))
        cache_file = os.path.join(cache_sub, key + ".json")
        if not refresh:
            hit = _cache_read(cache_file)
            if hit is not None:
                return hit
    if cache_only:
        return None

    kind = shell_kind(shell)
    # bash, zsh, sh and fish write the dump into a pipe we read as they exit (no file to
    # make, fill and delete); csh and others write to a temp file.
    pipe: tuple[int, int] | None = None
    if kind in ("bash", "zsh", "sh", "fish"):
        pipe = os.pipe()
        if pipe[1] >= 10:  # zsh keeps fds 10 and up for itself
            os.close(pipe[0])
            os.close(pipe[1])
            pipe = None
    try:
        if pipe is not None:
            out_fd, out = -1, ""
        else:
            import tempfile

            out_fd, out = tempfile.mkstemp(prefix="ideaudit-env-", dir=_dump_dir())
    except OSError as exc:
        return ShellSnapshot(
            shell=shell,
            profile=profile,
            argv=tuple(shell_argv(shell, profile, "")[:-1]),
            env={},
            duration=time.perf_counter() - t0,
            exit_status=None,
            error=f"cannot create a temporary file: {exc.strerror or exc}",
            startup_files=tuple(files),
        )
    argv = shell_argv(
        shell, profile, _dump_command(kind, _env_binary(), out, pipe[1] if pipe is not None else None)
    )
    child_env = dict(base)
    if profile in MARKERS:
        name, value = MARKERS[profile]
        child_env[name] = value
    cwd = home if os.path.isdir(home) else None
    t0 = time.perf_counter()
    error: str | None = None
    status: int | None = None
    timed_out = False
    n_out = n_err = 0
    env: dict[str, str] = {}
    try:
        try:
            status, timed_out, n_out, n_err, piped = _run(
                [resolved, *argv[1:]], child_env, cwd, timeout, t0, pipe
            )
            pipe = None  # _run closed both ends
        except FileNotFoundError:
            error = f"shell not found: {shell}"
        except PermissionError:
            error = f"shell not executable: {shell}"
        except OSError as exc:
            error = f"cannot start {shell}: {exc.strerror or exc}"
        if error is None:
            if timed_out:
                error = f"timed out after {timeout:.1f} s"
            else:
                data = piped
                if out_fd >= 0:
                    try:
                        with os.fdopen(out_fd, "rb", closefd=False) as fh:
                            data = fh.read()
                    except OSError:
                        data = b""
                parsed = _parse_declare(data) if data.startswith((b"declare -", b"export ")) else None
                env = parsed if parsed is not None else _parse_nul_env(data)
                if not env:
                    error = _describe_failure(status)
    finally:
        if out_fd >= 0:
            os.close(out_fd)
            with contextlib.suppress(OSError):
                os.unlink(out)
        if pipe is not None:  # _run never started: close what it would have
            for fd in pipe:
                with contextlib.suppress(OSError):
                    os.close(fd)
    duration = time.perf_counter() - t0

    for name in NOISE | _ALL_MARKERS:
        env.pop(name, None)
    # fish exports _FISH_WARNED_<dir> when it could not create one of its own folders
    # (two fish starting at once on a new $HOME race for ~/.local/share/fish): a note to
    # itself, not configuration.
    for name in [n for n in env if n.startswith("_FISH_WARNED")]:
        del env[name]
    snap = ShellSnapshot(
        shell=shell,
        profile=profile,
        argv=tuple(argv),
        env=env,
        duration=duration,
        exit_status=status,
        timed_out=timed_out,
        stdout_bytes=n_out,
        stderr_bytes=n_err,
        error=error,
        startup_files=tuple(files),
    )
    if cache_file is not None and cache_sub is not None and snap.ok:
        old = _cache_read(cache_file) if refresh else None
        if old is None or not _same_result(old, snap):
            _cache_write(cache_sub, cache_file, snap)
    return snap


def capture_many(
    shell: str,
    home: str,
    profiles: Sequence[str],
    *,
    timeout: float | None = None,
    base_env: Mapping[str, str] | None = None,
    cache_dir: str | None = None,
    refresh: bool = False,
) -> dict[str, ShellSnapshot]:
    """:func:`capture` for several profiles: cached ones on this thread (a warm scan
    starts no thread and no shell), missing ones in parallel.  Plain threads, not
    concurrent.futures, whose import (logging, traceback) costs ~10 ms of start-up."""
    results: dict[str, ShellSnapshot] = {}
    if not refresh:
        for p in profiles:
            hit = cached_snapshot(shell, home, p, base_env=base_env, cache_dir=cache_dir)
            if hit is not None:
                results[p] = hit

    def run(profile: str) -> None:
        results[profile] = capture(
            shell, home, profile, timeout=timeout, base_env=base_env, cache_dir=cache_dir, refresh=refresh
        )

    missing = [p for p in profiles if p not in results]
    if missing:
        from ideaudit.shell import reaper

        # One adoption scope for the wave: what any of its shells left is swept once, at
        # the end (a /proc scan where the kernel lists no children directly).
        with reaper.adopting():
            run_all(run, missing)
    return {p: results[p] for p in profiles}


def run_all(run: Callable[[str], None], items: Sequence[str]) -> None:
    """``run(item)`` for every item at once: the first on this thread, the others on
    their own (plain threads: concurrent.futures imports logging and traceback, ~10 ms)."""
    if len(items) > 1:
        import threading

        threads = [threading.Thread(target=run, args=(p,)) for p in items[1:]]
        for t in threads:
            t.start()
        run(items[0])
        for t in threads:
            t.join()
    elif items:
        run(items[0])

"""Ask direnv about a project's ``.envrc``: is it allowed, and what does it export?

This is the one place in the project-local stage that executes anything, so it keeps
to a strict boundary:

* ``direnv status`` only reads direnv's allow list; it never runs the ``.envrc``.
* ``direnv export json`` runs the ``.envrc``, so it is started *only* when ``status``
  says the file is allowed: the user already trusted exactly this content (direnv's
  allow list keys on path and content, so an edited file is blocked again).  A blocked
  or denied file is never run; the rules report it from the static read.
* The ``direnv`` binary comes from your shell's PATH (the captured terminal, absolute
  entries only, none inside the workspace), never from a PATH the workspace or the IDE
  configuration sets, so a workspace cannot plant its own ``direnv``.
* It runs with the terminal's environment and ``$HOME`` (direnv's allow list lives under
  ``XDG_DATA_HOME``), ``DIRENV_*`` state removed so it loads afresh, stdin closed, in its
  own session, and is killed with its children on timeout.  Its stderr (which may echo
  what the ``.envrc`` prints) is never shown; only the exit status is reported.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Mapping

from ideaudit._fast.lazyre import lazy_re
from ideaudit._fast.record import field, record
from ideaudit.go.toolchain import is_executable, split_path

# `eval "$(direnv hook bash)"`, `direnv hook fish | source`, oh-my-zsh's `plugins=(... direnv)`.
_HOOK = lazy_re(r"direnv\s+hook\b|direnv\s+export\b|\bplugins=\([^)]*\bdirenv\b")
_IGNORED = ("DIRENV_DIR", "DIRENV_FILE", "DIRENV_DIFF", "DIRENV_WATCHES", "DIRENV_LAYOUT")


@record
class DirenvResult:
    """What direnv said about one file."""

    binary: str | None
    # "allowed" | "blocked" (never allowed or changed since) | "denied" | "missing"
    # (no direnv on your shell's PATH) | "error"
    state: str
    changes: dict[str, str | None] = field(default_factory=dict)  # export json, None = unset
    error: str | None = None
    exported: bool = False


def find_direnv(shell_env: Mapping[str, str], workspace: str) -> str | None:
    """``direnv`` on your shell's PATH: absolute directories only, none under the workspace
    (a relative entry such as ``bin`` would resolve inside the project)."""
    root = os.path.realpath(workspace).rstrip("/") + "/"
    for directory in split_path(shell_env.get("PATH")):
        if not os.path.isabs(directory):
            continue
        real = os.path.realpath(directory).rstrip("/") + "/"
        if real.startswith(root):
            continue
        candidate = os.path.join(directory, "direnv")
        if is_executable(candidate):
            return candidate
    return None


def _env(shell_env: Mapping[str, str], home: str) -> dict[str, str]:
    env = {k: v for k, v in shell_env.items() if not k.startswith("DIRENV_")}
    env["HOME"] = home
    env.setdefault("XDG_DATA_HOME", os.path.join(home, ".local", "share"))
    env.setdefault("XDG_CONFIG_HOME", os.path.join(home, ".config"))
    env["DIRENV_LOG_FORMAT"] = ""
    env.pop("PWD", None)
    env.pop("OLDPWD", None)
    return env


def _run(argv: list[str], cwd: str, env: dict[str, str], timeout: float) -> tuple[int | None, bytes]:
    """Run ``argv``; (exit status or None on timeout, stdout).  stderr is dropped."""
    import signal
    import subprocess  # only when there is an .envrc: its import costs a warm scan ~5 ms

    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None, b""
    return proc.returncode, out


def _state(status_text: str) -> str:
    """``Found RC allowed`` is ``true``/``false`` up to direnv 2.32 and an enum number
    (0 allowed, 1 not allowed, 2 denied) from 2.33 on."""
    for line in status_text.splitlines():
        if line.startswith("Found RC allowed "):
            word = line.rsplit(" ", 1)[-1].strip()
            if word in ("true", "0"):
                return "allowed"
            if word == "2":
                return "denied"
            return "blocked"
    return "blocked"


def ask_direnv(
    directory: str,
    shell_env: Mapping[str, str],
    home: str,
    workspace: str,
    timeout: float = 10.0,
    cache_dir: str | None = None,
    refresh: bool = False,
) -> DirenvResult:
    binary = find_direnv(shell_env, workspace)
    if binary is None:
        return DirenvResult(None, "missing")
    env = _env(shell_env, home)
    try:
        status, out = _run([binary, "status"], directory, env, timeout)
    except OSError as exc:
        return DirenvResult(binary, "error", error=f"direnv status failed: {exc.strerror}")
    if status != 0:
        return DirenvResult(binary, "error", error=_failed("direnv status", status, timeout))
    status_text = out.decode("utf-8", "replace")
    state = _state(status_text)
    if state != "allowed":
        return DirenvResult(binary, state)
    key = _cache_key(binary, directory, status_text, env) if cache_dir else None
    if key is not None and cache_dir and not refresh:
        hit = _cache_read(os.path.join(cache_dir, "direnv", key + ".json"))
        if hit is not None:
            return DirenvResult(binary, "allowed", hit, exported=True)
    try:
        status, out = _run([binary, "export", "json"], directory, env, timeout)
    except OSError as exc:
        return DirenvResult(binary, "error", error=f"direnv export failed: {exc.strerror}")
    if status != 0:
        return DirenvResult(binary, "error", error=_failed("direnv export json", status, timeout))
    try:
        data = json.loads(out or b"{}")
    except ValueError:
        return DirenvResult(binary, "error", error="direnv export json printed no JSON")
    changes = {
        str(k): (v if isinstance(v, str) else None)
        for k, v in (data.items() if isinstance(data, dict) else ())
        if str(k) not in _IGNORED
    }
    if key is not None and cache_dir and isinstance(data, dict):
        watches = _watches(data.get("DIRENV_WATCHES"))
        if watches is not None:
            _cache_write(os.path.join(cache_dir, "direnv"), key, {"changes": changes, "watches": watches})
    return DirenvResult(binary, "allowed", changes, exported=True)


# --------------------------------------------------------------------------- cache
#
# ``direnv export`` starts bash and direnv's stdlib (~0.1 s; ``use flake`` can take
# seconds), so its answer is kept, as direnv itself keeps it in a shell: valid while every
# file it watched (DIRENV_WATCHES: the .envrc, its allow file, ``watch_file`` targets)
# has the same mtime, and only for the same ``direnv status`` answer and environment.
# The file holds the .envrc's values, so it is written 0600 like the shell snapshots.


def _cache_key(binary: str, directory: str, status_text: str, env: Mapping[str, str]) -> str:
    import hashlib

    blob = json.dumps([binary, directory, status_text, sorted(env.items())]).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def _watches(encoded: object) -> list[list[object]] | None:
    """DIRENV_WATCHES: base64url(zlib(JSON [{Path, Modtime, Exists}]))."""
    if not isinstance(encoded, str):
        return None
    import base64
    import zlib

    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        items = json.loads(raw)
    except (ValueError, zlib.error):
        return None
    if not isinstance(items, list):
        return None
    return [
        [str(i.get("Path")), i.get("Modtime"), bool(i.get("Exists"))] for i in items if isinstance(i, dict)
    ]


def _still_valid(watches: object) -> bool:
    if not isinstance(watches, list):
        return False
    for item in watches:
        if not (isinstance(item, list) and len(item) == 3):
            return False
        path, mtime, exists = item
        try:
            now: int | None = int(os.stat(str(path)).st_mtime)
        except OSError:
            now = None
        if (now is not None) != exists or (exists and now != mtime):
            return False
    return True


def _cache_read(path: str) -> dict[str, str | None] | None:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    changes = data.get("changes") if isinstance(data, dict) else None
    if not isinstance(changes, dict) or not _still_valid(data.get("watches")):
        return None
    return {str(k): (v if isinstance(v, str) else None) for k, v in changes.items()}


def _cache_write(directory: str, key: str, data: dict[str, object]) -> None:
    """Atomically, 0600; a cache that cannot be written is no error."""
    import tempfile

    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, os.path.join(directory, key + ".json"))
    except OSError:
        return


def _failed(what: str, status: int | None, timeout: float) -> str:
    if status is None:
        return f"{what} did not finish within {timeout:g} s"
    return f"{what} exited with status {status}"


def load_dotenv_enabled(home: str, env: Mapping[str, str]) -> bool:
    """direnv.toml's ``[global] load_dotenv`` (default off)."""
    config = env.get("DIRENV_CONFIG") or os.path.join(
        env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"), "direnv"
    )
    path = os.path.join(config, "direnv.toml")
    from ideaudit.sources.saferead import read_text

    try:
        text = read_text(path, "config", errors="replace")
    except OSError:
        return False
    import tomllib

    try:
        data = tomllib.loads(text)
    except ValueError:
        return False
    glob = data.get("global")
    return bool(isinstance(glob, dict) and glob.get("load_dotenv") is True)


def hooked(startup_files: tuple[str, ...] | list[str], pattern: re.Pattern[str] = _HOOK) -> str | None:
    """The first start-up file that hooks direnv (``eval "$(direnv hook bash)"``,
    ``direnv hook fish | source``), or None: without the hook a terminal ignores .envrc."""
    from ideaudit.sources.saferead import read_text

    for path in startup_files:
        try:
            text = read_text(path, "startup", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            if not line.lstrip().startswith("#") and pattern.search(line):
                return path
    return None

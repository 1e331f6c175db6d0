"""Ask the Go toolchain itself: ``go env -json`` under a context's environment.

Only for binaries the user trusts (the shell's own ``go``, a ``go`` the IDE found on
its own PATH, or anything under ``--trust``): a workspace can name a ``go`` binary
and running it would execute the workspace's code.  One call per distinct (binary,
environment) pair, run in parallel threads, cached on disk by the binary's identity
(path, mtime, size), the environment and the go env file, so a warm scan runs no Go.

``go env`` runs in an empty temporary folder: inside the workspace a ``go.mod`` with a
newer ``go``/``toolchain`` line would make Go >= 1.21 try to download a toolchain.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

from ideaudit._fast.record import record
from ideaudit.go.toolchain import realpath
from ideaudit.go.variables import GO_ENV_KEYS
from ideaudit.sources.goenvfile import goenv_path

_CACHE_VERSION = 1
MAX_PARALLEL = max(2, min(8, 2 * (os.cpu_count() or 1)))


@record(frozen=True)
class GoEnvResult:
    """What one ``go env -json`` said (``values``) or why it could not say (``error``)."""

    binary: str
    values: Mapping[str, str]
    error: str | None = None
    duration: float = 0.0
    cached: bool = False


def _stat(path: str | None) -> list[Any]:
    if not path:
        return [None]
    try:
        st = os.stat(path)
    except OSError:
        return [path, "absent"]
    return [path, st.st_mtime_ns, st.st_size]


def _key(binary: str, env: Mapping[str, str], home: str) -> str:
    real = realpath(binary)
    root = os.path.dirname(os.path.dirname(real))
    stats = {
        "v": _CACHE_VERSION,
        "binary": _stat(real),
        "goroot_env": _stat(os.path.join(root, "go.env")),  # Go >= 1.21 reads $GOROOT/go.env
        "goenv_file": _stat(goenv_path(env, home)),
    }
    # NUL-joined rather than json.dumps: keys are computed for every context (200 GoLand
    # run configurations) and this is 5x cheaper; NUL cannot occur in an environment.
    blob = json.dumps(stats, sort_keys=True).encode() + "\0".join(
        f"{k}={v}" for k, v in sorted(env.items())
    ).encode("utf-8", "surrogateescape")
    from ideaudit.shell.cache import sha256_hex

    return sha256_hex(blob)


def _cache_file(binary: str, env: Mapping[str, str], home: str, cache_dir: str | None) -> str | None:
    return os.path.join(cache_dir, "goenv", _key(binary, env, home) + ".json") if cache_dir else None


def _cached(binary: str, cache_file: str) -> GoEnvResult | None:
    try:
        with open(cache_file, encoding="utf-8") as f:
            data = json.load(f)
        return GoEnvResult(binary, data["values"], data.get("error"), data["duration"], cached=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def go_env(
    binary: str,
    env: Mapping[str, str],
    *,
    home: str,
    cache_dir: str | None,
    timeout: float = 10.0,
    refresh: bool = False,
) -> GoEnvResult:
    """``binary env -json KEYS...`` with exactly ``env``; never raises."""
    cache_file = _cache_file(binary, env, home, cache_dir)
    if cache_file and not refresh:
        hit = _cached(binary, cache_file)
        if hit is not None:
            return hit
    import subprocess
    import tempfile

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ideaudit-goenv-") as cwd:
        try:
            proc = subprocess.Popen(
                [binary, "env", "-json", *GO_ENV_KEYS],
                env=dict(env),
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            elapsed = time.perf_counter() - start
            return GoEnvResult(binary, {}, f"cannot run {binary}: {exc.strerror}", elapsed)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            import signal

            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return GoEnvResult(
                binary, {}, f"go env timed out after {timeout:.0f} s", time.perf_counter() - start
            )
    duration = time.perf_counter() - start
    error: str | None = None
    values: dict[str, str] = {}
    if proc.returncode != 0:
        message = err.decode(errors="replace").strip().splitlines()
        error = f"go env failed: {message[-1] if message else f'exit {proc.returncode}'}"
    else:
        try:
            parsed = json.loads(out)
            values = {k: v for k, v in parsed.items() if isinstance(v, str)}
        except (ValueError, AttributeError):
            error = "go env printed no JSON"
    # A failure is as deterministic as an answer for the same binary, environment and go
    # env file (all in the key), so it is cached too; timeouts and exec errors are not.
    if cache_file:
        _write(cache_file, {"values": values, "error": error, "duration": duration})
    return GoEnvResult(binary, values, error, duration)


def _write(path: str, data: Mapping[str, Any]) -> None:
    import tempfile

    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def go_env_many(
    requests: Sequence[tuple[str, Mapping[str, str]]],
    *,
    home: str,
    cache_dir: str | None,
    timeout: float = 10.0,
    refresh: bool = False,
) -> list[GoEnvResult]:
    """One result per request; equal (binary, environment) pairs run once, distinct
    pairs run in parallel."""
    keys = [(realpath(b), tuple(sorted(e.items()))) for b, e in requests]
    unique: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}
    for i, key in enumerate(keys):
        unique.setdefault(key, i)
    results: dict[int, GoEnvResult] = {}
    pending = []
    for i in unique.values():  # cached answers on this thread: a warm scan starts none
        binary, env = requests[i]
        cache_file = None if refresh else _cache_file(binary, env, home, cache_dir)
        hit = _cached(binary, cache_file) if cache_file else None
        if hit is not None:
            results[i] = hit
        else:
            pending.append(i)
    if not pending:
        return [results[unique[key]] for key in keys]
    import threading

    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                i = pending.pop()
            binary, env = requests[i]
            results[i] = go_env(binary, env, home=home, cache_dir=cache_dir, timeout=timeout, refresh=refresh)

    # A bounded pool of plain threads (concurrent.futures costs ~10 ms of import): 200
    # GoLand run configurations must not start 200 go processes at once.
    threads = [threading.Thread(target=worker) for _ in range(min(MAX_PARALLEL, len(pending)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [results[unique[key]] for key in keys]

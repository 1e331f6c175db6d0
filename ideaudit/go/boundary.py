"""The execution boundary: the environment an untrusted ``go env`` runs under.

``go env`` runs under a context's environment, and a workspace writes part of that
environment (``go.toolsEnvVars``, a launch ``env``, an envFile, GoLand ``<envs>``).
Through it a workspace could make the user's own, trusted ``go`` run the workspace's
code: ``GOTOOLCHAIN=go1.99.0`` plus a ``tools/`` folder on PATH holding an executable
``go1.99.0`` makes Go >= 1.21 exec that file; with ``GOPROXY=file://...`` and
``GOSUMDB=off`` it unpacks and runs a toolchain zip the workspace ships
(``cmd/go/internal/toolchain/select.go``: ``Select`` -> ``Exec``, looking for
``goX.Y.Z`` on PATH first, then downloading ``golang.org/toolchain``).

So without trust, ``go`` gets :func:`bounded_env`: the environment the context
*inherited* (the IDE's process environment, the login shell), none of the values a
configuration file set, and ``GOTOOLCHAIN=local`` so that neither the environment, the
``go env -w`` file, ``$GOROOT/go.env`` nor a ``go.mod`` can switch toolchains.  What
the configuration set is then applied to the answer statically
(:func:`apply_statically`): ``go env`` mostly echoes its environment, and the few
derived values (GOMODCACHE from GOPATH, GONOPROXY/GONOSUMDB from GOPRIVATE, the
CGO_ENABLED default from the C compiler on PATH) are derived here the way Go does.
What the workspace *would* have made go run is worked out in :mod:`.goswitch`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from ideaudit.go.toolchain import which
from ideaudit.model import Context, EnvVar, Layer

# Layers that are the environment a context inherits (contexts.vscode/goland label the
# IDE's process environment so; rules.common.BASE_SOURCES names the same bases).  They
# may carry a location (an env dump, /proc/PID/environ), but no workspace wrote them.
INHERITED_SOURCES = ("VS Code environment", "GoLand environment", "your shell start-up files")

# Settings `go env` prints back as they are when the environment sets them non-empty
# (cmd/go/internal/cfg: cfg.Getenv reads the OS environment first).
_ECHOED = frozenset(
    {
        "GOROOT", "GOPATH", "GOBIN", "GOFLAGS", "GO111MODULE", "GOPROXY", "GOPRIVATE",
        "GONOPROXY", "GONOSUMDB", "GOSUMDB", "GOINSECURE", "GOTOOLCHAIN", "CGO_ENABLED",
        "CC", "CXX", "GOOS", "GOARCH", "GOENV", "GOMODCACHE",
    }
)  # fmt: skip


def from_configuration(layer: Layer) -> bool:
    """A layer a configuration file wrote (and so a workspace may control)."""
    return layer.location is not None and not layer.source.startswith(INHERITED_SOURCES)


def inherited_value(var: EnvVar) -> str | None:
    """The value ``var`` had before the first configuration layer touched it."""
    value: str | None = None
    for layer in var.layers:
        if from_configuration(layer):
            return value
        value = layer.value
    return value


def steered(ctx: Context) -> dict[str, str]:
    """The variables a configuration set to a non-empty value, with that value."""
    out: dict[str, str] = {}
    for name, var in ctx.env.vars.items():
        if var.value and any(from_configuration(layer) for layer in var.layers):
            out[name] = var.value
    return out


def bounded_env(ctx: Context) -> dict[str, str]:
    """What an untrusted ``go`` runs under: the inherited environment, ``GOTOOLCHAIN=local``.

    A variable a configuration removed or emptied stays removed (unsetting cannot make go
    run anything); one it set keeps its inherited value, or is left out.
    """
    env: dict[str, str] = {}
    for name, var in ctx.env.vars.items():
        if not any(from_configuration(layer) for layer in var.layers):
            if var.value is not None:
                env[name] = var.value
            continue
        if not var.value:
            continue
        before = inherited_value(var)
        if before is not None:
            env[name] = before
    env["GOTOOLCHAIN"] = "local"
    return env


def apply_statically(
    ctx: Context, answer: Mapping[str, str], bounded: Mapping[str, str], home: str
) -> dict[str, str]:
    """``answer`` (from ``go env`` under ``bounded``) as it reads under ``ctx``'s own
    environment, without running anything more."""
    final = ctx.env.plain()
    out = dict(answer)
    changed = {n: v for n, v in steered(ctx).items() if bounded.get(n) != v}
    for name, val in changed.items():
        if name in _ECHOED and name in out:
            out[name] = val
    _switch_goenv_file(out, answer, final, bounded, home)
    # GOTOOLCHAIN=local was forced: the answer is what the context itself would read.
    if answer.get("GOTOOLCHAIN"):  # "" from a Go older than 1.21, which has no such setting
        out["GOTOOLCHAIN"] = final.get("GOTOOLCHAIN") or _from_files("GOTOOLCHAIN", final, out, home)
    # Derived values (cmd/go/internal/cfg and modload): only where go derived them.
    if "HOME" in changed and not final.get("GOPATH") and "GOPATH" in out:
        # GOPATH defaults to $HOME/go (go/build.defaultGOPATH)
        old_home = bounded.get("HOME", "")
        if old_home and out["GOPATH"] == os.path.join(old_home, "go"):
            changed["GOPATH"] = out["GOPATH"] = os.path.join(changed["HOME"], "go")
    if ({"HOME", "XDG_CONFIG_HOME"} & changed.keys()) and not final.get("GOENV") and "GOENV" in out:
        from ideaudit.sources.goenvfile import goenv_path

        if out["GOENV"] == goenv_path(bounded, home):
            out["GOENV"] = goenv_path(final, home) or out["GOENV"]
    if "GOPATH" in changed:
        # GOMODCACHE is GOPATH[0]/pkg/mod; newer Go also reports GOBIN as GOPATH[0]/bin.
        was, now = _first(answer.get("GOPATH", "")), _first(changed["GOPATH"])
        for name, sub in (("GOMODCACHE", ("pkg", "mod")), ("GOBIN", ("bin",))):
            if was and now and not final.get(name) and out.get(name) == os.path.join(was, *sub):
                out[name] = os.path.join(now, *sub)
    if "GOPRIVATE" in out and out["GOPRIVATE"] != answer.get("GOPRIVATE"):
        # GONOPROXY and GONOSUMDB default to GOPRIVATE (set here or in a go env file)
        for name in ("GONOPROXY", "GONOSUMDB"):
            if not final.get(name) and name in out and out[name] == answer.get("GOPRIVATE", ""):
                out[name] = out["GOPRIVATE"]
    if (
        {"PATH", "CC", "GOOS", "GOARCH"} & changed.keys()
        and not final.get("CGO_ENABLED")
        and "CGO_ENABLED" in out
    ):
        out["CGO_ENABLED"] = _cgo_default(final, answer)
    return out


# What go says for a setting that neither the environment nor a go env file sets
# (cmd/go/internal/cfg; $GOROOT/go.env sets GOPROXY, GOSUMDB and GOTOOLCHAIN).
_DEFAULTS = {"GOPROXY": "https://proxy.golang.org,direct", "GOSUMDB": "sum.golang.org"}


def _switch_goenv_file(
    out: dict[str, str],
    answer: Mapping[str, str],
    final: Mapping[str, str],
    bounded: Mapping[str, str],
    home: str,
) -> None:
    """A configuration that moves the go env -w file (GOENV, HOME, XDG_CONFIG_HOME) changes
    every setting the environment leaves unset: read both files, as go would."""
    from ideaudit.sources.goenvfile import goenv_path, load_goenv_file

    was, now = goenv_path(bounded, home), goenv_path(final, home)
    if was == now:
        return
    old = {e.name: e.value for e in load_goenv_file(was)}
    new = {e.name: e.value for e in load_goenv_file(now)}
    for name in _ECHOED - {"GOENV", "GOTOOLCHAIN"}:
        if final.get(name) or name not in out:
            continue
        if new.get(name):
            out[name] = new[name]
        elif old.get(name) and answer.get(name) == old[name] and name in _DEFAULTS:
            out[name] = _DEFAULTS[name]


def _first(gopath: str) -> str:
    return next((p for p in gopath.split(os.pathsep) if p), "")


def _from_files(name: str, env: Mapping[str, str], answer: Mapping[str, str], home: str) -> str:
    """A setting the environment leaves unset: the go env -w file, then ``$GOROOT/go.env``
    (Go >= 1.21 ships ``GOTOOLCHAIN=auto`` there), else Go's built-in ``local``."""
    from ideaudit.sources.goenvfile import goenv_path, load_goenv_file

    for path in (goenv_path(env, home), os.path.join(answer.get("GOROOT", ""), "go.env")):
        for entry in reversed(load_goenv_file(path) if path else []):
            if entry.name == name and entry.value:
                return entry.value
    return "local"


def _cgo_default(env: Mapping[str, str], answer: Mapping[str, str]) -> str:
    """CGO_ENABLED when the environment leaves it unset (go/build and cmd/go/internal/cfg):
    0 when cross-compiling; else, Go >= 1.20 with CC unset, 1 only when the default C
    compiler is on PATH; an explicit CC (or an older Go) gives 1.  ``answer`` is go's own
    reply under the inherited environment, so its GOOS/GOARCH are the host's unless the
    user's own environment set them."""
    host = (answer.get("GOOS"), answer.get("GOARCH"))
    target = (env.get("GOOS") or host[0], env.get("GOARCH") or host[1])
    if target != host:
        return "0"
    if env.get("CC") or not _at_least(answer.get("GOVERSION", ""), (1, 20)):
        return "1"
    cc = "clang" if sys.platform == "darwin" else "gcc"
    return "1" if which(cc, env.get("PATH")) is not None else "0"


def _at_least(goversion: str, minimum: tuple[int, int]) -> bool:
    digits = goversion.removeprefix("go").split(".")
    try:
        return (int(digits[0]), int(digits[1].split("rc")[0].split("beta")[0])) >= minimum
    except (ValueError, IndexError):
        return False

"""What a context's environment would make ``go`` do beyond answering: switch toolchains, or fail.

``GOTOOLCHAIN`` (from the environment, the ``go env -w`` file, ``$GOROOT/go.env``) or a
``go.mod`` ``toolchain``/``go`` line under ``auto`` makes Go >= 1.21 exec a ``goX.Y.Z``
found on PATH or download ``golang.org/toolchain`` through GOPROXY and run it
(``cmd/go/internal/toolchain``).  ideaudit never lets an untrusted ``go`` do that (see
:mod:`.goboundary`), so it works out here, by reading and ``stat``, what the IDE's ``go``
would run (X003), and which refusals go would report that the bounded run cannot show
(E004).
"""

from __future__ import annotations

import os
import re

from ideaudit._fast.record import record
from ideaudit.go.boundary import from_configuration, inherited_value, steered
from ideaudit.go.toolchain import go_version_of_root, goroot_of, inside_any, split_path, which
from ideaudit.model import Context, Location
from ideaudit.sources.gomod import GoMod


@record(frozen=True)
class ToolchainSwitch:
    """A context whose environment makes ``go`` run another toolchain than itself.

    ``via`` is ``"PATH"`` (``target`` is the ``goX.Y.Z`` binary Go would exec) or
    ``"GOPROXY"`` (``target`` is the proxy Go would download ``golang.org/toolchain``
    from and run); ``provided`` says the toolchain comes from the workspace: a binary
    in a directory a configuration put on PATH or inside a workspace folder, or a proxy
    a configuration set or a ``file://`` proxy inside a workspace folder.
    """

    context_id: str
    toolchain: str
    running: str | None
    via: str
    target: str
    provided: bool
    checksum_off: bool
    reason: str = ""  # "GOTOOLCHAIN=go1.99.0" or "go.mod toolchain go1.99.0"
    location: Location | None = None  # the go.mod line, when the go.mod asked for it


def _from_toolchain(name: str) -> str | None:
    """cmd/go/internal/gover.FromToolchain: ``go1.21.3`` or ``corp-go1.21.3-x`` -> 1.21.3."""
    if "/" in name or "\\" in name:
        return None
    if name.startswith("go"):
        version = name[2:]
    elif "-go" in name:
        version = name[name.index("-go") + 3 :]
    else:
        return None
    version = re.split(r"[ \t-]", version, maxsplit=1)[0]
    return version if re.fullmatch(r"\d+(?:\.\d+){0,2}(?:(?:rc|beta)\d+)?", version) else None


def gotoolchain_error(value: str) -> str | None:
    """Go's own message for a GOTOOLCHAIN it refuses (cmd/go/internal/toolchain.Select)."""
    if value in ("", "local", "auto", "path"):
        return None
    minimum, plus, suffix = value.partition("+")
    if plus and suffix not in ("auto", "path"):
        return f'go: invalid GOTOOLCHAIN "{value}": only version suffixes are +auto and +path'
    if minimum != "local" and _from_toolchain(minimum) is None:
        if plus:
            return f'go: invalid GOTOOLCHAIN "{value}": invalid minimum toolchain "{minimum}"'
        return f'go: invalid GOTOOLCHAIN "{value}"'
    return None


def static_error(ctx: Context) -> str | None:
    """The failure go would report under ``ctx``'s environment that the bounded run cannot
    show (its GOTOOLCHAIN is ``local``, its GOROOT the inherited one), worded as
    :mod:`.goenv` words failures."""
    env = ctx.env.plain()
    problem = gotoolchain_error(env.get("GOTOOLCHAIN", ""))
    goroot = steered(ctx).get("GOROOT")
    if problem is None and goroot is not None and not os.path.isdir(goroot):
        problem = f"go: cannot find GOROOT directory: {goroot}"  # cmd/go's own words
    return f"go env failed: {problem}" if problem else None


def switch_target(gotoolchain: str) -> str | None:
    """The toolchain ``GOTOOLCHAIN`` selects (``go1.99.0`` of ``go1.99.0+auto``), or None
    for ``local``/``auto``/``path`` or a value go refuses (cmd/go/internal/toolchain.Select:
    a named minimum toolchain is used even when it is older than the running one)."""
    if gotoolchain_error(gotoolchain):
        return None
    name = gotoolchain.split("+", 1)[0].strip()
    if name in ("", "local", "auto", "path"):
        return None
    return name


def toolchain_switch(
    ctx: Context, roots: tuple[str, ...], gomod: GoMod | None = None
) -> ToolchainSwitch | None:
    """What ``go`` in ``ctx`` would exec instead of itself, when the workspace had a hand
    in it: a configuration set GOTOOLCHAIN, or a PATH entry or GOPROXY that provides the
    toolchain a ``go.mod`` asks for under GOTOOLCHAIN's default ``auto``."""
    config = steered(ctx)
    env = ctx.env.plain()
    lookup = ctx.tools.get("go")
    running = (ctx.go_env or {}).get("GOVERSION") or None
    if running is None and lookup is not None and lookup.path:
        root = goroot_of(lookup.path)
        running = go_version_of_root(root) if root else None
    if running is None or _older(running, (1, 21)):
        return None  # toolchain switching came with Go 1.21
    value = env.get("GOTOOLCHAIN") or (ctx.go_env or {}).get("GOTOOLCHAIN") or "auto"
    wanted, reason, location = switch_target(value), f"GOTOOLCHAIN={value}", None
    mode = value.partition("+")[2] or (value if value in ("auto", "path") else "")
    if mode and gomod is not None:
        asked = _gomod_toolchain(gomod)
        if asked is not None and _newer(asked[0], wanted or running):
            wanted, reason, location = asked
    if wanted is None or wanted == running:
        return None
    added = _config_path_dirs(ctx)
    binary = which(wanted, env.get("PATH"))
    sumdb_off = (env.get("GOSUMDB") or "") == "off" or "-insecure" in (env.get("GOFLAGS") or "").split()
    # Only what the workspace steers is reported: a go.mod asking for a newer Go that go
    # downloads from the default proxy is go working as designed (M014 covers the version).
    by_config = "GOTOOLCHAIN" in config and location is None
    if binary is not None:
        provided = os.path.dirname(binary) in added or _inside(binary, roots)
        if not (by_config or provided):
            return None
        return ToolchainSwitch(ctx.id, wanted, running, "PATH", binary, provided, sumdb_off, reason, location)
    if mode == "path":
        return None  # +path never downloads: go fails instead
    proxy = (env.get("GOPROXY") or (ctx.go_env or {}).get("GOPROXY") or "https://proxy.golang.org").replace(
        "|", ","
    )
    first = proxy.split(",")[0].strip()
    if first in ("off", "direct", ""):
        return None
    local = first.removeprefix("file://") if first.startswith("file://") else None
    provided = "GOPROXY" in config or (local is not None and _inside(local, roots))
    if not (by_config or provided):
        return None
    return ToolchainSwitch(ctx.id, wanted, running, "GOPROXY", first, provided, sumdb_off, reason, location)


def _gomod_toolchain(gomod: GoMod) -> tuple[str, str, Location | None] | None:
    """The toolchain a go.mod asks for: its ``toolchain`` line, else its ``go`` line
    (``go 1.22`` means go1.22.0 since Go 1.21)."""
    go_line = None
    if gomod.go:
        version = (
            gomod.go if gomod.go.count(".") >= 2 or _older("go" + gomod.go, (1, 21)) else gomod.go + ".0"
        )
        go_line = ("go" + version, f"go.mod go {gomod.go}", gomod.go_location)
    if gomod.toolchain and gomod.toolchain != "default":
        line = (gomod.toolchain, f"go.mod toolchain {gomod.toolchain}", gomod.toolchain_location)
        if go_line is None or _newer(line[0], go_line[0]):
            return line
    return go_line


def _version(toolchain: str) -> tuple[int, ...]:
    v = _from_toolchain(toolchain) or ""
    return tuple(int(x) for x in re.findall(r"\d+", v.split("rc")[0].split("beta")[0])[:3])


def _newer(a: str, b: str) -> bool:
    return _version(a) > _version(b)


def _older(toolchain: str, minimum: tuple[int, int]) -> bool:
    return _version(toolchain)[:2] < minimum


def _config_path_dirs(ctx: Context) -> set[str]:
    var = ctx.env.var("PATH")
    if var is None:
        return set()
    before = set(split_path(inherited_value(var)))
    return {d for layer in var.layers if from_configuration(layer) for d in split_path(layer.value)} - before


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    return inside_any(path, roots)

"""L01x: a context runs another Go than the project pins; the version-manager shim trap."""

from __future__ import annotations

from collections.abc import Iterator

from ideaudit.local.pins import Pin, matches, shim_manager
from ideaudit.model import Context, Finding, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import TOOLCHAIN, rule
from ideaudit.rules.common import DiskFacts, finding, go_version, how_to, value
from ideaudit.rules.l_local import APPLIES_TO, short
from ideaudit.sources.gomod import version_tuple


def effective_version(ctx: Context, toolchain: Pin | None, disk: DiskFacts) -> str | None:
    """The Go that really builds in ``ctx``: its own, or the one GOTOOLCHAIN (env, or
    go.mod's ``toolchain`` line under the default ``auto``) switches to on Go >= 1.21."""
    have = go_version(ctx, disk)
    have_t = version_tuple(have)
    if have_t is None or have_t < (1, 21):
        return have  # older Go ignores GOTOOLCHAIN and the toolchain line
    setting = (value(ctx, "GOTOOLCHAIN") or "auto").split("+", 1)[0]
    if setting.startswith("go") and version_tuple(setting):
        return setting
    if setting == "auto" and toolchain is not None:
        want_t = version_tuple(toolchain.version)
        if want_t is not None and want_t > have_t:
            return toolchain.version
    return have


@rule(
    "L010",
    "go-version-not-the-pinned-one",
    "This context runs another Go than the project pins",
    Severity.WARNING,
    """
    The project pins a Go version (`.go-version` for goenv, `.tool-versions` for asdf,
    `mise.toml` `[tools] go`, or go.mod/go.work's `toolchain` line). Your terminal in the
    project runs it through the version manager (or Go's toolchain switch), but this
    context finds another `go` on its own PATH or SDK setting, so builds, vet and tests
    use another compiler and standard library than the project expects. The version is
    read from the context's GOROOT/VERSION, or from `go env GOVERSION` when trusted.
    """,
    "Point the IDE at the pinned Go (go.alternateTools / the GoLand SDK) or install the pinned version.",
    kinds=APPLIES_TO["L010"],
    needs=TOOLCHAIN,
)
def go_version_not_pinned(audit: Audit) -> Iterator[Finding]:
    local = audit.local
    if local is None:
        return
    pin = local.pins.manager_pin or local.pins.toolchain_pin
    if pin is None:
        return
    toolchain = local.pins.toolchain_pin
    for ctx in audit.ide_contexts(*APPLIES_TO["L010"]):
        runs = effective_version(ctx, toolchain, audit.disk)
        if pin.manager.endswith("toolchain"):
            ok = (version_tuple(runs) or ()) >= (version_tuple(pin.version) or ()) if runs else None
        else:
            ok = matches(pin.version, runs)
        if ok is not False:
            continue
        go = ctx.tools.get("go")
        yield finding(
            "L010",
            Severity.WARNING,
            f"{ctx.label} runs {runs} but the project pins Go {pin.version.removeprefix('go')} "
            f"({pin.manager}, {short(pin.location, local.root)})",
            ctx,
            fix=f"Install Go {pin.version.removeprefix('go')} and "
            + how_to(ctx, "pin_go", audit.home, go="<the pinned Go>/bin/go")
            + (f" (now {go.path})" if go and go.path else "")
            + "; or change the pin if the project moved on.",
            location=pin.location,
            variable="GOROOT",
        )


@rule(
    "L011",
    "version-shim-outside-project",
    "A version-manager shim runs go from outside the project, so it picks the global version",
    Severity.WARNING,
    """
    asdf, mise and goenv put a `go` shim on PATH that chooses the version by looking for
    a pin file from the *working directory* upwards. A context that starts go from a
    folder outside the project (a launch `cwd` or run configuration working directory
    elsewhere, or vscode-go installing its tools from a temporary folder) gets the global
    version (or "No version is set") instead of the project's pin.
    """,
    "Point the context at the pinned Go's real binary (not the shim), or keep its working "
    "directory inside the project.",
    kinds=APPLIES_TO["L011"],
    needs=TOOLCHAIN,
)
def shim_outside_project(audit: Audit) -> Iterator[Finding]:
    local = audit.local
    if local is None:
        return
    pin = local.pins.manager_pin
    if pin is None:
        return
    for ctx in audit.ide_contexts(*APPLIES_TO["L011"]):
        go = ctx.tools.get("go")
        manager = shim_manager(go.path if go else None)
        if manager is None:
            continue
        cwd = local.outside_cwd.get(ctx.id)
        if cwd is not None:
            where = f"its working directory {cwd} is outside the project"
        elif ctx.ide == "vscode" and ctx.kind == "tools":
            # goInstallTools.ts tmpDirForToolInstallation: "Install tools in a temporary
            # directory, to avoid altering go.mod files".
            where = "vscode-go installs and updates its tools (gopls, dlv) from a temporary folder"
        else:
            continue
        glob = next((g for g in local.pins.global_pins if manager in g.manager or g.manager == "asdf"), None)
        got = (
            f"the global Go {glob.version} ({short(glob.location, audit.home)})"
            if glob
            else "no version (the shim fails)"
        )
        yield finding(
            "L011",
            Severity.WARNING,
            f"{ctx.label} runs go through the {manager} shim {go.path if go else ''}, but {where}: "
            f"it gets {got}, not the project's {pin.version} ({short(pin.location, local.root)})",
            ctx,
            fix=how_to(ctx, "pin_go", audit.home, go=f"<{manager}'s Go {pin.version}>/bin/go", sentence=True)
            + " (the real binary, not the shim).",
            location=pin.location,
            variable="PATH",
        )

"""M: module settings that differ between a context and your shell.

Each variable gets its own code so it can be selected or ignored on its own; the
check is the same comparison, so the rules are generated from one table.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from ideaudit.model import Context, Finding, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import BUILDS, FILES, SHELL, TOOLCHAIN, rule
from ideaudit.rules.common import (
    compare_with_shell,
    config_location,
    effective_gopath,
    finding,
    go_value,
    go_version,
    layers,
    value,
)
from ideaudit.sources.gomod import version_tuple

# (code, variable, name, severity, what goes wrong)
MODULE_VARS = (
    (
        "M001",
        "GO111MODULE",
        "go111module-differs",
        Severity.WARNING,
        "with off (or auto inside GOPATH on old Go) go ignores go.mod and resolves imports from GOPATH",
    ),
    (
        "M002",
        "GOPROXY",
        "goproxy-differs",
        Severity.WARNING,
        "module downloads go to another proxy (or none), so they fail or fetch other bytes",
    ),
    (
        "M003",
        "GOPRIVATE",
        "goprivate-differs",
        Severity.WARNING,
        "private modules go through the public proxy and checksum database and fail with 404/410",
    ),
    (
        "M004",
        "GONOSUMDB",
        "gonosumdb-differs",
        Severity.WARNING,
        "private modules are checked against sum.golang.org and fail verification",
    ),
    (
        "M005",
        "GOSUMDB",
        "gosumdb-differs",
        Severity.WARNING,
        "checksums are verified against another database (or not at all)",
    ),
    (
        "M006",
        "GOFLAGS",
        "goflags-differs",
        Severity.WARNING,
        "every go command gets other flags (-mod=vendor, -tags, -race), so builds and tests differ",
    ),
    (
        "M007",
        "GOTOOLCHAIN",
        "gotoolchain-differs",
        Severity.WARNING,
        "go may switch to (or refuse) another toolchain version than in your shell",
    ),
    (
        "M008",
        "GONOPROXY",
        "gonoproxy-differs",
        Severity.WARNING,
        "some modules bypass the proxy here but not in your shell",
    ),
    (
        "M009",
        "GOINSECURE",
        "goinsecure-differs",
        Severity.WARNING,
        "modules are fetched without TLS verification here but not in your shell",
    ),
)


def _make(code: str, var: str, severity: Severity, consequence: str):  # type: ignore[no-untyped-def]
    def check(audit: Audit) -> Iterable[Finding]:
        return compare_with_shell(audit, code, severity, var, consequence)

    check.__name__ = f"check_{var.lower()}"
    return check


for _code, _var, _name, _severity, _why in MODULE_VARS:
    rule(
        _code,
        _name,
        f"{_var} differs from your shell",
        _severity,
        f"""
        {_var} is set differently in this context than in your terminal: {_why}.
        The value comes from the IDE's environment or from a configuration layer; the
        finding shows which file and line.
        """,
        f"Set {_var} the same way for the IDE and the shell (go env -w {_var}=... "
        "applies to both unless an environment variable overrides it).",
        kinds=BUILDS,
        needs=SHELL,
    )(_make(_code, _var, _severity, _why))


def _contexts_of(audit: Audit, folder: str) -> list[Context]:
    """Contexts whose workspace folder lies inside (or is) the module's folder, or that
    contain it: the go commands they run see this go.mod."""
    real = audit.disk.realpath(folder)
    out = []
    for ctx in audit.ide_contexts("debug", "tests", "tools", "attach"):
        if ctx.folder is None:
            continue
        f = audit.disk.realpath(ctx.folder)
        if f == real or f.startswith(real + os.sep) or real.startswith(f + os.sep):
            out.append(ctx)
    return out


def _effective(ctx: Context, name: str, default: str) -> str:
    return go_value(ctx, name) or value(ctx, name) or default


@rule(
    "M010",
    "go-mod-needs-newer-go",
    "go.mod needs a newer Go than this context runs",
    Severity.ERROR,
    """
    The ``go`` line of go.mod is the minimum Go version.  Go >= 1.21 then switches to a
    newer toolchain by downloading it (GOTOOLCHAIN=auto) — impossible with
    GOTOOLCHAIN=local, GOPROXY=off or no network; older Go just fails with "go.mod
    requires go >= 1.22".  The terminal may run a newer Go than the IDE.
    """,
    "Use a Go at least as new as go.mod's go line in this context, or allow toolchain switching.",
    kinds=BUILDS,
    needs=TOOLCHAIN,
)
def go_mod_needs_newer_go(audit: Audit) -> Iterator[Finding]:
    if audit.go is None:
        return
    for info in audit.go.modules:
        mod = info.gomod
        needed = version_tuple(mod.go)
        if needed is None:
            continue
        for ctx in _contexts_of(audit, mod.folder):
            runs = go_version(ctx, audit.disk)
            have = version_tuple(runs)
            if have is None or have >= needed:
                continue
            toolchain = _effective(ctx, "GOTOOLCHAIN", "auto" if have >= (1, 21) else "")
            if have >= (1, 21) and not toolchain.startswith("local"):
                severity = Severity.INFO
                msg = (
                    f"go.mod needs go {mod.go}; {ctx.label} runs {runs} and will download "
                    f"go{mod.go} (GOTOOLCHAIN={toolchain})"
                )
            else:
                severity = Severity.ERROR
                why = (
                    "GOTOOLCHAIN=local forbids switching"
                    if have >= (1, 21)
                    else "it cannot switch toolchains"
                )
                msg = f"go.mod needs go {mod.go}, but {ctx.label} runs {runs} and {why}"
            yield finding(
                "M010",
                severity,
                msg,
                ctx,
                fix=f"Use Go {mod.go} or newer here (go.alternateTools.go / go.goroot / PATH), "
                "or lower the go line if the code allows it.",
                location=mod.go_location,
                # the values are Go versions: what `go env GOVERSION` prints, not GOTOOLCHAIN
                variable="GOVERSION",
                context_value=runs,
                shell_value=go_version(audit.shell, audit.disk) if audit.shell else None,
            )


@rule(
    "M011",
    "gopath-mode-with-go-mod",
    "go runs in GOPATH mode although the folder has a go.mod",
    Severity.ERROR,
    """
    With GO111MODULE=off go ignores go.mod and resolves imports from GOPATH; with
    GO111MODULE=auto, Go 1.11 and 1.12 do the same anywhere inside $GOPATH/src even when
    a go.mod is present (the "silent downgrade").  Builds then fail with "cannot find
    package" or use other versions than go.sum pins.
    """,
    "Unset GO111MODULE (modules are the default since Go 1.16) or set it to on.",
    supersedes=("M001",),
    kinds=BUILDS,
    needs=TOOLCHAIN,
)
def gopath_mode_with_go_mod(audit: Audit) -> Iterator[Finding]:
    if audit.go is None:
        return
    for info in audit.go.modules:
        mod = info.gomod
        for ctx in _contexts_of(audit, mod.folder):
            mode = (go_value(ctx, "GO111MODULE") or value(ctx, "GO111MODULE") or "").lower()
            have = version_tuple(go_version(ctx, audit.disk))
            reason = None
            if mode == "off":
                reason = "GO111MODULE=off"
            elif mode == "auto" and have is not None and have < (1, 13):
                gopath = effective_gopath(ctx, audit.home)
                folder = audit.disk.realpath(mod.folder)
                if any(
                    folder.startswith(audit.disk.realpath(os.path.join(e, "src")) + os.sep)
                    for e in gopath.split(os.pathsep)
                    if e
                ):
                    reason = f"GO111MODULE=auto with {go_version(ctx, audit.disk)} inside $GOPATH/src"
            if reason is None:
                continue
            yield finding(
                "M011",
                Severity.ERROR,
                f"{ctx.label} builds {mod.module or mod.folder} in GOPATH mode ({reason}), ignoring go.mod",
                ctx,
                fix="Remove GO111MODULE=off (or set GO111MODULE=on) where it is set.",
                location=config_location(ctx, "GO111MODULE") or mod.module_location,
                variable="GO111MODULE",
                context_value=value(ctx, "GO111MODULE"),
                shell_value=value(audit.shell, "GO111MODULE") if audit.shell else None,
                provenance=layers(ctx, "GO111MODULE"),
            )


@rule(
    "M012",
    "vendor-inconsistent",
    "vendor/modules.txt does not match go.mod",
    Severity.ERROR,
    """
    When a vendor folder exists (and go.mod says go >= 1.14), go builds with -mod=vendor
    and first checks that vendor/modules.txt lists exactly go.mod's requirements; any
    difference fails every build with "inconsistent vendoring" until `go mod vendor` runs.
    """,
    "Run `go mod vendor` (or delete vendor/ and build with -mod=mod).",
    kinds=BUILDS,
    needs=FILES,
)
def vendor_inconsistent(audit: Audit) -> Iterator[Finding]:
    if audit.go is None:
        return
    for info in audit.go.modules:
        if info.vendored is None:
            continue
        vendored = {v.path: v for v in info.vendored}
        explicit = {v.path for v in info.vendored if v.explicit}
        problems: list[tuple[str, object]] = []
        for req in info.gomod.requires:
            v = vendored.get(req.path)
            if v is None:
                problems.append((f"{req.path} {req.version} is required but not vendored", req.location))
            elif v.version != req.version:
                problems.append(
                    (f"{req.path} is required at {req.version} but vendored at {v.version}", req.location)
                )
        required = {r.path for r in info.gomod.requires}
        for path in sorted(explicit - required):
            problems.append(
                (f"{path} is vendored as explicit but not required in go.mod", vendored[path].location)
            )
        for text, loc in problems[:20]:
            yield finding(
                "M012",
                Severity.ERROR,
                f"inconsistent vendoring: {text}",
                None,
                fix="Run `go mod vendor`.",
                location=loc,  # type: ignore[arg-type]
            )


@rule(
    "M013",
    "replace-missing-directory",
    "A replace directive points at a directory that does not exist",
    Severity.ERROR,
    """
    ``replace example.com/x => ../x`` needs ../x (relative to go.mod) to exist and hold a
    go.mod: a checkout layout that differs between machines (or a folder opened alone in
    the IDE) breaks every build.
    """,
    "Check out the replaced module at that path, or remove the replace directive.",
    kinds=BUILDS,
    needs=FILES,
)
def replace_missing_directory(audit: Audit) -> Iterator[Finding]:
    if audit.go is None:
        return
    for info in audit.go.modules:
        for rep, target, why in info.broken_replaces:
            yield finding(
                "M013",
                Severity.ERROR,
                f"replace {rep.old} => {rep.new}: {target} {why}",
                None,
                fix=f"Check out {rep.old} at {target}, or remove the replace directive.",
                location=rep.location,
            )


def match_prefix_patterns(patterns: str, path: str) -> bool:
    """Go's ``module.MatchPrefixPatterns``: comma-separated globs, each matching a prefix
    of ``path`` with the same number of elements."""
    import fnmatch

    parts = path.split("/")
    for pattern in filter(None, (p.strip() for p in patterns.split(","))):
        elems = pattern.rstrip("/").split("/")
        if len(parts) < len(elems):
            continue
        # path.Match per element: a * never crosses a slash.
        if all(fnmatch.fnmatchcase(p, e) for p, e in zip(parts, elems, strict=False)):
            return True
    return False


@rule(
    "M014",
    "private-host-not-in-goprivate",
    "A module git fetches from a rewritten (private) URL is not in GOPRIVATE",
    Severity.WARNING,
    """
    git's ``url.<ssh>.insteadOf <https>`` makes `git` use your SSH key for a private
    host, but go first asks the public proxy and checksum database for every module not
    covered by GOPRIVATE (or GONOPROXY/GONOSUMDB): 404/410 from proxy.golang.org, or
    "verifying module: ... 410 Gone".  It works in a shell that sets GOPRIVATE.
    """,
    "Add the host/prefix to GOPRIVATE (`go env -w GOPRIVATE=host/org/*`) so every context has it.",
    kinds=BUILDS,
    needs=SHELL,
)
def private_host_not_in_goprivate(audit: Audit) -> Iterator[Finding]:
    from ideaudit.sources.gitconfig import module_prefix

    if audit.go is None or not audit.go.rewrites:
        return
    prefixes = [(module_prefix(r.instead_of), r) for r in audit.go.rewrites]
    contexts = audit.ide_contexts("debug", "tests", "tools", "attach")
    if audit.shell is not None:
        contexts = [*contexts, audit.shell]
    for info in audit.go.modules:
        for req in info.gomod.requires:
            rewrite = next(
                (r for p, r in prefixes if p and (req.path == p or req.path.startswith(p.rstrip("/") + "/"))),
                None,
            )
            if rewrite is None:
                continue
            for ctx in contexts:
                private = _effective(ctx, "GOPRIVATE", "")
                nosum = _effective(ctx, "GONOSUMDB", "") or private
                noproxy = _effective(ctx, "GONOPROXY", "") or private
                if match_prefix_patterns(nosum, req.path) and match_prefix_patterns(noproxy, req.path):
                    continue
                yield finding(
                    "M014",
                    Severity.WARNING,
                    f"{req.path} is fetched through a rewritten URL ({rewrite.instead_of} -> "
                    f"{rewrite.base}, {rewrite.location}) but GOPRIVATE in {ctx.label} does not cover it",
                    ctx,
                    fix=f"`go env -w GOPRIVATE={req.path.rsplit('/', 1)[0]}/*` "
                    "(or add it to GOPRIVATE where it is set).",
                    location=req.location,
                    variable="GOPRIVATE",
                    context_value=private or None,
                    shell_value=_effective(audit.shell, "GOPRIVATE", "") or None if audit.shell else None,
                    provenance=layers(ctx, "GOPRIVATE"),
                )

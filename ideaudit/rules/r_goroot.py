"""R: GOROOT — is it a Go installation, and the same one your shell uses?"""

from __future__ import annotations

from collections.abc import Iterator

from ideaudit.model import Finding, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import BUILDS, SHELL, TOOLCHAIN, rule
from ideaudit.rules.common import (
    DiskFacts,
    config_location,
    effective_goroot,
    finding,
    layers,
    value,
)


def _describe(root: str, disk: DiskFacts) -> str:
    version = disk.version(root)
    return f"{root} ({version})" if version else root


@rule(
    "R001",
    "goroot-invalid",
    "GOROOT does not point at a Go installation",
    Severity.ERROR,
    """
    GOROOT must be the root of a Go installation (with bin/go and src/runtime).  A
    GOROOT left over from an uninstalled version, a relative path, or a version
    manager's shim directory makes every go command fail with "cannot find GOROOT
    directory" or "package runtime is not in std".
    """,
    "Remove GOROOT (go finds its own root) or point it at an existing installation.",
    kinds=BUILDS,
    needs=TOOLCHAIN,
)
def goroot_invalid(audit: Audit) -> Iterator[Finding]:
    for ctx in audit.ide_contexts():
        goroot = value(ctx, "GOROOT")
        if not goroot:
            continue
        problem = audit.disk.root_problem(goroot)
        if problem is None:
            continue
        yield finding(
            "R001",
            Severity.ERROR,
            f"GOROOT={goroot} in {ctx.label} is not a Go installation: {problem}",
            ctx,
            fix="Remove the GOROOT setting (go derives it from its own location) or point it "
            "at the root of an installed Go.",
            location=config_location(ctx, "GOROOT"),
            variable="GOROOT",
            context_value=goroot,
            shell_value=effective_goroot(audit.shell, audit.disk) if audit.shell else None,
            provenance=layers(ctx, "GOROOT"),
        )


@rule(
    "R002",
    "goroot-differs",
    "GOROOT differs from your shell's",
    Severity.WARNING,
    """
    The context uses another Go installation than your terminal (``go.goroot``, a
    GOROOT variable in the IDE's environment or a configuration).  Standard library,
    compiler version and default settings then differ.
    """,
    "Use the same Go in both: remove the GOROOT override or point it at the shell's GOROOT.",
    kinds=BUILDS,
    needs=SHELL,
)
def goroot_differs(audit: Audit) -> Iterator[Finding]:
    if audit.shell is None:
        return
    shell_root = effective_goroot(audit.shell, audit.disk)
    if shell_root is None:
        return
    for ctx in audit.ide_contexts("debug", "tests", "tools", "attach"):
        explicit = value(ctx, "GOROOT")
        if not explicit or audit.disk.root_problem(explicit) is not None:
            continue  # unset: P004 covers another go; invalid: R001
        if audit.disk.same_path(explicit, shell_root):
            continue
        yield finding(
            "R002",
            Severity.WARNING,
            f"{ctx.label} uses GOROOT {_describe(explicit, audit.disk)}; "
            f"your shell uses {_describe(shell_root, audit.disk)}",
            ctx,
            fix=f"Remove the GOROOT override at {config_location(ctx, 'GOROOT')} or set it to {shell_root}.",
            location=config_location(ctx, "GOROOT"),
            variable="GOROOT",
            context_value=explicit,
            shell_value=shell_root,
            provenance=layers(ctx, "GOROOT"),
        )


@rule(
    "R003",
    "goroot-binary-mismatch",
    "GOROOT belongs to another Go than the `go` that runs",
    Severity.ERROR,
    """
    The ``go`` binary found on PATH belongs to one installation while GOROOT names
    another: go then compiles with one version's compiler against another version's
    standard library ("compile: version go1.x does not match go tool version go1.y").
    """,
    "Make GOROOT and PATH agree: remove GOROOT, or put $GOROOT/bin first on PATH.",
    kinds=BUILDS,
    needs=TOOLCHAIN,
)
def goroot_binary_mismatch(audit: Audit) -> Iterator[Finding]:
    for ctx in audit.ide_contexts("debug", "tests", "tools", "terminal", "attach"):
        explicit = value(ctx, "GOROOT")
        go = ctx.tools.get("go")
        if not explicit or go is None or not go.path or audit.disk.root_problem(explicit) is not None:
            continue
        own = audit.disk.go_root(go.path)
        if own is None or audit.disk.same_path(own, explicit):
            continue
        yield finding(
            "R003",
            Severity.ERROR,
            f"{ctx.label} runs {go.path} (from {_describe(own, audit.disk)}) "
            f"with GOROOT={_describe(explicit, audit.disk)}",
            ctx,
            fix=f"Remove GOROOT, or put {explicit}/bin first on PATH.",
            location=config_location(ctx, "GOROOT"),
            variable="GOROOT",
            context_value=explicit,
            shell_value=effective_goroot(audit.shell, audit.disk) if audit.shell else None,
            provenance=layers(ctx, "GOROOT"),
        )

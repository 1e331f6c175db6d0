"""C: cgo — is it on where you expect, with a C compiler the context can find?"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ideaudit.model import Finding, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.common import (
    c_compiler,
    compare_with_shell,
    config_location,
    effective_cgo,
    finding,
    finds_executable,
    layers,
    value,
)
from ideaudit.rules.registry import rule


@rule(
    "C001",
    "cgo-enabled-differs",
    "CGO_ENABLED differs from your shell",
    Severity.WARNING,
    """
    With CGO_ENABLED=0 packages that need cgo do not build, and net switches to the
    pure-Go DNS resolver (different behaviour with VPNs, /etc/nsswitch.conf, mDNS);
    with 1, a C compiler is needed.  A difference between IDE and shell means tests
    and binaries behave differently in the two.
    """,
    "Set CGO_ENABLED the same way in both, or remove the override.",
)
def cgo_enabled_differs(audit: Audit) -> Iterable[Finding]:
    return compare_with_shell(
        audit,
        "C001",
        Severity.WARNING,
        "CGO_ENABLED",
        "cgo packages build in one and not the other, and DNS resolution differs",
        effective=effective_cgo,
    )


@rule(
    "C002",
    "cc-differs",
    "CC differs from your shell",
    Severity.WARNING,
    """
    cgo compiles C with $CC (default gcc).  A CC from another environment (a macOS
    Homebrew path, a cross compiler, an MSYS2 path) gives "exec: ...: not found" or
    objects that do not link.
    """,
    "Use the same CC in both, or remove the override.",
)
def cc_differs(audit: Audit) -> Iterable[Finding]:
    return compare_with_shell(audit, "C002", Severity.WARNING, "CC", "cgo compiles C with another compiler")


@rule(
    "C003",
    "cgo-without-compiler",
    "cgo is enabled but no C compiler is on this context's PATH",
    Severity.ERROR,
    """
    CGO_ENABLED=1 (set explicitly) with a $CC that is not on the context's PATH makes
    every package that uses cgo (net, os/user with some tags, sqlite drivers) fail with
    `cgo: C compiler "gcc" not found: exec: "gcc": executable file not found in $PATH`.
    """,
    "Install a C compiler on the context's PATH, fix CC, or set CGO_ENABLED=0 deliberately.",
)
def cgo_without_compiler(audit: Audit) -> Iterator[Finding]:
    for ctx in audit.ide_contexts("debug", "tests", "tools", "attach"):
        if effective_cgo(ctx) != "1" or value(ctx, "CGO_ENABLED") != "1":
            continue
        cc = c_compiler(ctx)
        if finds_executable(cc, value(ctx, "PATH")):
            continue
        shell_cc = c_compiler(audit.shell) if audit.shell else None
        yield finding(
            "C003",
            Severity.ERROR,
            f"CGO_ENABLED=1 in {ctx.label}, but the C compiler {cc!r} is not found on its PATH",
            ctx,
            fix=f"Install {cc} or set CC to a compiler on PATH"
            + (f" (your shell uses {shell_cc})" if shell_cc and shell_cc != cc else "")
            + "; or set CGO_ENABLED=0 if you do not need cgo.",
            location=config_location(ctx, "CC") if value(ctx, "CC") else config_location(ctx, "CGO_ENABLED"),
            variable="CC",
            context_value=value(ctx, "CC") or cc,
            shell_value=value(audit.shell, "CC") if audit.shell else None,
            provenance=layers(ctx, "CC") or layers(ctx, "CGO_ENABLED"),
        )

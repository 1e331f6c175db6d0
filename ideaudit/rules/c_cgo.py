"""C: cgo — is it on where you expect, with a C compiler the context can find?"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator

from ideaudit._fast.lazyre import lazy_re
from ideaudit.model import Finding, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import BUILDS, IDE, SHELL, TOOLCHAIN, rule
from ideaudit.rules.common import (
    c_compiler,
    compare_with_shell,
    config_location,
    effective_cgo,
    finding,
    layers,
    value,
)


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
    kinds=BUILDS,
    needs=SHELL,
)
def cgo_enabled_differs(audit: Audit) -> Iterable[Finding]:
    return compare_with_shell(
        audit,
        "C001",
        Severity.WARNING,
        "CGO_ENABLED",
        "cgo packages build in one and not the other, and DNS resolution differs",
        effective=lambda ctx: effective_cgo(ctx, audit.disk),
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
    kinds=BUILDS,
    needs=SHELL,
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
    supersedes=("C002",),
    kinds=BUILDS,
    needs=TOOLCHAIN,
)
def cgo_without_compiler(audit: Audit) -> Iterator[Finding]:
    for ctx in audit.ide_contexts("debug", "tests", "tools", "attach"):
        # Explicitly on, or on by go's own account (go env): either way cgo will run CC.
        if effective_cgo(ctx, audit.disk) != "1" or (value(ctx, "CGO_ENABLED") != "1" and ctx.go_env is None):
            continue
        cc = c_compiler(ctx)
        if audit.disk.find(cc, value(ctx, "PATH")):
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


_FOREIGN = (
    (lazy_re(r"^[A-Za-z]:[\\/]"), "a Windows path"),
    (lazy_re(r"\.exe$", re.IGNORECASE), "a Windows executable"),
    (lazy_re(r"(^|/)(mingw32|mingw64|ucrt64|clang64|msys64)(/|$)", re.IGNORECASE), "an MSYS2 toolchain"),
    (lazy_re(r"^/mnt/[a-z]/"), "a Windows drive mounted in WSL"),
    (lazy_re(r"^/(opt/homebrew|usr/local/Cellar)/"), "a macOS Homebrew path"),
)


@rule(
    "C004",
    "compiler-from-another-environment",
    "CC or CXX comes from another environment",
    Severity.WARNING,
    """
    A C compiler path written for another system (a Windows ``C:\\...\\gcc.exe``, an MSYS2
    ``/mingw64/bin/gcc`` used from WSL, a Homebrew path on Linux) in a shared config:
    cgo fails with "exec: ...: not found", or mixes objects of two ABIs.
    """,
    "Set CC/CXX per machine (your shell, or the user settings), not in shared files.",
    supersedes=("C002",),
    kinds=BUILDS,
    needs=IDE,
)
def compiler_from_another_environment(audit: Audit) -> Iterator[Finding]:
    if sys.platform == "win32":
        return
    contexts = audit.ide_contexts()
    if audit.shell is not None:
        contexts = [audit.shell, *contexts]
    for ctx in contexts:
        for name in ("CC", "CXX"):
            cc = value(ctx, name)
            if not cc:
                continue
            program = cc.split()[0]
            what = next((desc for pattern, desc in _FOREIGN if pattern.search(program)), None)
            if what is None or (what == "a macOS Homebrew path" and sys.platform == "darwin"):
                continue
            yield finding(
                "C004",
                Severity.WARNING,
                f"{name}={cc} in {ctx.label} is {what}, not a compiler of this system",
                ctx,
                fix=f"Remove {name} from the shared configuration and set it per machine.",
                location=config_location(ctx, name),
                variable=name,
                context_value=cc,
                shell_value=value(audit.shell, name) if audit.shell else None,
                provenance=layers(ctx, name),
            )


@rule(
    "C005",
    "goos-differs",
    "GOOS differs from your shell",
    Severity.WARNING,
    """
    A GOOS set in one place only cross-compiles there: the debugger cannot run the
    binary, tests fail with "exec format error", and gopls type-checks other files
    (build constraints).
    """,
    "Set GOOS only where you mean to cross-compile (a task), not in the IDE's environment.",
    kinds=BUILDS,
    needs=SHELL,
)
def goos_differs(audit: Audit) -> Iterable[Finding]:
    return compare_with_shell(
        audit, "C005", Severity.WARNING, "GOOS", "the IDE builds for another operating system"
    )


@rule(
    "C006",
    "goarch-differs",
    "GOARCH differs from your shell",
    Severity.WARNING,
    """
    A GOARCH set in one place only: binaries for another architecture (Apple silicon
    vs amd64, arm64 servers), "exec format error", other build constraints.
    """,
    "Set GOARCH only where you mean to cross-compile, not in the IDE's environment.",
    kinds=BUILDS,
    needs=SHELL,
)
def goarch_differs(audit: Audit) -> Iterable[Finding]:
    return compare_with_shell(
        audit, "C006", Severity.WARNING, "GOARCH", "the IDE builds for another architecture"
    )

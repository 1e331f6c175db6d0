"""G: GOPATH — the same workspace and tool directory as your shell, and well-formed."""

from __future__ import annotations

import os
from collections.abc import Iterator

from ideaudit.model import Finding, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.common import (
    config_location,
    effective_gopath,
    effective_goroot,
    finding,
    layers,
    same_path,
    value,
)
from ideaudit.rules.registry import rule


@rule(
    "G001",
    "gopath-differs",
    "GOPATH differs from your shell's",
    Severity.WARNING,
    """
    GOPATH decides where `go install` puts tools (GOPATH/bin), where the module cache
    lives and, in GOPATH mode, where imports are found.  A different GOPATH in the
    IDE means tools installed from the terminal are "not found" and every download
    happens twice.
    """,
    "Use one GOPATH: set it where both the IDE and the shell read it, or remove the override.",
)
def gopath_differs(audit: Audit) -> Iterator[Finding]:
    if audit.shell is None:
        return
    shell_gopath = effective_gopath(audit.shell, audit.home)
    for ctx in audit.ide_contexts("debug", "tests", "tools", "attach"):
        gp = effective_gopath(ctx, audit.home)
        if gp == shell_gopath or same_path(gp, shell_gopath):
            continue
        yield finding(
            "G001",
            Severity.WARNING,
            f"GOPATH is {gp} in {ctx.label} but {shell_gopath} in your shell"
            + ("" if value(ctx, "GOPATH") else " (unset here, so Go's default $HOME/go)"),
            ctx,
            fix=f"Give the IDE the same GOPATH ({shell_gopath}): export it in a login file "
            "(~/.profile, ~/.zprofile) or set go.gopath.",
            location=config_location(ctx, "GOPATH"),
            variable="GOPATH",
            context_value=value(ctx, "GOPATH"),
            shell_value=value(audit.shell, "GOPATH"),
            provenance=layers(ctx, "GOPATH"),
        )


def gopath_defects(gopath: str, goroot: str | None) -> list[str]:
    """What go (and tools) reject in a GOPATH value, in the user's words."""
    defects = []
    for entry in gopath.split(os.pathsep):
        if entry == "":
            continue
        if entry.startswith("~"):
            defects.append(f"{entry!r} starts with ~, which go does not expand")
        elif not os.path.isabs(entry):
            defects.append(f"{entry!r} is relative (go: GOPATH entry is relative; must be absolute path)")
        if "\\" in entry and os.sep == "/":
            defects.append(f"{entry!r} contains backslashes")
        if goroot and os.path.realpath(entry) == os.path.realpath(goroot):
            defects.append(f"{entry!r} is the same as GOROOT (go: GOPATH and GOROOT are the same directory)")
    if os.pathsep == ":" and ";" in gopath:
        defects.append("entries are separated by ';' but the list separator here is ':'")
    if gopath != gopath.strip():
        defects.append("it has leading or trailing spaces")
    return defects


@rule(
    "G002",
    "gopath-malformed",
    "GOPATH is malformed",
    Severity.ERROR,
    """
    go rejects a GOPATH entry that is relative, starts with ``~`` (no shell expands it
    in a JSON file), uses the wrong list separator, or equals GOROOT.
    """,
    "Use absolute paths separated by ':' (';' on Windows), different from GOROOT.",
)
def gopath_malformed(audit: Audit) -> Iterator[Finding]:
    contexts = audit.ide_contexts()
    if audit.shell is not None:
        contexts = [*contexts, audit.shell]
    for ctx in contexts:
        gopath = value(ctx, "GOPATH")
        if not gopath:
            continue
        defects = gopath_defects(gopath, effective_goroot(ctx))
        if not defects:
            continue
        yield finding(
            "G002",
            Severity.ERROR,
            f"GOPATH={gopath!r} in {ctx.label}: " + "; ".join(defects),
            ctx,
            fix="Write GOPATH as absolute paths (expand ~ yourself, or use ${userHome} / "
            "${env:HOME} in VS Code files).",
            location=config_location(ctx, "GOPATH"),
            variable="GOPATH",
            context_value=gopath,
            shell_value=value(audit.shell, "GOPATH") if audit.shell else None,
            provenance=layers(ctx, "GOPATH"),
        )

"""G: GOPATH — the same workspace and tool directory as your shell, and well-formed."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from ideaudit.model import Finding, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import BUILDS, FILES, SHELL, rule
from ideaudit.rules.common import (
    DiskFacts,
    config_location,
    decided_by_config,
    effective_gopath,
    effective_goroot,
    finding,
    layers,
    shell_origin,
    value,
)


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
    kinds=BUILDS,
    needs=SHELL,
)
def gopath_differs(audit: Audit) -> Iterator[Finding]:
    if audit.shell is None:
        return
    shell_gopath = effective_gopath(audit.shell, audit.home)
    for ctx in audit.ide_contexts("debug", "tests", "tools", "attach"):
        gp = effective_gopath(ctx, audit.home)
        if gp == shell_gopath or audit.disk.same_path(gp, shell_gopath):
            continue
        yield finding(
            "G001",
            Severity.WARNING,
            f"GOPATH is {gp} in {ctx.label} but {shell_gopath} in your shell"
            + ("" if value(ctx, "GOPATH") else " (unset here, so Go's default $HOME/go)"),
            ctx,
            fix=f"Give the IDE the same GOPATH ({shell_gopath}): export it in a login file "
            "(~/.profile, ~/.zprofile) or set go.gopath.",
            location=(
                config_location(ctx, "GOPATH")
                if decided_by_config(ctx, "GOPATH")
                else shell_origin(audit, "GOPATH") or ctx.defined_at
            ),
            variable="GOPATH",
            context_value=value(ctx, "GOPATH"),
            shell_value=value(audit.shell, "GOPATH"),
            provenance=layers(ctx, "GOPATH"),
        )


def _windows_list(value: str) -> bool:
    """A Windows path list: an entry with a drive letter (``C:\\x``, ``D:/x``), or ';'
    between entries that have backslashes."""
    entries = [e.strip() for e in value.split(";")]
    if any(re.match(r"^[A-Za-z]:[\\/]", e) for e in entries):
        return True
    return len(entries) > 1 and any("\\" in e for e in entries)


def gopath_defects(gopath: str, goroot: str | None, disk: DiskFacts) -> list[str]:
    """What go (and tools) reject in a GOPATH value, in the user's words."""
    if os.pathsep == ":" and _windows_list(gopath):
        # terraform's settings.json: "go.gopath": "D:\\...\\src;D:\\...\\vendor".  Split on
        # ':' it is junk ("'D' is relative", "'\\CSG...;D' contains backslashes"); say
        # what it is instead: a Windows list that go here cannot use.
        entries = [e for e in gopath.split(";") if e.strip()]
        return [
            f"it is a Windows path list ({len(entries)} {'entry' if len(entries) == 1 else 'entries'}, "
            f"like {entries[0]!r}): go here splits GOPATH on ':' and rejects it (GOPATH entry is "
            "relative), so it works only on Windows"
        ]
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
        if goroot and disk.realpath(entry) == disk.realpath(goroot):
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
    supersedes=("G001",),
    kinds=BUILDS,
    needs=FILES,
)
def gopath_malformed(audit: Audit) -> Iterator[Finding]:
    contexts = audit.ide_contexts()
    if audit.shell is not None:
        contexts = [*contexts, audit.shell]
    for ctx in contexts:
        gopath = value(ctx, "GOPATH")
        if not gopath:
            continue
        defects = gopath_defects(gopath, effective_goroot(ctx, audit.disk), audit.disk)
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


@rule(
    "G003",
    "goenv-file-overridden",
    "A `go env -w` setting is overridden by the environment in one place but not another",
    Severity.WARNING,
    """
    ``go env -w NAME=value`` writes to the go env file (``$GOENV``, default
    ``~/.config/go/env``); a non-empty environment variable of the same name beats it.
    When one context sets the variable and the other does not, the value you chose with
    ``go env -w`` applies in one and is silently ignored in the other.
    """,
    "Remove the variable from the configuration that overrides it, or set it the same way everywhere.",
    kinds=BUILDS,
    needs=SHELL,
)
def goenv_file_overridden(audit: Audit) -> Iterator[Finding]:
    from ideaudit.sources.goenvfile import goenv_path

    if audit.go is None or audit.shell is None:
        return
    shell = audit.shell

    def entries(ctx_env: dict[str, str]) -> dict[str, tuple[str, object]]:
        path = goenv_path(ctx_env, audit.home)
        found = audit.go.goenv_files.get(path or "", ()) if audit.go else ()
        return {e.name: (e.value, e.location) for e in found}

    shell_file = entries(shell.env.plain())
    for ctx in audit.ide_contexts("debug", "tests", "tools", "attach", "terminal"):
        for name, (file_value, file_loc) in entries(ctx.env.plain()).items():
            here = value(ctx, name)
            there = value(shell, name)
            overridden_here = bool(here) and here != file_value
            overridden_there = bool(there) and there != shell_file.get(name, ("",))[0]
            if overridden_here == overridden_there:
                continue
            if overridden_here:
                chain = layers(ctx, name)
                by = chain[-1].source if chain else "the environment"
                msg = (
                    f"your `go env -w {name}={file_value}` ({file_loc}) is ignored by {ctx.label} "
                    f"because {by} sets {name}={here}"
                )
                where = config_location(ctx, name)
            else:
                msg = (
                    f"your `go env -w {name}={file_value}` ({file_loc}) applies in {ctx.label}, "
                    f"but your shell overrides it with {name}={there}"
                )
                where = None
            yield finding(
                "G003",
                Severity.WARNING,
                msg,
                ctx,
                fix=f"Set {name} in one place: remove the override, or `go env -u {name}` and "
                "set it in the environment everywhere.",
                location=where,
                variable=name,
                context_value=here or file_value,
                shell_value=there or str(shell_file.get(name, ("",))[0]) or None,
                provenance=layers(ctx, name),
            )


@rule(
    "G004",
    "module-path-mismatch-gopath",
    "The module path does not match the folder under $GOPATH/src",
    Severity.WARNING,
    """
    A module inside ``$GOPATH/src`` whose ``module`` line differs from its directory
    (``$GOPATH/src/github.com/a/b`` declaring ``module example.com/x``): in GOPATH mode
    (GO111MODULE=off, or auto with old Go) imports resolve by directory and break, and
    tools disagree on the package's import path.
    """,
    "Move the module out of GOPATH, or make the module path match the directory.",
    kinds=BUILDS,
    needs=SHELL,
)
def module_path_mismatch(audit: Audit) -> Iterator[Finding]:
    if audit.go is None or audit.shell is None:
        return
    gopath = effective_gopath(audit.shell, audit.home)
    for info in audit.go.modules:
        mod = info.gomod
        if not mod.module:
            continue
        folder = audit.disk.realpath(mod.folder)
        for entry in gopath.split(os.pathsep):
            src = audit.disk.realpath(os.path.join(entry, "src")) + os.sep
            if not folder.startswith(src):
                continue
            expected = folder[len(src) :].replace(os.sep, "/")
            if expected != mod.module:
                yield finding(
                    "G004",
                    Severity.WARNING,
                    f"module {mod.module} is in {os.path.join(entry, 'src', expected)}, "
                    f"where GOPATH mode expects the import path {expected}",
                    None,
                    fix=f"Move the module out of {entry}/src, or change its module line to {expected}.",
                    location=mod.module_location,
                )

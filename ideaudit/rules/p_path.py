"""P: PATH and tools — can each context find ``go``, ``dlv`` and ``gopls``, the same ones?"""

from __future__ import annotations

import os
from collections.abc import Iterator

from ideaudit.model import Finding, Location, Severity, ToolLookup
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import BUILDS, DEBUGGERS, FILES, SHELL, TOOLCHAIN, rule
from ideaudit.rules.common import (
    DiskFacts,
    config_location,
    decided_by_config,
    deciding_location,
    finding,
    how_to,
    is_config_layer,
    layers,
    shell_origin,
    split_path,
    value,
)

GO_USERS = ("debug", "tests", "tools", "terminal")


def shell_tool(audit: Audit, tool: str) -> str | None:
    """Where your shell finds ``tool``: on PATH, else in its GOBIN or GOPATH/bin."""
    shell = audit.shell
    if shell is None:
        return None
    lookup = shell.tools.get(tool)
    if lookup is not None and lookup.path:
        return lookup.path
    return None


def _searched(lookup: ToolLookup) -> str:
    searched = list(dict.fromkeys(lookup.searched))
    # vscode-go splits go.gopath/go.toolsGopath on ':' here, so a Windows list (terraform's
    # "D:\\...;D:\\...") becomes pieces like "D/bin" and "\\CSG\\...;D/bin": relative, never
    # found, and noise in the message.  Name how many there were instead.
    dirs = [d for d in searched if os.path.isabs(d)]
    junk = [d for d in searched if not os.path.isabs(d)]
    if len(dirs) > 6:
        dirs = [*dirs[:6], f"... {len(dirs) - 6} more"]
    if junk:
        windows = any("\\" in d or ";" in d for d in junk)
        dirs.append(
            f"{len(junk)} relative {'entry' if len(junk) == 1 else 'entries'}"
            + (" (a Windows path list split on ':')" if windows else "")
        )
    return ", ".join(dirs) or "(nothing: PATH is empty)"


def _version(go_path: str, disk: DiskFacts) -> str:
    root = disk.go_root(go_path)
    version = disk.version(root) if root else None
    return f"{go_path} ({version})" if version else go_path


@rule(
    "P001",
    "go-not-found",
    "`go` is not found in this context, but your shell finds it",
    Severity.ERROR,
    """
    The IDE, its debugger or its tools do not see the PATH your terminal has.  Typical
    causes: the line that puts Go on PATH is in an interactive-only file (~/.bashrc,
    ~/.zshrc) that a GUI-launched IDE never reads, the IDE was started from a desktop
    launcher before the change, or a configuration replaces PATH.  vscode-go then
    reports `Failed to find the "go" binary in either GOROOT() or PATH`.
    """,
    "Put the directory of your `go` on PATH where the IDE reads it (~/.profile, "
    "~/.bash_profile, ~/.zprofile), restart the IDE, or set go.alternateTools.go.",
    kinds=BUILDS,
    needs=SHELL,
)
def go_not_found(audit: Audit) -> Iterator[Finding]:
    shell_go = shell_tool(audit, "go")
    if shell_go is None:
        return
    go_dir = os.path.dirname(shell_go)
    for ctx in audit.ide_contexts(*GO_USERS):
        lookup = ctx.tools.get("go")
        if lookup is None or lookup.found:
            continue
        # A configuration that set PATH here, else the dotfile line that gave your shell
        # this directory (and that the IDE's start-up does not read).
        where = config_location(ctx, "PATH") if decided_by_config(ctx, "PATH") else None
        where = where or shell_origin(audit, "PATH", go_dir) or ctx.defined_at
        if ctx.kind == "debug":
            added = how_to(ctx, "add_path", audit.home, dir=go_dir, sentence=True)
            fix = f"{added}; or fix the IDE's PATH at its source."
        else:
            fix = (
                f"Make {go_dir} part of PATH where a GUI-launched IDE reads it (~/.profile, "
                f"~/.bash_profile or ~/.zprofile), or {how_to(ctx, 'pin_go', audit.home, go=shell_go)}."
            )
        yield finding(
            "P001",
            Severity.ERROR,
            f"go is not found in {ctx.label}; your shell runs {shell_go}. Looked in: " + _searched(lookup),
            ctx,
            fix=fix,
            location=where,
            variable="PATH",
            context_value=value(ctx, "PATH"),
            shell_value=value(audit.shell, "PATH") if audit.shell else None,
            provenance=layers(ctx, "PATH"),
        )


@rule(
    "P009",
    "go-not-installed",
    "`go` is found neither by your shell nor by the IDE",
    Severity.ERROR,
    """
    Your terminal has no `go` on PATH, and neither do the IDE's contexts: Go is not
    installed, or installed somewhere nothing puts on PATH.  This comes before any
    other finding about tools: dlv and gopls are installed with `go install`, and the
    IDE cannot build, test or debug anything without go.
    """,
    "Install Go and put its bin directory on PATH in a file your login shell reads "
    "(~/.profile, ~/.bash_profile, ~/.zprofile, fish config.fish), then restart the IDE.",
    kinds=BUILDS,
    needs=SHELL,
)
def go_not_installed(audit: Audit) -> Iterator[Finding]:
    shell = audit.shell
    if shell is None or not _no_go_anywhere(audit):
        return
    for ctx in [shell, *audit.ide_contexts(*GO_USERS)]:
        lookup = ctx.tools.get("go")
        if lookup is None or lookup.found:
            continue
        # One message for every context (the finding is merged into one cause), so
        # nothing here may depend on the context but its label.
        yield finding(
            "P009",
            Severity.ERROR,
            f"go is not installed: no go in {ctx.label}, and none on your shell's PATH either",
            ctx,
            fix="Install Go and put its bin directory on PATH in a file your login shell reads "
            "(~/.profile, ~/.bash_profile, ~/.zprofile or fish's config.fish); then restart the IDE.",
        )


def _no_go_anywhere(audit: Audit) -> bool:
    """Neither your shell nor any IDE context that runs go finds one: go is not installed
    (or nothing puts it on PATH).  When an IDE context does find go, Go is installed and
    the other findings (P001 for a context without it) say where it is missing."""
    if audit.shell is None or shell_tool(audit, "go") is not None:
        return False
    return not any(
        (lookup := ctx.tools.get("go")) is not None and lookup.found for ctx in audit.ide_contexts(*GO_USERS)
    )


def _tool_missing(audit: Audit, tool: str, kinds: tuple[str, ...], code: str) -> Iterator[Finding]:
    shell_has = shell_tool(audit, tool)
    if shell_has is None and _no_go_anywhere(audit):
        return  # P009 says first that there is no go at all: `go install` cannot help yet
    for ctx in audit.ide_contexts(*kinds):
        lookup = ctx.tools.get(tool)
        if lookup is None or lookup.found:
            continue
        if shell_has:
            msg = f"{tool} is not found in {ctx.label}; your shell finds {shell_has}"
            fix = (
                f'Set "go.alternateTools": {{"{tool}": "{shell_has}"}}, or make '
                f"{os.path.dirname(shell_has)} visible to the IDE (GOBIN, GOPATH/bin or PATH)."
            )
        else:
            pkg = {
                "dlv": "github.com/go-delve/delve/cmd/dlv@latest",
                "gopls": "golang.org/x/tools/gopls@latest",
            }[tool]
            msg = f"{tool} is not installed: {ctx.label} does not find it, nor does your shell"
            fix = f"Run `go install {pkg}` (it lands in GOBIN or GOPATH/bin)."
        yield finding(
            code,
            Severity.ERROR if tool == "dlv" else Severity.WARNING,
            msg + ". vscode-go looked in: " + _searched(lookup),
            ctx,
            fix=fix,
            # Not the configuration that needs the tool: vscode-go looks dlv up the same
            # way for every launch configuration (temporalio/temporal's seven configs
            # gave seven copies of one "dlv is not installed").  A place only when a
            # configuration decided GOPATH; otherwise the cause is the IDE's environment,
            # one for every context, so the findings merge into one.
            location=config_location(ctx, "GOPATH") if decided_by_config(ctx, "GOPATH") else None,
            variable="GOPATH",
            context_value=value(ctx, "GOPATH"),
            shell_value=value(audit.shell, "GOPATH") if audit.shell else None,
            provenance=layers(ctx, "GOPATH"),
        )


@rule(
    "P002",
    "dlv-not-found",
    "The debugger (dlv) is not found",
    Severity.ERROR,
    """
    vscode-go looks for dlv in go.alternateTools.dlv, $GOBIN, each GOPATH/bin,
    GOROOT/bin and PATH (``dlvToolPath`` in launch.json is ignored).  When `go install`
    put dlv in a GOPATH/bin that the IDE does not know (a GOPATH set only in your
    shell), debugging fails with "cannot find Delve debugger".
    """,
    "Point go.alternateTools.dlv at the binary, or give the IDE the same GOPATH/GOBIN.",
    kinds=DEBUGGERS,
    needs=SHELL,
)
def dlv_not_found(audit: Audit) -> Iterator[Finding]:
    return _tool_missing(audit, "dlv", DEBUGGERS, "P002")


@rule(
    "P003",
    "gopls-not-found",
    "The language server (gopls) is not found",
    Severity.WARNING,
    """
    Without gopls there is no completion, navigation or diagnostics; vscode-go offers
    to install it, often with a different Go than your shell's.
    """,
    "Point go.alternateTools.gopls at the binary, or give the IDE the same GOPATH/GOBIN.",
    needs=SHELL,
)
def gopls_not_found(audit: Audit) -> Iterator[Finding]:
    if audit.shell is None:
        return iter(())
    return _tool_missing(audit, "gopls", ("tools",), "P003")


@rule(
    "P004",
    "different-go",
    "This context runs a different `go` than your shell",
    Severity.WARNING,
    """
    Two Go installations on one machine: the IDE finds one, your terminal another
    (another version, another GOROOT, another GOPATH default).  Builds and tests then
    differ in ways that look unrelated: "go.mod requires go >= ...", vet or gopls
    errors only in the editor, different test results.
    """,
    "Make both find the same go: fix the PATH order, or set go.alternateTools.go / "
    "go.goroot to the shell's Go.",
    kinds=BUILDS,
    needs=SHELL,
)
def different_go(audit: Audit) -> Iterator[Finding]:
    shell_go = shell_tool(audit, "go")
    if shell_go is None:
        return
    for ctx in audit.ide_contexts(*GO_USERS):
        lookup = ctx.tools.get("go")
        if lookup is None or not lookup.path or audit.disk.same_path(lookup.path, shell_go):
            continue
        via = f" (found via {lookup.via})"
        yield finding(
            "P004",
            Severity.WARNING,
            f"{ctx.label} runs {_version(lookup.path, audit.disk)}{via}; "
            f"your shell runs {_version(shell_go, audit.disk)}",
            ctx,
            fix=how_to(ctx, "pin_go", audit.home, go=shell_go, sentence=True)
            + f", or fix the PATH order so {os.path.dirname(shell_go)} comes first.",
            location=lookup.location or config_location(ctx, "PATH"),
            variable="PATH",
            context_value=lookup.path,
            shell_value=shell_go,
            provenance=layers(ctx, "PATH") if lookup.via == "PATH" else (),
        )


@rule(
    "P005",
    "path-override",
    "A configuration replaces PATH instead of extending it",
    Severity.ERROR,
    """
    ``"PATH": "/usr/local/go/bin"`` in launch.json env, go.toolsEnvVars or a terminal
    env replaces the whole inherited PATH: go may be found, but git, gcc, the
    compiler tool chain and everything else are not.  Keep the inherited value with
    ``${env:PATH}``.
    """,
    'Write "PATH": "/your/dir:${env:PATH}" so the inherited PATH is kept.',
    needs=FILES,
)
def path_override(audit: Audit) -> Iterator[Finding]:
    for ctx in audit.ide_contexts():
        chain = layers(ctx, "PATH")
        previous: str | None = None
        for layer in chain:
            if is_config_layer(layer) and previous and layer.value is not None:
                kept = set(split_path(layer.value))
                lost = [d for d in split_path(previous) if d not in kept]
                if lost:
                    yield finding(
                        "P005",
                        Severity.ERROR,
                        f"{layer.source} sets PATH to {layer.raw or layer.value!r}, dropping "
                        f"{len(lost)} inherited entr{'y' if len(lost) == 1 else 'ies'} "
                        f"({', '.join(lost[:4])}{', ...' if len(lost) > 4 else ''})",
                        ctx,
                        fix=f'Write "PATH": "{layer.raw or layer.value}:${{env:PATH}}".',
                        location=layer.location,
                        variable="PATH",
                        context_value=layer.value,
                        shell_value=previous,
                        provenance=chain,
                    )
            previous = layer.value if layer.value is not None else previous


@rule(
    "P006",
    "go-fallback-only",
    "`go` is found only through vscode-go's fallback locations",
    Severity.WARNING,
    """
    When go is on neither GOROOT/bin nor PATH, vscode-go tries /usr/local/go/bin/go and
    /usr/local/bin/go.  It works for the extension, but anything started outside it
    (tasks, other extensions, a terminal opened before) does not find go, and the
    fallback is often an old installation rather than the Go your shell uses.
    """,
    "Put the Go you use on PATH where the IDE reads it, or set go.alternateTools.go.",
    kinds=BUILDS,
    needs=SHELL,
)
def go_fallback_only(audit: Audit) -> Iterator[Finding]:
    for ctx in audit.ide_contexts("tools"):
        lookup = ctx.tools.get("go")
        if lookup is None or lookup.via != "fallback" or not lookup.path:
            continue
        yield finding(
            "P006",
            Severity.WARNING,
            f"{ctx.label} finds go only at the fallback {lookup.path}; it is not on PATH",
            ctx,
            fix="Put the directory of the Go you use on PATH where the IDE reads it, or set "
            '"go.alternateTools": {"go": "/path/to/go"}.',
            location=deciding_location(ctx, "PATH"),
            variable="PATH",
            context_value=value(ctx, "PATH"),
            shell_value=value(audit.shell, "PATH") if audit.shell else None,
            provenance=layers(ctx, "PATH"),
        )


def _minor(version: str | None) -> tuple[int, ...] | None:
    from ideaudit.sources.gomod import version_tuple

    parsed = version_tuple(version)
    return parsed[:2] if parsed else None


@rule(
    "P007",
    "tool-built-with-older-go",
    "dlv or gopls was built with an older Go than the one it works with",
    Severity.WARNING,
    """
    dlv and gopls are Go programs; their build info says which Go built them (what
    `go version -m` prints, read here without running them).  A dlv built with an older
    Go usually predates the Go it must debug ("Go version 1.22 is too recent (maximum
    supported version 1.20)"); a gopls built with an older Go cannot type-check code
    that uses newer language features.
    """,
    "Reinstall it with the Go this context uses: `go install github.com/go-delve/delve/cmd/dlv@latest` "
    "or `go install golang.org/x/tools/gopls@latest`.",
    needs=TOOLCHAIN,
)
def tool_built_with_older_go(audit: Audit) -> Iterator[Finding]:
    from ideaudit.rules.common import go_version

    seen: set[tuple[str, str]] = set()
    for ctx in audit.ide_contexts("debug", "exec", "tests", "tools", "attach"):
        runs = go_version(ctx, audit.disk)
        runs_minor = _minor(runs)
        if runs_minor is None:
            continue
        for tool in ("dlv", "gopls"):
            lookup = ctx.tools.get(tool)
            if lookup is None or not lookup.path or (tool, ctx.id) in seen:
                continue
            built = audit.go.build_versions.get(lookup.path) if audit.go else None
            built_minor = _minor(built)
            if built_minor is None or built_minor >= runs_minor:
                continue
            seen.add((tool, ctx.id))
            pkg = "github.com/go-delve/delve/cmd/dlv" if tool == "dlv" else "golang.org/x/tools/gopls"
            yield finding(
                "P007",
                Severity.WARNING,
                f"{lookup.path} was built with {built}, but {ctx.label} runs {runs}",
                ctx,
                fix=f"Reinstall it with {runs}: `go install {pkg}@latest`.",
                location=lookup.location or ctx.defined_at,
                context_value=built,
                shell_value=runs,
            )


@rule(
    "P008",
    "untrusted-go-not-run",
    "The workspace names a `go` that ideaudit did not run",
    Severity.INFO,
    """
    The ``go`` of this context is named by the workspace (``go.alternateTools``,
    ``go.goroot``, a PATH entry in a configuration).  Running it would execute code
    from the workspace, so ideaudit compared environments only and did not ask that
    ``go`` for ``go env``.  Trust the workspace to compare what Go itself says.
    """,
    "Run `ideaudit scan --trust`, or list the folder under trusted-folders in "
    "~/.config/ideaudit/config.toml.",
    needs=TOOLCHAIN,
)
def untrusted_go_not_run(audit: Audit) -> Iterator[Finding]:
    if audit.go is None:
        return
    labels = {c.id: c.label for c in audit.contexts}
    # One finding per binary and the place that names it, listing the contexts.
    groups: dict[tuple[str | None, Location | None], list[str]] = {}
    for item in audit.go.untrusted:
        where = item.named_by.location if item.named_by is not None else None
        groups.setdefault((item.lookup.path, where), []).append(labels.get(item.context_id, item.context_id))
    for (path, where), names in groups.items():
        yield finding(
            "P008",
            Severity.INFO,
            f"did not run {path} (used by {', '.join(names)}): the workspace names it and is not trusted",
            None,
            fix="Run `ideaudit scan --trust` (or add the folder to trusted-folders in "
            "~/.config/ideaudit/config.toml) to compare `go env` here.",
            location=where,
        )

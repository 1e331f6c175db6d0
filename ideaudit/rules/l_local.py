"""L: project-local environments — ``.envrc`` (direnv), pinned Go versions, dev containers.

The reference for these rules is "your terminal in this project": your shell plus what
the project adds when you ``cd`` into it (see :mod:`ideaudit.local`).  Which context
kinds each rule is about is declared once, in :data:`APPLIES_TO`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from ideaudit.go.variables import GO_SETTINGS
from ideaudit.model import Context, Finding, Location, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import SHELL, rule
from ideaudit.rules.common import finding, layers, show, value

# The context kinds each rule looks at (attach builds nothing; the terminal runs your shell;
# a prebuilt binary started by the debugger still misses the program's variables).
APPLIES_TO = {
    "L001": ("tools", "tests", "debug"),
    "L002": ("tests", "debug", "exec"),
    # Not the integrated terminal: it runs your shell, whose version manager honours the pin.
    "L010": ("tools", "tests", "debug"),
    "L011": ("tools", "tests", "debug"),
}
GO_RELEVANT = frozenset((*GO_SETTINGS, "GOWORK", "GOENV", "GOEXPERIMENT", "GOTOOLCHAIN"))
# The compare-with-your-shell findings that L001 explains better for the same variable.
_EXPLAINED = (
    "M001", "M002", "M003", "M004", "M005", "M006", "M007", "M008", "M009",
    "C001", "C002", "C005", "C006", "G001", "P001", "P004",
)  # fmt: skip


def short(loc: Location | None, root: str) -> str:
    """``file:line`` relative to the project (messages are read beside the project)."""
    if loc is None:
        return "?"
    rel = os.path.relpath(loc.file, root) if os.path.isabs(loc.file) else loc.file
    return f"{rel}:{loc.line}" if loc.line else rel


def _contexts(audit: Audit, code: str) -> list[Context]:
    return audit.ide_contexts(*APPLIES_TO[code])


def _project_fix(audit: Audit, ctx: Context, names: list[str], envrc: str) -> str:
    """How to get the .envrc's variables into ``ctx``, in its IDE's words."""
    listed = ", ".join(names)
    local = audit.local
    if local is not None and "mise" not in envrc:
        if ctx.ide == "goland" and ctx.id in local.direnv_option:
            missing = "enabled" if local.goland_direnv else "installed"
            return (
                f"Enable Direnv is on in this run configuration ({local.direnv_option[ctx.id]}), but "
                f"the Better Direnv plugin is not {missing}: "
                f"install or enable it (Settings | Plugins), or add {listed} to the run configuration."
            )
        if ctx.ide == "vscode" and local.vscode_direnv:
            ext = local.vscode_direnv[0]
            return (
                f"The direnv extension {ext.id} is installed but disabled: enable it "
                f"(Extensions view), or copy {listed} into the IDE's settings."
            )
    if ctx.ide == "goland" and ctx.kind in ("debug", "tests"):
        return (
            "Install the Better Direnv plugin and tick Enable Direnv in this run configuration "
            f"(Run | Edit Configurations | Direnv), or add {listed} to its environment or an env "
            "file (EnvFile plugin)."
        )
    if ctx.ide == "goland":
        return (
            f"GoLand's own go calls never load {envrc}: set {listed} in Settings | Go | Go Modules "
            "| Environment (PATH: Settings | Go | GOROOT)."
        )
    where = {
        "debug": 'this configuration\'s "env" (or an "envFile")',
        "tests": '"go.testEnvVars" (or "go.testEnvFile")',
    }.get(ctx.kind, '"go.toolsEnvVars"')
    if "mise" in envrc:
        return (
            f"VS Code does not read {envrc}: start it from a terminal in the project (`code .` "
            f"inherits mise's environment instead of resolving your login shell), or copy {listed} "
            f"into {where}."
        )
    return (
        f"Install the direnv extension (mkhl.direnv) so VS Code loads {envrc} for gopls, tests and "
        'debugging (with "direnv.restart.automatic": true it restarts them when the file changes); '
        f"or copy {listed} into {where}."
    )


def _missing(audit: Audit, ctx: Context, name: str) -> bool:
    """``ctx`` lacks the project's value for ``name`` only because nothing loaded it:
    its value is still your plain terminal's (or the IDE's), not a configuration's."""
    local = audit.local
    assert local is not None and local.project is not None
    want = value(local.project, name)
    have = value(ctx, name)
    if want == have:
        return False
    chain = layers(ctx, name)
    return not (chain and chain[-1].location is not None)  # a config set it on purpose


@rule(
    "L001",
    "envrc-vars-missing",
    "A Go setting from the project's .envrc (or mise [env]) does not reach this context",
    Severity.WARNING,
    """
    Your terminal loads the project's `.envrc` when you `cd` into it (direnv's hook), or
    mise's `[env]` (`mise activate`), so `go` there sees GOFLAGS, GOPRIVATE, GOPROXY,
    CGO_ENABLED, GOOS/GOARCH, GOTOOLCHAIN, GOWORK or a PATH with the project's Go. VS Code
    loads none of it unless a direnv extension (mkhl.direnv) is installed, GoLand only in
    run configurations with the Better Direnv plugin enabled, and GoLand's own tools never:
    gopls, tests and the debugger then build with other settings than your terminal.
    """,
    "Install the direnv extension (VS Code) or the Better Direnv plugin (GoLand), or set "
    "the variables in the IDE's own environment settings.",
    supersedes=_EXPLAINED,
    kinds=APPLIES_TO["L001"],
    needs=SHELL,
)
def envrc_vars_missing(audit: Audit) -> Iterator[Finding]:
    local = audit.local
    if local is None or local.project is None:
        return
    project = local.project
    for ctx in _contexts(audit, "L001"):
        for name, layer in local.layers.items():
            if name not in GO_RELEVANT and name != "PATH":
                continue
            if name == "PATH":
                yield from _path_missing(audit, ctx, layer.location)
                continue
            if not _missing(audit, ctx, name):
                continue
            src = os.path.basename(layer.location.file) if layer.location else ".envrc"
            yield finding(
                "L001",
                Severity.WARNING,
                f"{name} is {show(value(project, name))} in your terminal in this project (from {src}) "
                f"but {show(value(ctx, name))} in {ctx.label}, which does not load {src}",
                ctx,
                fix=_project_fix(audit, ctx, [name], src),
                location=layer.location,
                variable=name,
                context_value=value(ctx, name),
                shell_value=value(project, name),
                provenance=layers(project, name),
            )


def _path_missing(audit: Audit, ctx: Context, where: Location | None) -> Iterator[Finding]:
    """PATH matters when it changes which go (or dlv, gopls) runs."""
    local = audit.local
    assert local is not None and local.project is not None
    project = local.project
    for tool in ("go", "dlv", "gopls"):
        want = project.tools.get(tool)
        have = ctx.tools.get(tool)
        plain = local.terminal.tools.get(tool) if local.terminal else None
        if want is None or want.path is None or (plain is not None and plain.path == want.path):
            continue  # the project does not change this tool
        if have is not None and have.path == want.path:
            continue
        if _decided_by_config(ctx):
            continue
        src = os.path.basename(where.file) if where else ".envrc"
        sev = Severity.ERROR if tool == "go" and (have is None or have.path is None) else Severity.WARNING
        here = have.path if have is not None and have.path else "not found"
        yield finding(
            "L001",
            sev,
            f"PATH from {src} gives your terminal in this project {tool} = {want.path}; "
            f"{ctx.label} does not load {src} and runs {here}",
            ctx,
            fix=_project_fix(audit, ctx, ["PATH"], src),
            location=where,
            variable="PATH",
            context_value=value(ctx, "PATH"),
            shell_value=value(project, "PATH"),
            provenance=layers(project, "PATH"),
        )
        return


def _decided_by_config(ctx: Context) -> bool:
    chain = layers(ctx, "PATH")
    return bool(chain) and chain[-1].location is not None and not chain[-1].source.startswith("direnv")


@rule(
    "L002",
    "envrc-program-vars-missing",
    "The program under test or debug misses variables the project's .envrc sets",
    Severity.WARNING,
    """
    A test or a program started from your terminal in this project inherits every variable
    the `.envrc` exports (a database URL, a feature flag, a token). Started from the IDE
    without direnv support, it gets none of them and fails or behaves differently. Only
    the names are shown; values of secret-looking names are never printed.
    """,
    "Load the .envrc in the IDE (direnv extension / Better Direnv plugin), or point the "
    "configuration at an env file with these variables.",
    kinds=APPLIES_TO["L002"],
    needs=SHELL,
)
def envrc_program_vars_missing(audit: Audit) -> Iterator[Finding]:
    local = audit.local
    if local is None or local.project is None:
        return
    names = [n for n in local.layers if n not in GO_RELEVANT and n != "PATH"]
    for ctx in _contexts(audit, "L002"):
        lacking = [n for n in names if _missing(audit, ctx, n)]
        if not lacking:
            continue
        first = local.layers[lacking[0]].location
        src = os.path.basename(first.file) if first else ".envrc"
        yield finding(
            "L002",
            Severity.WARNING,
            f"{ctx.label} does not get {', '.join(lacking)} from {src}; the program would miss "
            f"{'it' if len(lacking) == 1 else 'them'}",
            ctx,
            fix=_project_fix(audit, ctx, lacking, src),
            location=first,
        )


@rule(
    "L003",
    "envrc-not-allowed",
    "The project's .envrc is blocked or denied, so it was not run",
    Severity.WARNING,
    """
    direnv runs an `.envrc` only after `direnv allow` (and again after every change to
    it). This one is not allowed, so neither your terminal nor any IDE extension loads
    it, and ideaudit did not run it either: the variables it would set are listed from a
    static read. If the project expects them, builds differ from what its README says.
    """,
    "Read the file, then run `direnv allow` in the project if you trust it (or `direnv deny` "
    "to silence this).",
    needs=SHELL,
)
def envrc_not_allowed(audit: Audit) -> Iterator[Finding]:
    local = audit.local
    if local is None or local.envrc is None or local.direnv is None:
        return
    if local.direnv.state not in ("blocked", "denied"):
        return
    names = local.envrc.names
    go_names = [n for n in names if n in GO_RELEVANT or n == "PATH"]
    sets = f"; it would set {', '.join(go_names or names)}" if names else ""
    yield finding(
        "L003",
        Severity.WARNING,
        f"{short(Location(local.envrc.path), local.root)} is {local.direnv.state} by direnv "
        f"and was not run{sets}",
        None,
        fix=f"Review it, then `direnv allow {os.path.dirname(local.envrc.path)}` if you trust it.",
        location=Location(local.envrc.path, 1, 1),
    )


@rule(
    "L004",
    "envrc-not-loaded-by-terminal",
    "The project has an .envrc but your terminal does not load it",
    Severity.INFO,
    """
    direnv is missing from your shell's PATH, or none of your shell start-up files hooks
    it (`eval "$(direnv hook bash)"`, `direnv hook fish | source`): a terminal opened in
    the project does not load the `.envrc`, so ideaudit compares with your plain terminal.
    """,
    "Install direnv and add its hook to your shell's rc file, if the project expects it.",
    needs=SHELL,
)
def envrc_not_loaded(audit: Audit) -> Iterator[Finding]:
    local = audit.local
    if local is None or local.envrc is None or local.direnv is None:
        return
    if local.direnv.state == "missing":
        why = "direnv is not on your shell's PATH"
    elif local.direnv.state == "allowed" and not local.direnv_hook:
        why = "no start-up file of your shell hooks direnv"
    else:
        return
    yield finding(
        "L004",
        Severity.INFO,
        f"{short(Location(local.envrc.path), local.root)} is not loaded by your terminal: {why}",
        None,
        location=Location(local.envrc.path, 1, 1),
    )


@rule(
    "L005",
    "direnv-failed",
    "direnv could not load the allowed .envrc",
    Severity.WARNING,
    """
    The `.envrc` is allowed, but `direnv export json` failed or timed out, so the
    terminal-in-this-project reference is your plain terminal. Its output is not shown
    (it may print secrets); run `direnv reload` in the project to see it.
    """,
    "Run `direnv reload` in the project and fix the error it prints.",
    needs=SHELL,
)
def direnv_failed(audit: Audit) -> Iterator[Finding]:
    local = audit.local
    if local is None or local.envrc is None or local.direnv is None or local.direnv.state != "error":
        return
    yield finding(
        "L005",
        Severity.WARNING,
        f"direnv could not load {short(Location(local.envrc.path), local.root)}: {local.direnv.error}",
        None,
        location=Location(local.envrc.path, 1, 1),
    )

"""Small helpers the rule families share: effective values, provenance, finding text."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from ideaudit.contexts.vscode import GOPLS_BUILD_ENV

# Re-exported for the families: the facts they read, and the C compiler those facts key on.
from ideaudit.go.disk import DiskFacts as DiskFacts
from ideaudit.go.disk import c_compiler as c_compiler
from ideaudit.model import Context, EnvVar, Finding, Layer, Location, Severity

# Layers that are the environment a context inherits, not configuration a user wrote.
BASE_SOURCES = (
    "VS Code environment",
    "GoLand environment",
    "your shell start-up files",
    "vscode-go (",
)


def is_config_layer(layer: Layer) -> bool:
    return layer.location is not None and not layer.source.startswith(BASE_SOURCES)


def value(ctx: Context, name: str) -> str | None:
    var = ctx.env.var(name)
    return var.value if var else None


def layers(ctx: Context, name: str) -> tuple[Layer, ...]:
    var: EnvVar | None = ctx.env.var(name)
    return var.layers if var else ()


def deciding_location(ctx: Context, name: str) -> Location | None:
    """The file position of the layer that decided ``name`` in ``ctx`` (if it was a file)."""
    for layer in reversed(layers(ctx, name)):
        if layer.location is not None:
            return layer.location
        break
    return ctx.defined_at


def config_location(ctx: Context, name: str) -> Location | None:
    """The last configuration file position that touched ``name`` (or the context's own)."""
    for layer in reversed(layers(ctx, name)):
        if is_config_layer(layer):
            return layer.location
    return ctx.defined_at


def decided_by_config(ctx: Context, name: str) -> bool:
    chain = layers(ctx, name)
    return bool(chain) and is_config_layer(chain[-1])


def split_path(value: str | None) -> list[str]:
    """A PATH-like list's entries, empty ones dropped (as ``go.toolchain.split_path``,
    repeated here because rules may not import the module that stats)."""
    return [p for p in (value or "").split(os.pathsep) if p]


def go_value(ctx: Context, name: str) -> str | None:
    """What ``go env`` said in this context (``""`` read as unset), if go was asked."""
    if ctx.go_env is None or name not in ctx.go_env:
        return None
    return ctx.go_env[name] or None


def effective_gopath(ctx: Context, home: str) -> str:
    """GOPATH as go sees it: ``go env``'s answer, else the variable, else ``$HOME/go``."""
    return go_value(ctx, "GOPATH") or value(ctx, "GOPATH") or os.path.join(value(ctx, "HOME") or home, "go")


def effective_goroot(ctx: Context, disk: DiskFacts) -> str | None:
    """GOROOT as go sees it: ``go env``'s answer, else the variable, else the installation
    the ``go`` binary is in."""
    explicit = go_value(ctx, "GOROOT") or value(ctx, "GOROOT")
    if explicit:
        return explicit
    go = ctx.tools.get("go")
    return disk.go_root(go.path) if go and go.path else None


def effective_cgo(ctx: Context, disk: DiskFacts) -> str:
    """CGO_ENABLED as go (>= 1.20) decides it: ``go env``'s answer, else the variable,
    else 1 only with a C compiler on PATH."""
    asked = go_value(ctx, "CGO_ENABLED")
    if asked is not None:
        return asked
    explicit = value(ctx, "CGO_ENABLED")
    if explicit is not None and explicit != "":
        return explicit
    return "1" if disk.find(c_compiler(ctx), value(ctx, "PATH")) else "0"


def go_version(ctx: Context, disk: DiskFacts) -> str | None:
    """The Go version this context runs: ``go env GOVERSION``, else the VERSION file of
    the installation its ``go`` belongs to (read by the stage, not executed)."""
    asked = go_value(ctx, "GOVERSION")
    if asked:
        return asked
    go = ctx.tools.get("go")
    root = disk.go_root(go.path) if go and go.path else None
    root = root or value(ctx, "GOROOT")
    return disk.version(root) if root else None


# The first Go version that reads each variable (older ones ignore it).
INTRODUCED = {
    "GOTOOLCHAIN": (1, 21),
    "GOINSECURE": (1, 14),
    "GOPRIVATE": (1, 13),
    "GONOPROXY": (1, 13),
    "GONOSUMDB": (1, 13),
    "GOSUMDB": (1, 13),
}


def knows(ctx: Context, name: str, disk: DiskFacts) -> bool:
    """Whether the Go this context runs reads ``name`` at all (unknown version: yes)."""
    since = INTRODUCED.get(name)
    if since is None:
        return True
    from ideaudit.sources.gomod import version_tuple

    have = version_tuple(go_version(ctx, disk))
    return have is None or have >= since


def finding(
    code: str,
    severity: Severity,
    message: str,
    ctx: Context | None,
    *,
    fix: str | None = None,
    location: Location | None = None,
    variable: str | None = None,
    context_value: str | None = None,
    shell_value: str | None = None,
    provenance: Iterable[Layer] = (),
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        message=message,
        fix=fix,
        context_id=ctx.id if ctx else None,
        context_label=ctx.label if ctx else None,
        location=location,
        variable=variable,
        context_value=context_value,
        shell_value=shell_value,
        provenance=tuple(provenance),
    )


def in_vscode_terms(path: str, home: str) -> str:
    """A path as it should be written in a VS Code file: ``${userHome}/...`` under $HOME
    (launch.json does not expand ``~``), so the suggestion works for every teammate."""
    if home and (path == home or path.startswith(home.rstrip("/") + "/")):
        return "${userHome}" + path[len(home.rstrip("/")) :]
    return path


def shell_origin(audit: object, name: str, entry: str | None = None) -> Location | None:
    """The dotfile line that set ``name`` (or added ``entry`` to it) in your terminal but
    not in what the IDE gets, from the start-up analysis when one was made."""
    startup = getattr(audit, "startup", None)
    if startup is None:
        return None
    for d in startup.divergences:
        if d.variable == name and (entry is None or entry in d.entries) and d.origin is not None:
            loc: Location = d.origin
            return loc
    return None


# How each IDE lets a user make a change, in its own words: rules pass neutral values
# (a directory, a go binary) and stay free of IDE logic, yet the fix is one a user can
# follow in the IDE the context belongs to, with paths written as that IDE's files do.
_HOW_TO: dict[str, dict[str, str]] = {
    "add_path": {
        "vscode": 'add {dir} to this configuration\'s env: "PATH": "{dir_ide}:${{env:PATH}}"',
        "goland": "add {dir} to this run configuration's environment (Run | Edit Configurations): "
        "PATH={dir_ide}:$PATH$",
    },
    "pin_go": {
        "vscode": 'set "go.alternateTools": {{"go": "{go}"}}',
        "goland": "set the project's Go SDK to {goroot} (Settings | Go | GOROOT)",
    },
    "set_env": {
        "vscode": "go.toolsEnvVars (it reaches tools, tests and debug sessions)",
        "goland": "the Go modules environment (Settings | Go | Go Modules) or the run "
        "configuration's environment",
    },
}


def how_to(ctx: Context, action: str, home: str = "", *, sentence: bool = False, **values: str) -> str:
    """The words for ``action`` in the IDE of ``ctx`` (VS Code's for anything else)."""
    table = _HOW_TO[action]
    ide = ctx.ide if ctx.ide in table else "vscode"
    words = dict(values)
    if "dir" in words:
        to_ide = in_goland_terms if ide == "goland" else in_vscode_terms
        words["dir_ide"] = to_ide(words["dir"], home)
    if "go" in words:
        words["goroot"] = os.path.dirname(os.path.dirname(words["go"]))
    text = table[ide].format(**words)
    return text[:1].upper() + text[1:] if sentence else text


def in_goland_terms(path: str, home: str) -> str:
    """A path as GoLand's XML writes it: ``$USER_HOME$/...`` under $HOME."""
    if home and (path == home or path.startswith(home.rstrip("/") + "/")):
        return "$USER_HOME$" + path[len(home.rstrip("/")) :]
    return path


def show(v: str | None) -> str:
    return "(unset)" if v is None else f"{v!r}" if v == "" else v


# What a variable does to gopls alone, when it is set only in gopls's build.env.
_GOPLS_EFFECT = {
    "GOFLAGS": "gopls loads packages with these flags (-tags=pro: the files behind that build tag "
    "are type-checked, completed and navigated)",
}


def _gopls_only(
    code: str,
    name: str,
    ctx: Context,
    ctx_value: str | None,
    shell_value: str | None,
    where: Location | None,
    chain: tuple[Layer, ...],
) -> Finding:
    """A difference that only gopls sees (``"gopls": {"build.env": ...}``): gopls applies
    build.env to the go commands it runs itself (package loading for diagnostics,
    completion, navigation), while `go build`/`go test`, the test code lens, the debugger
    and the other tools vscode-go starts do not get it.  Usually deliberate (vcluster
    sets ``GOFLAGS=-tags=pro`` so that the editor sees its tagged files), hence an info."""
    effect = _GOPLS_EFFECT.get(name, f"gopls runs its go commands with {name}={show(ctx_value)}")
    return finding(
        code,
        Severity.INFO,
        f"{name} is {show(ctx_value)} for gopls only (gopls build.env) but {show(shell_value)} in your "
        f"shell: {effect}; go build and go test, the test code lens, the debugger and the other tools "
        "do not get it, so the editor can show what your builds do not",
        ctx,
        fix=f"Nothing to do if the editor is meant to see it; otherwise remove {name} from "
        f"gopls build.env at {where}, or set it in your shell too.",
        location=where,
        variable=name,
        context_value=ctx_value,
        shell_value=shell_value,
        provenance=chain,
    )


def compare_with_shell(
    audit: object,
    code: str,
    severity: Severity,
    name: str,
    consequence: str,
    kinds: tuple[str, ...] = ("debug", "tests", "tools", "attach"),
    effective: Callable[[Context], str | None] | None = None,
) -> Iterable[Finding]:
    """One finding per context whose ``name`` differs from the reference shell's.

    Used by the families whose rule is "this variable must be the same as in your
    shell" (GOFLAGS, GOPROXY, CGO_ENABLED, ...).  ``audit`` is an
    :class:`~ideaudit.rules.audit.Audit` (typed loosely to avoid an import cycle).
    ``effective`` computes the value go really uses when the variable is unset (a
    default); the finding still quotes the variables as written.
    """
    shell: Context | None = getattr(audit, "shell", None)
    if shell is None:
        return
    for ctx in audit.ide_contexts(*kinds):  # type: ignore[attr-defined]
        # Prefer what go itself said (defaults and the go env -w file included) when it
        # was asked on both sides; otherwise compare the variables as set.
        asked = (
            ctx.go_env is not None
            and shell.go_env is not None
            and name in ctx.go_env
            and name in shell.go_env  # an older Go may not know the variable at all
        )
        ctx_value = go_value(ctx, name) if asked else value(ctx, name)
        shell_value = go_value(shell, name) if asked else value(shell, name)
        if (ctx_value or None) == (shell_value or None):
            continue
        disk: DiskFacts = audit.disk  # type: ignore[attr-defined]
        if not (knows(ctx, name, disk) and knows(shell, name, disk)):
            continue  # e.g. GOTOOLCHAIN means nothing to a Go 1.19: no difference in behaviour
        if effective is not None and effective(ctx) == effective(shell):
            continue
        where = config_location(ctx, name)
        chain = layers(ctx, name)
        if chain and chain[-1].source == GOPLS_BUILD_ENV:
            yield _gopls_only(code, name, ctx, ctx_value, shell_value, where, chain)
            continue
        if ctx_value is None:
            fix = f"Set {name}={shell_value} in the IDE's environment: {how_to(ctx, 'set_env')}."
        elif shell_value is None:
            fix = f"Remove {name} at {where}, or set it in your shell too if you meant it."
        else:
            fix = f"Use the same {name} in both: {shell_value} (your shell) or {ctx_value} (here)."
        yield finding(
            code,
            severity,
            f"{name} is {show(ctx_value)} in {ctx.label} but {show(shell_value)} in your shell: "
            + consequence,
            ctx,
            fix=fix,
            location=where,
            variable=name,
            context_value=ctx_value,
            shell_value=shell_value,
            provenance=layers(ctx, name),
        )

"""J: GoLand settings that do not do what they seem, or that differ from your shell.

The generic P/R/G/M/C rules already run on GoLand contexts (they only look at a
context's kind, environment and tools); these rules are about GoLand's own settings:
the Go SDK, run configurations, Go modules integration, and the ``.idea`` files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ideaudit._fast.lazyre import lazy_re
from ideaudit.model import Context, Finding, Severity
from ideaudit.redact import is_secret_name, looks_like_secret_value
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import BUILDS, FILES, SHELL, TOOLCHAIN, rule
from ideaudit.rules.common import DiskFacts, config_location, effective_goroot, finding, layers, show, value

if TYPE_CHECKING:
    from ideaudit.contexts.goland import GoLandContexts

# /snap/bin holds snapd's launchers (the shim); /snap/go/current and /snap/go/<revision>
# are the snap's real GOROOT (`go env GOROOT` prints /snap/go/<revision>), which GoLand
# offers as an SDK.  A workspace.xml naming /snap/go/current on a machine without the
# snap is a missing folder, not a shim (jonathanleahy/lighthouse's committed one).
_SHIM = lazy_re(r"(^|/)(shims?|\.?asdf/shims|\.goenv/shims|mise/shims)(/|$)|^/snap/bin(/|$)")
_PROXY_ENTRY = lazy_re(r"^(direct|off|[A-Za-z][A-Za-z0-9+.-]*://\S+|/\S+|[A-Za-z0-9.-]+(:\d+)?(/\S*)?)$")

#: run configuration env variables that change how go builds, and what goes wrong
OVERRIDES = {
    "PATH": "it replaces the PATH GoLand passes (and your shell's), so git, gcc and other tools may vanish",
    "GOROOT": "it points the build at another standard library than the SDK GoLand runs",
    "GOFLAGS": "every go command of this configuration gets other flags than in your terminal",
    "GOOS": "it cross-compiles: the binary cannot run (or be debugged) here",
    "GOARCH": "it cross-compiles: the binary cannot run (or be debugged) here",
    "CGO_ENABLED": "cgo is switched unlike in your terminal (net, os/user, sqlite behave differently)",
}


def _tools(gc: GoLandContexts) -> Context | None:
    return next((c for c in gc.contexts if c.kind == "tools"), None)


def _ctx(gc: GoLandContexts, ctx_id: str) -> Context | None:
    """The context with this id, from an index built once per project (a search per
    finding was quadratic in the run configurations); rebuilt if the list grew."""
    cached: tuple[int, dict[str, Context]] | None = gc.__dict__.get("_context_index")
    if cached is None or cached[0] != len(gc.contexts):
        index: dict[str, Context] = {}
        for c in gc.contexts:
            index.setdefault(c.id, c)
        cached = (len(gc.contexts), index)
        gc.__dict__["_context_index"] = cached
    return cached[1].get(ctx_id)


def _version(root: str, disk: DiskFacts) -> str:
    v = disk.version(root)
    return f"{root} ({v})" if v else root


@rule(
    "J001",
    "goland-sdk-invalid",
    "GoLand's Go SDK (GOROOT) is not a usable Go installation",
    Severity.ERROR,
    """
    The project's GOROOT (``<component name="GOROOT">`` in .idea/workspace.xml) names
    a folder that is not a Go installation: removed, a version manager's shim folder,
    or a path from another machine.  GoLand then shows "GOROOT is not defined" and
    cannot build, run or index the standard library.
    """,
    "Pick an installed Go in Settings | Go | GOROOT (the folder holding bin/go and src/).",
    needs=TOOLCHAIN,
)
def sdk_invalid(audit: Audit) -> Iterator[Finding]:
    for gc in audit.goland:
        root = gc.project.goroot
        if root is None or gc.sdk_problem is None:
            continue
        shim = bool(_SHIM.search(root.value))
        why = "a version-manager shim, not an installation" if shim else gc.sdk_problem
        shell_root = effective_goroot(audit.shell, audit.disk) if audit.shell else None
        yield finding(
            "J001",
            Severity.ERROR,
            f"GoLand's GOROOT {root.value} is not a Go installation: {why}",
            _tools(gc),
            fix=f"Set GOROOT in Settings | Go | GOROOT to {shell_root or 'an installed Go'}"
            + (" (the real installation behind the shim)" if shim else "")
            + ".",
            location=root.location,
            variable="GOROOT",
            context_value=root.value,
            shell_value=shell_root,
        )


@rule(
    "J002",
    "goland-sdk-differs",
    "GoLand's Go SDK is another Go than your shell's",
    Severity.WARNING,
    """
    GoLand builds, runs, tests and indexes with the SDK chosen in Settings | Go |
    GOROOT, not with the go on your PATH.  When that is another installation than the
    one your terminal runs, builds differ ("go.mod requires go >= ...", other vet and
    test results) between GoLand and the terminal.
    """,
    "Choose the same Go in Settings | Go | GOROOT as `go env GOROOT` prints in your terminal.",
    needs=SHELL,
)
def sdk_differs(audit: Audit) -> Iterator[Finding]:
    if audit.shell is None:
        return
    shell_root = effective_goroot(audit.shell, audit.disk)
    if shell_root is None:
        return
    for gc in audit.goland:
        root = gc.project.goroot
        if root is None or gc.sdk_problem is not None or audit.disk.same_path(root.value, shell_root):
            continue
        yield finding(
            "J002",
            Severity.WARNING,
            f"GoLand's Go SDK is {_version(root.value, audit.disk)}; "
            f"your shell runs {_version(shell_root, audit.disk)}",
            _tools(gc),
            fix=f"Set Settings | Go | GOROOT to {shell_root}, or change your shell's PATH if "
            "GoLand's is the Go you want.",
            location=root.location,
            variable="GOROOT",
            context_value=root.value,
            shell_value=shell_root,
        )


@rule(
    "J003",
    "goland-config-env-override",
    "A run configuration's environment overrides a variable that changes the build",
    Severity.WARNING,
    """
    ``<envs>`` in a run configuration that set PATH, GOROOT, GOFLAGS, GOOS/GOARCH or
    CGO_ENABLED make that configuration build differently from your terminal and from
    every other configuration, and the setting is easy to forget (it lives in the
    "Environment" field of the dialog).
    """,
    "Remove the variable from the configuration's Environment, or set it in your shell "
    "too if every build needs it.",
    kinds=BUILDS,
    needs=FILES,
)
def config_env_override(audit: Audit) -> Iterator[Finding]:
    for gc in audit.goland:
        for ctx_id, config in gc.config_by_context.items():
            ctx = _ctx(gc, ctx_id)
            for entry in config.envs:
                why = OVERRIDES.get(entry.name)
                if why is None:
                    continue
                shell_value = value(audit.shell, entry.name) if audit.shell else None
                if entry.name not in ("PATH", "GOOS", "GOARCH") and entry.value == (shell_value or ""):
                    continue
                if entry.name == "PATH" and "$PATH$" in entry.raw:
                    continue  # GoLand puts the inherited PATH there: an addition, not a replacement
                cross = entry.name in ("GOOS", "GOARCH")
                yield finding(
                    "J003",
                    Severity.INFO if cross else Severity.WARNING,
                    f"run configuration '{config.name}' sets {entry.name}={show(entry.value)}: {why}",
                    ctx,
                    fix=f"Remove {entry.name} from the Environment of '{config.name}'"
                    + (", or keep the inherited PATH with $PATH$" if entry.name == "PATH" else "")
                    + ".",
                    location=entry.location,
                    variable=entry.name,
                    context_value=entry.value,
                    shell_value=shell_value,
                    provenance=layers(ctx, entry.name) if ctx else (),
                )


@rule(
    "J004",
    "goland-parent-env-off",
    "A run configuration does not pass the IDE's environment",
    Severity.WARNING,
    """
    With "Include parent environment variables" off, the program (and the go build
    GoLand runs for it) gets only the variables the configuration lists: no PATH, no
    HOME, no GOPROXY or GOPRIVATE.  GoLand still finds go (it runs the SDK's go by
    path), but cgo cannot find gcc, git-based module downloads fail, and the program
    cannot find anything on PATH.
    """,
    'Tick "Include parent environment variables" in the configuration\'s Environment dialog.',
    needs=FILES,
)
def parent_env_off(audit: Audit) -> Iterator[Finding]:
    for gc in audit.goland:
        for ctx_id, config in gc.config_by_context.items():
            if config.pass_parent:
                continue
            ctx = _ctx(gc, ctx_id)
            without = (
                f"PATH={show(value(audit.shell, 'PATH'))} and everything else your shell sets"
                if audit.shell
                else "PATH and everything else the IDE passes"  # --static: no shell read
            )
            yield finding(
                "J004",
                Severity.WARNING,
                f"run configuration '{config.name}' does not pass the parent environment: "
                f"it runs without {without}",
                ctx,
                fix='Turn on "Include parent environment variables" (remove pass-parent-envs="false").',
                location=config.pass_parent_location or config.location,
                variable="PATH",
                context_value=value(ctx, "PATH") if ctx else None,
                shell_value=value(audit.shell, "PATH") if audit.shell else None,
            )


@rule(
    "J005",
    "goland-modules-disabled",
    "Go modules integration is off although the project has a go.mod",
    Severity.ERROR,
    """
    GoLand before 2020 had a "Enable Go modules integration" switch
    (``<integration-enabled>false</integration-enabled>`` in workspace.xml).  Off, it
    indexes and resolves imports from GOPATH: every import of a module dependency is
    red in the editor while `go build` works in the terminal.
    """,
    "Enable Settings | Go | Go Modules | Enable Go modules integration.",
    needs=FILES,
)
def modules_disabled(audit: Audit) -> Iterator[Finding]:
    for gc in audit.goland:
        vgo = gc.project.vgo
        if vgo.integration_enabled is not False or gc.project.go_mod is None:
            continue
        yield finding(
            "J005",
            Severity.ERROR,
            f"Go modules integration is disabled in GoLand, but {gc.project.go_mod} exists: "
            "GoLand resolves imports from GOPATH",
            _tools(gc),
            fix="Enable Go modules integration (Settings | Go | Go Modules).",
            location=vgo.integration_location,
        )


@rule(
    "J006",
    "goland-bad-proxy",
    "The legacy Go modules <proxy> setting is malformed",
    Severity.WARNING,
    """
    GoLand 2019 had a "Proxy" field (``<proxy>`` in VgoProject) that became GOPROXY
    for every go command.  A value that is not a GOPROXY list (someone typed
    ``GOPROXY=...``, added other variables after ``;``, or spaces) makes every module
    download fail with "invalid proxy URL".
    """,
    "Clear the Proxy field and set GOPROXY in Settings | Go | Go Modules | Environment "
    "(or with `go env -w GOPROXY=...`).",
    needs=FILES,
)
def bad_proxy(audit: Audit) -> Iterator[Finding]:
    for gc in audit.goland:
        proxy = gc.project.vgo.proxy
        if proxy is None or not proxy.value:
            continue
        entries = re.split(r"[,|]", proxy.value)
        bad = [e for e in entries if not _PROXY_ENTRY.match(e.strip()) or not e.strip()]
        if not bad:
            continue
        yield finding(
            "J006",
            Severity.WARNING,
            f"GoLand's Go modules proxy is {proxy.value!r}, which is not a GOPROXY list "
            f"(bad entr{'y' if len(bad) == 1 else 'ies'}: {', '.join(repr(b) for b in bad)})",
            _tools(gc),
            fix="Set only the proxy list (e.g. https://goproxy.io,direct) and move other "
            "variables to the Go modules Environment.",
            location=proxy.location,
            variable="GOPROXY",
            context_value=proxy.value,
            shell_value=value(audit.shell, "GOPROXY") if audit.shell else None,
        )


@rule(
    "J007",
    "goland-workspace-committed",
    "workspace.xml is committed with one machine's paths",
    Severity.WARNING,
    """
    .idea/workspace.xml is per user and per machine (JetBrains' own .idea/.gitignore
    excludes it).  Committed, it carries one developer's absolute paths (a GOROOT in
    /Users/..., a C:\\ drive) into every clone: other machines get an invalid SDK,
    wrong GOPATH or run configurations pointing nowhere, and merge conflicts.
    """,
    "`git rm --cached .idea/workspace.xml` and add it to .idea/.gitignore; share run "
    'configurations with "Store as project file" (.run/) instead.',
    needs=FILES,
)
def workspace_committed(audit: Audit) -> Iterator[Finding]:
    for gc in audit.goland:
        project = gc.project
        if not project.workspace_tracked or not project.machine_paths:
            continue
        first = project.machine_paths[0]
        n = len(project.machine_paths)
        yield finding(
            "J007",
            Severity.WARNING,
            f".idea/workspace.xml is tracked by git and holds {n} machine-specific "
            f"path{'s' if n != 1 else ''} (first: {first.value[:80]!r})",
            _tools(gc),
            fix="Run `git rm --cached .idea/workspace.xml`, add /workspace.xml to "
            ".idea/.gitignore, and share run configurations as .run/*.run.xml.",
            location=first.location,
        )


@rule(
    "J008",
    "goland-committed-secret",
    "A shared run configuration holds a secret-looking value",
    Severity.ERROR,
    """
    Run configurations stored as project files (.run/*.run.xml,
    .idea/runConfigurations/*.xml, or a committed workspace.xml) are in git: tokens,
    passwords and keys in their Environment go to every clone.  The value is never
    shown.
    """,
    "Move the variable to an env file git ignores (EnvFile plugin) or to your shell; rotate the secret.",
    needs=FILES,
)
def committed_secret(audit: Audit) -> Iterator[Finding]:
    for gc in audit.goland:
        for ctx_id, config in gc.config_by_context.items():
            if not (config.shared or gc.project.workspace_tracked):
                continue
            for entry in config.envs:
                raw = entry.raw
                if not raw or (raw.startswith("$") and raw.endswith("$")):
                    continue
                if not (is_secret_name(entry.name) or looks_like_secret_value(raw)):
                    continue
                yield finding(
                    "J008",
                    Severity.ERROR,
                    f"{entry.name} in shared run configuration '{config.name}' holds a "
                    "secret-looking value (not shown)",
                    _ctx(gc, ctx_id),
                    fix=f"Remove {entry.name} from the configuration, load it from an ignored env "
                    "file (EnvFile plugin) or your shell, and rotate the secret if it was pushed.",
                    location=entry.location,
                    variable=entry.name,
                )


@rule(
    "J009",
    "goland-target-missing",
    "A run configuration's package, file or directory does not exist",
    Severity.ERROR,
    """
    A Go run configuration builds what its ``kind`` says: the PACKAGE import path, the
    FILE, or the DIRECTORY (the other fields are kept but ignored).  After a move or
    rename the live one points nowhere and GoLand fails with "cannot find package" or
    "no Go files", while the terminal command you use still works.
    """,
    "Edit the configuration and pick the package, file or directory again.",
    needs=FILES,
)
def target_missing(audit: Audit) -> Iterator[Finding]:
    for gc in audit.goland:
        for ctx_id, config in gc.config_by_context.items():
            if config.target_exists is not False or config.target_kind is None:
                continue
            kind = config.target_kind.value.upper()
            what = config.target.value if config.target else f"(no {kind.lower()} given)"
            yield finding(
                "J009",
                Severity.ERROR,
                f"run configuration '{config.name}' runs {kind} {what}, which does not exist",
                _ctx(gc, ctx_id),
                fix=f"Point the configuration's {kind.lower()} at an existing "
                f"{'package' if kind == 'PACKAGE' else kind.lower()}, or delete the configuration.",
                location=config.target.location if config.target else config.target_kind.location,
            )


@rule(
    "J010",
    "ides-disagree",
    "VS Code and GoLand use a different GOROOT or GOFLAGS for this repository",
    Severity.WARNING,
    """
    The repository is set up for both IDEs, and they do not agree: one builds with
    another Go installation or other go flags than the other, so a teammate on the
    other IDE (or you, switching) sees different results for the same code.
    """,
    "Make both IDEs use your shell's values: remove the overrides, or set the same "
    "GOROOT/GOFLAGS in go.goroot/go.toolsEnvVars and GoLand's settings.",
    needs=FILES,
)
def ides_disagree(audit: Audit) -> Iterator[Finding]:
    vs_tools = [c for c in audit.contexts if c.ide == "vscode" and c.kind == "tools"]
    if not vs_tools:
        return
    for gc in audit.goland:
        gl = _tools(gc)
        if gl is None:
            continue
        for vs in vs_tools:
            for name in ("GOROOT", "GOFLAGS"):
                if name == "GOROOT":
                    a, b = effective_goroot(gl, audit.disk), effective_goroot(vs, audit.disk)
                    same = a is None or b is None or audit.disk.same_path(a, b)
                else:
                    a, b = value(gl, name), value(vs, name)
                    same = (a or None) == (b or None)
                if same:
                    continue
                yield finding(
                    "J010",
                    Severity.WARNING,
                    f"{name} is {show(a)} in {gl.label} but {show(b)} in {vs.label}",
                    gl,
                    fix=f"Use one {name} for both IDEs (your shell's: "
                    f"{show(value(audit.shell, name) if audit.shell else None)}).",
                    location=config_location(gl, name) or config_location(vs, name),
                    variable=name,
                    context_value=a,
                    shell_value=value(audit.shell, name) if audit.shell else None,
                    provenance=layers(gl, name),
                )


@rule(
    "J011",
    "goland-envfile-missing",
    "An EnvFile entry of a run configuration does not exist",
    Severity.WARNING,
    """
    The EnvFile plugin reads the listed files when the configuration starts; a missing
    one fails the run ("EnvFile: file not found") unless "ignore missing files" is on,
    in which case its variables are silently absent.
    """,
    "Create the file (from a committed example) or remove the entry.",
    needs=FILES,
)
def envfile_missing(audit: Audit) -> Iterator[Finding]:
    for gc in audit.goland:
        for use in gc.env_files:
            if use.exists:
                continue
            yield finding(
                "J011",
                Severity.WARNING,
                f"env file {use.entry.value} of {_label(gc, use.context_id)} does not exist",
                _ctx(gc, use.context_id),
                fix="Create it (copy the committed example) or remove the EnvFile entry.",
                location=use.entry.location,
            )


def _label(gc: GoLandContexts, ctx_id: str) -> str:
    ctx = _ctx(gc, ctx_id)
    return ctx.label if ctx else ctx_id


@rule(
    "J012",
    "goland-go-disabled",
    "Go support is disabled for a module of the project",
    Severity.WARNING,
    """
    ``<component name="Go" enabled="false"/>`` in a module's .iml turns off Go support
    for it: no completion, no Go run configurations, everything unresolved, although
    the code builds in the terminal.
    """,
    "Enable Go support: Settings | Go | Go Modules (or the 'Enable Go support' banner).",
    needs=FILES,
)
def go_disabled(audit: Audit) -> Iterator[Finding]:
    for gc in audit.goland:
        for module in gc.project.modules:
            if module.go_enabled is not False:
                continue
            yield finding(
                "J012",
                Severity.WARNING,
                f"Go support is disabled in {module.file}",
                _tools(gc),
                fix="Enable Go support for the module (Settings | Go).",
                location=module.location,
            )


@rule(
    "J013",
    "goland-workdir-missing",
    "A run configuration's working directory does not exist",
    Severity.ERROR,
    """
    GoLand starts the program (and ``go test``) in ``<working_directory>``; when it does
    not exist the run fails before the program starts ("Cannot start process, the
    working directory ... does not exist").  Typical after a directory was moved or
    when the configuration was written on another machine.
    """,
    "Run | Edit Configurations...: set Working directory to an existing folder ($PROJECT_DIR$/...).",
    needs=FILES,
)
def workdir_missing(audit: Audit) -> Iterator[Finding]:
    for gc in audit.goland:
        for ctx_id, wd in gc.missing_workdirs.items():
            config = gc.config_by_context[ctx_id]
            yield finding(
                "J013",
                Severity.ERROR,
                f"run configuration '{config.name}': working directory {wd.value} does not exist",
                _ctx(gc, ctx_id),
                fix=f"In Run | Edit Configurations... | '{config.name}', set Working directory to an "
                "existing folder (write it with $PROJECT_DIR$ so it works in every checkout).",
                location=wd.location,
            )


# GoLand replaces ``$NAME$`` in env values (intellij-community
# ``EnvironmentUtil.inlineParentOccurrences``: a parent variable or an earlier entry,
# so ``$HOME$`` is the IDE's HOME) and path macros (``$PROJECT_DIR$``); no shell runs, so
# ``$NAME``, ``${NAME}``, ``%NAME%`` and ``~`` reach the program literally.
_GOLAND_SHELL = lazy_re(
    r"\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)\}"
    r"|\$(?P<plain>[A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_$])"
    r"|%(?P<win>[A-Za-z_][A-Za-z0-9_]+)%"
    r"|(?:^|(?<=[=:\s]))(?P<tilde>~)(?=[/:\s]|$)"
)


def goland_shell_tokens(text: str) -> list[tuple[str, str]]:
    """(written, GoLand's way) for each piece of shell syntax GoLand passes on literally."""
    out = []
    for m in _GOLAND_SHELL.finditer(text):
        if m.group("tilde"):
            out.append(("~", "$HOME$"))  # the IDE's HOME, inlined like any parent variable
        else:
            out.append((m.group(0), f"${m.group('braced') or m.group('plain') or m.group('win')}$"))
    return out


@rule(
    "J014",
    "goland-env-shell-syntax",
    "A run configuration env value uses shell syntax GoLand does not expand",
    Severity.WARNING,
    """
    GoLand does not run a shell for a run configuration: in ``<envs>`` values it
    replaces only ``$NAME$`` (a variable of the parent environment or an earlier entry,
    intellij-community ``EnvironmentUtil.inlineParentOccurrences``) and path macros
    (``$PROJECT_DIR$``).  ``$PATH``, ``${HOME}``, ``%GOPATH%`` and
    ``~`` reach the program as literal text: ``PATH=$PATH:/opt/bin`` gives a PATH that
    starts with the four characters ``$PATH``.
    """,
    "Run | Edit Configurations... | Environment variables: write $NAME$ instead of $NAME or "
    "${NAME}, and $HOME$ instead of ~.",
    needs=FILES,
)
def goland_env_shell_syntax(audit: Audit) -> Iterator[Finding]:
    for gc in audit.goland:
        for ctx_id, config in gc.config_by_context.items():
            for entry in config.envs:
                if entry.name == "GOPATH" or is_secret_name(entry.name):
                    continue  # GOPATH's ~ is G002's; secret values stay unread
                tokens = dict(goland_shell_tokens(entry.raw))
                if not tokens:
                    continue
                yield finding(
                    "J014",
                    Severity.WARNING,
                    f"run configuration '{config.name}': {', '.join(tokens)} in {entry.name} is "
                    "not expanded by GoLand; the program gets the literal text",
                    _ctx(gc, ctx_id),
                    fix=f"In Run | Edit Configurations... | '{config.name}' | Environment variables, write "
                    + ", ".join(f"{new} instead of {old}" for old, new in tokens.items())
                    + ".",
                    location=entry.location,
                    variable=entry.name,
                )

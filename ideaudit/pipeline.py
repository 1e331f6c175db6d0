"""One scan, end to end: target -> sources -> environments -> contexts -> rules -> report.

This is the only module that knows the order of the stages.  The CLI parses options and
picks a reporter; everything else lives in the stage modules.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ideaudit import __version__
from ideaudit._fast.record import field, record, replace
from ideaudit.contexts.layers import EnvBuilder
from ideaudit.contexts.vscode import FolderContexts, folder_contexts
from ideaudit.go import facts as gofacts
from ideaudit.go.toolchain import path_lookup, which
from ideaudit.go.variables import REPORTED_VARS
from ideaudit.ide.environment import vscode_environment
from ideaudit.model import (
    Context,
    ContextReport,
    Finding,
    IdeEnvironment,
    Location,
    Problem,
    Report,
    Severity,
    ShellSnapshot,
    Summary,
    ToolLookup,
)
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import drop_superseded, selected, split_notes, where_it_applies
from ideaudit.rules.catalog import load_all
from ideaudit.shell import (
    cache as shell_cache,
)
from ideaudit.shell import (
    capture as shell_capture,
)
from ideaudit.shell import (
    process as shell_process,
)
from ideaudit.shell import (
    profiles as shell_profiles,
)
from ideaudit.sources.vscode import load_workspace, user_settings_path
from ideaudit.workspace import Target, has_goland_project, repository_root, resolve_target

if TYPE_CHECKING:
    from ideaudit.contexts.goland import GoLandContexts
    from ideaudit.fixes.base import FixSet
    from ideaudit.local.stage import LocalFacts
    from ideaudit.shell.startup_files import StartupAnalysis
    from ideaudit.shell.trace import Trace


@record
class ScanOptions:
    path: str = "."
    home: str | None = None
    shell: str | None = None
    ide_env: str | None = None
    vscode_user_dir: str | None = None
    refresh: bool = False
    timeout: float = 10.0
    cache_dir: str | None = None
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    look_for_process: bool = True
    trust: bool = False
    go_env: bool = True
    goland_env: str | None = None
    goland_loads_shell_env: bool = False
    jetbrains_config_dir: str | None = None
    # Only what the committed files decide: no shell, no IDE process, no go (CI, pre-commit).
    static: bool = False
    # (absolute glob, codes or prefixes): the config file's per-file-ignores
    per_file_ignores: Sequence[tuple[str, Sequence[str]]] = ()


@record
class ScanResult:
    report: Report
    audit: Audit
    findings: list[Finding] = field(default_factory=list)
    fixes: FixSet | None = None  # the edits of the findings, for --diff/--fix
    # The secret values of the contexts' whole environments (never printed): whoever
    # renders findings or diffs of this scan masks them (secrets.scrub_report's extra).
    secrets: frozenset[str] = frozenset()
    notes: list[Finding] = field(default_factory=list)  # what could not be checked (-v)


def _capture_all(
    shell: str, home: str, profiles: Sequence[str], options: ScanOptions, base: dict[str, str]
) -> tuple[dict[str, ShellSnapshot], Trace | None]:
    """Every shell of the scan at once; the start-up trace with them when the last scan
    had a divergence to explain and the trace is not cached (see ``expects_divergence``)."""
    from ideaudit.shell.startup_files import expects_divergence
    from ideaudit.shell.trace import is_cached, trace_startup

    def captures() -> None:
        found.update(
            shell_capture.capture_wave(
                shell,
                home,
                profiles,
                timeout=options.timeout,
                base_env=base,
                cache_dir=options.cache_dir,
                refresh=options.refresh,
            )
        )

    def trace() -> None:
        traced.append(
            trace_startup(
                shell,
                home,
                "terminal",
                base,
                timeout=options.timeout,
                cache_dir=options.cache_dir,
                refresh=options.refresh,
            )
        )

    found: dict[str, ShellSnapshot] = {}
    traced: list[Trace] = []
    speculate = expects_divergence(shell, home, base, options.cache_dir) and (
        options.refresh or not is_cached(shell, home, "terminal", base, options.cache_dir)
    )
    from ideaudit.report.status import waiting

    with waiting(f"your shell's start-up ({os.path.basename(shell)}: {', '.join(profiles)})"):
        if speculate:
            shell_process.run_all(
                lambda job: captures() if job == "captures" else trace(), ["captures", "trace"]
            )
        else:
            captures()
    return found, (traced[0] if traced else None)


def shell_context(snapshot: ShellSnapshot, home: str) -> Context:
    """The reference: your terminal's environment and the tools it finds."""
    name = os.path.basename(snapshot.shell)
    flags = " ".join(a for a in snapshot.argv[1:-2] if a.startswith("-")) if snapshot.argv else ""
    label = f"your terminal ({name} {flags})".replace(" )", ")")
    env = EnvBuilder.from_plain(snapshot.env, f"your shell start-up ({name})").build()
    plain = env.plain()
    tools: dict[str, ToolLookup] = {"go": path_lookup("go", plain)}
    for tool in ("dlv", "gopls"):
        found = path_lookup(tool, plain)
        if not found.found:
            gopath = plain.get("GOPATH") or os.path.join(home, "go")
            dirs = [plain.get("GOBIN", "")] + [os.path.join(g, "bin") for g in gopath.split(os.pathsep) if g]
            for d in dirs:
                candidate = os.path.join(d, tool) if d else ""
                if candidate and os.access(candidate, os.X_OK) and os.path.isfile(candidate):
                    found = ToolLookup(tool, candidate, "GOPATH/bin", None, tuple(dirs))
                    break
        tools[tool] = found
    return Context("shell", label, "shell", "shell", env, tools)


@record
class _Stage:
    """What the stages of one scan share and add to."""

    options: ScanOptions
    home: str
    shell: str
    base: dict[str, str]
    snapshots: dict[str, ShellSnapshot]
    #: Every capture of the wave: ``snapshots`` and those only the start-up analysis reads.
    captured: dict[str, ShellSnapshot]
    #: The start-up trace, when it ran with the wave.
    traced: Trace | None = None
    #: How the start-up variants are obtained, and when (see ``_variants_wanted``).
    startup_plan: dict[str, str] = field(default_factory=dict)
    variants: str = "eager"
    contexts: list[Context] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def terminal(self) -> ShellSnapshot:
        return self.snapshots["terminal"]

    @property
    def hermetic(self) -> bool:
        return self.options.home is not None


def scan(options: ScanOptions) -> ScanResult:
    """Capture, read, build contexts, ask Go, run the rules, attach fixes, report."""
    from ideaudit.go.toolchain import clear_caches

    clear_caches()  # a scan sees the file system as it is now (watch re-scans)
    target = resolve_target(options.path)
    home = os.path.abspath(options.home) if options.home else os.path.expanduser("~")
    shell = options.shell or shell_profiles.default_shell()
    if not os.path.isabs(shell):
        shell = which(shell, os.environ.get("PATH")) or shell
    if options.static:
        from ideaudit.static import static_audit

        audit, ide, terminal, skipped = static_audit(target, home)
        return finish(audit, target, ide, terminal, options, skipped)
    base = shell_profiles.session_base_env(home, shell)

    # GoLand: a project with .idea/ or .run/; VS Code too unless it is GoLand-only.
    goland = has_goland_project(target.root)
    vscode = (
        not goland or target.code_workspace is not None or os.path.isdir(os.path.join(target.root, ".vscode"))
    )
    profiles = ["terminal"] if options.ide_env or not vscode else ["terminal", "vscode"]
    inside, probe = _dev_container_probe(target.root)
    probe_profile = _PROBE_PROFILE.get(probe or "", "")
    if inside and "vscode" in profiles:
        profiles.remove("vscode")
        if probe != "none":
            profiles.append(probe_profile)
    if goland and not options.goland_env:
        profiles.append("jetbrains" if _goland_loads_shell(options) else "desktop")
    # One wave of shells: the start-up analysis's captures start with the others.  In a
    # dev container the probe's capture stands for VS Code's model.
    from ideaudit.shell.startup_files import plan_wave

    ide_profiles = list(profiles)
    variants = _variants_wanted(options)
    as_ide = probe_profile if inside and probe != "none" and probe_profile in profiles else None
    planned = ["vscode" if p == as_ide else p for p in profiles]
    extra, plan = plan_wave(shell, home, base, planned, variants)
    wanted = list(dict.fromkeys([*profiles, *extra]))
    captured, traced = _capture_all(shell, home, wanted, options, base)
    stage = _Stage(options, home, shell, base, {p: captured[p] for p in ide_profiles}, captured, traced)
    stage.startup_plan, stage.variants = plan, variants
    if as_ide is not None:
        stage.snapshots["vscode"] = stage.snapshots.pop(as_ide)

    ide, folders, workspace_folders = _vscode_stage(stage, target, vscode)
    if inside and vscode and not options.ide_env:
        ide = replace(ide, source=f"model of VS Code's server in a {inside}: userEnvProbe {probe}")
    goland_results: list[GoLandContexts] = []
    if goland:
        gl_ide, gc = _goland_stage(stage, target)
        goland_results.append(gc)
        ide = replace(ide, source=f"{ide.source}; GoLand: {gl_ide.source}") if vscode else gl_ide

    terminal = stage.terminal
    reference = shell_context(terminal, home) if terminal.ok else None
    local = _local_stage(stage, target, reference, folders, goland_results, inside, probe)
    from ideaudit.report.status import waiting

    with waiting("`go env` of each context's go"):
        go = gofacts.collect(
            stage.contexts,
            local.project or reference,
            workspace_folders,
            root=target.root,
            home=home,
            trust=options.trust,
            run_go=options.go_env,
            cache_dir=options.cache_dir or shell_cache.default_cache_dir(),
            refresh=options.refresh,
        )
    stage.problems.extend(go.problems)
    audit = Audit(
        shell=go.shell,
        contexts=tuple(go.contexts),
        go=go,
        startup=_startup_stage(stage),
        problems=tuple(stage.problems),
        vscode=tuple(folders),
        goland=tuple(goland_results),
        ide=ide,
        snapshots=tuple(stage.snapshots.values()),
        home=home,
        local=local,
    ).with_disk_facts()
    return finish(audit, target, ide, terminal, options)


def finish(
    audit: Audit,
    target: Target,
    ide: IdeEnvironment,
    terminal: ShellSnapshot,
    options: ScanOptions,
    skipped: Sequence[str] = (),
) -> ScanResult:
    """Rules, suppressions, fixes and the report: the stages a full and a static scan share."""
    from ideaudit.findings.suppress import apply_suppressions

    found = run_rules(audit, options.select, options.ignore, options.per_file_ignores, skipped)
    found = apply_suppressions(found, target.root, options.select, options.ignore)
    findings, notes = split_notes(found)
    from ideaudit.fixes.attach import attach_fixes

    findings, fixes = attach_fixes(findings, audit)
    secrets = frozenset(_secrets(audit))
    workspace = target.code_workspace or target.root
    report = build_report(workspace, audit, findings, ide, terminal, secrets, notes)
    repository = repository_root(target.root, os.environ.get("GITHUB_WORKSPACE"))
    report = replace(
        report, static=options.static, skipped_rules=tuple(sorted(skipped)), repository=repository
    )
    return ScanResult(report, audit, findings, fixes, secrets, notes)


def _secrets(audit: Audit) -> set[str]:
    from ideaudit.redact import env_secrets

    everyone = [*([audit.shell] if audit.shell is not None else []), *audit.contexts]
    return env_secrets(c.env.vars for c in everyone)


# userEnvProbe -> the capture profile with the same shell flags (see local.devcontainer).
_INSIDE_MARKERS = (
    "REMOTE_CONTAINERS",
    "REMOTE_CONTAINERS_IPC",
    "VSCODE_REMOTE_CONTAINERS_SESSION",
    "CODESPACES",
)
_PROBE_PROFILE = {
    "loginInteractiveShell": "login-interactive",
    "loginShell": "login",
    "interactiveShell": "interactive",
}


def _dev_container_probe(root: str) -> tuple[str | None, str | None]:
    """When ideaudit runs inside a dev container or Codespace, VS Code's server probes the
    shell as the project's devcontainer.json ``userEnvProbe`` says (default
    loginInteractiveShell); otherwise (None, None)."""
    if not any(os.environ.get(k) for k in _INSIDE_MARKERS):
        return None, None
    from ideaudit.local.devcontainer import inside_dev_container, load_devcontainers

    inside = inside_dev_container(os.environ)
    if inside is None:
        return None, None
    found, _ = load_devcontainers(root)
    return inside, found[0].user_env_probe if found else "loginInteractiveShell"


def _local_stage(
    stage: _Stage,
    target: Target,
    reference: Context | None,
    folders: list[FolderContexts],
    goland: list[GoLandContexts],
    inside: str | None,
    probe: str | None,
) -> LocalFacts:
    """.envrc, pins, dev containers: the terminal in this project, and who loads what."""
    from ideaudit.local.stage import collect

    options = stage.options
    local = collect(
        root=target.root,
        home=stage.home,
        terminal_snapshot=stage.terminal,
        terminal=reference,
        contexts=stage.contexts,
        vscode=folders,
        goland=goland,
        hermetic=stage.hermetic,
        timeout=options.timeout,
        vscode_user_dir=options.vscode_user_dir,
        jetbrains_config_dir=options.jetbrains_config_dir,
        inside=inside,
        probe=probe,
        cache_dir=options.cache_dir or shell_cache.default_cache_dir(),
        refresh=options.refresh,
    )
    stage.problems.extend(local.problems)
    return local


def _goland_loads_shell(options: ScanOptions) -> bool:
    """GoLand reads the login shell itself on macOS, on Linux only when told to."""
    return options.goland_loads_shell_env or sys.platform == "darwin"


def _vscode_stage(
    stage: _Stage, target: Target, vscode: bool
) -> tuple[IdeEnvironment, list[FolderContexts], list[str]]:
    """VS Code's environment, its files, and one context per place it runs Go."""
    options = stage.options
    ide, ide_problems = vscode_environment(
        ide_env_file=options.ide_env,
        shell_snapshot_vscode=stage.snapshots.get("vscode"),
        session_env=stage.base,
        look_for_process=options.look_for_process and not stage.hermetic,
    )
    # A failed resolution is reported once, from its snapshot (E003 with the time it took).
    stage.problems.extend(p for p in ide_problems if p.kind != "capture")
    workspace = load_workspace(
        target.root, target.code_workspace, user_settings_path(options.vscode_user_dir, stage.home)
    )
    results: list[FolderContexts] = []
    if vscode:
        stage.problems.extend(workspace.problems)
        all_folders = {f.name: f.path for f in workspace.folders}
        for folder in workspace.folders:
            fc = folder_contexts(folder, ide, stage.terminal, stage.home, all_folders)
            results.append(fc)
            stage.contexts.extend(fc.contexts)
            stage.problems.extend(fc.problems)
    return ide, results, [f.path for f in workspace.folders]


def _goland_stage(stage: _Stage, target: Target) -> tuple[IdeEnvironment, GoLandContexts]:
    """GoLand's environment, project files and contexts (its modules load only here)."""
    from ideaudit.contexts.goland import goland_contexts
    from ideaudit.ide.environment import goland_environment
    from ideaudit.sources.goland import load_goland_project

    options = stage.options
    gl_ide, gl_problems = goland_environment(
        goland_env_file=options.goland_env,
        jetbrains_snapshot=stage.snapshots.get("jetbrains"),
        desktop_snapshot=stage.snapshots.get("desktop"),
        session_env=stage.base,
        loads_shell_env=_goland_loads_shell(options),
        look_for_process=options.look_for_process and not stage.hermetic,
    )
    stage.problems.extend(p for p in gl_problems if p.kind != "capture")
    project = load_goland_project(target.root, stage.home, options.jetbrains_config_dir, stage.hermetic)
    gc = goland_contexts(project, gl_ide, stage.terminal)
    stage.contexts.extend(gc.contexts)
    stage.problems.extend(gc.problems)
    return gl_ide, gc


def _variants_wanted(options: ScanOptions) -> str:
    """When the start-up variants are needed: ``eager`` if a selected rule reads every
    variant (S004 noise, S005 failures), ``lazy`` if only S001 does (to say where else a
    divergence shows), else ``none``: a scan starts no shell that no rule reads."""
    codes = {r.code for r in selected(load_all().values(), options.select, options.ignore)}
    if codes & {"S004", "S005"}:
        return "eager"
    return "lazy" if "S001" in codes else "none"


def _startup_stage(stage: _Stage) -> StartupAnalysis | None:
    """Which dotfile line set what the terminal has and the IDE lacks (cached)."""
    if not stage.terminal.ok:
        return None
    from ideaudit.shell.startup_files import analyze_startup

    options = stage.options
    return analyze_startup(
        stage.shell,
        stage.home,
        stage.base,
        terminal=stage.terminal,
        ide=stage.snapshots.get("vscode"),
        timeout=options.timeout,
        cache_dir=options.cache_dir,
        refresh=options.refresh,
        captured=stage.captured,
        variants=stage.variants,
        traced=stage.traced,
        plan=stage.startup_plan,
    )


def run_rules(
    audit: Audit,
    select: Sequence[str],
    ignore: Sequence[str],
    per_file_ignores: Sequence[tuple[str, Sequence[str]]] = (),
    skipped: Sequence[str] = (),
) -> list[Finding]:
    """Every selected rule (but ``skipped``).  Paths stay as the rules give them
    (absolute): the fixes open them; :func:`build_report` shows them relative to the root."""
    rules = [r for r in selected(load_all().values(), select, ignore) if r.code not in skipped]
    findings: list[Finding] = []
    seen: set[tuple[object, ...]] = set()
    for r in rules:
        for f in r.check(audit):
            key = (f.code, f.context_id, f.location, f.message)
            if per_file_ignores and _ignored_in_file(f, per_file_ignores):
                continue
            if key not in seen:
                seen.add(key)
                findings.append(f)
    kinds = {c.id: c.kind for c in audit.contexts}
    if audit.shell is not None:
        kinds[audit.shell.id] = audit.shell.kind
    findings = drop_superseded(where_it_applies(findings, kinds))
    findings.sort(key=Finding.sort_key)
    return findings


def _ignored_in_file(f: Finding, per_file_ignores: Sequence[tuple[str, Sequence[str]]]) -> bool:
    """A finding in a file that a ``per-file-ignores`` glob matches, with its code listed."""
    if f.location is None:
        return False
    from fnmatch import fnmatch

    from ideaudit.rules.base import matches

    path = os.path.abspath(f.location.file)
    return any(fnmatch(path, glob) and matches(f.code, list(codes)) for glob, codes in per_file_ignores)


def relative_to_root(findings: Sequence[Finding], root: str | None, home: str | None = None) -> list[Finding]:
    """``findings`` with paths as every report shows them (see :func:`_display`)."""
    return [_display(f, root or os.getcwd(), home) for f in findings]


def _display(f: Finding, base: str, home: str | None = None) -> Finding:
    """Paths under the workspace root are shown relative to it, whatever the current
    directory (a SARIF or JSON report means the same files from anywhere); paths outside
    it (your dotfiles) stay absolute.  In the message, too, a path in the workspace is
    shown relative to it and one in your home as ``~/...``: the same finding reads the
    same in every checkout and on every machine."""
    message = _short_paths(f.message, base, home)
    if message != f.message:
        f = replace(f, message=message)
    loc = f.location
    if loc is None:
        return f
    return replace(
        f,
        location=_rel(loc, base),
        provenance=tuple(
            replace(layer, location=_rel(layer.location, base)) if layer.location else layer
            for layer in f.provenance
        ),
    )


def _short_paths(text: str, base: str, home: str | None) -> str:
    """``text`` with absolute paths under ``base`` made relative to it (``base`` itself
    is ``.``) and those under ``home`` written ``~/...``; the longer prefix wins, so a
    fake home inside a sample workspace still reads ``~``.  A prefix counts only where
    a path starts and ends (``/ws`` is not in ``/ws2/x``)."""
    roots = [
        (r.rstrip("/"), short) for r, short in ((base, "."), (home or "", "~")) if len(r.rstrip("/")) > 1
    ]
    if not roots or not any(r in text for r, _ in roots):
        return text
    import re

    roots.sort(key=lambda item: -len(item[0]))
    alternatives = "|".join(re.escape(r) for r, _ in roots)
    pattern = re.compile(rf"(?<![\w./~-])({alternatives})(/|(?![\w.-]))")
    short = dict(roots)

    def sub(m: re.Match[str]) -> str:
        name = short[m.group(1)]
        if m.group(2) != "/":
            return name
        return "~/" if name == "~" else ""

    return pattern.sub(sub, text)


def _rel(loc: Location, base: str) -> Location:
    path = loc.file
    if not os.path.isabs(path):
        path = os.path.abspath(path)
    try:
        rel = os.path.relpath(path, base)
    except ValueError:
        return replace(loc, file=path)
    if rel == os.curdir or rel.startswith(os.pardir + os.sep) or rel == os.pardir:
        return replace(loc, file=path)
    return replace(loc, file=rel)


def build_report(
    workspace: str,
    audit: Audit,
    findings: list[Finding],
    ide: IdeEnvironment,
    terminal: ShellSnapshot,
    secrets: frozenset[str] | None = None,
    notes: Sequence[Finding] = (),
) -> Report:
    ctxs = list(audit.contexts)
    if audit.shell is not None:
        ctxs.insert(0, audit.shell)
    if audit.local is not None and audit.local.project is not None and audit.local.terminal is not None:
        ctxs.insert(0, audit.local.terminal)  # your terminal, then your terminal in this project
    base = os.path.dirname(workspace) if workspace.endswith(".code-workspace") else workspace
    reports = tuple(
        ContextReport(
            id=c.id,
            label=c.label,
            ide=c.ide,
            kind=c.kind,
            folder=c.folder,
            defined_at=_rel(c.defined_at, base) if c.defined_at is not None else None,
            tools=tuple(c.tools.values()),
            env={n: v for n, v in c.env.vars.items() if n in REPORTED_VARS},
            go_env=c.go_env,
        )
        for c in ctxs
    )
    from ideaudit.findings.causes import group_causes

    # One cause seen in several contexts is one finding that lists them (the summary
    # counts causes); ScanResult.findings keeps one per context for the fixes.
    findings = group_causes(findings, {c.id: i for i, c in enumerate(ctxs)})
    findings = [_display(f, base, audit.home) for f in findings]
    notes = [_display(f, base, audit.home) for f in notes]
    from ideaudit.findings.fingerprint import fingerprint_all

    findings = fingerprint_all(findings, base)
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    how = "cached" if terminal.cached else f"{terminal.duration:.2f} s"
    if terminal.derived_from:  # no run of its own: see shell.derive
        how += f", derived from {terminal.derived_from}'s run"
    shell_desc: str | None = f"{terminal.shell} ({how})" if terminal.shell else None  # static: none
    from ideaudit.redact import scrub_report

    # The report keeps only the Go variables of each context; a secret copied from any
    # other variable (GONOSUMDB holding DB_PASSWORD's value) is known by value from the
    # whole environments, so the report leaves here already masked for every reporter.
    if secrets is None:
        secrets = frozenset(_secrets(audit))
    report = Report(
        version=__version__,
        workspace=workspace,
        shell=shell_desc,
        ide_environment=ide.source,
        contexts=reports,
        findings=tuple(findings),
        home=audit.home,
        notes=tuple(notes),
        root=base,
        summary=Summary(
            contexts=len(audit.contexts),
            findings=len(findings),
            errors=errors,
            warnings=warnings,
            infos=len(findings) - errors - warnings,
        ),
    )
    return scrub_report(report, secrets) if secrets else report

"""The project-local stage of a scan: files, direnv, which contexts load what, and the
reference "your terminal in this project".

I/O happens here (reading the files, asking direnv); the result, :class:`LocalFacts`,
is plain data the L rules read.  Contexts that load the ``.envrc`` themselves (VS Code
with a direnv extension, a GoLand run configuration with the Better Direnv plugin on,
an integrated terminal whose shell hooks direnv) get direnv's variables as a layer, so
every rule sees what they really get.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from ideaudit._fast.lazyre import lazy_re
from ideaudit._fast.record import field, record, replace
from ideaudit.go.toolchain import split_path, which
from ideaudit.local.devcontainer import DevContainer, load_devcontainers
from ideaudit.local.direnv import DirenvResult, ask_direnv, hooked, load_dotenv_enabled
from ideaudit.local.envrc import Envrc, find_envrc, load_envrc
from ideaudit.local.pins import Pins, load_pins
from ideaudit.local.plugins import Extension
from ideaudit.model import Context, Layer, Location, Problem, ShellSnapshot, ToolLookup

_MISE_HOOK = r"mise\s+activate\b|rtx\s+activate\b"
PATH_LISTS = ("PATH", "GOPATH")


@record
class LocalFacts:
    """What the project sets for a terminal opened in it, and who loads it."""

    root: str
    envrc: Envrc | None = None
    direnv: DirenvResult | None = None
    direnv_hook: str | None = None  # the start-up file that hooks direnv
    mise_hook: str | None = None
    vscode_direnv: list[Extension] = field(default_factory=list)
    goland_direnv: list[Extension] = field(default_factory=list)
    loads: dict[str, str] = field(default_factory=dict)  # context id -> what loads .envrc there
    # The variables the project adds in a terminal opened in it: name -> layer.
    layers: dict[str, Layer] = field(default_factory=dict)
    terminal: Context | None = None  # your terminal (no project files)
    project: Context | None = None  # your terminal in this project, when it differs
    pins: Pins = field(default_factory=Pins)
    devcontainers: list[DevContainer] = field(default_factory=list)
    inside: str | None = None  # "dev container" | "Codespaces" when ideaudit runs in one
    probe: str | None = None  # the userEnvProbe VS Code's server used, when inside
    # context id -> its working directory, for contexts that start go outside the project
    # (decided here, at the I/O edge, so the shim rule reads no file system)
    outside_cwd: dict[str, str] = field(default_factory=dict)
    # GoLand run configurations with Better Direnv's "Enable Direnv" on (its location)
    direnv_option: dict[str, Location] = field(default_factory=dict)
    # One view per devcontainer.json (containerEnv, then remoteEnv), for `ideaudit env`;
    # not audited as contexts: what the container's shell adds cannot be known from here.
    devcontainer_views: list[Context] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def direnv_names(self) -> list[str]:
        return [n for n, layer in self.layers.items() if layer.source.startswith("direnv")]


def _source(envrc: Envrc) -> str:
    return f"direnv ({os.path.basename(envrc.path)})"


def _merge_list(added_from: str, terminal_value: str | None, target: str | None) -> str:
    """Entries direnv added to a list variable (PATH_add prepends), put before ``target``'s."""
    before = set(split_path(terminal_value))
    added = [e for e in split_path(added_from) if e not in before]
    rest = [e for e in split_path(target) if e not in added]
    return os.pathsep.join(added + rest)


def _relookup(ctx: Context, env_path: str | None) -> dict[str, ToolLookup]:
    tools = dict(ctx.tools)
    for name, lookup in ctx.tools.items():
        if lookup.via in ("PATH", "not found", "fallback"):
            found = which(name, env_path)
            if found is not None and found != lookup.path:
                tools[name] = ToolLookup(name, found, "PATH", None, tuple(split_path(env_path)))
    return tools


def with_layers(
    ctx: Context, layers: Mapping[str, Layer], terminal_env: Mapping[str, str], why: str
) -> Context:
    """``ctx`` as it is when ``why`` loads the project's variables into it."""
    from ideaudit.contexts.layers import EnvBuilder

    env = EnvBuilder(ctx.env)
    for name, layer in layers.items():
        value = layer.value
        if name in PATH_LISTS and value is not None:
            value = _merge_list(value, terminal_env.get(name), env.get(name))
        env.set(name, value, f"{layer.source} via {why}", layer.location)
    built = env.build()
    return replace(ctx, env=built, tools=_relookup(ctx, built.plain().get("PATH")))


def _project_context(terminal: Context, layers: Mapping[str, Layer], files: Sequence[str]) -> Context:
    from ideaudit.contexts.layers import EnvBuilder

    env = EnvBuilder(terminal.env)
    for name, layer in layers.items():
        env.set(name, layer.value, layer.source, layer.location)
    built = env.build()
    label = terminal.label.replace("your terminal", "your terminal in this project", 1)
    label = label[:-1] + " + " + ", ".join(files) + ")" if label.endswith(")") else label
    return replace(
        terminal,
        id="shell:project",
        label=label,
        env=built,
        tools=_relookup(terminal, built.plain().get("PATH")),
    )


def _devcontainer_view(dc: DevContainer, root: str, local_env: Mapping[str, str]) -> Context:
    """containerEnv then remoteEnv as layers, ``${localEnv:X}`` and ``${containerEnv:X}``
    substituted where the value is known (the image's own variables are not)."""
    import re

    from ideaudit.contexts.layers import EnvBuilder

    env = EnvBuilder()

    def subst(text: str) -> str:
        def one(m: re.Match[str]) -> str:
            kind, name, default = m.group(1), m.group(2), m.group(3)
            source = local_env if kind == "localEnv" else env.plain()
            found = source.get(name)
            if found is None and kind == "containerEnv":
                return m.group(0)  # from the image: unknown here
            return found or (default[1:] if default else "")

        text = text.replace("${localWorkspaceFolderBasename}", os.path.basename(root))
        text = text.replace("${localWorkspaceFolder}", root)
        return re.sub(r"\$\{(localEnv|containerEnv):([A-Za-z_][A-Za-z0-9_]*)(:[^}]*)?\}", one, text)

    for block, items in (("containerEnv", dc.container_env), ("remoteEnv", dc.remote_env)):
        for item in items:
            if item.value is not None:
                source = f"{block} (devcontainer.json)"
                env.set(item.name, subst(item.value), source, item.location, item.value)
    rel = os.path.relpath(dc.path, root)
    name = dc.name or rel
    return Context(
        id=f"devcontainer:{name}",
        label=f"dev container '{name}' ({rel}: containerEnv, remoteEnv)",
        ide="devcontainer",
        kind="devcontainer",
        env=env.build(),
        defined_at=Location(dc.path, 1, 1),
    )


def _cwd(raw: object, folder: str, home: str) -> str | None:
    if not isinstance(raw, str) or not raw:
        return None
    text = raw.replace("${workspaceFolder}", folder).replace("${workspaceRoot}", folder)
    text = text.replace("${userHome}", home)
    if text.startswith("~/"):
        text = os.path.join(home, text[2:])
    if "${" in text:
        return None
    return os.path.normpath(os.path.join(folder, text))


def collect(
    *,
    root: str,
    home: str,
    terminal_snapshot: ShellSnapshot,
    terminal: Context | None,
    contexts: list[Context],
    vscode: Sequence[object],
    goland: Sequence[object],
    hermetic: bool,
    timeout: float,
    vscode_user_dir: str | None,
    jetbrains_config_dir: str | None,
    inside: str | None = None,
    probe: str | None = None,
    cache_dir: str | None = None,
    refresh: bool = False,
) -> LocalFacts:
    """Read and ask; returns the facts and, in ``contexts``, the contexts updated in place
    with the layers their IDE really loads."""
    facts = LocalFacts(root, terminal=terminal, inside=inside, probe=probe)
    shell_env = dict(terminal.env.plain()) if terminal is not None else dict(terminal_snapshot.env)
    startup = terminal_snapshot.startup_files

    # A hermetic run (a fake $HOME) must not pick up the real home's .envrc or pins.
    real_home = os.path.expanduser("~")
    stop = real_home if hermetic and os.path.abspath(home) != real_home else None

    # 1. direnv
    envrc_path = find_envrc(root, load_dotenv_enabled(home, shell_env), stop)
    if envrc_path is not None:
        facts.envrc = load_envrc(envrc_path)
        facts.direnv_hook = hooked(startup)
        if terminal is not None:
            facts.direnv = ask_direnv(
                os.path.dirname(envrc_path), shell_env, home, root, timeout, cache_dir, refresh
            )
    files: list[str] = []
    if facts.envrc is not None and facts.direnv is not None and facts.direnv.exported and facts.direnv_hook:
        source = _source(facts.envrc)
        for name, value in facts.direnv.changes.items():
            facts.layers[name] = Layer(source, value, facts.envrc.location_of(name))
        files.append(os.path.basename(facts.envrc.path))

    # 2. pins and mise's [env] (applied by `mise activate` in the shell)
    problems: list[str] = []
    facts.pins = load_pins(root, home, problems, stop)
    facts.problems.extend(Problem("parse", p, Location(p.split(": ", 1)[0])) for p in problems)
    if facts.pins.mise_env:
        facts.mise_hook = hooked(startup, lazy_re(_MISE_HOOK))
        if facts.mise_hook:
            for item in facts.pins.mise_env:
                if item.value is not None and item.name not in facts.layers:
                    facts.layers[item.name] = Layer("mise [env]", item.value, item.location)
            files.append(os.path.basename(facts.pins.mise_env[0].location.file))

    # 3. dev containers
    facts.devcontainers, dc_problems = load_devcontainers(root)
    facts.problems.extend(dc_problems)
    facts.devcontainer_views = [_devcontainer_view(dc, root, shell_env) for dc in facts.devcontainers]

    # 4. who loads the .envrc
    if facts.envrc is not None:
        from ideaudit.local.plugins import (
            goland_direnv_plugins,
            vscode_direnv_extensions,
            vscode_extensions_dir,
        )
        from ideaudit.sources.goland import jetbrains_config_root

        user_dir = vscode_user_dir or os.path.join(home, ".config", "Code", "User")
        if vscode:
            # Inside a dev container the extension host is VS Code's server, with its own folder.
            ext_dir = (
                os.path.join(home, ".vscode-server", "extensions") if inside else vscode_extensions_dir(home)
            )
            facts.vscode_direnv = vscode_direnv_extensions(ext_dir, user_dir)
        if goland:
            config_root = jetbrains_config_dir or jetbrains_config_root(home, hermetic)
            facts.goland_direnv = goland_direnv_plugins(home, hermetic, config_root)
    vs_ext = next((e for e in facts.vscode_direnv if not e.disabled), None)
    gl_plugin = next((e for e in facts.goland_direnv if not e.disabled), None)
    run_configs: dict[str, Any] = {}
    for gc in goland:
        run_configs.update(getattr(gc, "config_by_context", {}))
    launches: dict[str, tuple[Any, str]] = {}
    for fc in vscode:
        for ctx_id, cfg in getattr(fc, "launch_by_context", {}).items():
            launches[ctx_id] = (cfg, getattr(getattr(fc, "folder", None), "path", root))
    direnv_layers = {n: la for n, la in facts.layers.items() if la.source.startswith("direnv")}
    real_root = os.path.realpath(root).rstrip("/") + "/"
    for i, ctx in enumerate(contexts):
        why = None
        if ctx.kind == "terminal" and (facts.direnv_hook or facts.mise_hook):
            why = f"your shell's start-up ({facts.direnv_hook or facts.mise_hook})"
        elif ctx.ide == "vscode" and vs_ext is not None:
            # the extension host's process.env, and terminals through its environment collection
            why = f"the {vs_ext.id} extension"
        elif ctx.ide == "goland" and gl_plugin is not None and ctx.id in run_configs:
            opt = run_configs[ctx.id].direnv
            if opt is not None:
                why = f"the Better Direnv plugin (Enable Direnv at {opt})"
        if why is not None:
            facts.loads[ctx.id] = why
            # A terminal runs your shell (direnv hook, mise activate); an extension only direnv.
            apply = facts.layers if ctx.kind == "terminal" else direnv_layers
            if apply:
                contexts[i] = with_layers(ctx, apply, shell_env, why)
        if ctx.id in run_configs and run_configs[ctx.id].direnv is not None:
            facts.direnv_option[ctx.id] = run_configs[ctx.id].direnv
        # working directories (for the shim trap)
        cwd = None
        if ctx.id in launches:
            cfg, folder = launches[ctx.id]
            cwd = _cwd(cfg.effective.get("cwd"), folder, home)
        elif ctx.id in run_configs and run_configs[ctx.id].working_directory is not None:
            cwd = run_configs[ctx.id].working_directory.value
        if cwd and not (os.path.realpath(cwd).rstrip("/") + "/").startswith(real_root):
            facts.outside_cwd[ctx.id] = cwd

    if terminal is not None and facts.layers:
        facts.project = _project_context(terminal, facts.layers, files)
    return facts

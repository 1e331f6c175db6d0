"""GoLand contexts: what each Go run configuration, GoLand's own go calls and its
terminal really get, with every layer pointing at the XML file and line that set it.

Precedence, lowest first (GoLand's ``GoExecutor``/``GoRunConfigurationBase``; the run
console prints the variables GoLand adds as ``GOROOT=... #gosetup``):

* run configurations: the IDE's environment (nothing when parent passing is off) <
  GOROOT and GOPATH that GoLand sets from its SDK and GOPATH settings < the Go modules
  environment (application ``vgo.xml``, then project ``VgoProject``; the 2019 ``<proxy>``
  became GOPROXY) < the configuration's ``<envs>`` < EnvFile plugin files, in order.
  GoLand runs the SDK's ``GOROOT/bin/go`` by absolute path, and ships its own dlv.
* tools (GoLand's own go calls, indexing): the same without a configuration.
* terminal: the IDE's environment, your shell's start-up files run again, then the
  project's terminal env (``TerminalProjectNonSharedOptionsProvider``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ideaudit._fast.lazyre import lazy_re
from ideaudit._fast.record import field, record
from ideaudit.contexts.layers import EnvBuilder
from ideaudit.go.toolchain import goroot_problem, inside_any, is_executable, path_lookup
from ideaudit.model import Context, IdeEnvironment, Location, Problem, ShellSnapshot, ToolLookup
from ideaudit.sources.envfile import load_envfile
from ideaudit.sources.goland import EnvEntry, GoLandProject, RunConfig, XmlValue

KIND_WORDS = {"debug": ("run", "run"), "tests": ("tests", "tests"), "attach": ("attach", "remote debug")}


@record(frozen=True)
class EnvFileUse:
    """An EnvFile plugin entry as resolved for one context."""

    entry: XmlValue
    context_id: str
    exists: bool


@record
class GoLandContexts:
    """All GoLand contexts of one project plus what building them revealed."""

    project: GoLandProject
    contexts: list[Context] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    config_by_context: dict[str, RunConfig] = field(default_factory=dict)
    env_files: list[EnvFileUse] = field(default_factory=list)
    # run configurations whose <working_directory> does not exist (rule J013)
    missing_workdirs: dict[str, XmlValue] = field(default_factory=dict)
    sdk_problem: str | None = None  # why the project's GOROOT is not a usable SDK
    sdk_go: ToolLookup | None = None


def ide_label(ide: IdeEnvironment) -> str:
    """The provenance label of the IDE's environment (rules.common treats it as a base)."""
    if ide.kind in ("file", "process"):
        return f"GoLand environment ({ide.source})"
    return "GoLand environment (its process environment at start-up)"


class _Builder:
    def __init__(self, project: GoLandProject, ide: IdeEnvironment, terminal: ShellSnapshot | None) -> None:
        self.project = project
        self.ide = ide
        self.terminal = terminal
        self.out = GoLandContexts(project)

    # -- the parts every context shares ------------------------------------------------
    def _ide_env(self) -> EnvBuilder:
        return EnvBuilder.from_plain(self.ide.env, ide_label(self.ide), self.ide.location)

    def _sdk(self) -> None:
        root = self.project.goroot
        if root is None:
            return
        self.out.sdk_problem = goroot_problem(root.value)
        if self.out.sdk_problem is None:
            go = os.path.join(root.value, "bin", "go")
            if is_executable(go):
                self.out.sdk_go = ToolLookup(
                    "go", go, "GoLand Go SDK (GOROOT/bin)", root.location, (os.path.dirname(go),)
                )

    def _gosetup(self, env: EnvBuilder) -> None:
        """GOROOT and GOPATH as GoLand sets them (``#gosetup``), then the modules env."""
        project = self.project
        root = project.goroot
        if root is not None and self.out.sdk_problem is None:
            env.set("GOROOT", root.value, "GoLand Go SDK (GOROOT setting)", root.location, root.raw)
        urls = [*project.app.gopath, *project.gopath_urls]
        if urls:
            parts: list[str] = []
            if project.use_system_gopath:
                parts += [p for p in (self.ide.env.get("GOPATH") or "").split(os.pathsep) if p]
            parts += [u.value for u in urls]
            value = os.pathsep.join(dict.fromkeys(parts))
            env.set("GOPATH", value, "GoLand GOPATH setting", urls[-1].location, value)
        for entry in project.app.vgo_env:
            env.set(
                entry.name, entry.value, "GoLand Go modules environment (vgo.xml)", entry.location, entry.raw
            )
        vgo = project.vgo
        if vgo.proxy is not None and vgo.proxy.value:
            env.set("GOPROXY", vgo.proxy.value, "GoLand Go modules proxy (VgoProject)", vgo.proxy.location)
        for entry in vgo.environment:
            env.set(entry.name, entry.value, "GoLand Go modules environment", entry.location, entry.raw)

    def _go(self, env: EnvBuilder) -> ToolLookup:
        return self.out.sdk_go or path_lookup("go", env.plain())

    def _add(
        self,
        ctx_id: str,
        label: str,
        kind: str,
        env: EnvBuilder,
        tools: dict[str, ToolLookup],
        defined_at: Location | None = None,
    ) -> None:
        self.out.contexts.append(
            Context(
                id=ctx_id,
                label=label,
                ide="goland",
                kind=kind,
                env=env.build(),
                tools=tools,
                folder=self.project.root,
                defined_at=defined_at,
            )
        )

    # -- contexts -----------------------------------------------------------------------
    def build(self) -> GoLandContexts:
        self._sdk()
        tools = self._ide_env()
        self._gosetup(tools)
        self._add("goland:tools", "GoLand tools (go, indexing)", "tools", tools, {"go": self._go(tools)})
        seen: set[str] = set()
        for config in self.project.run_configs:
            self._config(config, seen)
        self._terminal()
        return self.out

    def _config(self, config: RunConfig, seen: set[str]) -> None:
        id_word, label_word = KIND_WORDS[config.kind]
        ctx_id = f"goland:{id_word}:{config.name}"
        n = 2
        while ctx_id in seen:
            ctx_id = f"goland:{id_word}:{config.name}#{n}"
            n += 1
        seen.add(ctx_id)
        env = self._ide_env()
        if not config.pass_parent:
            source = f"run configuration '{config.name}' (parent environment not passed)"
            for name in list(env.plain()):
                env.set(name, None, source, config.pass_parent_location)
        self._gosetup(env)
        where = "shared run configuration" if config.shared else "run configuration (workspace.xml)"
        for name, val, entry in inline_parent_occurrences(config.envs, self.ide.env):
            env.set(name, val, f"{where} '{config.name}' envs", entry.location, entry.raw)
        for env_file in config.env_files:
            exists = os.path.exists(env_file.value)  # a FIFO or device: E002 from load_envfile
            self.out.env_files.append(EnvFileUse(env_file, ctx_id, exists))
            if not exists:
                continue
            values, problems = load_envfile(env_file.value, env.plain())
            self.out.problems.extend(problems)
            outside = not inside_any(env_file.value, [self.project.root])  # values are secrets
            for item in values:
                env.set(
                    item.name,
                    item.value,
                    f"EnvFile {os.path.basename(env_file.value)}",
                    item.location,
                    item.raw,
                    secret=outside,
                )
        self.out.config_by_context[ctx_id] = config
        wd = config.working_directory
        if wd is not None and wd.value and os.path.isabs(wd.value) and not os.path.isdir(wd.value):
            self.out.missing_workdirs[ctx_id] = wd
        self._add(
            ctx_id,
            f"GoLand {label_word} '{config.name}'",
            config.kind,
            env,
            {"go": self._go(env)},
            config.location,
        )

    def _terminal(self) -> None:
        project = self.project
        env = self._ide_env() if project.terminal_pass_parent else EnvBuilder()
        if self.terminal is not None and self.terminal.ok:
            shell = os.path.basename(self.terminal.shell)
            label = f"your shell start-up files, run again by the terminal ({shell})"
            for name, value in self.terminal.env.items():
                if env.get(name) != value:
                    env.set(name, value, label)
        for entry in project.terminal_env:
            env.set(
                entry.name,
                entry.value,
                "GoLand terminal environment (workspace.xml)",
                entry.location,
                entry.raw,
            )
        plain = env.plain()
        self._add(
            "goland:terminal",
            "GoLand terminal",
            "terminal",
            env,
            {"go": path_lookup("go", plain), "dlv": path_lookup("dlv", plain)},
        )


_PARENT_REF = lazy_re(r"\$(.*?)\$")


def inline_parent_occurrences(
    envs: tuple[EnvEntry, ...], parent: Mapping[str, str]
) -> list[tuple[str, str, EnvEntry]]:
    """``$NAME$`` in a run configuration's env values, replaced as GoLand does
    (intellij-community ``EnvironmentUtil.inlineParentOccurrences(envs, parentEnv)``):
    the lookup is the configuration's entries overlaid by the IDE's environment, each
    entry in order sees the entries before it as replaced, and an unknown ``$NAME$``
    stays as written.  ``PATH=$PATH$:/opt/bin`` therefore keeps the inherited PATH."""
    lookup: dict[str, str] = {e.name: e.value for e in envs}
    lookup.update(parent)
    out: list[tuple[str, str, EnvEntry]] = []
    for entry in envs:
        val = entry.value
        for m in _PARENT_REF.finditer(entry.value):
            found = lookup.get(m.group(1))
            if found is not None:
                val = val.replace(m.group(0), found)
        lookup[entry.name] = val
        out.append((entry.name, val, entry))
    return out


def goland_contexts(
    project: GoLandProject, ide: IdeEnvironment, terminal: ShellSnapshot | None
) -> GoLandContexts:
    """Build every GoLand context of ``project``."""
    result = _Builder(project, ide, terminal).build()
    result.problems[:0] = project.problems
    return result

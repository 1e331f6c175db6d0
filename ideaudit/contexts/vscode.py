"""VS Code contexts: what each place a Go command runs really gets, with provenance.

Precedence follows vscode-go (golang/vscode-go ``toolExecutionEnvironment``,
``goDebugConfiguration.ts``, ``testUtils.ts``), lowest first:

* tools (gopls, dlv, go): VS Code env < ``go.toolsEnvVars`` < ``go.gopath``/``go.goroot``;
  gopls additionally applies ``gopls: {"build.env": ...}`` to the go commands it runs.
* debug (launch.json ``type: go``): tools env < ``envFile`` (in order) < ``env``;
  vscode-go strips ``-gcflags`` from ``env.GOFLAGS``.
* tests (code lens, Test Explorer): tools env < ``go.testEnvFile`` < ``go.testEnvVars``.
* terminal: VS Code env, the shell start-up files run again, then
  ``terminal.integrated.env.<platform>`` (``null`` removes a variable).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from ideaudit._fast.record import field, record
from ideaudit.contexts.launch_facts import LaunchPath, launch_paths
from ideaudit.contexts.layers import EnvBuilder
from ideaudit.contexts.substitute import Substituted, SubstScope, env_value_text, substitute
from ideaudit.go.toolchain import goroot_of, inside_any, path_lookup, vscode_go_lookup
from ideaudit.model import Context, IdeEnvironment, Location, Problem, ShellSnapshot, ToolLookup
from ideaudit.sources.envfile import load_envfile
from ideaudit.sources.gitignore import ignored_by
from ideaudit.sources.vscode import PLATFORM_KEY, LaunchConfig, VSCodeFolder

# The layer of a variable set in ``"gopls": {"build.env": {...}}``: only gopls gets it
# (gopls applies it to the go commands it runs itself), not the go, dlv and other tools
# vscode-go starts with the same tools environment.
GOPLS_BUILD_ENV = "gopls build.env"

_INTERACTIVE_VAR = re.compile(r"\$\{(?:input|command):[^}]*\}")


@record(frozen=True)
class Unresolved:
    """A ``${...}`` that could not be resolved, or an ``${env:X}`` that was undefined."""

    text: str
    kind: str  # "undefined-env" | "unresolvable" | "literal-env"
    location: Location | None
    setting: str
    context_id: str


@record(frozen=True)
class EnvFileRef:
    """An ``envFile``/``go.testEnvFile`` as written and as resolved."""

    raw: str
    path: str
    location: Location | None
    context_id: str
    exists: bool
    # Written in shell syntax ($HOME/.env, ~/.env: D007): the file the author meant, with
    # the home folder put in as the shell would, and whether that exists.  vscode-go reads
    # the literal text, so the meant file is missing or not, independently of the syntax.
    meant: str | None = None
    meant_exists: bool = True
    # A missing file that the workspace's .gitignore ignores (its line): each developer
    # creates it, so no checkout, CI's included, has it (woodpecker's "/.env").
    ignored_by: Location | None = None


_HOME_SYNTAX = re.compile(r"^(~(?=/|$)|\$HOME\b|\$\{HOME\})")


def _meant_path(path: str, home: str) -> str | None:
    """``$HOME/x``, ``${HOME}/x`` or ``~/x`` as the shell would expand it; None when the
    path is not written that way (other variables stay unknown: nothing is guessed)."""
    m = _HOME_SYNTAX.match(path)
    if m is None or "$" in path[m.end() :]:
        return None
    return home + path[m.end() :]


@record
class FolderContexts:
    """All contexts of one VS Code folder plus what building them revealed."""

    folder: VSCodeFolder
    contexts: list[Context] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    env_files: list[EnvFileRef] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    launch_by_context: dict[str, LaunchConfig] = field(default_factory=dict)
    # program/cwd/output of each debug context, resolved and stat-ed (rules D008, D009)
    launch_paths: dict[str, tuple[LaunchPath, ...]] = field(default_factory=dict)


def _ide_label(ide: IdeEnvironment) -> str:
    return {
        "file": f"VS Code environment ({ide.source})",
        "process": f"VS Code environment ({ide.source})",
    }.get(ide.kind, "VS Code environment (resolved from your login shell at start-up)")


class _FolderBuilder:
    def __init__(
        self,
        folder: VSCodeFolder,
        ide: IdeEnvironment,
        terminal: ShellSnapshot | None,
        home: str,
        all_folders: Mapping[str, str],
    ) -> None:
        self.folder = folder
        self.ide = ide
        self.terminal = terminal
        self.home = home
        self.out = FolderContexts(folder)
        self.ids: set[str] = set()  # the context ids so far (a scan per config was quadratic)
        self._path_facts: dict[str, tuple[str, tuple[str, ...], bool]] = {}  # see launch_paths
        self.prepend: tuple[str, str, Location | None] | None = None
        self.multi_root = len(all_folders) > 1
        self.scope = SubstScope(
            env=ide.env,
            workspace_folder=folder.path,
            folders=all_folders,
            user_home=home,
            config=self._config,
        )

    def _config(self, key: str) -> Any:
        return self.folder.settings.value(key)

    def _subst(
        self, text: str, flavour: str, location: Location | None, setting: str, ctx_id: str
    ) -> Substituted:
        result = substitute(text, self.scope, flavour)
        for name in result.undefined_env:
            self.out.unresolved.append(
                Unresolved(f"${{env:{name}}}", "undefined-env", location, setting, ctx_id)
            )
        for item in result.unresolvable:
            self.out.unresolved.append(Unresolved(item, "unresolvable", location, setting, ctx_id))
        for name in result.literal_env:
            self.out.unresolved.append(
                Unresolved(f"${{env:{name}}}", "literal-env", location, setting, ctx_id)
            )
        return result

    # -- tools ----------------------------------------------------------------------
    def tools_env(self) -> tuple[EnvBuilder, str | None, Location | None]:
        settings = self.folder.settings
        env = EnvBuilder.from_plain(self.ide.env, _ide_label(self.ide), self.ide.location)
        for name, sv in settings.entries("go.toolsEnvVars").items():
            text = env_value_text(sv.value)
            if text is None:
                continue
            res = self._subst(text, "gopath", sv.location, "go.toolsEnvVars", "vscode:tools")
            env.set(name, res.value, f"go.toolsEnvVars ({sv.scope} settings)", sv.location, text)
        goroot: str | None = None
        goroot_loc: Location | None = None
        for key, var in (("go.gopath", "GOPATH"), ("go.goroot", "GOROOT")):
            setting = settings.get(key)
            if setting is not None and isinstance(setting.value, str) and setting.value:
                res = self._subst(setting.value, "gopath", setting.location, key, "vscode:tools")
                env.set(var, res.value, f"{key} ({setting.scope} settings)", setting.location, setting.value)
                if var == "GOROOT":
                    goroot, goroot_loc = res.value, setting.location
        return env, goroot, goroot_loc

    def alternate(self, tool: str) -> tuple[str | None, Location | None]:
        entries = self.folder.settings.entries("go.alternateTools")
        sv = entries.get(tool)
        if sv is None or not isinstance(sv.value, str) or not sv.value:
            return None, None
        res = self._subst(sv.value, "gopath", sv.location, "go.alternateTools", "vscode:tools")
        return res.value, sv.location

    def lookup(
        self, tool: str, env: EnvBuilder, goroot: str | None, goroot_loc: Location | None
    ) -> ToolLookup:
        alt, alt_loc = self.alternate(tool)
        plain = env.plain()
        gopaths = []
        tools_gopath = self.folder.settings.value("go.toolsGopath")
        if isinstance(tools_gopath, str) and tools_gopath:
            gopaths.append(substitute(tools_gopath, self.scope, "gopath").value)
        gopaths.append(plain.get("GOPATH") or os.path.join(self.home, "go"))
        return vscode_go_lookup(
            tool,
            plain,
            alternate=alt,
            alternate_location=alt_loc,
            goroot=goroot if tool == "go" else None,
            goroot_location=goroot_loc,
            gopaths=gopaths,
        )

    def build(self) -> FolderContexts:
        prefix = self._prefix()
        tools, goroot, goroot_loc = self.tools_env()
        go = self.lookup("go", tools, goroot, goroot_loc)
        # vscode-go: when `go` is not on PATH but was found elsewhere, it prepends that
        # Go's GOROOT/bin to PATH for everything it spawns (and, with
        # go.terminal.activateEnvironment, for the integrated terminal).
        if go.path and go.via != "PATH":
            root = goroot or goroot_of(go.path) or os.path.dirname(os.path.dirname(go.path))
            bindir = os.path.join(root, "bin")
            current = tools.get("PATH") or ""
            if bindir not in current.split(os.pathsep):
                source = f"vscode-go (go found via {go.via}: prepends its GOROOT/bin)"
                self.prepend = (bindir, source, go.location)
                tools.set("PATH", bindir + (os.pathsep + current if current else ""), source, go.location)
        dlv = self.lookup("dlv", tools, goroot, goroot_loc)
        gopls = self.lookup("gopls", tools, goroot, goroot_loc)

        gopls_env = tools.copy()
        gopls_cfg = self.folder.settings.get("gopls")
        if gopls_cfg is not None and isinstance(gopls_cfg.value, dict):
            build_env = gopls_cfg.value.get("build.env")
            if isinstance(build_env, dict):
                for name, value in build_env.items():
                    text = env_value_text(value)
                    if text is not None:
                        gopls_env.set(name, text, GOPLS_BUILD_ENV, gopls_cfg.location)
        self._add(
            f"{prefix}tools",
            "VS Code tools (gopls, dlv, go)",
            "tools",
            gopls_env,
            {"go": go, "gopls": gopls, "dlv": dlv},
        )
        self._tests(prefix, tools, go)
        for config in self.folder.launch:
            if config.type == "go":
                self._debug(prefix, config, tools, dlv)
        self._terminal(prefix, tools)
        return self.out

    def _prefix(self) -> str:
        return f"vscode[{self.folder.name}]:" if self.multi_root else "vscode:"

    def _add(
        self,
        ctx_id: str,
        label: str,
        kind: str,
        env: EnvBuilder,
        tools: dict[str, ToolLookup],
        defined_at: Location | None = None,
    ) -> None:
        if self.multi_root:
            label = f"{label} [{self.folder.name}]"
        self.ids.add(ctx_id)
        self.out.contexts.append(
            Context(
                id=ctx_id,
                label=label,
                ide="vscode",
                kind=kind,
                env=env.build(),
                tools=tools,
                folder=self.folder.path,
                defined_at=defined_at,
            )
        )

    # -- tests ----------------------------------------------------------------------
    def _tests(self, prefix: str, tools: EnvBuilder, go: ToolLookup) -> None:
        ctx_id = f"{prefix}tests"
        env = tools.copy()
        settings = self.folder.settings
        sv = settings.get("go.testEnvFile")
        if sv is not None and isinstance(sv.value, str) and sv.value:
            res = self._subst(sv.value, "test", sv.location, "go.testEnvFile", ctx_id)
            self._apply_envfile(env, sv.value, res.value, sv.location, ctx_id, "go.testEnvFile")
        for name, item in settings.entries("go.testEnvVars").items():
            text = env_value_text(item.value)
            if text is None:
                continue
            res = self._subst(text, "test", item.location, "go.testEnvVars", ctx_id)
            env.set(name, res.value, f"go.testEnvVars ({item.scope} settings)", item.location, text)
        self._add(ctx_id, "VS Code tests (code lens, Test Explorer)", "tests", env, {"go": go})

    # -- debug ----------------------------------------------------------------------
    def _debug(self, prefix: str, config: LaunchConfig, tools: EnvBuilder, dlv: ToolLookup) -> None:
        ctx_id = f"{prefix}debug:{config.name}"
        if ctx_id in self.ids:
            ctx_id = f"{ctx_id}#{config.index + 1}"
        env = tools.copy()
        eff = config.effective
        env_files = eff.get("envFile")
        files = (
            [env_files] if isinstance(env_files, str) else env_files if isinstance(env_files, list) else []
        )
        for i, raw in enumerate(files):
            if not isinstance(raw, str):
                continue
            loc = config.loc("envFile", i) if isinstance(env_files, list) else config.loc("envFile")
            res = self._subst(raw, "launch", loc, "envFile", ctx_id)
            self._apply_envfile(env, raw, res.value, loc, ctx_id, "envFile")
        block = eff.get("env")
        if isinstance(block, dict):
            where = (
                f"launch.json env ({config.platform} block)"
                if "env" in config.from_platform
                else "launch.json env"
            )
            for name, value in block.items():
                text = env_value_text(value)
                loc = config.loc("env", name)
                if text is None:
                    if value is None:
                        env.set(name, None, where, loc)
                    continue
                res = self._subst(text, "launch", loc, f"env.{name}", ctx_id)
                env.set(name, res.value, where, loc, text)
        self._interactive_variables(config, ctx_id)
        goflags = env.get("GOFLAGS")
        if goflags and "-gcflags" in goflags:
            kept = " ".join(f for f in goflags.split() if not f.startswith("-gcflags"))
            env.set(
                "GOFLAGS",
                kept or None,
                "vscode-go (removes -gcflags from GOFLAGS)",
                config.loc("env", "GOFLAGS"),
            )
        kind = "attach" if config.request == "attach" else _launch_kind(eff.get("mode"))
        self.out.launch_by_context[ctx_id] = config
        self.out.launch_paths[ctx_id] = launch_paths(
            config, self.scope, self.folder.path, self.home, self._path_facts
        )
        self._add(
            ctx_id,
            f"VS Code debug '{config.name}'",
            kind,
            env,
            {"dlv": dlv, "go": path_lookup("go", env.plain())},
            config.location,
        )

    def _interactive_variables(self, config: LaunchConfig, ctx_id: str) -> None:
        """``${input:}``/``${command:}`` anywhere in the configuration (args, program,
        cwd, ...) are filled in only when a session starts; record them, never guess."""

        def walk(node: Any, path: tuple[str | int, ...]) -> None:
            if isinstance(node, str):
                for m in _INTERACTIVE_VAR.finditer(node):
                    loc = config.loc(*path) if path else config.location
                    self.out.unresolved.append(
                        Unresolved(m.group(0), "unresolvable", loc, ".".join(map(str, path)), ctx_id)
                    )
            elif isinstance(node, dict):
                for k, v in node.items():
                    if k != "env":  # env values are substituted (and recorded) above
                        walk(v, (*path, k))
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, (*path, i))

        walk(config.effective, ())

    def _apply_envfile(
        self, env: EnvBuilder, raw: str, path: str, loc: Location | None, ctx_id: str, setting: str
    ) -> None:
        # Anything at the path exists (a FIFO or device too: load_envfile refuses to read
        # it and says so, E002); V002 is only for a path with nothing there.
        exists = os.path.isabs(path) and os.path.exists(path)
        meant = None if os.path.isabs(path) else _meant_path(path, self.home)
        self.out.env_files.append(
            EnvFileRef(
                raw,
                path,
                loc,
                ctx_id,
                exists,
                meant=meant,
                meant_exists=meant is None or os.path.exists(meant),
                ignored_by=None if exists or not os.path.isabs(path) else ignored_by(self.folder.path, path),
            )
        )
        if not exists:
            return
        entries, problems = load_envfile(path, env.plain())
        self.out.problems.extend(problems)
        # A file outside the workspace folders (``${userHome}/.ssh/id_rsa``) is read for its
        # syntax and effect only: every value it gives is a secret, never printed.
        outside = not inside_any(path, [self.folder.path, *self.scope.folders.values()])
        for entry in entries:
            env.set(
                entry.name,
                entry.value,
                f"{setting} {os.path.basename(path)}",
                entry.location,
                entry.raw,
                secret=outside,
            )

    # -- terminal -------------------------------------------------------------------
    def _terminal(self, prefix: str, tools: EnvBuilder) -> None:
        ctx_id = f"{prefix}terminal"
        env = EnvBuilder.from_plain(self.ide.env, _ide_label(self.ide), self.ide.location)
        if self.terminal is not None and self.terminal.ok:
            shell = os.path.basename(self.terminal.shell)
            label = f"your shell start-up files, run again by the terminal ({shell})"
            for name, value in self.terminal.env.items():
                if env.get(name) != value:
                    env.set(name, value, label)
        settings = self.folder.settings
        key = f"terminal.integrated.env.{PLATFORM_KEY}"
        for name, sv in settings.entries(key).items():
            if sv.value is None:
                env.set(name, None, f"{key} ({sv.scope} settings)", sv.location)
                continue
            text = env_value_text(sv.value)
            if text is None:
                continue
            res = self._subst(text, "launch", sv.location, key, ctx_id)
            env.set(name, res.value, f"{key} ({sv.scope} settings)", sv.location, text)
        # vscode-go's go.terminal.activateEnvironment (default true) puts the Go it uses
        # first on the terminal's PATH too.
        if self.prepend is not None and self.folder.settings.value("go.terminal.activateEnvironment", True):
            bindir, source, loc = self.prepend
            current = env.get("PATH") or ""
            env.set("PATH", bindir + (os.pathsep + current if current else ""), source, loc)
        plain = env.plain()
        self._add(
            ctx_id,
            "VS Code integrated terminal",
            "terminal",
            env,
            {"go": path_lookup("go", plain), "dlv": path_lookup("dlv", plain)},
        )


def _launch_kind(mode: object) -> str:
    """``exec`` for a launch that builds nothing: Delve's DAP server runs a prebuilt
    binary (``exec``), opens a core dump (``core``) or replays a recording (``replay``)
    without calling go build (service/dap: only debug and test modes build)."""
    return "exec" if mode in ("exec", "core", "replay") else "debug"


def folder_contexts(
    folder: VSCodeFolder,
    ide: IdeEnvironment,
    terminal: ShellSnapshot | None,
    home: str,
    all_folders: Mapping[str, str],
) -> FolderContexts:
    """Build every VS Code context of ``folder``."""
    return _FolderBuilder(folder, ide, terminal, home, all_folders).build()

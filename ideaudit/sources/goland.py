"""GoLand's project and application settings, read from XML with every position kept.

What is read (DESIGN.md §4; formats checked against the files in ``shared/corpus/goland``):

* ``.idea/workspace.xml`` (per user, often committed by mistake): ``GOROOT`` (``url`` or,
  older, ``path``), ``GoLibraries`` (project GOPATH ``urls``,
  ``useGoPathFromSystemEnvironment``), ``VgoProject`` in its three generations
  (2019: ``<integration-enabled>`` + ``<proxy>``; 2020-22: ``<environment><map>``;
  2023+: ``<settings-migrated>``, integration always on), ``RunManager`` (unshared run
  configurations), ``TerminalProjectNonSharedOptionsProvider`` (terminal env),
  ``PropertiesComponent`` (``<property>`` elements or, newer, JSON in CDATA);
* ``.idea/misc.xml`` (the same components may live there), ``.idea/modules.xml`` and the
  ``*.iml`` files it lists (``<component name="Go" enabled=...>``, build tags);
* shared run configurations: ``.idea/runConfigurations/*.xml`` and ``.run/*.run.xml``;
* the application options folder (newest ``GoLand<version>``): ``go.sdk.xml``,
  ``goLibraries.xml``, ``vgo.xml``, ``path.macros.xml``.

Macros are expanded (``$PROJECT_DIR$``, ``$ProjectFileDir$``, ``$USER_HOME$``,
``$MODULE_DIR$`` and user path macros); each value keeps its raw text, location and the
character span of the raw text so a fix can replace exactly it.  Unknown elements are
ignored; a broken file is one :class:`~ideaudit.model.Problem` and the rest is read.
Existence checks (``kind`` targets, whether workspace.xml is tracked by git) are done
here, at the I/O edge, so rules stay pure.
"""

from __future__ import annotations

import json
import os
import re
import struct
import sys

from ideaudit._fast.lazyre import lazy_re
from ideaudit._fast.record import field, record
from ideaudit.model import Location, Problem
from ideaudit.sources.xmlpos import XmlDocument, XNode, parse_xml

#: run configuration ``type`` -> shared context kind (see model.Context)
GO_CONFIG_KINDS = {
    "GoApplicationRunConfiguration": "debug",
    "GoTestRunConfiguration": "tests",
    "GoRemoteDebugConfigurationType": "attach",
}

_MACRO = lazy_re(r"\$([A-Za-z_][A-Za-z0-9_.]*)\$")
_MACHINE_PATH = lazy_re(r"(?:^|[\s\"'=;&]|file://)(/Users/[^/\s\"']+|/home/[^/\s\"']+|[A-Za-z]:[\\/])")
_VERSION = lazy_re(r"GoLand(\d+)(?:\.(\d+))?(?:\.(\d+))?$")


@record(frozen=True)
class XmlValue:
    """A setting's value (macros expanded, ``file://`` removed) and where it is written."""

    value: str
    raw: str
    location: Location
    span: tuple[int, int] | None = None


@record(frozen=True)
class EnvEntry:
    """One environment variable written in XML (``<env name= value=>``, ``<entry key= value=>``)."""

    name: str
    value: str
    raw: str
    location: Location
    span: tuple[int, int] | None = None


@record(frozen=True)
class RunConfig:
    """A Go run configuration (application, test, remote debug)."""

    name: str
    type: str
    kind: str  # "debug" | "tests" | "attach"
    file: str
    location: Location
    shared: bool
    temporary: bool = False
    envs: tuple[EnvEntry, ...] = ()
    pass_parent: bool = True
    pass_parent_location: Location | None = None
    working_directory: XmlValue | None = None
    go_parameters: XmlValue | None = None
    target_kind: XmlValue | None = None
    target: XmlValue | None = None  # the live one of package/filePath/directory
    target_exists: bool | None = None  # None: cannot tell (a package outside the module)
    env_files: tuple[XmlValue, ...] = ()
    # Better Direnv plugin: <option name="DIRENV_ENABLED" value="true"/> (where, when on)
    direnv: Location | None = None


@record(frozen=True)
class VgoSettings:
    """Go modules integration (``VgoProject``) of the project."""

    generation: str  # "none" | "legacy" | "environment" | "migrated"
    integration_enabled: bool | None = None
    integration_location: Location | None = None
    proxy: XmlValue | None = None
    environment: tuple[EnvEntry, ...] = ()


@record(frozen=True)
class ImlModule:
    file: str
    go_enabled: bool | None
    location: Location | None
    build_tags: tuple[XmlValue, ...] = ()


@record
class AppOptions:
    """GoLand's application (all projects) options."""

    directory: str | None = None
    sdks: list[XmlValue] = field(default_factory=list)
    gopath: list[XmlValue] = field(default_factory=list)
    vgo_env: list[EnvEntry] = field(default_factory=list)
    macros: dict[str, str] = field(default_factory=dict)


@record
class GoLandProject:
    root: str
    home: str
    idea_dir: str | None = None
    goroot: XmlValue | None = None
    gopath_urls: list[XmlValue] = field(default_factory=list)
    use_system_gopath: bool = True
    use_system_gopath_location: Location | None = None
    vgo: VgoSettings = field(default_factory=lambda: VgoSettings("none"))
    run_configs: list[RunConfig] = field(default_factory=list)
    terminal_env: list[EnvEntry] = field(default_factory=list)
    terminal_pass_parent: bool = True
    properties: dict[str, XmlValue] = field(default_factory=dict)
    modules: list[ImlModule] = field(default_factory=list)
    app: AppOptions = field(default_factory=AppOptions)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    workspace_file: str | None = None
    workspace_tracked: bool = False
    machine_paths: list[XmlValue] = field(default_factory=list)
    go_mod: str | None = None


# --------------------------------------------------------------------------- helpers


class _Expander:
    def __init__(self, project: str, home: str, macros: dict[str, str]) -> None:
        self.vars = {
            "PROJECT_DIR": project,
            "ProjectFileDir": project,
            "USER_HOME": home,
            "MODULE_DIR": project,
            **macros,
        }

    def __call__(self, raw: str, module_dir: str | None = None) -> str:
        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name == "MODULE_DIR" and module_dir:
                return module_dir
            return self.vars.get(name, m.group(0))

        return _MACRO.sub(sub, raw)

    def path(self, raw: str, module_dir: str | None = None) -> str:
        value = self(raw, module_dir)
        for prefix in ("file://", "jar://"):
            if value.startswith(prefix):
                value = value[len(prefix) :]
        value = value.split("!/")[0]
        if value.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", value) is None:
            value = os.path.normpath(value) if value else value
        return value


def _value(node: XNode, attr: str, expand: _Expander, path: bool = False) -> XmlValue | None:
    raw = node.get(attr)
    if raw is None:
        return None
    return XmlValue(expand.path(raw) if path else expand(raw), raw, node.loc(attr), node.span(attr))


def _text_value(node: XNode, expand: _Expander) -> XmlValue:
    raw = node.text.strip()
    return XmlValue(expand(raw), raw, node.loc(), node.text_span)


def _bool(text: str | None) -> bool | None:
    if text is None:
        return None
    low = text.strip().lower()
    return True if low == "true" else False if low == "false" else None


def _components(doc: XmlDocument) -> dict[str, XNode]:
    found: dict[str, XNode] = {}
    root = doc.root
    nodes = [root] if root.tag == "component" else root.findall("component")
    for comp in nodes:
        name = comp.get("name")
        if name and name not in found:
            found[name] = comp
    return found


def _env_entries(parent: XNode, expand: _Expander) -> list[EnvEntry]:
    """``<env name= value=/>``, ``<env key= value=/>`` and map ``<entry key= value=/>``."""
    out: list[EnvEntry] = []
    for node in parent.iter():
        if node.tag not in ("env", "entry"):
            continue
        key_attr = "name" if "name" in node.attrs else "key"
        name = node.get(key_attr)
        raw = node.get("value")
        if not name or raw is None:
            continue  # e.g. an entry whose value is a nested list (corpus 27): not an env var
        out.append(EnvEntry(name, expand(raw), raw, node.loc(key_attr), node.span("value")))
    return out


# --------------------------------------------------------------------------- components


def _read_goroot(project: GoLandProject, comp: XNode, expand: _Expander) -> None:
    for attr in ("url", "path"):
        v = _value(comp, attr, expand, path=True)
        if v is not None and v.value:
            project.goroot = v
            return


def _read_libraries(project: GoLandProject, comp: XNode, expand: _Expander) -> None:
    urls = comp.option("urls")
    if urls is not None:
        for opt in urls.iter("option"):
            v = _value(opt, "value", expand, path=True)
            if v is not None and v.value:
                project.gopath_urls.append(v)
    use = comp.option("useGoPathFromSystemEnvironment")
    if use is not None and _bool(use.get("value")) is False:
        project.use_system_gopath = False
        project.use_system_gopath_location = use.loc("value")


def _read_vgo(comp: XNode, expand: _Expander) -> VgoSettings:
    enabled_node = comp.find("integration-enabled")
    proxy_node = comp.find("proxy")
    env_node = comp.find("environment")
    migrated = comp.find("settings-migrated")
    # an <option name="..."> form also exists in some versions
    if enabled_node is None and comp.option("integrationEnabled") is not None:
        opt = comp.option("integrationEnabled")
        assert opt is not None
        enabled: bool | None = _bool(opt.get("value"))
        enabled_loc: Location | None = opt.loc("value")
    elif enabled_node is not None:
        enabled, enabled_loc = _bool(enabled_node.text), enabled_node.loc()
    else:
        enabled, enabled_loc = None, None
    generation = (
        "migrated"
        if migrated is not None
        else "environment"
        if env_node is not None
        else "legacy"
        if enabled_node is not None or proxy_node is not None
        else "none"
    )
    return VgoSettings(
        generation=generation,
        integration_enabled=enabled,
        integration_location=enabled_loc,
        proxy=_text_value(proxy_node, expand) if proxy_node is not None else None,
        environment=tuple(_env_entries(env_node, expand)) if env_node is not None else (),
    )


def _go_property(name: str) -> bool:
    """Only Go's properties are kept: the component also holds thousands of recent-file
    and UI entries that no rule needs."""
    return name.startswith(("go.", "GO", "Go", "RunOnceActivity.go."))


def _read_properties(project: GoLandProject, comp: XNode, expand: _Expander) -> None:
    for prop in comp.findall("property"):
        name = prop.get("name")
        if name and _go_property(name):
            v = _value(prop, "value", expand)
            if v is not None:
                project.properties[name] = v
    text = comp.text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return  # GoLand rewrites this blob; a broken one is not the user's problem
        values = data.get("keyToString", {}) if isinstance(data, dict) else {}
        if isinstance(values, dict):
            for name, raw in values.items():
                if isinstance(raw, str) and _go_property(str(name)):
                    project.properties[str(name)] = XmlValue(expand(raw), raw, comp.loc(), comp.text_span)


def _read_terminal(project: GoLandProject, comp: XNode, expand: _Expander) -> None:
    project.terminal_env.extend(_env_entries(comp, expand))
    for node in comp.iter("option"):
        if node.get("name") in ("passParentEnvs", "PASS_PARENT_ENVS") and _bool(node.get("value")) is False:
            project.terminal_pass_parent = False


def _pass_parent(conf: XNode) -> tuple[bool, Location | None]:
    envs = conf.find("envs")
    if envs is not None and _bool(envs.get("pass-parent-envs")) is False:
        return False, envs.loc("pass-parent-envs")
    node = conf.find("pass_parent_env")
    if node is not None and _bool(node.get("value")) is False:
        return False, node.loc("value")
    for opt in conf.findall("option"):
        if opt.get("name") == "PASS_PARENT_ENVS" and _bool(opt.get("value")) is False:
            return False, opt.loc("value")
    return True, None


def _module_path(go_mod: str | None) -> tuple[str, str] | None:
    if go_mod is None:
        return None
    from ideaudit.sources.saferead import read_text

    try:
        for line in read_text(go_mod, "gomod", errors="replace").splitlines():
            parts = line.split("//")[0].split()
            if len(parts) >= 2 and parts[0] == "module":
                return parts[1].strip('"'), os.path.dirname(go_mod)
    except OSError:
        return None
    return None


def _target(
    conf: XNode, expand: _Expander, module: tuple[str, str] | None
) -> tuple[XmlValue | None, XmlValue | None, bool | None]:
    kind_node = conf.find("kind")
    kind = _value(kind_node, "value", expand) if kind_node is not None else None
    if kind is None:
        return None, None, None
    tag = {"PACKAGE": "package", "FILE": "filePath", "DIRECTORY": "directory"}.get(kind.value.upper())
    if tag is None:
        return kind, None, None
    node = conf.find(tag)
    if node is None:
        return kind, None, False
    target = _value(node, "value", expand, path=tag != "package")
    if target is None:
        return kind, None, False
    if tag == "filePath":
        return kind, target, os.path.isfile(target.value)
    if tag == "directory":
        return kind, target, os.path.isdir(target.value)
    if module is None:
        return kind, target, None
    mod, mod_dir = module
    pkg = target.value.strip()
    if pkg == mod or pkg.startswith(mod + "/"):
        return kind, target, os.path.isdir(os.path.join(mod_dir, pkg[len(mod) :].lstrip("/")))
    return kind, target, None


def _env_files(conf: XNode, expand: _Expander) -> list[XmlValue]:
    """EnvFile plugin (``net.ashald.envfile``): enabled ENTRY elements with a PATH."""
    out: list[XmlValue] = []
    for ext in conf.findall("EXTENSION"):
        if ext.get("ID") != "net.ashald.envfile":
            continue
        enabled = ext.option("IS_ENABLED")
        if enabled is None or _bool(enabled.get("value")) is not True:
            continue
        for entry in ext.iter("ENTRY"):
            if _bool(entry.get("IS_ENABLED")) is False or entry.get("PARSER") == "runconfig":
                continue
            v = _value(entry, "PATH", expand, path=True)
            if v is not None and v.value:
                out.append(v)
    return out


def _direnv_option(conf: XNode) -> Location | None:
    """Better Direnv stores its checkbox with ``JDOMExternalizerUtil.writeField`` (an
    ``<option name="DIRENV_ENABLED" value="true"/>`` child of the configuration)."""
    for opt in conf.findall("option"):
        if opt.get("name") == "DIRENV_ENABLED" and _bool(opt.get("value")) is True:
            return opt.loc("value")
    return None


def _run_configs(
    parent: XNode, file: str, shared: bool, expand: _Expander, module: tuple[str, str] | None
) -> list[RunConfig]:
    out: list[RunConfig] = []
    for conf in parent.findall("configuration"):
        ctype = conf.get("type") or ""
        kind = GO_CONFIG_KINDS.get(ctype)
        if kind is None or _bool(conf.get("default")) is True or not conf.get("name"):
            continue  # not Go, or a template ("default") that never runs by itself
        envs_node = conf.find("envs")
        envs = tuple(_env_entries(envs_node, expand)) if envs_node is not None else ()
        pass_parent, pp_loc = _pass_parent(conf)
        wd = conf.find("working_directory")
        gp = conf.find("go_parameters")
        target_kind, target, exists = (
            _target(conf, expand, module) if kind != "attach" else (None, None, None)
        )
        out.append(
            RunConfig(
                name=conf.get("name") or "",
                type=ctype,
                kind=kind,
                file=file,
                location=conf.loc(),
                shared=shared,
                temporary=_bool(conf.get("temporary")) is True,
                envs=envs,
                pass_parent=pass_parent,
                pass_parent_location=pp_loc,
                working_directory=_value(wd, "value", expand, path=True) if wd is not None else None,
                go_parameters=_value(gp, "value", expand) if gp is not None else None,
                target_kind=target_kind,
                target=target,
                target_exists=exists,
                env_files=tuple(_env_files(conf, expand)),
                direnv=_direnv_option(conf),
            )
        )
    return out


# --------------------------------------------------------------------------- git


def _git_dir(start: str) -> tuple[str, str] | None:
    """(work tree, git dir) of the repository containing ``start``, found by walking up."""
    current = os.path.abspath(start)
    while True:
        dot = os.path.join(current, ".git")
        if os.path.isdir(dot):
            return current, dot
        if os.path.isfile(dot):
            from ideaudit.sources.saferead import read_text

            try:
                line = read_text(dot, "config", errors="replace").partition("\n")[0].strip()
            except OSError:
                return None
            if line.startswith("gitdir:"):
                return current, os.path.normpath(os.path.join(current, line[7:].strip()))
            return None
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def is_tracked(path: str) -> bool:
    """Whether git tracks ``path``, read from the repository's index file.

    Hand-written rather than ``git ls-files``: running git in a cloned repository can run
    commands its config names (``core.fsmonitor``), and ideaudit never runs what a
    workspace names.  Index versions 2 and 3 store each path after a 16-bit flags field
    whose low 12 bits are the path's length, which is what is matched here; version 4
    (prefix-compressed paths) is not decoded and answers False.
    """
    found = _git_dir(os.path.dirname(path))
    if found is None:
        return False
    tree, git = found
    rel = os.path.relpath(os.path.abspath(path), tree).replace(os.sep, "/").encode()
    from ideaudit.sources.saferead import read_bytes

    try:
        data = read_bytes(os.path.join(git, "index"), "git-index")
    except OSError:
        return False
    if data[:4] != b"DIRC" or struct.unpack(">I", data[4:8])[0] not in (2, 3):
        return False
    needle = rel + b"\x00"
    start = 0
    while True:
        i = data.find(needle, start)
        if i < 0:
            return False
        if i >= 2 and (struct.unpack(">H", data[i - 2 : i])[0] & 0xFFF) == min(len(rel), 0xFFF):
            return True
        start = i + 1


# --------------------------------------------------------------------------- application options


def jetbrains_config_root(home: str, hermetic: bool) -> str:
    """Where JetBrains keeps per-version config folders (``GoLand2024.1``) on this platform."""
    if hermetic:
        return os.path.join(home, ".config", "JetBrains")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "JetBrains")
    if sys.platform == "win32":
        return os.path.join(os.environ.get("APPDATA") or home, "JetBrains")
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    return os.path.join(xdg, "JetBrains")


def goland_options_dir(config_dir: str) -> str | None:
    """The ``options`` folder of the newest ``GoLand<version>`` under ``config_dir``
    (or ``config_dir`` itself when it is a GoLand folder or an options folder)."""
    if os.path.basename(os.path.normpath(config_dir)) == "options" and os.path.isdir(config_dir):
        return config_dir
    if os.path.isdir(os.path.join(config_dir, "options")):
        return os.path.join(config_dir, "options")
    try:
        names = os.listdir(config_dir)
    except OSError:
        return None
    best: tuple[tuple[int, int, int], str] | None = None
    for name in names:
        m = _VERSION.match(name)
        if m is None:
            continue
        key = (int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0))
        if best is None or key > best[0]:
            best = (key, name)
    if best is None:
        return None
    options = os.path.join(config_dir, best[1], "options")
    return options if os.path.isdir(options) else None


def _load_app(options: str | None, home: str, problems: list[Problem]) -> AppOptions:
    app = AppOptions(directory=options)
    if options is None:
        return app
    docs: dict[str, XmlDocument] = {}
    for name in ("path.macros.xml", "go.sdk.xml", "goLibraries.xml", "vgo.xml"):
        path = os.path.join(options, name)
        if not os.path.isfile(path):
            continue
        doc, probs = parse_xml(path)
        problems.extend(probs)
        if doc is not None:
            docs[name] = doc
    if "path.macros.xml" in docs:
        for macro in docs["path.macros.xml"].root.iter("macro"):
            macro_name, val = macro.get("name"), macro.get("value")
            if macro_name and val is not None:
                app.macros[macro_name] = val
    expand = _Expander("", home, app.macros)
    if "go.sdk.xml" in docs:
        for holder in ("sdk-url", "sdk-path"):
            for node in docs["go.sdk.xml"].root.iter(holder):
                for opt in node.iter("option"):
                    v = _value(opt, "value", expand, path=True)
                    if v is not None and v.value:
                        app.sdks.append(v)
    if "goLibraries.xml" in docs:
        comp = _components(docs["goLibraries.xml"]).get("GoLibraries")
        urls = comp.option("urls") if comp is not None else None
        if urls is not None:
            for opt in urls.iter("option"):
                v = _value(opt, "value", expand, path=True)
                if v is not None and v.value:
                    app.gopath.append(v)
    if "vgo.xml" in docs:
        comp = _components(docs["vgo.xml"]).get("vgo")
        env = comp.find("environment") if comp is not None else None
        if env is not None:
            app.vgo_env.extend(_env_entries(env, expand))
    return app


# --------------------------------------------------------------------------- project


def _list(directory: str, suffix: str) -> list[str]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [os.path.join(directory, n) for n in names if n.endswith(suffix)]


def _machine_paths(doc: XmlDocument) -> list[XmlValue]:
    """Absolute per-user paths written literally (GoLand writes ``$USER_HOME$`` for its
    own home, so ``/Users/x``/``/home/x``/``C:\\`` means another machine's paths)."""
    out: list[XmlValue] = []
    for node in doc.root.iter():
        for attr, val in node.attrs.items():
            if _MACHINE_PATH.search(val):
                out.append(XmlValue(val, val, node.loc(attr), node.span(attr)))
        if not node.children and node.text and _MACHINE_PATH.search(node.text):
            out.append(XmlValue(node.text.strip(), node.text, node.loc(), node.text_span))
    return out


def load_goland_project(
    root: str, home: str, jetbrains_config_dir: str | None = None, hermetic: bool = False
) -> GoLandProject:
    """Everything GoLand reads for the project at ``root``; never raises for bad files."""
    from ideaudit.workspace import find_go_mod

    project = GoLandProject(root=root, home=home)
    problems = project.problems
    config_root = jetbrains_config_dir or jetbrains_config_root(home, hermetic)
    project.app = _load_app(goland_options_dir(config_root), home, problems)
    expand = _Expander(root, home, project.app.macros)
    project.go_mod = find_go_mod(root)
    module = _module_path(project.go_mod)

    idea = os.path.join(root, ".idea")
    if os.path.isdir(idea):
        project.idea_dir = idea
    docs: list[tuple[str, XmlDocument]] = []
    for name in ("misc.xml", "workspace.xml"):
        path = os.path.join(idea, name)
        if not os.path.isfile(path):
            continue
        project.files.append(path)
        doc, probs = parse_xml(path)
        problems.extend(probs)
        if name == "workspace.xml":
            project.workspace_file = path
            project.workspace_tracked = is_tracked(path)
            if doc is not None and project.workspace_tracked:
                project.machine_paths = _machine_paths(doc)
        if doc is not None:
            docs.append((path, doc))
    for path, doc in docs:
        comps = _components(doc)
        if "GOROOT" in comps:
            _read_goroot(project, comps["GOROOT"], expand)
        if "GoLibraries" in comps:
            _read_libraries(project, comps["GoLibraries"], expand)
        if "VgoProject" in comps:
            project.vgo = _read_vgo(comps["VgoProject"], expand)
        if "PropertiesComponent" in comps:
            _read_properties(project, comps["PropertiesComponent"], expand)
        if "TerminalProjectNonSharedOptionsProvider" in comps:
            _read_terminal(project, comps["TerminalProjectNonSharedOptionsProvider"], expand)
        if "RunManager" in comps:
            project.run_configs.extend(_run_configs(comps["RunManager"], path, False, expand, module))
        for name, comp in comps.items():
            if "BuildTags" in name:
                project.modules.append(ImlModule(path, None, comp.loc(), tuple(_options(comp, expand))))

    _load_modules(project, idea, expand)
    shared = _list(os.path.join(idea, "runConfigurations"), ".xml") + _list(
        os.path.join(root, ".run"), ".run.xml"
    )
    for path in shared:
        project.files.append(path)
        doc, probs = parse_xml(path)
        problems.extend(probs)
        if doc is None:
            continue
        manager = _components(doc).get("ProjectRunConfigurationManager")
        if manager is not None:
            project.run_configs.extend(_run_configs(manager, path, True, expand, module))
    return project


def _options(comp: XNode, expand: _Expander) -> list[XmlValue]:
    out = []
    for opt in comp.iter("option"):
        v = _value(opt, "value", expand)
        if v is not None and opt.get("name"):
            out.append(XmlValue(v.value, f"{opt.get('name')}={v.raw}", v.location, v.span))
    return out


def _load_modules(project: GoLandProject, idea: str, expand: _Expander) -> None:
    modules_xml = os.path.join(idea, "modules.xml")
    iml_files: list[str] = []
    if os.path.isfile(modules_xml):
        project.files.append(modules_xml)
        doc, probs = parse_xml(modules_xml)
        project.problems.extend(probs)
        if doc is not None:
            for node in doc.root.iter("module"):
                raw = node.get("filepath")
                if raw:
                    iml_files.append(expand.path(raw))
    for iml in iml_files:
        if not os.path.isfile(iml):
            continue
        project.files.append(iml)
        doc, probs = parse_xml(iml)
        project.problems.extend(probs)
        if doc is None:
            continue
        module_dir = os.path.dirname(iml)
        if os.path.basename(module_dir) == ".idea":
            module_dir = os.path.dirname(module_dir)
        comps = _components(doc)
        go = comps.get("Go")
        tags: list[XmlValue] = []
        for name, comp in comps.items():
            if "BuildTags" in name:
                tags.extend(_options(comp, expand))
        project.modules.append(
            ImlModule(
                iml,
                _bool(go.get("enabled")) if go is not None else None,
                go.loc("enabled") if go is not None else None,
                tuple(tags),
            )
        )

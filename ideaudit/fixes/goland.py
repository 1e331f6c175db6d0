"""Fixers for GoLand findings: the project's Go SDK, run-configuration ``<envs>`` and
parent environment passing.

Every edit is a minimal text edit of the XML file the scan read (see
:mod:`ideaudit.fixes.xml_edit`): one attribute value replaced in its own quotes, or one
element removed with its line, so attribute order, quoting, indentation, line endings
and everything else in the file stay as they were.

Values are written as GoLand writes them: paths under your home with ``$USER_HOME$``
(GoLand expands it in the GOROOT setting and in run-configuration env values), the
GOROOT ``url=`` form with ``file://``.

Where a run configuration replaces PATH, the fix removes the ``<env>`` (the inherited
PATH then applies) rather than writing ``...:$PATH$``: the IntelliJ platform expands
``$PATH$`` only where a plugin calls ``EnvironmentUtil.inlineParentOccurrences``, which
cannot be checked for GoLand's closed-source Go plugin.  Where ``go`` is missing from a
configuration's PATH, the shell's go directory is put in front of the value as written.

Only files of the project (``.idea/``, ``.run/``) are edited, never GoLand's application
options, which every project shares.  The XML parser is imported on first use only.
"""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ideaudit.fixes.base import FixInput, Unsafe, fixer
from ideaudit.model import Context, Edit, Finding, Layer, Location
from ideaudit.rules.common import effective_gopath

if TYPE_CHECKING:
    from ideaudit.contexts.goland import GoLandContexts
    from ideaudit.sources.goland import RunConfig
    from ideaudit.sources.xmlpos import XmlDocument, XNode

_MACRO_LIKE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_.]*\$")
#: the GOROOT layer GoLand's SDK setting adds (contexts.goland._gosetup)
_SDK_SOURCE = "GoLand Go SDK"
_NOT_PASSED = "(parent environment not passed)"
_PATHLIKE = ("GOPATH", "GOROOT", "GOBIN", "GOMODCACHE", "GOCACHE", "GOENV")


# -- documents --------------------------------------------------------------------------


class _Xml:
    """A project XML file as the scan read it, parsed once per fix run, with the indexes
    the fixers look elements up by (built on first use, once per document: a lookup per
    finding that walked the tree made many findings in one file quadratic)."""

    def __init__(self, doc: XmlDocument) -> None:
        self.doc = doc
        self._envs: dict[tuple[int, int], XNode] | None = None
        self._parents: dict[int, XNode] | None = None
        self._configs: dict[tuple[str | None, int, int], XNode] | None = None

    def edits(self, edits: list[Edit]) -> list[Edit]:
        # The writer encodes as UTF-8: a file declared in another (ASCII-compatible)
        # encoding, read here because its bytes are ASCII, only takes ASCII edits.
        if self.doc.encoding != "utf-8" and any(not e.text.isascii() for e in edits):
            return []
        return edits

    def env_at(self, loc: Location) -> XNode | None:
        """The ``<env name=...>``/``<entry key=...>`` element whose name is at ``loc``."""
        if self._envs is None:
            envs: dict[tuple[int, int], XNode] = {}
            for node in self.doc.root.iter():
                if node.tag not in ("env", "entry"):
                    continue
                key = "name" if "name" in node.attrs else "key"
                if key in node.attrs and "value" in node.attrs:
                    here = node.loc(key)
                    envs.setdefault((here.line or 0, here.col or 0), node)
            self._envs = envs
        return self._envs.get((loc.line or 0, loc.col or 0))

    def parent(self, node: XNode) -> XNode | None:
        if self._parents is None:
            self._parents = {id(c): n for n in self.doc.root.iter() for c in n.children}
        return self._parents.get(id(node))

    def config_at(self, name: str | None, loc: Location) -> XNode | None:
        if self._configs is None:
            configs: dict[tuple[str | None, int, int], XNode] = {}
            for node in self.doc.root.iter("configuration"):
                configs.setdefault((node.get("name"), node.line, node.col), node)
            self._configs = configs
        return self._configs.get((name, loc.line or 0, loc.col or 0))


_PARSED: weakref.WeakKeyDictionary[object, dict[str, _Xml | None]] = weakref.WeakKeyDictionary()


def _xml(fx: FixInput, path: str) -> _Xml | None:
    """The file at ``path`` parsed from the text the fix set keeps (BOM included, so
    offsets match it), once per fix run."""
    from ideaudit.sources.xmlpos import parse_xml_bytes

    path = os.path.abspath(path)
    cache = _PARSED.setdefault(fx.docs, {})
    if path not in cache:
        text = fx.docs.text(path)
        doc, problems = parse_xml_bytes(text.encode("utf-8"), path) if text is not None else (None, [])
        cache[path] = _Xml(doc) if doc is not None and not problems else None
    return cache[path]


def _at(node: XNode, loc: Location, attr: str | None = None) -> bool:
    here = node.loc(attr)
    return here.line == loc.line and here.col == loc.col


def _in_project(gc: GoLandContexts, path: str) -> bool:
    root = os.path.abspath(gc.project.root).rstrip(os.sep) + os.sep
    return os.path.abspath(path).startswith(root)


# -- lookups ----------------------------------------------------------------------------


_CONTEXTS: weakref.WeakKeyDictionary[object, dict[str, tuple[GoLandContexts, Context]]] = (
    weakref.WeakKeyDictionary()
)


def _goland(fx: FixInput, f: Finding) -> tuple[GoLandContexts, Context] | None:
    """The GoLand project and context of a finding (``None`` for other IDEs); from an
    index built once per fix run (a scan per finding was quadratic in contexts)."""
    if not (f.context_id or "").startswith("goland:"):
        return None
    index = _CONTEXTS.get(fx.docs)
    if index is None:
        index = _CONTEXTS[fx.docs] = {}
        for gc in fx.audit.goland:
            for ctx in gc.contexts:
                index.setdefault(ctx.id, (gc, ctx))
    return index.get(f.context_id or "")


def _shell_value(fx: FixInput, name: str) -> str | None:
    shell = fx.audit.shell
    var = shell.env.var(name) if shell else None
    return var.value if var else None


def _shell_go(fx: FixInput) -> str | None:
    shell = fx.audit.shell
    lookup = shell.tools.get("go") if shell else None
    return lookup.path if lookup is not None and lookup.path else None


def macro_path(path: str, home: str) -> str:
    """``path`` as GoLand writes it: ``$USER_HOME$/...`` under ``home``."""
    h = home.rstrip("/")
    if h and (path == h or path.startswith(h + "/")):
        return "$USER_HOME$" + path[len(h) :]
    return path


def _deciding(ctx: Context, name: str) -> tuple[Layer, Layer | None] | None:
    """The last layer of ``name`` and the one before it."""
    var = ctx.env.var(name)
    if var is None or not var.layers:
        return None
    chain = var.layers
    return chain[-1], chain[-2] if len(chain) > 1 else None


# -- the three GoLand edits ----------------------------------------------------------------


def sdk_edit(fx: FixInput, gc: GoLandContexts, root: str) -> list[Edit] | None:
    """Point the project's ``<component name="GOROOT">`` at ``root`` (``url=`` or, older
    projects, ``path=``, whichever the file uses)."""
    from ideaudit.go.toolchain import goroot_problem

    setting = gc.project.goroot
    if setting is None or setting.location is None or goroot_problem(root) is not None:
        return None
    if not _in_project(gc, setting.location.file):
        return None
    xml = _xml(fx, setting.location.file)
    if xml is None:
        return None
    for comp in xml.doc.root.iter("component"):
        if comp.get("name") != "GOROOT":
            continue
        for attr in ("url", "path"):
            raw = comp.get(attr)
            if not raw or not _at(comp, setting.location, attr):
                continue
            text = macro_path(root, fx.audit.home)
            new = "file://" + text if attr == "url" or raw.startswith("file://") else text
            return xml.edits(_set_attribute(xml.doc, comp, attr, new))
    return None


def _set_attribute(doc: XmlDocument, node: XNode, name: str, value: str) -> list[Edit]:
    from ideaudit.fixes.xml_edit import set_attribute

    return set_attribute(doc, node, name, value)


def _remove(doc: XmlDocument, node: XNode) -> list[Edit]:
    from ideaudit.fixes.xml_edit import remove_element

    return remove_element(doc, node)


def _env_node(xml: _Xml, loc: Location) -> XNode | None:
    """The ``<env name=...>``/``<entry key=...>`` element whose name is at ``loc``."""
    return xml.env_at(loc)


def _env_layer(gc: GoLandContexts, layer: Layer) -> bool:
    """A layer written by an env element of a project file (run configuration envs,
    terminal env, the project's Go modules environment)."""
    loc = layer.location
    if loc is None or loc.line is None or not loc.file.endswith(".xml"):
        return False
    if layer.source.startswith(_SDK_SOURCE) or _NOT_PASSED in layer.source:
        return False
    return _in_project(gc, loc.file)


def env_remove(fx: FixInput, loc: Location) -> list[Edit] | None:
    """Remove the env element whose name is at ``loc`` (with its ``<envs>`` when it is
    the only variable there and ``<envs>`` carries no attribute: no ``<envs>`` and an
    empty one mean the same to GoLand)."""
    xml = _xml(fx, loc.file)
    node = _env_node(xml, loc) if xml else None
    if xml is None or node is None:
        return None
    parent = xml.parent(node)
    if parent is not None and parent.tag == "envs" and not parent.attrs and parent.children == [node]:
        node = parent
    return xml.edits(_remove(xml.doc, node))


def env_set(fx: FixInput, loc: Location, value: str) -> list[Edit] | None:
    """Set the value of the env element whose name is at ``loc``."""
    xml = _xml(fx, loc.file)
    node = _env_node(xml, loc) if xml else None
    if xml is None or node is None:
        return None
    return xml.edits(_set_attribute(xml.doc, node, "value", value))


def _config_node(xml: _Xml, config: RunConfig) -> XNode | None:
    return xml.config_at(config.name, config.location)


def _false(text: str | None) -> bool:
    return text is not None and text.strip().lower() == "false"


def parent_env_edit(fx: FixInput, gc: GoLandContexts, config: RunConfig) -> list[Edit] | None:
    """Turn parent environment passing back on, in every form the configuration uses:
    ``<envs pass-parent-envs="false">`` becomes ``"true"``, ``<pass_parent_env
    value="false"/>`` is removed, ``<option name="PASS_PARENT_ENVS" value="false"/>``
    becomes ``"true"``."""
    if config.pass_parent or not _in_project(gc, config.file):
        return None
    xml = _xml(fx, config.file)
    conf = _config_node(xml, config) if xml else None
    if xml is None or conf is None:
        return None
    edits: list[Edit] = []
    envs = conf.find("envs")
    if envs is not None and _false(envs.get("pass-parent-envs")):
        edits += _set_attribute(xml.doc, envs, "pass-parent-envs", "true")
    for node in conf.findall("pass_parent_env"):
        if _false(node.get("value")):
            edits += _remove(xml.doc, node)
    for opt in conf.findall("option"):
        if opt.get("name") == "PASS_PARENT_ENVS" and _false(opt.get("value")):
            edits += _set_attribute(xml.doc, opt, "value", "true")
    return xml.edits(edits) or None


def _config_of(gc: GoLandContexts, ctx: Context) -> RunConfig | None:
    return gc.config_by_context.get(ctx.id)


def _writable(value: str) -> bool:
    """Whether GoLand reads ``value`` back unchanged from an env element."""
    return _MACRO_LIKE.search(value) is None and "\n" not in value and "\r" not in value


def _as_written(name: str, value: str, home: str) -> str:
    if name in _PATHLIKE:
        return os.pathsep.join(macro_path(p, home) for p in value.split(os.pathsep))
    return value


# -- generic: a variable that must be what the shell has -------------------------------------


def same_as_shell(f: Finding, fx: FixInput, name: str, shell_value: str | None) -> list[Edit] | None:
    """Make ``name`` in a GoLand context what it is in the shell, where the deciding layer
    is a project env element (removed when what lies beneath is already the shell's,
    else set to the shell's value) or a configuration that does not pass the parent
    environment (passing turned back on)."""
    found = _goland(fx, f)
    if found is None:
        return None
    gc, ctx = found
    var = ctx.env.var(name)
    if ((var.value if var else None) or None) == (shell_value or None):
        return None  # the values as written agree; a default differs (another rule's cause)
    decided = _deciding(ctx, name)
    if decided is None:
        return None
    layer, below = decided
    if _NOT_PASSED in layer.source:
        config = _config_of(gc, ctx)
        if config is None:
            return None
        edits = parent_env_edit(fx, gc, config)
        return Unsafe(edits) if edits else None
    if not _env_layer(gc, layer):
        return None
    assert layer.location is not None
    beneath = below.value if below is not None else None
    if (beneath or None) == (shell_value or None):
        return env_remove(fx, layer.location)
    if shell_value is None or not _writable(shell_value):
        return None  # an env element cannot unset a variable a lower layer sets
    return env_set(fx, layer.location, _as_written(name, shell_value, fx.audit.home))


def _path_prepend(fx: FixInput, layer: Layer, directory: str) -> list[Edit] | None:
    """Put ``directory`` in front of a PATH env element's value as written."""
    if layer.location is None:
        return None
    text = macro_path(directory, fx.audit.home)
    raw = layer.raw if layer.raw is not None else layer.value or ""
    parts = raw.split(os.pathsep) if raw else []
    if text in parts or directory in parts:
        return None
    return env_set(fx, layer.location, os.pathsep.join([text, *parts]))


# -- J: GoLand's own rules -------------------------------------------------------------------


def _sdk_fix(f: Finding, fx: FixInput) -> list[Edit] | None:
    found = _goland(fx, f)
    root = f.shell_value
    if found is None or not root:
        return None
    return sdk_edit(fx, found[0], root)


@fixer("J001", safe=False)
def fix_sdk_invalid(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Point GoLand's GOROOT at the shell's Go installation."""
    return _sdk_fix(f, fx)


@fixer("J002", safe=False)
def fix_sdk_differs(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Point GoLand's GOROOT at the shell's Go installation."""
    return _sdk_fix(f, fx)


@fixer("J003", safe=False)
def fix_config_env_override(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Remove the overriding ``<env>`` from the run configuration (PATH included: the
    inherited PATH then applies)."""
    found = _goland(fx, f)
    if found is None or f.location is None or f.location.line is None:
        return None
    if not _in_project(found[0], f.location.file):
        return None
    return env_remove(fx, f.location)


@fixer("J004", safe=False)
def fix_parent_env_off(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Turn "Include parent environment variables" back on."""
    found = _goland(fx, f)
    if found is None:
        return None
    gc, ctx = found
    config = _config_of(gc, ctx)
    return parent_env_edit(fx, gc, config) if config is not None else None


# -- P: PATH and go -----------------------------------------------------------------------


def _not_passed_fix(fx: FixInput, gc: GoLandContexts, ctx: Context, layer: Layer) -> list[Edit] | None:
    if _NOT_PASSED not in layer.source:
        return None
    config = _config_of(gc, ctx)
    edits = parent_env_edit(fx, gc, config) if config is not None else None
    return Unsafe(edits) if edits else None


@fixer("P001", safe=True)
def fix_go_not_found(f: Finding, fx: FixInput) -> list[Edit] | None:
    """A configuration's PATH without go: put the shell's go directory in front of it
    (safe), or turn parent environment passing back on (unsafe)."""
    found = _goland(fx, f)
    shell_go = _shell_go(fx)
    if found is None or shell_go is None:
        return None
    gc, ctx = found
    decided = _deciding(ctx, "PATH")
    if decided is None:
        return None
    layer = decided[0]
    if _NOT_PASSED in layer.source:
        return _not_passed_fix(fx, gc, ctx, layer)
    if not _env_layer(gc, layer) or layer.value is None:
        return None
    return _path_prepend(fx, layer, os.path.dirname(shell_go))


@fixer("P004", safe=False)
def fix_different_go(f: Finding, fx: FixInput) -> list[Edit] | None:
    """GoLand runs its SDK's go: point the SDK at the shell's Go.  A go found through a
    configuration's PATH: put the shell's go directory first."""
    found = _goland(fx, f)
    shell_go = _shell_go(fx)
    if found is None or shell_go is None:
        return None
    gc, ctx = found
    if gc.sdk_go is not None:
        from ideaudit.go.toolchain import goroot_of

        root = goroot_of(shell_go)
        return sdk_edit(fx, gc, root) if root else None
    decided = _deciding(ctx, "PATH")
    if decided is None or not _env_layer(gc, decided[0]):
        return None
    return _path_prepend(fx, decided[0], os.path.dirname(shell_go))


@fixer("P005", safe=False)
def fix_path_override(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Remove the ``<env name="PATH">`` that replaces the inherited PATH (what it added
    is lost with it: unsafe)."""
    found = _goland(fx, f)
    loc = f.location
    if found is None or loc is None or loc.line is None:
        return None
    gc, ctx = found
    var = ctx.env.var("PATH")
    for layer in var.layers if var else ():
        at = layer.location
        if at is None or (at.line, at.col) != (loc.line, loc.col):
            continue
        if os.path.abspath(at.file) == os.path.abspath(loc.file) and _env_layer(gc, layer):
            return env_remove(fx, at)
    return None


# -- R: GOROOT ------------------------------------------------------------------------------


def _goroot_fix(f: Finding, fx: FixInput, keep_shell: bool) -> list[Edit] | None:
    found = _goland(fx, f)
    if found is None:
        return None
    gc, ctx = found
    decided = _deciding(ctx, "GOROOT")
    if decided is None:
        return None
    layer = decided[0]
    if layer.source.startswith(_SDK_SOURCE):
        shell = fx.audit.shell
        if shell is None:
            return None
        from ideaudit.rules.common import effective_goroot

        root = effective_goroot(shell, fx.audit.disk)
        return sdk_edit(fx, gc, root) if root else None
    if not _env_layer(gc, layer):
        return None
    assert layer.location is not None
    shell_root = _shell_value(fx, "GOROOT")
    if keep_shell and shell_root and _writable(shell_root):
        return env_set(fx, layer.location, macro_path(shell_root, fx.audit.home))
    return env_remove(fx, layer.location)


@fixer("R001", safe=False)
def fix_goroot_invalid(f: Finding, fx: FixInput) -> list[Edit] | None:
    return _goroot_fix(f, fx, keep_shell=False)


@fixer("R002", safe=False)
def fix_goroot_differs(f: Finding, fx: FixInput) -> list[Edit] | None:
    return _goroot_fix(f, fx, keep_shell=True)


@fixer("R003", safe=False)
def fix_goroot_binary_mismatch(f: Finding, fx: FixInput) -> list[Edit] | None:
    return _goroot_fix(f, fx, keep_shell=False)


# -- G, M, C: variables that differ from the shell -------------------------------------------


@fixer("G001", safe=False)
def fix_gopath_differs(f: Finding, fx: FixInput) -> list[Edit] | None:
    if fx.audit.shell is None:
        return None
    gopath = effective_gopath(fx.audit.shell, fx.audit.home)  # the GOPATH go uses in your shell
    return same_as_shell(f, fx, "GOPATH", gopath)


def _codes() -> Iterator[str]:
    yield from ("M001", "M002", "M003", "M004", "M005", "M006", "M007", "M008", "M009")
    yield from ("C001", "C002", "C005", "C006")


def _differs_fixer(code: str) -> None:
    @fixer(code, safe=False)
    def fix(f: Finding, fx: FixInput) -> list[Edit] | None:
        if f.variable is None:
            return None
        return same_as_shell(f, fx, f.variable, _shell_value(fx, f.variable))

    fix.__name__ = f"fix_goland_{code.lower()}"


for _code in _codes():
    _differs_fixer(_code)


def _remove_where_set(f: Finding, fx: FixInput) -> list[Edit] | None:
    """What "Remove X where it is set" says, when a project env element sets it."""
    found = _goland(fx, f)
    if found is None or f.variable is None or f.location is None:
        return None
    gc, ctx = found
    decided = _deciding(ctx, f.variable)
    if decided is None or not _env_layer(gc, decided[0]) or decided[0].location != f.location:
        return None
    return env_remove(fx, f.location)


for _code in ("M011", "C004", "X002"):
    fixer(_code, safe=False)(_remove_where_set)

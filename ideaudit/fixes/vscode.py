"""Fixers for the VS Code rules (and the shell start-up edit for a missing ``go``).

Each fixer turns one finding into edits of the files the scan read.  Where a value must
be written into a VS Code file, paths under ``$HOME`` are written portably: ``${userHome}``
in launch.json (VS Code substitutes it; it does not expand ``~``) and ``~`` in the
``go.*`` settings (vscode-go's ``resolvePath`` expands a leading ``~`` but knows no
``${userHome}``).
"""

from __future__ import annotations

import os
import re
import weakref
from typing import Any

from ideaudit.contexts.vscode import GOPLS_BUILD_ENV, FolderContexts
from ideaudit.fixes.base import FixInput, Unsafe, fixer
from ideaudit.fixes.jsonc_edit import JsoncEditor
from ideaudit.go.toolchain import finds_executable, goroot_of
from ideaudit.model import Context, Edit, Finding, Layer, Location
from ideaudit.rules.common import (
    c_compiler,
    effective_gopath,
    in_vscode_terms,
    is_config_layer,
)
from ideaudit.sources.jsonc import JsoncDocument
from ideaudit.sources.vscode import LaunchConfig

PathItem = str | int

# -- lookups ----------------------------------------------------------------------------


class _Index:
    """Contexts by id and VS Code folders by context id, built once per fix run: a scan
    of every context per finding made hundreds of configurations quadratic."""

    def __init__(self, fx: FixInput) -> None:
        self.contexts: dict[str, Context] = {}
        for c in fx.audit.contexts:
            self.contexts.setdefault(c.id, c)
        self.folders: dict[str, FolderContexts] = {}
        for fc in fx.audit.vscode:
            for c in fc.contexts:
                self.folders.setdefault(c.id, fc)


_INDEXES: weakref.WeakKeyDictionary[object, _Index] = weakref.WeakKeyDictionary()


def _index(fx: FixInput) -> _Index:
    index = _INDEXES.get(fx.docs)
    if index is None:
        index = _INDEXES[fx.docs] = _Index(fx)
    return index


def _ctx(fx: FixInput, f: Finding) -> Context | None:
    return _index(fx).contexts.get(f.context_id or "")


def _folder(fx: FixInput, ctx: Context) -> FolderContexts | None:
    return _index(fx).folders.get(ctx.id)


def _settings_file(fc: FolderContexts) -> str:
    return os.path.join(fc.folder.path, ".vscode", "settings.json")


def _launch(fx: FixInput, ctx: Context) -> LaunchConfig | None:
    fc = _folder(fx, ctx)
    return fc.launch_by_context.get(ctx.id) if fc else None


def _shell_tool(fx: FixInput, tool: str) -> str | None:
    shell = fx.audit.shell
    lookup = shell.tools.get(tool) if shell else None
    return lookup.path if lookup is not None and lookup.path else None


def _shell_value(fx: FixInput, name: str) -> str | None:
    shell = fx.audit.shell
    var = shell.env.var(name) if shell else None
    return var.value if var else None


def settings_path_text(path: str, home: str) -> str:
    """A path as go.* settings should hold it: ``~/...`` under $HOME."""
    if home and (path == home or path.startswith(home.rstrip("/") + "/")):
        return "~" + path[len(home.rstrip("/")) :]
    return path


def member_at(fx: FixInput, loc: Location | None) -> tuple[JsoncDocument, tuple[PathItem, ...]] | None:
    """The JSONC document and key path of the member whose key is at ``loc``."""
    if (
        loc is None
        or loc.line is None
        or loc.col is None
        or not loc.file.endswith((".json", ".code-workspace"))
    ):
        return None
    doc = fx.docs.jsonc(os.path.abspath(loc.file))
    if doc is None or doc.data is None:
        return None
    path = doc.member_at(loc.line, loc.col)
    return None if path is None else (doc, path)


def _config_layer(ctx: Context, name: str) -> Layer | None:
    var = ctx.env.var(name)
    if var is None or not var.layers:
        return None
    last = var.layers[-1]
    return last if is_config_layer(last) else None


def _set(fx: FixInput, file: str, path: tuple[PathItem, ...], value: Any) -> list[Edit] | None:
    doc = fx.docs.jsonc(file)
    if doc is None:
        return None
    return JsoncEditor(doc).set(path, value)


def _remove(doc: JsoncDocument, path: tuple[PathItem, ...]) -> list[Edit]:
    return JsoncEditor(doc).remove(path)


def _settings_set(fx: FixInput, ctx: Context, path: tuple[PathItem, ...], value: Any) -> list[Edit] | None:
    """Set a key in the folder's .vscode/settings.json, unless another scope already
    decides it with a different value (then that file is edited instead)."""
    fc = _folder(fx, ctx)
    if fc is None:
        return None
    return _set(fx, _settings_file(fc), path, value)


def _alternate_tool(fx: FixInput, ctx: Context, tool: str, binary: str) -> list[Edit] | None:
    fc = _folder(fx, ctx)
    if fc is None:
        return None
    existing = fc.folder.settings.entries("go.alternateTools").get(tool)
    value = settings_path_text(binary, fx.audit.home)
    if existing is not None and existing.location is not None:
        found = member_at(fx, existing.location)
        if found is not None:
            doc, path = found
            return JsoncEditor(doc).set(path, value)
    return _settings_set(fx, ctx, ("go.alternateTools", tool), value)


def _launch_path_edit(fx: FixInput, config: LaunchConfig, new_dir: str) -> list[Edit] | None:
    """Prepend ``new_dir`` to the configuration's env.PATH (adding one that keeps
    ``${env:PATH}`` when there is none)."""
    env = config.effective.get("env")
    current = env.get("PATH") if isinstance(env, dict) else None
    text = in_vscode_terms(new_dir, fx.audit.home)
    if isinstance(current, str):
        if text in current.split(":"):
            return None
        value = f"{text}:{current}"
    else:
        value = f"{text}:${{env:PATH}}"
    return JsoncEditor(config.doc).set(config.key_path("env", "PATH"), value)


# -- P: PATH and tools ----------------------------------------------------------------


@fixer("P001", safe=True)
def fix_go_not_found(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Debug: add the shell's go directory to the configuration's PATH.  Elsewhere:
    point go.alternateTools.go at the shell's go (vscode-go then puts its GOROOT/bin on
    PATH for everything it starts)."""
    ctx = _ctx(fx, f)
    shell_go = _shell_tool(fx, "go")
    if ctx is None or shell_go is None:
        return None
    if ctx.kind == "debug":
        config = _launch(fx, ctx)
        return _launch_path_edit(fx, config, os.path.dirname(shell_go)) if config else None
    return _alternate_tool(fx, ctx, "go", shell_go)


@fixer("P001", shell=True)
def fix_go_not_found_in_login_file(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Put the shell's go directory on PATH in the login file a GUI-launched IDE reads."""
    ctx = _ctx(fx, f)
    shell_go = _shell_tool(fx, "go")
    if ctx is None or shell_go is None or ctx.kind == "debug":
        return None
    path = ctx.env.var("PATH")
    if path is None or path.value is None or _config_layer(ctx, "PATH") is not None:
        return None  # PATH is decided by a configuration (or cleared): a login file cannot help
    return login_file_path_edit(fx, [os.path.dirname(shell_go)], ide=ctx.ide)


@fixer("S001", shell=True)
def fix_path_only_interactive(f: Finding, fx: FixInput) -> list[Edit] | None:
    """PATH entries only an interactive shell gets: add them in the login file."""
    if f.variable != "PATH":
        return None
    ide = {e for e in (f.context_value or "").split(":") if e}
    missing = [e for e in (f.shell_value or "").split(":") if e and e not in ide]
    return login_file_path_edit(fx, missing) if missing else None


def login_file(shell: str, home: str) -> str | None:
    """The start-up file a login shell reads (and VS Code's ``$SHELL -i -l`` too)."""
    name = os.path.basename(shell)
    if name == "bash":
        for candidate in (".bash_profile", ".bash_login", ".profile"):
            path = os.path.join(home, candidate)
            if os.path.exists(path):
                return path
        return os.path.join(home, ".profile")
    if name in ("sh", "dash", "ksh"):
        return os.path.join(home, ".profile")
    if name == "zsh":
        return os.path.join(home, ".zprofile")
    return None  # fish and csh read their rc file in every shell: the pitfall does not exist


def login_file_path_edit(fx: FixInput, directories: list[str], ide: str = "vscode") -> list[Edit] | None:
    """Append a line that puts ``dirs`` in front of PATH to the login file the IDE's
    environment comes from: the login shell's (VS Code resolves ``$SHELL -i -l``), or
    ``~/.profile`` for GoLand on Linux, which inherits the desktop session's environment.

    Each directory is added only when PATH lacks it (a POSIX ``case`` guard, which bash,
    zsh, dash and ksh all read), so two such fixes in one run, or a file read twice,
    never leave a duplicate entry behind (rule S007)."""
    snapshots = fx.audit.snapshots
    if not snapshots:
        return None
    home = fx.audit.home
    path = os.path.join(home, ".profile") if ide == "goland" else login_file(snapshots[0].shell, home)
    if path is None:
        return None
    text = fx.docs.text(path)
    h = home.rstrip("/")
    dirs = ["$HOME" + d[len(h) :] if d.startswith(h + "/") else d for d in directories]
    shown = ":".join(dirs)
    words = " ".join(f'"{d}"' for d in reversed(dirs))
    guard = 'case ":$PATH:" in *":$_d:"*) ;; *) PATH="$_d:$PATH" ;; esac'
    line = f"for _d in {words}; do {guard}; done; export PATH"
    if text is not None and line in text:
        return None
    eol = "\r\n" if text and "\r\n" in text else "\n"
    lead = "" if not text or text.endswith(("\n", "\r")) else eol
    block = (
        f"{lead}# Added by ideaudit: make {shown} visible to IDEs started from the desktop,{eol}"
        f"# which read this login file and not the interactive rc file.{eol}{line}{eol}"
    )
    return [Edit(path, len(text or ""), 0, block)]


def _tool_fix(f: Finding, fx: FixInput, tool: str) -> list[Edit] | None:
    ctx = _ctx(fx, f)
    binary = _shell_tool(fx, tool)
    if ctx is None or binary is None:
        return None
    return _alternate_tool(fx, ctx, tool, binary)


@fixer("P002", safe=True)
def fix_dlv_not_found(f: Finding, fx: FixInput) -> list[Edit] | None:
    return _tool_fix(f, fx, "dlv")


@fixer("P003", safe=True)
def fix_gopls_not_found(f: Finding, fx: FixInput) -> list[Edit] | None:
    return _tool_fix(f, fx, "gopls")


@fixer("P004", safe=False)
def fix_different_go(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Make the context run the shell's go: drop a go.goroot that pins another Go, else
    point go.alternateTools.go (or a debug configuration's PATH) at the shell's."""
    ctx = _ctx(fx, f)
    shell_go = _shell_tool(fx, "go")
    if ctx is None or shell_go is None:
        return None
    fc = _folder(fx, ctx)
    if fc is None:
        return None
    goroot = fc.folder.settings.get("go.goroot")
    lookup = ctx.tools.get("go")
    if goroot is not None and lookup is not None and lookup.path:
        root = goroot_of(lookup.path)
        raw = str(goroot.value)
        resolved = fx.audit.home + raw[1:] if raw.startswith("~") else raw
        if root and os.path.realpath(root) == os.path.realpath(resolved):
            return _goroot_setting_fix(fx, ctx, goroot.location)
    if ctx.kind == "debug":
        config = _launch(fx, ctx)
        layer = _config_layer(ctx, "PATH")
        if config is not None and layer is not None:
            return _launch_path_edit(fx, config, os.path.dirname(shell_go))
    return _alternate_tool(fx, ctx, "go", shell_go)


def _goroot_setting_fix(fx: FixInput, ctx: Context, loc: Location | None) -> list[Edit] | None:
    """go.goroot: the shell's explicit GOROOT if it has one, else remove the setting."""
    found = member_at(fx, loc)
    if found is None:
        return None
    doc, path = found
    shell_root = _shell_value(fx, "GOROOT")
    if shell_root:
        return JsoncEditor(doc).set(path, settings_path_text(shell_root, fx.audit.home))
    return _remove(doc, path)


@fixer("P005", safe=True)
def fix_path_override(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Keep the inherited PATH: append ``${env:PATH}`` to the value as written."""
    ctx = _ctx(fx, f)
    if ctx is None:
        return None
    for layer in reversed(ctx.env.var("PATH").layers if ctx.env.var("PATH") else ()):  # type: ignore[union-attr]
        if layer.location is None or not is_config_layer(layer):
            continue
        if layer.source.startswith("go.testEnvVars"):
            return None  # no ${env:} there (vscode-go substitutes only ${workspaceFolder} and ~)
        found = member_at(fx, layer.location)
        if found is None:
            return None
        doc, path = found
        raw = doc.get(*path)
        if not isinstance(raw, str) or "${env:PATH}" in raw:
            return None
        return JsoncEditor(doc).set(path, f"{raw}:${{env:PATH}}" if raw else "${env:PATH}")
    return None


@fixer("P006", safe=False)
def fix_go_fallback_only(f: Finding, fx: FixInput) -> list[Edit] | None:
    return _tool_fix(f, fx, "go")


# -- R: GOROOT ----------------------------------------------------------------------------


def _goroot_layer_fix(f: Finding, fx: FixInput, keep_shell: bool) -> list[Edit] | None:
    ctx = _ctx(fx, f)
    if ctx is None:
        return None
    layer = _config_layer(ctx, "GOROOT")
    if layer is None:
        return None
    if layer.source.startswith("go.goroot"):
        if not keep_shell:
            found = member_at(fx, layer.location)
            return _remove(*found) if found else None
        return _goroot_setting_fix(fx, ctx, layer.location)
    found = member_at(fx, layer.location)
    if found is None:
        return None
    doc, path = found
    shell_root = _shell_value(fx, "GOROOT")
    if keep_shell and shell_root:
        launch = doc.path.endswith("launch.json") or doc.path.endswith(".code-workspace")
        text = (
            in_vscode_terms(shell_root, fx.audit.home)
            if launch
            else settings_path_text(shell_root, fx.audit.home)
        )
        return JsoncEditor(doc).set(path, text)
    return _remove(doc, path)


@fixer("R001", safe=True)
def fix_goroot_invalid(f: Finding, fx: FixInput) -> list[Edit] | None:
    """A GOROOT that is not a Go installation: remove it (go finds its own root)."""
    return _goroot_layer_fix(f, fx, keep_shell=False)


@fixer("R002", safe=False)
def fix_goroot_differs(f: Finding, fx: FixInput) -> list[Edit] | None:
    return _goroot_layer_fix(f, fx, keep_shell=True)


@fixer("R003", safe=False)
def fix_goroot_binary_mismatch(f: Finding, fx: FixInput) -> list[Edit] | None:
    return _goroot_layer_fix(f, fx, keep_shell=False)


# -- G, M, C: variables that differ from the shell -------------------------------------

_PATHLIKE = ("GOPATH", "GOROOT", "GOBIN", "GOMODCACHE", "GOCACHE", "GOENV")


def _value_for(name: str, value: str, fx: FixInput, launch: bool) -> str:
    if name not in _PATHLIKE:
        return value
    home = fx.audit.home
    if launch:
        return ":".join(in_vscode_terms(p, home) for p in value.split(":"))
    # vscode-go expands "~" only at the very start of a setting's value; later entries
    # of a list stay absolute (go.testEnvVars knows no ${env:HOME} either).
    first, *rest = value.split(":")
    return ":".join([settings_path_text(first, home), *rest])


def same_as_shell(f: Finding, fx: FixInput, name: str, shell_value: str | None) -> list[Edit] | None:
    """Make ``name`` in the finding's context what it is in the shell.

    When a configuration file decided the value, that member is changed (or removed when
    the shell does not set the variable); when the IDE's environment decided it, the
    shell's value goes into go.toolsEnvVars, which reaches tools, tests and debugging.
    """
    ctx = _ctx(fx, f)
    if ctx is None:
        return None
    var = ctx.env.var(name)
    if ((var.value if var else None) or None) == (shell_value or None):
        return None  # the values as written agree; a default differs (another rule's cause)
    layer = _config_layer(ctx, name)
    if layer is not None and layer.source == GOPLS_BUILD_ENV:
        return None  # gopls alone gets it, usually on purpose (M006's info); its location is "gopls"
    if layer is not None:
        if layer.source.startswith("go.testEnvVars") and shell_value and "${" in shell_value:
            return None
        found = member_at(fx, layer.location)
        if found is None:
            return None
        doc, path = found
        if shell_value is None:
            if path[-1] != name:
                return None  # go.gopath/go.goroot-style settings are handled by their rules
            return _remove(doc, path)
        launch = "launch" in path or os.path.basename(doc.path) == "launch.json"
        value = _value_for(name, shell_value, fx, launch)
        if path[-1] in ("go.gopath",):
            value = settings_path_text(shell_value, fx.audit.home)
        return JsoncEditor(doc).set(path, value)
    if ctx.kind == "terminal":
        return None
    if shell_value is not None and "${" in shell_value:
        return None
    return _settings_set(fx, ctx, ("go.toolsEnvVars", name), _value_for(name, shell_value or "", fx, False))


@fixer("G001", safe=False)
def fix_gopath_differs(f: Finding, fx: FixInput) -> list[Edit] | None:
    shell = fx.audit.shell
    if shell is None:
        return None
    gopath = effective_gopath(shell, fx.audit.home)  # the GOPATH go uses in your shell
    return same_as_shell(f, fx, "GOPATH", gopath)


def _differs_fixer(code: str) -> None:
    @fixer(code, safe=False)
    def fix(f: Finding, fx: FixInput) -> list[Edit] | None:
        if f.variable is None:
            return None
        return same_as_shell(f, fx, f.variable, _shell_value(fx, f.variable))

    fix.__name__ = f"fix_{code.lower()}"


for _code in (
    "M001",
    "M002",
    "M003",
    "M004",
    "M005",
    "M006",
    "M007",
    "M008",
    "M009",
    "C001",
    "C002",
    "C005",
    "C006",
):
    _differs_fixer(_code)


def _member_by_value(
    fx: FixInput, loc: Location, name: str
) -> tuple[JsoncDocument, tuple[PathItem, ...]] | None:
    """The member ``name`` whose *value* is at ``loc`` (rules that point at the value)."""
    if loc.line is None or not loc.file.endswith(".json"):
        return None
    doc = fx.docs.jsonc(os.path.abspath(loc.file))
    if doc is None or doc.data is None:
        return None
    path = doc.member_at(loc.line, loc.col or 1, by_value=True)
    if path is None or path[-1] != name:
        return None
    return doc, path


def remove_where_set(f: Finding, fx: FixInput) -> list[Edit] | None:
    """The finding's variable removed from the configuration member that sets it (its
    location): what "Remove X where it is set" says.  For ``GOFLAGS=-insecure`` only the
    flag goes."""
    found = _launch_member(fx, f) if f.variable else None
    if found is None and f.variable and f.location is not None:
        found = _member_by_value(fx, f.location, f.variable)
    if found is None:
        return None
    doc, path = found
    if path[-1] != f.variable:
        return None
    raw = doc.get(*path)
    if f.variable == "GOFLAGS" and isinstance(raw, str):
        kept = " ".join(t for t in raw.split() if t != "-insecure")
        if kept and kept != raw.strip():
            return JsoncEditor(doc).set(path, kept)
    return _remove(doc, path)


for _code in ("M011", "C004", "X002", "L024", "V011"):
    fixer(_code, safe=False)(remove_where_set)


@fixer("C003", safe=False)
def fix_cgo_without_compiler(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Use the shell's C compiler, when this context's PATH finds it."""
    ctx = _ctx(fx, f)
    shell = fx.audit.shell
    if ctx is None or shell is None:
        return None
    path = ctx.env.var("PATH")
    if not finds_executable(c_compiler(shell), path.value if path else None):
        return None
    return same_as_shell(f, fx, "CC", _shell_value(fx, "CC"))


# -- V: VS Code hygiene ---------------------------------------------------------------


def _launch_member(fx: FixInput, f: Finding) -> tuple[JsoncDocument, tuple[PathItem, ...]] | None:
    loc = f.location
    if loc is None:
        return None
    return member_at(fx, Location(os.path.abspath(loc.file), loc.line, loc.col))


@fixer("V001", safe=True)
def fix_dlv_tool_path(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Remove the ignored dlvToolPath (no change in behaviour: vscode-go never reads it).
    When it names an existing dlv, also make it effective through go.alternateTools.dlv;
    that changes which dlv runs, so the fix is then unsafe."""
    found = _launch_member(fx, f)
    ctx = _ctx(fx, f)
    if found is None or ctx is None:
        return None
    doc, path = found
    target = doc.get(*path)
    edits = _remove(doc, path)
    if isinstance(target, str) and os.path.isfile(target) and os.access(target, os.X_OK):
        extra = _alternate_tool(fx, ctx, "dlv", target)
        if extra:
            return Unsafe(edits + extra)
    return edits


@fixer("V002", safe=False)
def fix_envfile_missing(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Create the missing envFile (empty but for a comment); add it to .gitignore yourself.

    Only inside the workspace folder: an envFile named elsewhere (``/etc/...``,
    ``${userHome}/...``) is the user's to create, and a workspace must not make ideaudit
    create files wherever it likes."""
    m = re.search(r"\(([^()]+)\)$", f.message)
    ctx = _ctx(fx, f)
    fc = _folder(fx, ctx) if ctx else None
    if m is None or fc is None:
        return None
    path = m.group(1)
    folder = os.path.realpath(fc.folder.path)
    if not os.path.isabs(path) or not os.path.realpath(path).startswith(folder + os.sep):
        return None
    # Anything already at the path (a FIFO, /dev/zero, a link) is neither read nor replaced.
    if os.path.lexists(path) or fx.docs.text(path) is not None:
        return None
    return [
        Edit(path, 0, 0, "# Environment for the debug session (created by ideaudit; keep it out of git).\n")
    ]


@fixer("V003", safe=False)
def fix_envfile_relative(f: Finding, fx: FixInput) -> list[Edit] | None:
    found = _launch_member(fx, f)
    if found is None:
        return None
    doc, path = found
    raw = doc.get(*path)
    if not isinstance(raw, str):
        return None
    return JsoncEditor(doc).set(path, "${workspaceFolder}/" + raw.removeprefix("./"))


@fixer("V004", safe=False)
def fix_platform_env(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Copy the top-level env variables the platform block loses into that block."""
    ctx = _ctx(fx, f)
    config = _launch(fx, ctx) if ctx else None
    if config is None or not config.platform:
        return None
    top = config.doc.get(*config.path, "env")
    block = config.doc.get(*config.path, config.platform, "env")
    if not isinstance(top, dict) or not isinstance(block, dict):
        return None
    editor = JsoncEditor(config.doc)
    edits: list[Edit] = []
    for name, value in top.items():
        if name not in block:
            edits.extend(editor.set((*config.path, config.platform, "env", name), value))
    # Several insertions at one offset compose; keep them in order.
    return edits


def _drop_gcflags(text: str) -> str:
    return " ".join(t for t in text.split() if not t.startswith("-gcflags"))


@fixer("V007", safe=True)
def fix_gcflags(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Remove -gcflags that vscode-go strips anyway: no change in behaviour."""
    found = _launch_member(fx, f)
    if found is None:
        return None
    doc, path = found
    raw = doc.get(*path)
    if isinstance(raw, str):
        kept = _drop_gcflags(raw)
        return _remove(doc, path) if not kept else JsoncEditor(doc).set(path, kept)
    if isinstance(raw, list):
        items = [x for x in raw if not (isinstance(x, str) and x.startswith("-gcflags"))]
        return _remove(doc, path) if not items else JsoncEditor(doc).set(path, items)
    return None


@fixer("V009", safe=False)
def fix_inherit_env(f: Finding, fx: FixInput) -> list[Edit] | None:
    found = _launch_member(fx, f)
    return _remove(*found) if found else None


# -- X: secrets -----------------------------------------------------------------------


def dotenv_line(name: str, value: str) -> str | None:
    """``NAME=value`` as vscode-go's envFile parser reads it back unchanged."""
    if "\n" in value or "\r" in value:
        return None
    if "${" in value or "\\$" in value:
        return None  # would be substituted or unescaped when read back
    if value[:1] in "'\"" or value[-1:] in "'\"" or value != value.strip():
        return None
    return f"{name}={value}"


@fixer("X001", safe=False)
def fix_committed_secret(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Move a secret from a launch configuration's env to ``${workspaceFolder}/.env``."""
    found = _launch_member(fx, f)
    if found is None or f.variable is None:
        return None
    doc, path = found
    if "env" not in path or os.path.basename(doc.path) != "launch.json":
        return None
    value = doc.get(*path)
    line = dotenv_line(f.variable, value) if isinstance(value, str) else None
    if line is None:
        return None
    folder = os.path.dirname(os.path.dirname(os.path.abspath(doc.path)))
    env_path = os.path.join(folder, ".env")
    config_path = path[: path.index("env")]
    envfile = doc.get(*config_path, "envFile")
    if envfile not in (None, "${workspaceFolder}/.env"):
        return None  # an envFile of its own: the user decides where the secret goes
    existing = fx.docs.text(env_path)
    if existing is not None and re.search(rf"^\s*(export\s+)?{re.escape(f.variable)}\s*=", existing, re.M):
        return None
    text = existing or ""
    lead = "" if not text or text.endswith("\n") else "\n"
    edits = [Edit(env_path, len(text), 0, f"{lead}{line}\n")]
    edits.extend(_remove(doc, path))
    if envfile is None:
        edits.extend(JsoncEditor(doc).set((*config_path, "envFile"), "${workspaceFolder}/.env"))
    return edits

"""Which installed IDE extensions load direnv, read from the IDEs' own folders.

VS Code: extensions live in ``~/.vscode/extensions/<publisher>.<name>-<version>/``
(``package.json`` inside) and, since VS Code 1.74, ``extensions.json`` there lists the
installed ones (a folder not listed, or listed in ``.obsolete``, is an uninstalled
leftover).  Extensions the user disabled are in the ``extensionsIdentifiers/disabled``
key of ``User/globalStorage/state.vscdb`` (SQLite).  The direnv extensions load the
``.envrc`` into the extension host's ``process.env`` at start-up (``activationEvents:
["*"]``), so vscode-go's tools, tests and debug sessions inherit it.

GoLand: plugins are folders under ``~/.local/share/JetBrains/GoLand<ver>/`` (macOS:
``~/Library/Application Support/JetBrains/GoLand<ver>/plugins``) with ``lib/*.jar``;
the plugin id is in ``META-INF/plugin.xml`` in one of the jars.  Disabled plugins are
listed in ``<config>/GoLand<ver>/disabled_plugins.txt``.  The Better Direnv plugin
(``com.fapiko.jetbrains.plugins.better_direnv``) adds direnv's variables to a run
configuration only when its ``DIRENV_ENABLED`` option is on; GoLand's own tools never
get them.
"""

from __future__ import annotations

import json
import os
import re
import sys

from ideaudit._fast.lazyre import lazy_re
from ideaudit._fast.record import record

# Marketplace ids of VS Code extensions that put direnv's environment into the
# extension host (lower case, as VS Code compares them).
VSCODE_DIRENV = ("mkhl.direnv", "cab404.vscode-direnv", "rubymaniac.vscode-direnv", "kozo.vsc-direnv")
GOLAND_DIRENV = ("com.fapiko.jetbrains.plugins.better_direnv", "com.github.daejoon.direnvloader")
_FOLDER = lazy_re(r"^([a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9._-]*?)-(\d[\w.+-]*)$", re.IGNORECASE)
_PLUGIN_ID = re.compile(rb"<id>\s*([^<\s]+)\s*</id>")
_VERSION = lazy_re(r"^GoLand(\d+)(?:\.(\d+))?$")


@record(frozen=True)
class Extension:
    id: str
    version: str
    path: str
    disabled: bool = False


def vscode_extensions_dir(home: str) -> str:
    return os.path.join(home, ".vscode", "extensions")


def _read_json(path: str) -> object:
    from ideaudit.sources.saferead import read_text

    try:
        return json.loads(read_text(path, "jsonc"))
    except (OSError, ValueError):
        return None


def _disabled_vscode(user_dir: str) -> set[str]:
    db = os.path.join(user_dir, "globalStorage", "state.vscdb")
    if not os.path.isfile(db):
        return set()
    import sqlite3

    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            row = con.execute(
                "SELECT value FROM ItemTable WHERE key = 'extensionsIdentifiers/disabled'"
            ).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return set()
    try:
        items = json.loads(row[0]) if row else []
    except (ValueError, TypeError):
        return set()
    return {str(i.get("id", "")).lower() for i in items if isinstance(i, dict)}


def vscode_direnv_extensions(extensions_dir: str, user_dir: str | None) -> list[Extension]:
    """The installed direnv extensions (enabled or not), newest version of each."""
    listed = _read_json(os.path.join(extensions_dir, "extensions.json"))
    obsolete = _read_json(os.path.join(extensions_dir, ".obsolete"))
    gone = set(obsolete) if isinstance(obsolete, dict) else set()
    disabled = _disabled_vscode(user_dir) if user_dir else set()
    found: dict[str, Extension] = {}
    if isinstance(listed, list):
        for item in listed:
            if not isinstance(item, dict):
                continue
            ident = item.get("identifier")
            ext_id = str(ident.get("id", "")).lower() if isinstance(ident, dict) else ""
            rel = item.get("relativeLocation")
            folder = os.path.join(extensions_dir, rel) if isinstance(rel, str) else ""
            if (
                ext_id in VSCODE_DIRENV
                and rel not in gone
                and os.path.isfile(os.path.join(folder, "package.json"))
            ):
                found[ext_id] = Extension(ext_id, str(item.get("version", "")), folder, ext_id in disabled)
        return list(found.values())
    try:
        names = sorted(os.listdir(extensions_dir))
    except OSError:
        return []
    for name in names:
        m = _FOLDER.match(name)
        if not m or name in gone:
            continue
        pkg = _read_json(os.path.join(extensions_dir, name, "package.json"))
        if not isinstance(pkg, dict):
            continue
        ext_id = f"{pkg.get('publisher', '')}.{pkg.get('name', '')}".lower()
        if ext_id in VSCODE_DIRENV:
            found[ext_id] = Extension(
                ext_id,
                str(pkg.get("version", m.group(2))),
                os.path.join(extensions_dir, name),
                ext_id in disabled,
            )
    return list(found.values())


def jetbrains_plugins_root(home: str, hermetic: bool) -> str:
    if sys.platform == "darwin" and not hermetic:
        return os.path.join(home, "Library", "Application Support", "JetBrains")
    xdg = None if hermetic else os.environ.get("XDG_DATA_HOME")
    return os.path.join(xdg or os.path.join(home, ".local", "share"), "JetBrains")


def _newest_goland(root: str) -> str | None:
    try:
        names = os.listdir(root)
    except OSError:
        return None
    best: tuple[tuple[int, int], str] | None = None
    for name in names:
        m = _VERSION.match(name)
        if m:
            key = (int(m.group(1)), int(m.group(2) or 0))
            if best is None or key > best[0]:
                best = (key, name)
    return best[1] if best else None


def _plugin_ids(plugin_dir: str) -> list[str]:
    import zipfile

    ids: list[str] = []
    lib = os.path.join(plugin_dir, "lib")
    try:
        jars = sorted(n for n in os.listdir(lib) if n.endswith(".jar"))
    except OSError:
        return ids
    for jar in jars:
        try:
            with zipfile.ZipFile(os.path.join(lib, jar)) as z:
                data = z.read("META-INF/plugin.xml")
        except (OSError, KeyError, zipfile.BadZipFile):
            continue
        m = _PLUGIN_ID.search(data[:65536])
        if m:
            ids.append(m.group(1).decode("utf-8", "replace").lower())
    return ids


def goland_direnv_plugins(home: str, hermetic: bool, config_root: str) -> list[Extension]:
    root = jetbrains_plugins_root(home, hermetic)
    version = _newest_goland(root)
    if version is None:
        return []
    plugins = os.path.join(root, version)
    if sys.platform == "darwin" and not hermetic:
        plugins = os.path.join(plugins, "plugins")
    disabled: set[str] = set()
    try:
        with open(os.path.join(config_root, version, "disabled_plugins.txt"), encoding="utf-8") as fh:
            disabled = {line.strip().lower() for line in fh if line.strip()}
    except OSError:
        pass
    out = []
    try:
        names = sorted(os.listdir(plugins))
    except OSError:
        return []
    for name in names:
        for pid in _plugin_ids(os.path.join(plugins, name)):
            if pid in GOLAND_DIRENV:
                out.append(Extension(pid, version, os.path.join(plugins, name), pid in disabled))
    return out

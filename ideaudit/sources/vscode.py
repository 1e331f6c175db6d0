"""VS Code configuration as the IDE sees it: settings by scope, launch configurations.

Reads ``.vscode/settings.json``, ``.vscode/launch.json``, a ``*.code-workspace`` file
(its ``settings``, ``launch`` and ``folders``) and the user ``settings.json``.  Values are
kept with the file:line:col they came from.  Nothing here substitutes variables or
builds environments; that is :mod:`ideaudit.contexts.vscode`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

from ideaudit._fast.record import field, record
from ideaudit.model import Location, Problem
from ideaudit.sources.jsonc import JsoncDocument, load_jsonc

PLATFORM_KEY = {"linux": "linux", "darwin": "osx", "win32": "windows"}.get(sys.platform, "linux")

SCOPES = ("user", "workspace", "folder")


@record(frozen=True)
class SettingValue:
    """A setting's value and the file position it came from."""

    key: str
    value: Any
    location: Location | None
    scope: str


@record(frozen=True)
class SettingsFile:
    scope: str
    doc: JsoncDocument
    prefix: tuple[str | int, ...] = ()  # ("settings",) inside a .code-workspace file

    def location(self, *path: str | int) -> Location | None:
        return self.doc.key_location(*self.prefix, *path)


@record
class Settings:
    """Settings of one folder, user < workspace < folder.

    VS Code merges object-valued settings across scopes key by key (its
    ``ConfigurationModel`` merges objects), so ``go.toolsEnvVars`` from the user
    settings and from the folder combine; :meth:`entries` gives the merged keys with
    the location of the scope that won each.
    """

    files: list[SettingsFile] = field(default_factory=list)

    def _raw(self) -> Iterator[tuple[SettingsFile, dict[str, Any]]]:
        for f in self.files:
            data = f.doc.get(*f.prefix)
            if isinstance(data, dict):
                yield f, data

    def get(self, key: str) -> SettingValue | None:
        found: SettingValue | None = None
        for f, data in self._raw():
            if key in data:
                found = SettingValue(key, data[key], f.location(key), f.scope)
        return found

    def value(self, key: str, default: Any = None) -> Any:
        found = self.get(key)
        return default if found is None else found.value

    def entries(self, key: str) -> dict[str, SettingValue]:
        """Merged members of an object setting, each with its own location."""
        merged: dict[str, SettingValue] = {}
        for f, data in self._raw():
            obj = data.get(key)
            if isinstance(obj, dict):
                for name, value in obj.items():
                    merged[name] = SettingValue(f"{key}.{name}", value, f.location(key, name), f.scope)
        return merged


@record(frozen=True)
class LaunchConfig:
    """One entry of ``configurations``, with its platform block applied.

    VS Code replaces top-level keys shallowly with those of the ``linux``/``osx``/
    ``windows`` block for the running platform: an ``osx.env`` replaces the whole
    ``env``, it does not merge.  ``from_platform`` lists the keys that came from it.
    ``effective`` is the document's own dict when there is no platform block (a copy
    per configuration doubled a large launch.json's memory): read it, never change it.
    """

    name: str
    index: int
    doc: JsoncDocument
    path: tuple[str | int, ...]
    effective: dict[str, Any]
    platform: str | None = None
    from_platform: tuple[str, ...] = ()

    @property
    def type(self) -> str | None:
        t = self.effective.get("type")
        return t if isinstance(t, str) else None

    @property
    def request(self) -> str | None:
        r = self.effective.get("request")
        return r if isinstance(r, str) else None

    @property
    def location(self) -> Location | None:
        return self.doc.location(*self.path)

    def key_path(self, *keys: str | int) -> tuple[str | int, ...]:
        """The JSON path of a key of the effective config (inside the platform block if
        that is where it came from)."""
        if keys and self.platform and keys[0] in self.from_platform:
            return (*self.path, self.platform, *keys)
        return (*self.path, *keys)

    def loc(self, *keys: str | int) -> Location | None:
        """Location of a key (or of a member inside it) of the effective config."""
        return self.doc.key_location(*self.key_path(*keys)) or self.location


@record
class VSCodeFolder:
    """A workspace folder: its settings (with user and workspace scopes) and launch configs."""

    name: str
    path: str
    settings: Settings
    launch: list[LaunchConfig] = field(default_factory=list)
    launch_file: str | None = None
    # A folder of a .code-workspace: where its "path" is written, and whether it exists.
    defined_at: Location | None = None
    exists: bool = True
    # .vscode/tasks.json, read for rule V015 (ideaudit never runs a task)
    tasks: JsoncDocument | None = None


@record
class VSCodeWorkspace:
    root: str
    code_workspace: str | None
    folders: list[VSCodeFolder]
    user_settings_file: str | None
    documents: list[JsoncDocument] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def user_settings_path(vscode_user_dir: str | None, home: str) -> str:
    """The user settings.json: ``--vscode-user-dir`` or the platform default."""
    if vscode_user_dir:
        return os.path.join(vscode_user_dir, "settings.json")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "Code", "User", "settings.json")
    if sys.platform == "win32":
        appdata = os.environ.get("APPDATA", os.path.join(home, "AppData", "Roaming"))
        return os.path.join(appdata, "Code", "User", "settings.json")
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    return os.path.join(config, "Code", "User", "settings.json")


class _Loader:
    """Loads each file once and collects problems instead of raising."""

    def __init__(self) -> None:
        self.documents: list[JsoncDocument] = []
        self.problems: list[Problem] = []

    def load(self, path: str, *, required: bool = False) -> JsoncDocument | None:
        if not required and not os.path.exists(path):
            return None
        result = load_jsonc(path)
        if isinstance(result, Problem):
            self.problems.append(result)
            return None
        self.documents.append(result)
        return result


def launch_configs(doc: JsoncDocument, prefix: tuple[str | int, ...] = ()) -> list[LaunchConfig]:
    """The configurations of a launch.json (or of a code-workspace ``launch`` object)."""
    configs = doc.get(*prefix, "configurations")
    if not isinstance(configs, list):
        return []
    result = []
    for i, raw in enumerate(configs):
        if not isinstance(raw, dict):
            continue
        # Shared with the document's data unless a platform block changes it: a copy
        # of every configuration doubled what a large launch.json costs in memory.
        effective = raw
        if "linux" in raw or "osx" in raw or "windows" in raw:
            effective = {k: v for k, v in raw.items() if k not in ("linux", "osx", "windows")}
        block = raw.get(PLATFORM_KEY)
        replaced: tuple[str, ...] = ()
        if isinstance(block, dict):  # then effective is a copy (the block is in raw)
            effective.update(block)
            replaced = tuple(block)
        name = effective.get("name")
        result.append(
            LaunchConfig(
                name=name if isinstance(name, str) else f"configuration #{i + 1}",
                index=i,
                doc=doc,
                path=(*prefix, "configurations", i),
                effective=effective,
                platform=PLATFORM_KEY if replaced else None,
                from_platform=replaced,
            )
        )
    return result


def load_workspace(root: str, code_workspace: str | None, user_settings: str | None) -> VSCodeWorkspace:
    """Read every VS Code file of a workspace; broken files become problems."""
    loader = _Loader()
    user_files: list[SettingsFile] = []
    if user_settings:
        user_doc = loader.load(user_settings)
        if user_doc is not None:
            user_files.append(SettingsFile("user", user_doc))

    folders: list[VSCodeFolder] = []
    ws_files: list[SettingsFile] = []
    ws_launch: list[LaunchConfig] = []
    if code_workspace:
        ws_doc = loader.load(code_workspace, required=True)
        base = os.path.dirname(os.path.abspath(code_workspace))
        folder_specs: list[tuple[str, str, Location | None]] = []
        if ws_doc is not None:
            if isinstance(ws_doc.get("settings"), dict):
                ws_files.append(SettingsFile("workspace", ws_doc, ("settings",)))
            if isinstance(ws_doc.get("launch"), dict):
                ws_launch = launch_configs(ws_doc, ("launch",))
            for i, entry in enumerate(ws_doc.get("folders") or []):
                if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                    path = os.path.normpath(os.path.join(base, os.path.expanduser(entry["path"])))
                    name = entry.get("name")
                    folder_specs.append(
                        (
                            name if isinstance(name, str) else os.path.basename(path),
                            path,
                            ws_doc.key_location("folders", i, "path"),
                        )
                    )
        for name, path, where in folder_specs or [(os.path.basename(base), base, None)]:
            folder = _load_folder(loader, name, path, user_files, ws_files)
            folder.defined_at = where
            folder.exists = os.path.isdir(path)
            folders.append(folder)
        if ws_launch and folders:
            # Workspace-level launch configurations run with the first folder as
            # ${workspaceFolder} unless they name one; we attach them to the first.
            folders[0].launch = ws_launch + folders[0].launch
    else:
        path = os.path.abspath(root)
        folders.append(_load_folder(loader, os.path.basename(path), path, user_files, []))
    return VSCodeWorkspace(
        root=os.path.abspath(root),
        code_workspace=os.path.abspath(code_workspace) if code_workspace else None,
        folders=folders,
        user_settings_file=user_settings,
        documents=loader.documents,
        problems=loader.problems,
    )


def _load_folder(
    loader: _Loader,
    name: str,
    path: str,
    user_files: list[SettingsFile],
    ws_files: list[SettingsFile],
) -> VSCodeFolder:
    files = list(user_files) + list(ws_files)
    settings_doc = loader.load(os.path.join(path, ".vscode", "settings.json"))
    if settings_doc is not None:
        files.append(SettingsFile("folder", settings_doc))
    launch_path = os.path.join(path, ".vscode", "launch.json")
    launch_doc = loader.load(launch_path)
    return VSCodeFolder(
        name=name,
        path=path,
        settings=Settings(files),
        launch=launch_configs(launch_doc) if launch_doc is not None else [],
        launch_file=launch_path if launch_doc is not None else None,
        tasks=loader.load(os.path.join(path, ".vscode", "tasks.json")),
    )

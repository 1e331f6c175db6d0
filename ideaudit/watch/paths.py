"""What ``ideaudit watch`` watches, and which file-system events matter.

Pure apart from a few ``stat`` calls: it turns the last audit (its folders, the shell,
the home directory) into a :class:`WatchPlan`.  The plan names *directories* to watch
non-recursively, never a whole tree: a recursive watch of a repository (or of ``$HOME``)
would put an inotify watch on every folder of ``node_modules`` and ``.git`` and wake us
for every build.  The files IDEs read sit directly inside a handful of folders, so one
non-recursive watch per folder sees every save pattern editors use (write-temp-then-
rename, truncate-then-write, delete-then-create) as events on that folder.

A folder that does not exist yet (``.vscode/`` before the first launch.json,
``~/.config/go`` before the first ``go env -w``) is covered by watching its nearest
existing ancestor: the event that creates the folder makes the watcher plan again.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping

from ideaudit._fast.record import record
from ideaudit.shell import cache as shell_cache
from ideaudit.shell import profiles as shell_profiles
from ideaudit.workspace import find_go_mod

#: Files inside these folders (relative to a workspace folder) are IDE configuration;
#: only names with these endings matter (editors' temp and backup files do not).
CONFIG_DIRS: Mapping[str, tuple[str, ...]] = {
    ".vscode": (".json",),
    ".idea": (".xml",),
    os.path.join(".idea", "runConfigurations"): (".xml",),
    ".run": (".xml",),
    ".devcontainer": (".json", "Dockerfile"),
}
#: Files of a workspace folder itself (Go's own inputs).
#: And the project-local environment files (see ideaudit.local): direnv, version pins,
#: dev containers.
FOLDER_FILES: tuple[str, ...] = ("go.mod", "go.work", os.path.join("vendor", "modules.txt"))
FOLDER_FILES += (".envrc", ".env", ".go-version", ".tool-versions", ".devcontainer.json")
FOLDER_FILES += ("mise.toml", ".mise.toml", "mise.local.toml", ".mise.local.toml")
#: Suffix meaning "any file" in :attr:`WatchPlan.patterns`.
ANY = ("",)


@record(frozen=True)
class WatchPlan:
    """Where to listen and what a heard path means.

    ``patterns`` maps a folder to the name endings that matter directly inside it;
    ``files`` are single files that matter wherever they are; ``wanted_dirs`` are all
    folders we would like to watch, existing or not (an event on one of them, or on an
    ancestor of a missing one, means the plan must be made again); ``watch_dirs`` are the
    existing folders to put a watch on.  ``shell_files`` are the inputs of the shell
    capture (a change there means capturing again) and ``ide_env_files`` the files a
    running IDE's environment was made from at its start (stale-IDE check).
    """

    watch_dirs: frozenset[str]
    wanted_dirs: frozenset[str]
    files: frozenset[str]
    patterns: Mapping[str, tuple[str, ...]]
    shell_files: frozenset[str]
    goenv_file: str | None
    jetbrains_dir: str | None

    def relevant(self, path: str) -> bool:
        """Whether an event on ``path`` can change the audit."""
        if path in self.files:
            return True
        parent, name = os.path.split(path)
        suffixes = self.patterns.get(parent)
        if suffixes is not None and any(name.endswith(s) for s in suffixes):
            return True
        if self.jetbrains_dir is not None and parent == self.jetbrains_dir:
            return True  # a GoLand<version> folder appeared or went away
        return self.affects_plan(path)

    def affects_plan(self, path: str) -> bool:
        """Whether ``path`` is a wanted folder or an ancestor of one (created/deleted)."""
        if path in self.wanted_dirs:
            return True
        prefix = path.rstrip(os.sep) + os.sep
        return any(d.startswith(prefix) for d in self.wanted_dirs)


def goenv_file(env: Mapping[str, str], home: str) -> str | None:
    """The ``go env -w`` file as ``go`` finds it (``os.UserConfigDir()/go/env``), or None
    when ``GOENV=off``.  ``env`` is the shell's environment, so ``$GOENV`` and
    ``$XDG_CONFIG_HOME`` set in rc files count."""
    explicit = env.get("GOENV")
    if explicit == "off":
        return None
    if explicit:
        return explicit
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "go", "env")
    config = env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    return os.path.join(config, "go", "env")


def jetbrains_config_dir(env: Mapping[str, str], home: str) -> str:
    """Where GoLand keeps ``GoLand<version>/options/`` (DESIGN.md §4)."""
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "JetBrains")
    config = env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    return os.path.join(config, "JetBrains")


def _existing_ancestor(path: str) -> str | None:
    current = path
    while True:
        if os.path.isdir(current):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def make_plan(
    *,
    folders: Iterable[str],
    root: str,
    code_workspace: str | None,
    shell: str,
    home: str,
    shell_env_vars: Mapping[str, str],
    user_settings: str | None,
    jetbrains_dir: str | None = None,
    extra_files: Iterable[str] = (),
) -> WatchPlan:
    """The plan for a workspace (its folders), a shell with its home, the IDE files, and
    ``extra_files`` (the envFiles the contexts read)."""
    patterns: dict[str, tuple[str, ...]] = {}
    files: set[str] = set()
    wanted: set[str] = set()

    def add_pattern(folder: str, suffixes: tuple[str, ...]) -> None:
        old = patterns.get(folder, ())
        patterns[folder] = tuple(dict.fromkeys(old + suffixes))
        wanted.add(folder)

    def add_file(path: str) -> None:
        files.add(path)
        wanted.add(os.path.dirname(path))

    root = os.path.abspath(root)
    add_pattern(root, (".code-workspace",))
    # The folder holding the workspace: deleting or renaming the workspace is an event
    # there (a watch on the workspace folder itself dies with it).
    wanted.add(os.path.dirname(root))
    for path in extra_files:
        add_file(os.path.abspath(path))
    if code_workspace:
        add_file(os.path.abspath(code_workspace))
    for folder in dict.fromkeys(os.path.abspath(f) for f in folders):
        for sub, suffixes in CONFIG_DIRS.items():
            add_pattern(os.path.join(folder, sub), suffixes)
        for name in FOLDER_FILES:
            add_file(os.path.join(folder, name))
        found = find_go_mod(folder)
        if found:
            add_file(found)
            add_file(os.path.join(os.path.dirname(found), "go.work"))

    # The shell capture's inputs: exactly what its cache is keyed on, so an event here
    # and a cache miss mean the same thing.
    shell_files: set[str] = set()
    base = shell_profiles.session_base_env(home, shell)
    for item in shell_cache.cache_inputs(shell, home, base):
        shell_files.add(item)
        if os.path.isdir(item) or item.endswith(".d"):
            add_pattern(item, ANY)  # a snippet folder (/etc/profile.d, conf.d), maybe not there yet
        else:
            add_file(item)

    gofile = goenv_file(shell_env_vars, home)
    if gofile:
        add_file(gofile)
    if user_settings:
        add_file(user_settings)

    jb = jetbrains_dir or jetbrains_config_dir(shell_env_vars, home)
    wanted.add(jb)
    try:
        children = sorted(os.listdir(jb))
    except OSError:
        children = []
    for child in children:
        if child.startswith("GoLand"):
            add_pattern(os.path.join(jb, child, "options"), (".xml",))
            wanted.add(os.path.join(jb, child))

    watch: set[str] = set()
    for d in wanted:
        existing = _existing_ancestor(d)
        if existing is not None:
            watch.add(existing)
    return WatchPlan(
        watch_dirs=frozenset(watch),
        wanted_dirs=frozenset(wanted),
        files=frozenset(files),
        patterns=patterns,
        shell_files=frozenset(shell_files),
        goenv_file=gofile,
        jetbrains_dir=jb,
    )


def gone_plan(root: str) -> WatchPlan:
    """The plan while the workspace folder does not exist: watch the nearest existing
    ancestor, so the folder's return (created again, renamed back) is an event."""
    root = os.path.abspath(root)
    existing = _existing_ancestor(os.path.dirname(root))
    return WatchPlan(
        watch_dirs=frozenset({existing} if existing else ()),
        wanted_dirs=frozenset({root}),
        files=frozenset(),
        patterns={},
        shell_files=frozenset(),
        goenv_file=None,
        jetbrains_dir=None,
    )

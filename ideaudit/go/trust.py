"""Workspace trust: may ideaudit execute a binary that a workspace names?

As VS Code's Workspace Trust: reading and stat-ing what a workspace names is always
fine; executing it (``go env``, ``go version``) only when the user trusts the
workspace, with ``--trust`` or by listing the folder under ``trusted-folders`` in the
user configuration (``~/.config/ideaudit/config.toml``, or
``$XDG_CONFIG_HOME/ideaudit/config.toml``).  The user's own binaries (the shell's
``go``, a ``go`` the IDE finds on its inherited PATH) are always trusted.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ideaudit.go.toolchain import realpath, same_file, split_path
from ideaudit.model import Context, Layer, ToolLookup

if TYPE_CHECKING:
    from ideaudit.config.load import UserSettings


def user_config_path(home: str, env: Mapping[str, str] | None = None) -> str:
    from ideaudit.config.load import user_config_path as path

    return path(home, env or {})


def _user_settings(home: str) -> UserSettings:
    """The user configuration; a broken one trusts nothing (the CLI reports its errors
    before a scan starts, so this only guards library use)."""
    from ideaudit.config.load import ConfigError, UserSettings, load_user_settings

    try:
        return load_user_settings(home)
    except ConfigError:
        return UserSettings()


def trusted_folders(home: str) -> list[str]:
    return [realpath(os.path.expanduser(p)) for p in _user_settings(home).trusted_folders]


def folder_is_trusted(folder: str, home: str, cli_trust: bool) -> bool:
    if cli_trust:
        return True
    settings = _user_settings(home)
    if settings.trust:
        return True
    real = realpath(folder)
    trusted = [realpath(os.path.expanduser(p)) for p in settings.trusted_folders]
    return any(real == t or real.startswith(t.rstrip("/") + "/") for t in trusted)


def _from_workspace(layer: Layer) -> bool:
    # The IDE's own environment may carry a location (an --ide-env dump, /proc/PID/environ)
    # but no workspace wrote it: the same test as the execution boundary's.
    from ideaudit.go.boundary import from_configuration

    return from_configuration(layer)


def go_named_by_workspace(ctx: Context, lookup: ToolLookup) -> Layer | ToolLookup | None:
    """The configuration that made ``ctx`` find this ``go`` (a setting naming it, or a
    PATH entry a configuration added), or None when it comes from the environment the
    IDE inherited."""
    if lookup.path is None:
        return None
    if lookup.location is not None:
        return lookup
    if lookup.via != "PATH":
        return None
    directory = os.path.dirname(lookup.path)
    var = ctx.env.var("PATH")
    if var is None:
        return None
    inherited: set[str] = set()
    for layer in var.layers:
        if _from_workspace(layer):
            if directory in split_path(layer.value) and directory not in inherited:
                return layer
        else:
            inherited = set(split_path(layer.value))
    return None


def may_execute(ctx: Context, lookup: ToolLookup, shell_go: str | None, trusted: bool) -> bool:
    if lookup.path is None:
        return False
    if trusted or (shell_go is not None and same_file(lookup.path, shell_go)):
        return True
    return go_named_by_workspace(ctx, lookup) is None

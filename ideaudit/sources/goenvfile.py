"""The ``go env -w`` file: where it is and what it sets, with line numbers.

Go reads it from ``$GOENV``, else ``os.UserConfigDir()/go/env``: ``$XDG_CONFIG_HOME``
or ``~/.config`` on Linux, ``~/Library/Application Support`` on macOS.  An
environment variable with a non-empty value beats the file (cmd/go/internal/cfg).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from ideaudit._fast.record import record
from ideaudit.model import Location


@record(frozen=True)
class GoEnvFileEntry:
    name: str
    value: str
    location: Location


def goenv_path(env: Mapping[str, str], home: str) -> str | None:
    """The go env file a process with ``env`` reads (``GOENV=off`` disables it)."""
    explicit = env.get("GOENV")
    if explicit == "off":
        return None
    if explicit:
        return explicit
    if sys.platform == "darwin":
        base = os.path.join(env.get("HOME") or home, "Library", "Application Support")
    else:
        base = env.get("XDG_CONFIG_HOME") or os.path.join(env.get("HOME") or home, ".config")
    return os.path.join(base, "go", "env")


def load_goenv_file(path: str | None) -> list[GoEnvFileEntry]:
    if not path:
        return []
    from ideaudit.sources.saferead import read_text

    try:
        lines = read_text(path, "goenv").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    entries = []
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or "=" not in stripped:
            continue
        name, _, value = stripped.partition("=")
        entries.append(GoEnvFileEntry(name.strip(), value.strip(), Location(path, number, 1)))
    return entries

"""``url.<base>.insteadOf`` rewrites from the user's git configuration.

Read (never run ``git config``) from ``$XDG_CONFIG_HOME/git/config`` and
``~/.gitconfig`` so that ``--home`` keeps a scan hermetic.  Hand-written: git's config
syntax (quoted subsections, case-insensitive keys) is not INI, and configparser
mangles it; only ``[url "..."]`` sections are needed.
"""

from __future__ import annotations

import os
import re

from ideaudit._fast.lazyre import lazy_re
from ideaudit._fast.record import record
from ideaudit.model import Location
from ideaudit.sources.saferead import read_text

_SECTION = lazy_re(r'^\[\s*url\s+"([^"]+)"\s*\]')
_OTHER_SECTION = lazy_re(r"^\[")
_INSTEAD = lazy_re(r"^(insteadof|pushinsteadof)\s*=\s*(.+)$", re.IGNORECASE)


@record(frozen=True)
class Rewrite:
    """``git`` fetches ``instead_of...`` from ``base...`` (e.g. https -> ssh)."""

    base: str
    instead_of: str
    location: Location


def gitconfig_paths(home: str, xdg_config_home: str | None = None) -> list[str]:
    xdg = xdg_config_home or os.path.join(home, ".config")
    return [os.path.join(xdg, "git", "config"), os.path.join(home, ".gitconfig")]


def load_rewrites(home: str, xdg_config_home: str | None = None) -> list[Rewrite]:
    rewrites: list[Rewrite] = []
    for path in gitconfig_paths(home, xdg_config_home):
        try:
            lines = read_text(path, "config").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        base: str | None = None
        for number, line in enumerate(lines, 1):
            text = line.strip()
            if not text or text.startswith(("#", ";")):
                continue
            m = _SECTION.match(text)
            if m:
                base = m.group(1)
                continue
            if _OTHER_SECTION.match(text):
                base = None
                continue
            m = _INSTEAD.match(text)
            if base is not None and m and m.group(1).lower() == "insteadof":
                value = m.group(2).strip().strip('"')
                rewrites.append(Rewrite(base, value, Location(path, number, 1)))
    return rewrites


def module_prefix(url: str) -> str | None:
    """The Go module path prefix a git URL prefix covers: ``https://github.com/corp/`` and
    ``git@github.com:corp/`` both give ``github.com/corp``."""
    m = re.match(r"^(?:https?|ssh|git)://(?:[^@/]+@)?([^/:]+)(?::\d+)?/?(.*)$", url)
    if m is None:
        m = re.match(r"^[^@/]+@([^:/]+):(.*)$", url)
    if m is None:
        return None
    host, rest = m.group(1), m.group(2).strip("/")
    rest = rest[:-4] if rest.endswith(".git") else rest
    return f"{host}/{rest}" if rest else host

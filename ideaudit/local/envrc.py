"""Find a project's ``.envrc`` (and ``.env``) and read, statically, what it sets where.

direnv reports *values* (``direnv export json``) but not lines; a static read of the
file gives the line for each name a user wrote: ``export NAME=...``, ``NAME=...`` then
``export NAME``, ``PATH_add DIR`` and ``path_add VAR DIR``, ``layout go`` (GOPATH and
PATH), ``dotenv [FILE]``.  Anything dynamic (``use flake``, ``source_up``, functions) is
recorded as such; its variables get the file without a line.  Nothing is executed here.
Hand-written because no maintained Python library reads direnv's stdlib calls.
"""

from __future__ import annotations

import os

from ideaudit._fast.lazyre import lazy_re
from ideaudit._fast.record import field, record
from ideaudit.model import Location

_EXPORT = lazy_re(r"^\s*export\s+(.*)$")
_ASSIGN = lazy_re(r"^\s*([A-Za-z_][A-Za-z0-9_]*)=")
_NAME_IN_EXPORT = lazy_re(r"([A-Za-z_][A-Za-z0-9_]*)(=?)")
_DOTENV_LINE = lazy_re(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=(.*)$")
_DYNAMIC = ("use ", "use_", "source_up", "source_env", "source_url", "watch_file", "eval ", "nix_direnv")


@record(frozen=True)
class EnvrcEntry:
    """A variable the file sets, where, and its literal value when it has one."""

    name: str
    location: Location
    value: str | None = None  # None: computed at load time (``$(...)``, ``$VAR``)
    how: str = "export"  # "export" | "PATH_add" | "path_add" | "layout go" | "dotenv"


@record
class Envrc:
    path: str
    kind: str  # ".envrc" | ".env"
    entries: list[EnvrcEntry] = field(default_factory=list)
    dynamic: list[Location] = field(default_factory=list)  # use flake, source_up, ...

    def location_of(self, name: str) -> Location:
        """The last line that sets ``name``, else the file itself."""
        for entry in reversed(self.entries):
            if entry.name == name:
                return entry.location
        return Location(self.path)

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(e.name for e in self.entries))


def find_envrc(start: str, load_dotenv: bool = False, stop: str | None = None) -> str | None:
    """The file direnv loads in ``start``: the nearest ``.envrc`` (or ``.env`` when
    direnv's ``load_dotenv`` is on) in ``start`` or a parent folder, as direnv's
    ``FindRC`` does (``.envrc`` wins in the same folder).  ``stop``: a folder not to look
    in or above (a hermetic run keeps out of the real home's files)."""
    current = os.path.abspath(start)
    names = (".envrc", ".env") if load_dotenv else (".envrc",)
    while True:
        if stop is not None and current == stop:
            return None
        for name in names:
            candidate = os.path.join(current, name)
            if os.path.isfile(candidate):
                return candidate
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _read(path: str) -> str | None:
    """A regular file within the start-up-file cap (saferead), else None."""
    from ideaudit.sources.saferead import read_text

    try:
        return read_text(path, "startup", errors="replace")
    except OSError:
        return None


def _literal(raw: str) -> str | None:
    """The value of a shell word when it is a plain literal, else None."""
    raw = raw.strip()
    if raw.startswith("'") and raw.endswith("'") and len(raw) >= 2:
        return raw[1:-1]
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        raw = raw[1:-1]
    else:
        raw = raw.split(" #", 1)[0].strip()
    if any(c in raw for c in "$`\\"):
        return None
    return raw


def parse_envrc(text: str, path: str) -> Envrc:
    rc = Envrc(path, ".env" if os.path.basename(path) == ".env" else ".envrc")
    if rc.kind == ".env":
        rc.entries.extend(_dotenv_entries(text, path))
        return rc
    assigned: dict[str, EnvrcEntry] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        col = len(line) - len(line.lstrip()) + 1
        here = Location(path, number, col)
        m = _EXPORT.match(line)
        if m:
            rest = m.group(1)
            offset = m.start(1)
            for word in _NAME_IN_EXPORT.finditer(rest):
                if word.start() and rest[word.start() - 1] not in " \t":
                    continue
                name, eq = word.group(1), word.group(2)
                loc = Location(path, number, offset + word.start() + 1)
                if eq:
                    rc.entries.append(EnvrcEntry(name, loc, _literal(rest[word.end() :])))
                    break  # the value runs to the end of the line
                prior = assigned.get(name)
                rc.entries.append(EnvrcEntry(name, loc, prior.value if prior else None))
            continue
        m = _ASSIGN.match(line)
        if m:
            assigned[m.group(1)] = EnvrcEntry(m.group(1), here, _literal(line[m.end() :]))
            continue
        words = stripped.split()
        if words[0] == "PATH_add":
            rc.entries.append(EnvrcEntry("PATH", here, None, "PATH_add"))
        elif words[0] == "path_add" and len(words) > 1:
            rc.entries.append(EnvrcEntry(words[1], here, None, "path_add"))
        elif words[:2] == ["layout", "go"]:
            rc.entries.append(EnvrcEntry("GOPATH", here, None, "layout go"))
            rc.entries.append(EnvrcEntry("PATH", here, None, "layout go"))
        elif words[0] in ("dotenv", "dotenv_if_exists"):
            target = os.path.join(os.path.dirname(path), words[1] if len(words) > 1 else ".env")
            body = _read(target)
            if body is not None:
                rc.entries.extend(_dotenv_entries(body, target))
        elif stripped.startswith(_DYNAMIC):
            rc.dynamic.append(here)
    return rc


def _dotenv_entries(text: str, path: str) -> list[EnvrcEntry]:
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        m = _DOTENV_LINE.match(line)
        if m and not line.lstrip().startswith("#"):
            col = line.index(m.group(1)) + 1
            out.append(EnvrcEntry(m.group(1), Location(path, number, col), _literal(m.group(2)), "dotenv"))
    return out


def load_envrc(path: str) -> Envrc:
    text = _read(path)
    return parse_envrc(text, path) if text is not None else Envrc(path, os.path.basename(path))

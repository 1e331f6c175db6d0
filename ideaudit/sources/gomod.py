"""``go.mod`` and ``vendor/modules.txt``, read the way ``cmd/go`` reads them, with lines.

Hand-written rather than a library: the go.mod grammar is small (directives, blocks,
``//`` comments), no maintained Python parser exists, and we need line numbers for
every directive.  Only what the rules use is kept: module path, ``go`` and
``toolchain`` lines, requirements, replacements.
"""

from __future__ import annotations

import os
import re

from ideaudit._fast.record import field, record
from ideaudit.model import Location, Problem


@record(frozen=True)
class Require:
    path: str
    version: str
    indirect: bool
    location: Location


@record(frozen=True)
class Replace:
    old: str
    old_version: str | None
    new: str
    new_version: str | None
    location: Location

    @property
    def is_directory(self) -> bool:
        """A replacement by a directory (``./x``, ``../x``, ``/abs``), not a module."""
        return self.new.startswith(("./", "../", "/")) or self.new in (".", "..")


@record
class GoMod:
    path: str
    module: str | None = None
    module_location: Location | None = None
    go: str | None = None
    go_location: Location | None = None
    toolchain: str | None = None
    toolchain_location: Location | None = None
    requires: list[Require] = field(default_factory=list)
    replaces: list[Replace] = field(default_factory=list)

    @property
    def folder(self) -> str:
        return os.path.dirname(self.path)


def _strip_comment(line: str) -> str:
    out, quoted = [], False
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == '"':
            quoted = not quoted
        elif not quoted and line.startswith("//", i):
            break
        out.append(ch)
        i += 1
    return "".join(out).strip()


def _fields(text: str) -> list[str]:
    return [f.strip('"') for f in re.findall(r'"[^"]*"|\S+', text)]


def parse_gomod(text: str, path: str) -> tuple[GoMod, list[Problem]]:
    mod = GoMod(path)
    problems: list[Problem] = []
    block: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        comment = raw.partition("//")[2]
        line = _strip_comment(raw)
        if not line:
            continue
        loc = Location(path, number, len(raw) - len(raw.lstrip()) + 1)
        if block is not None:
            if line == ")":
                block = None
                continue
            _directive(mod, block, _fields(line), loc, comment, problems)
            continue
        words = _fields(line)
        if len(words) == 2 and words[1] == "(":
            block = words[0]
            continue
        _directive(mod, words[0], words[1:], loc, comment, problems)
    return mod, problems


def _directive(
    mod: GoMod, verb: str, args: list[str], loc: Location, comment: str, problems: list[Problem]
) -> None:
    if verb == "module" and args:
        mod.module, mod.module_location = args[0], loc
    elif verb == "go" and args:
        mod.go, mod.go_location = args[0], loc
    elif verb == "toolchain" and args:
        mod.toolchain, mod.toolchain_location = args[0], loc
    elif verb == "require" and len(args) >= 2:
        mod.requires.append(Require(args[0], args[1], "indirect" in comment, loc))
    elif verb == "replace":
        if "=>" not in args:
            problems.append(Problem("parse", "replace directive without =>", loc))
            return
        arrow = args.index("=>")
        old, new = args[:arrow], args[arrow + 1 :]
        if not old or not new:
            problems.append(Problem("parse", "replace directive is incomplete", loc))
            return
        mod.replaces.append(
            Replace(old[0], old[1] if len(old) > 1 else None, new[0], new[1] if len(new) > 1 else None, loc)
        )


def load_gomod(path: str) -> tuple[GoMod | None, list[Problem]]:
    from ideaudit.sources.saferead import read_text, reason

    try:
        text = read_text(path, "gomod")
    except OSError as exc:
        return None, [Problem("unreadable", f"{path}: cannot be read: {reason(exc)}", Location(path))]
    except UnicodeDecodeError as exc:
        line = text_line(path, exc.start)
        return None, [Problem("unreadable", f"{path}: cannot be read: not UTF-8 text", Location(path, line))]
    return parse_gomod(text, path)


def text_line(path: str, offset: int) -> int | None:
    """The line of byte ``offset`` in ``path`` (for a decoding error), None if unreadable."""
    from ideaudit.sources.saferead import read_bytes

    try:
        return read_bytes(path, "gomod").count(b"\n", 0, offset) + 1
    except OSError:
        return None


@record(frozen=True)
class VendoredModule:
    path: str
    version: str
    explicit: bool
    location: Location


def load_modules_txt(path: str) -> list[VendoredModule] | None:
    """``vendor/modules.txt``: ``# path version`` lines, then ``## explicit`` markers."""
    from ideaudit.sources.saferead import read_text

    try:
        lines = read_text(path, "modules.txt").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    out: list[VendoredModule] = []
    for number, line in enumerate(lines, 1):
        if line.startswith("# ") and not line.startswith("## "):
            words = line[2:].split()
            if len(words) >= 2 and words[1] != "=>":
                out.append(VendoredModule(words[0], words[1], False, Location(path, number, 1)))
        elif line.startswith("## explicit") and out:
            last = out[-1]
            out[-1] = VendoredModule(last.path, last.version, True, last.location)
    return out


def version_tuple(version: str | None) -> tuple[int, ...] | None:
    """``go1.22.5`` / ``1.22`` / ``1.21rc2`` -> ``(1, 22, 5)``; None when not a Go version."""
    if not version:
        return None
    m = re.match(r"^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?", version.strip())
    if not m:
        return None
    return tuple(int(x) for x in m.groups() if x is not None)

"""The Go version a project pins, and mise's ``[env]``, read statically with lines.

Version managers pick Go by looking for a pin file from the *working directory* up:
goenv reads ``.go-version``, asdf ``.tool-versions`` (``golang 1.22.5``), mise both of
those plus ``mise.toml``/``.mise.toml``/``mise.local.toml`` (``[tools] go = "1.22"``),
``.config/mise.toml``.  go.mod's and go.work's ``toolchain`` line is Go's own pin
(GOTOOLCHAIN=auto switches to it on Go >= 1.21).  Nothing is executed; the global
versions (what a shim gives outside the project) are read from the same files in
``$HOME``.  TOML values come from ``tomllib``; lines come from a scan of the text
because ``tomllib`` keeps no positions.
"""

from __future__ import annotations

import os
import re
from typing import Any

from ideaudit._fast.lazyre import lazy_re
from ideaudit._fast.record import field, record
from ideaudit.model import Location

MISE_FILES = ("mise.local.toml", ".mise.local.toml", "mise.toml", ".mise.toml", ".config/mise.toml")
SHIM_DIRS = (
    ("asdf", lazy_re(r"/\.asdf/shims/?$")),
    ("mise", lazy_re(r"/(?:mise|rtx)/shims/?$")),
    ("goenv", lazy_re(r"/\.goenv/shims/?$")),
)
_KEY = lazy_re(r"^\s*\"?([A-Za-z0-9_.\-]+)\"?\s*=")
_SECTION = lazy_re(r"^\s*\[\s*([^\]]+?)\s*\]")


@record(frozen=True)
class Pin:
    """A Go version pinned by a file: ``1.22.5``, ``1.22``, ``latest``, ``go1.22.5``."""

    version: str
    location: Location
    manager: str  # "goenv" | "asdf" | "mise" | "go.mod toolchain" | "go.work toolchain"


@record(frozen=True)
class MiseEnv:
    name: str
    value: str | None  # None: a template or a non-string value
    location: Location


@record
class Pins:
    pins: list[Pin] = field(default_factory=list)
    mise_env: list[MiseEnv] = field(default_factory=list)
    global_pins: list[Pin] = field(default_factory=list)

    @property
    def manager_pin(self) -> Pin | None:
        """The pin a version manager honours first (mise local > mise.toml > .tool-versions
        > .go-version), the nearest folder first."""
        for pin in self.pins:
            if not pin.manager.endswith("toolchain"):
                return pin
        return None

    @property
    def toolchain_pin(self) -> Pin | None:
        for pin in self.pins:
            if pin.manager.endswith("toolchain"):
                return pin
        return None


def _text(path: str) -> str | None:
    """A regular file within the config-file cap (saferead), else None."""
    from ideaudit.sources.saferead import read_text

    try:
        return read_text(path, "config", errors="replace")
    except OSError:
        return None


def _go_version_file(path: str) -> Pin | None:
    text = _text(path)
    if text is None:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        word = line.split("#", 1)[0].strip()
        if word:
            return Pin(word, Location(path, number, line.index(word) + 1), "goenv")
    return None


def _tool_versions(path: str) -> Pin | None:
    text = _text(path)
    if text is None:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if len(words) >= 2 and words[0] in ("golang", "go"):
            return Pin(words[1], Location(path, number, line.index(words[1]) + 1), "asdf")
    return None


def _lines_of(text: str) -> dict[tuple[str, str], Location]:
    """(section, key) -> position, for the simple ``key = value`` lines of a TOML file."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), 1):
        m = _SECTION.match(line)
        if m:
            section = m.group(1).strip()
            continue
        m = _KEY.match(line)
        if m:
            out.setdefault((section, m.group(1)), (number, m.start(1) + 1))
    return {k: Location("", n, c) for k, (n, c) in out.items()}


def _mise(path: str, pins: Pins, problems: list[str]) -> Pin | None:
    text = _text(path)
    if text is None:
        return None
    import tomllib

    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path}: {exc}")
        return None
    lines = _lines_of(text)

    def where(section: str, key: str) -> Location:
        loc = lines.get((section, key))
        return Location(path, loc.line, loc.col) if loc else Location(path)

    env = data.get("env")
    if isinstance(env, dict):
        for name, value in env.items():
            if name.startswith("_"):  # _.path, _.file, _.source: directives, not variables
                continue
            literal = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
            if literal is not None and "{{" in literal:
                literal = None
            pins.mise_env.append(MiseEnv(name, literal, where("env", name)))
    tools = data.get("tools")
    if isinstance(tools, dict):
        for key in ("go", "golang"):
            if key in tools:
                value = tools[key]
                if isinstance(value, list) and value:
                    value = value[0]
                if isinstance(value, dict):
                    value = value.get("version")
                if isinstance(value, str):
                    return Pin(value, where("tools", key), "mise")
    return None


def _toolchain_line(path: str, manager: str) -> Pin | None:
    text = _text(path)
    if text is None:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("//", 1)[0].split()
        if len(words) == 2 and words[0] == "toolchain":
            return Pin(words[1], Location(path, number, line.index(words[1]) + 1), manager)
    return None


def load_pins(root: str, home: str, problems: list[str], stop: str | None = None) -> Pins:
    """Pins at ``root`` and above (nearest first, stopping at ``$HOME`` or ``stop``), plus
    the global ones a shim falls back to outside any project."""
    pins = Pins()
    current = os.path.abspath(root)
    home_abs = os.path.abspath(home)
    while True:
        if stop is not None and current == stop:
            break
        if current != home_abs:
            for name in MISE_FILES:
                pin = _mise(os.path.join(current, name), pins, problems)
                if pin:
                    pins.pins.append(pin)
            for reader, name in ((_tool_versions, ".tool-versions"), (_go_version_file, ".go-version")):
                pin = reader(os.path.join(current, name))
                if pin:
                    pins.pins.append(pin)
            for name, manager in (("go.work", "go.work toolchain"), ("go.mod", "go.mod toolchain")):
                pin = _toolchain_line(os.path.join(current, name), manager)
                if pin:
                    pins.pins.append(pin)
        parent = os.path.dirname(current)
        if parent == current or current == home_abs:
            break
        current = parent
    ignore: list[str] = []
    for path in (
        os.path.join(home, ".config", "mise", "config.toml"),
        os.path.join(home, ".tool-versions"),
        os.path.join(home, ".goenv", "version"),
    ):
        if path.endswith("config.toml"):
            pin = _mise(path, Pins(), ignore)
        elif path.endswith(".tool-versions"):
            pin = _tool_versions(path)
        else:
            pin = _go_version_file(path)
        if pin:
            pins.global_pins.append(pin)
    return pins


def shim_manager(go_path: str | None) -> str | None:
    """The version manager whose shim ``go_path`` is (asdf, mise, goenv), or None."""
    if not go_path:
        return None
    directory = os.path.dirname(go_path)
    for name, pattern in SHIM_DIRS:
        if pattern.search(directory):
            return name
    return None


def matches(pin: str, version: str | None) -> bool | None:
    """Whether Go ``version`` (``go1.22.5``) satisfies ``pin`` (``1.22``, ``1.22.5``,
    ``go1.22.5``, ``1.22.x``); None when either cannot be compared (``latest``, ``system``)."""
    if version is None:
        return None
    want = pin.strip().removeprefix("go").removeprefix("v").removesuffix(".x")
    if not re.fullmatch(r"\d+(\.\d+)*(rc\d+|beta\d+)?", want):
        return None
    have = version.strip().removeprefix("go").split()[0]
    return have == want or have.startswith(want + ".")

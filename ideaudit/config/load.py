"""Finding and reading ideaudit's configuration files.

Found as ruff finds its own: the nearest ``.ideaudit.toml``, or ``pyproject.toml`` with
an ``[tool.ideaudit]`` table, in the scanned folder or the closest folder above it;
``--config FILE`` names one; ``--isolated`` ignores them all.  The keys are defined
once, as pydantic models, in :mod:`ideaudit.config.model`; this module reads the file,
validates it there, and turns every problem into ``file:line:col: message``.

Start-up cost: without a configuration file nothing but ``os.path`` runs here (a
``pyproject.toml`` is only parsed when its text mentions ``tool.ideaudit``).  With one,
pydantic validates it once; the validated settings are cached (keyed by the file's
path and content checksum and ideaudit's version), so a warm run reads a small JSON file
instead of importing pydantic, which costs more than the rest of a warm scan.

Trust is not a project setting: a checkout must not be able to make ideaudit run the
binaries it names.  ``trust`` and ``trusted-folders`` are accepted only in the user
configuration (``~/.config/ideaudit/config.toml``), and a project file that sets
``trust`` is an error that says so.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ideaudit._fast.record import field, record
from ideaudit.errors import UsageError

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

DOTFILE = ".ideaudit.toml"
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "ideaudit")
USER_ONLY = ("trust", "trusted-folders")


@record
class Settings:
    """The project settings a command uses; None where the file does not set a key
    (so the command line, then the default, decides)."""

    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] | None = None
    per_file_ignores: list[tuple[str, list[str]]] = field(default_factory=list)
    fail_on: str | None = None
    output_format: str | None = None
    timeout: float | None = None
    static: bool | None = None
    help_uri_base: str | None = None
    source: str | None = None


@record
class UserSettings:
    trusted_folders: list[str] = field(default_factory=list)
    trust: bool = False
    source: str | None = None


class ConfigError(UsageError, ValueError):
    """One or more problems in a configuration file, each ``file:line:col: message``."""


def find_config(start: str) -> tuple[str, tuple[str, ...]] | None:
    """The nearest configuration at or above ``start`` (a folder) and its table."""
    folder = os.path.abspath(start)
    while True:
        dotfile = os.path.join(folder, DOTFILE)
        if os.path.isfile(dotfile):
            return dotfile, ()
        pyproject = os.path.join(folder, PYPROJECT)
        if os.path.isfile(pyproject) and _has_tool_table(pyproject):
            return pyproject, PYPROJECT_TABLE
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _has_tool_table(path: str) -> bool:
    """Whether a pyproject.toml has ``[tool.ideaudit]``: a text test first (most have no
    such table, and parsing TOML costs ~10 ms of start-up), then the real parse."""
    from ideaudit.sources.saferead import read_text

    try:
        text = read_text(path, "config", errors="replace")
    except OSError:
        return False
    if "tool.ideaudit" not in text and not ("[tool]" in text and "\nideaudit" in text):
        return False
    try:
        data = _parse(path, text)
    except ConfigError:
        return True  # a broken file that mentions us: report it rather than skip it
    tool = data.get("tool")
    return isinstance(tool, dict) and "ideaudit" in tool


def scan_root(path: str) -> str:
    """The folder a workspace argument stands for (a .code-workspace file's folder)."""
    return path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))


def load_settings(
    path: str,
    config_file: str | None = None,
    isolated: bool = False,
    cache_dir: str | None = None,
    rule_codes: Callable[[], Iterable[str]] | None = None,
) -> Settings:
    """The project settings for scanning ``path``.

    ``rule_codes`` gives the known rule codes, to report a selector that matches none (a
    typo would select nothing, silently).  It comes in from the caller (the CLI passes
    the catalog's) because the rules sit far above this module: ``go.trust`` reads the
    user configuration.  Called only when the file is parsed, not on a cache hit."""
    if isolated:
        return Settings()
    if config_file is not None:
        if not os.path.isfile(config_file):
            raise ConfigError([f"{config_file}: no such configuration file"])
        table = PYPROJECT_TABLE if os.path.basename(config_file) == PYPROJECT else ()
        found: tuple[str, tuple[str, ...]] | None = (config_file, table)
    else:
        found = find_config(scan_root(path))
    if found is None:
        return Settings()
    cached = _cache_read(found[0], found[1], cache_dir)
    if cached is not None and set(cached) == set(_SETTINGS_KEYS):
        cached["per_file_ignores"] = [(glob, codes) for glob, codes in cached["per_file_ignores"]]
        return Settings(**cached, source=found[0])
    settings = _project_settings(*found, rule_codes)
    _cache_write(found[0], found[1], cache_dir, {k: getattr(settings, k) for k in _SETTINGS_KEYS})
    return settings


_SETTINGS_KEYS = (
    "select", "extend_select", "ignore", "per_file_ignores", "fail_on", "output_format", "timeout",
    "static", "help_uri_base",
)  # fmt: skip


def _project_settings(
    path: str, table: tuple[str, ...], rule_codes: Callable[[], Iterable[str]] | None = None
) -> Settings:
    from ideaudit.config.model import ProjectConfig

    text = _read(path)
    data = _table(_parse(path, text), table)
    problems = [
        _at(path, text, table, (key,), f"`{key}` can be set only in the user configuration "
            "(~/.config/ideaudit/config.toml): a project's own file must not be able to trust itself")
        for key in USER_ONLY if key in data
    ]  # fmt: skip
    data = {k: v for k, v in data.items() if k not in USER_ONLY}
    model, errors = _validate(ProjectConfig, data, path, text, table)
    if rule_codes is not None:
        errors += _unknown_codes(data, path, text, table, set(rule_codes()))
    problems += errors
    if problems:
        raise ConfigError(problems)
    assert model is not None
    # Only the keys the file sets, so the command line and then the defaults decide the
    # rest; a new key is a field of ProjectConfig and of Settings, nothing here.
    values = {name: getattr(model, name) for name in model.model_fields_set}
    if "per_file_ignores" in values:
        base = os.path.dirname(os.path.abspath(path))
        values["per_file_ignores"] = [
            (os.path.join(base, glob), list(codes)) for glob, codes in values["per_file_ignores"].items()
        ]
    return Settings(**values, source=path)


def user_config_path(home: str, env: Mapping[str, str] | None = None) -> str:
    """``$XDG_CONFIG_HOME/ideaudit/config.toml``; ``$XDG_CONFIG_HOME`` of this process
    counts only for the real home (a ``--home DIR`` run stays hermetic)."""
    if env is None:
        env = os.environ if os.path.abspath(home) == os.path.expanduser("~") else {}
    xdg = env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    return os.path.join(xdg, "ideaudit", "config.toml")


def load_user_settings(
    home: str, env: Mapping[str, str] | None = None, cache_dir: str | None = None
) -> UserSettings:
    """The user configuration; folders with ``~`` expanded against ``home``."""
    path = user_config_path(home, env)
    if not os.path.isfile(path):
        return UserSettings()
    cached = _cache_read(path, (home,), cache_dir)
    if cached is not None and set(cached) == {"trusted_folders", "trust"}:
        return UserSettings(**cached, source=path)
    from ideaudit.config.model import UserConfig

    text = _read(path)
    model, problems = _validate(UserConfig, _parse(path, text), path, text, ())
    if problems or model is None:
        raise ConfigError(problems)
    folders = [home + p[1:] if p == "~" or p.startswith("~/") else p for p in model.trusted_folders]
    _cache_write(path, (home,), cache_dir, {"trusted_folders": folders, "trust": model.trust})
    return UserSettings(trusted_folders=folders, trust=model.trust, source=path)


# -- the cache of validated files ------------------------------------------------


def _cache_file(path: str, extra: Sequence[str], cache_dir: str | None) -> tuple[str, str] | None:
    """Where the validated settings of ``path`` are cached, and the key they must match."""
    from ideaudit import __version__
    from ideaudit.sources.saferead import read_bytes

    try:
        content = read_bytes(path, "config")
    except OSError:
        return None
    if cache_dir is None:
        from ideaudit.shell.cache import default_cache_dir

        cache_dir = os.environ.get("IDEAUDIT_CACHE_DIR") or default_cache_dir()
    full = os.path.abspath(path)
    import zlib  # change detection, not a security boundary: the file is the user's own

    # the content's checksum, not the mtime: two saves within one clock tick must not
    # leave a stale entry
    key = "\0".join((__version__, full, *extra, f"{zlib.crc32(content):08x}", str(len(content))))

    name = f"{zlib.crc32(full.encode()):08x}.json"
    return os.path.join(cache_dir, "config", name), key


def _cache_read(path: str, extra: Sequence[str], cache_dir: str | None) -> dict[str, Any] | None:
    where = _cache_file(path, extra, cache_dir)
    if where is None:
        return None
    import json

    try:
        with open(where[0], encoding="utf-8") as fh:
            entry = json.load(fh)
    except (OSError, ValueError):
        return None
    if (
        not isinstance(entry, dict)
        or entry.get("key") != where[1]
        or not isinstance(entry.get("value"), dict)
    ):
        return None
    value: dict[str, Any] = entry["value"]
    return value


def _cache_write(path: str, extra: Sequence[str], cache_dir: str | None, value: dict[str, Any]) -> None:
    where = _cache_file(path, extra, cache_dir)
    if where is None:
        return
    import json

    file, key = where
    try:
        os.makedirs(os.path.dirname(file), exist_ok=True)
        tmp = f"{file}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"key": key, "value": value}, fh)
        os.replace(tmp, file)
    except OSError:  # a read-only cache only costs the next run the validation again
        pass


# -- reading and reporting -------------------------------------------------------


def _read(path: str) -> str:
    from ideaudit.sources.saferead import read_text, reason

    try:
        return read_text(path, "config")  # size-capped, regular files only (no FIFO, no device)
    except OSError as exc:
        raise ConfigError([f"{_shown(path)}: cannot read: {reason(exc)}"]) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{_shown(path)}: cannot read: not UTF-8 ({exc.reason})"]) from exc


def _parse(path: str, text: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line L, column C)"; put it in front, as the
        # other problems are written.
        message = str(exc)
        where = ""
        if "(at line " in message:
            message, _, rest = message.rpartition(" (at line ")
            line, _, col = rest.rstrip(")").partition(", column ")
            where = f"{line}:{col}:"
        raise ConfigError([f"{_shown(path)}:{where} invalid TOML: {message}"]) from exc


def _table(data: dict[str, Any], table: Sequence[str]) -> dict[str, Any]:
    for key in table:
        data = data.get(key, {})
    return data


def _at(path: str, text: str, table: Sequence[str], loc: Sequence[str | int], message: str) -> str:
    from ideaudit.sources.tomlpos import locate

    line, col = locate(text, table, loc)
    return f"{_shown(path)}:{line}:{col}: {message}"


def _shown(path: str) -> str:
    """A path under the current folder relative to it, as findings are shown."""
    full = os.path.abspath(path)
    here = os.getcwd()
    return os.path.relpath(full, here) if full.startswith(here.rstrip(os.sep) + os.sep) else path


def _validate(
    model: type[BaseModel], data: dict[str, Any], path: str, text: str, table: Sequence[str]
) -> tuple[Any, list[str]]:
    from pydantic import ValidationError

    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, _messages(exc, model, path, text, table)


def _messages(
    exc: ValidationError, model: type[BaseModel], path: str, text: str, table: Sequence[str]
) -> list[str]:
    known = ", ".join(f.alias or name for name, f in model.model_fields.items())
    out = []
    for err in exc.errors():
        loc = err["loc"]
        name = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden":
            message = f"unknown key `{name}`; known keys: {known}"
        else:
            # the value's TOML type, never the value: a file may hold a pasted token
            message = f"`{name}`: {err['msg']} (got {_toml_type(err['input'])})"
        out.append(_at(path, text, table, loc, message))
    return out


def _shown_code(selector: str) -> str:
    """A selector as typed if it looks like one (short, letters and digits), else not at
    all: whatever else was pasted there is not echoed."""
    return repr(selector) if len(selector) <= 8 and selector.isalnum() else "this value"


def _toml_type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _unknown_codes(
    data: dict[str, Any], path: str, text: str, table: Sequence[str], codes: Collection[str]
) -> list[str]:
    """Selectors that match no rule: a typo would otherwise select nothing, silently.
    Read from the raw table, so that they are reported beside type errors elsewhere
    (values of the wrong type are the model's to report)."""

    def bad(selector: str) -> bool:
        return selector.upper() != "ALL" and not any(c.startswith(selector.upper()) for c in codes)

    out = []
    lists: list[tuple[tuple[str | int, ...], Any]] = [
        ((key,), data.get(key)) for key in ("select", "extend-select", "ignore")
    ]
    per_file = data.get("per-file-ignores")
    if isinstance(per_file, dict):
        lists += [(("per-file-ignores", glob), v) for glob, v in per_file.items()]
    for loc, values in lists:
        if not isinstance(values, list):
            continue
        for i, selector in enumerate(values):
            if isinstance(selector, str) and bad(selector):
                shown = _shown_code(selector)
                message = f"`{loc[0]}`: no rule matches {shown}; `ideaudit rule` lists the codes"
                out.append(_at(path, text, table, (*loc, i), message))
    return out

"""Project configuration: ``.ideaudit.toml`` or ``[tool.ideaudit]`` in ``pyproject.toml``.

Only settings that change what is reported live here (select, ignore, output format,
timeout); nothing in a workspace's configuration can make ideaudit run a program.
Validated by hand with messages that name the file and key: pydantic would cost
~250 ms of start-up on every scan for four keys.
"""

from __future__ import annotations

import os
from typing import Any

from ideaudit.record import field, record


@record
class Config:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    output_format: str | None = None
    timeout: float | None = None
    source: str | None = None


class ConfigError(ValueError):
    pass


KEYS = {"select", "ignore", "output-format", "timeout"}


def load_config(root: str) -> Config:
    """The first of ``.ideaudit.toml`` and ``pyproject.toml [tool.ideaudit]`` in ``root``."""
    dotfile = os.path.join(root, ".ideaudit.toml")
    pyproject = os.path.join(root, "pyproject.toml")
    for path, table in ((dotfile, None), (pyproject, ("tool", "ideaudit"))):
        if not os.path.isfile(path):
            continue
        import tomllib  # only when there is a file: it costs ~10 ms of start-up

        from ideaudit.sources.saferead import read_text

        try:
            data: Any = tomllib.loads(read_text(path, "config"))
        except (OSError, ValueError) as exc:  # TOMLDecodeError is a ValueError
            raise ConfigError(f"{path}: {exc}") from exc
        for key in table or ():
            data = data.get(key) if isinstance(data, dict) else None
        if data is None:
            continue
        return _validate(data, path)
    return Config()


def _validate(data: Any, path: str) -> Config:
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a table of settings")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(KEYS))}"
        )
    cfg = Config(source=path)
    for key in ("select", "ignore"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: {key} must be a list of rule codes or prefixes")
        setattr(cfg, key, value)
    fmt = data.get("output-format")
    if fmt is not None and not isinstance(fmt, str):
        raise ConfigError(f"{path}: output-format must be a string")
    cfg.output_format = fmt
    timeout = data.get("timeout")
    if timeout is not None:
        if not isinstance(timeout, (int, float)) or not 1 <= timeout <= 120:
            raise ConfigError(f"{path}: timeout must be a number of seconds from 1 to 120")
        cfg.timeout = float(timeout)
    return cfg

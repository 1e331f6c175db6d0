"""Read an environment dump a user hands us (``--ide-env FILE``).

Three formats, detected from the bytes:

* NUL-separated ``KEY=VALUE`` entries: ``env -0`` output, ``/proc/PID/environ``;
* a JSON object of strings (any text starting with ``{`` or ``[`` is taken for JSON):
  what ``node -p 'JSON.stringify(process.env)'`` prints, and what VS Code's developer
  tools console shows for ``JSON.stringify(process.env)``;
* ``KEY=VALUE`` lines: ``env``/``printenv`` output or a dotenv file.  ``export `` is
  allowed in front, blank lines and ``#`` comments are skipped, a value may contain
  ``=``, and one matching pair of surrounding quotes is removed (in double quotes ``\\"``
  and ``\\\\`` are unescaped).  A line that is not ``KEY=VALUE`` gives a Problem with its
  line number; parsing goes on.

Bytes are decoded as UTF-8 with ``surrogateescape``, like ``os.environ``, so a path
that is not valid UTF-8 still names the same file.
"""

from __future__ import annotations

import json
import os
import re

from ideaudit.model import Location, Problem

__all__ = ["load_env_dump", "parse_env_dump"]

#: A variable name in the line format: shell names, plus ``.``, ``-`` and ``%`` that some
#: tools use (``BASH_FUNC_f%%`` is how bash exports a function).
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.%-]*$")


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _parse_nul(data: bytes, file: str) -> tuple[dict[str, str], list[Problem]]:
    env: dict[str, str] = {}
    problems: list[Problem] = []
    for index, entry in enumerate(data.split(b"\0"), start=1):
        if not entry:
            continue
        key, sep, value = entry.partition(b"=")
        if not sep or not key:
            problems.append(
                Problem(
                    kind="parse",
                    # never quoted: environments hold tokens
                    message=f"entry {index} is not KEY=VALUE ({'no name' if sep else 'no ='})",
                    location=Location(file),
                )
            )
            continue
        env[_decode(key)] = _decode(value)
    return env, problems


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        if value[0] == '"':
            inner = re.sub(r"\\([\\\"$`])", r"\1", inner)
        return inner
    return value


def _parse_lines(text: str, file: str) -> tuple[dict[str, str], list[Problem]]:
    env: dict[str, str] = {}
    problems: list[Problem] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("export ") or stripped.startswith("export\t"):
            stripped = stripped[len("export") :].lstrip()
        key, sep, value = stripped.partition("=")
        key = key.strip()
        if not sep or not _KEY.match(key):
            problems.append(
                Problem(
                    kind="parse",
                    message=f"line {lineno} is not KEY=VALUE ({'no =' if not sep else 'no name before ='})",
                    location=Location(file, lineno),
                )
            )
            continue
        env[key] = _unquote(value)
    return env, problems


def _line_of(text: str, key: str) -> int | None:
    """The line on which ``"key"`` appears in JSON ``text`` (best effort, for messages)."""
    needle = json.dumps(key)
    pos = text.find(needle)
    return None if pos < 0 else text.count("\n", 0, pos) + 1


def _parse_json(text: str, file: str) -> tuple[dict[str, str], list[Problem]]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        msg = getattr(exc, "msg", str(exc))
        return {}, [
            Problem(
                kind="parse",
                message=f"not valid JSON: {msg}",
                location=Location(file, line, col),
            )
        ]
    if not isinstance(data, dict):
        return {}, [
            Problem(
                kind="parse",
                message=f"expected a JSON object of strings, found {type(data).__name__}",
                location=Location(file, 1),
            )
        ]
    env: dict[str, str] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        if isinstance(value, str):
            env[key] = value
        else:
            problems.append(
                Problem(
                    kind="parse",
                    message=f"value of {key} is a JSON {type(value).__name__}, not a string",
                    location=Location(file, _line_of(text, key)),
                )
            )
    return env, problems


def parse_env_dump(data: bytes, file: str) -> tuple[dict[str, str], list[Problem]]:
    """Parse an environment dump in any of the three formats (see the module doc)."""
    if b"\0" in data:
        return _parse_nul(data, file)
    text = _decode(data).removeprefix("\ufeff")
    if text.lstrip()[:1] in ("{", "["):
        return _parse_json(text, file)
    return _parse_lines(text, file)


def load_env_dump(path: str | os.PathLike[str]) -> tuple[dict[str, str] | None, list[Problem]]:
    """Read and parse ``path``.  ``None`` when it cannot be read, or holds no variable at
    all and did not parse (so that a broken dump is never taken for an empty environment).
    """
    name = os.fspath(path)
    from ideaudit.sources.saferead import read_bytes

    try:
        data = read_bytes(name, "envdump")
    except OSError as exc:
        return None, [
            Problem(
                kind="unreadable",
                message=f"cannot read {name}: {exc.strerror or exc}",
                location=Location(name),
            )
        ]
    env, problems = parse_env_dump(data, name)
    if not env and problems:
        return None, problems
    return env, problems

"""Read environment dumps: the ones our captured shells write, and one a user hands us.

A captured shell writes ``env -0`` (NUL-separated ``KEY=VALUE``), or, for bash, the
output of its ``declare -px`` builtin (no extra process): :func:`parse_nul_env` and
:func:`parse_declare` read those.

A user's dump (``--ide-env FILE``) comes in three formats, detected from the bytes:

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

from ideaudit._fast.lazyre import lazy_re
from ideaudit.model import Location, Problem

__all__ = ["load_env_dump", "parse_declare", "parse_env_dump", "parse_nul_env"]

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


# --------------------------------------------------------------------------- captured dumps


_DECLARE = lazy_re(r"(?:declare -[A-Za-z]*|export) ([A-Za-z_][A-Za-z0-9_]*)")
_C_ESCAPES = {
    "a": 7, "b": 8, "e": 27, "E": 27, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11,
    "\\": 92, "'": 39, '"': 34, "?": 63,
}  # fmt: skip


def parse_declare(data: bytes) -> dict[str, str] | None:
    """The environment from bash's ``declare -px`` (None when it is not that).

    Hand-written because no library reads bash's output: ``declare -x NAME="v"`` with
    ``\\ \" \\$ \\``` escaped, ``declare -x NAME=$'...'`` (ANSI-C quoting, used for
    newlines, control and non-ASCII bytes), ``declare -x NAME`` (exported, no value:
    not in the environment), and ``export NAME=...`` in POSIX mode.
    """
    text = data.decode("utf-8", "surrogateescape")
    env: dict[str, str] = {}
    pos, end = 0, len(text)
    while pos < end:
        m = _DECLARE.match(text, pos)
        if m is None:
            return None
        pos = m.end()
        if pos < end and text[pos] == "=":
            parsed = _bash_word(text, pos + 1)
            if parsed is None:
                return None
            value, pos = parsed
            if not text.startswith(("declare -a", "declare -A"), m.start()):
                env[m.group(1)] = value
        if pos < end:
            if text[pos] != "\n":
                return None
            pos += 1
    return env


def _bash_word(text: str, pos: int) -> tuple[str, int] | None:
    if text.startswith('"', pos):
        out: list[str] = []
        i = pos + 1
        while i < len(text):
            ch = text[i]
            if ch == '"':
                return "".join(out), i + 1
            if ch == "\\" and i + 1 < len(text) and text[i + 1] in '"\\$`':
                out.append(text[i + 1])
                i += 2
                continue
            out.append(ch)
            i += 1
        return None
    if text.startswith("$'", pos):
        raw = bytearray()
        i = pos + 2
        while i < len(text):
            ch = text[i]
            if ch == "'":
                return raw.decode("utf-8", "surrogateescape"), i + 1
            if ch != "\\" or i + 1 >= len(text):
                raw += ch.encode("utf-8", "surrogateescape")
                i += 1
                continue
            nxt = text[i + 1]
            if nxt in _C_ESCAPES:
                raw.append(_C_ESCAPES[nxt])
                i += 2
            elif nxt in "01234567":
                j = i + 1
                while j < min(i + 4, len(text)) and text[j] in "01234567":
                    j += 1
                raw.append(int(text[i + 1 : j], 8) & 0xFF)
                i = j
            elif nxt in "xuU":
                width = {"x": 2, "u": 4, "U": 8}[nxt]
                j = i + 2
                while j < min(i + 2 + width, len(text)) and text[j] in "0123456789abcdefABCDEF":
                    j += 1
                if j == i + 2:
                    raw += text[i : i + 2].encode()
                else:
                    code = int(text[i + 2 : j], 16)
                    raw += bytes([code]) if nxt == "x" else chr(code).encode("utf-8", "surrogatepass")
                i = j
            elif nxt == "c" and i + 2 < len(text):
                raw.append(ord(text[i + 2]) & 0x1F)
                i += 3
            else:
                raw += text[i : i + 2].encode("utf-8", "surrogateescape")
                i += 2
        return None
    # Unquoted (bash never prints it, but POSIX-mode output could): up to the line end.
    stop = text.find("\n", pos)
    stop = len(text) if stop < 0 else stop
    return text[pos:stop], stop


def parse_nul_env(data: bytes) -> dict[str, str]:
    """``env -0`` output as a dict; an entry without ``=`` is skipped (a captured shell's
    dump, not a user's file: nothing to report it to)."""
    env: dict[str, str] = {}
    for entry in data.split(b"\0"):
        key, sep, value = entry.partition(b"=")
        if not sep or not key:
            continue
        env[key.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
    return env

"""Parse the ``envFile`` of a VS Code Go launch configuration the way vscode-go does.

This follows ``parseEnvFile`` and ``substituteEnvVars`` in ``src/utils/envUtils.ts``
of golang/vscode-go (the version that accepts ``export KEY=VALUE``; read from the
repository at the time of writing), rule for rule:

* a leading UTF-8 BOM is dropped and the text is split on ``"\\n"`` only;
* each line is matched against ``/^\\s*(export\\s+)?([\\w\\.\\-]+)\\s*=\\s*(.*)?\\s*$/``.
  In JavaScript ``.`` stops at ``\\r``, so CRLF files work, and ``(.*)`` is greedy, so
  *trailing spaces stay in the value* (``KEY=abc  `` gives ``"abc  "``);
* a value that starts *and* ends with ``"`` first has every ``\\n`` (backslash, n)
  turned into a newline;
* then one leading and one trailing quote character are removed, each on its own:
  ``value.replace(/(^['"]|['"]$)/g, '')``.  So matching quotes are stripped, but so is
  a lone or mismatched one (``'abc"`` gives ``abc``);
* ``${NAME}`` (``NAME`` = a letter then word characters) is replaced by the value of
  ``NAME`` defined earlier in the same file, else from the base environment, else by
  the empty string (JavaScript ``||``: an *empty* earlier value also falls through).
  ``\\${NAME}`` is left alone.  If any ``${...}`` in the value is malformed (say
  ``${A:-x}`` or ``${}``), *no* substitution happens in that value at all.  Finally
  ``\\$`` becomes ``$``;
* a later definition of a key replaces an earlier one; there are no inline comments
  (``KEY=a # b`` gives ``a # b``).

vscode-go silently ignores any line that does not match (comments, ``KEY`` without
``=``, keys with spaces, ...).  We are a linter, so such lines give a
``Problem(kind="parse")``, except blank lines and ``#`` comments, and parsing goes on.
A file that cannot be read gives one ``Problem(kind="unreadable")``; vscode-go then
refuses to start the debug session ("Cannot load environment variables from file").
Like Node's ``readFileSync(path, 'utf8')``, bytes that are not UTF-8 are replaced by
U+FFFD rather than rejected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from ideaudit._fast.lazyre import lazy_re
from ideaudit._fast.record import record
from ideaudit.model import Location, Problem

__all__ = ["EnvFileEntry", "load_envfile", "parse_envfile"]

# JavaScript's \s, and its "." (anything but a line terminator); \w is ASCII there.
_JS_SPACE = r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
_JS_DOT = r"[^\n\r\u2028\u2029]"
_JS_WORD = r"[A-Za-z0-9_]"

_LINE = lazy_re(
    rf"^{_JS_SPACE}*(export{_JS_SPACE}+)?([A-Za-z0-9_.\-]+){_JS_SPACE}*={_JS_SPACE}*"
    rf"({_JS_DOT}*)?{_JS_SPACE}*\Z"
)
_QUOTES = lazy_re(r"^['\"]|['\"]\Z")
_SUBST = lazy_re(rf"\$\{{([a-zA-Z]{_JS_WORD}*)?([^}}A-Za-z0-9_]{_JS_DOT}*)?\}}")
_BLANK = lazy_re(rf"{_JS_SPACE}*\Z")


@record(frozen=True)
class EnvFileEntry:
    """One ``KEY=VALUE`` line: the value as vscode-go computes it, and where it is."""

    name: str
    value: str
    location: Location
    raw: str


def _substitute(value: str, local: Mapping[str, str], base: Mapping[str, str]) -> str:
    """vscode-go's ``substituteEnvVars``."""
    invalid = False

    def replace(m: re.Match[str]) -> str:
        nonlocal invalid
        start = m.start()
        if start > 0 and m.string[start - 1] == "\\":
            return m.group()
        name, bogus = m.group(1), m.group(2)
        if bogus or not name:
            invalid = True
            return m.group()
        return local.get(name) or base.get(name) or ""

    replaced = _SUBST.sub(replace, value)
    if not invalid:
        value = replaced
    return value.replace("\\$", "$")


def parse_envfile(
    text: str, file: str, base_env: Mapping[str, str]
) -> tuple[list[EnvFileEntry], list[Problem]]:
    """Parse envFile ``text`` read from ``file``; ``${VAR}`` falls back to ``base_env``.

    Returns every definition in file order (a later one for the same name wins, as in
    vscode-go) and a ``Problem`` for each line vscode-go would silently skip.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    entries: list[EnvFileEntry] = []
    problems: list[Problem] = []
    # The values defined so far, for ``${NAME}``: built only once a value uses one (a
    # dict of every name cost ~0.7x a large file that never substitutes).
    env: dict[str, str] | None = None
    for number, line in enumerate(_lines(text), start=1):
        m = _LINE.match(line)
        if m is None:
            stripped = line.strip()
            if _BLANK.match(line) or stripped.startswith("#"):
                continue
            col, wrong = _what_is_wrong(line)
            # The line itself is never quoted: an envFile can be any file (a key in
            # ~/.ssh), and this message reaches every output format.
            problems.append(
                Problem(
                    kind="parse",
                    message=(
                        f"line {number} is not KEY=VALUE: {wrong}; vscode-go ignores it, so it sets nothing"
                    ),
                    location=Location(file=file, line=number, col=col),
                )
            )
            continue
        name = m.group(2)
        value = m.group(3) or ""
        if value and value[0] == '"' and value[-1] == '"':
            value = value.replace("\\n", "\n")
        raw = _QUOTES.sub("", value)
        if "${" in raw:
            if env is None:
                env = {e.name: e.value for e in entries}
            expanded = _substitute(raw, env, base_env)
        else:  # what _substitute gives a value without "${"
            expanded = raw.replace("\\$", "$")
        if env is not None:
            env[name] = expanded
        entries.append(
            EnvFileEntry(
                name=name,
                value=expanded,
                location=Location(file=file, line=number, col=m.start(2) + 1),
                raw=raw,
            )
        )
    return entries, problems


def _lines(text: str) -> Iterator[str]:
    """``text.split("\\n")``, one line at a time: the list of every line cost about
    twice the file while it was parsed (peak memory, ``bench/memory.py``)."""
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


_NAME_CHAR = lazy_re(r"[A-Za-z0-9_.\-]")


def _what_is_wrong(line: str) -> tuple[int, str]:
    """(1-based column, description) of why ``line`` is not ``[export ]KEY=VALUE``,
    described by shape only, never by quoting it."""
    body = line.lstrip()
    col = len(line) - len(body) + 1
    if body.startswith("export") and body[6:7].isspace():
        rest = body[6:].lstrip()
        col += len(body) - len(rest)
        body = rest
    if "=" not in body:
        return col, "there is no '='"
    name, _, _ = body.partition("=")
    if not name.strip():
        return col, "there is no name before '='"
    for i, ch in enumerate(name.rstrip()):
        if not _NAME_CHAR.match(ch):
            what = "a space" if ch.isspace() else "a quote" if ch in "'\"" else "another character"
            return col + i, f"the name before '=' contains {what} (only letters, digits, _ . - are allowed)"
    return col, "it does not match [export ]KEY=VALUE"


def load_envfile(path: str, base_env: Mapping[str, str]) -> tuple[list[EnvFileEntry], list[Problem]]:
    """Read and parse an envFile; a file that cannot be read gives one problem."""
    from ideaudit.sources.saferead import read_bytes

    try:
        data = read_bytes(path, "envfile")
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return [], [
            Problem(
                kind="unreadable",
                message=(
                    f"cannot read envFile {path}: {reason}; vscode-go will refuse to start the debug session"
                ),
                location=Location(file=path),
            )
        ]
    text = data.decode("utf-8", errors="replace")
    del data  # not needed while parsing (peak memory, bench/memory.py)
    return parse_envfile(text, path, base_env)

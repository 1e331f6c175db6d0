"""The file-system facts the D rules need about one launch configuration.

Rules never do I/O, so this is where ``program`` and ``cwd`` are resolved as
vscode-go resolves them (golang/vscode-go ``goDebugConfiguration.ts``,
``resolveDebugConfigurationWithSubstitutedVariables``: relative to the workspace folder;
a leading ``~`` expanded in ``cwd`` only; a ``program`` that looks like an import path
such as ``example.com/cmd/x`` left to Delve) and stat-ed, and where the ``package``
clauses of the program's Go files are read.  Nothing is executed: the package clause is
read from the file text, as ``go/build`` reads it, without building anything.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

from ideaudit._fast.lazyre import lazy_re
from ideaudit._fast.record import record
from ideaudit.contexts.substitute import SubstScope, substitute
from ideaudit.model import Location
from ideaudit.sources.launch_schema import shell_tokens
from ideaudit.sources.vscode import LaunchConfig

# vscode-go isPackageUrl: "domain.tld/..." is an import path, not a file.
_PACKAGE_URL = lazy_re(r"^[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9](\.[a-zA-Z]{2,})+/")
# Comments and blank space before the package clause (go/build reads the same way).
_LEADING = lazy_re(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.S)
_PACKAGE = lazy_re(r"package\s+([A-Za-z_][A-Za-z0-9_]*)")
_HEAD_BYTES = 64 * 1024
_MAX_FILES = 200


@record(frozen=True)
class LaunchPath:
    """``program`` or ``cwd`` of one configuration, resolved and stat-ed.

    ``kind``: ``"dir"``, ``"file"`` or ``"missing"``.
    For ``program``: ``packages`` are the package names of its non-test Go files (a
    file's own, or every such file of a directory), ``tests`` whether test files are
    there.
    """

    attr: str
    raw: str
    path: str
    location: Location | None
    kind: str
    packages: tuple[str, ...] = ()
    tests: bool = False


def package_name(path: str) -> str | None:
    """The package clause of a Go file, or None when there is none to read."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES).decode("utf-8", "replace")
    except OSError:
        return None
    start = _LEADING.match(head)
    m = _PACKAGE.match(head, start.end() if start else 0)
    return m.group(1) if m else None


def _go_files(directory: str) -> Iterator[str]:
    """The Go files the go command would consider (not ``_x.go``/``.x.go``), sorted."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return
    count = 0
    for name in names:
        if name.endswith(".go") and not name.startswith(("_", ".")):
            full = os.path.join(directory, name)
            if os.path.isfile(full):
                count += 1
                if count > _MAX_FILES:
                    return
                yield full


def _program_facts(path: str) -> tuple[tuple[str, ...], bool]:
    if os.path.isfile(path):
        if path.endswith("_test.go"):
            return (), True
        name = package_name(path)
        return ((name,) if name else ()), False
    packages: set[str] = set()
    tests = False
    for file in _go_files(path):
        if file.endswith("_test.go"):
            tests = True
            continue
        name = package_name(file)
        if name:
            packages.add(name)
    return tuple(sorted(packages)), tests


def _kind(path: str) -> str:
    if os.path.isdir(path):
        return "dir"
    if os.path.exists(path):
        return "file"
    return "missing"


def launch_paths(config: LaunchConfig, scope: SubstScope, folder: str, home: str) -> tuple[LaunchPath, ...]:
    """Resolve and stat ``program`` and ``cwd`` of a launch request.

    Skipped, because the paths are not this machine's or not known before F5: attach
    requests, configurations with ``port``/``debugServer`` (a dlv server elsewhere does
    the building), values with ``${input:}``/``${file}``-like variables, an undefined
    ``${env:X}``, or shell syntax (D007 reports that).
    """
    eff = config.effective
    if config.request != "launch" or eff.get("port") or eff.get("debugServer"):
        return ()
    out: list[LaunchPath] = []
    # Not ``output``: ``go build -o`` creates missing directories (checked with Go 1.19).
    for attr in ("program", "cwd"):
        raw: Any = eff.get(attr)
        if not isinstance(raw, str) or not raw.strip():
            continue
        res = substitute(raw, scope, "launch")
        if res.changed or shell_tokens(raw, leading_tilde_expanded=attr == "cwd"):
            continue
        value = res.value
        if attr == "cwd" and value.startswith("~"):
            value = home + value[1:]
        if attr == "program" and not os.path.isabs(value):
            candidate = os.path.join(folder, value)
            if _PACKAGE_URL.match(value) and not os.path.exists(candidate):
                continue  # an import path: Delve resolves it with the go command
            value = candidate
        elif not os.path.isabs(value):
            value = os.path.join(folder, value)
        value = os.path.normpath(value)
        loc = config.loc(attr)
        kind = _kind(value)
        packages, tests = _program_facts(value) if attr == "program" and kind != "missing" else ((), False)
        out.append(LaunchPath(attr, raw, value, loc, kind, packages, tests))
    return tuple(out)

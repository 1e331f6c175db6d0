"""Fixers for the D rules (launch configurations) and the deprecated-name V rules.

Each edits one string or member of launch.json/settings.json in place (comments and
layout kept, see :mod:`ideaudit.fixes.jsonc_edit`).  A fix is offered only when the
re-scan will not show a new finding for it: ``$HOME`` becomes ``${env:HOME}`` only when
VS Code's environment has ``HOME`` (an undefined ``${env:X}`` is V005's finding).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from ideaudit.fixes.base import FixInput, Unsafe, fixer
from ideaudit.fixes.jsonc_edit import JsoncEditor
from ideaudit.model import Edit, Finding, Location
from ideaudit.sources.jsonc import JsoncDocument
from ideaudit.sources.launch_schema import REMOVED_SETTINGS, shell_tokens

PathItem = str | int


def _all_paths(value: Any, prefix: tuple[PathItem, ...] = ()) -> Iterator[tuple[PathItem, ...]]:
    """Every member and array item of a JSON value (``fixes.vscode._paths`` skips items)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*prefix, k)
            yield from _all_paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (*prefix, i)
            yield from _all_paths(v, (*prefix, i))


def string_at(fx: FixInput, loc: Location | None) -> tuple[JsoncDocument, tuple[PathItem, ...], str] | None:
    """The string member (or array item) whose key (or value) starts at ``loc``."""
    if loc is None or loc.line is None:
        return None
    doc = fx.docs.jsonc(os.path.abspath(loc.file))
    if doc is None or doc.data is None:
        return None
    for path in _all_paths(doc.data):
        kl = doc.key_location(*path)
        if kl is not None and kl.line == loc.line and kl.col == loc.col:
            text = doc.get(*path)
            return (doc, path, text) if isinstance(text, str) else None
    return None


@fixer("D007", safe=True)
def fix_shell_syntax(f: Finding, fx: FixInput) -> list[Edit] | None:
    """``$NAME``/``${NAME}``/``%NAME%`` -> ``${env:NAME}``, ``~`` -> ``${userHome}``."""
    found = string_at(fx, f.location)
    if found is None:
        return None
    doc, path, text = found
    tokens = shell_tokens(text, leading_tilde_expanded=path[-1:] == ("cwd",))
    ide_env = fx.audit.ide.env if fx.audit.ide is not None else {}
    if not tokens or any(t.name is not None and t.name not in ide_env for t in tokens):
        return None
    for t in sorted(tokens, key=lambda t: t.start, reverse=True):
        text = text[: t.start] + t.replacement + text[t.start + len(t.text) :]
    return JsoncEditor(doc).set(path, text)


@fixer("V012", safe=True)
def fix_workspace_root(f: Finding, fx: FixInput) -> list[Edit] | None:
    """``${workspaceRoot}`` -> ``${workspaceFolder}``: VS Code resolves both the same in a
    single-folder workspace; in a multi-root one the fix is unsafe (workspaceRoot means
    the first folder there)."""
    found = string_at(fx, f.location)
    if found is None:
        return None
    doc, path, text = found
    edits = JsoncEditor(doc).set(path, text.replace("${workspaceRoot", "${workspaceFolder"))
    return Unsafe(edits) if len(fx.audit.vscode) > 1 else edits


def _member(fx: FixInput, loc: Location | None) -> tuple[JsoncDocument, tuple[PathItem, ...]] | None:
    if loc is None or loc.line is None:
        return None
    doc = fx.docs.jsonc(os.path.abspath(loc.file))
    if doc is None or doc.data is None:
        return None
    for path in _all_paths(doc.data):
        kl = doc.key_location(*path)
        if kl is not None and kl.line == loc.line and kl.col == loc.col and isinstance(path[-1], str):
            return doc, path
    return None


@fixer("V011", safe=True)
def fix_removed_setting(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Remove a setting vscode-go no longer reads (no change in behaviour).  Deprecated
    settings still work and are left to you."""
    found = _member(fx, f.location)
    if found is None or found[1][-1] not in REMOVED_SETTINGS:
        return None
    doc, path = found
    return JsoncEditor(doc).remove(path)


@fixer("D006", safe=True)
def fix_removed_attribute(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Remove ``remotePath``/``init``: ignored by dlv-dap; on an attach request the
    legacy adapter still reads remotePath, so there the fix is unsafe."""
    found = _member(fx, f.location)
    if found is None:
        return None
    doc, path = found
    edits = JsoncEditor(doc).remove(path)
    request = doc.get(*path[:-1], "request")
    return Unsafe(edits) if request == "attach" else edits


@fixer("D002", safe=False)
def fix_launch_port(f: Finding, fx: FixInput) -> list[Edit] | None:
    """Remove ``port`` (and ``host``) so vscode-go starts dlv itself.  Unsafe: someone may
    start ``dlv dap --listen`` on purpose."""
    found = _member(fx, f.location)
    if found is None:
        return None
    doc, path = found
    editor = JsoncEditor(doc)
    edits = editor.remove(path)
    host = (*path[:-1], "host")
    if doc.get(*host) is not None:
        edits += editor.remove(host)
    return edits

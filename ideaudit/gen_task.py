"""``ideaudit gen task``: a VS Code background task that runs ``ideaudit watch``.

The task runs ``ideaudit watch --output-format concise`` in the workspace folder; its
problem matcher reads the ``file:line:col: severity CODE message`` lines between the
watcher's begin/end marker lines (:data:`ideaudit.watch_output.BEGIN`/``END``), so each
audit replaces the entries of the Problems panel.  ``fileLocation`` ``autoDetect``
accepts both the paths the watcher prints relative to the folder and absolute ones
(shell start-up files, the go env file).

The entry is added with the comment-preserving JSONC editor of :mod:`ideaudit.fixes`
and written by :func:`ideaudit.fixes.apply.write_files` (atomic, original backed up,
refused when the file changed since it was read).
"""

from __future__ import annotations

import os
from typing import Any

from ideaudit.watch_output import BEGIN, END

__all__ = ["LABEL", "PATTERN", "GenTaskError", "add_watch_task", "problem_matcher", "watch_task"]

LABEL = "ideaudit watch"
#: The concise line: ``path:line:col: severity CODE message`` (see report/concise.py).
PATTERN = r"^(.+?):(\d+):(\d+): (error|warning|info) ([A-Z]\d{3}) (.*)$"


class GenTaskError(Exception):
    """tasks.json cannot be read or changed (message says where and why)."""


def problem_matcher() -> dict[str, Any]:
    return {
        "owner": "ideaudit",
        "source": "ideaudit",
        "fileLocation": ["autoDetect", "${workspaceFolder}"],
        "pattern": {
            "regexp": PATTERN,
            "file": 1,
            "line": 2,
            "column": 3,
            "severity": 4,
            "code": 5,
            "message": 6,
        },
        "background": {
            "activeBegin": True,
            "beginsPattern": "^" + BEGIN,
            "endsPattern": "^" + END,
        },
    }


def watch_task() -> dict[str, Any]:
    """The tasks.json entry (a background task, started when the folder opens)."""
    return {
        "label": LABEL,
        "detail": "Warns when the IDE's Go environment diverges from your shell's",
        "type": "process",
        "command": "ideaudit",
        "args": ["watch", "--output-format", "concise", "."],
        "options": {"cwd": "${workspaceFolder}"},
        "isBackground": True,
        "runOptions": {"runOn": "folderOpen"},
        "presentation": {"reveal": "never", "panel": "dedicated", "clear": False},
        "problemMatcher": problem_matcher(),
    }


def _new_text(path: str, old: str | None) -> str | None:
    """tasks.json with the task added, or None when a task with our label is there."""
    from ideaudit.fixes.apply import apply_edits
    from ideaudit.fixes.jsonc_edit import EditError, JsoncEditor, new_file_text
    from ideaudit.model import Problem
    from ideaudit.sources.jsonc import parse_jsonc

    if old is None:
        return new_file_text({"version": "2.0.0", "tasks": [watch_task()]})
    doc = parse_jsonc(old, path)
    if isinstance(doc, Problem):
        where = doc.location or path
        raise GenTaskError(f"{where}: {doc.message}; not changing it")
    if doc.data is None:
        return new_file_text({"version": "2.0.0", "tasks": [watch_task()]})
    if not isinstance(doc.data, dict):
        raise GenTaskError(f"{path}: not a JSON object; not changing it")
    tasks = doc.data.get("tasks")
    if isinstance(tasks, list) and any(isinstance(t, dict) and t.get("label") == LABEL for t in tasks):
        return None
    editor = JsoncEditor(doc)
    try:
        edits = editor.append(("tasks",), watch_task())
        if "version" not in doc.data:
            edits += editor.set(("version",), "2.0.0")
    except EditError as exc:
        raise GenTaskError(f"{path}: {exc}") from exc
    return apply_edits(old, sorted(edits, key=lambda e: e.offset))


def add_watch_task(folder: str, *, dry_run: bool = False, cache_dir: str | None = None) -> str:
    """Add the task to ``folder/.vscode/tasks.json``; returns what to tell the user."""
    from ideaudit.fixes.apply import FixConflict, unified_diff, write_files

    if not os.path.isdir(folder):
        raise GenTaskError(f"{folder}: not a folder")
    path = os.path.join(folder, ".vscode", "tasks.json")
    from ideaudit.sources.saferead import read_text

    try:
        old: str | None = read_text(path, "jsonc")
    except FileNotFoundError:
        old = None
    except (OSError, UnicodeDecodeError) as exc:
        raise GenTaskError(f"cannot read {path}: {exc}") from exc
    new = _new_text(path, old)
    if new is None:
        return f"{path} already has a task labelled {LABEL!r}; nothing to do\n"
    if dry_run:
        return unified_diff({path: (old, new)})
    try:
        write_files({path: (old, new)}, cache_dir)
    except FixConflict as exc:
        raise GenTaskError(str(exc)) from exc
    except OSError as exc:
        raise GenTaskError(f"cannot write {path}: {exc.strerror or exc}") from exc
    verb = "created" if old is None else "added a task to"
    return f"{verb} {path}: run it with 'Tasks: Run Task' > {LABEL!r} (it starts when the folder opens)\n"

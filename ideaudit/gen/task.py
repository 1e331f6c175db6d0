"""``ideaudit gen task``: a VS Code background task that runs ``ideaudit watch``.

The task runs ``ideaudit watch --output-format concise`` in the workspace folder; its
problem matcher reads the ``file:line:col: severity CODE message`` lines between the
watcher's begin/end marker lines (:data:`ideaudit.watch.output.BEGIN`/``END``), so each
audit replaces the entries of the Problems panel.  ``fileLocation`` ``autoDetect``
accepts both the paths the watcher prints relative to the folder and absolute ones
(shell start-up files, the go env file).

The task names the running ideaudit by absolute path (or its interpreter with
``-m ideaudit``): VS Code started from the desktop does not have a venv's or pipx's
``~/.local/bin`` on its PATH -- the very problem ideaudit diagnoses -- so a bare
``ideaudit`` would never start.  :func:`path_warning` says when the IDE's PATH lacks it.

The entry is added with the comment-preserving JSONC editor of :mod:`ideaudit.fixes`
and written by :func:`ideaudit.fixes.apply.write_files` (atomic, original backed up,
refused when the file changed since it was read).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from ideaudit.errors import UsageError
from ideaudit.watch.output import BEGIN, END

__all__ = ["LABEL", "PATTERN", "GenTaskError", "add_watch_task", "problem_matcher", "watch_task"]

LABEL = "ideaudit watch"
#: The concise line: ``path:line:col: severity CODE message`` (see report/concise.py).
PATTERN = r"^(.+?):(\d+):(\d+): (error|warning|info) ([A-Z]\d{3}) (.*)$"


class GenTaskError(UsageError):
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


def running_command(argv0: str | None = None) -> tuple[str, list[str]]:
    """(command, leading args) that start this very ideaudit from anywhere: the console
    script by absolute path, else (``python -m ideaudit``) the interpreter with ``-m``."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    script = os.path.abspath(argv0) if argv0 else ""
    if os.path.basename(script) in ("ideaudit", "ideaudit.exe") and os.access(script, os.X_OK):
        return script, []
    return os.path.abspath(sys.executable), ["-m", "ideaudit"]


def path_warning(command: str, ide_env: Mapping[str, str] | None) -> str | None:
    """A warning when the folder of ``command`` is not on the IDE's PATH (then only the
    absolute path in the task works, and a hand-written ``ideaudit`` would not)."""
    if ide_env is None:
        return None
    folder = os.path.dirname(command)
    entries = [os.path.realpath(p) for p in ide_env.get("PATH", "").split(os.pathsep) if p]
    if os.path.realpath(folder) in entries:
        return None
    return (
        f"warning: {folder} is not on the PATH VS Code gets from your login shell; the task "
        "uses the absolute path, but a bare `ideaudit` in the IDE would not be found\n"
    )


def ide_environment(home: str | None = None, shell: str | None = None) -> Mapping[str, str] | None:
    """The environment VS Code started from the desktop resolves (your login shell, as
    ``$SHELL -i -l``; cached like a scan's), or None when it cannot be captured."""
    from ideaudit.shell import capture as shell_capture
    from ideaudit.shell import profiles as shell_profiles

    home = home or os.path.expanduser("~")
    shell = shell or shell_profiles.default_shell()
    base = shell_profiles.session_base_env(home, shell)
    snap = shell_capture.capture_many(shell, home, ["vscode"], base_env=base).get("vscode")
    return snap.env if snap is not None and snap.ok else None


def watch_task(command: str = "ideaudit", prefix: list[str] | None = None) -> dict[str, Any]:
    """The tasks.json entry (a background task, started when the folder opens)."""
    return {
        "label": LABEL,
        "detail": "Warns when the IDE's Go environment diverges from your shell's",
        "type": "process",
        "command": command,
        "args": [*(prefix or []), "watch", "--output-format", "concise", "."],
        "options": {"cwd": "${workspaceFolder}"},
        "isBackground": True,
        "runOptions": {"runOn": "folderOpen"},
        "presentation": {"reveal": "never", "panel": "dedicated", "clear": False},
        "problemMatcher": problem_matcher(),
    }


def _new_text(path: str, old: str | None, task: dict[str, Any]) -> str | None:
    """tasks.json with the task added, or None when a task with our label is there."""
    from ideaudit.fixes.apply import apply_edits
    from ideaudit.fixes.jsonc_edit import EditError, JsoncEditor, new_file_text
    from ideaudit.model import Problem
    from ideaudit.sources.jsonc import parse_jsonc

    if old is None:
        return new_file_text({"version": "2.0.0", "tasks": [task]})
    doc = parse_jsonc(old, path)
    if isinstance(doc, Problem):
        where = doc.location or path
        raise GenTaskError(f"{where}: {doc.message}; not changing it")
    if doc.data is None:
        return new_file_text({"version": "2.0.0", "tasks": [task]})
    if not isinstance(doc.data, dict):
        raise GenTaskError(f"{path}: not a JSON object; not changing it")
    tasks = doc.data.get("tasks")
    if isinstance(tasks, list) and any(isinstance(t, dict) and t.get("label") == LABEL for t in tasks):
        return None
    editor = JsoncEditor(doc)
    try:
        edits = editor.append(("tasks",), task)
        if "version" not in doc.data:
            edits += editor.set(("version",), "2.0.0")
    except EditError as exc:
        raise GenTaskError(f"{path}: {exc}") from exc
    return apply_edits(old, sorted(edits, key=lambda e: e.offset))


def add_watch_task(
    folder: str,
    *,
    dry_run: bool = False,
    cache_dir: str | None = None,
    command: tuple[str, list[str]] | None = None,
) -> str:
    """Add the task to ``folder/.vscode/tasks.json`` (``dry_run``: return the diff and
    write nothing); returns what to tell the user."""
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
    cmd, prefix = command or running_command()
    new = _new_text(path, old, watch_task(cmd, prefix))
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

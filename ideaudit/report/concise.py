"""One line per finding, for editors and problem matchers.

Every line has the shape ``path:line:col: severity CODE [context label] message``:
the path is the finding's file relative to the workspace root (absolute outside it);
line and column are 1 when unknown.  A finding with no file (``go`` is installed
nowhere) is printed as ``severity CODE [context] message`` with no made-up place, so
a problem matcher does not point at a file that has nothing to do with it.  A VS Code
problem matcher can use::

    "regexp": "^(.+):(\\\\d+):(\\\\d+): (error|warning|info) ([A-Z]\\\\d{3}) (.*)$"

Lines are sorted by path, line, column, code and message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ideaudit.model import Finding, Report
from ideaudit.report import labelled_message, one_line, position

if TYPE_CHECKING:
    from ideaudit.rules.base import Rule


def _line(f: Finding) -> tuple[tuple[str, int, int, str, str], str]:
    message = one_line(labelled_message(f))
    if f.location is None:
        return ("", 0, 0, f.code, message), f"{f.severity.value} {f.code} {message}"
    path = f.location.file
    line, col = position(f.location)
    text = f"{path}:{line}:{col}: {f.severity.value} {f.code} {message}"
    return (path, line, col, f.code, message), text


def render(
    report: Report,
    *,
    color: bool = False,
    verbose: bool = False,
    rules: Mapping[str, Rule] | None = None,
) -> str:
    lines = sorted(_line(f) for f in report.findings)
    return "".join(text + "\n" for _, text in lines)

"""The one error type for a user's mistake, and how it is shown.

A config file that does not validate, a baseline that is not ideaudit's, a path that is
not a workspace, an option out of range, a rule code that matches nothing: each module
raises :class:`UsageError` (or a subclass that says which kind) where it notices, and
only the CLI's ``main`` turns it into exit status 2 and ``ideaudit: error: ...`` on
stderr, one line per problem (as pre-commit's ``error_handler`` does for fatal errors).
A leaf: it imports nothing from ideaudit, so every layer may raise it.
"""

from __future__ import annotations

from collections.abc import Sequence

EXIT_USAGE = 2


class UsageError(Exception):
    """A problem with what the user asked for or gave us: exit 2 with the message.

    ``problems`` holds one line per problem (a config file can have several, each
    ``file:line:col: message``); the message is them joined by newlines."""

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def format_usage_error(exc: UsageError, prog: str = "ideaudit") -> str:
    """``ideaudit: error: ...`` for each problem, every one on one line."""
    lines = [" ".join(p.split("\n")) for p in exc.problems if p] or [type(exc).__name__]
    return "".join(f"{prog}: error: {line}\n" for line in lines)

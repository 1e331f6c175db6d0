"""X: secrets committed in configuration files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ideaudit.model import Finding, Location, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.common import finding
from ideaudit.rules.registry import rule
from ideaudit.secrets import is_secret_name, looks_like_secret_value

SETTINGS_ENV_KEYS = (
    "go.toolsEnvVars",
    "go.testEnvVars",
    "terminal.integrated.env.linux",
    "terminal.integrated.env.osx",
    "terminal.integrated.env.windows",
)


def _literal_secret(name: str, raw: Any) -> bool:
    """A value written into the file (not a ``${env:...}`` reference) that is secret."""
    if not isinstance(raw, str) or not raw or raw.startswith("${"):
        return False
    return is_secret_name(name) or looks_like_secret_value(raw)


@rule(
    "X001",
    "committed-secret",
    "A secret-looking value is written in a workspace configuration file",
    Severity.ERROR,
    """
    Tokens, passwords and keys in ``.vscode/launch.json`` or ``.vscode/settings.json``
    end up in git history and in every clone.  The value is never shown by ideaudit.
    """,
    'Move the variable to an envFile that git ignores ("envFile": "${workspaceFolder}/.env"), '
    "rotate the secret.",
)
def committed_secret(audit: Audit) -> Iterator[Finding]:
    seen: set[Location] = set()

    def report(name: str, loc: Location | None, where: str) -> Iterator[Finding]:
        if loc is None or loc in seen:
            return
        seen.add(loc)
        yield finding(
            "X001",
            Severity.ERROR,
            f"{name} in {where} holds a secret-looking value (not shown)",
            None,
            fix=f"Move {name} to an envFile listed in .gitignore and reference it with "
            '"envFile": "${workspaceFolder}/.env"; rotate the secret if it was pushed.',
            location=loc,
            variable=name,
        )

    for fc in audit.vscode:
        for config in fc.folder.launch:
            env = config.effective.get("env")
            if isinstance(env, dict):
                for name, raw in env.items():
                    if _literal_secret(name, raw):
                        yield from report(
                            name, config.loc("env", name), f"launch configuration '{config.name}'"
                        )
        for key in SETTINGS_ENV_KEYS:
            for name, sv in fc.folder.settings.entries(key).items():
                if sv.scope != "user" and _literal_secret(name, sv.value):
                    yield from report(name, sv.location, key)

"""X: secrets committed in configuration files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ideaudit._fast.lazyre import lazy_re
from ideaudit.go.boundary import steered
from ideaudit.model import Finding, Location, Severity
from ideaudit.redact import is_secret_name, looks_like_secret_value
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import FILES, TOOLCHAIN, rule
from ideaudit.rules.common import config_location, finding, go_value, layers, value

SETTINGS_ENV_KEYS = (
    "go.toolsEnvVars",
    "go.testEnvVars",
    "terminal.integrated.env.linux",
    "terminal.integrated.env.osx",
    "terminal.integrated.env.windows",
)


# Values that cannot be a credential whatever the variable is called: a switch or a
# number (``..._PASSWORD_CONFIG_HAVEIBEENPWNED_ENABLED: "true"`` in a public launch.json),
# or a reference to another variable written in shell syntax (D007 reports that one).
_NOT_A_CREDENTIAL = lazy_re(r"(?i)(true|false|yes|no|on|off|none|null|-?\d+(\.\d+)?|\$\w+|\$\{\w+\}|%\w+%)")


def _literal_secret(name: str, raw: Any) -> bool:
    """A value written into the file (not a ``${env:...}`` reference) that is secret.

    A secret-looking *value* counts under any name; a secret-looking *name* counts only
    when its value could be a credential."""
    if not isinstance(raw, str) or not raw or raw.startswith("${"):
        return False
    if looks_like_secret_value(raw):
        return True
    return is_secret_name(name) and not _NOT_A_CREDENTIAL.fullmatch(raw.strip())


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
    needs=FILES,
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


@rule(
    "X002",
    "checksum-verification-disabled",
    "Module checksum verification is disabled",
    Severity.WARNING,
    """
    GOSUMDB=off, GONOSUMDB/GONOSUMCHECK covering everything, GOINSECURE or GOFLAGS=-insecure
    turn off the check that the module code you download is the code everyone else
    got: a compromised proxy or mirror can then serve anything.  Often copied from a
    troubleshooting answer and forgotten.
    """,
    "Remove it; for private modules set GOPRIVATE to their paths instead.",
    supersedes=("M005", "M009"),
    needs=FILES,
)
def checksum_verification_disabled(audit: Audit) -> Iterator[Finding]:
    contexts = audit.ide_contexts()
    if audit.shell is not None:
        contexts = [audit.shell, *contexts]
    for ctx in contexts:
        reasons: list[tuple[str, str]] = []
        sumdb = go_value(ctx, "GOSUMDB") or value(ctx, "GOSUMDB")
        if sumdb == "off":
            reasons.append(("GOSUMDB", "GOSUMDB=off"))
        goflags = go_value(ctx, "GOFLAGS") or value(ctx, "GOFLAGS") or ""
        if "-insecure" in goflags.split():
            reasons.append(("GOFLAGS", "GOFLAGS=-insecure"))
        insecure = go_value(ctx, "GOINSECURE") or value(ctx, "GOINSECURE")
        if insecure:
            reasons.append(("GOINSECURE", f"GOINSECURE={insecure}"))
        nosum = go_value(ctx, "GONOSUMDB") or value(ctx, "GONOSUMDB") or ""
        if nosum.strip() in ("*", "*/*"):
            reasons.append(("GONOSUMDB", f"GONOSUMDB={nosum}"))
        if (value(ctx, "GONOSUMCHECK") or "") not in ("", "0"):
            reasons.append(("GONOSUMCHECK", "GONOSUMCHECK=" + (value(ctx, "GONOSUMCHECK") or "")))
        for name, text in reasons:
            yield finding(
                "X002",
                Severity.WARNING,
                f"checksum verification is off in {ctx.label}: {text}",
                ctx,
                fix=f"Remove {name} where it is set; use GOPRIVATE for private modules.",
                location=config_location(ctx, name),
                variable=name,
                context_value=value(ctx, name) or go_value(ctx, name),
                provenance=layers(ctx, name),
            )


@rule(
    "X003",
    "workspace-toolchain-switch",
    "The configuration makes go run another toolchain, possibly one the workspace ships",
    Severity.WARNING,
    """
    Since Go 1.21 ``GOTOOLCHAIN=go1.X.Y`` (from the environment, the ``go env -w`` file
    or a ``go.mod`` ``toolchain`` line) makes every ``go`` command exec a ``go1.X.Y``
    binary found on PATH, or download ``golang.org/toolchain`` through GOPROXY and run
    it.  When a workspace configuration sets GOTOOLCHAIN, puts its own folder on PATH or
    points GOPROXY at a ``file://`` folder, opening it in the IDE runs code the
    workspace chose: an error when the toolchain comes from the workspace itself
    (worse with ``GOSUMDB=off``, which skips the checksum of the download), a warning
    otherwise.  ideaudit itself runs ``go`` without trust under ``GOTOOLCHAIN=local``
    and the inherited environment, so it never follows the switch.
    """,
    "Remove GOTOOLCHAIN (or set it to local) and the PATH/GOPROXY entries pointing into "
    "the workspace; pin the Go version with the go.mod go line instead.",
    supersedes=("M007",),
    needs=TOOLCHAIN,
)
def workspace_toolchain_switch(audit: Audit) -> Iterator[Finding]:
    if audit.go is None:
        return
    by_id = {c.id: c for c in audit.contexts}
    for switch in audit.go.switches:
        ctx = by_id.get(switch.context_id)
        if ctx is None:
            continue
        running = switch.running or "the go it finds"
        if switch.via == "PATH":
            what = f"exec {switch.target} instead of {running}"
        else:
            what = f"download {switch.toolchain} from {switch.target} and run it instead of {running}"
        where = " (a toolchain the workspace ships)" if switch.provided else ""
        unchecked = "; GOSUMDB=off: its checksum is not verified" if switch.checksum_off else ""
        cause = "GOTOOLCHAIN" if "GOTOOLCHAIN" in steered(ctx) else switch.via
        yield finding(
            "X003",
            Severity.ERROR if switch.provided else Severity.WARNING,
            f"{switch.reason} makes every go command in {ctx.label} {what}{where}{unchecked}",
            ctx,
            fix="Remove GOTOOLCHAIN (or set it to local) where it is set, and the PATH or GOPROXY "
            "entries that point into the workspace; pin the Go version with go.mod's go line.",
            location=switch.location or config_location(ctx, cause),
            variable="GOTOOLCHAIN",
            context_value=value(ctx, "GOTOOLCHAIN"),
            provenance=layers(ctx, cause),
        )

"""E: input the audit could not use.  The rest of the workspace is still audited."""

from __future__ import annotations

from collections.abc import Iterator

from ideaudit.model import Finding, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import FILES, SHELL, TOOLCHAIN, rule
from ideaudit.rules.common import finding


@rule(
    "E001",
    "unparsable-file",
    "A configuration file cannot be parsed",
    Severity.ERROR,
    """
    VS Code and GoLand silently ignore (or half-read) a settings or launch file with a
    syntax error, such as a committed merge conflict or an unrendered template, so the
    settings you think apply do not.  ideaudit reports the first error with its line
    and column and audits the rest of the workspace without that file.
    """,
    "Fix the syntax at the position shown (resolve the merge conflict, render the template).",
    needs=FILES,
)
def unparsable_file(audit: Audit) -> Iterator[Finding]:
    for p in audit.problems:
        if p.kind == "parse":
            yield finding(
                "E001",
                Severity.ERROR,
                p.message,
                None,
                location=p.location,
                fix="Fix the syntax at this position; until then the IDE ignores this file.",
            )


@rule(
    "E002",
    "unreadable-file",
    "A configuration file cannot be read",
    Severity.ERROR,
    """
    A file the IDE would read exists but cannot be read (permissions, not UTF-8, a
    folder where a file should be) or has a shape the IDE does not accept.  ideaudit
    also refuses, without reading, what is not a regular file (a FIFO, a device such as
    ``/dev/zero``, a socket; a symlink counts as what it points at) and a file over its
    size limit for that kind (settings/launch/tasks JSON 4 MiB, GoLand XML 32 MiB,
    envFile 1 MiB, go.mod 4 MiB): reading them could hang or exhaust memory.
    """,
    "Make the file a regular UTF-8 text file within the size limit, or remove it.",
    needs=FILES,
)
def unreadable_file(audit: Audit) -> Iterator[Finding]:
    for p in audit.problems:
        if p.kind == "unreadable":
            yield finding(
                "E002",
                Severity.ERROR,
                p.message,
                None,
                location=p.location,
                fix="Make the file a regular, readable UTF-8 text file of the expected shape "
                "(within ideaudit's size limit), or remove it.",
            )


@rule(
    "E003",
    "shell-capture-failed",
    "The login shell could not be captured",
    Severity.ERROR,
    """
    VS Code (and GoLand on macOS) start your login shell once to learn its environment.
    When that shell hangs past the timeout (10 s in VS Code,
    ``application.shellEnvironmentResolutionTimeout``) or fails, the IDE silently
    starts with its own, much smaller environment: no ``go``, no GOPATH/bin.
    ideaudit runs the same start-up and reports how long it took and how it ended.
    """,
    "Make the shell start-up fast and non-interactive: move slow commands (nvm, "
    "conda init, network calls) behind `[[ $- == *i* ]]` or into lazy functions.",
    needs=SHELL,
)
def shell_capture_failed(audit: Audit) -> Iterator[Finding]:
    for snap in audit.snapshots:
        if snap.ok:
            continue
        what = {
            "vscode": "the login shell as VS Code starts it",
            "jetbrains": "the login shell as GoLand starts it",
        }.get(snap.profile, "your terminal shell")
        cmd = " ".join(snap.argv[:-1]) if snap.argv else snap.shell
        how = snap.error or "failed"
        if not how.startswith("timed out after"):  # that one says its time already
            how += f" after {snap.duration:.1f} s"
        yield finding(
            "E003",
            Severity.ERROR,
            f"{what} ({cmd}) {how}"
            + (
                "; the IDE then starts with its own process environment" if snap.profile != "terminal" else ""
            ),
            None,
            fix="Find the slow or failing line with `"
            + f"{cmd} -x -c exit` and guard it so non-interactive start-ups skip it.",
        )
    for p in audit.problems:
        if p.kind == "capture":
            yield finding("E003", Severity.ERROR, p.message, None, location=p.location)


@rule(
    "E004",
    "go-env-failed",
    "`go env` fails in this context",
    Severity.ERROR,
    """
    ideaudit asked the context's own ``go`` for its environment and it failed: the same
    happens to every go command the IDE runs there (a broken GOROOT, a GOFLAGS go does
    not accept, a GOTOOLCHAIN it cannot satisfy).
    """,
    "Fix what go's message names; run `go env` with the same environment to check.",
    needs=TOOLCHAIN,
)
def go_env_failed(audit: Audit) -> Iterator[Finding]:
    if audit.go is None:
        return
    everyone = {c.id: c for c in audit.contexts}
    if audit.shell is not None:
        everyone[audit.shell.id] = audit.shell
    for ctx_id, error in sorted(audit.go.go_env_errors.items()):
        ctx = everyone.get(ctx_id)
        go = ctx.tools.get("go") if ctx else None
        yield finding(
            "E004",
            Severity.ERROR,
            f"{go.path if go else 'go'} fails here: {error}",
            ctx,
            fix="Fix what go reports; `go env` in the same environment shows the same error.",
            location=ctx.defined_at if ctx else None,
        )

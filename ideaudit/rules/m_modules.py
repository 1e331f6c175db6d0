"""M: module settings that differ between a context and your shell.

Each variable gets its own code so it can be selected or ignored on its own; the
check is the same comparison, so the rules are generated from one table.
"""

from __future__ import annotations

from collections.abc import Iterable

from ideaudit.model import Finding, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.common import compare_with_shell
from ideaudit.rules.registry import rule

# (code, variable, name, severity, what goes wrong)
MODULE_VARS = (
    (
        "M001",
        "GO111MODULE",
        "go111module-differs",
        Severity.WARNING,
        "with off (or auto inside GOPATH on old Go) go ignores go.mod and resolves imports from GOPATH",
    ),
    (
        "M002",
        "GOPROXY",
        "goproxy-differs",
        Severity.WARNING,
        "module downloads go to another proxy (or none), so they fail or fetch other bytes",
    ),
    (
        "M003",
        "GOPRIVATE",
        "goprivate-differs",
        Severity.WARNING,
        "private modules go through the public proxy and checksum database and fail with 404/410",
    ),
    (
        "M004",
        "GONOSUMDB",
        "gonosumdb-differs",
        Severity.WARNING,
        "private modules are checked against sum.golang.org and fail verification",
    ),
    (
        "M005",
        "GOSUMDB",
        "gosumdb-differs",
        Severity.WARNING,
        "checksums are verified against another database (or not at all)",
    ),
    (
        "M006",
        "GOFLAGS",
        "goflags-differs",
        Severity.WARNING,
        "every go command gets other flags (-mod=vendor, -tags, -race), so builds and tests differ",
    ),
    (
        "M007",
        "GOTOOLCHAIN",
        "gotoolchain-differs",
        Severity.WARNING,
        "go may switch to (or refuse) another toolchain version than in your shell",
    ),
    (
        "M008",
        "GONOPROXY",
        "gonoproxy-differs",
        Severity.WARNING,
        "some modules bypass the proxy here but not in your shell",
    ),
    (
        "M009",
        "GOINSECURE",
        "goinsecure-differs",
        Severity.WARNING,
        "modules are fetched without TLS verification here but not in your shell",
    ),
)


def _make(code: str, var: str, severity: Severity, consequence: str):  # type: ignore[no-untyped-def]
    def check(audit: Audit) -> Iterable[Finding]:
        return compare_with_shell(audit, code, severity, var, consequence)

    check.__name__ = f"check_{var.lower()}"
    return check


for _code, _var, _name, _severity, _why in MODULE_VARS:
    rule(
        _code,
        _name,
        f"{_var} differs from your shell",
        _severity,
        f"""
        {_var} is set differently in this context than in your terminal: {_why}.
        The value comes from the IDE's environment or from a configuration layer; the
        finding shows which file and line.
        """,
        f"Set {_var} the same way for the IDE and the shell (go env -w {_var}=... "
        "applies to both unless an environment variable overrides it).",
    )(_make(_code, _var, _severity, _why))

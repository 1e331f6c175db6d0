"""The one place rules are declared: code, title, explanation, severity, fix.

Every rule is a plain function ``(audit) -> Iterable[Finding]`` decorated with
:func:`rule`.  ``ideaudit rule CODE``, the docs and the SARIF/JSON rule descriptors all
read :data:`RULES`, so a rule's words live next to its code (as in yamllint and ruff).
Rules never do I/O: everything they need is in :class:`ideaudit.rules.audit.Audit`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ideaudit.model import Finding, Severity
from ideaudit.record import record

if TYPE_CHECKING:
    from ideaudit.rules.audit import Audit

CheckFn = Callable[["Audit"], Iterable[Finding]]


@record(frozen=True)
class Rule:
    code: str
    name: str
    title: str
    severity: Severity
    explanation: str
    fix: str
    check: CheckFn
    # Codes this rule makes redundant for the same context and variable: "GOPATH mode"
    # (M011) says all that "GO111MODULE differs" (M001) would, and more.
    supersedes: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        return self.code[0]


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    title: str,
    severity: Severity,
    explanation: str,
    fix: str,
    supersedes: tuple[str, ...] = (),
) -> Callable[[CheckFn], CheckFn]:
    """Register ``fn`` as rule ``code``.  Codes are a family letter and three digits."""

    def register(fn: CheckFn) -> CheckFn:
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = Rule(code, name, title, severity, _dedent(explanation), fix, fn, supersedes)
        return fn

    return register


def _dedent(text: str) -> str:
    """``textwrap.dedent(text).strip()`` for the plain indented explanations rules use,
    without importing textwrap (~2 ms of every scan's start-up)."""
    lines = text.expandtabs().split("\n")
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] if line.strip() else "" for line in lines).strip()


def load_all() -> dict[str, Rule]:
    """Import every rule family module so their decorators run; returns the registry."""
    from ideaudit.rules import (  # noqa: F401
        c_cgo,
        e_input,
        g_gopath,
        j_goland,
        l_devcontainer,
        l_local,
        l_pins,
        m_modules,
        p_path,
        r_goroot,
        s_shell,
        v_vscode,
        w_watch,
        x_secrets,
    )

    return RULES


def drop_superseded(findings: list[Finding]) -> list[Finding]:
    """Leave out findings that a more specific finding about the same context and
    variable already explains (see :attr:`Rule.supersedes`)."""
    covered = {
        (old, f.context_id, f.variable)
        for f in findings
        if f.code in RULES
        for old in RULES[f.code].supersedes
    }
    return [f for f in findings if (f.code, f.context_id, f.variable) not in covered]


def matches(code: str, selectors: Iterable[str]) -> bool:
    """ruff-style selection: ``P`` or ``P0`` or ``P001`` or ``ALL`` all select ``P001``."""
    return any(s == "ALL" or code.startswith(s.upper()) for s in selectors)


def selected(rules: Iterable[Rule], select: Iterable[str] | None, ignore: Iterable[str] | None) -> list[Rule]:
    sel = list(select) if select else ["ALL"]
    ign = list(ignore) if ignore else []
    return [r for r in rules if matches(r.code, sel) and not matches(r.code, ign)]

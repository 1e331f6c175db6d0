"""The one place rules are declared: code, title, explanation, severity, fix.

Every rule is a plain function ``(audit) -> Iterable[Finding]`` decorated with
:func:`rule`.  ``ideaudit rule CODE``, the docs and the SARIF/JSON rule descriptors all
read :data:`RULES`, so a rule's words live next to its code (as in yamllint and ruff).
Rules never do I/O: everything they need is in :class:`ideaudit.rules.audit.Audit`.

This module is a leaf of the rules package: family modules import :func:`rule` and the
kind constants from here, and nothing here imports a family (that would be the import
circle the old ``registry`` module had).  :mod:`ideaudit.rules.catalog` is the one place
that lists and imports the families; the engine calls its ``load_all()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ideaudit._fast.record import record
from ideaudit.model import Finding, Severity

if TYPE_CHECKING:
    from ideaudit.rules.audit import Audit

CheckFn = Callable[["Audit"], Iterable[Finding]]

# Context kinds (model.Context.kind) and which of them a rule is about.  A context that
# builds nothing (an attach, a launch of a prebuilt binary or a core dump) is not hurt
# by GOFLAGS, CGO_ENABLED, GO111MODULE or an old Go: findings there would be noise.
KINDS = ("shell", "terminal", "tools", "tests", "debug", "exec", "attach")
BUILDS = ("shell", "terminal", "tools", "tests", "debug")  # where a go command builds or tests
DEBUGGERS = ("debug", "exec", "attach")  # where dlv runs
TESTS = ("tests",)

# What a rule needs to decide, beyond the committed files.  ``--static`` (CI, pre-commit)
# runs only the rules that need nothing but files: no shell is captured, no IDE process
# read, no ``go`` run, so a runner without Go or dotfiles gets no finding about itself.
NEEDS = ("files", "shell", "toolchain", "ide")
FILES: tuple[str, ...] = ("files",)
SHELL: tuple[str, ...] = ("files", "shell")  # your login shell or your dotfiles
TOOLCHAIN: tuple[str, ...] = ("files", "toolchain")  # a Go/dlv/gopls/cc on this machine
IDE: tuple[str, ...] = ("files", "ide")  # the environment of a running (or modelled) IDE
NEEDS_TEXT = {"files": "files", "shell": "your shell", "toolchain": "a toolchain", "ide": "a running IDE"}


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
    # The context kinds this rule is about; the engine drops its findings elsewhere, so
    # the rule's code need not know (findings about no context are always kept).
    kinds: tuple[str, ...] = KINDS
    # A note is not a finding: something ideaudit could not check (an ${input:} filled
    # in only when a session starts), shown under -v, never counted, never failing.
    note: bool = False
    # What the rule needs (see NEEDS); only rules needing just "files" run in --static.
    needs: tuple[str, ...] = FILES

    @property
    def static(self) -> bool:
        return set(self.needs) <= {"files"}

    def applies_to(self, kind: str | None) -> bool:
        return kind is None or kind in self.kinds

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
    kinds: tuple[str, ...] = KINDS,
    note: bool = False,
    *,
    needs: tuple[str, ...],
) -> Callable[[CheckFn], CheckFn]:
    """Register ``fn`` as rule ``code``.  Codes are a family letter and three digits;
    ``kinds`` are the context kinds the rule is about (default: all); ``needs`` what
    it reads beyond the committed files (required: every rule says)."""

    def register(fn: CheckFn) -> CheckFn:
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"rule {code}: unknown context kinds {sorted(unknown)}")
        if not needs or set(needs) - set(NEEDS):
            raise ValueError(f"rule {code}: needs must be some of {NEEDS}")
        explained = _dedent(explanation)
        RULES[code] = Rule(
            code, name, title, severity, explained, fix, fn, supersedes, tuple(kinds), note, tuple(needs)
        )
        return fn

    return register


def _dedent(text: str) -> str:
    """``textwrap.dedent(text).strip()`` for the plain indented explanations rules use,
    without importing textwrap (~2 ms of every scan's start-up)."""
    lines = text.expandtabs().split("\n")
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] if line.strip() else "" for line in lines).strip()


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


def where_it_applies(findings: Iterable[Finding], kinds: dict[str, str]) -> list[Finding]:
    """Only the findings about a context kind their rule is about (``kinds`` maps a
    context id to its kind)."""
    out = []
    for f in findings:
        r = RULES.get(f.code)
        if r is None or f.context_id is None or r.applies_to(kinds.get(f.context_id)):
            out.append(f)
    return out


def kinds_text(r: Rule) -> str:
    """The kinds a rule is about, as ``ideaudit rule`` and docs/rules.md print them."""
    return "all contexts" if set(r.kinds) == set(KINDS) else ", ".join(r.kinds)


def split_notes(findings: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(findings, notes): what notes rules said is not a finding (see :attr:`Rule.note`)."""
    found: list[Finding] = []
    notes: list[Finding] = []
    for f in findings:
        r = RULES.get(f.code)
        (notes if r is not None and r.note else found).append(f)
    return found, notes


def needs_text(r: Rule) -> str:
    """What a rule needs, as ``ideaudit rule`` and docs/rules.md print it."""
    return ", ".join(NEEDS_TEXT[n] for n in NEEDS if n in r.needs)


def family(rules: Iterable[Rule], prefix: str) -> list[Rule]:
    """The rules whose code starts with ``prefix`` (``P``, ``P00``), in code order."""
    return sorted((r for r in rules if r.code.startswith(prefix.upper())), key=lambda r: r.code)

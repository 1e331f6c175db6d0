"""Human output, grouped per context like ``flutter doctor`` / ``brew doctor``.

::

    ideaudit 0.1.0: /home/ana/api
    Reference shell: bash -l -i
    IDE environment: running code (pid 4242)

    ✗ VS Code debug 'Launch API'
      ✗ P001 go is not on the debugger's PATH
          where: .vscode/launch.json:12:9
          in this context: /usr/bin:/bin
          in your shell: /usr/local/go/bin:/usr/bin:/bin
          set by: launch.json env (.vscode/launch.json:12:9)
          fix: Add "${env:PATH}" to the PATH in launch.json.
    ✓ VS Code tools (gopls, dlv)

    1 error, 0 warnings in 1 of 2 contexts

``verbose`` adds the whole provenance chain with each layer's value, each context's tool
lookups (contexts without findings included), and the explanation of every rule code
that appears (from ``rules``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ideaudit.findings.causes import context_list
from ideaudit.model import ContextReport, Finding, Layer, Location, Report, Severity, ToolLookup
from ideaudit.report import SEVERITY_ORDER, plural, relpath, tally

if TYPE_CHECKING:
    from ideaudit.rules.base import Rule

OK, WARN, ERR, INFO = "✓", "!", "✗", "•"
_MARK = {Severity.ERROR: ERR, Severity.WARNING: WARN, Severity.INFO: INFO}

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_RED = "\x1b[31m"
_GREEN = "\x1b[32m"
_YELLOW = "\x1b[33m"
_CYAN = "\x1b[36m"
_COLOR = {ERR: _RED, WARN: _YELLOW, OK: _GREEN, INFO: _CYAN}

WORKSPACE_GROUP = "Workspace"
_INDENT_FINDING = "  "
_INDENT_DETAIL = "      "


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, *codes: str) -> str:
        if not self.color or not codes:
            return text
        return "".join(codes) + text + _RESET

    def mark(self, mark: str) -> str:
        return self(mark, _BOLD, _COLOR[mark])


def _status(findings: list[Finding]) -> str:
    if not findings:
        return OK
    if any(f.severity is Severity.ERROR for f in findings):
        return ERR
    if any(f.severity is Severity.WARNING for f in findings):
        return WARN
    return INFO


def _loc(loc: Location, workspace: str) -> str:
    return str(Location(relpath(loc.file, workspace), loc.line, loc.col))


def _layer(layer: Layer, workspace: str) -> str:
    if layer.location is None:
        return layer.source
    return f"{layer.source} ({_loc(layer.location, workspace)})"


def _value(value: str | None) -> str:
    return "(not set)" if value is None else (value if value else '""')


def _assignment(name: str, value: str | None) -> str:
    return f"{name} is not set" if value is None else f"{name}={value if value else chr(34) * 2}"


def _tool(tool: ToolLookup, workspace: str) -> str:
    if tool.path is None:
        text = f"{tool.tool}: not found"
        if tool.searched:
            text += f" (searched: {', '.join(tool.searched)})"
        return text
    text = f"{tool.tool}: {tool.path} (via {tool.via})"
    if tool.location is not None:
        text += f", set at {_loc(tool.location, workspace)}"
    return text


def _finding_lines(f: Finding, report: Report, verbose: bool, st: _Style) -> list[str]:
    ws = report.workspace
    mark = _MARK[f.severity]
    head = f"{_INDENT_FINDING}{st.mark(mark)} {st(f.code, _BOLD)} {f.message}"
    details: list[str] = []
    if f.location is not None:
        details.append(f"where: {_loc(f.location, ws)}")
    if f.context_value is not None or f.shell_value is not None:
        if f.variable is not None:  # named: the values of GOPATH beside a dlv finding are not obvious
            details.append(f"in this context: {_assignment(f.variable, f.context_value)}")
            details.append(f"in your shell: {_assignment(f.variable, f.shell_value)}")
        else:
            if f.context_value is not None:
                details.append(f"in this context: {f.context_value}")
            if f.shell_value is not None:
                details.append(f"in your shell: {f.shell_value}")
    if f.provenance:
        if verbose:
            details.append("set by: " + " -> ".join(_layer(x, ws) for x in f.provenance))
            for i, x in enumerate(f.provenance, 1):
                value = "(removed)" if x.value is None else _value(x.value)
                raw = f"  [from {x.raw}]" if x.raw is not None and x.raw != x.value else ""
                details.append(f"  {i}. {x.source}: {value}{raw}")
        else:
            decisive = f.provenance[-1]
            earlier = len(f.provenance) - 1
            more = f"  (over {plural(earlier, 'earlier layer')})" if earlier else ""
            details.append(f"set by: {_layer(decisive, ws)}{more}")
    if f.fix:
        details.append(f"fix: {f.fix}")
    lines = [head]
    for detail in details:
        first, *rest = detail.splitlines() or [""]
        lines.append(st(f"{_INDENT_DETAIL}{first}", _DIM))
        lines.extend(st(f"{_INDENT_DETAIL}  {r}", _DIM) for r in rest)
    return lines


def _group(
    label: str,
    findings: list[Finding],
    report: Report,
    ctx: ContextReport | None,
    verbose: bool,
    st: _Style,
    shared: list[Finding] | None = None,
) -> list[str]:
    """A context (or the workspace) and its findings.  ``shared`` are causes printed
    once above, in their own group: they set this context's mark, and a context with
    no finding of its own says where to look instead of a misleading ✓."""
    status = _status([*findings, *(shared or [])])
    head = f"{st.mark(status)} {st(label, _BOLD)}"
    if shared and not findings:
        codes = ", ".join(dict.fromkeys(f.code for f in shared))
        head += st(f"  (see {codes} above)", _DIM)
    lines = [head]
    if verbose and ctx is not None:
        lines.append(st(f"{_INDENT_FINDING}  id: {ctx.id}", _DIM))
        if ctx.defined_at is not None:
            where = _loc(ctx.defined_at, report.workspace)
            lines.append(st(f"{_INDENT_FINDING}  defined at: {where}", _DIM))
        for tool in ctx.tools:
            lines.append(st(f"{_INDENT_FINDING}  {_tool(tool, report.workspace)}", _DIM))
    ordered = sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], *f.sort_key()))
    for f in ordered:
        lines.extend(_finding_lines(f, report, verbose, st))
    return lines


def _summary(
    report: Report,
    by_ctx: Mapping[str, list[Finding]],
    shared: Mapping[str, list[Finding]],
    workspace_n: int,
) -> str:
    total = len(report.contexts)
    contexts = plural(total, "context")
    if not report.findings:
        return f"No problems found in {contexts}."
    counts = tally(report.findings)
    affected = sum(1 for c in report.contexts if by_ctx.get(c.id) or shared.get(c.id))
    where = f"in {affected} of {contexts}"
    if workspace_n:
        where += " and the workspace"
    return f"{counts} {where}"


def render(
    report: Report,
    *,
    color: bool = False,
    verbose: bool = False,
    rules: Mapping[str, Rule] | None = None,
) -> str:
    st = _Style(color)
    lines = [st(f"ideaudit {report.version}: {report.workspace}", _BOLD)]
    if report.static:
        skipped = report.skipped_rules
        lines.append(
            f"Static mode: only the committed files; {len(skipped)} rules that need your shell, "
            "a toolchain or a running IDE were skipped"
            + (f": {', '.join(skipped)}" if verbose else " (-v lists them)")
        )
    else:
        lines.append(f"Reference shell: {report.shell or '(none captured)'}")
        lines.append(f"IDE environment: {report.ide_environment}")
    lines.append("")

    known = {c.id for c in report.contexts}
    by_ctx: dict[str, list[Finding]] = {}
    workspace: list[Finding] = []
    orphans: dict[str, list[Finding]] = {}  # findings about a context the report lacks
    # Causes seen in several contexts, printed once under the list of those contexts.
    several: dict[tuple[str, ...], list[Finding]] = {}
    shared: dict[str, list[Finding]] = {}
    for f in report.findings:
        if f.contexts:
            several.setdefault(tuple(c.id for c in f.contexts), []).append(f)
            for ref in f.contexts:
                shared.setdefault(ref.id, []).append(f)
        elif f.context_id is None:
            workspace.append(f)
        elif f.context_id in known:
            by_ctx.setdefault(f.context_id, []).append(f)
        else:
            orphans.setdefault(f.context_id, []).append(f)

    if workspace:
        lines += _group(WORKSPACE_GROUP, workspace, report, None, verbose, st)
    for found in several.values():
        refs = found[0].contexts
        label = f"{plural(len(refs), 'context')}: {context_list(refs)}"
        lines += _group(label, found, report, None, verbose, st)
    for ctx in report.contexts:
        own = by_ctx.get(ctx.id, [])
        lines += _group(ctx.label, own, report, ctx, verbose, st, shared.get(ctx.id))
    for cid, found in orphans.items():
        label = found[0].context_label or cid
        lines += _group(label, found, report, None, verbose, st, shared.get(cid))

    if verbose and rules:
        used = sorted({f.code for f in report.findings if f.code in rules})
        if used:
            lines += ["", st("Rules", _BOLD)]
            for code in used:
                r = rules[code]
                lines.append(f"  {st(code, _BOLD)} {r.name}: {r.title}")
                lines += [st(f"      {x}", _DIM) if x else "" for x in r.explanation.splitlines()]
                if r.fix:
                    lines.append(st(f"      fix: {r.fix}", _DIM))

    if verbose and report.notes:
        lines += ["", st("Notes (not checked, not counted)", _BOLD)]
        for n in report.notes:
            where = f" ({_loc(n.location, report.workspace)})" if n.location is not None else ""
            about = n.context_label or n.context_id
            lines.append(st(f"  {n.code} {f'[{about}] ' if about else ''}{n.message}{where}", _DIM))

    overall = _status(list(report.findings))
    lines += ["", st(_summary(report, by_ctx, shared, len(workspace)), _BOLD, _COLOR[overall])]
    return _tilde("\n".join(lines) + "\n", report.home)


def _tilde(text: str, home: str | None) -> str:
    """Show paths under $HOME as ``~/...``, as shells do: long absolute homes drown the
    part of a path that matters.  Only for the human format; machine formats keep
    absolute paths."""
    if not home or home == "/":
        return text
    home = home.rstrip("/")
    pattern = re.compile(re.escape(home) + r"(?=/|\b)")
    # A fix is text to paste into a file, where ~ is not always expanded: keep it exact.
    return "\n".join(
        line if line.lstrip().startswith("fix:") else pattern.sub("~", line) for line in text.split("\n")
    )

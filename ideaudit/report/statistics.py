"""``--statistics``: how many findings each rule has, as ``ruff --statistics`` prints.

One line per rule, most frequent first: count, code, fixable mark, title.  A grouped
finding (one cause in several contexts) counts once, as the summary does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ideaudit.model import Report

if TYPE_CHECKING:
    from ideaudit.rules.base import Rule


def render(
    report: Report,
    *,
    color: bool = False,
    verbose: bool = False,
    rules: Mapping[str, Rule] | None = None,
) -> str:
    counts = Counter(f.code for f in report.findings)
    fixable = {f.code for f in report.findings if f.edits}
    width = len(str(max(counts.values(), default=0)))
    lines = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        title = rules[code].title if rules and code in rules else ""
        mark = "[*]" if code in fixable else "   "
        lines.append(f"{n:>{width}}\t{code}\t{mark} {title}".rstrip())
    return "".join(line + "\n" for line in lines)

"""One cause, one finding: merge what a rule says about several contexts for one reason.

When a GUI-launched IDE lacks the line of ``~/.bashrc`` that puts Go on PATH, every
context it starts (tools, tests, each debug configuration) lacks ``go`` for that one
reason.  Printing that once per context buries the report in copies ("P001 x8"), and a
reader who sees eight copies of one complaint stops reading.  :func:`group_causes`
merges findings that differ only in their context into one finding that lists every
context it affects; reporters then print each cause once, and the summary counts
causes.

"The same reason" is: the same rule, severity and variable, the same location (the
file line, or the dotfile line your shell got the value from), the same deciding layer
(the file line or IDE environment that decided the value) and the same values.  A
configuration that sets the variable itself points at its own line, so such findings
stay apart.  Details that differ per context (the directories a lookup searched, a fix
that can also be written into one configuration) are those of the first context.

This is a pure function of the findings (the pipeline calls it once, while building the
report), so every output format shows the same causes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from ideaudit._fast.record import replace
from ideaudit.model import ContextRef, Edit, Finding, Layer

_HOLE = "\x00"  # stands for the context's label while comparing messages

# "VS Code tools (gopls, dlv, go)" -> "VS Code tools": the explanation in parentheses
# helps beside one context, but inside a list of contexts its commas read as more items.
_TRAILING_NOTE = re.compile(r" \([^()']*\)$")


# Verbs a rule puts after a context's label, and their form after "N contexts (...)".
_PLURAL_VERB = {
    "runs": "run",
    "builds": "build",
    "finds": "find",
    "gets": "get",
    "has": "have",
    "is": "are",
    "uses": "use",
    "sees": "see",
    "does": "do",
}
_VERB_AFTER_HOLE = re.compile(_HOLE + r" (" + "|".join(_PLURAL_VERB) + r")\b")


def group_causes(findings: Sequence[Finding], order: Mapping[str, int] | None = None) -> list[Finding]:
    """``findings`` with each cause seen in several contexts merged into one finding.

    ``order`` ranks context ids (the report's order of contexts) so the merged finding
    lists its contexts as the report does; unknown ids come last, by id.  Findings about
    the workspace (no context), and causes seen in only one context, come back as they
    were.  The result keeps the order of each cause's first finding.
    """
    groups: dict[object, list[Finding]] = {}
    for index, f in enumerate(findings):
        key: object = ("single", index) if f.context_id is None or f.contexts else _key(f)
        groups.setdefault(key, []).append(f)
    out: list[Finding] = []
    rank = order or {}
    last = len(rank)
    for members in groups.values():
        contexts = _contexts(members, rank)
        if len(contexts) < 2:
            out.extend(members)
            continue
        # The first context in the report's order speaks for the cause: the IDE's tools
        # come before the configurations that inherit from them, so its fix is the one
        # at the source.  The edits of every member are kept (--fix applies them all).
        members.sort(key=lambda f: (rank.get(f.context_id or "", last), f.context_id or ""))
        out.append(_merged(members, contexts))
    return out


def _strip_label(text: str | None, label: str | None) -> str | None:
    if text is None or not label:
        return text
    return text.replace(label, _HOLE)


def _layer_key(layer: Layer | None) -> object:
    if layer is None:
        return None
    return (layer.source, layer.value, layer.location)


def _key(f: Finding) -> object:
    decisive = f.provenance[-1] if f.provenance else None
    return (
        f.code,
        f.severity,
        f.variable,
        f.location,
        f.context_value,
        f.shell_value,
        _layer_key(decisive),
        # Without a deciding layer or a variable, the words are all there is to compare.
        _strip_label(f.message, f.context_label) if decisive is None and f.variable is None else None,
    )


def _contexts(members: Iterable[Finding], order: Mapping[str, int]) -> list[ContextRef]:
    seen: dict[str, ContextRef] = {}
    for f in members:
        if f.context_id is not None and f.context_id not in seen:
            seen[f.context_id] = ContextRef(f.context_id, f.context_label or f.context_id)
    last = len(order)
    return sorted(seen.values(), key=lambda c: (order.get(c.id, last), c.id))


def context_list(contexts: Sequence[ContextRef]) -> str:
    """``VS Code tools, tests, debug 'A', 'B'``: each label without the words it shares
    with the one before it, so a list of eight contexts stays one readable line."""
    parts: list[str] = []
    previous = ""
    for ref in contexts:
        label = _TRAILING_NOTE.sub("", ref.label)
        parts.append(label[_shared_words(previous, label) :] if previous else label)
        previous = label
    return ", ".join(parts)


def _shared_words(a: str, b: str) -> int:
    """Length of the longest common prefix of ``a`` and ``b`` that ends after a space
    (or at the quote that opens a name), never all of ``b``."""
    n = 0
    limit = min(len(a), len(b))
    while n < limit and a[n] == b[n]:
        n += 1
    cut = 0
    for i in range(n):
        if b[i] == "'":  # a name is never split: 'Debug Server' after 'Debug Active'
            cut = i if i > 0 and b[i - 1] == " " else cut
            break
        if b[i] == " ":
            cut = i + 1
    return cut if cut < len(b) else 0


def phrase(contexts: Sequence[ContextRef]) -> str:
    """``3 contexts (VS Code tools, tests, debug 'A')``."""
    return f"{len(contexts)} contexts ({context_list(contexts)})"


def _merged(members: list[Finding], contexts: list[ContextRef]) -> Finding:
    first = members[0]
    label = first.context_label
    words = phrase(contexts)
    message = _strip_label(first.message, label) or ""
    if message.startswith(_HOLE):  # "X builds ..." -> "In 3 contexts (...): each context builds ..."
        message = f"In {words}: " + message.replace(_HOLE, "each context", 1).replace(_HOLE, "it")
    elif _HOLE in message:
        # "<label> runs go1.22" -> "4 contexts (...) run go1.22"
        message = _VERB_AFTER_HOLE.sub(lambda m: f"{_HOLE} {_PLURAL_VERB[m[1]]}", message)
        message = message.replace(_HOLE, words)
    else:
        message = f"In {words}: {message}"
    fix = _strip_label(first.fix, label)
    if fix is not None:
        fix = fix.replace(_HOLE, "each of these contexts")
    edits: dict[Edit, None] = {}
    for f in members:
        edits.update(dict.fromkeys(f.edits))
    return replace(
        first,
        message=message,
        fix=fix,
        context_id=None,
        context_label=None,
        edits=tuple(edits),
        contexts=tuple(contexts),
    )

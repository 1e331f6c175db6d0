"""Attach fixes to findings: the one place that imports the fixer modules.

:func:`attach_fixes` runs after the rules (one call in :mod:`ideaudit.pipeline`): every
fixer registered for a finding's code computes its edits against the documents as the
scan read them, and the returned :class:`~ideaudit.fixes.base.FixSet` remembers each
edited file's original text so :mod:`ideaudit.fixes.apply` can refuse a file that
changed since.  Fixer modules import :mod:`ideaudit.fixes.base` only, never this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ideaudit._fast.record import replace
from ideaudit.fixes.base import FIXERS, SAFE, UNSAFE, DocCache, Fix, Fixer, FixInput, FixSet, Unsafe
from ideaudit.model import Edit, Finding

if TYPE_CHECKING:
    from ideaudit.rules.audit import Audit
    from ideaudit.sources.jsonc import JsoncDocument


def _documents(audit: Audit) -> list[JsoncDocument]:
    docs: list[JsoncDocument] = []
    for fc in audit.vscode:
        for sf in fc.folder.settings.files:
            docs.append(sf.doc)
        for config in fc.folder.launch:
            docs.append(config.doc)
    return docs


def load_fixers() -> dict[str, list[Fixer]]:
    """Import the fixer modules so their decorators run."""
    from ideaudit.fixes import debug, goland, vscode  # noqa: F401  (the fixer modules)

    return FIXERS


def attach_fixes(findings: Sequence[Finding], audit: Audit) -> tuple[list[Finding], FixSet]:
    """Run every fixer on every finding; returns the findings with edits and the fix set.

    A fixer that raises (a document shape it did not expect) gives no fix: a fix is a
    convenience and must never break the report.
    """
    from ideaudit.fixes.jsonc_edit import EditError

    fixers = load_fixers()
    cache = DocCache(_documents(audit))
    fx = FixInput(audit, cache)
    fixset = FixSet()
    out: list[Finding] = []
    for index, f in enumerate(findings):
        all_edits: list[Edit] = []
        for fxr in fixers.get(f.code, ()):
            try:
                edits = fxr.fn(f, fx)
            except (EditError, OSError, UnicodeDecodeError, KeyError, ValueError):
                edits = None
            if not edits:
                continue
            applicability = (
                UNSAFE if isinstance(edits, Unsafe) and fxr.applicability == SAFE else fxr.applicability
            )
            fixset.fixes.append(Fix(index, f.code, applicability, tuple(edits)))
            for e in edits:
                fixset.originals.setdefault(e.file, cache.original(e.file))
            all_edits.extend(_masked(e) for e in edits)
        out.append(replace(f, edits=tuple(all_edits)) if all_edits else f)
    return out, fixset


def _masked(edit: Edit) -> Edit:
    """The edit as reports show it: ``NAME=value`` lines of secret variables (a secret
    moved to an envFile) masked.  Reports scrub known secret values and token shapes
    too; this catches values that look harmless under a secret name.  The fix set keeps
    the real text, which only the writer sees."""
    import re

    from ideaudit.redact import MASK, is_secret_name

    def mask(m: re.Match[str]) -> str:
        return m.group(1) + MASK if is_secret_name(m.group(2)) else m.group(0)

    text = re.sub(r"(?m)^((?:export\s+)?([\w.\-]+)=).*$", mask, edit.text)
    return edit if text == edit.text else replace(edit, text=text)

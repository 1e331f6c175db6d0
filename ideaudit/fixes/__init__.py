"""Fixes: text edits attached to findings, registered per rule code, as ruff does.

Rules stay pure and know nothing about fixes.  A *fixer* is registered for a rule code
with :func:`fixer` and computes, for one finding, the text edits that remove it
(:class:`~ideaudit.model.Edit`: file, character offset, length, new text) against the
files exactly as the scan read them.  :func:`attach_fixes` runs after the rules (one call
in :mod:`ideaudit.pipeline`) and returns the findings with their edits plus a
:class:`FixSet` that remembers, for every edited file, the text the edits were computed
against, so :mod:`ideaudit.fixes.apply` can refuse a file that changed since.

Applicability (ruff's terms):

* ``safe``: keeps the behaviour the user clearly meant (``go`` becomes findable where
  it was not; an ignored ``dlvToolPath`` is removed); applied by ``--fix``;
* ``unsafe``: changes what runs (another GOROOT, GOFLAGS or CC); needs ``--unsafe-fixes``;
* ``shell``: edits a shell start-up file in your home; applied only with ``--fix-shell``.

A fixer may return :class:`Unsafe` (a list of edits) to downgrade one particular fix.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from ideaudit.model import Edit, Finding
from ideaudit.record import field, record, replace

if TYPE_CHECKING:
    from ideaudit.rules.audit import Audit
    from ideaudit.sources.jsonc import JsoncDocument

SAFE = "safe"
UNSAFE = "unsafe"
SHELL = "shell"


class Unsafe(list[Edit]):
    """Edits that a normally safe fixer marks unsafe for this one finding."""


@record
class FixInput:
    """What a fixer sees: the audit, and the documents as the scan read them."""

    audit: Audit
    docs: DocCache


FixFn = Callable[[Finding, FixInput], "list[Edit] | None"]


@record(frozen=True)
class Fixer:
    code: str
    applicability: str
    fn: FixFn


FIXERS: dict[str, list[Fixer]] = {}


def fixer(code: str, *, safe: bool = True, shell: bool = False) -> Callable[[FixFn], FixFn]:
    """Register ``fn`` as a fixer for rule ``code`` (several per code are allowed)."""

    def register(fn: FixFn) -> FixFn:
        applicability = SHELL if shell else SAFE if safe else UNSAFE
        FIXERS.setdefault(code, []).append(Fixer(code, applicability, fn))
        return fn

    return register


@record(frozen=True)
class Fix:
    """One fixer's edits for one finding (``index`` into the findings list)."""

    index: int
    code: str
    applicability: str
    edits: tuple[Edit, ...]


@record
class FixSet:
    """Every fix of a scan, and the original text of every file they edit.

    ``originals[path]`` is ``None`` for a file that does not exist yet (the fix creates it).
    """

    fixes: list[Fix] = field(default_factory=list)
    originals: dict[str, str | None] = field(default_factory=dict)

    def available(self, applicabilities: Iterable[str]) -> list[Fix]:
        wanted = set(applicabilities)
        return [f for f in self.fixes if f.applicability in wanted]


class DocCache:
    """JSONC documents by absolute path: those the scan parsed, else read on demand.

    A file that does not exist is an empty document (``data is None``); its original
    is recorded as ``None`` so the writer creates it and refuses if it appeared since.
    """

    def __init__(self, documents: Iterable[JsoncDocument] = ()) -> None:
        self._docs: dict[str, JsoncDocument] = {}
        self._missing: set[str] = set()
        self._texts: dict[str, str | None] = {}
        for doc in documents:
            self._docs[os.path.abspath(doc.path)] = doc

    def jsonc(self, path: str) -> JsoncDocument | None:
        """The parsed document (``None`` if it exists but does not parse)."""
        from ideaudit.model import Problem
        from ideaudit.sources.jsonc import load_jsonc, parse_jsonc

        path = os.path.abspath(path)
        if path in self._docs:
            return self._docs[path]
        if not os.path.exists(path):
            self._missing.add(path)
            doc = parse_jsonc("", path)
            assert not isinstance(doc, Problem)
            self._docs[path] = doc
            return doc
        loaded = load_jsonc(path)
        if isinstance(loaded, Problem):
            return None
        self._docs[path] = loaded
        return loaded

    def text(self, path: str) -> str | None:
        """A plain text file's content (shell start-up files, dotenv), ``None`` if absent."""
        path = os.path.abspath(path)
        if path in self._docs:
            return None if path in self._missing else self._docs[path].text
        if path not in self._texts:
            from ideaudit.sources.saferead import read_text

            try:
                self._texts[path] = read_text(path, "text")
            except FileNotFoundError:
                self._texts[path] = None
            except (OSError, UnicodeDecodeError):
                raise
        return self._texts[path]

    def original(self, path: str) -> str | None:
        path = os.path.abspath(path)
        if path in self._docs:
            return None if path in self._missing else self._docs[path].text
        return self.text(path)


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
    from ideaudit.fixes import debug, goland, vscode  # noqa: F401

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

    from ideaudit.secrets import MASK, is_secret_name

    def mask(m: re.Match[str]) -> str:
        return m.group(1) + MASK if is_secret_name(m.group(2)) else m.group(0)

    text = re.sub(r"(?m)^((?:export\s+)?([\w.\-]+)=).*$", mask, edit.text)
    return edit if text == edit.text else replace(edit, text=text)

"""What a fixer is, what it sees and what it returns: the registry of fixers, a leaf.

Fixer modules (:mod:`~ideaudit.fixes.vscode`, :mod:`~ideaudit.fixes.goland`,
:mod:`~ideaudit.fixes.debug`) import :func:`fixer`, :class:`FixInput` and :class:`Unsafe`
from here; this module imports none of them (nor anything that does), so the fixes
package has no import circle.  :mod:`ideaudit.fixes.attach` is the one place that lists
and imports the fixer modules.  See :mod:`ideaudit.fixes` for the applicabilities.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ideaudit._fast.record import field, record
from ideaudit.model import Edit, Finding

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

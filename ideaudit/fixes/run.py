"""``scan --diff`` / ``--fix`` / ``--unsafe-fixes`` / ``--fix-shell`` and ``fix --undo``.

The CLI hands over here once the first scan is done.  ``--fix`` works in rounds, as
ruff does: apply every compatible fix, scan again, apply what became possible (fixes
that touched the same characters as an earlier one), at most :data:`MAX_ROUNDS` times;
then print what remains and ``Found N errors (M fixed, K remaining).``
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from ideaudit._fast.record import field, record
from ideaudit.findings.causes import group_causes
from ideaudit.fixes.apply import FixConflict, FixRun, merged_edits, new_texts, select, unified_diff
from ideaudit.fixes.base import SAFE, SHELL, UNSAFE, Fix, FixSet
from ideaudit.model import Finding, Severity, fails
from ideaudit.report import plural, tally

if TYPE_CHECKING:
    from ideaudit.model import Report
    from ideaudit.rules.audit import Audit

MAX_ROUNDS = 10


# What the fix rounds need of a scan, as protocols: the pipeline's ScanOptions and
# ScanResult satisfy them, and the pipeline (which calls into the fixes) is not imported
# back, not even for its types.  The scan function itself comes in as an argument.
class ScanRequest(Protocol):
    """The options of a scan, as far as the fixes read them."""

    @property
    def path(self) -> str: ...
    @property
    def cache_dir(self) -> str | None: ...


class ScanOutcome(Protocol):
    """A scan's result, as far as the fixes read it."""

    @property
    def report(self) -> Report: ...
    @property
    def audit(self) -> Audit: ...
    @property
    def findings(self) -> list[Finding]: ...
    @property
    def fixes(self) -> FixSet | None: ...
    @property
    def secrets(self) -> frozenset[str]: ...


ScanOptions = TypeVar("ScanOptions", bound=ScanRequest)
ScanResult = TypeVar("ScanResult", bound=ScanOutcome)


def applicabilities(*, unsafe: bool, shell: bool, workspace: bool = True) -> list[str]:
    """Which fixes to use: safe ones (with ``--fix``/``--diff``), unsafe ones with
    ``--unsafe-fixes``, shell start-up edits only with ``--fix-shell``."""
    out = []
    if workspace:
        out.append(SAFE)
        if unsafe:
            out.append(UNSAFE)
    if shell:
        out.append(SHELL)
    return out


def planned(fixset: FixSet, apps: Iterable[str]) -> tuple[list[Fix], dict[str, tuple[str | None, str]]]:
    """The fixes applied in one round, and each changed file's (old, new) text."""
    kept, _ = select(fixset.available(apps), fixset.originals)
    return kept, new_texts(kept, fixset.originals)


def diff(result: ScanOutcome, apps: Iterable[str], base: str | None = None) -> tuple[str, int]:
    """Unified diffs of the first round of fixes (secret values redacted) and their count."""
    if result.fixes is None:
        return "", 0
    kept, changes = planned(result.fixes, apps)
    text = unified_diff(changes, base, edits=merged_edits(kept))
    return text, len({f.index for f in kept})


diff_text = diff  # under another name for run_scan_fixes, whose `diff` is a flag


@record
class FixOutcome(Generic[ScanResult]):
    result: ScanResult
    fixed: int = 0
    written: list[str] = field(default_factory=list)
    conflict: str | None = None
    rounds: int = 0
    fixed_keys: set[tuple[str, str | None, str | None]] = field(default_factory=set)
    fixed_findings: list[Finding] = field(default_factory=list)


def workspace_roots(options: ScanRequest, result: ScanOutcome) -> list[str]:
    """The folders a workspace fix may write in: the audited folder (or the
    ``.code-workspace`` file's), each VS Code folder and each GoLand project."""
    from ideaudit.workspace import resolve_target

    roots = [resolve_target(options.path).root]
    roots += [fc.folder.path for fc in result.audit.vscode]
    roots += [gc.project.root for gc in result.audit.goland]
    return list(dict.fromkeys(os.path.abspath(r) for r in roots))


def fix_rounds(
    options: ScanOptions,
    first: ScanResult,
    apps: Iterable[str],
    scan: Callable[[ScanOptions], ScanResult],
    *,
    allow_read_only: bool = False,
) -> FixOutcome[ScanResult]:
    """Apply fixes and re-scan until nothing more applies (or :data:`MAX_ROUNDS`).

    All rounds are one :class:`~ideaudit.fixes.apply.FixRun`: ``fix --undo`` restores
    the files as they were before the first.  Workspace fixes write only inside the
    workspace, shell start-up edits only inside the home folder.  ``scan`` is
    :func:`ideaudit.pipeline.scan`, passed in by the caller: the pipeline calls into the
    fixes, so the fixes must not import it back.
    """
    apps = list(apps)
    outcome = FixOutcome(first)
    result = first
    run = FixRun(options.cache_dir)
    roots = workspace_roots(options, first)
    home = [first.audit.home] if first.audit.home else []
    for _ in range(MAX_ROUNDS):
        if result.fixes is None:
            break
        kept, changes = planned(result.fixes, apps)
        if not changes:
            break
        shell_files = {e.file for f in kept if f.applicability == SHELL for e in f.edits}

        def roots_of(path: str, shell_files: set[str] = shell_files) -> list[str]:
            return home if path in shell_files else roots

        try:
            written = run.write(changes, roots=roots_of, allow_read_only=allow_read_only)
        except FixConflict as exc:
            outcome.conflict = str(exc)
            break
        except OSError as exc:
            name = exc.filename or ""
            outcome.conflict = (
                f"could not write {name}: {exc.strerror or exc}; nothing of this round was kept"
            )
            break
        outcome.rounds += 1
        outcome.fixed += len({f.index for f in kept})
        for f in kept:
            found = result.findings[f.index]
            outcome.fixed_keys.add((found.code, found.context_id, found.variable))
            if found not in outcome.fixed_findings:
                outcome.fixed_findings.append(found)
        outcome.written.extend(w.path for w in written if w.path not in outcome.written)
        # The shell snapshot cache is keyed by the start-up files' mtimes, so a
        # --fix-shell edit is captured again by this scan.
        result = scan(options)
        outcome.result = result
    return outcome


def _fixable(result: ScanOutcome, apps: Iterable[str]) -> list[Finding]:
    """The causes the first round of fixes would remove."""
    if result.fixes is None:
        return []
    kept, _ = planned(result.fixes, apps)
    indices = sorted({f.index for f in kept})
    return group_causes([result.findings[i] for i in indices])


def _redacted(text: str, result: ScanOutcome) -> str:
    from ideaudit.redact import known_secrets, redact_diff

    return redact_diff(text, known_secrets(result.report, result.secrets))


def run_scan_fixes(
    options: ScanOptions,
    result: ScanResult,
    render: Callable[[ScanResult], str],
    scan: Callable[[ScanOptions], ScanResult],
    *,
    diff: bool = False,
    fix: bool = False,
    unsafe: bool = False,
    fix_shell: bool = False,
    read_only: bool = False,
    exit_zero: bool = False,
    fail_on: str | None = None,
) -> int:
    """The ``scan`` command's fix modes; returns the exit status (``scan`` re-scans
    between rounds of ``--fix``; ``fail_on``: the lowest severity that exits 1, default
    warning)."""
    want_diff = diff
    threshold = Severity(fail_on or Severity.WARNING)
    if want_diff:
        apps = applicabilities(unsafe=unsafe, shell=fix_shell)
        text, count = diff_text(result, apps)
        fixable = _fixable(result, apps)
        shown = _redacted(text, result)
        sys.stdout.write(shown)
        if shown != text:
            print(
                "ideaudit: secret values are masked in this diff, so it cannot be applied "
                "with `git apply`; use --fix --unsafe-fixes to apply it.",
                file=sys.stderr,
            )
        print(f"Would fix {plural(len(fixable), 'problem')}: {tally(fixable)}.", file=sys.stderr)
        return 1 if count and fails(fixable, threshold) and not exit_zero else 0
    apps = applicabilities(unsafe=unsafe, shell=fix_shell, workspace=fix)
    outcome = fix_rounds(options, result, apps, scan, allow_read_only=read_only)
    final = outcome.result
    sys.stdout.write(render(final))
    # Counted as the report counts them: causes, each with its own severity.
    left = list(final.report.findings)
    fixed = group_causes(outcome.fixed_findings)
    summary = (
        f"Found {plural(len(fixed) + len(left), 'problem')}: {tally([*fixed, *left])} "
        f"({len(fixed)} fixed, {len(left)} remaining)."
    )
    if outcome.written:
        from ideaudit.fixes.apply import display_path

        def named(p: str) -> str:  # a symlink is named with the file it leads to
            real = os.path.realpath(p)
            return (
                display_path(p)
                if real == os.path.abspath(p)
                else f"{display_path(p)} (-> {display_path(real)})"
            )

        summary += "\nChanged: " + ", ".join(named(p) for p in outcome.written)
        summary += "\n(`ideaudit fix --undo` restores the files of the last run.)"
    print(summary)
    hidden = final.fixes.available([UNSAFE]) if final.fixes and not unsafe else []
    if hidden:
        n = len({f.index for f in hidden})
        print(f"{n} more fix{'es' if n != 1 else ''} available with --unsafe-fixes.")
    shell_fixes = final.fixes.available([SHELL]) if final.fixes and not fix_shell else []
    if shell_fixes:
        print("Shell start-up edits are available with --fix-shell (see --diff --fix-shell).")
    if outcome.conflict:
        from ideaudit.errors import UsageError

        raise UsageError(outcome.conflict)  # the report is out; main() says why it stopped
    return 1 if fails(left, threshold) and not exit_zero else 0


def run_undo(cache_dir: str | None) -> int:
    from ideaudit.fixes.apply import display_path, undo

    def warn(message: str) -> None:
        print(f"ideaudit: warning: {message}", file=sys.stderr)

    restored = undo(cache_dir, warn)  # an UndoError is a UsageError: main() reports it
    for path in restored:
        print(f"restored {display_path(path)}")
    if not restored:
        print("nothing to restore: the files are as they were before the last run")
    return 0

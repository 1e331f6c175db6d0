"""``ideaudit watch``: re-audit when configuration changes; print what appeared and what went.

How it fits together:

- :class:`Session` runs one audit after another through the pipeline's own
  :func:`~ideaudit.pipeline.scan` (no second implementation of the stages) and keeps the
  findings of the last one, so each audit is reported as a difference (new and resolved
  findings, keyed by :func:`~ideaudit.watch.output.finding_key`).  The login shell is
  captured again only when an input of the capture changed (``refresh=True``); otherwise
  the capture cache of :mod:`ideaudit.shell.cache`, keyed by the stat of the start-up
  files, answers in well under a millisecond.  A whole warm re-audit of a sample
  workspace takes ~3 ms, so configuration files are simply read again (each is a few
  hundred bytes; the JSONC parser handles them in microseconds) rather than cached
  (cached parsed documents would need an invalidation scheme of their own).
- :class:`Watcher` owns the watchdog observer (inotify on Linux, FSEvents on macOS; no
  polling): it puts a non-recursive watch on each folder of the
  :class:`~ideaudit.watch.paths.WatchPlan`, debounces a burst of events into one
  audit (quiet for ``debounce`` seconds, at most ``max_delay`` after the first event),
  ignores events whose file's (mtime, size, inode) is what the last audit saw (its own
  reads and the shell's), and re-plans when folders appear or vanish.
- Stale IDEs (rule W001): each audit adds the running IDEs and the mtimes of the files
  their environment comes from to the :class:`~ideaudit.rules.audit.Audit`; while a W001
  warning stands, the process table is checked every ``ide_poll`` seconds so the warning
  goes once the IDE has been restarted.  Otherwise the watcher sleeps in a blocking
  queue read: no timer, no CPU.
- SIGINT and SIGTERM end it cleanly: the observer threads are stopped and joined and the
  exit status is 0.

watchdog is imported only here, inside :meth:`Watcher.run`, never on the scan path.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import sys
import time
from collections.abc import Callable, Collection, Iterable
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from ideaudit._fast.record import field, record, replace
from ideaudit.model import Finding, Report, Severity
from ideaudit.pipeline import ScanOptions, run_rules, scan
from ideaudit.watch.output import (
    Key,
    compare,
    index,
    render_changes,
    render_cycle,
    summary_line,
    unreadable_files,
)
from ideaudit.watch.paths import WatchPlan, gone_plan, make_plan

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver, ObservedWatch

__all__ = ["AuditOutcome", "Session", "WatchOptions", "Watcher", "watch"]

#: Put in the event queue to make the loop stop (signal handlers, tests).
STOP = "\0stop"
#: Put in the event queue when events may have been lost: audit everything again.
RESCAN = "\0rescan"

Signature = tuple[int, int, int] | None


@record
class WatchOptions:
    scan: ScanOptions
    output_format: str = "text"  # "text" | "concise"
    verbose: bool = False
    notify: bool = False
    ide_check: bool = True
    debounce: float = 0.1
    max_delay: float = 2.0
    ide_poll: float = 5.0
    color: bool = False


@record(frozen=True)
class AuditOutcome:
    report: Report  # scrubbed
    added: list[Finding]
    resolved: list[Finding]
    duration: float
    when: float
    refreshed_shell: bool
    changed: list[tuple[Finding, Finding]] = field(default_factory=list)  # (before, now)
    unknown: list[tuple[Finding, tuple[str, ...]]] = field(default_factory=list)
    workspace: str | None = None  # "gone" when the workspace vanished, "back" when it returned
    carried: list[Finding] = field(default_factory=list)  # still unknown (a file cannot be read)

    @property
    def any_change(self) -> bool:
        return bool(self.added or self.resolved or self.changed or self.unknown or self.workspace)


def _signature(path: str) -> Signature:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _with_findings(report: Report, findings: list[Finding]) -> Report:
    """``report`` with ``findings`` (the scan's plus the watch's own) and its summary."""
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    summary = replace(
        report.summary,
        findings=len(findings),
        errors=errors,
        warnings=warnings,
        infos=len(findings) - errors - warnings,
    )
    return replace(report, findings=tuple(findings), summary=summary)


class Session:
    """Audits through the pipeline and remembers the last result (findings and plan)."""

    def __init__(self, options: WatchOptions) -> None:
        from ideaudit.sources import filecache

        filecache.enable()  # only changed files are parsed again between audits
        self.options = options
        self.findings: dict[Key, Finding] = {}
        self.plan: WatchPlan | None = None
        self.signatures: dict[str, Signature] = {}
        self.audits = 0
        self.defined_in: dict[str, str] = {}  # context id -> the file that defines it
        self.reported_unknown: set[Key] = set()
        self.report: Report | None = None
        self.gone = False

    def stale_ide_active(self) -> bool:
        return any(f.code == "W001" for f in self.findings.values())

    def changed(self, paths: Iterable[str]) -> list[str]:
        """The paths among ``paths`` whose change can matter and whose file is not what
        the last audit saw.  :data:`RESCAN` always counts."""
        plan = self.plan
        result: list[str] = []
        for p in dict.fromkeys(paths):
            if p == RESCAN or plan is None:
                result.append(p)
                continue
            if not plan.relevant(p):
                continue
            if p in self.signatures and self.signatures[p] == _signature(p):
                continue
            result.append(p)
        return result

    def audit(self, changed: Collection[str] = ()) -> AuditOutcome:
        """Audit now; ``changed`` are the paths that triggered it."""
        from ideaudit.redact import scrub_report
        from ideaudit.shell import profiles as shell_profiles

        t0 = time.perf_counter()
        plan = self.plan
        # Signatures are taken before reading anything: a change made during the audit
        # then still differs from them and triggers the next audit.
        watched = set(self.signatures) | set(changed) | (set(plan.files) if plan else set())
        signatures = {p: _signature(p) for p in watched if p != RESCAN}
        refresh = plan is not None and (
            RESCAN in changed
            or any(p in plan.shell_files or os.path.dirname(p) in plan.shell_files for p in changed)
        )
        opts = self.options
        root = os.path.abspath(opts.scan.path)
        if not os.path.exists(root):
            return self._gone(root, t0)
        back = self.gone
        self.gone = False
        result = scan(replace(opts.scan, refresh=opts.scan.refresh or refresh))
        audit = result.audit
        terminal = next((s for s in audit.snapshots if s.profile == "terminal"), audit.snapshots[0])
        shell = terminal.shell
        home = audit.home
        from ideaudit.watch.paths import goenv_file

        gofile = goenv_file(terminal.env, home)
        findings = list(result.findings)
        if opts.ide_check:
            from ideaudit.rules.base import matches
            from ideaudit.watch.ide_check import env_inputs, running_ides

            audit = replace(
                audit, ide_processes=running_ides(home), env_inputs=env_inputs(shell, home, gofile)
            )
            for f in run_rules(audit, ["W"], opts.scan.ignore):
                if not opts.scan.select or matches(f.code, opts.scan.select):
                    findings.append(f)
            findings.sort(key=Finding.sort_key)
        from ideaudit.pipeline import relative_to_root

        findings = relative_to_root(findings, result.report.root, result.report.home)
        report = scrub_report(_with_findings(result.report, findings), result.secrets)
        new = index(report.findings)
        changes = compare(
            self.findings,
            new,
            unreadable=unreadable_files(report.findings),
            defined_in=self.defined_in,
            reported_unknown=self.reported_unknown,
        )
        # Findings from a file that cannot be read now stay remembered (not resolved).
        self.findings = {**changes.carried, **new}
        self.reported_unknown = set(changes.carried)
        self.defined_in = {
            c.id: os.path.abspath(c.defined_at.file) for c in report.contexts if c.defined_at is not None
        } | {k: v for k, v in self.defined_in.items() if any(key[1] == k for key in changes.carried)}
        self.report = report
        self.audits += 1

        from ideaudit.sources.vscode import user_settings_path
        from ideaudit.workspace import resolve_target

        target = resolve_target(opts.scan.path)
        self.plan = make_plan(
            folders=[fc.folder.path for fc in audit.vscode] or [target.root],
            root=target.root,
            code_workspace=target.code_workspace,
            shell=shell if os.path.isabs(shell) else shell_profiles.default_shell(),
            home=home,
            shell_env_vars=terminal.env,
            user_settings=user_settings_path(opts.scan.vscode_user_dir, home),
            jetbrains_dir=opts.scan.jetbrains_config_dir,
            extra_files=_env_files(audit),
        )
        for p in self.plan.files:
            signatures.setdefault(p, _signature(p))
        self.signatures = signatures
        return AuditOutcome(
            report,
            changes.added,
            changes.resolved,
            time.perf_counter() - t0,
            time.time(),
            refresh or opts.scan.refresh,
            changes.changed,
            changes.unknown,
            "back" if back else None,
            sorted(changes.carried.values(), key=Finding.sort_key),
        )

    def _gone(self, root: str, t0: float) -> AuditOutcome:
        """The workspace folder vanished (deleted, or renamed away): say so once, keep
        what was found (it is unknown now, not resolved), and watch for its return."""
        first = not self.gone
        self.gone = True
        self.plan = gone_plan(root)
        self.signatures = {}
        report = self.report
        if report is None:
            from ideaudit.workspace import TargetError

            raise TargetError(f"{root} does not exist")
        return AuditOutcome(
            report,
            [],
            [],
            time.perf_counter() - t0,
            time.time(),
            False,
            workspace="gone" if first else None,
        )


def _env_files(audit: Any) -> list[str]:
    """The envFiles the contexts read (launch.json ``envFile``, ``go.testEnvFile``,
    GoLand EnvFile entries): an edit there changes a context as much as a config edit."""
    paths = [ref.path for fc in audit.vscode for ref in fc.env_files]
    paths += [use.entry.value for gc in audit.goland for use in gc.env_files]
    return [os.path.abspath(p) for p in paths if p and os.path.isabs(p)]


class _Handler:
    """watchdog event handler: put every path an event names in the queue (no work here,
    it runs on the observer's thread)."""

    def __init__(self, events: queue.SimpleQueue[str]) -> None:
        self.events = events
        # Folders deleted or moved away: their inotify watch is dead even if a folder of
        # the same path (and, as file systems reuse inode numbers, the same inode)
        # appears again.  Read and cleared by the watcher's thread (set operations are
        # atomic under the GIL).
        self.gone: set[str] = set()

    def dispatch(self, event: Any) -> None:
        if getattr(event, "is_directory", False) and getattr(event, "event_type", "") in ("deleted", "moved"):
            src = getattr(event, "src_path", "")
            self.gone.add(os.path.normpath(os.fsdecode(src) if isinstance(src, bytes) else src))
        for attr in ("src_path", "dest_path"):
            path = getattr(event, attr, "")
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            if path:
                self.events.put(os.path.normpath(path))


class Watcher:
    """The event loop: watches, debounce, audits, output; see the module docstring."""

    def __init__(self, options: WatchOptions, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.options = options
        self.session = Session(options)
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.events: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._events_handler = _Handler(self.events)
        self.observer: BaseObserver | None = None
        self.watches: dict[str, tuple[ObservedWatch, Signature]] = {}
        self.unwatchable: set[str] = set()
        self.stopping = False
        self.events_seen = 0
        self._notifier: Any = None

    # ------------------------------------------------------------------ watches

    def _event_filter(self) -> list[Any]:
        from watchdog import events as ev

        # Only changes: no opened/closed-without-write events, so the audit's own reads
        # (and the shell's) never wake the watcher; inotify is not even asked for them.
        return [
            ev.FileCreatedEvent,
            ev.FileDeletedEvent,
            ev.FileModifiedEvent,
            ev.FileMovedEvent,
            ev.FileClosedEvent,
            ev.FileAttribEvent,
            ev.DirCreatedEvent,
            ev.DirDeletedEvent,
            ev.DirMovedEvent,
        ]

    def sync_watches(self, plan: WatchPlan) -> None:
        """Watch exactly the plan's folders; re-watch a folder that was replaced (deleted
        or moved away, and created again: the old inotify watch is dead, whether or not
        the new folder got a new inode number)."""
        assert self.observer is not None
        gone = self._events_handler.gone
        for path, (watch, sig) in list(self.watches.items()):
            current = _signature(path) if os.path.isdir(path) else None
            replaced = path in gone or current is None or current[2] != (sig[2] if sig else None)
            gone.discard(path)
            if path not in plan.watch_dirs or replaced:
                with contextlib.suppress(KeyError, OSError, ValueError):
                    self.observer.unschedule(watch)
                del self.watches[path]
        for path in list(gone):  # folders never watched: nothing to re-watch
            if path not in plan.watch_dirs:
                gone.discard(path)
        for path in sorted(plan.watch_dirs):
            if path in self.watches:
                continue
            sig = _signature(path)
            try:
                watch = self.observer.schedule(
                    self._handler, path, recursive=False, event_filter=self._event_filter()
                )
            except OSError as exc:  # permission denied, vanished meanwhile, out of watches
                if path not in self.unwatchable:
                    self.unwatchable.add(path)
                    self._warn(f"cannot watch {path}: {exc.strerror or exc}")
                continue
            self.unwatchable.discard(path)
            gone.discard(path)
            self.watches[path] = (watch, sig)

    # ------------------------------------------------------------------ output

    def _write(self, text: str) -> None:
        if text:
            # A value from a file may hold a lone surrogate ("\ud800" in JSON) that no
            # encoding can write: print it escaped rather than let it end the watch.
            text = text.encode("utf-8", "backslashreplace").decode("utf-8")
            self.out.write(text)
            self.out.flush()

    def _warn(self, message: str) -> None:
        self.err.write(f"ideaudit watch: {message}\n")
        self.err.flush()

    def _show(self, outcome: AuditOutcome, changed: list[str], first: bool) -> None:
        opts = self.options
        if outcome.workspace is not None:
            self._write(_workspace_line(outcome, os.path.abspath(opts.scan.path)))
        if opts.output_format == "concise":
            if (first or outcome.any_change) and outcome.workspace != "gone":
                added, resolved = len(outcome.added), len(outcome.resolved)
                # Findings whose file cannot be read now stay in the Problems panel,
                # marked, rather than vanish as if resolved.
                marked = [replace(f, message=f"(unknown: a file it comes from cannot be read) {f.message}")
                          for f in outcome.carried]  # fmt: skip
                shown = _with_findings(
                    outcome.report, sorted([*outcome.report.findings, *marked], key=Finding.sort_key)
                )
                self._write(render_cycle(shown, added, resolved, outcome.when))
        elif first:
            from ideaudit.report import render
            from ideaudit.rules.base import RULES

            self._write(render(outcome.report, "text", color=opts.color, verbose=opts.verbose, rules=RULES))
        else:
            self._write(
                render_changes(
                    outcome.added, outcome.resolved, outcome.when, outcome.changed, outcome.unknown
                )
            )
        if opts.verbose and not first:
            self.err.write(
                summary_line(
                    len(outcome.added),
                    len(outcome.resolved),
                    len(outcome.report.findings),
                    outcome.when,
                    [p for p in changed if p != RESCAN] or ["(rescan)"],
                )
            )
            self.err.flush()
        if opts.notify and not first:
            self._notify(outcome)

    def _notify(self, outcome: AuditOutcome) -> None:
        from ideaudit.report import one_line
        from ideaudit.watch.notify import Notifier

        if self._notifier is None:
            self._notifier = Notifier()
            if not self._notifier.available:
                self._warn("--notify: notify-send is not installed; notifications are off")
        if not self._notifier.available:
            return
        if outcome.added:
            n = len(outcome.added)
            body = "\n".join(one_line(f"{f.code} {f.message}") for f in outcome.added[:3])
            urgent = any(f.severity is Severity.ERROR for f in outcome.added)
            self._notifier.send(f"ideaudit: {n} new problem{'s' if n != 1 else ''}", body, urgent=urgent)
        elif outcome.resolved and not outcome.report.findings:
            self._notifier.send("ideaudit: all clear", "The IDE and your shell agree again.")

    # ------------------------------------------------------------------ loop

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:
            raise KeyboardInterrupt  # a second Ctrl-C: stop waiting for the audit
        self.stopping = True
        self.events.put(STOP)

    def _collect(self, first: str) -> set[str]:
        """The burst that ``first`` starts: until ``debounce`` s of quiet, at most ``max_delay`` s."""
        batch = {first}
        deadline = time.monotonic() + self.options.max_delay
        while STOP not in batch:
            wait = min(self.options.debounce, deadline - time.monotonic())
            if wait <= 0:
                break
            try:
                batch.add(self.events.get(timeout=wait))
            except queue.Empty:
                break
        self.events_seen += len(batch)
        return batch

    def _audit(self, changed: list[str], first: bool = False) -> None:
        try:
            outcome = self.session.audit(changed)
        except Exception as exc:  # a long-running watcher survives a bad audit
            if os.environ.get("IDEAUDIT_DEBUG"):
                raise
            self._warn(f"audit failed: {type(exc).__name__}: {exc}")
            return
        if self.session.plan is not None:
            self.sync_watches(self.session.plan)
        try:
            self._show(outcome, changed, first)
        except (BrokenPipeError, KeyboardInterrupt):
            raise
        except Exception as exc:  # a long-running watcher survives output it cannot print
            if os.environ.get("IDEAUDIT_DEBUG"):
                raise
            self._warn(f"could not print the audit: {type(exc).__name__}: {exc}")

    def run(self, ready: Callable[[], None] | None = None) -> int:
        """Watch until SIGINT/SIGTERM (or :data:`STOP` in the queue); returns 0."""
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        handler = self._events_handler

        class Forward(FileSystemEventHandler):
            def dispatch(self, event: Any) -> None:
                handler.dispatch(event)

        self._handler = Forward()
        previous: dict[int, Any] = {}
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError):  # not the main thread (tests)
                previous[sig] = signal.signal(sig, self._on_signal)
        self.observer = Observer()
        try:
            self.observer.start()
            self._audit([], first=True)
            if self.options.output_format == "text":
                n = len(self.watches)
                self._write(f"Watching {n} folder{'s' if n != 1 else ''} for changes (Ctrl-C to stop)\n")
            if ready is not None:
                ready()
            while not self.stopping:
                poll = self.options.ide_check and self.session.stale_ide_active()
                try:
                    first = self.events.get(timeout=self.options.ide_poll) if poll else self.events.get()
                except queue.Empty:
                    self._audit([])  # a restarted IDE clears W001
                    continue
                batch = self._collect(first)
                if STOP in batch:
                    break
                changed = self.session.changed(batch)
                if changed:
                    self._audit(changed)
        except (KeyboardInterrupt, BrokenPipeError):
            pass
        finally:
            self.stopping = True
            self.observer.stop()
            with contextlib.suppress(RuntimeError):
                self.observer.join(timeout=5)
            for signum, old in previous.items():
                with contextlib.suppress(ValueError, TypeError):
                    signal.signal(signum, old)
        if self.options.verbose:
            self._warn(f"stopped after {self.session.audits} audits of {self.events_seen} events")
        return 0


def _workspace_line(outcome: AuditOutcome, root: str) -> str:
    from ideaudit.watch.output import clock

    stamp = clock(outcome.when)
    if outcome.workspace == "gone":
        return (
            f"{stamp} workspace {root} is gone (deleted or renamed); its findings are unknown "
            "until it comes back, and watching goes on for it\n"
        )
    return f"{stamp} workspace {root} is back; audited again\n"


def watch(options: WatchOptions) -> int:
    """Entry point of ``ideaudit watch``."""
    return Watcher(options).run()

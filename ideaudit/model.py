"""The data every stage shares: locations, layered environments, contexts, findings.

These are frozen standard-library dataclasses rather than pydantic models on purpose:
importing pydantic and building models costs ~250 ms on a cold start, more than the
whole budget of a warm ``ideaudit scan``.  pydantic is still the source of truth for
the *schema* of the report: ``ideaudit.report.schema`` builds it from these very classes with
``pydantic.TypeAdapter`` (which understands dataclasses), and a test keeps
``ideaudit/schemas/report.schema.json`` current.  So there is one definition, and the fast path
never imports pydantic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum

from ideaudit._fast.record import field, record


class Severity(StrEnum):
    """How bad a finding is; ``error`` means a Go command in that context will fail."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for an error, 1 for a warning, 2 for info: lower is worse."""
        return _RANK[self]

    def at_least(self, threshold: Severity) -> bool:
        """Whether this severity is as bad as ``threshold`` or worse."""
        return self.rank <= threshold.rank


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def fails(findings: Iterable[Finding], threshold: Severity = Severity.WARNING) -> bool:
    """Whether ``findings`` fail a run: any at ``threshold`` or worse.  Info findings are
    advice about your own set-up (a duplicate PATH entry in your dotfiles): by default
    they never fail a run, so CI stays green on them."""
    return any(f.severity.at_least(threshold) for f in findings)


@record(frozen=True)
class Location:
    """A place in a file.  ``line`` and ``col`` are 1-based; ``None`` when unknown."""

    file: str
    line: int | None = None
    col: int | None = None
    end_line: int | None = None
    end_col: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        if self.col is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.col}"


@record(frozen=True)
class Layer:
    """One step that set (or removed) a variable in a context.

    ``source`` says what the step is in words a user recognises ("login shell (bash -i)",
    "go.toolsEnvVars", "launch.json env", "envFile .env"); ``location`` points at the file
    and line when there is one; ``value`` is ``None`` when the step unset the variable;
    ``raw`` keeps the text before ``${...}`` substitution when it differs.  ``secret``
    marks a value that must never be printed whatever its name or shape: one read from a
    file outside the workspace that the workspace named (an envFile in ``~/.ssh``).
    """

    source: str
    value: str | None
    location: Location | None = None
    raw: str | None = None
    secret: bool = False


@record(frozen=True)
class EnvVar:
    """A variable's effective value plus every layer that touched it, lowest first."""

    name: str
    value: str | None
    layers: tuple[Layer, ...] = ()

    @property
    def origin(self) -> Layer | None:
        """The layer that decided the final value."""
        return self.layers[-1] if self.layers else None


@record(frozen=True)
class Env(Mapping[str, str]):
    """An effective environment with provenance.  Reads like a ``dict[str, str]``."""

    vars: Mapping[str, EnvVar] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        var = self.vars[name]
        if var.value is None:
            raise KeyError(name)
        return var.value

    def __iter__(self) -> Iterator[str]:
        return (n for n, v in self.vars.items() if v.value is not None)

    def __len__(self) -> int:
        return sum(1 for v in self.vars.values() if v.value is not None)

    def var(self, name: str) -> EnvVar | None:
        """The variable with its layers, also when the last layer removed it."""
        return self.vars.get(name)

    def plain(self) -> dict[str, str]:
        return dict(self.items())


@record(frozen=True)
class ToolLookup:
    """Where a context finds a tool (``go``, ``dlv``, ``gopls``), found by stat only.

    ``via`` names the step of the IDE's lookup order that found it ("go.alternateTools",
    "GOBIN", "GOPATH/bin", "GOROOT/bin", "PATH", "fallback") or ``"not found"``;
    ``searched`` lists the directories looked at, in order, for the explanation.
    """

    tool: str
    path: str | None
    via: str
    location: Location | None = None
    searched: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.path is not None


@record(frozen=True)
class Context:
    """One place a Go command runs, with the environment it really gets.

    ``id`` is stable and short ("vscode:debug:Launch API", "vscode:tools", "shell") so
    users can name it on the command line; ``label`` is what reports print.

    ``kind`` is shared by every IDE so that rules need no IDE-specific code:
    ``debug`` builds and runs a program (a VS Code ``type: go`` launch configuration, a
    GoLand Go application run configuration), ``tests`` runs ``go test`` (VS Code code
    lens, a GoLand test run configuration), ``attach`` attaches a debugger (no build),
    ``exec`` debugs what is already built (a launch in mode exec, core or replay),
    ``tools`` is what the IDE's own go/gopls/dlv calls see, ``terminal`` the IDE's
    integrated terminal, and ``shell`` the reference (your terminal).  ``ide`` is
    ``vscode``, ``goland`` or ``shell``.
    """

    id: str
    label: str
    ide: str
    kind: str
    env: Env
    tools: Mapping[str, ToolLookup] = field(default_factory=dict)
    folder: str | None = None
    defined_at: Location | None = None
    go_env: Mapping[str, str] | None = None  # `go env -json` run in this context, if trusted


@record(frozen=True)
class Edit:
    """A text edit against the original bytes of a file (used by fixes)."""

    file: str
    offset: int
    length: int
    text: str


@record(frozen=True)
class ContextRef:
    """A context named by a finding that is about several of them."""

    id: str
    label: str


@record(frozen=True)
class Finding:
    """One problem, said so that a user can act on it without reading the source.

    A finding is about one context (``context_id``), about the workspace (no context),
    or -- once :func:`ideaudit.findings.causes.group_causes` has merged one cause seen in several
    contexts -- about every context in ``contexts`` (then ``context_id`` is ``None``).
    """

    code: str
    severity: Severity
    message: str
    fix: str | None = None
    context_id: str | None = None
    context_label: str | None = None
    location: Location | None = None
    variable: str | None = None
    context_value: str | None = None
    shell_value: str | None = None
    provenance: tuple[Layer, ...] = ()
    edits: tuple[Edit, ...] = ()
    contexts: tuple[ContextRef, ...] = ()
    # Stable across runs, machines and the current directory (see ideaudit.findings.fingerprint):
    # SARIF partialFingerprints and --baseline match findings by it.
    fingerprint: str | None = None

    def sort_key(self) -> tuple[str, str, int, str, str]:
        loc = self.location
        return (
            self.context_id or "",
            loc.file if loc else "",
            (loc.line or 0) if loc else 0,
            self.code,
            self.message,
        )


@record(frozen=True)
class Problem:
    """Input that could not be used as-is: a file that does not parse, a shell that hung.

    Sources and capture return these instead of raising, so one broken file never stops
    the rest of the audit; the E rules turn them into findings.
    """

    kind: str  # "parse" | "unreadable" | "capture" | "unresolvable"
    message: str
    location: Location | None = None
    detail: str | None = None


@record(frozen=True)
class ShellSnapshot:
    """The environment a shell start-up produced, and how the start-up went."""

    shell: str
    profile: str
    argv: tuple[str, ...]
    env: Mapping[str, str]
    duration: float
    exit_status: int | None
    timed_out: bool = False
    stdout_bytes: int = 0
    stderr_bytes: int = 0
    error: str | None = None
    cached: bool = False
    startup_files: tuple[str, ...] = ()
    #: The profile whose run this snapshot was derived from instead of running it
    #: (``shell.derive``: the terminal from the IDE model), or None for a real run.
    derived_from: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.timed_out


@record(frozen=True)
class IdeEnvironment:
    """The environment an IDE process hands to what it spawns, and where it came from."""

    ide: str
    env: Mapping[str, str]
    kind: str  # "file" | "process" | "model"
    source: str  # human description: "--ide-env ide.env", "running code (pid 1234)", ...
    location: Location | None = None


@record(frozen=True)
class IdeProcess:
    """A running IDE (its main process) and when it started, in seconds since the epoch.

    An IDE takes its environment once, at start-up; ``ideaudit watch`` compares
    ``started`` with :class:`EnvInput` mtimes to tell that it must be restarted.
    """

    ide: str  # "vscode" | "goland"
    name: str
    pid: int
    started: float


@record(frozen=True)
class EnvInput:
    """A file an IDE's environment is made from at its start, and when it last changed."""

    path: str
    mtime: float
    what: str  # "shell start-up file" | "go env -w file"
    ides: tuple[str, ...]  # the IDEs whose environment it changes


@record(frozen=True)
class Summary:
    contexts: int
    findings: int
    errors: int
    warnings: int
    infos: int


@record(frozen=True)
class ContextReport:
    """A context as reports show it: identity, tools, and the variables that matter."""

    id: str
    label: str
    ide: str
    kind: str
    folder: str | None
    defined_at: Location | None
    tools: tuple[ToolLookup, ...]
    env: Mapping[str, EnvVar]
    go_env: Mapping[str, str] | None = None


@record(frozen=True)
class Report:
    """Everything a reporter needs; reporters are pure functions of this."""

    version: str
    workspace: str
    shell: str | None
    ide_environment: str
    contexts: tuple[ContextReport, ...]
    findings: tuple[Finding, ...]
    summary: Summary
    home: str | None = None
    # What ideaudit could not check (an ${input:} filled in when a session starts): not
    # findings, not counted; the text format shows them under -v.
    notes: tuple[Finding, ...] = ()
    # The workspace root every relative path in the report is relative to (absolute).
    root: str | None = None
    # The root of the git repository holding the workspace (absolute), if any: GitHub
    # resolves annotation and SARIF paths against it (the github and sarif formats).
    repository: str | None = None
    # --static: only the committed files were read; these rules needed more and did not run.
    static: bool = False
    skipped_rules: tuple[str, ...] = ()

"""Shell start-up, explained: the four ways a shell starts, and what each start-up file did.

A shell reads different files depending on whether it is a *login* shell and whether it
is *interactive*; your terminal is one combination (``bash -i`` on Linux), VS Code's
environment resolution another (``bash -i -l`` with ``VSCODE_RESOLVING_ENVIRONMENT=1``),
a desktop session or GoLand with fish a third (login, not interactive), scripts and
``ssh host cmd`` the fourth.  :func:`analyze_startup` has all four (through
:func:`ideaudit.shell.capture.capture`, so they are cached like every snapshot), compares
the terminal with the IDE model, and, only when they differ in a variable, traces the
terminal's start-up (:mod:`ideaudit.shell.trace`) to name the line that set it.

A cold scan pays for shell start-ups, so none runs twice and none waits for another:
:func:`variant_plan` says which variants are the very run of a profile the scan captures
anyway (same mode, and no start-up file names the IDE's marker), which read no file at
all (``bash -c``: the session environment is the answer), and which need a run of their
own; :func:`wave` lists those so the scan starts them together with the terminal and the
IDE model.  The trace and, when no rule needs them otherwise, the variants wait for a
divergence; then they run side by side.

It also reads the user's start-up files for what needs no run: an ``alias go=`` or a
``go`` function, a version manager's init line, a GOROOT exported as a literal path, and
the PATH entries that are duplicated or do not exist.  The result,
:class:`StartupAnalysis`, is plain data: the S rules read it and do no I/O.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Mapping, Sequence

from ideaudit._fast.lazyre import lazy_re
from ideaudit._fast.record import field, record
from ideaudit.model import Location, ShellSnapshot
from ideaudit.shell import (
    cache as shell_cache,
)
from ideaudit.shell import (
    capture as shell_capture,
)
from ideaudit.shell import (
    process as shell_process,
)
from ideaudit.shell import (
    profiles as shell_profiles,
)
from ideaudit.shell.trace import (
    Assignment,
    Trace,
    origin_of,
    parse_fish_files,
    parse_sh_files,
    trace_startup,
)

__all__ = [
    "BASE",
    "CAPTURE",
    "Divergence",
    "PathEntry",
    "StartupAnalysis",
    "StartupLine",
    "analyze_startup",
    "expects_divergence",
    "plan_wave",
    "variant_label",
    "variant_plan",
    "variants_to_capture",
    "wave",
]

#: Shells whose start-up files ideaudit knows how to explain.
EXPLAINED = ("bash", "zsh", "fish", "sh")

#: What each variant stands for, for messages.
VARIANT_USES: Mapping[str, str] = {
    "login-interactive": "what VS Code and GoLand resolve at start-up",
    "login": "a desktop session, GoLand with fish, `$SHELL -l -c` in scripts",
    "interactive": "a terminal window on Linux",
    "plain": "scripts, `ssh host cmd`, tasks",
}

#: Variables that differ between start-ups for reasons no dotfile controls.
_IGNORED = frozenset({"SHLVL", "_", "PWD", "OLDPWD", "PS1", "PS2", "PS4", "MAIL", "BASH_XTRACEFD"})


@record(frozen=True)
class Divergence:
    """Something your terminal has that the IDE's environment does not.

    ``entries`` lists PATH entries (for ``variable == "PATH"``) that one start-up line
    added; for any other variable it is empty and the whole value differs.
    ``missing_in`` names the shell variants (``bash -l``, ...) that lack it too.
    """

    variable: str
    entries: tuple[str, ...]
    terminal_value: str | None
    ide_value: str | None
    origin: Location | None
    missing_in: tuple[str, ...] = ()


@record(frozen=True)
class StartupLine:
    """A start-up line that matters by what it is.

    ``kind``: ``alias-go``, ``function-go`` (shadow the ``go`` binary), ``version-manager``
    (asdf, mise, goenv, gvm init; ``detail`` names it), ``goroot-static`` (GOROOT set to a
    literal path; ``detail`` is the text after ``=``).
    """

    kind: str
    location: Location
    detail: str = ""


@record(frozen=True)
class PathEntry:
    """A PATH entry worth a word: duplicated or not an existing directory."""

    entry: str
    where: str  # "terminal" | "ide"
    exists: bool
    count: int
    origin: Location | None


@record(frozen=True)
class StartupAnalysis:
    shell: str
    kind: str
    home: str
    terminal: ShellSnapshot
    ide: ShellSnapshot | None
    timeout: float
    variants: Mapping[str, ShellSnapshot] = field(default_factory=dict)
    divergences: tuple[Divergence, ...] = ()
    lines: tuple[StartupLine, ...] = ()
    path_entries: tuple[PathEntry, ...] = ()
    trace: Trace | None = None
    #: The file bash reads as a login shell (first of .bash_profile, .bash_login, .profile).
    bash_login_file: str | None = None
    #: Whether that file (or ~/.profile it sources) mentions ~/.bashrc.
    login_sources_bashrc: bool | None = None
    #: Start-up files the IDE's shell reads, existing ones only.
    ide_reads: tuple[str, ...] = ()
    #: Version-manager shim directories on the terminal's PATH.
    shims_on_path: tuple[str, ...] = ()


def variant_label(shell: str, profile: str) -> str:
    """``bash -i -l`` for a profile: the shell's name and its start-up flags."""
    argv = shell_profiles.shell_argv(shell, profile, "")
    flags = [a for a in argv[1:-1] if a not in ("-c", "-Command")]
    return " ".join([os.path.basename(shell), *(flags or ["-c"])])


# --------------------------------------------------------------------------- static reading

_VERSION_MANAGERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("asdf", lazy_re(r"asdf\.(?:sh|fish)\b|\bASDF_DIR\b|asdf/shims|\basdf\s+(?:exec|reshim)\b")),
    ("mise", lazy_re(r"\b(?:mise|rtx)\s+activate\b|(?:mise|rtx)/shims")),
    ("goenv", lazy_re(r"\bgoenv\s+init\b|\.goenv/(?:shims|bin)|\bGOENV_ROOT\b")),
    ("gvm", lazy_re(r"\.gvm/scripts/gvm\b|\bgvm\s+use\b")),
)
_SHIM_DIRS = lazy_re(r"/(?:\.asdf/shims|(?:mise|rtx)/shims|\.goenv/shims|\.gvm/(?:bin|gos/[^/]+/bin))$")

_SH_ALIAS_GO = lazy_re(r"^\s*alias\s+(?:-\w+\s+)*(?:\S+=\S*\s+)*['\"]?go=")
_SH_FUNC_GO = lazy_re(r"^\s*(?:function\s+go\b|go\s*\(\s*\))")
_SH_GOROOT = lazy_re(r"^\s*(?:export\s+|declare\s+-x\s+|typeset\s+-x\s+)?GOROOT=(?P<v>\S+)")
_FISH_ALIAS_GO = lazy_re(r"^\s*alias\s+go(?:\s|=)")
_FISH_FUNC_GO = lazy_re(r"^\s*function\s+go(?:\s|;|$)")
_FISH_GOROOT = lazy_re(r"^\s*set\s+(?:-\S+\s+)*GOROOT\s+(?P<v>.+)$")


def _read(path: str) -> list[str]:
    from ideaudit.sources.saferead import read_text

    try:
        return read_text(path, "startup", errors="replace").splitlines()
    except OSError:
        return []


def _user_files(shell: str, home: str, base: Mapping[str, str]) -> list[str]:
    """Existing start-up files under ``home`` that any variant reads, in reading order,
    plus the alias files rc files conventionally source."""
    kind = shell_profiles.shell_kind(shell)
    seen: dict[str, None] = {}
    prefix = home.rstrip("/") + "/"
    for profile in ("terminal", "vscode", *shell_profiles.VARIANTS):
        for f in shell_profiles.startup_files(shell, home, profile, base):
            if f.startswith(prefix):
                seen[f] = None
    extras = {"bash": (".bash_aliases", ".aliases"), "zsh": (".zsh_aliases", ".aliases")}
    for name in extras.get(kind, ()):
        seen[os.path.join(home, name)] = None
    if kind == "fish":
        _, _, config = shell_profiles.fish_dirs(shell, home, base)
        seen[os.path.join(config, "functions", "go.fish")] = None
    return [f for f in seen if os.path.isfile(f)]


def _scan_lines(files: Sequence[str], fish: bool) -> list[StartupLine]:
    out: list[StartupLine] = []
    for path in files:
        is_fish = fish or path.endswith(".fish")
        for n, raw in enumerate(_read(path), 1):
            text = raw.strip()
            if not text or text.startswith("#"):
                continue
            loc = Location(path, n)
            if (_FISH_ALIAS_GO if is_fish else _SH_ALIAS_GO).match(raw):
                out.append(StartupLine("alias-go", loc, text))
            elif (_FISH_FUNC_GO if is_fish else _SH_FUNC_GO).match(raw):
                out.append(StartupLine("function-go", loc, text))
            for name, pattern in _VERSION_MANAGERS:
                if pattern.search(text):
                    out.append(StartupLine("version-manager", loc, name))
                    break
            m = (_FISH_GOROOT if is_fish else _SH_GOROOT).match(raw)
            if m:
                value = m["v"].strip().strip("'\"")
                if "$(" not in value and "`" not in value and not (is_fish and "(" in value):
                    out.append(StartupLine("goroot-static", loc, value))
    return out


def _mentions_bashrc(path: str | None, home: str, depth: int = 0) -> bool:
    """Whether ``path`` sources ~/.bashrc, directly or through ~/.profile."""
    if path is None or depth > 2:
        return False
    for raw in _read(path):
        text = raw.split("#", 1)[0]
        if ".bashrc" in text:
            return True
        nested = ".profile" in text and not path.endswith("/.profile")
        if nested and _mentions_bashrc(os.path.join(home, ".profile"), home, depth + 1):
            return True
    return False


# --------------------------------------------------------------------------- comparing


def _entries(value: str | None) -> list[str]:
    return [e.rstrip("/") or "/" for e in (value or "").split(":") if e]


def _divergences(
    terminal: Mapping[str, str], ide: Mapping[str, str], base: Mapping[str, str]
) -> tuple[list[str], dict[str, tuple[str | None, str | None]]]:
    """(PATH entries only the terminal has, {variable: (terminal, ide)}) — leaving out
    what the session itself provides (not any dotfile's doing)."""
    base_path = set(_entries(base.get("PATH")))
    ide_path = set(_entries(ide.get("PATH")))
    entries = [
        e for e in dict.fromkeys(_entries(terminal.get("PATH"))) if e not in ide_path and e not in base_path
    ]
    variables: dict[str, tuple[str | None, str | None]] = {}
    for name, value in terminal.items():
        if name == "PATH" or name in _IGNORED or base.get(name) == value:
            continue
        if ide.get(name) != value:
            variables[name] = (value, ide.get(name))
    return entries, variables


def _missing_in(
    variants: Mapping[str, ShellSnapshot], shell: str, name: str, entry: str | None, value: str | None
) -> tuple[str, ...]:
    out = []
    for profile, snap in variants.items():
        if not snap.ok:
            continue
        if entry is not None:
            lacks = entry not in _entries(snap.env.get("PATH"))
        else:
            lacks = snap.env.get(name) != value
        if lacks:
            out.append(variant_label(shell, profile))
    return tuple(out)


#: How a variant is obtained (values of :func:`variant_plan` besides a profile name).
CAPTURE = "capture"  # its own shell run
BASE = "base"  # it reads no start-up file: the session environment is its result

#: The variable names whose mention in a start-up file means the IDE's marker may matter.
_MARKER_NAMES = {profile: name for profile, (name, _) in shell_profiles.MARKERS.items()}


_SOURCED = lazy_re(r"""(?:^|[;&|{]\s*)(?:source|\.)\s+["']?([^\s"';|&)]+)""", re.MULTILINE)


def _sourced(text: str, home: str, zdotdir: str) -> list[str]:
    """Literal paths a start-up file sources (``source ~/.x``, ``. "$HOME/.x"``)."""
    out = []
    for raw in _SOURCED.findall(text):
        path = raw.replace("${HOME}", home).replace("$HOME", home)
        path = path.replace("${ZDOTDIR}", zdotdir).replace("$ZDOTDIR", zdotdir)
        if path == "~" or path.startswith("~/"):
            path = home + path[1:]
        if "$" not in path and "`" not in path and os.path.isabs(path):
            out.append(path)
    return out


def _mentions(files: Sequence[str], word: str, home: str, zdotdir: str) -> bool:
    """Whether any of ``files``, or a file they source by a literal path (one level:
    ``source ~/.local/share/tool/init.zsh``), contains ``word``."""
    from ideaudit.sources.saferead import read_bytes

    todo = [(f, 0) for f in files]
    seen: set[str] = set()
    while todo:
        path, depth = todo.pop()
        if path in seen or not os.path.isfile(path):
            continue
        seen.add(path)
        try:
            data = read_bytes(path, "startup")
        except OSError:  # not a regular file, or over the cap: as if it named the marker
            return True
        if word.encode() in data:
            return True
        if depth == 0:
            text = data.decode("utf-8", "replace")
            todo += [(f, 1) for f in _sourced(text, home, zdotdir)]
    return False


def variant_plan(shell: str, home: str, base: Mapping[str, str], captured: Sequence[str]) -> dict[str, str]:
    """How to get each start-up variant without starting the same shell twice.

    A variant is the same run as a profile being ``captured`` when both start the shell
    in the same mode (login, interactive) and the profile's IDE marker cannot matter
    (no start-up file of that mode names it, nor a file one of them sources by a literal
    path: ``bash -i -l`` with and without ``VSCODE_RESOLVING_ENVIRONMENT=1`` is one run
    then; real rc files do test it, mostly to skip tmux or shell-wrapper start-ups); it
    is ``BASE`` when its mode reads no start-up file at all (``bash -c``: the result is
    the session environment); otherwise ``CAPTURE``.  ``login`` is ``plain`` when zsh's
    login-only files do nothing (:func:`ideaudit.shell.derive.login_is_plain`).  Empty for
    shells whose start-up is not explained.
    """
    kind = shell_profiles.shell_kind(shell)
    if kind not in EXPLAINED:
        return {}
    sources = [p for p in ("terminal", *captured) if p in captured and p in shell_profiles.PROFILES]
    plan: dict[str, str] = {}
    for variant in shell_profiles.VARIANTS:
        mode = shell_profiles.mode(shell, variant)
        how = CAPTURE
        for profile in dict.fromkeys(sources):
            if shell_profiles.mode(shell, profile) != mode:
                continue
            marker = _MARKER_NAMES.get(profile)
            if marker is not None:
                files = shell_profiles.startup_files(shell, home, profile, base)
                files += shell_cache.cache_inputs(shell, home, base)
                zdotdir = base.get("ZDOTDIR") or home
                if _mentions(list(dict.fromkeys(files)), marker, home, zdotdir):
                    continue
            how = profile
            break
        if how == CAPTURE and _reads_nothing(shell, kind, home, variant, base):
            how = BASE
        plan[variant] = how
    if plan.get("login") == CAPTURE and plan.get("plain") == CAPTURE:
        from ideaudit.shell.derive import login_is_plain

        if login_is_plain(shell, home, base):
            plan["login"] = "plain"  # one run of `zsh -c` stands for `zsh -l` too
    return plan


def _reads_nothing(shell: str, kind: str, home: str, variant: str, base: Mapping[str, str]) -> bool:
    """Whether ``shell`` started as ``variant`` runs no start-up code at all."""
    if kind == "bash" and "BASH_ENV" in base:  # non-interactive bash sources $BASH_ENV
        return False
    if kind == "fish":  # fish always runs its own share/config.fish
        return False
    return not any(os.path.exists(f) for f in shell_profiles.startup_files(shell, home, variant, base))


def _from_base(shell: str, home: str, variant: str, base: Mapping[str, str]) -> ShellSnapshot:
    """The snapshot of a start-up that reads no file: the session environment itself
    (what the shell adds on its own, PWD, SHLVL, ``_``, is noise a capture drops too)."""
    env = {k: v for k, v in base.items() if k not in shell_profiles.NOISE and k not in _MARKER_NAMES.values()}
    return ShellSnapshot(
        shell=shell,
        profile=variant,
        argv=tuple(shell_profiles.shell_argv(shell, variant, "")),
        env=env,
        duration=0.0,
        exit_status=0,
        startup_files=tuple(shell_profiles.startup_files(shell, home, variant, base)),
    )


def variants_to_capture(plan: Mapping[str, str]) -> list[str]:
    """The variants that need a shell run of their own."""
    return [v for v, how in plan.items() if how == CAPTURE]


def wave(
    shell: str, home: str, base: Mapping[str, str], profiles: Sequence[str], variants: str = "eager"
) -> list[str]:
    """What :func:`analyze_startup` will capture beyond ``profiles``, so that a scan can
    start it in the same wave: the IDE model, and the variants when ``eager``."""
    return plan_wave(shell, home, base, profiles, variants)[0]


def plan_wave(
    shell: str, home: str, base: Mapping[str, str], profiles: Sequence[str], variants: str = "eager"
) -> tuple[list[str], dict[str, str]]:
    """:func:`wave` and the :func:`variant_plan` it follows (pass it to
    :func:`analyze_startup`, which would otherwise read the start-up files again)."""
    if shell_profiles.shell_kind(shell) not in EXPLAINED:
        return [], {}
    extra = [] if "vscode" in profiles else ["vscode"]
    plan = variant_plan(shell, home, base, [*profiles, "vscode"])
    if variants == "eager":
        extra += variants_to_capture(plan)
    return extra, plan


def _hint_path(shell: str, home: str, base: Mapping[str, str], cache_dir: str | None) -> str | None:
    """Where the last analysis of this shell, HOME and session left its divergence hint."""
    if cache_dir is None:
        cache_dir = shell_cache.default_cache_dir()
    if not cache_dir:
        return None
    parts = ["hint1", os.path.realpath(shell), home, *(f"{k}={v}" for k, v in sorted(base.items()))]
    key = shell_cache.sha256_hex("\0".join(parts).encode("utf-8", "surrogateescape"))
    return os.path.join(cache_dir, "startup-hint", key)


def expects_divergence(shell: str, home: str, base: Mapping[str, str], cache_dir: str | None) -> bool:
    """Whether the last analysis for this shell and HOME found a divergence to trace.

    Keyed without the start-up files' stat, so it survives the dotfile edit that makes a
    scan cold: a cold scan then starts the trace with its other shells instead of after
    them, betting that one edit rarely fixes every divergence (a wrong bet costs a
    trace run that is cached, not a wait)."""
    if shell_profiles.shell_kind(shell) not in ("bash", "zsh"):  # the others are read, not run
        return False
    path = _hint_path(shell, home, base, cache_dir)
    return path is not None and os.path.exists(path)


def _remember_divergence(path: str | None, diverged: bool) -> None:
    if path is None or diverged == os.path.exists(path):
        return
    with contextlib.suppress(OSError):
        if diverged:
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        else:
            os.unlink(path)


def _together(jobs: Sequence[Callable[[], None]]) -> None:
    """Run the jobs at once (each starts shells; none waits for another)."""
    shell_process.run_all(lambda i: jobs[int(i)](), [str(i) for i in range(len(jobs))])


def _path_entries(
    where: str,
    value: str | None,
    base: Mapping[str, str],
    assignments: Sequence[Assignment],
) -> list[PathEntry]:
    base_path = set(_entries(base.get("PATH")))
    entries = _entries(value)
    counts: dict[str, int] = {}
    for e in entries:
        counts[e] = counts.get(e, 0) + 1
    out: list[PathEntry] = []
    for e, count in counts.items():
        exists = not os.path.isabs(e) or os.path.isdir(e)
        if count > 1 or (not exists and e not in base_path):
            origin = _dup_origin(assignments, e) if count > 1 else origin_of(assignments, "PATH", e)
            out.append(PathEntry(e, where, exists, count, origin))
    return out


def _dup_origin(assignments: Sequence[Assignment], entry: str) -> Location | None:
    """The line that added the second copy of ``entry``: in a trace the first PATH value
    holding it twice; read statically, the second line naming it."""
    naming = [a for a in assignments if a.name == "PATH" and entry in a.entries]
    for a in naming:
        if a.entries.count(entry) > 1:
            return a.location
    return naming[1].location if len(naming) > 1 else None


def analyze_startup(
    shell: str,
    home: str,
    base_env: Mapping[str, str],
    *,
    terminal: ShellSnapshot,
    ide: ShellSnapshot | None = None,
    timeout: float = 10.0,
    cache_dir: str | None = None,
    refresh: bool = False,
    trace: bool = True,
    captured: Mapping[str, ShellSnapshot] | None = None,
    variants: str = "eager",
    traced: Trace | None = None,
    plan: Mapping[str, str] | None = None,
) -> StartupAnalysis:
    """Explain ``shell``'s start-up for ``home``: variants, divergences, notable lines.

    ``terminal`` is the reference snapshot and ``ide`` the IDE model (VS Code's
    ``vscode`` profile); it is captured here when not given.  ``captured`` holds the
    snapshots the caller already has (by profile or variant name), so that a scan can
    start every shell it needs in one wave (:func:`variant_plan` says which variants
    need their own run).  ``variants``: ``eager`` captures the missing ones now,
    ``lazy`` only when there is a divergence to explain, ``none`` never (no rule reads
    them).  ``trace=False`` never runs the tracer (static attribution only); ``traced`` is a
    trace the caller already ran (speculatively, with the other shells), ``plan`` the
    :func:`variant_plan` it followed.
    """
    kind = shell_profiles.shell_kind(shell)
    if kind not in EXPLAINED:
        return StartupAnalysis(shell, kind, home, terminal, ide, timeout)
    have: dict[str, ShellSnapshot] = {**(captured or {}), "terminal": terminal}
    if ide is not None:
        have.setdefault("vscode", ide)
    if plan is None:
        plan = variant_plan(shell, home, base_env, [*have, "vscode"])

    def capture(profiles: Sequence[str]) -> None:
        todo = [p for p in profiles if p not in have]
        if todo:
            have.update(
                shell_capture.capture_many(
                    shell,
                    home,
                    todo,
                    timeout=timeout,
                    base_env=base_env,
                    cache_dir=cache_dir,
                    refresh=refresh,
                )
            )

    # One wave: the IDE model and (unless they wait for a divergence) the variants.
    capture(
        [*(["vscode"] if ide is None else []), *(variants_to_capture(plan) if variants == "eager" else [])]
    )
    ide = have["vscode"]

    files = _user_files(shell, home, base_env)
    static = parse_fish_files(files, home) if kind == "fish" else parse_sh_files(files, home)
    lines = _scan_lines(files, kind == "fish")

    entries: list[str] = []
    variables: dict[str, tuple[str | None, str | None]] = {}
    if terminal.ok and ide.ok:
        entries, variables = _divergences(terminal.env, ide.env, base_env)
    if terminal.ok and ide.ok:
        _remember_divergence(_hint_path(shell, home, base_env, cache_dir), bool(entries or variables))
    if not (entries or variables) or not trace:
        traced = None
    if entries or variables:
        # Something to explain: the trace and any variant still missing, side by side.
        jobs: list[Callable[[], None]] = []
        if variants == "lazy":
            jobs.append(lambda: capture(variants_to_capture(plan)))
        if trace and traced is None:

            def run_trace() -> None:
                nonlocal traced
                traced = trace_startup(
                    shell, home, "terminal", base_env, timeout=timeout, cache_dir=cache_dir, refresh=refresh
                )

            jobs.append(run_trace)
        _together(jobs)
    if variants == "none":
        variant_snaps: dict[str, ShellSnapshot] = {}
    else:
        variant_snaps = {
            v: _from_base(shell, home, v, base_env) if how == BASE else have[how if how != CAPTURE else v]
            for v, how in plan.items()
            if how == BASE or (how if how != CAPTURE else v) in have
        }
    found: list[Assignment] = list(traced.assignments) if traced else []

    def where(name: str, entry: str | None = None) -> Location | None:
        return origin_of(found, name, entry) or origin_of(static, name, entry)

    divergences: list[Divergence] = []
    by_origin: dict[Location | None, list[str]] = {}
    for e in entries:
        by_origin.setdefault(where("PATH", e), []).append(e)
    for loc, group in by_origin.items():
        divergences.append(
            Divergence(
                "PATH",
                tuple(group),
                terminal.env.get("PATH"),
                ide.env.get("PATH"),
                loc,
                _missing_in(variant_snaps, shell, "PATH", group[0], None),
            )
        )
    for name, (tv, iv) in sorted(variables.items()):
        divergences.append(
            Divergence(name, (), tv, iv, where(name), _missing_in(variant_snaps, shell, name, None, tv))
        )

    path_info = _path_entries("terminal", terminal.env.get("PATH"), base_env, found + static)
    if ide.ok:
        path_info += _path_entries("ide", ide.env.get("PATH"), base_env, static)
    for i, p in enumerate(path_info):
        if p.origin is None and p.count == 1:
            path_info[i] = PathEntry(p.entry, p.where, p.exists, p.count, where("PATH", p.entry))

    login_file: str | None = None
    sources: bool | None = None
    if kind == "bash":
        for name in (".bash_profile", ".bash_login", ".profile"):
            candidate = os.path.join(home, name)
            if os.path.isfile(candidate):
                login_file = candidate
                break
        sources = _mentions_bashrc(login_file, home)
    ide_reads = tuple(
        f for f in shell_profiles.startup_files(shell, home, "vscode", base_env) if os.path.isfile(f)
    )
    shims = tuple(e for e in _entries(terminal.env.get("PATH")) if _SHIM_DIRS.search(e))
    return StartupAnalysis(
        shell=shell,
        kind=kind,
        home=home,
        terminal=terminal,
        ide=ide,
        timeout=timeout,
        variants=variant_snaps,
        divergences=tuple(divergences),
        lines=tuple(lines),
        path_entries=tuple(path_info),
        trace=traced,
        bash_login_file=login_file,
        login_sources_bashrc=sources,
        ide_reads=ide_reads,
        shims_on_path=shims,
    )

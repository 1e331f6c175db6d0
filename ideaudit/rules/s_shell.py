"""S: shell start-up — what your dotfiles do that the IDE does not get, and why.

Every rule here reads :class:`ideaudit.shell.startup_files.StartupAnalysis` (``audit.startup``):
the four shell variants, the IDE model, the divergences with the start-up line that
caused each, and the notable lines of your start-up files.  No rule does I/O.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from ideaudit.model import Context, Finding, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import SHELL, rule
from ideaudit.rules.common import finding, show
from ideaudit.shell.startup_files import VARIANT_USES, Divergence, PathEntry, StartupAnalysis, variant_label

GUARD_HINT = (
    "a guard above it skips it when the IDE resolves the environment "
    "(an early `return` on VSCODE_RESOLVING_ENVIRONMENT, `[[ -o login ]]`, `status is-login`, ...)"
)


def _ctx(audit: Audit) -> Context | None:
    return audit.shell


def _tilde(path: str, home: str) -> str:
    h = home.rstrip("/")
    return "~" + path[len(h) :] if h and (path == h or path.startswith(h + "/")) else path


def _ide_label(sa: StartupAnalysis) -> str:
    return variant_label(sa.shell, "vscode")


def _what(div: Divergence, home: str) -> str:
    if div.variable == "PATH":
        names = ", ".join(_tilde(e, home) for e in div.entries)
        return f"PATH entr{'y' if len(div.entries) == 1 else 'ies'} {names}"
    return div.variable


def s001_fix(sa: StartupAnalysis, div: Divergence) -> str:
    """Where to move the line so the IDE's start-up runs it too."""
    home = sa.home
    if div.origin is None:
        return (
            f"Set {div.variable} in a file the IDE's start-up ({_ide_label(sa)}) reads: "
            + {
                "bash": "~/.profile (sourced by ~/.bash_profile)",
                "zsh": "~/.zprofile or ~/.zshenv",
                "fish": "config.fish outside any `if status` block, or `set -Ux`",
            }.get(sa.kind, "~/.profile")
            + "; then restart the IDE."
        )
    file = div.origin.file
    base = os.path.basename(file)
    line = f"{_tilde(file, home)}:{div.origin.line}"
    if sa.kind == "bash":
        if base == ".bashrc" and not sa.login_sources_bashrc:
            login = _tilde(sa.bash_login_file, home) if sa.bash_login_file else "~/.bash_profile"
            return (
                f"{login} does not source ~/.bashrc, and bash login shells (what the IDE resolves) "
                f"read only {login}: add `[ -f ~/.bashrc ] && . ~/.bashrc` to it, or move line "
                f"{line} to ~/.profile and have {login} source it (`. ~/.profile`). Restart the IDE."
            )
        return (
            f"Line {line} runs in your terminal but not in `{_ide_label(sa)}`: {GUARD_HINT}. "
            "Move it above the guard, or into ~/.profile (sourced by ~/.bash_profile). Restart the IDE."
        )
    if sa.kind == "zsh":
        return (
            f"Line {line} does not run when the IDE resolves your environment ({_ide_label(sa)}): "
            + ("" if base in (".zshenv", ".zprofile") else f"{GUARD_HINT}. ")
            + "Move it from ~/.zshrc to ~/.zprofile (login shells) or ~/.zshenv (every zsh), "
            "above any early return. Restart the IDE."
        )
    if sa.kind == "fish":
        return (
            f"Line {line} does not run in `{_ide_label(sa)}`: move it out of any "
            "`if status is-interactive`/`is-login` block or early `return` in that file, or make it "
            "universal (`set -Ux`, `fish_add_path`). Restart the IDE."
        )
    return f"Make sure the IDE's start-up ({_ide_label(sa)}) runs line {line}, e.g. from ~/.profile."


@rule(
    "S001",
    "interactive-only-setting",
    "A variable or PATH entry is set only where the IDE's start-up does not look",
    Severity.WARNING,
    """
    Your terminal is an interactive shell (bash: ~/.bashrc; zsh: ~/.zshrc); a GUI-launched
    IDE resolves your environment once, from a login shell (`$SHELL -i -l -c ...` in VS
    Code).  bash login shells read ~/.bash_profile (or ~/.bash_login, ~/.profile) and
    not ~/.bashrc unless told to; any rc file may also skip lines behind a guard
    (`[[ -n $VSCODE_RESOLVING_ENVIRONMENT ]] && return`, `[[ -o login ]]`).  Whatever
    such a line sets exists in your terminal and nowhere in the IDE.  ideaudit traces
    your start-up (bash and zsh xtrace, fish by reading config.fish and conf.d) and
    names the file and line.
    """,
    "Move the line to a file the login shell reads (~/.profile sourced by ~/.bash_profile; "
    "~/.zprofile or ~/.zshenv), or make ~/.bash_profile source ~/.bashrc; restart the IDE.",
    needs=SHELL,
)
def interactive_only(audit: Audit) -> Iterator[Finding]:
    sa = audit.startup
    if sa is None:
        return
    ide = _ide_label(sa)
    terminal = variant_label(sa.shell, "terminal")
    for div in sa.divergences:
        what = _what(div, sa.home)
        where = f", set by {_tilde(div.origin.file, sa.home)}:{div.origin.line}" if div.origin else ""
        also = [v for v in div.missing_in if v != ide]
        tail = f"; also missing in {', '.join(also)}" if also else ""
        if div.variable == "PATH":
            verb = "is" if len(div.entries) == 1 else "are"
            msg = (
                f"{what} {verb} in your terminal ({terminal}) but not in what the IDE gets "
                f"({ide}){where}{tail}"
            )
            ctx_value, shell_value = div.ide_value, div.terminal_value
        else:
            state = "unset" if div.ide_value is None else f"{show(div.ide_value)}"
            msg = (
                f"{what} is {show(div.terminal_value)} in your terminal ({terminal}) but {state} in what "
                f"the IDE gets ({ide}){where}{tail}"
            )
            ctx_value, shell_value = div.ide_value, div.terminal_value
        yield finding(
            "S001",
            Severity.WARNING,
            msg,
            _ctx(audit),
            fix=s001_fix(sa, div),
            location=div.origin,
            variable=div.variable,
            context_value=ctx_value,
            shell_value=shell_value,
        )


@rule(
    "S002",
    "go-shadowed",
    "An alias or function named `go` shadows the go binary in interactive shells",
    Severity.WARNING,
    """
    `alias go=...` or a `go` function (fish: `functions/go.fish`) runs in your terminal
    instead of the `go` binary: it may add flags, switch versions or wrap the command.
    The IDE, gopls, the debugger and scripts run the binary itself, so what you test
    by hand is not what they run.
    """,
    "Remove the alias/function, or give it another name (`alias gob='go build'`).",
    needs=SHELL,
)
def go_shadowed(audit: Audit) -> Iterator[Finding]:
    sa = audit.startup
    if sa is None:
        return
    for line in sa.lines:
        if line.kind not in ("alias-go", "function-go"):
            continue
        kind = "an alias" if line.kind == "alias-go" else "a function"
        yield finding(
            "S002",
            Severity.WARNING,
            f"{_tilde(line.location.file, sa.home)}:{line.location.line} defines {kind} `go` that "
            "shadows the go binary in your terminal; the IDE and its tools run the binary",
            _ctx(audit),
            fix="Rename it (e.g. `gow`) so `go` means the same binary everywhere, and put any flags "
            "it adds into GOFLAGS where the IDE sees them too.",
            location=line.location,
        )


@rule(
    "S003",
    "slow-startup",
    "The login shell takes more than half the IDE's resolution timeout to start",
    Severity.WARNING,
    """
    VS Code waits `application.shellEnvironmentResolutionTimeout` (10 s) for your login
    shell and then silently carries on with its own environment.  A start-up that
    already takes more than half of that fails on a busy machine or a cold disk.
    """,
    "Make slow parts lazy or skip them when VSCODE_RESOLVING_ENVIRONMENT is set (but keep "
    "PATH/GOPATH lines above such a guard).",
    needs=SHELL,
)
def slow_startup(audit: Audit) -> Iterator[Finding]:
    sa = audit.startup
    if sa is None or sa.ide is None or not sa.ide.ok or sa.ide.cached:
        return
    if sa.ide.duration <= sa.timeout / 2:
        return
    yield finding(
        "S003",
        Severity.WARNING,
        f"`{_ide_label(sa)}` took {sa.ide.duration:.1f} s to start, more than half of the IDE's "
        f"{sa.timeout:.0f} s timeout",
        _ctx(audit),
        fix=f"Find the slow line with `{_ide_label(sa)} -x -c exit` and make it lazy or guard it.",
    )


@rule(
    "S004",
    "noisy-startup",
    "The shell start-up prints to stdout",
    Severity.INFO,
    """
    A start-up that prints (a banner, `echo`, a version manager's notice) pollutes the
    output of every non-interactive use of the shell: `ssh host cmd`, scp and rsync
    break, and tools that read an environment from a shell's stdout get garbage.
    """,
    "Print only when interactive (`[[ $- == *i* ]]`, fish `status is-interactive`), to stderr.",
    needs=SHELL,
)
def noisy_startup(audit: Audit) -> Iterator[Finding]:
    sa = audit.startup
    if sa is None:
        return
    noisy = {variant_label(sa.shell, p): s.stdout_bytes for p, s in sa.variants.items() if s.stdout_bytes}
    if sa.ide is not None and sa.ide.stdout_bytes:
        noisy[_ide_label(sa) + " (VS Code)"] = sa.ide.stdout_bytes
    if not noisy:
        return
    detail = ", ".join(f"{k} ({n} bytes)" for k, n in noisy.items())
    yield finding(
        "S004",
        Severity.INFO,
        f"your shell start-up prints to stdout: {detail}",
        _ctx(audit),
        fix="Guard output with an interactive check and send it to stderr (`>&2`).",
    )


@rule(
    "S005",
    "failing-startup-variant",
    "A way of starting your shell fails",
    Severity.WARNING,
    """
    Your terminal and the IDE's resolution work, but another start-up (a login
    non-interactive shell as a desktop session or GoLand with fish start it, or a plain
    `$SHELL -c` as scripts and `ssh host cmd` do) exits with an error or hangs, so
    programs started that way get no environment from your dotfiles.
    """,
    "Run the shown command with `-x` to find the failing line and guard it.",
    needs=SHELL,
)
def failing_variant(audit: Audit) -> Iterator[Finding]:
    sa = audit.startup
    if sa is None or not sa.terminal.ok or sa.ide is None or not sa.ide.ok:
        return
    for profile, snap in sa.variants.items():
        if snap.ok and snap.exit_status in (0, None):
            continue
        label = variant_label(sa.shell, profile)
        why = snap.error or f"exited with status {snap.exit_status}"
        yield finding(
            "S005",
            Severity.WARNING,
            f"`{label} -c ...` ({VARIANT_USES[profile]}) {why} after {snap.duration:.1f} s",
            _ctx(audit),
            fix=f"Run `{label} -x -c exit` to see the failing line, and guard it.",
        )


@rule(
    "S006",
    "static-goroot-with-version-manager",
    "GOROOT is exported as a fixed path while a version manager manages Go",
    Severity.WARNING,
    """
    asdf, mise, goenv and gvm switch Go versions by changing PATH (shims) or GOROOT per
    directory.  A GOROOT exported as a literal path pins every go to that one
    installation's standard library: switching versions then gives "go: version does
    not match go tool version" or builds with the wrong library.
    """,
    "Remove the `export GOROOT=...` line: go finds its own GOROOT, and the version manager "
    "sets it when it must.",
    needs=SHELL,
)
def static_goroot(audit: Audit) -> Iterator[Finding]:
    sa = audit.startup
    if sa is None:
        return
    managers = sorted({line.detail for line in sa.lines if line.kind == "version-manager"})
    if not managers and sa.shims_on_path:
        managers = ["a version manager (shims on PATH)"]
    if not managers or "GOROOT" not in sa.terminal.env:
        return
    for line in sa.lines:
        if line.kind != "goroot-static":
            continue
        yield finding(
            "S006",
            Severity.WARNING,
            f"{_tilde(line.location.file, sa.home)}:{line.location.line} exports GOROOT={line.detail} "
            f"while {', '.join(managers)} manages Go",
            _ctx(audit),
            fix="Delete this line; let the version manager (or go itself) decide GOROOT.",
            location=line.location,
            variable="GOROOT",
            shell_value=sa.terminal.env.get("GOROOT"),
        )


def _entry_where(wheres: list[str], sa: StartupAnalysis) -> str:
    words = {
        "terminal": f"your terminal ({variant_label(sa.shell, 'terminal')})",
        "ide": f"the IDE's environment ({_ide_label(sa)})",
    }
    return " and ".join(words[w] for w in wheres)


def _by_entry(sa: StartupAnalysis, keep: Callable[[PathEntry], bool]) -> list[tuple[PathEntry, list[str]]]:
    """One item per PATH entry (terminal and IDE together), the first record kept."""
    grouped: dict[str, tuple[PathEntry, list[str]]] = {}
    for p in sa.path_entries:
        if not keep(p):
            continue
        if p.entry in grouped:
            grouped[p.entry][1].append(p.where)
        else:
            grouped[p.entry] = (p, [p.where])
    return list(grouped.values())


@rule(
    "S007",
    "duplicate-path-entry",
    "A PATH entry appears more than once",
    Severity.INFO,
    """
    Usually a start-up file that prepends to PATH and runs twice (~/.profile sourced by
    both ~/.bash_profile and ~/.bashrc, a nested shell).  Harmless alone, but it hides
    which copy wins and keeps growing with every nested shell.
    """,
    'Guard the line (`case ":$PATH:" in *":$dir:"*) ;; *) PATH=$dir:$PATH;; esac`, zsh '
    "`typeset -U path`, fish `fish_add_path`).",
    needs=SHELL,
)
def duplicate_path_entry(audit: Audit) -> Iterator[Finding]:
    sa = audit.startup
    if sa is None:
        return
    for p, wheres in _by_entry(sa, lambda p: p.count > 1):
        yield finding(
            "S007",
            Severity.INFO,
            f"PATH entry {_tilde(p.entry, sa.home)} appears {p.count} times in {_entry_where(wheres, sa)}",
            _ctx(audit),
            fix='Add the entry only when it is missing (a `case ":$PATH:"` guard, `typeset -U path`, '
            "or `fish_add_path`).",
            location=p.origin,
            variable="PATH",
        )


@rule(
    "S008",
    "missing-path-entry",
    "A PATH entry is not an existing directory",
    Severity.INFO,
    """
    A start-up file adds a directory that does not exist: a Go that was uninstalled or
    upgraded (`/usr/local/go1.20/bin`), a typo, a GOPATH/bin never created.  Commands
    then resolve to another copy further down PATH, or are not found.
    """,
    "Remove the entry or correct the path.",
    needs=SHELL,
)
def missing_path_entry(audit: Audit) -> Iterator[Finding]:
    sa = audit.startup
    if sa is None:
        return
    for p, wheres in _by_entry(sa, lambda p: not p.exists):
        yield finding(
            "S008",
            Severity.INFO,
            f"PATH entry {_tilde(p.entry, sa.home)} in {_entry_where(wheres, sa)} does not exist",
            _ctx(audit),
            fix="Remove it from the start-up file or correct it to the directory that holds the tools.",
            location=p.origin,
            variable="PATH",
        )

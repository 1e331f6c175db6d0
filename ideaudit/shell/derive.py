"""The terminal's environment without a second run of the slow part of your start-up.

A cold scan needs your terminal (``bash -i``, ``zsh -i``: the reference) and the IDE's
model (``$SHELL -i -l``, VS Code's resolution).  Both read the interactive rc file
(``.bashrc``, ``.zshrc``), which is where oh-my-zsh, compinit, nvm and conda live: on a
busy machine two CPU-bound start-ups cost twice one, however they are overlapped.  So
when the start-up files show that the two runs differ only by files we can measure
separately, the terminal is *derived* instead of run:

    terminal = IDE model - what the login-only files did

What the login-only files did is measured by the cheap runs that skip the interactive
rc file: ``$SHELL -l`` (login, not interactive: bash's ``.bashrc`` returns at its
``case $- in *i*)`` guard, zsh does not read ``.zshrc``) against the start-up that reads
neither (bash: the session environment; zsh: ``zsh -c``, which reads ``.zshenv``).  A
variable the login files changed goes back to its value before them; PATH loses the
entries they added and keeps, in place, the ones the rc file added; everything else is
the IDE model's exact value.  fish reads the same files in every mode: its terminal is
the IDE model whenever no file tests ``status is-login``.

That is only equal to a real run when the files are independent, so the plan
(:func:`terminal_plan`, before anything runs) reads the start-up files -- and the
files they source by a literal path -- and declines when:

* a file the terminal also reads tests for a login shell (``shopt -q login_shell``,
  ``[[ -o login ]]``, ``$0``, ``status is-login``) or names an IDE's marker variable;
* a login-only file tests for an interactive shell (``$-``, ``$PS1``,
  ``[[ -o interactive ]]``, a tty), except a ``$PS1`` block that only sources the
  interactive rc files (Debian's ``/etc/profile``), or runs code it cannot read
  (``eval``, ``source "$DIR/x.sh"``);
* (bash) an interactive rc file is not sourced by the login files, or does not return
  at once when not interactive (then ``bash -l`` ran it too and the two cannot be told
  apart).

Code the files run but cannot be read ahead (``source $ZSH/oh-my-zsh.sh``, nvm's
``. "$NVM_DIR/nvm.sh"`` in an rc file) is trusted not to test for a login shell or an
IDE's marker: the frameworks we know do not.

The derivation itself (:func:`derive_terminal`, after the runs) declines when the
measured environments show an overlap: a login file changed a variable the rc file
mentions, the rc file changed one the login file reads, a PATH entry both add, the
rc file removed a login entry, or the start-up printed, failed or timed out.  A
declined derivation means a real terminal run, as before: never a guess.
tests/test_derive.py checks the derived environments against real runs over the
sample workspaces' homes and real-world dotfile shapes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence

from ideaudit._fast.lazyre import lazy_re
from ideaudit.model import ShellSnapshot
from ideaudit.shell.profiles import ALL_MARKERS, NOISE, mode, shell_argv, shell_kind, startup_files

__all__ = ["Plan", "derive_terminal", "login_is_plain", "terminal_plan"]

#: Tests for a login shell, in sh/bash/zsh and fish syntax.
_LOGIN_TEST = lazy_re(
    r"login_shell|-o\s+login\b|\[\[\s*-o\s+login|\$\{?0\b|is-login|status\s+(?:-l|--login)\b"
    r"|options\[login\]"
)
#: Tests for an interactive shell.
_INTERACTIVE_TEST = lazy_re(
    r"\$\{?-|\bPS1\b|-o\s+interactive|is-interactive|status\s+(?:-i|--interactive)\b"
    r"|\btty\b|-t\s+[012]\b|options\[interactive\]"
)
#: An rc file's first statement that returns unless interactive.
_GUARD = lazy_re(
    r"""^\s*(?:
        case\s+"?\$-"?\s+in\s+\*i\*\)\s*;;\s*\*\)\s*return\b
      | \[\[?\s*-z\s+"?\$\{?PS1\}?"?\s*\]\]?\s*&&\s*return\b
      | \[\[\s*"?\$-"?\s*!=\s*\*i\*\s*\]\]\s*&&\s*return\b
      | \[\[\s*"?\$-"?\s*==?\s*\*i\*\s*\]\]\s*\|\|\s*return\b
      | if\s+\[\[\s*"?\$-"?\s*!=\s*\*i\*\s*\]\]\s*;\s*then\s+return\b
      | \[\[\s*-o\s+interactive\s*\]\]\s*\|\|\s*return\b
    )""",
    re.VERBOSE,
)
_SOURCE = lazy_re(
    r"""(?:^\s*|[;&|{('"]\s*|\bthen\s+|\belse\s+|\bdo\s+)(?:source|\.)\s+(?P<arg>"[^"]*"|'[^']*'|[^\s;|&)]+)""",
    re.MULTILINE,
)
_FOR_GLOB = lazy_re(r"\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\s+(/[^\s;$`]*\*[^\s;$`]*)")
_LOOP_VAR = lazy_re(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
_EVAL = lazy_re(r"(?:^|[;&|{(\s])eval\b", re.MULTILINE)
_IF_OPEN = lazy_re(r"^\s*if\b")
_FI = lazy_re(r"^\s*fi\b")
_NEUTRAL_IN_PS1_BLOCK = lazy_re(r"^\s*(?:#.*|if\b.*|then\b.*|else\b.*|elif\b.*|fi\b.*|PS1=.*|PS2=.*|)$")

#: Files fish itself ships: its login block only runs macOS's path_helper.
_PATH_HELPER = "/usr/libexec/path_helper"


class Plan:
    """What deriving the terminal needs: the runs to measure the login files with
    (``login``, and ``plain`` for zsh), and what the derivation reads afterwards."""

    __slots__ = ("kind", "lg_text", "needs", "rc_text")

    def __init__(self, kind: str, needs: tuple[str, ...], rc_text: str, lg_text: str) -> None:
        self.kind = kind
        self.needs = needs
        self.rc_text = rc_text
        self.lg_text = lg_text


# --------------------------------------------------------------------------- reading


def _strip_comments(text: str) -> str:
    """Lines without their ``#`` comments (a ``#`` after a word character, as in
    ``$#`` or ``a#b``, is kept)."""
    out = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("#"):
            out.append("")
            continue
        out.append(re.sub(r"(?:^|(?<=\s))#.*$", "", line))
    return "\n".join(out)


def _read(path: str) -> str | None:
    from ideaudit.sources.saferead import read_text

    try:
        return _strip_comments(read_text(path, "startup", errors="replace"))
    except OSError:
        return None


def _glob(pattern: str) -> list[str]:
    """The files a literal glob in a start-up file names (``/etc/profile.d/*.sh``)."""
    import glob

    return sorted(glob.glob(pattern))


def _expand(arg: str, home: str, zdotdir: str) -> str | None:
    """A sourced path with ``~``/``$HOME``/``$ZDOTDIR`` expanded; None if it stays dynamic."""
    arg = arg.strip("\"'")
    if arg == "~" or arg.startswith("~/"):
        arg = home + arg[1:]
    for name, value in (("HOME", home), ("ZDOTDIR", zdotdir)):
        arg = arg.replace("${" + name + "}", value).replace("$" + name, value)
    if "$" in arg or "`" in arg or "*" in arg or not os.path.isabs(arg):
        return None
    return arg


class _Closure:
    """Files and what they source by a literal path (depth 3), read once."""

    def __init__(self, files: Iterable[str], home: str, zdotdir: str, skip: Iterable[str] = ()) -> None:
        self.texts: dict[str, str] = {}
        self.sourced: set[str] = set()
        self.dynamic = False  # an eval, or a source whose path we cannot know
        self.unreadable = False
        skip_set = set(skip)
        todo = [(f, 0) for f in files if os.path.isfile(f)]
        while todo:
            path, depth = todo.pop(0)
            if path in self.texts or path in skip_set:
                continue
            text = _read(path)
            if text is None:
                self.unreadable = True
                continue
            self.texts[path] = text
            if _EVAL.search(text):
                self.dynamic = True
            loops = {m[1]: m[2] for m in _FOR_GLOB.finditer(text)}
            for m in _SOURCE.finditer(text):
                arg = m["arg"].strip("\"'")
                loop = _LOOP_VAR.fullmatch(arg)
                if loop is not None and loop[1] in loops:  # for i in /etc/profile.d/*.sh; do . $i
                    targets = _glob(loops[loop[1]])
                else:
                    target = _expand(arg, home, zdotdir)
                    if target is None:
                        self.dynamic = True
                        continue
                    targets = [target]
                for target in targets:
                    self.sourced.add(target)
                    if depth < 3 and target not in skip_set and os.path.isfile(target):
                        todo.append((target, depth + 1))

    @property
    def text(self) -> str:
        return "\n".join(self.texts.values())


def _guarded(path: str) -> bool:
    """Whether ``path``'s first statement returns unless the shell is interactive."""
    text = _read(path)
    if text is None:
        return False
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head = " ".join(lines[:4])  # skel's guard spans four lines: case $- in / *i*) ;; / ...
    return bool(_GUARD.match(head))


def _interactive_tests_ok(text: str, rc_files: Sequence[str]) -> bool:
    """No interactive test in login-only ``text``, except ``if`` blocks on ``$PS1``
    whose body only sources the interactive rc files or sets the prompt."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not _INTERACTIVE_TEST.search(line):
            i += 1
            continue
        if not (_IF_OPEN.match(line) and "PS1" in line):
            return False
        depth, i = 1, i + 1
        while i < len(lines) and depth:
            body = lines[i]
            if _IF_OPEN.match(body):
                depth += 1
            elif _FI.match(body):
                depth -= 1
            elif not _NEUTRAL_IN_PS1_BLOCK.match(body):
                m = _SOURCE.search(body)
                if m is None or m["arg"].strip("\"'") not in rc_files:
                    return False
            i += 1
    return True


# --------------------------------------------------------------------------- planning


def terminal_plan(shell: str, home: str, base: Mapping[str, str]) -> Plan | None:
    """How to derive the terminal from the IDE model, or None when it must run.

    Reads the start-up files only (runs nothing): see the module docstring for when
    it declines."""
    kind = shell_kind(shell)
    zdotdir = base.get("ZDOTDIR") or home
    t_files = startup_files(shell, home, "terminal", base)
    v_files = startup_files(shell, home, "vscode", base)
    if mode(shell, "terminal") == mode(shell, "vscode"):  # macOS: only the marker differs
        closure = _Closure(t_files, home, zdotdir)
        if closure.unreadable or closure.dynamic or _marker(closure.text):
            return None
        return Plan(kind, (), closure.text, "")
    if kind == "fish":
        return _fish_plan(t_files, home, zdotdir, base)
    if kind == "bash":
        return _bash_plan(t_files, v_files, home, zdotdir, base)
    if kind == "zsh":
        return _zsh_plan(shell, home, base, zdotdir)
    return None


def _marker(text: str) -> bool:
    return any(name in text for name in ALL_MARKERS)


def _fish_plan(files: Sequence[str], home: str, zdotdir: str, base: Mapping[str, str]) -> Plan | None:
    if os.path.exists(_PATH_HELPER):  # fish's own config.fish sets PATH in login shells
        return None
    own = {f for f in files if f.endswith("/share/fish/config.fish")}
    own |= {f for f in files if f.endswith("/00debian-profile.fish") and _debian_profile_noop(f, base)}
    closure = _Closure([f for f in files if f not in own], home, zdotdir)
    if closure.unreadable or closure.dynamic:
        return None
    text = closure.text
    if _marker(text) or _LOGIN_TEST.search(text):
        return None
    return Plan("fish", (), text, "")


def _debian_profile_noop(path: str, base: Mapping[str, str]) -> bool:
    """Debian's fish vendor file appends the system folders to PATH in login shells
    (``fish_add_path -aP``, which skips a folder already there): a no-op when the
    session PATH holds them all."""
    text = _read(path)
    if text is None:
        return False
    have = set(_entries(base.get("PATH")))
    frames: list[tuple[bool, bool]] = []  # (active, an `id -u` test whose else flips it)
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] == "if":
            uid_test = "id -u)" in line and line.rstrip().endswith("= 0")
            frames.append(((os.getuid() == 0) if uid_test else True, uid_test))
        elif words[0] == "else":
            if frames and frames[-1][1]:
                frames[-1] = (not frames[-1][0], True)
        elif words[0] == "end":
            if frames:
                frames.pop()
        elif words[0] == "fish_add_path":
            if all(active for active, _ in frames) and not all(
                w in have for w in words[1:] if not w.startswith("-")
            ):
                return False
        else:
            return False
    return True


def _bash_plan(
    t_files: Sequence[str], v_files: Sequence[str], home: str, zdotdir: str, base: Mapping[str, str]
) -> Plan | None:
    if "BASH_ENV" in base:
        return None
    rc = [f for f in t_files if os.path.isfile(f)]
    rc_closure = _Closure(rc, home, zdotdir)
    lg_closure = _Closure(v_files, home, zdotdir, skip=rc)
    if rc_closure.unreadable or lg_closure.unreadable or lg_closure.dynamic:
        return None
    rc_text, lg_text = rc_closure.text, lg_closure.text
    if _marker(rc_text) or _marker(lg_text) or _LOGIN_TEST.search(rc_text):
        return None
    for f in rc:  # run by the IDE's login shell (through ~/.profile), skipped by `bash -l`
        if f not in lg_closure.sourced or not _guarded(f):
            return None
    if not _interactive_tests_ok(lg_text, rc):
        return None
    return Plan("bash", ("login",), rc_text, lg_text)


def _zsh_plan(shell: str, home: str, base: Mapping[str, str], zdotdir: str) -> Plan | None:
    plain = startup_files(shell, home, "plain", base)  # the zshenv files
    t_files = startup_files(shell, home, "terminal", base)
    login = startup_files(shell, home, "login", base)
    rc = [f for f in t_files if f not in plain]
    lg = [f for f in login if f not in plain]
    common = _Closure(plain, home, zdotdir)
    rc_closure = _Closure(rc, home, zdotdir)
    lg_closure = _Closure(lg, home, zdotdir)
    if common.unreadable or rc_closure.unreadable or lg_closure.unreadable or lg_closure.dynamic:
        return None
    c_text, rc_text, lg_text = common.text, rc_closure.text, lg_closure.text
    if any(_marker(t) for t in (c_text, rc_text, lg_text)):
        return None
    if _LOGIN_TEST.search(c_text) or _INTERACTIVE_TEST.search(c_text) or _LOGIN_TEST.search(rc_text):
        return None
    if _INTERACTIVE_TEST.search(lg_text):
        return None
    if not lg_text.strip():  # no login-only file does anything: the IDE model is the terminal
        return Plan("zsh", (), rc_text, "")
    return Plan("zsh", ("login", "plain"), rc_text, lg_text)


def login_is_plain(shell: str, home: str, base: Mapping[str, str]) -> bool:
    """Whether ``zsh -l`` is ``zsh -c`` here: the login-only files (``zprofile``,
    ``zlogin``) are missing or only comments, and the ``zshenv`` files both read do not
    test for a login shell.  Then one run stands for both variants."""
    if shell_kind(shell) != "zsh":
        return False
    zdotdir = base.get("ZDOTDIR") or home
    plain = startup_files(shell, home, "plain", base)
    lg = [f for f in startup_files(shell, home, "login", base) if f not in plain]
    common, lg_closure = _Closure(plain, home, zdotdir), _Closure(lg, home, zdotdir)
    if common.unreadable or common.dynamic or lg_closure.unreadable or lg_closure.text.strip():
        return False
    return not _LOGIN_TEST.search(common.text) and not _marker(common.text)


# --------------------------------------------------------------------------- deriving


def _entries(value: str | None) -> list[str]:
    return [e for e in (value or "").split(":") if e]


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text) is not None


def _reads(text: str, name: str) -> bool:
    return re.search(rf"\$\{{?{re.escape(name)}(?![A-Za-z0-9_])", text) is not None


def _path_forms(entry: str, home: str) -> list[str]:
    """How a start-up file may spell a PATH entry (literally, or under $HOME/~)."""
    forms = [entry]
    h = home.rstrip("/")
    if h and entry.startswith(h + "/"):
        rest = entry[len(h) :]
        forms += ["~" + rest, "$HOME" + rest, "${HOME}" + rest]
    return forms


def _derive_path(v: list[str], login: list[str], c: list[str], rc_text: str, home: str) -> list[str] | None:
    """The terminal's PATH: what the rc file added (around the entries the IDE model
    got from the login files) put around the PATH before them, or None if ambiguous."""
    from collections import Counter

    cv, cl = Counter(v), Counter(login)
    if any(cv[e] < n for e, n in cl.items()):  # the rc file removed a login entry
        return None
    c_set = set(c)
    for e in cl:
        if e not in c_set and cv[e] > cl[e]:
            return None  # both added it: which copy is whose?
        if e not in c_set and any(form in rc_text for form in _path_forms(e, home)):
            return None  # the rc file names it too (and may have kept one copy)
        if ("typeset -U" in rc_text or "typeset -aU" in rc_text) and e not in c_set:
            return None  # the rc file keeps one copy of each entry
    seen: Counter[str] = Counter()
    added: list[tuple[int, str]] = []  # (position in v, entry) of what the rc file added
    anchors: list[int] = []
    for i, e in enumerate(v):
        seen[e] += 1
        if seen[e] > cl[e]:
            added.append((i, e))
        elif e in c_set:
            anchors.append(i)
    if not anchors:
        return None if added else list(c)
    first, last = anchors[0], anchors[-1]
    if any(first < i < last for i, _ in added):
        return None  # inserted in the middle: not a prepend or an append
    return [e for i, e in added if i < first] + list(c) + [e for i, e in added if i > last]


def derive_terminal(
    shell: str,
    home: str,
    base: Mapping[str, str],
    plan: Plan,
    snaps: Mapping[str, ShellSnapshot],
) -> ShellSnapshot | None:
    """The terminal's snapshot from the IDE model and the runs ``plan`` asked for;
    None when the measured environments overlap (run the terminal then)."""
    v = snaps.get("vscode")
    if v is None or not v.ok or v.exit_status != 0:
        return None
    env: dict[str, str]
    if not plan.needs:  # the same files in the same way: the IDE model's environment
        env = dict(v.env)
    else:
        login = snaps.get("login")
        if login is None or not login.ok or login.exit_status != 0:
            return None
        if "plain" in plan.needs:
            plain = snaps.get("plain")
            if plain is None or not plain.ok or plain.exit_status != 0:
                return None
            c: Mapping[str, str] = plain.env
        else:
            c = {k: val for k, val in base.items() if k not in NOISE and k not in ALL_MARKERS}
        if login.stdout_bytes and v.stdout_bytes:
            return None  # whose output is it?
        derived = _derive_env(v.env, login.env, c, plan, home)
        if derived is None:
            return None
        env = derived
    return ShellSnapshot(
        shell=shell,
        profile="terminal",
        argv=tuple(shell_argv(shell, "terminal", v.argv[-1] if v.argv else "")),
        env=env,
        duration=v.duration,
        exit_status=0,
        stdout_bytes=v.stdout_bytes,
        stderr_bytes=v.stderr_bytes,
        startup_files=tuple(startup_files(shell, home, "terminal", base)),
        derived_from="vscode",
    )


def _derive_env(
    v: Mapping[str, str], login: Mapping[str, str], c: Mapping[str, str], plan: Plan, home: str
) -> dict[str, str] | None:
    env: dict[str, str] = {}
    for name in {*v, *login, *c}:
        if name == "PATH":
            continue
        rc_changed = v.get(name) != login.get(name)
        lg_changed = login.get(name) != c.get(name)
        if rc_changed and _reads(plan.lg_text, name):
            return None  # a login file read what the rc file set before it
        if lg_changed:
            if rc_changed or _mentions(plan.rc_text, name):
                return None
            value = c.get(name)
        else:
            value = v.get(name)
        if value is not None:
            env[name] = value
    path = _derive_path(
        _entries(v.get("PATH")), _entries(login.get("PATH")), _entries(c.get("PATH")), plan.rc_text, home
    )
    if path is None:
        return None
    if path or "PATH" in v:
        env["PATH"] = ":".join(path)
    return env

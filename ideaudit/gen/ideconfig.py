"""``ideaudit gen``: IDE configuration written from your login shell's environment.

``gen launch`` makes a ``type: go`` launch configuration whose ``env`` carries exactly
what the debuggee needs from the login shell and lacks in the IDE: PATH as
``<missing dirs>:${env:PATH}`` (directories under $HOME as ``${userHome}/...``), and
GOROOT, GOPATH, GOFLAGS, GOPROXY, ... only where they differ (``null`` removes one the
IDE has and the shell does not; VS Code drops such a variable).  ``gen envfile`` writes
the same as a dotenv file, ``gen settings`` as ``go.toolsEnvVars``/``go.testEnvVars``
blocks, ``gen goland-run`` as a GoLand ``.run/<name>.run.xml``.

Secret-looking variables are never copied unless named with ``--include VAR``.
Nothing here runs a binary the workspace names; the environments come from the same
scan pipeline (the shell is captured, the IDE environment modelled or read).

The command line lives in :mod:`ideaudit.cli.gen`; this module only computes the
configuration and writes it (atomically, with a backup, as ``--fix`` does).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ideaudit.errors import UsageError
from ideaudit.go.variables import GO_SETTINGS

if TYPE_CHECKING:
    from ideaudit.model import Context
    from ideaudit.pipeline import ScanResult

# What a Go build/run depends on, compared between the shell and the IDE (PATH apart).
GEN_VARS = GO_SETTINGS
_PATHLIKE = ("GOROOT", "GOPATH", "GOBIN")
INHERITED = "\0inherited"  # where the inherited PATH goes in a generated PATH


def _path_text(dirs: list[str], home: str, marker: str, inherited: str) -> str:
    return ":".join(inherited if d == INHERITED else _under_home(d, home, marker) for d in dirs)


class GenError(UsageError):
    """A usage problem (no shell environment, a file that cannot be written)."""


# -- environments --------------------------------------------------------------------


def _split(value: str | None) -> list[str]:
    return [p for p in (value or "").split(os.pathsep) if p]


def _under_home(path: str, home: str, marker: str) -> str:
    h = home.rstrip("/")
    if h and (path == h or path.startswith(h + "/")):
        return marker + path[len(h) :]
    return path


def _is_secret(name: str, value: str) -> bool:
    from ideaudit.redact import is_secret_name, looks_like_secret_value

    return is_secret_name(name) or looks_like_secret_value(value)


def _first_go(dirs: Sequence[str]) -> str | None:
    for d in dirs:
        candidate = os.path.join(d, "go")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return os.path.realpath(candidate)
    return None


def needed_env(
    shell: Context,
    base: Mapping[str, str],
    inherited_path: str | None,
    include: Iterable[str] = (),
) -> tuple[list[str] | None, dict[str, str | None], list[str]]:
    """What a process started from ``base`` needs to look like the shell.

    Returns (PATH directories to put before the inherited PATH, or ``None`` when PATH
    needs no entry; variables to set (``None``: remove); names skipped because they look
    secret).  ``inherited_path`` is what
    ``${env:PATH}`` (or ``$PATH``) will expand to.
    """
    shell_env = shell.env.plain()
    inherited = _split(inherited_path)
    shell_dirs = list(dict.fromkeys(_split(shell_env.get("PATH"))))  # a duplicate is no need
    go = shell.tools.get("go")
    shell_go = os.path.realpath(go.path) if go is not None and go.path else None
    as_is = _split(base.get("PATH"))
    missing: list[str] | None = None
    if any(d not in as_is for d in shell_dirs) or (shell_go and _first_go(as_is) != shell_go):
        # PATH must be set: "<missing>:${env:PATH}", and the shell's go must come first.
        missing = [d for d in shell_dirs if d not in inherited]
        if go is not None and go.path and _first_go([*missing, *inherited]) != shell_go:
            go_dir = os.path.dirname(go.path)
            missing = [go_dir, *[d for d in missing if d != go_dir]]
        # Entries the IDE adds on top of its own PATH (vscode-go's GOROOT/bin) are kept
        # after it, so nothing inherited is dropped and the shell's go still comes first.
        kept = [d for d in as_is if d not in inherited and d not in missing]
        missing = [*missing, INHERITED, *kept]
    values: dict[str, str | None] = {}
    skipped: list[str] = []
    included = set(include)
    from ideaudit.redact import env_secrets

    known = env_secrets([shell.env.vars])  # a secret copied under a neutral name stays out too
    for name in (*GEN_VARS, *sorted(included - set(GEN_VARS))):
        want = shell_env.get(name)
        have = base.get(name)
        if (want or None) == (have or None) and name not in included:
            continue
        if want is not None and (_is_secret(name, want) or want in known) and name not in included:
            skipped.append(name)
            continue
        if want is None and name in included:
            continue
        values[name] = want
    return missing, values, skipped


def _contexts(result: ScanResult) -> tuple[Context, Context, str]:
    audit = result.audit
    if audit.shell is None:
        raise GenError(
            "the login shell could not be captured; nothing to generate from (see `ideaudit scan`)"
        )
    tools = next((c for c in audit.contexts if c.ide == "vscode" and c.kind == "tools"), None)
    if tools is None:
        raise GenError("no VS Code folder found in the workspace")
    return audit.shell, tools, tools.folder or os.path.abspath(".")


def workspace_folder(result: ScanResult) -> str:
    """The VS Code folder generated files go into."""
    return _contexts(result)[2]


def is_git_ignored(folder: str, name: str) -> bool:
    """Whether ``name`` is listed in the folder's .gitignore (a plain line match)."""
    from ideaudit.sources.saferead import read_text

    try:
        text = read_text(os.path.join(folder, ".gitignore"), "config", errors="replace")
        lines = {line.strip().lstrip("/") for line in text.splitlines()}
    except OSError:
        return False
    return name in lines


def launch_configuration(
    result: ScanResult,
    *,
    name: str = "Launch (ideaudit)",
    program: str = "${workspaceFolder}",
    mode: str = "debug",
    cwd: str | None = None,
    include: Iterable[str] = (),
) -> tuple[dict[str, Any], list[str]]:
    """A ``type: go`` launch configuration and the secret names left out."""
    shell, tools, _ = _contexts(result)
    ide_env = result.audit.ide.env if result.audit.ide else {}
    missing, values, skipped = needed_env(shell, tools.env.plain(), ide_env.get("PATH"), include)
    home = result.audit.home
    env: dict[str, Any] = {}
    if missing is not None:
        env["PATH"] = _path_text(missing, home, "${userHome}", "${env:PATH}")
    for var, value in values.items():
        env[var] = _under_home(value, home, "${userHome}") if value and var in _PATHLIKE else value
    config: dict[str, Any] = {
        "name": name,
        "type": "go",
        "request": "launch",
        "mode": mode,
        "program": program,
    }
    if cwd:
        config["cwd"] = cwd
    if env:
        config["env"] = env
    return config, skipped


def envfile_text(result: ScanResult, include: Iterable[str] = ()) -> tuple[str, list[str]]:
    """The same environment as a dotenv file vscode-go reads (``envFile``)."""
    from ideaudit.fixes.vscode import dotenv_line

    shell, tools, _ = _contexts(result)
    missing, values, skipped = needed_env(shell, tools.env.plain(), tools.env.plain().get("PATH"), include)
    home = result.audit.home
    lines = ["# Generated by `ideaudit gen envfile` from your login shell; keep it out of git."]
    if missing is not None:
        # vscode-go expands ${NAME} from the environment the file is loaded into; the
        # home folder is written out (the file is this machine's, kept out of git), so
        # it does not depend on the IDE having HOME.
        lines.append("PATH=" + _path_text(missing, home, home, "${PATH}"))
    for var, value in values.items():
        if value is None:
            # An envFile cannot unset a variable, but go treats an empty one as unset.
            lines.append(f"# {var} is set for the IDE but not in your shell; empty means unset to go")
            lines.append(f"{var}=")
            continue
        line = dotenv_line(var, value)
        lines.append(line if line is not None else f"# {var}: value cannot be written in a dotenv file")
    return "\n".join(lines) + "\n", skipped


def settings_blocks(result: ScanResult, include: Iterable[str] = ()) -> tuple[dict[str, Any], list[str]]:
    """``go.toolsEnvVars`` (reaches gopls, tools, tests and debugging) and ``go.testEnvVars``
    (the ``--include``d variables that are not Go settings, for tests only)."""
    shell, _, _ = _contexts(result)
    ide_env = dict(result.audit.ide.env) if result.audit.ide else {}
    included = list(include)
    go_included = [v for v in included if v in GEN_VARS]
    missing, values, skipped = needed_env(shell, ide_env, ide_env.get("PATH"), go_included)
    home = result.audit.home
    tools: dict[str, Any] = {}
    if missing is not None:
        # vscode-go (resolvePath(substituteEnv(value))) expands "~" only at the very
        # start of the value, so only a first entry under the home folder is written
        # with "~"; later ones are written out.
        text = _path_text(missing, home, home, "${env:PATH}")
        tools["PATH"] = _under_home(text, home, "~")
    for var, value in values.items():
        # vscode-go skips null here, so "" stands for unset (go treats both alike).
        tools[var] = _under_home(value, home, "~") if value and var in _PATHLIKE else (value or "")
    tests: dict[str, Any] = {}
    shell_env = shell.env.plain()
    for var in included:
        if var not in GEN_VARS and var in shell_env:
            tests[var] = shell_env[var]
    blocks: dict[str, Any] = {}
    if tools:
        blocks["go.toolsEnvVars"] = tools
    if tests:
        blocks["go.testEnvVars"] = tests
    return blocks, skipped


def goland_run_xml(
    result: ScanResult,
    *,
    name: str,
    mode: str = "debug",
    cwd: str | None = None,
    include: Iterable[str] = (),
) -> tuple[str, list[str]]:
    """A shared GoLand run configuration (``.run/<name>.run.xml``) with the env it needs.

    GoLand expands ``$NAME$`` in run-configuration environment values from its own
    environment and ``$USER_HOME$``/``$PROJECT_DIR$`` as path macros.
    """
    from xml.sax.saxutils import quoteattr

    shell, _, folder = _contexts(result)
    # What a GoLand run configuration starts from: GoLand's own environment (its tools
    # context when the project is a GoLand one already), never VS Code's settings.
    goland = next((c for c in result.audit.contexts if c.id == "goland:tools"), None)
    base = (
        goland.env.plain() if goland is not None else dict(result.audit.ide.env if result.audit.ide else {})
    )
    missing, values, skipped = needed_env(shell, base, base.get("PATH"), include)
    if goland is None:
        # Not a GoLand project yet, so GoLand's own PATH is unknown (on Linux it is the
        # desktop session's, not VS Code's): put every directory of the shell's PATH
        # before the inherited one, so go is found whatever GoLand inherits.
        dirs = list(dict.fromkeys(_split(shell.env.plain().get("PATH"))))
        missing = [*dirs, INHERITED] if dirs else missing
    home = result.audit.home
    envs: list[tuple[str, str]] = []
    if missing is not None:
        envs.append(("PATH", _path_text(missing, home, "$USER_HOME$", "$PATH$")))
    for var, value in values.items():
        if value is None:
            continue
        envs.append((var, _under_home(value, home, "$USER_HOME$") if var in _PATHLIKE else value))
    test = mode == "test"
    kind = "GoTestRunConfiguration" if test else "GoApplicationRunConfiguration"
    factory = "Go Test" if test else "Go Application"
    workdir = cwd or "$PROJECT_DIR$"
    lines = [
        '<component name="ProjectRunConfigurationManager">',
        f'  <configuration default="false" name={quoteattr(name)} type="{kind}" factoryName="{factory}">',
        f"    <module name={quoteattr(os.path.basename(folder))} />",
        f"    <working_directory value={quoteattr(workdir)} />",
    ]
    if envs:
        lines.append("    <envs>")
        lines.extend(f"      <env name={quoteattr(k)} value={quoteattr(v)} />" for k, v in envs)
        lines.append("    </envs>")
    if test:
        lines.append('    <framework value="gotest" />')
    lines += [
        '    <kind value="DIRECTORY" />',
        '    <directory value="$PROJECT_DIR$" />',
        '    <method v="2" />',
        "  </configuration>",
        "</component>",
    ]
    return "\n".join(lines) + "\n", skipped


# -- writing ------------------------------------------------------------------------


def insert_launch(launch_path: str, config: dict[str, Any]) -> dict[str, tuple[str | None, str]]:
    """The change that adds ``config`` to launch.json (replacing one of the same name),
    keeping the file's comments and formatting."""
    from ideaudit.fixes.apply import apply_edits
    from ideaudit.fixes.jsonc_edit import EditError, JsoncEditor, new_file_text
    from ideaudit.model import Problem
    from ideaudit.sources.jsonc import load_jsonc

    if not os.path.exists(launch_path):
        return {launch_path: (None, new_file_text({"version": "0.2.0", "configurations": [config]}))}
    doc = load_jsonc(launch_path)
    if isinstance(doc, Problem):
        raise GenError(f"{doc.location}: {doc.message}; fix the file first")
    editor = JsoncEditor(doc)
    configs = doc.get("configurations")
    try:
        if isinstance(configs, list):
            same = next(
                (i for i, c in enumerate(configs) if isinstance(c, dict) and c.get("name") == config["name"]),
                None,
            )
            edits = (
                editor.set(("configurations", same), config)
                if same is not None
                else editor.append(("configurations",), config)
            )
        elif doc.data is None:
            edits = editor.set(("configurations",), [config])
        else:
            edits = editor.set(("configurations",), [config])
    except EditError as exc:
        raise GenError(f"{launch_path}: {exc}") from exc
    return {launch_path: (doc.text, apply_edits(doc.text, sorted(edits, key=lambda e: e.offset)))}


def merge_settings(
    settings_path: str, blocks: Mapping[str, Mapping[str, Any]]
) -> dict[str, tuple[str | None, str]]:
    """The change that sets every member of ``blocks`` in settings.json (comments kept)."""
    from ideaudit.fixes.apply import apply_edits
    from ideaudit.fixes.jsonc_edit import new_file_text

    if not os.path.exists(settings_path):
        return {settings_path: (None, new_file_text(dict(blocks)))}
    from ideaudit.fixes.jsonc_edit import JsoncEditor
    from ideaudit.model import Problem
    from ideaudit.sources.jsonc import load_jsonc, parse_jsonc

    old = None
    text = None
    for key, members in blocks.items():
        for var, value in members.items():
            doc = load_jsonc(settings_path) if text is None else parse_jsonc(text, settings_path)
            if isinstance(doc, Problem):
                raise GenError(f"{doc.location}: {doc.message}; fix the file first")
            if old is None:
                old = doc.text
            edits = JsoncEditor(doc).set((key, var), value)
            text = apply_edits(doc.text, sorted(edits, key=lambda e: e.offset))
    if old is None or text is None:
        return {}
    return {settings_path: (old, text)}


def write_changes(changes: Mapping[str, tuple[str | None, str]], cache_dir: str | None, folder: str) -> None:
    """Write inside ``folder`` only (an ``--output ../x`` or a symlinked .vscode/ that
    leads elsewhere is refused, as for fixes)."""
    from ideaudit.fixes.apply import FixConflict, display_path, write_files

    try:
        written = write_files(changes, cache_dir, roots=[folder])
    except FixConflict as exc:
        raise GenError(str(exc)) from exc
    except OSError as exc:  # a full disk, a read-only folder: nothing was kept
        raise GenError(exc.strerror or str(exc)) from exc
    for w in written:
        print(f"{'created' if w.created else 'updated'} {display_path(w.path)}", file=sys.stderr)

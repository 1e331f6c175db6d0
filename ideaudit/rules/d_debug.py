"""D: launch configurations read as vscode-go and Delve read them.

A ``type: go`` configuration goes through VS Code (``${...}`` substitution), vscode-go
(``goDebugConfiguration.ts`` and ``goDebugFactory.ts``: defaults, ``port`` handling,
relative paths) and Delve's DAP server (``service/dap/types.go``: typed decoding).  Each
step can fail or silently do something else than the file seems to say; these rules
report that at the attribute's file:line:col.  What each step accepts is the table in
:mod:`ideaudit.sources.launch_schema`, read from those sources.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ideaudit.contexts.substitute import env_value_text
from ideaudit.model import Context, Finding, Severity
from ideaudit.redact import is_secret_name
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import FILES, rule
from ideaudit.rules.common import finding
from ideaudit.sources import launch_schema as schema

if TYPE_CHECKING:
    from ideaudit.contexts.vscode import FolderContexts
    from ideaudit.sources.vscode import LaunchConfig

PathItem = str | int


def _ctx(audit: Audit, ctx_id: str) -> Context | None:
    return next((c for c in audit.contexts if c.id == ctx_id), None)


def _configs(audit: Audit) -> Iterator[tuple[FolderContexts, str, LaunchConfig]]:
    for fc in audit.vscode:
        for ctx_id, config in fc.launch_by_context.items():
            yield fc, ctx_id, config


def request_of(config: LaunchConfig) -> str:
    return config.request or "launch"


def mode_of(config: LaunchConfig) -> str:
    """The mode vscode-go uses: the written one, else ``auto`` (launch) / ``local`` (attach)."""
    mode = config.effective.get("mode")
    if isinstance(mode, str) and mode:
        return mode
    return "auto" if request_of(config) == "launch" else "local"


def adapter_of(fc: FolderContexts, config: LaunchConfig) -> str | None:
    """``dlv-dap`` (the default for local debugging since vscode-go v0.27.0) or
    ``legacy``; None when vscode-go decides at F5 (``mode: remote`` without a written
    adapter uses dlv-dap since v0.41.0 but falls back to legacy when
    ``dlv substitute-path-guess-helper`` fails)."""
    written = config.effective.get("debugAdapter")
    if isinstance(written, str) and written:
        return written
    delve = fc.folder.settings.value("go.delveConfig")
    if isinstance(delve, dict) and isinstance(delve.get("debugAdapter"), str):
        return str(delve["debugAdapter"])
    return None if mode_of(config) == "remote" else "dlv-dap"


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or value is False


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _where(path: tuple[PathItem, ...]) -> str:
    text = str(path[0])
    for item in path[1:]:
        text += f"[{item}]" if isinstance(item, int) else f".{item}"
    return text


# -- D001 -------------------------------------------------------------------------------

_GO_TYPES = {
    schema.STRING: "string",
    schema.BOOL: "bool",
    schema.INT: "int",
    schema.NUMBER: "number",
    schema.STRINGS: "[]string",
    schema.STRING_OR_STRINGS: "string or []string",
    schema.OBJECT: "object",
}


def _shape_problems(attr: str, shape: str, value: Any) -> list[tuple[tuple[PathItem, ...], str, str]]:
    """(path, JSON type found, type expected) for each part of ``value`` of the wrong type."""
    if value is None:
        return []  # Go's encoding/json leaves the field alone on null
    found = _json_type(value)
    if shape == schema.STRING:
        ok = isinstance(value, str)
    elif shape == schema.BOOL:
        ok = isinstance(value, bool)
    elif shape == schema.INT:
        ok = isinstance(value, int) and not isinstance(value, bool)
        if isinstance(value, float):
            found = f"number {value:g}"
    elif shape == schema.NUMBER:
        # vscode-go hands port to Node's net.connect, which takes "2345" as well; VS Code
        # substitutes "${input:port}" into such a string.
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
            isinstance(value, str) and (value.strip().isdigit() or "${" in value)
        )
    elif shape == schema.OBJECT:
        ok = isinstance(value, dict)
    elif shape in (schema.STRINGS, schema.STRING_OR_STRINGS, schema.ARGS):
        if isinstance(value, list):
            return [
                ((attr, i), _json_type(v), "string") for i, v in enumerate(value) if not isinstance(v, str)
            ]
        ok = isinstance(value, str) and shape != schema.STRINGS
    elif shape == schema.ENV:
        if isinstance(value, dict):
            return [
                ((attr, k), _json_type(v), "string or null")
                for k, v in value.items()
                if v is not None and not isinstance(v, str)
            ]
        ok = False
    elif shape == schema.SUBSTITUTE_PATH:
        if not isinstance(value, list):
            ok = False
        else:
            out: list[tuple[tuple[PathItem, ...], str, str]] = []
            for i, item in enumerate(value):
                if not isinstance(item, dict):
                    out.append(((attr, i), _json_type(item), '{"from": string, "to": string}'))
                elif not all(isinstance(item.get(k), str) for k in ("from", "to")):
                    out.append(
                        ((attr, i), "entry without both from and to", '{"from": string, "to": string}')
                    )
            return out
    elif shape == schema.PROCESS_ID:
        ok = isinstance(value, (int, str)) and not isinstance(value, bool)
    else:
        ok = True
    if ok:
        return []
    expected = {
        schema.ARGS: "array of strings (or one string vscode-go splits)",
        schema.ENV: "object of strings",
        schema.SUBSTITUTE_PATH: 'array of {"from": string, "to": string}',
        schema.PROCESS_ID: "int",
    }.get(shape, _GO_TYPES.get(shape, shape))
    return [((attr,), found, expected)]


@rule(
    "D001",
    "debug-value-type",
    "A launch attribute has a type vscode-go or Delve cannot use",
    Severity.ERROR,
    """
    Delve's DAP server decodes a launch/attach request into typed Go structs
    (go-delve/delve ``service/dap/types.go``: ``LaunchConfig``, ``AttachConfig``,
    ``LaunchAttachCommonConfig``): ``env`` is ``map[string]*string``, ``args`` and
    ``showPprofLabels`` are ``[]string``, ``buildFlags`` a string or ``[]string``,
    ``stackTraceDepth`` an ``int``, ``substitutePath`` a list of ``{from, to}`` with both
    set.  Any other JSON type fails the whole request before the program starts:
    ``cannot unmarshal number into "env" of type string``.  VS Code and vscode-go pass
    the values through unchanged (a number in ``env`` stays a number), and copy
    ``go.toolsEnvVars`` into every session's env the same way, so a number there breaks
    every launch configuration.  A ``mode`` Delve does not know fails the same way.
    Attributes only vscode-go reads (``port``, ``dlvFlags``, ``showLog``) are checked
    against its package.json schema.
    """,
    'Write the value as the type shown: quote numbers and booleans in env ("PORT": "8080").',
    needs=FILES,
)
def debug_value_type(audit: Audit) -> Iterator[Finding]:
    for fc, ctx_id, config in _configs(audit):
        adapter = adapter_of(fc, config)
        request = request_of(config)
        for attr, value in config.effective.items():
            spec = schema.ATTRIBUTES.get(attr)
            if spec is None or request not in spec.requests:
                continue
            if spec.delve and adapter == "legacy":
                continue  # the legacy adapter is JavaScript: it does not decode into Go types
            for path, found, expected in _shape_problems(attr, spec.shape, value):
                severe = spec.delve or attr == "envFile"
                who = "Delve cannot decode" if spec.delve else "vscode-go cannot use"
                yield finding(
                    "D001",
                    Severity.ERROR if severe else Severity.WARNING,
                    f"'{config.name}': {who} {_where(path)}: {_a(found)} where {expected} is expected"
                    + ("; the debug session fails before the program starts" if severe else ""),
                    _ctx(audit, ctx_id),
                    fix=f"Write {_where(path)} as {expected}"
                    + (' (quote it: "8080", "true")' if found in ("number", "boolean") else "")
                    + ".",
                    location=config.loc(*path),
                )
        modes = schema.LAUNCH_MODES if request == "launch" else schema.ATTACH_MODES
        mode = config.effective.get("mode")
        if isinstance(mode, str) and mode and mode not in modes:
            yield finding(
                "D001",
                Severity.ERROR,
                f"'{config.name}': mode {mode!r} is not a {request} mode ({', '.join(modes)}); "
                "vscode-go and Delve reject the configuration",
                _ctx(audit, ctx_id),
                fix=f"Use one of: {', '.join(modes)}.",
                location=config.loc("mode"),
            )

    yield from _tools_env_vars_types(audit)


def _tools_env_vars_types(audit: Audit) -> Iterator[Finding]:
    """vscode-go copies ``go.toolsEnvVars`` into the env of every debug session as they
    are (``goEnv.ts`` ``toolExecutionEnvironment`` keeps non-strings;
    ``goDebugConfiguration.ts`` ``Object.assign(goToolsEnvVars, fileEnvs, env)``), so a
    number there fails every dlv-dap launch that does not set the variable itself."""
    seen: set[tuple[str, int | None]] = set()
    for fc in audit.vscode:
        for name, sv in fc.folder.settings.entries("go.toolsEnvVars").items():
            if sv.value is None or isinstance(sv.value, str):
                continue
            mark = (sv.location.file if sv.location else "", sv.location.line if sv.location else None)
            if mark in seen:
                continue
            hit = []
            for ctx_id, config in fc.launch_by_context.items():
                env = config.effective.get("env")
                own = env.get(name) if isinstance(env, dict) else None
                if (
                    request_of(config) == "launch"
                    and adapter_of(fc, config) == "dlv-dap"
                    and not isinstance(own, str)
                ):
                    hit.append((ctx_id, config.name))
            if not hit:
                continue
            seen.add(mark)
            names = ", ".join(f"'{n}'" for _, n in hit)
            yield finding(
                "D001",
                Severity.ERROR,
                f"go.toolsEnvVars.{name} is {_a(_json_type(sv.value))}: vscode-go copies it into the env "
                f"of every debug session and Delve cannot decode it, so {len(hit)} launch "
                f"configuration{'s fail' if len(hit) > 1 else ' fails'} ({names})",
                _ctx(audit, hit[0][0]),
                fix=f'Quote it: "{name}": "{env_value_text(sv.value) or ""}".',
                location=sv.location,
                variable=name,
            )


# -- D002, D003 -------------------------------------------------------------------------


def _endpoint(config: LaunchConfig) -> str:
    host = config.effective.get("host")
    return f"{host if isinstance(host, str) and host else '127.0.0.1'}:{config.effective.get('port')}"


@rule(
    "D002",
    "launch-port-connects-to-server",
    "`port` on a launch request makes F5 connect to a dlv server instead of starting one",
    Severity.ERROR,
    """
    With the dlv-dap adapter (vscode-go's default) a configuration with ``port`` is not
    started by VS Code: vscode-go's ``goDebugFactory.ts`` returns
    ``new DebugAdapterServer(port, host ?? '127.0.0.1')`` and connects to a DAP server
    that must already be running (``dlv dap --listen=host:port``).  Old launch.json
    templates carried ``"port": 2345, "host": "127.0.0.1"`` on launch requests for the
    legacy adapter; today F5 on them fails with "connect ECONNREFUSED" (vscode-go shows
    a warning that is easy to dismiss for good).
    """,
    'Remove "port" and "host" from the configuration, unless you start `dlv dap --listen` yourself.',
    needs=FILES,
)
def launch_port(audit: Audit) -> Iterator[Finding]:
    for fc, ctx_id, config in _configs(audit):
        eff = config.effective
        request, mode = request_of(config), mode_of(config)
        if not eff.get("port") or mode == "remote" or adapter_of(fc, config) != "dlv-dap":
            continue
        if request == "attach" and mode != "local":
            continue
        yield finding(
            "D002",
            Severity.ERROR,
            f"'{config.name}': port on a {request} request makes vscode-go connect to a dlv "
            f"server already listening at {_endpoint(config)} instead of starting dlv; F5 fails "
            f"unless you run `dlv dap --listen={_endpoint(config)}` first",
            _ctx(audit, ctx_id),
            fix='Remove "port" and "host" (vscode-go then starts dlv itself).',
            location=config.loc("port"),
        )


@rule(
    "D003",
    "remote-without-port",
    "`mode: remote` without `port`",
    Severity.ERROR,
    """
    ``mode: remote`` attaches to a dlv server started elsewhere (``dlv --headless
    --listen=:2345 ...``); vscode-go finds it only through ``port`` (and ``host``,
    default 127.0.0.1).  Without ``port`` it starts a local dlv instead, which has
    nothing to attach to, and the session fails.
    """,
    'Add "port" (and "host") of the dlv server: "port": 2345.',
    needs=FILES,
)
def remote_without_port(audit: Audit) -> Iterator[Finding]:
    for _fc, ctx_id, config in _configs(audit):
        if mode_of(config) != "remote" or config.effective.get("port"):
            continue
        yield finding(
            "D003",
            Severity.ERROR,
            f"'{config.name}': mode remote without port: there is no dlv server to connect to",
            _ctx(audit, ctx_id),
            fix='Add the server\'s "port" (and "host"), e.g. "port": 2345.',
            location=config.loc("mode"),
        )


# -- D004, D005, D006 -------------------------------------------------------------------


def _elsewhere(attr: str, spec: schema.Attr, request: str, mode: str, adapter: str | None) -> str | None:
    """Why ``attr`` is not read in this configuration, or None when it is."""
    if request not in spec.requests:
        return f"it is read only for {' and '.join(spec.requests)} requests; this is a {request} request"
    if spec.modes is not None and mode not in spec.modes:
        return f"it is read only in mode {' or '.join(spec.modes)}; this configuration's mode is {mode}"
    if spec.adapter is not None and adapter is not None and adapter != spec.adapter:
        extra = f" ({spec.note})" if spec.note else ""
        return f"only the {spec.adapter} debug adapter reads it; this configuration uses {adapter}{extra}"
    return None


@rule(
    "D004",
    "attribute-not-read-here",
    "An attribute is read only for another request, mode or debug adapter",
    Severity.WARNING,
    """
    vscode-go's package.json lists the attributes of each request (``launch``,
    ``attach``), and several are read only in one mode or by one debug adapter:
    ``buildFlags``/``output`` only when the program is built (``debug``, ``test``,
    ``auto``; not ``exec``), ``processId`` only for a local attach, ``env``/``args`` only
    when launching, ``dlvLoadConfig``/``apiVersion`` only by the legacy adapter ("Not
    applicable when using dlv-dap"), ``maxStringLen``/``logDest`` only by dlv-dap.  Such
    an attribute is silently ignored: the ``env`` of an attach request does not reach
    the already running process.  ``request: launch`` with ``mode: remote`` is deprecated
    ("please use request type 'attach' with mode 'remote'").
    """,
    "Move the setting to where it is read (another configuration, the program's own start-up), or remove it.",
    needs=FILES,
)
def attribute_not_read_here(audit: Audit) -> Iterator[Finding]:
    for fc, ctx_id, config in _configs(audit):
        request, mode = request_of(config), mode_of(config)
        adapter = adapter_of(fc, config)
        if request == "launch" and mode == "remote":
            yield finding(
                "D004",
                Severity.WARNING,
                f"'{config.name}': request launch with mode remote is deprecated by vscode-go",
                _ctx(audit, ctx_id),
                fix='Write "request": "attach" (with "mode": "remote", "port" and "host").',
                location=config.loc("request"),
            )
        for attr, value in config.effective.items():
            spec = schema.ATTRIBUTES.get(attr)
            if spec is None or attr == "remotePath" or _empty(value):
                continue
            why = _elsewhere(attr, spec, request, mode, adapter)
            if why is None:
                continue
            yield finding(
                "D004",
                Severity.WARNING,
                f"'{config.name}': {attr} is ignored here: {why}",
                _ctx(audit, ctx_id),
                fix=f"Remove {attr}, or move it to a configuration where it is read.",
                location=config.loc(attr),
            )


@rule(
    "D005",
    "unknown-attribute",
    "An attribute vscode-go does not know (a typo?)",
    Severity.WARNING,
    """
    VS Code passes unknown attributes on and vscode-go and Delve ignore them, so a typo
    (``"evn"``, ``"buildflags"``, ``"programm"``) silently drops the setting.  Known:
    vscode-go's package.json ``configurationAttributes``, Delve's ``LaunchConfig`` and
    ``AttachConfig`` JSON fields, and the attributes every VS Code debugger accepts
    (``preLaunchTask``, ``presentation``, ``serverReadyAction``, ...).
    """,
    "Fix the spelling, or remove the attribute.",
    needs=FILES,
)
def unknown_attribute(audit: Audit) -> Iterator[Finding]:
    names = sorted({*schema.ATTRIBUTES, *schema.VSCODE_COMMON})
    for _fc, ctx_id, config in _configs(audit):
        for attr in config.effective:
            if schema.known(attr):
                continue
            import difflib  # only when a configuration has an unknown attribute (~2 ms)

            # case slips (buildflags) and swapped letters (evn) first, then near spellings
            close = [n for n in names if n.lower() == attr.lower() or sorted(n) == sorted(attr)]
            close = close or difflib.get_close_matches(attr, names, n=1, cutoff=0.75)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            yield finding(
                "D005",
                Severity.WARNING,
                f"'{config.name}': unknown attribute \"{attr}\"{hint} is ignored",
                _ctx(audit, ctx_id),
                fix=f'Rename it to "{close[0]}".' if close else f'Remove "{attr}".',
                location=config.loc(attr),
            )


@rule(
    "D006",
    "removed-attribute",
    "`remotePath` (superseded by `substitutePath`) or another attribute vscode-go dropped",
    Severity.WARNING,
    """
    ``remotePath`` was removed from launch requests in vscode-go v0.27.0 and is
    deprecated on attach requests ("Use substitutePath instead"; "Not supported with
    dlv-dap"): with dlv-dap, the default, breakpoints then do not bind because the
    source paths are not mapped.  ``init`` went in v0.26.0.  Removed attributes are
    ignored without a word.
    """,
    'Replace "remotePath": "/remote/dir" with '
    '"substitutePath": [{"from": "${workspaceFolder}", "to": "/remote/dir"}].',
    needs=FILES,
)
def removed_attribute(audit: Audit) -> Iterator[Finding]:
    for _fc, ctx_id, config in _configs(audit):
        for attr, (version, instead) in schema.REMOVED_ATTRIBUTES.items():
            value = config.effective.get(attr)
            if _empty(value):
                continue
            when = (
                "deprecated on attach requests; dlv-dap, the default adapter, does not read it"
                if request_of(config) == "attach"
                else f"removed from launch requests in vscode-go {version}"
            )
            yield finding(
                "D006",
                Severity.WARNING,
                f"'{config.name}': {attr} is ignored ({when})",
                _ctx(audit, ctx_id),
                fix=f"Remove {attr}; {instead}.",
                location=config.loc(attr),
            )


# -- D007 -------------------------------------------------------------------------------


_READER = {
    "buildFlags": "go build gets",
    "output": "go build -o gets",
    "envFile": "vscode-go opens",
    "program": "Delve gets",
    "cwd": "Delve gets",
}


def shell_strings(config: LaunchConfig) -> Iterator[tuple[tuple[PathItem, ...], str]]:
    """(JSON path, text) of every string D007 looks at in a configuration."""
    eff = config.effective
    for attr in schema.SHELL_CHECKED:
        value = eff.get(attr)
        if isinstance(value, str):
            yield (attr,), value
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    yield (attr, i), item
        elif isinstance(value, dict) and attr == "env":
            for name, item in value.items():
                # GOPATH's ~ and relative entries are G002's; secret values stay unread.
                if isinstance(item, str) and name != "GOPATH" and not is_secret_name(name):
                    yield (attr, name), item


@rule(
    "D007",
    "shell-syntax-not-expanded",
    "Shell syntax in a launch configuration reaches the program literally",
    Severity.WARNING,
    """
    VS Code substitutes only its own ``${...}`` variables (``${env:NAME}``,
    ``${workspaceFolder}``, ``${userHome}``, ...) in launch.json; no shell runs on the
    way to the program.  ``$HOME``, ``${HOME}``, ``%APPDATA%`` and a ``~`` in ``env``,
    ``args``, ``program``, ``cwd``, ``buildFlags``, ``envFile`` or ``output`` reach the
    program (or go build, or vscode-go's envFile reader) as that literal text.
    vscode-go expands a leading ``~`` in ``cwd`` only (``resolveHomeDir``).
    """,
    "Write ${env:NAME} instead of $NAME, ${NAME} or %NAME%, and ${userHome} instead of ~.",
    needs=FILES,
)
def shell_syntax(audit: Audit) -> Iterator[Finding]:
    for _fc, ctx_id, config in _configs(audit):
        for path, text in shell_strings(config):
            tokens = schema.shell_tokens(text, leading_tilde_expanded=path == ("cwd",))
            if not tokens:
                continue
            seen: dict[str, str] = {}
            for t in tokens:
                seen.setdefault(t.text, t.replacement)
            said = ", ".join(seen)
            reader = _READER.get(str(path[0]), "the program gets")
            yield finding(
                "D007",
                Severity.WARNING,
                f"'{config.name}': {said} in {_where(path)} is not expanded by VS Code; "
                f"{reader} the literal text",
                _ctx(audit, ctx_id),
                fix="Write " + ", ".join(f"{new} instead of {old}" for old, new in seen.items()) + ".",
                location=config.loc(*path),
                # the env variable, else the attribute: what tells two findings apart
                variable=str(path[1]) if path[0] == "env" else _where(path),
            )


# -- D008, D009 -------------------------------------------------------------------------


@rule(
    "D008",
    "launch-path-missing",
    "`program` or `cwd` does not exist",
    Severity.ERROR,
    """
    vscode-go resolves ``program`` and ``cwd`` against the workspace folder after VS
    Code substituted the variables (``goDebugConfiguration.ts``).  In
    ``debug``/``test``/``auto`` mode a ``program`` that is neither a directory nor a
    ``.go`` file stops F5 with "The program attribute ... must be a valid directory or
    .go file"; a missing ``cwd`` fails the process start (chdir).  Typical after a move
    of ``cmd/``.  A prebuilt ``exec`` binary that is missing is only info (you build it
    first; with a ``preLaunchTask`` it is not reported).  ``output`` is not
    checked: ``go build -o`` creates missing directories.
    """,
    "Point the attribute at the existing path (with ${workspaceFolder}/...), or create it.",
    needs=FILES,
)
def launch_path_missing(audit: Audit) -> Iterator[Finding]:
    for fc, ctx_id, config in _configs(audit):
        mode = mode_of(config)
        for lp in fc.launch_paths.get(ctx_id, ()):
            if lp.kind != "missing":
                continue
            severity = Severity.ERROR
            if lp.attr == "program":
                if mode in ("replay", "core"):
                    continue
                if mode == "exec":
                    if config.effective.get("preLaunchTask"):
                        continue
                    severity = Severity.INFO  # a binary you build first: normal on a fresh clone
            yield finding(
                "D008",
                severity,
                f"'{config.name}': {lp.attr} {lp.raw!r} does not exist"
                + (f" ({lp.path})" if lp.path != lp.raw else ""),
                _ctx(audit, ctx_id),
                fix=f'Point {lp.attr} at an existing path, e.g. "${{workspaceFolder}}/...".',
                location=lp.location,
            )


@rule(
    "D009",
    "program-not-main",
    "`program` is not what its mode runs: a non-main package, a test file, or source in exec mode",
    Severity.ERROR,
    """
    In ``debug`` mode Delve builds ``program`` with ``go build``; a library package
    fails ("not a main package" / "cannot debug non-main package"), and a directory
    with only ``_test.go`` files or a ``_test.go`` file has no program to build (use
    ``mode: test``).  ``auto`` picks test mode only when the program or the active
    editor is a ``_test.go`` file.  vscode-go accepts only a directory or a ``.go`` file
    there ("must be a valid directory or .go file"), while ``exec`` runs a prebuilt
    binary and cannot run source.  The package clauses are read from the files;
    nothing is built or run.
    """,
    'Point program at the directory of a package main (e.g. "${workspaceFolder}/cmd/app"), '
    'or use "mode": "test" for tests.',
    needs=FILES,
)
def program_not_main(audit: Audit) -> Iterator[Finding]:
    for fc, ctx_id, config in _configs(audit):
        mode = mode_of(config)
        if mode not in ("debug", "auto", "exec"):
            continue
        for lp in fc.launch_paths.get(ctx_id, ()):
            if lp.attr != "program" or lp.kind == "missing":
                continue
            problem: str | None = None
            if mode == "exec":
                if lp.kind == "dir" or lp.path.endswith(".go"):
                    problem = "is source, but exec mode runs a prebuilt binary (use mode debug to build it)"
            elif lp.kind == "file" and not lp.path.endswith(".go"):
                problem = (
                    "is neither a directory nor a .go file, which vscode-go requires in "
                    f"{mode} mode (a prebuilt binary needs mode exec)"
                )
            elif lp.kind == "file" and lp.path.endswith("_test.go"):
                if mode == "debug":
                    problem = "is a test file; debug mode builds a program, not tests"
            elif "main" in lp.packages:
                continue
            elif lp.packages:
                if mode == "debug" or not lp.tests:
                    problem = f"is package {', '.join(lp.packages)}, not main: there is no program to run"
            elif lp.tests:
                if mode == "debug":
                    problem = "has only test files; debug mode builds a program, not tests"
            elif lp.kind == "dir":
                problem = "has no Go files"
            if problem is None:
                continue
            yield finding(
                "D009",
                Severity.ERROR,
                f"'{config.name}': program {lp.raw!r} {problem}",
                _ctx(audit, ctx_id),
                fix='Use "mode": "test" for tests, or point program at a package main.',
                location=lp.location,
            )

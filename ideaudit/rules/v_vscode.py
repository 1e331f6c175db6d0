"""V: VS Code hygiene — settings and launch attributes that do not do what they seem to."""

from __future__ import annotations

import os
from collections.abc import Iterator

from ideaudit.contexts.vscode import FolderContexts
from ideaudit.model import Context, Finding, Location, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import FILES, IDE, TESTS, TOOLCHAIN, rule
from ideaudit.rules.common import finding, layers, value
from ideaudit.sources.launch_schema import shell_tokens
from ideaudit.sources.vscode import PLATFORM_KEY


@rule(
    "V001",
    "dlv-tool-path",
    "`dlvToolPath` is ignored",
    Severity.WARNING,
    """
    vscode-go no longer reads ``dlvToolPath`` in launch.json; the debugger is found
    through ``go.alternateTools.dlv`` and the usual lookup.  The setting gives a false
    sense that a specific dlv is used.
    """,
    'Remove dlvToolPath and set "go.alternateTools": {"dlv": "/path/to/dlv"} in settings.',
    needs=FILES,
)
def dlv_tool_path(audit: Audit) -> Iterator[Finding]:
    for fc in audit.vscode:
        for ctx_id, config in fc.launch_by_context.items():
            if "dlvToolPath" in config.effective:
                yield finding(
                    "V001",
                    Severity.WARNING,
                    f"dlvToolPath in '{config.name}' is ignored by vscode-go",
                    audit.context(ctx_id),
                    fix='Remove it; set "go.alternateTools": {"dlv": "'
                    + str(config.effective["dlvToolPath"])
                    + '"} in settings.json instead.',
                    location=config.loc("dlvToolPath"),
                )


@rule(
    "V002",
    "envfile-missing",
    "An envFile does not exist",
    Severity.ERROR,
    """
    A launch configuration's ``envFile`` (or ``go.testEnvFile``) that does not exist:
    vscode-go refuses to start the debug session (or the tests run without the
    variables you expect).  Often an untracked file that a teammate never created.
    ``--static`` does not report a file that the workspace's .gitignore ignores: no
    checkout has it, and whether you created yours is not in the committed files.
    """,
    "Create the file (and keep it out of git), or remove the envFile entry.",
    needs=FILES,
)
def envfile_missing(audit: Audit) -> Iterator[Finding]:
    for fc in audit.vscode:
        for ref in fc.env_files:
            if ref.meant is not None and not ref.meant_exists:
                # Shell syntax is D007's; that the file it means is missing too is this
                # rule's (and stays so after D007's fix writes ${env:HOME}).
                yield finding(
                    "V002",
                    Severity.ERROR,
                    f"envFile {ref.raw!r} does not exist, not even as the shell would read it ({ref.meant})",
                    audit.context(ref.context_id),
                    fix=f"Create {ref.meant} (and add it to .gitignore), or remove the envFile entry.",
                    location=ref.location,
                )
                continue
            if ref.exists or not os.path.isabs(ref.path):
                continue
            if ref.ignored_by is not None and audit.static:
                continue  # git-ignored: no checkout has it; whether yours does is not committed
            ignored = f"; {ref.ignored_by} ignores it, so each developer creates it" if ref.ignored_by else ""
            yield finding(
                "V002",
                Severity.ERROR,
                f"envFile {ref.raw!r} does not exist ({ref.path}){ignored}",
                audit.context(ref.context_id),
                fix=f"Create {ref.path}"
                + ("" if ref.ignored_by else " (and add it to .gitignore)")
                + ", or remove the envFile entry.",
                location=ref.location,
            )


@rule(
    "V003",
    "envfile-relative",
    "An envFile path is relative",
    Severity.WARNING,
    """
    A relative ``envFile`` is resolved against the process's current directory, not the
    workspace, so it works for one person and not another.
    """,
    'Anchor it: "${workspaceFolder}/.env".',
    needs=FILES,
)
def envfile_relative(audit: Audit) -> Iterator[Finding]:
    for fc in audit.vscode:
        for ref in fc.env_files:
            if os.path.isabs(ref.path) or shell_tokens(ref.raw):
                continue  # shell syntax ($HOME/.env, ~/.env) is D007's, with the right fix
            yield finding(
                "V003",
                Severity.WARNING,
                f"envFile {ref.raw!r} is relative; it is not read relative to the workspace",
                audit.context(ref.context_id),
                fix=f'Write "${{workspaceFolder}}/{ref.raw.lstrip("./")}".',
                location=ref.location,
            )


@rule(
    "V004",
    "platform-env-replaces-env",
    "An env in a platform block replaces the whole env",
    Severity.WARNING,
    """
    VS Code replaces top-level keys of a launch configuration with those of the
    ``linux``/``osx``/``windows`` block shallowly: ``"linux": {"env": {...}}`` does not
    add to ``env``, it replaces it, and the top-level variables vanish on that platform.
    """,
    "Repeat the shared variables inside the platform block, or move them to an envFile.",
    needs=FILES,
)
def platform_env_replaces_env(audit: Audit) -> Iterator[Finding]:
    for fc in audit.vscode:
        for ctx_id, config in fc.launch_by_context.items():
            if "env" not in config.from_platform:
                continue
            top = config.doc.get(*config.path, "env")
            block = config.effective.get("env")
            if not isinstance(top, dict) or not isinstance(block, dict):
                continue
            lost = [k for k in top if k not in block]
            if not lost:
                continue
            yield finding(
                "V004",
                Severity.WARNING,
                f"'{config.name}': the {config.platform} env block replaces env, so "
                f"{', '.join(lost)} {'is' if len(lost) == 1 else 'are'} not set on {PLATFORM_KEY}",
                audit.context(ctx_id),
                fix=f"Copy {', '.join(lost)} into the {config.platform}.env block, "
                "or move the shared variables to an envFile.",
                location=config.loc("env"),
            )


def _unresolved(audit: Audit, kinds: tuple[str, ...]) -> Iterator[tuple[object, Location | None, str, str]]:
    seen: set[tuple[str, str | None, int | None]] = set()
    for fc in audit.vscode:
        for item in fc.unresolved:
            if item.kind not in kinds:
                continue
            key = (
                item.text,
                item.location.file if item.location else None,
                item.location.line if item.location else None,
            )
            if key in seen:
                continue
            seen.add(key)
            yield audit.context(item.context_id), item.location, item.text, item.setting


@rule(
    "V005",
    "undefined-env-variable",
    "`${env:X}` refers to a variable the IDE does not have",
    Severity.WARNING,
    """
    ``${env:NAME}`` is replaced with VS Code's own environment variable; when VS Code
    does not have it (set only in ~/.bashrc, or only in the terminal) it silently
    becomes the empty string, e.g. ``"GOPATH": "${env:MYGO}/go"`` turns into ``/go``.
    """,
    "Make the variable part of the IDE's environment, or write the value directly.",
    needs=IDE,
)
def undefined_env_variable(audit: Audit) -> Iterator[Finding]:
    for ctx, loc, text, setting in _unresolved(audit, ("undefined-env",)):
        name = text[len("${env:") : -1]
        shell_value = value(audit.shell, name) if audit.shell else None
        yield finding(
            "V005",
            Severity.WARNING,
            f"{text} in {setting} is undefined in VS Code's environment and becomes ''"
            + (" (your shell has it)" if shell_value is not None else ""),
            ctx,  # type: ignore[arg-type]
            fix=f"Export {name} where a GUI-launched VS Code reads it (~/.profile, ~/.zprofile) "
            "and restart VS Code, or write the value directly.",
            location=loc,
            variable=name,
            context_value=None,
            shell_value=shell_value,
        )


@rule(
    "V006",
    "env-in-test-env-vars",
    "`${env:X}` is not substituted in go.testEnvVars",
    Severity.WARNING,
    """
    vscode-go resolves only ``${workspaceFolder}`` and ``~`` in go.testEnvVars and
    go.testEnvFile; ``${env:X}`` is passed to your tests literally.
    """,
    "Write the value directly, or set the variable in go.toolsEnvVars/the environment.",
    kinds=TESTS,
    needs=FILES,
)
def env_in_test_env_vars(audit: Audit) -> Iterator[Finding]:
    for ctx, loc, text, setting in _unresolved(audit, ("literal-env",)):
        yield finding(
            "V006",
            Severity.WARNING,
            f"{text} in {setting} is passed to tests literally "
            "(vscode-go does not substitute ${env:} there)",
            ctx,  # type: ignore[arg-type]
            fix="Write the value itself, or rely on the inherited environment instead.",
            location=loc,
        )


@rule(
    "V007",
    "gcflags-in-debug",
    "`-gcflags` in a debug configuration is removed",
    Severity.WARNING,
    """
    vscode-go removes ``-gcflags`` from ``buildFlags`` and ``env.GOFLAGS`` of a debug
    configuration (the debugger sets its own ``-gcflags=all=-N -l``), silently.
    """,
    "Drop -gcflags from the debug configuration; use a task for such builds.",
    needs=FILES,
)
def gcflags_in_debug(audit: Audit) -> Iterator[Finding]:
    for fc in audit.vscode:
        for ctx_id, config in fc.launch_by_context.items():
            flags = config.effective.get("buildFlags")
            texts = flags if isinstance(flags, list) else [flags] if isinstance(flags, str) else []
            if any(isinstance(t, str) and "-gcflags" in t for t in texts):
                yield finding(
                    "V007",
                    Severity.WARNING,
                    f"'{config.name}': -gcflags in buildFlags is removed by vscode-go",
                    audit.context(ctx_id),
                    fix="Remove -gcflags from buildFlags.",
                    location=config.loc("buildFlags"),
                )
            env = config.effective.get("env")
            goflags = env.get("GOFLAGS") if isinstance(env, dict) else None
            if isinstance(goflags, str) and "-gcflags" in goflags:
                yield finding(
                    "V007",
                    Severity.WARNING,
                    f"'{config.name}': -gcflags in env.GOFLAGS is removed by vscode-go",
                    audit.context(ctx_id),
                    fix="Remove -gcflags from env.GOFLAGS.",
                    location=config.loc("env", "GOFLAGS"),
                )


@rule(
    "V008",
    "terminal-path-differs",
    "The integrated terminal finds another `go` than the debugger and tools",
    Severity.WARNING,
    """
    ``terminal.integrated.env.*`` changes PATH for the integrated terminal only.  "It
    works in the VS Code terminal" then says nothing about the debugger, tests or gopls.
    """,
    "Put the same PATH change in go.toolsEnvVars (tools, tests, debug), or remove it.",
    needs=TOOLCHAIN,
)
def terminal_path_differs(audit: Audit) -> Iterator[Finding]:
    for fc in audit.vscode:
        by_kind = {c.kind: c for c in fc.contexts if c.kind in ("terminal", "tools")}
        terminal, tools = by_kind.get("terminal"), by_kind.get("tools")
        if terminal is None or tools is None:
            continue
        chain = layers(terminal, "PATH")
        if not chain or not chain[-1].source.startswith("terminal.integrated.env"):
            continue
        t_go, d_go = terminal.tools.get("go"), tools.tools.get("go")
        t_path = t_go.path if t_go else None
        d_path = d_go.path if d_go else None
        if t_path == d_path:
            continue
        yield finding(
            "V008",
            Severity.WARNING,
            f"the integrated terminal runs {t_path or 'no go'} but {tools.label} run "
            f"{d_path or 'no go'}: {chain[-1].source} changes PATH for the terminal only",
            terminal,
            fix="Put the PATH change in go.toolsEnvVars too (it reaches tools, tests and "
            "debug sessions), or remove it from the terminal settings.",
            location=chain[-1].location,
            variable="PATH",
            context_value=value(terminal, "PATH"),
            shell_value=value(tools, "PATH"),
            provenance=chain,
        )


@rule(
    "V009",
    "terminal-inherit-env-off",
    "`terminal.integrated.inheritEnv` is false",
    Severity.WARNING,
    """
    With inheritEnv off the integrated terminal starts from a fresh login environment
    instead of VS Code's, so it can find a Go that the debugger and tools do not.
    """,
    'Remove "terminal.integrated.inheritEnv": false unless you need it.',
    needs=FILES,
)
def terminal_inherit_env_off(audit: Audit) -> Iterator[Finding]:
    for fc in audit.vscode:
        sv = fc.folder.settings.get("terminal.integrated.inheritEnv")
        if sv is None or sv.value is not False:
            continue
        terminal = next((c for c in fc.contexts if c.kind == "terminal"), None)
        yield finding(
            "V009",
            Severity.WARNING,
            "terminal.integrated.inheritEnv is false: the integrated terminal does not see "
            "VS Code's environment, so it is no picture of what the debugger and tools see",
            terminal,
            fix='Remove "terminal.integrated.inheritEnv": false.',
            location=sv.location,
        )


@rule(
    "V010",
    "unresolvable-variable",
    "A variable cannot be resolved without a running VS Code",
    Severity.INFO,
    """
    ``${input:...}``, ``${command:...}`` and editor-dependent variables (``${file}``)
    are filled in when a session starts.  ideaudit does not guess them; the value in
    this context is incomplete.
    """,
    "Nothing to fix; check the value when the session starts.",
    note=True,
    needs=FILES,
)
def unresolvable_variable(audit: Audit) -> Iterator[Finding]:
    for ctx, loc, text, setting in _unresolved(audit, ("unresolvable",)):
        yield finding(
            "V010",
            Severity.INFO,
            f"{text} in {setting} cannot be resolved statically; ideaudit leaves it as written",
            ctx,  # type: ignore[arg-type]
            location=loc,
        )


def _tools_ctx(fc: FolderContexts) -> Context | None:
    return next((c for c in fc.contexts if c.kind == "tools"), None)


@rule(
    "V011",
    "go-setting-removed",
    "A `go.*` setting vscode-go no longer reads",
    Severity.WARNING,
    """
    vscode-go drops settings from its package.json when it removes the feature behind
    them (v0.40.0 removed the gocode-era settings with the legacy language features;
    ``go.languageServerExperimentalFeatures`` went in v0.21.0) and marks others with a
    ``deprecationMessage`` first (``go.buildOnSave``, ``go.logging.level``).  A removed
    setting is ignored without a word, so the behaviour it asks for does not happen.
    The list, with the release of each, is data in
    ``ideaudit/sources/launch_schema.py``.
    """,
    "Remove the setting; use what replaced it (named in the finding).",
    needs=FILES,
)
def go_setting_removed(audit: Audit) -> Iterator[Finding]:
    from ideaudit.sources.launch_schema import DEPRECATED_SETTINGS, REMOVED_SETTINGS

    seen: set[tuple[str, int | None]] = set()
    for fc in audit.vscode:
        tools = _tools_ctx(fc)  # once per folder: a search per finding grew with both
        for f in fc.folder.settings.files:
            data = f.doc.get(*f.prefix)
            if not isinstance(data, dict):
                continue
            for key in data:
                removed = REMOVED_SETTINGS.get(key)
                entry = removed or DEPRECATED_SETTINGS.get(key)
                if entry is None:
                    continue
                loc = f.location(key)
                mark = (f.doc.path, loc.line if loc else None)
                if mark in seen:
                    continue
                seen.add(mark)
                version, instead = entry
                state = "was removed in" if removed else "is deprecated since"
                yield finding(
                    "V011",
                    Severity.WARNING if removed else Severity.INFO,
                    f"{key} {state} vscode-go {version}" + ("; it has no effect" if removed else ""),
                    tools,
                    fix=f"Remove {key}; use {instead}.",
                    location=loc,
                    variable=key,
                )


def _strings(node: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, (*path, i))


@rule(
    "V012",
    "workspace-root-variable",
    "`${workspaceRoot}` is deprecated",
    Severity.INFO,
    """
    ``${workspaceRoot}`` is VS Code's deprecated alias of ``${workspaceFolder}`` from
    before multi-root workspaces; it still resolves (to the first folder in a multi-root
    workspace, which may not be the one the configuration belongs to).  vscode-go
    replaced it in its own snippets long ago.
    """,
    "Write ${workspaceFolder} instead.",
    needs=FILES,
)
def workspace_root_variable(audit: Audit) -> Iterator[Finding]:
    seen: set[tuple[str, int | None, int | None]] = set()

    def once(loc: Location | None) -> bool:
        key = (loc.file, loc.line, loc.col) if loc else ("", None, None)
        if key in seen:
            return False
        seen.add(key)
        return True

    for fc in audit.vscode:
        for ctx_id, config in fc.launch_by_context.items():
            for path, text in _strings(config.effective):
                if "${workspaceRoot" in text and once(config.loc(*path)):
                    yield finding(
                        "V012",
                        Severity.INFO,
                        f"'{config.name}': ${{workspaceRoot}} in {'.'.join(map(str, path))} is deprecated",
                        audit.context(ctx_id),
                        fix="Write ${workspaceFolder} instead of ${workspaceRoot}.",
                        location=config.loc(*path),
                    )
        tools = _tools_ctx(fc)
        for f in fc.folder.settings.files:
            data = f.doc.get(*f.prefix)
            if not isinstance(data, dict):
                continue
            for key, val in data.items():
                if not key.startswith("go"):
                    continue
                for path, text in _strings(val, (key,)):
                    if "${workspaceRoot" not in text:
                        continue
                    loc = f.location(*path)
                    if once(loc):
                        yield finding(
                            "V012",
                            Severity.INFO,
                            f"${{workspaceRoot}} in {'.'.join(map(str, path))} is deprecated",
                            tools,
                            fix="Write ${workspaceFolder} instead of ${workspaceRoot}.",
                            location=loc,
                        )


@rule(
    "V013",
    "workspace-folder-missing",
    "A folder of the .code-workspace does not exist",
    Severity.WARNING,
    """
    A ``folders`` entry of a ``.code-workspace`` file is resolved relative to the file;
    when it does not exist VS Code shows the folder as missing, and its settings and
    launch configurations are not there.  Typical when the workspace file was written
    for another checkout layout (sibling repositories that a teammate does not have).
    """,
    "Fix the path (relative to the .code-workspace file), or remove the folder entry.",
    needs=FILES,
)
def workspace_folder_missing(audit: Audit) -> Iterator[Finding]:
    for fc in audit.vscode:
        folder = fc.folder
        if folder.exists or folder.defined_at is None:
            continue
        yield finding(
            "V013",
            Severity.WARNING,
            f"workspace folder '{folder.name}' ({folder.path}) does not exist",
            _tools_ctx(fc),
            fix="Fix its path in the .code-workspace file (relative to that file), or remove the entry.",
            location=folder.defined_at,
        )


def go_tags(value: str) -> list[str] | None:
    """The build tags go takes from ``-tags VALUE`` (``cmd/go/internal/work``'s
    ``tagsFlag.Set``): a value with a space or a ``'`` is read as Go 1.12 read it, as
    fields split by white space, a field wholly in ``'...'`` or ``"..."`` taken without
    its quotes (``cmd/internal/quoted.Split``); any other value is split on commas.
    None when go rejects it (an unterminated quote)."""
    if " " not in value and "'" not in value:
        return [t for t in value.split(",") if t]
    tags: list[str] = []
    rest = value
    while True:
        rest = rest.lstrip(" \t\n\r")
        if not rest:
            return tags
        quote = rest[0]
        if quote in "'\"":
            end = rest.find(quote, 1)
            if end < 0:
                return None
            tags.append(rest[1:end])
            rest = rest[end + 1 :]
            continue
        cut = min((i for i in (rest.find(c) for c in " \t\n\r") if i >= 0), default=len(rest))
        tags.append(rest[:cut])
        rest = rest[cut:]


def _tag_values(fc: FolderContexts) -> Iterator[tuple[str, str, Location | None]]:
    """(setting, -tags value, where) for the settings vscode-go passes to go as ``-tags``."""
    settings = fc.folder.settings
    for key in ("go.buildTags", "go.testTags"):
        found = settings.get(key)
        if found is not None and isinstance(found.value, str) and found.value.strip():
            yield key, found.value, found.location
    flags = settings.get("go.buildFlags")
    if flags is not None and isinstance(flags.value, list):
        items = [x for x in flags.value if isinstance(x, str)]
        for i, item in enumerate(items):
            if item.split("=", 1)[0] in ("-tags", "--tags") and "=" in item:
                yield "go.buildFlags", item.split("=", 1)[1], flags.location
            elif item in ("-tags", "--tags") and i + 1 < len(items):
                yield "go.buildFlags", items[i + 1], flags.location


@rule(
    "V014",
    "build-tags-quoted",
    "Build tags written with quotes are not the tags you meant",
    Severity.WARNING,
    """
    vscode-go passes ``go.buildTags`` (``go.testTags``, a ``-tags`` in ``go.buildFlags``)
    to go as one argument, with no shell in between, so quotes in it reach go.  go reads
    ``"\\"sqlite\\""`` as the tag ``"sqlite"`` (quotes included) and
    ``"'sqlite sqlite_unlock_notify'"`` as the single tag ``sqlite sqlite_unlock_notify``
    (a quoted field keeps its space): neither matches ``//go:build sqlite``, and the files
    behind the tag silently drop out of gopls, the tests and the build.  (Seen in gitea's
    settings; checked against go 1.19's ``go list -tags``.)
    """,
    'Write the tags comma-separated without quotes: "go.buildTags": "sqlite,sqlite_unlock_notify".',
    needs=FILES,
)
def build_tags_quoted(audit: Audit) -> Iterator[Finding]:
    for fc in audit.vscode:
        for key, raw, loc in _tag_values(fc):
            tags = go_tags(raw)
            bad = [t for t in tags or () if any(c in t for c in "'\" \t")]
            if tags is not None and not bad:
                continue
            meant = ",".join(
                p for t in (tags or [raw]) for p in t.replace("'", " ").replace('"', " ").split()
            )
            what = (
                "go rejects it (an unterminated quote)"
                if tags is None
                else "go sees the tag" + ("s " if len(bad) > 1 else " ") + ", ".join(repr(t) for t in bad)
            )
            yield finding(
                "V014",
                Severity.WARNING,
                f"{key} {raw!r}: {what}; quotes reach go literally (no shell reads this setting), "
                "so files behind those build tags are left out",
                _tools_ctx(fc),
                fix=f'Write "{meant}" (comma-separated, no quotes).',
                location=loc,
            )


@rule(
    "V015",
    "task-platform-args-replace-args",
    "A task's platform block replaces its args",
    Severity.WARNING,
    """
    In a tasks.json of version 2.0.0, VS Code replaces a task's ``args`` with those of
    its ``linux``/``osx``/``windows`` block on that platform (``assignProperties`` with
    ``overwriteArgs`` in ``taskConfiguration.ts``; version 0.1.0 appended them).  A task
    written as ``"args": ["build"], "linux": {"args": ["-o", "app", "main.go"]}`` (gitea's)
    runs ``go -o app main.go`` on Linux, without ``build``, and fails.
    """,
    "Repeat the top-level args in the platform block, or move all args into the platform blocks.",
    needs=FILES,
)
def task_platform_args_replace_args(audit: Audit) -> Iterator[Finding]:
    for fc in audit.vscode:
        doc = fc.folder.tasks
        if doc is None or doc.get("version") != "2.0.0":
            continue
        tasks = doc.get("tasks")
        for i, task in enumerate(tasks if isinstance(tasks, list) else []):
            if not isinstance(task, dict):
                continue
            block = task.get(PLATFORM_KEY)
            top = task.get("args")
            if not (isinstance(block, dict) and "args" in block and isinstance(top, list) and top):
                continue
            mine = block["args"] if isinstance(block["args"], list) else [block["args"]]
            if [str(a) for a in mine[: len(top)]] == [str(a) for a in top]:
                continue  # the platform args repeat the top-level ones
            label = task.get("label") or task.get("taskName") or f"#{i + 1}"
            command = task.get(PLATFORM_KEY, {}).get("command") or task.get("command") or ""
            runs = " ".join(str(x) for x in [command, *mine] if x != "")
            yield finding(
                "V015",
                Severity.WARNING,
                f"task '{label}': on {PLATFORM_KEY} its args {top} are replaced by {PLATFORM_KEY}.args, "
                f"so it runs `{runs}`",
                None,
                fix=f"Write {PLATFORM_KEY}.args as {[*top, *mine]} (the top-level args first), "
                "or move every arg into the platform blocks.",
                location=doc.key_location("tasks", i, PLATFORM_KEY, "args"),
            )

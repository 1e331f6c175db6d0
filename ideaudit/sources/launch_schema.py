"""What vscode-go and Delve accept in a ``type: go`` launch configuration, as data.

One table, read from the sources rather than guessed, so the D rules stay small loops
over it.  Read from:

* golang/vscode-go at v0.57.2-5-g28e27ffd (2026-08-21): ``extension/package.json``
  (``contributes.debuggers[type=go].configurationAttributes.launch|attach``: names, JSON
  types, enums, "Not applicable when using dlv-dap"/"Only applies when using dlv-dap"
  descriptions, ``markdownDeprecationMessage``); ``extension/src/goDebugConfiguration.ts``
  (``args`` given as a string is split by ``parseArgsString``; ``processId`` as a string
  becomes an int; ``buildFlags`` as a list is joined for dlv older than 1.22.2; ``cwd``
  gets a leading ``~`` expanded; ``mode: remote`` on a launch request is deprecated;
  ``port`` with dlv-dap connects to an external server); ``goDebugFactory.ts``
  (``if (configuration.port) return new DebugAdapterServer(port, host ?? '127.0.0.1')``).
* go-delve/delve at v1.27.1-17-g3b775986 (2026-08-21): ``service/dap/types.go``
  (``LaunchConfig``, ``AttachConfig``, ``LaunchAttachCommonConfig``, ``BuildFlags``
  string or []string since v1.21.1, ``Env map[string]*string`` since v1.8.1,
  ``SubstitutePath`` needs both ``from`` and ``to``).  Delve decodes the arguments with
  ``encoding/json`` into those typed fields, so a value of another JSON type fails the
  whole request: ``cannot unmarshal number into "env" of type string``.
* microsoft/vscode ``debugger.ts`` (attributes every debugger accepts: ``name``,
  ``type``, ``request``, ``debugServer``, ``preLaunchTask``, ``postDebugTask``,
  ``presentation``, ``internalConsoleOptions``, ``suppressMultipleSessionWarning``, the
  platform blocks) and the built-in debug-server-ready extension (``serverReadyAction``).
* Removed settings and attributes: package.json of every vscode-go release tag from
  v0.15.0 to v0.57.0 compared (a setting present in one and absent from the next), and
  each property's ``deprecationMessage``; CHANGELOG.md for the reasons.
"""

from __future__ import annotations

from ideaudit._fast.lazyre import lazy_re
from ideaudit._fast.record import record

# JSON shapes, in Delve's (Go's) terms.  "int" is a Go int: a JSON number with no
# fraction.  Go's json leaves a field alone on ``null``, so null never fails.
STRING = "string"
BOOL = "bool"
INT = "int"
NUMBER = "number"
STRINGS = "strings"  # []string
STRING_OR_STRINGS = "string|strings"  # BuildFlags, envFile
ARGS = "args"  # []string, or a string vscode-go splits first
ENV = "env"  # map[string]*string
SUBSTITUTE_PATH = "substitutePath"  # []{from, to}, both set
PROCESS_ID = "processId"  # int, or a string vscode-go turns into one
OBJECT = "object"
ANY = "any"

LAUNCH_MODES = ("auto", "debug", "test", "exec", "replay", "core", "remote")
ATTACH_MODES = ("local", "remote")
# Modes that build the program (so buildFlags and output mean something).
BUILD_MODES = ("auto", "debug", "test")


@record(frozen=True)
class Attr:
    """One launch/attach attribute.

    ``delve``: Delve's DAP server decodes it into a typed field (a wrong JSON type then
    fails the launch).  ``requests``/``modes``: where it is read (``None``: every mode of
    those requests).  ``adapter``: ``"legacy"`` or ``"dlv-dap"`` when only that debug
    adapter reads it.
    """

    shape: str
    requests: tuple[str, ...] = ("launch", "attach")
    modes: tuple[str, ...] | None = None
    delve: bool = False
    adapter: str | None = None
    note: str = ""


_L = ("launch",)
_A = ("attach",)

ATTRIBUTES: dict[str, Attr] = {
    # -- launch only (Delve LaunchConfig) --------------------------------------------
    "program": Attr(STRING, _L, delve=True),
    "args": Attr(ARGS, _L, delve=True),
    "buildFlags": Attr(STRING_OR_STRINGS, _L, BUILD_MODES, delve=True),
    "output": Attr(STRING, _L, BUILD_MODES, delve=True),
    "noDebug": Attr(BOOL, _L, delve=True),
    "traceDirPath": Attr(STRING, _L, ("replay",), delve=True),
    "coreFilePath": Attr(STRING, _L, ("core",), delve=True),
    "dlvCwd": Attr(STRING, _L, delve=True),
    "env": Attr(ENV, _L, delve=True),
    "envFile": Attr(STRING_OR_STRINGS, _L),
    "outputMode": Attr(STRING, _L, delve=True, adapter="dlv-dap"),
    "stdinFrom": Attr(STRING, _L, delve=True, adapter="dlv-dap"),
    "stdoutTo": Attr(STRING, _L, delve=True, adapter="dlv-dap"),
    "stderrTo": Attr(STRING, _L, delve=True, adapter="dlv-dap"),
    # -- attach only (Delve AttachConfig) --------------------------------------------
    "processId": Attr(PROCESS_ID, _A, ("local",), delve=True),
    "waitFor": Attr(STRING, _A, ("local",), delve=True),
    "remotePath": Attr(
        STRING, _A, ("remote",), adapter="legacy", note="deprecated: use substitutePath (vscode-go)"
    ),
    # -- both (Delve LaunchAttachCommonConfig, plus vscode-go's own) -------------------
    "mode": Attr(STRING, delve=True),
    "cwd": Attr(STRING, delve=True),
    "stopOnEntry": Attr(BOOL, delve=True),
    "backend": Attr(STRING, delve=True),
    "stackTraceDepth": Attr(INT, delve=True),
    "maxStringLen": Attr(INT, delve=True, adapter="dlv-dap"),
    "maxArrayValues": Attr(INT, delve=True, adapter="dlv-dap"),
    "showGlobalVariables": Attr(BOOL, delve=True),
    "showRegisters": Attr(BOOL, delve=True),
    "hideSystemGoroutines": Attr(BOOL, delve=True),
    "goroutineFilters": Attr(STRING, delve=True, adapter="dlv-dap"),
    "showPprofLabels": Attr(STRINGS, delve=True, adapter="dlv-dap"),
    "substitutePath": Attr(SUBSTITUTE_PATH, delve=True),
    "showRawStrings": Attr(BOOL, delve=True),
    "followExec": Attr(BOOL, _L, delve=True, adapter="dlv-dap"),
    "followExecRegex": Attr(STRING, _L, delve=True, adapter="dlv-dap"),
    "debugAdapter": Attr(STRING),
    "dlvFlags": Attr(STRINGS),
    "showLog": Attr(BOOL),
    "port": Attr(NUMBER),
    "host": Attr(STRING),
    "trace": Attr(STRING),
    "logOutput": Attr(STRING),
    "logDest": Attr(STRING, adapter="dlv-dap"),
    "dlvLoadConfig": Attr(OBJECT, adapter="legacy", note="dlv-dap loads values on demand"),
    "apiVersion": Attr(NUMBER, adapter="legacy"),
    "useApiV1": Attr(BOOL, adapter="legacy"),
    "console": Attr(STRING),
    "asRoot": Attr(BOOL),
    "guessSubstitutePath": Attr(OBJECT, _A),
}

# Every debugger accepts these (VS Code's launch schema and built-in extensions).
VSCODE_COMMON = frozenset(
    {
        "name",
        "type",
        "request",
        "debugServer",
        "preLaunchTask",
        "postDebugTask",
        "presentation",
        "internalConsoleOptions",
        "suppressMultipleSessionWarning",
        "serverReadyAction",
        "linux",
        "osx",
        "windows",
    }
)

# Attributes vscode-go used to read and no longer does: (version, what to do instead).
# ``dlvToolPath`` is rule V001's.
REMOVED_ATTRIBUTES: dict[str, tuple[str, str]] = {
    "init": ("v0.26.0", "remove it; it was a legacy-adapter option that was never read by dlv-dap"),
    "remotePath": ("v0.27.0", 'use "substitutePath": [{"from": "<local dir>", "to": "<remote dir>"}]'),
}

# go.* settings vscode-go removed (release that dropped them from package.json) or marks
# deprecated (release that added the deprecation message), with what replaces them.
REMOVED_SETTINGS: dict[str, tuple[str, str]] = {
    "go.languageServerExperimentalFeatures": ("v0.21.0", 'gopls settings under "gopls"'),
    "go.overwriteGoplsMiddleware": ("v0.24.0", "nothing (it had no effect)"),
    "go.useGoProxyToCheckForToolUpdates": ("v0.40.0", "go.toolsManagement.checkForUpdates"),
    "go.autocompleteUnimportedPackages": ("v0.40.0", "gopls (go.useLanguageServer)"),
    "go.docsTool": ("v0.40.0", "gopls (go.useLanguageServer)"),
    "go.gocodeAutoBuild": ("v0.40.0", "gopls (go.useLanguageServer)"),
    "go.gocodeFlags": ("v0.40.0", "gopls (go.useLanguageServer)"),
    "go.gocodePackageLookupMode": ("v0.40.0", "gopls (go.useLanguageServer)"),
    "go.gotoSymbol.ignoreFolders": ("v0.40.0", "gopls (go.useLanguageServer)"),
    "go.gotoSymbol.includeGoroot": ("v0.40.0", "gopls (go.useLanguageServer)"),
    "go.gotoSymbol.includeImports": ("v0.40.0", "gopls (go.useLanguageServer)"),
    "go.liveErrors": ("v0.40.0", "gopls diagnostics (go.useLanguageServer)"),
    "go.useCodeSnippetsOnFunctionSuggest": ("v0.40.0", 'gopls "ui.completion.usePlaceholders"'),
    "go.useCodeSnippetsOnFunctionSuggestWithoutType": ("v0.40.0", 'gopls "ui.completion.usePlaceholders"'),
}
DEPRECATED_SETTINGS: dict[str, tuple[str, str]] = {
    "go.buildOnSave": ("v0.39.0", "gopls diagnostics (go.useLanguageServer)"),
    "go.logging.level": ("v0.41.0", "the 'Developer: Set Log Level...' command"),
}

# VS Code's own ``${...}`` variables (microsoft/vscode variableResolver.ts); any other
# ``${NAME}`` is left as written and reaches the program literally.
VSCODE_VARIABLES = frozenset(
    {
        "workspaceFolder",
        "workspaceRoot",
        "workspaceFolderBasename",
        "userHome",
        "pathSeparator",
        "/",
        "env",
        "config",
        "input",
        "command",
        "file",
        "fileBasename",
        "fileBasenameNoExtension",
        "fileDirname",
        "fileDirnameBasename",
        "fileExtname",
        "fileWorkspaceFolder",
        "relativeFile",
        "relativeFileDirname",
        "lineNumber",
        "columnNumber",
        "selectedText",
        "cwd",
        "execPath",
        "execInstallFolder",
        "extensionInstallFolder",
        "defaultBuildTask",
    }
)

# Attributes whose strings a shell would have expanded (the D rules look there for
# ``$VAR``, ``%VAR%`` and ``~``), in the order a reader meets them.
SHELL_CHECKED = ("program", "cwd", "args", "buildFlags", "envFile", "output", "env")


def known(name: str) -> bool:
    return name in ATTRIBUTES or name in VSCODE_COMMON or name in REMOVED_ATTRIBUTES or name == "dlvToolPath"


# Shell syntax a shell would expand and VS Code does not (it substitutes only ``${...}``
# variables of its own): ``${VAR}``, ``$VAR``, ``%VAR%``, and ``~`` where a shell expands
# it (at the start of a word or after ``=``/``:``).
_SHELL_TOKEN = lazy_re(
    r"\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)\}"
    r"|\$(?P<plain>[A-Za-z_][A-Za-z0-9_]*)"
    r"|%(?P<win>[A-Za-z_][A-Za-z0-9_]+)%"
    r"|(?:^|(?<=[=:\s]))(?P<tilde>~)(?=[/:\s]|$)"
)


@record(frozen=True)
class ShellToken:
    """One piece of shell syntax in a string, and what to write instead."""

    text: str
    start: int
    name: str | None  # the variable, None for ``~``

    @property
    def replacement(self) -> str:
        return "${userHome}" if self.name is None else f"${{env:{self.name}}}"


def shell_tokens(text: str, *, leading_tilde_expanded: bool = False) -> list[ShellToken]:
    """The shell syntax in ``text`` that VS Code passes on literally.

    ``leading_tilde_expanded``: vscode-go expands a ``~`` at the very start itself
    (``cwd``, through ``resolveHomeDir``), so that one is fine.
    """
    out: list[ShellToken] = []
    for m in _SHELL_TOKEN.finditer(text):
        braced = m.group("braced")
        if braced is not None and braced in VSCODE_VARIABLES:
            continue
        if m.group("tilde") is not None:
            if leading_tilde_expanded and m.start() == 0:
                continue
            out.append(ShellToken("~", m.start(), None))
            continue
        name = braced or m.group("plain") or m.group("win")
        out.append(ShellToken(m.group(0), m.start(), name))
    return out

"""VS Code's ``${...}`` variable substitution, done statically.

Three flavours exist in practice, and they differ in ways that cause real bugs:

* ``launch``: VS Code itself substitutes launch.json (and ``terminal.integrated.env.*``)
  before the Go extension sees it: ``${env:NAME}`` (VS Code's own environment, undefined
  is the empty string), ``${workspaceFolder}``, ``${workspaceFolder:Name}``,
  ``${workspaceFolderBasename}``, ``${workspaceRoot}`` (deprecated alias), ``${userHome}``,
  ``${pathSeparator}`` / ``${/}``, ``${config:section.key}``.
* ``gopath``: vscode-go's ``resolvePath``/``substituteEnv`` for settings such as
  ``go.goroot``, ``go.gopath``, ``go.alternateTools`` and ``go.toolsEnvVars``: only
  ``${workspaceFolder}``/``${workspaceRoot}``, ``${env:NAME}`` and a leading ``~``.
* ``test``: ``go.testEnvVars`` goes through ``resolvePath`` without ``substituteEnv``:
  ``${workspaceFolder}`` and ``~`` only; ``${env:X}`` stays literal (rule V006).

``${input:...}``, ``${command:...}`` and the editor-dependent ones (``${file}``, ...)
cannot be known without a running VS Code; they are left as written and reported as
unresolvable, never guessed.  Hand-written because no library implements VS Code's
resolver; it is a regex over one well-defined grammar.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ideaudit._fast.record import field, record

_VAR = re.compile(r"\$\{([^}]*)\}")
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")

# Variables that depend on the active editor or on user interaction.
_INTERACTIVE = {
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
    "execInstallFolder",
    "extensionInstallFolder",
    "cwd",
    "execPath",
    "defaultBuildTask",
}


@record(frozen=True)
class SubstScope:
    """What a substitution can see."""

    env: Mapping[str, str]
    workspace_folder: str | None = None
    folders: Mapping[str, str] = field(default_factory=dict)
    user_home: str = ""
    config: Callable[[str], Any] | None = None
    path_separator: str = "/"


@record(frozen=True)
class Substituted:
    """The result of substituting one string, with what could not be resolved."""

    value: str
    undefined_env: tuple[str, ...] = ()
    unresolvable: tuple[str, ...] = ()
    literal_env: tuple[str, ...] = ()  # ${env:X} left as text (test flavour)

    @property
    def changed(self) -> bool:
        return bool(self.undefined_env or self.unresolvable or self.literal_env)


def substitute(text: str, scope: SubstScope, flavour: str = "launch") -> Substituted:
    """Substitute ``text`` as VS Code (``launch``) or vscode-go (``gopath``/``test``) would."""
    undefined: list[str] = []
    unresolvable: list[str] = []
    literal_env: list[str] = []

    def replace(m: re.Match[str]) -> str:
        body = m.group(1)
        name, _, arg = body.partition(":")
        if name == "env":
            if flavour == "test":
                literal_env.append(arg)
                return m.group(0)
            if arg in scope.env:
                return scope.env[arg]
            undefined.append(arg)
            return ""
        if name in ("workspaceFolder", "workspaceRoot"):
            if arg and flavour == "launch":
                if arg in scope.folders:
                    return scope.folders[arg]
                unresolvable.append(m.group(0))
                return m.group(0)
            if scope.workspace_folder is not None:
                return scope.workspace_folder
            unresolvable.append(m.group(0))
            return m.group(0)
        if flavour != "launch":
            return m.group(0)
        if name == "workspaceFolderBasename" and scope.workspace_folder is not None:
            return scope.workspace_folder.rstrip("/").rsplit("/", 1)[-1]
        if name == "userHome":
            return scope.user_home
        if name in ("pathSeparator", "/"):
            return scope.path_separator
        if name == "config" and scope.config is not None:
            value = scope.config(arg)
            if value is None:
                unresolvable.append(m.group(0))
                return ""
            return value if isinstance(value, str) else str(value)
        if name in ("input", "command") or name in _INTERACTIVE or name == "config":
            unresolvable.append(m.group(0))
            return m.group(0)
        if not arg and _PLAIN_NAME.match(name):
            # Not a VS Code variable (``${HOME}``, shell syntax): VS Code leaves it as
            # written and the program gets the literal text; rule D007 says so.
            return m.group(0)
        unresolvable.append(m.group(0))
        return m.group(0)

    value = _VAR.sub(replace, text)
    if flavour in ("gopath", "test") and (value == "~" or value.startswith("~/")):
        value = scope.user_home + value[1:]
    return Substituted(value, tuple(undefined), tuple(unresolvable), tuple(literal_env))


def env_value_text(value: Any) -> str | None:
    """VS Code accepts numbers and booleans as env values and stringifies them;
    ``null`` means "remove the variable" (terminal env) and is kept as ``None``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float, str)):
        return str(value)
    return None

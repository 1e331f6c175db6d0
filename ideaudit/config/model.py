"""The configuration files as pydantic models: the one definition of every key.

Validation (strict types, unknown keys refused), the JSON Schema an editor loads
(``ideaudit/schemas/config.schema.json``, ``python -m ideaudit.report.schema``) and the documentation
of each key come from these classes.  Adding a key is one field here (and its use).

Imported only when a configuration file exists: pydantic costs tens of milliseconds
of start-up, and a scan without a config file must not pay it (:mod:`ideaudit.config.load`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ideaudit.config.choices import FailOn, OutputFormat


def _kebab(name: str) -> str:
    return name.replace("_", "-")


_STRICT = ConfigDict(
    strict=True,  # `timeout = true` or `select = "P"` is a mistake, not a value to coerce
    extra="forbid",  # a misspelt key must not be silently ignored
    alias_generator=_kebab,
    populate_by_name=True,
    frozen=True,
    use_enum_values=True,
)


class ProjectConfig(BaseModel):
    """ideaudit settings of a project: `.ideaudit.toml`, or `[tool.ideaudit]` in
    `pyproject.toml`, found in the scanned folder or the nearest folder above it.
    The command line wins over every key."""

    model_config = ConfigDict(**_STRICT, title="ideaudit configuration")

    select: list[str] = Field(
        default=["ALL"],
        description='Rule codes or prefixes to check (e.g. ["P", "G001"]); `ALL` is every rule. '
        "Replaced by `--select`.",
        examples=[["P", "R", "G001"]],
    )
    extend_select: list[str] = Field(
        default=[],
        description="Rule codes or prefixes to check in addition to `select`.",
    )
    ignore: list[str] = Field(
        default=[],
        description="Rule codes or prefixes never to report. Replaced by `--ignore`.",
        examples=[["V010", "S"]],
    )
    per_file_ignores: dict[str, list[str]] = Field(
        default={},
        description="Rule codes or prefixes to ignore for findings in files matching a glob, "
        "relative to the folder of this configuration file "
        '(e.g. {".vscode/launch.json" = ["V001"]}).',
    )
    fail_on: FailOn = Field(
        default=FailOn.warning,
        strict=False,  # strict mode takes only enum instances; TOML gives the string
        description="The lowest severity that makes `ideaudit scan` exit 1: `error`, `warning` "
        "(infos never fail a run) or `info`. Replaced by `--fail-on`.",
    )
    output_format: OutputFormat = Field(
        default=OutputFormat.text,
        strict=False,
        description="How `ideaudit scan` prints its findings. Replaced by `--output-format`. "
        "`watch` uses `concise` when this is `concise`, `text` otherwise.",
    )
    timeout: float = Field(
        default=10.0,
        ge=1,
        le=120,
        description="Seconds the IDE waits for your login shell "
        "(VS Code's application.shellEnvironmentResolutionTimeout, 1-120). Replaced by `--timeout`.",
    )
    static: bool = Field(
        default=False,
        description="Audit only what the committed files decide: no shell captured, no IDE "
        "process read, no go run (CI, pre-commit). `--static` turns it on from the command line.",
    )
    help_uri_base: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$",
        description="Where docs/rules.md is published, an absolute URI "
        "(e.g. https://git.example.com/you/ideaudit/blob/main/docs/rules.md): SARIF rules get "
        "`helpUri` = this + `#` + the rule's anchor. Unset: no helpUri (SARIF requires an "
        "absolute one, and there is no public home to invent). Replaced by `--help-uri-base` "
        "and `IDEAUDIT_HELP_URI_BASE`.",
    )


class UserConfig(BaseModel):
    """ideaudit's per-user settings: `~/.config/ideaudit/config.toml` (or
    `$XDG_CONFIG_HOME/ideaudit/config.toml`).  Trust lives only here: a project's own
    configuration must never be able to trust itself."""

    model_config = ConfigDict(**_STRICT, title="ideaudit user configuration")

    trusted_folders: list[str] = Field(
        default=[],
        description="Folders whose workspaces are trusted: ideaudit may run the go binaries "
        "they name (go env, go version). `~` is your home folder; subfolders are included.",
        examples=[["~/src/work"]],
    )
    trust: bool = Field(
        default=False,
        description="Trust every workspace (as turning VS Code's Workspace Trust off): ideaudit "
        "may run any go binary a workspace names. Prefer `trusted-folders`.",
    )

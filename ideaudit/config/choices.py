"""The closed sets of values a user can choose (formats, thresholds, colour), as enums.

A leaf module shared by the CLI (typer shows them as choices and completes them) and
the configuration models (the JSON Schema lists them), so both always agree.  No
imports beyond :mod:`enum`: it sits on the start-up path of every command.
"""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    """How ``ideaudit scan`` prints its findings."""

    text = "text"
    concise = "concise"
    json = "json"
    github = "github"
    sarif = "sarif"


class WatchFormat(StrEnum):
    text = "text"
    concise = "concise"


class EnvFormat(StrEnum):
    text = "text"
    json = "json"


class FailOn(StrEnum):
    """The lowest severity that makes ``ideaudit scan`` exit 1."""

    error = "error"
    warning = "warning"
    info = "info"


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class LaunchMode(StrEnum):
    debug = "debug"
    test = "test"
    exec = "exec"

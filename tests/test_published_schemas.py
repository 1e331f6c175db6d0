"""The published JSON Schemas: current with the models, complete enough for an editor,
shipped as package data, and every sample workspace's configuration and report valid."""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from ideaudit.config.load import load_settings
from ideaudit.pipeline import scan
from ideaudit.report import render
from ideaudit.report.schema import SCHEMA_DIR, SCHEMAS, dumps
from tests.conftest import SAMPLES, shell_path
from tests.test_samples import CASES, load_expected, options, prepare

jsonschema = pytest.importorskip("jsonschema")


def committed(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_is_current(name: str) -> None:
    path = SCHEMA_DIR / name
    assert path.exists(), f"{path} is missing: run `python -m ideaudit.report.schema`"
    assert path.read_text(encoding="utf-8") == dumps(SCHEMAS[name]()), (
        f"{path} is out of date with its model: run `python -m ideaudit.report.schema`"
    )
    jsonschema.Draft202012Validator.check_schema(committed(name))


def test_schemas_are_package_data() -> None:
    shipped = resources.files("ideaudit") / "schemas"
    for name in SCHEMAS:
        assert json.loads((shipped / name).read_text(encoding="utf-8"))["title"].startswith("ideaudit")


@pytest.mark.parametrize("name", ["config.schema.json", "user-config.schema.json"])
def test_config_schema_documents_every_key(name: str) -> None:
    schema = committed(name)
    assert schema["title"] and schema["description"]
    assert schema["additionalProperties"] is False
    for key, prop in schema["properties"].items():
        assert prop.get("description"), f"{key} has no description"
        assert "default" in prop, f"{key} has no default"
        assert "-" in key or key.isalpha(), key  # TOML keys as users write them (kebab-case)


def config_files(sample: Path) -> list[tuple[Path, dict[str, Any]]]:
    found = []
    dotfile = sample / ".ideaudit.toml"
    if dotfile.is_file():
        found.append((dotfile, tomllib.loads(dotfile.read_text(encoding="utf-8"))))
    pyproject = sample / "pyproject.toml"
    if pyproject.is_file():
        table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("ideaudit")
        if table is not None:
            found.append((pyproject, table))
    return found


def test_some_sample_has_a_config() -> None:
    assert any(config_files(SAMPLES / case) for case in CASES)


@pytest.mark.parametrize("case", CASES)
def test_sample_config_and_report_match_the_schemas(case: str, tmp_path: Path, cache_dir: str) -> None:
    sample = prepare(case, tmp_path)
    config = jsonschema.Draft202012Validator(committed("config.schema.json"))
    for path, table in config_files(sample):
        config.validate(table)
        assert load_settings(str(sample)).source == str(path)
    args, _ = load_expected(case, "bash")
    result = scan(options(sample, {**args, "go_env": False}, shell_path("bash"), cache_dir))
    report = json.loads(render(result.report, "json"))
    jsonschema.Draft202012Validator(committed("report.schema.json")).validate(report)


@pytest.mark.parametrize(
    "table",
    [{"timeout": True}, {"select": "P"}, {"colour": "never"}, {"fail-on": "fatal"}, {"trust": True}],
)
def test_the_schema_rejects_what_the_model_rejects(table: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(table, committed("config.schema.json"))

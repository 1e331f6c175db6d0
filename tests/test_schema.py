"""The committed JSON Schema is current, and the JSON reporter's output matches it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from ideaudit.model import Report
from ideaudit.redact import scrub_report
from ideaudit.report import render
from ideaudit.report.schema import DEFAULT_PATH, dumps_schema, report_schema, write_schema
from tests.test_reporters import empty_report, make_report, make_rules

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "ideaudit" / "schemas" / "report.schema.json"


def test_committed_schema_is_current() -> None:
    assert SCHEMA_FILE == DEFAULT_PATH
    assert SCHEMA_FILE.exists(), (
        "ideaudit/schemas/report.schema.json is missing: run `python -m ideaudit.report.schema`"
    )
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == report_schema(), (
        "the report schema is out of date with ideaudit/model.py: run `python -m ideaudit.report.schema`"
    )


def test_schema_header() -> None:
    schema = report_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "ideaudit report"
    assert schema["type"] == "object"
    assert set(schema["required"]) >= {"version", "workspace", "contexts", "findings", "summary"}


def test_write_schema(tmp_path: Path) -> None:
    path = write_schema(tmp_path / "sub" / "report.schema.json")
    assert path.read_text(encoding="utf-8") == dumps_schema()
    assert dumps_schema().endswith("}\n")


@pytest.mark.parametrize("make", [make_report, empty_report])
def test_json_output_round_trips_through_the_model(make: Callable[[], Report]) -> None:
    report = make()
    text = render(report, "json", rules=make_rules())
    again = TypeAdapter(Report).validate_json(text)
    assert again == scrub_report(report)


@pytest.mark.parametrize("make", [make_report, empty_report])
def test_json_output_validates_against_schema(make: Callable[[], Report]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(render(make(), "json"))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_schema_rejects_a_wrong_shape() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = json.loads(render(make_report(), "json"))
    data["findings"][0]["severity"] = "fatal"
    validator = jsonschema.Draft202012Validator(report_schema())
    assert not validator.is_valid(data)

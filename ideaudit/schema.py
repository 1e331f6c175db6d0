"""The JSON Schema of ``ideaudit scan --output-format json``, generated from the model.

The report model is made of frozen stdlib dataclasses (:mod:`ideaudit.model`);
``pydantic.TypeAdapter`` understands those directly, so the schema comes from the one
definition and pydantic is only imported here, never on the fast path of a scan.

``python -m ideaudit.schema [PATH]`` writes ``schemas/report.schema.json``; a test
checks that the committed file is current.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ideaudit.model import Report

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "ideaudit report"
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "schemas" / "report.schema.json"


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON reporter's output."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(Report).json_schema()
    # pydantic titles the root after the class and takes its docstring as description.
    return {"$schema": JSON_SCHEMA_DIALECT, **schema, "title": TITLE}


def dumps_schema() -> str:
    """The schema as the committed file holds it (stable key order, final newline)."""
    return json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: str | Path = DEFAULT_PATH) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps_schema(), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    written = write_schema(args[0] if args else DEFAULT_PATH)
    print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

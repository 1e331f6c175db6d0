"""The published JSON Schemas, generated from the models that define them.

- ``report.schema.json``: ``ideaudit scan --output-format json``.  The report model is
  made of frozen records (:mod:`ideaudit.model`); ``pydantic.TypeAdapter`` understands
  them directly, so pydantic is only imported here, never on the fast path of a scan.
- ``config.schema.json``: ``.ideaudit.toml`` and ``[tool.ideaudit]`` (what an editor's
  TOML support, e.g. taplo / Even Better TOML or SchemaStore, loads), from
  :class:`ideaudit.config.model.ProjectConfig`.
- ``user-config.schema.json``: ``~/.config/ideaudit/config.toml``, from
  :class:`ideaudit.config.model.UserConfig`.

They live in ``ideaudit/schemas/`` so that the wheel ships them as package data
(``importlib.resources.files("ideaudit") / "schemas"``).  ``python -m ideaudit.report.schema``
writes them all; a test checks that the committed files are current.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ideaudit.model import Report

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "ideaudit report"
SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"
DEFAULT_PATH = SCHEMA_DIR / "report.schema.json"


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON reporter's output."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(Report).json_schema()
    # pydantic titles the root after the class and takes its docstring as description.
    return {"$schema": JSON_SCHEMA_DIALECT, **schema, "title": TITLE}


def _config_schema(model_name: str, title: str) -> dict[str, Any]:
    from ideaudit.config import model as config_model

    model = getattr(config_model, model_name)
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": JSON_SCHEMA_DIALECT, **schema, "title": title}


def config_schema() -> dict[str, Any]:
    """The JSON Schema of a project's configuration (``.ideaudit.toml``)."""
    return _config_schema("ProjectConfig", "ideaudit configuration")


def user_config_schema() -> dict[str, Any]:
    """The JSON Schema of the user configuration (``~/.config/ideaudit/config.toml``)."""
    return _config_schema("UserConfig", "ideaudit user configuration")


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "report.schema.json": report_schema,
    "config.schema.json": config_schema,
    "user-config.schema.json": user_config_schema,
}


def dumps(schema: dict[str, Any]) -> str:
    """A schema as the committed file holds it (stable key order, final newline)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def dumps_schema() -> str:
    """The report schema as the committed file holds it."""
    return dumps(report_schema())


def write_schema(path: str | Path = DEFAULT_PATH) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps_schema(), encoding="utf-8")
    return path


def write_all(folder: str | Path = SCHEMA_DIR) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in SCHEMAS.items():
        path = folder / name
        path.write_text(dumps(make()), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m ideaudit.report.schema [FOLDER]``: write every schema (default: the package's)."""
    args = sys.argv[1:] if argv is None else argv
    for path in write_all(args[0] if args else SCHEMA_DIR):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

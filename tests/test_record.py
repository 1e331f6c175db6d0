"""``@record`` behaves like ``@dataclass`` where ideaudit relies on it."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Mapping

import pytest

from ideaudit._fast.record import FrozenInstanceError, field, record, replace


@record(frozen=True)
class Point:
    x: int
    y: int = 0
    tags: Mapping[str, str] = field(default_factory=dict)


@record(frozen=True)
class Pair:
    a: int
    b: int


@record
class Box:
    items: list[int] = field(default_factory=list)
    name: str = "box"


def test_construction_defaults_and_factories() -> None:
    assert Point(1) == Point(x=1, y=0)
    assert Point(1, 2).y == 2
    a, b = Box(), Box()
    a.items.append(1)
    assert b.items == []  # a fresh default per instance
    with pytest.raises(TypeError, match="missing required argument"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword"):
        Point(1, z=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values"):
        Point(1, x=2)  # type: ignore[misc]
    with pytest.raises(TypeError, match="takes 3 arguments"):
        Point(1, 2, {}, 4)  # type: ignore[call-arg]


def test_frozen_equality_hash_repr() -> None:
    p = Point(1, 2)
    with pytest.raises(FrozenInstanceError):
        p.x = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.x  # type: ignore[misc]
    assert hash(Pair(1, 2)) == hash(Pair(1, 2)) and {Pair(1, 2), Pair(1, 2)} == {Pair(1, 2)}
    with pytest.raises(TypeError):
        hash(p)  # a dict field is unhashable, as with @dataclass(frozen=True)
    assert Point(1, 2) != Point(2, 1) and Point(1) != (1, 0)
    assert repr(p) == "Point(x=1, y=2, tags={})"
    box = Box()
    box.name = "b"  # not frozen: assignable, and (like dataclass) unhashable
    with pytest.raises(TypeError):
        hash(box)


def test_replace_and_dataclasses_compatibility() -> None:
    p = Point(1, 2)
    assert replace(p, y=5) == Point(1, 5)
    assert dataclasses.is_dataclass(p)
    assert [f.name for f in dataclasses.fields(Point)] == ["x", "y", "tags"]
    assert dataclasses.replace(p, x=9) == Point(9, 2)
    assert dataclasses.asdict(p) == {"x": 1, "y": 2, "tags": {}}


def test_pydantic_reads_records_as_dataclasses() -> None:
    from pydantic import TypeAdapter

    schema = TypeAdapter(Point).json_schema()
    assert schema["required"] == ["x"]
    assert set(schema["properties"]) == {"x", "y", "tags"}
    assert TypeAdapter(Point).validate_python({"x": 3}) == Point(3)


def test_the_scan_path_never_imports_dataclasses_inspect_or_pydantic(tmp_path: object) -> None:
    code = (
        "import sys; from ideaudit.pipeline import scan; import ideaudit.report.text, ideaudit.redact;"
        "from ideaudit.rules.catalog import load_all; load_all();"
        "bad = {'dataclasses', 'inspect', 'pydantic', 'typer', 'rich', 'psutil', 'watchdog'}"
        " & set(sys.modules);"
        "print(sorted(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

"""Under watch, an unchanged file is not parsed again; a changed one is."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ideaudit.sources import filecache
from ideaudit.sources.jsonc import JsoncDocument, load_jsonc
from ideaudit.sources.xmlpos import parse_xml


@pytest.fixture
def cache_on() -> Iterator[None]:
    filecache.enable()
    yield
    filecache.disable()


def test_unchanged_files_are_not_parsed_again(tmp_path: Path, cache_on: None) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text('{"a": 1}')
    first = load_jsonc(settings)
    assert load_jsonc(settings) is first  # same object: not parsed again
    xml = tmp_path / "workspace.xml"
    xml.write_text('<project version="4"><component name="GOROOT" url="file:///x"/></project>')
    doc, _ = parse_xml(str(xml))
    again, _ = parse_xml(str(xml))
    assert doc is again


def test_a_changed_file_is_parsed_again(tmp_path: Path, cache_on: None) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text('{"a": 1}')
    first = load_jsonc(settings)
    settings.write_text('{"a": 22}')
    os.utime(settings, ns=(1, 2))  # even a same-size rewrite within one mtime tick differs here
    second = load_jsonc(settings)
    assert isinstance(second, JsoncDocument) and second.data == {"a": 22} and second is not first
    settings.unlink()
    assert not isinstance(load_jsonc(settings), JsoncDocument)


def test_off_by_default_for_scan(tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text('{"a": 1}')
    assert load_jsonc(settings) is not load_jsonc(settings)
    assert filecache.size() == 0

"""Writing fixes safely: atomic, backed up, refused on conflict, undoable; XML edits."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ideaudit.fixes import Fix
from ideaudit.fixes import apply as apply_mod
from ideaudit.fixes.apply import FixConflict, UndoError, select, undo, unified_diff, write_files
from ideaudit.model import Edit
from tests.conftest import CORPUS


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".ideaudit-tmp")]


def test_failure_between_temp_write_and_rename_leaves_original_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "settings.json"
    target.write_bytes(b'{\r\n    "a": 1\r\n}\r\n')
    original = target.read_bytes()

    def boom(src: str, dst: str) -> None:
        assert os.path.exists(src)  # the temp file was written and fsynced
        raise OSError("disk yanked")

    monkeypatch.setattr(apply_mod, "_replace", boom)
    with pytest.raises(OSError, match="disk yanked"):
        write_files({str(target): (original.decode(), '{\r\n    "a": 2\r\n}\r\n')}, str(tmp_path / "cache"))
    assert target.read_bytes() == original
    assert _leftovers(tmp_path) == []


def test_file_changed_after_the_scan_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "launch.json"
    other = tmp_path / "settings.json"
    target.write_text("{}\n")
    other.write_text("{}\n")
    read = target.read_text()
    target.write_text('{"edited": "by the user"}\n')
    with pytest.raises(FixConflict, match="changed since it was read"):
        write_files(
            {str(other): ("{}\n", '{"x": 1}\n'), str(target): (read, '{"y": 1}\n')}, str(tmp_path / "c")
        )
    assert other.read_text() == "{}\n"  # nothing is written when one file conflicts
    assert target.read_text() == '{"edited": "by the user"}\n'
    new = tmp_path / "new.json"
    new.write_text("appeared")
    with pytest.raises(FixConflict, match="created since"):
        write_files({str(new): (None, "{}\n")}, str(tmp_path / "c"))


def test_permissions_bytes_backup_and_undo(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    target = tmp_path / ".bash_profile"
    target.write_bytes(b"export A=1\r\n")
    target.chmod(0o640)
    created = tmp_path / "sub" / "new.env"
    written = write_files(
        {str(target): ("export A=1\r\n", "export A=1\r\nexport B=2\r\n"), str(created): (None, "X=1\n")},
        cache,
    )
    assert {w.created for w in written} == {True, False}
    assert target.read_bytes() == b"export A=1\r\nexport B=2\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert created.read_text() == "X=1\n"
    restored = undo(cache)
    assert sorted(restored) == sorted([str(target), str(created)])
    assert target.read_bytes() == b"export A=1\r\n" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not created.exists()
    with pytest.raises(UndoError, match="nothing to undo"):
        undo(cache)


def test_undo_refuses_a_file_edited_after_the_fix(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    target = tmp_path / "a.json"
    target.write_text("{}\n")
    write_files({str(target): ("{}\n", '{"a": 1}\n')}, cache)
    target.write_text('{"a": 2}\n')
    with pytest.raises(UndoError, match="changed after the fix"):
        undo(cache)
    assert target.read_text() == '{"a": 2}\n'


def test_symlinked_dotfile_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "profile"
    real.parent.mkdir()
    real.write_text("a\n")
    link = tmp_path / ".profile"
    link.symlink_to(real)
    write_files({str(link): ("a\n", "a\nb\n")}, str(tmp_path / "c"))
    assert link.is_symlink() and real.read_text() == "a\nb\n"


def test_select_dedupes_same_edit_and_defers_overlaps() -> None:
    e1 = Edit("f.json", 10, 5, "x")
    e2 = Edit("f.json", 12, 1, "y")
    fixes = [Fix(0, "M001", "safe", (e1,)), Fix(1, "M001", "safe", (e1,)), Fix(2, "M002", "safe", (e2,))]
    kept, deferred = select(fixes, {"f.json": "0" * 40})
    assert [f.index for f in kept] == [0, 1] and [f.index for f in deferred] == [2]
    # The same edit from another rule waits for the next round.
    kept, deferred = select([Fix(0, "M001", "safe", (e1,)), Fix(1, "X001", "safe", (e1,))], {})
    assert [f.index for f in deferred] == [1]


def test_diff_of_a_file_without_final_newline_and_a_new_file() -> None:
    text = unified_diff({"/w/a.json": ("{\n}", '{\n"a": 1\n}'), "/w/b.env": (None, "X=1\n")}, base="/w")
    assert "\\ No newline at end of file" in text
    assert "new file mode 100644\n--- /dev/null\n+++ b/b.env" in text


def test_xml_attribute_and_element_edits_keep_everything_else() -> None:
    from ideaudit.fixes.apply import apply_edits
    from ideaudit.fixes.xml_edit import element_text, insert_child, remove_element, set_attribute
    from ideaudit.sources.xmlpos import parse_xml_bytes

    text = (
        '<component name="ProjectRunConfigurationManager">\n'
        '  <configuration default=\'false\' name="server" type="GoApplicationRunConfiguration">\n'
        '    <envs>\n      <env name="PATH" value="/usr/local/go/bin" />\n    </envs>\n'
        '    <kind value="PACKAGE" />\n  </configuration>\n</component>\n'
    )
    doc, problems = parse_xml_bytes(text.encode(), "s.run.xml")
    assert doc is not None and not problems
    config = doc.root.find("configuration")
    assert config is not None
    envs = config.find("envs")
    assert envs is not None
    env = envs.find("env")
    assert env is not None
    out = apply_edits(text, set_attribute(doc, env, "value", "/usr/local/go/bin:$PATH$"))
    assert out == text.replace('value="/usr/local/go/bin"', 'value="/usr/local/go/bin:$PATH$"')
    out = apply_edits(text, set_attribute(doc, config, "default", 'a"b'))
    assert "default='a\"b'" in out  # the attribute's own quote style is kept
    out = apply_edits(
        text, insert_child(doc, envs, element_text("env", {"name": "GOFLAGS", "value": "-mod=mod"}))
    )
    added = '      <env name="GOFLAGS" value="-mod=mod" />\n    </envs>'
    assert '      <env name="PATH" value="/usr/local/go/bin" />\n' + added in out
    out = apply_edits(text, remove_element(doc, env))
    assert out == text.replace('      <env name="PATH" value="/usr/local/go/bin" />\n', "")
    kind = config.find("kind")
    assert kind is not None
    out = apply_edits(text, set_attribute(doc, kind, "extra", "1"))
    assert '<kind value="PACKAGE" extra="1" />' in out


GOLAND = CORPUS / "goland"


@pytest.mark.skipif(not GOLAND.is_dir(), reason=f"shared corpus not found at {GOLAND}")
def test_xml_edits_on_the_goland_corpus() -> None:
    from ideaudit.fixes.apply import apply_edits
    from ideaudit.fixes.xml_edit import element_text, insert_child, set_attribute
    from ideaudit.sources.xmlpos import parse_xml

    done = 0
    for path in sorted(p for p in GOLAND.rglob("*") if p.is_file()):
        doc, _problems = parse_xml(str(path))
        if doc is None:
            continue
        for node in doc.root.iter():
            if node.attrs and node.children:
                name = next(iter(node.attrs))
                for edits in (
                    set_attribute(doc, node, name, "ideaudit"),
                    insert_child(doc, node, element_text("option", {"name": "X", "value": "<&>"})),
                ):
                    new = apply_edits(doc.text, edits)
                    again, errs = parse_xml_bytes_or_fail(new)
                    assert again is not None, (path, errs)
                    first, last = edits[0].offset, edits[-1].offset + edits[-1].length
                    assert new[:first] == doc.text[:first] and new.endswith(doc.text[last:])
                done += 1
                break
    assert done >= 5


def parse_xml_bytes_or_fail(text: str):  # type: ignore[no-untyped-def]
    from ideaudit.sources.xmlpos import parse_xml_bytes

    return parse_xml_bytes(text.encode(), "x.xml")

"""GoLand sources: XML positions, the project model, and the real-world corpus."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ideaudit.model import Location
from ideaudit.rules.audit import Audit
from ideaudit.rules.catalog import load_all
from ideaudit.sources.goland import (
    goland_options_dir,
    is_tracked,
    load_goland_project,
)
from ideaudit.sources.xmlpos import parse_xml, parse_xml_bytes
from tests.conftest import CORPUS

GOLAND_CORPUS = CORPUS / "goland"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --------------------------------------------------------------------------- xmlpos


def test_positions_of_elements_attributes_and_text() -> None:
    text = (
        '<?xml version="1.0"?>\n<project>\n  <component name="GOROOT"\n'
        '      url="file:///go" />\n  <x>true</x>\n</project>\n'
    )
    doc, problems = parse_xml_bytes(text.encode(), "w.xml")
    assert problems == [] and doc is not None
    comp = doc.root.find("component")
    assert comp is not None
    assert (comp.line, comp.col) == (3, 3)
    assert str(comp.loc("url")) == "w.xml:4:12"
    start, end = comp.span("url") or (0, 0)
    assert text[start:end] == "file:///go"
    x = doc.root.find("x")
    assert x is not None and x.text_span is not None
    assert text[x.text_span[0] : x.text_span[1]] == "true"


def test_positions_after_non_ascii_text() -> None:
    text = '<a>\n  <b note="héllo wörld" value="v1"/>\n</a>\n'
    doc, _ = parse_xml_bytes(text.encode(), "u.xml")
    assert doc is not None
    b = doc.root.find("b")
    assert b is not None
    s, e = b.span("value") or (0, 0)
    assert text[s:e] == "v1"
    assert b.loc("value").line == 2


def test_merge_conflict_is_one_parse_problem_with_its_line() -> None:
    text = "<project>\n  <a/>\n<<<<<<< HEAD\n  <b/>\n=======\n  <c/>\n>>>>>>> x\n</project>\n"
    doc, problems = parse_xml_bytes(text.encode(), "c.xml")
    assert doc is None
    assert len(problems) == 1
    assert problems[0].kind == "parse"
    assert problems[0].location is not None and problems[0].location.line == 3


def test_malformed_xml_gives_line_and_column() -> None:
    doc, problems = parse_xml_bytes(b"<a>\n  <b></c>\n</a>", "m.xml")
    assert doc is None and problems[0].kind == "parse"
    loc = problems[0].location
    assert loc is not None and loc.line == 2 and loc.col is not None


def test_entity_expansion_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxx">]><a>&x;&x;</a>'
    doc, problems = parse_xml_bytes(bomb, "bomb.xml")
    assert doc is None and problems[0].kind == "parse"
    assert "unsafe" in problems[0].message


def test_unreadable_and_non_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<a>\n  <b/>\xff\xfe</a>")
    doc, problems = parse_xml(str(bad))
    # Not UTF-8 (no declaration says otherwise): one parse problem, at its line.
    assert doc is None and problems[0].kind == "parse"
    assert problems[0].location == Location(str(bad), 2, 7)
    doc, problems = parse_xml(str(tmp_path / "missing.xml"))
    assert doc is None and problems[0].kind == "unreadable"


# --------------------------------------------------------------------------- corpus


def _corpus_files() -> list[Path]:
    if not GOLAND_CORPUS.is_dir():
        return []
    return sorted(GOLAND_CORPUS.iterdir())


@pytest.mark.skipif(not GOLAND_CORPUS.is_dir(), reason="../shared/corpus/goland is not present")
@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_every_corpus_file_parses_or_gives_one_clear_problem(path: Path) -> None:
    doc, problems = parse_xml(str(path))
    if "conflict" in path.name:
        assert doc is None and len(problems) == 1
        assert problems[0].location is not None and problems[0].location.line == 4
    else:
        assert problems == [] and doc is not None


def _project_from_corpus(tmp_path: Path, name: str, dest: str) -> Path:
    root = tmp_path / "proj"
    target = root / dest
    target.parent.mkdir(parents=True, exist_ok=True)
    # Read in place, written into a throwaway project layout (never into the repository).
    target.write_bytes((GOLAND_CORPUS / name).read_bytes())
    return root


@pytest.mark.skipif(not GOLAND_CORPUS.is_dir(), reason="../shared/corpus/goland is not present")
@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_every_corpus_file_loads_as_a_project_file_and_audits(path: Path, tmp_path: Path) -> None:
    from ideaudit.contexts.goland import goland_contexts
    from ideaudit.model import IdeEnvironment

    name = path.name
    if name.endswith(".run.xml"):
        dest = ".run/" + name
    elif "workspace" in name:
        dest = ".idea/workspace.xml"
    elif "misc" in name:
        dest = ".idea/misc.xml"
    elif "modules" in name:
        dest = ".idea/modules.xml"
    elif name.endswith(".iml"):
        dest = ".idea/fred.iml"
    elif "_app_" in name:
        dest = (
            "home/.config/JetBrains/GoLand2024.1/options/" + name.split("_app_")[1].split(".xml")[0] + ".xml"
        )
    else:
        dest = ".idea/runConfigurations/" + name
    root = _project_from_corpus(tmp_path, name, dest)
    project = load_goland_project(str(root), str(root / "home"), hermetic=True)
    ide = IdeEnvironment("goland", {"PATH": "/usr/bin:/bin"}, "model", "test")
    gc = goland_contexts(project, ide, None)
    audit = Audit(shell=None, contexts=tuple(gc.contexts), problems=tuple(gc.problems), goland=(gc,))
    findings = [f for r in load_all().values() for f in r.check(audit)]
    e001 = [f for f in findings if f.code == "E001"]
    if "conflict" in name:
        assert len(e001) == 1 and e001[0].location is not None and e001[0].location.line == 4
    else:
        assert e001 == []


@pytest.mark.skipif(not GOLAND_CORPUS.is_dir(), reason="../shared/corpus/goland is not present")
def test_corpus_values_are_read_with_macros_expanded(tmp_path: Path) -> None:
    root = _project_from_corpus(tmp_path, "09_retrocarnage_workspace.xml", ".idea/workspace.xml")
    project = load_goland_project(str(root), "/home/u", hermetic=True)
    assert project.goroot is not None
    assert project.goroot.value == "/home/u/go/go1.15.6"
    assert project.goroot.raw == "file://$USER_HOME$/go/go1.15.6"
    assert project.goroot.location.line == 22
    assert project.vgo.generation == "legacy" and project.vgo.integration_enabled is True
    names = sorted((c.name, c.kind) for c in project.run_configs)
    assert names == [("go build main.go", "debug"), ("go test src", "tests")]
    test = next(c for c in project.run_configs if c.kind == "tests")
    assert test.target is not None and test.target.value == str(root / "src")
    assert test.target_exists is False

    root2 = _project_from_corpus(
        tmp_path / "b", "11_blog-go-api_workspace_badproxy.xml", ".idea/workspace.xml"
    )
    bad = load_goland_project(str(root2), "/home/u", hermetic=True)
    assert bad.vgo.proxy is not None
    assert bad.vgo.proxy.value.startswith("GOPROXY=https://goproxy.io")

    root3 = _project_from_corpus(
        tmp_path / "c", "31_MediaXPlugin-Wechat_workspace_modern.xml", ".idea/workspace.xml"
    )
    modern = load_goland_project(str(root3), "/home/u", hermetic=True)
    assert modern.vgo.generation == "migrated"
    assert modern.properties["go.sdk.automatically.set"].value == "true"
    assert modern.goroot is not None and modern.goroot.value == "/usr/local/go"


# --------------------------------------------------------------------------- project model


def test_shared_run_configuration_envs_parent_and_envfile(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _write(root / "go.mod", "module example.com/p\n\ngo 1.22\n")
    (root / "cmd" / "srv").mkdir(parents=True)
    _write(
        root / ".run" / "srv.run.xml",
        """<component name="ProjectRunConfigurationManager">
  <configuration default="false" name="srv" type="GoApplicationRunConfiguration" factoryName="Go Application">
    <envs pass-parent-envs="false">
      <env name="GOFLAGS" value="-mod=vendor" />
      <env name="DATA" value="$PROJECT_DIR$/data" />
    </envs>
    <EXTENSION ID="net.ashald.envfile">
      <option name="IS_ENABLED" value="true" />
      <ENTRIES>
        <ENTRY IS_ENABLED="true" PARSER="env" PATH="$PROJECT_DIR$/.env" />
      </ENTRIES>
    </EXTENSION>
    <kind value="PACKAGE" />
    <package value="example.com/p/cmd/srv" />
  </configuration>
</component>
""",
    )
    project = load_goland_project(str(root), str(tmp_path / "home"), hermetic=True)
    [config] = project.run_configs
    assert config.shared and config.kind == "debug" and not config.pass_parent
    assert config.pass_parent_location is not None and config.pass_parent_location.line == 3
    assert [(e.name, e.value) for e in config.envs] == [
        ("GOFLAGS", "-mod=vendor"),
        ("DATA", str(root / "data")),
    ]
    assert config.envs[1].raw == "$PROJECT_DIR$/data"
    assert config.target_exists is True
    assert [e.value for e in config.env_files] == [str(root / ".env")]


def test_application_options_newest_version_and_path_macros(tmp_path: Path) -> None:
    jb = tmp_path / "JetBrains"
    _write(jb / "GoLand2023.3" / "options" / "goLibraries.xml", "<application/>")
    opts = jb / "GoLand2024.1" / "options"
    _write(
        opts / "path.macros.xml",
        '<application><component name="PathMacrosImpl">'
        '<macro name="GOSTUFF" value="/opt/gostuff" /></component></application>',
    )
    _write(
        opts / "goLibraries.xml",
        '<application><component name="GoLibraries"><option name="urls"><list>'
        '<option value="file://$GOSTUFF$/path" /></list></option></component></application>',
    )
    _write(
        opts / "go.sdk.xml",
        '<application><component name="GoSdkList"><sdk-url><set>'
        '<option value="file://$USER_HOME$/sdk/go1.22.5" /></set></sdk-url></component></application>',
    )
    _write(
        opts / "vgo.xml",
        '<application><component name="vgo"><environment><map>'
        '<entry key="GOPRIVATE" value="example.com" /></map></environment></component></application>',
    )
    assert goland_options_dir(str(jb)) == str(opts)
    root = tmp_path / "p"
    (root / ".idea").mkdir(parents=True)
    project = load_goland_project(str(root), "/home/u", jetbrains_config_dir=str(jb))
    assert [v.value for v in project.app.gopath] == ["/opt/gostuff/path"]
    assert [v.value for v in project.app.sdks] == ["/home/u/sdk/go1.22.5"]
    assert [(e.name, e.value) for e in project.app.vgo_env] == [("GOPRIVATE", "example.com")]


def test_modules_iml_go_disabled_is_found(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _write(
        root / ".idea" / "modules.xml",
        '<project version="4"><component name="ProjectModuleManager"><modules>'
        '<module fileurl="file://$PROJECT_DIR$/.idea/p.iml" filepath="$PROJECT_DIR$/.idea/p.iml" />'
        "</modules></component></project>",
    )
    _write(
        root / ".idea" / "p.iml",
        '<module type="WEB_MODULE" version="4">\n  <component name="Go" enabled="false" />\n</module>\n',
    )
    project = load_goland_project(str(root), "/home/u", hermetic=True)
    [module] = project.modules
    assert module.go_enabled is False and module.location is not None and module.location.line == 2


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_tracked_workspace_xml_is_detected_from_the_git_index(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    ws = _write(
        root / ".idea" / "workspace.xml",
        '<project version="4">\n'
        '  <component name="GOROOT" url="file:///Users/alice/sdk/go1.21" />\n</project>\n',
    )
    _write(root / ".idea" / "other.xml", "<project/>")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", str(root)], check=True, env=env)
    assert not is_tracked(str(ws))
    subprocess.run(["git", "-C", str(root), "add", ".idea/workspace.xml"], check=True, env=env)
    assert is_tracked(str(ws))
    assert not is_tracked(str(root / ".idea" / "other.xml"))
    project = load_goland_project(str(root), "/home/u", hermetic=True)
    assert project.workspace_tracked
    assert [m.location.line for m in project.machine_paths] == [2]

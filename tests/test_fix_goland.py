"""GoLand fixers on real XML text: the SDK (J001/J002), run-configuration ``<envs>``
(J003, P001, P005, M/C/G), parent env passing (J004), and the generic rules whose
deciding layer is a GoLand file.

Each test writes a small project (``.idea/``, ``.run/``), reads it with the real loader,
runs every rule and every fixer, applies the edits the way ``--fix`` does, and checks
that only the edited characters changed (attribute order, quotes, indentation, CRLF and
a BOM kept) and that the finding is gone on the next scan.  Files of the shared corpus
are read in place (through a symlink) and never written.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ideaudit.contexts.goland import GoLandContexts, goland_contexts
from ideaudit.fixes import SAFE, UNSAFE, Fix, FixSet, attach_fixes
from ideaudit.fixes.run import planned
from ideaudit.model import Context, Finding, IdeEnvironment
from ideaudit.rules.audit import Audit
from ideaudit.rules.catalog import load_all
from ideaudit.sources.goland import load_goland_project
from ideaudit.sources.xmlpos import parse_xml_bytes
from tests.conftest import CORPUS as _SHARED
from tests.test_goland_rules import fake_goroot, shell_ctx

APPS = (SAFE, UNSAFE)
CORPUS = _SHARED / "goland"


# -- helpers ------------------------------------------------------------------------------


class Project:
    """A GoLand project in ``tmp_path`` with a fake home, a shell Go and an IDE env."""

    def __init__(self, tmp_path: Path, shell_env: dict[str, str] | None = None) -> None:
        self.root = tmp_path / "proj"
        self.home = tmp_path / "home"
        (self.root / ".idea").mkdir(parents=True)
        (self.home / "sdk").mkdir(parents=True)
        self.shell_root = fake_goroot(self.home / "sdk", "go1.22.5")
        self.other_root = fake_goroot(self.home / "sdk", "go1.19.13")
        self.path = f"{self.shell_root}/bin:/usr/bin:/bin"
        env = {"PATH": self.path, "HOME": str(self.home), **(shell_env or {})}
        self.shell: Context = shell_ctx(env, f"{self.shell_root}/bin/go")
        self.ide_env = dict(env)

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return path

    def audit(self) -> tuple[Audit, GoLandContexts]:
        project = load_goland_project(
            str(self.root), str(self.home), str(self.home / ".config" / "JetBrains"), hermetic=True
        )
        ide = IdeEnvironment("goland", self.ide_env, "model", "test model")
        gc = goland_contexts(project, ide, None)
        audit = Audit(
            shell=self.shell,
            contexts=tuple(gc.contexts),
            problems=tuple(gc.problems),
            goland=(gc,),
            home=str(self.home),
        ).with_disk_facts()
        return audit, gc

    def scan(self) -> tuple[list[Finding], FixSet]:
        audit, _ = self.audit()
        found = [f for r in load_all().values() for f in r.check(audit)]
        return attach_fixes(found, audit)

    def fix(self, apps: tuple[str, ...] = APPS, rounds: int = 5) -> dict[str, str]:
        """Apply fixes round after round (as ``--fix`` does); the first original of
        every changed file is returned."""
        originals: dict[str, str] = {}
        for _ in range(rounds):
            _, fixset = self.scan()
            _, changes = planned(fixset, apps)
            if not changes:
                break
            for path, (old, new) in changes.items():
                assert old is not None
                originals.setdefault(path, old)
                Path(path).write_bytes(new.encode("utf-8"))
        return originals


def fixes_for(findings: list[Finding], fixset: FixSet, code: str) -> list[Fix]:
    return [fx for fx in fixset.fixes if fx.code == code and findings[fx.index].code == code]


def codes(findings: list[Finding]) -> set[tuple[str, str | None]]:
    return {(f.code, f.context_id) for f in findings}


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def without_lines(text: str, *needles: str) -> str:
    """``text`` minus the whole lines containing any of ``needles`` (their EOL too)."""
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not any(n in line for n in needles))


RUN_HEAD = (
    '<component name="ProjectRunConfigurationManager">\n'
    '  <configuration default="false" name="server" type="GoApplicationRunConfiguration"'
    ' factoryName="Go Application">\n'
    """    <module name="api" />
    <working_directory value="$PROJECT_DIR$" />
"""
)
RUN_TAIL = """    <kind value="DIRECTORY" />
    <directory value="$PROJECT_DIR$" />
    <method v="2" />
  </configuration>
</component>
"""


def run_xml(envs: str) -> str:
    return RUN_HEAD + envs + RUN_TAIL


# -- J001 / J002: the project's Go SDK -------------------------------------------------------


def test_j002_sets_goroot_url_with_user_home_keeping_every_other_byte(tmp_path: Path) -> None:
    p = Project(tmp_path)
    ws = p.write(
        ".idea/workspace.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<project version="4">\n'
        '  <component name="ChangeListManager">\n    <option name="HIGHLIGHT_CONFLICTS" value="true" />\n'
        "  </component>\n"
        "  <component url='file://$USER_HOME$/sdk/go1.19.13'   name='GOROOT' />\n"
        "</project>",  # no newline at the end
    )
    before = read(ws)
    findings, fixset = p.scan()
    assert ("J002", "goland:tools") in codes(findings)
    j002 = fixes_for(findings, fixset, "J002")
    assert j002 and all(fx.applicability == UNSAFE for fx in j002)
    # P004/R002 on the GoLand contexts are the same edit, applied once.
    assert {fx.code for fx in fixset.fixes} >= {"J002", "P004", "R002"}
    assert len({fx.edits for fx in fixset.fixes if fx.code in ("J002", "P004", "R002")}) == 1
    p.fix()
    after = read(ws)
    assert after == before.replace("$USER_HOME$/sdk/go1.19.13", "$USER_HOME$/sdk/go1.22.5")
    assert "url='file://$USER_HOME$/sdk/go1.22.5'   name='GOROOT'" in after  # order, quotes, spaces
    findings, fixset = p.scan()
    assert not {c for c, _ in codes(findings)} & {"J002", "P004", "R002"}
    assert not fixset.fixes


def test_j001_path_form_in_a_crlf_file_with_bom(tmp_path: Path) -> None:
    p = Project(tmp_path)
    outside = fake_goroot(tmp_path / "opt", "go1.22.5")
    p.shell = shell_ctx({"PATH": f"{outside}/bin:/usr/bin"}, f"{outside}/bin/go")
    text = (
        '\ufeff<?xml version="1.0" encoding="UTF-8"?>\r\n<project version="4">\r\n'
        '\t<component name="PropertiesComponent">\r\n'
        '\t\t<property name="é" value="ü" />\r\n\t</component>\r\n'
        '\t<component name="GOROOT" path="$USER_HOME$/.asdf/shims" />\r\n'
        "</project>\r\n"
    )
    ws = p.write(".idea/workspace.xml", text)
    findings, _ = p.scan()
    assert ("J001", "goland:tools") in codes(findings)
    p.fix()
    after = read(ws)
    # Outside the home the path is written as it is (no $USER_HOME$), without file://.
    assert after == text.replace("$USER_HOME$/.asdf/shims", outside)
    assert after.startswith("\ufeff<?xml") and after.count("\r\n") == text.count("\r\n")
    findings, _ = p.scan()
    assert "J001" not in {c for c, _ in codes(findings)}


def test_sdk_fix_refuses_a_shell_goroot_that_is_not_an_installation(tmp_path: Path) -> None:
    p = Project(tmp_path)
    p.shell = shell_ctx({"PATH": "/usr/bin", "GOROOT": str(tmp_path / "gone")}, None)
    p.write(
        ".idea/workspace.xml",
        '<project version="4">\n  <component name="GOROOT" url="file:///nowhere" />\n</project>\n',
    )
    findings, fixset = p.scan()
    assert ("J001", "goland:tools") in codes(findings)
    assert not fixes_for(findings, fixset, "J001")


# -- J003: run configuration envs -------------------------------------------------------------


def test_j003_removes_each_overriding_env_line_in_crlf_bom_file(tmp_path: Path) -> None:
    p = Project(tmp_path)
    envs = (
        "    <envs>\n"
        '      <env name="APP_ENV" value="dev" />\n'
        '      <env value="js" name="GOOS"/>\n'
        "      <env name='GOARCH' value='wasm' />\n"
        '      <env name="CGO_ENABLED" value="0" />\n'
        "    </envs>\n"
    )
    text = "\ufeff" + run_xml(envs).replace("\n", "\r\n")
    run = p.write(".run/server.run.xml", text)
    findings, fixset = p.scan()
    j003 = fixes_for(findings, fixset, "J003")
    assert {findings[fx.index].variable for fx in j003} == {"GOOS", "GOARCH", "CGO_ENABLED"}
    assert all(fx.applicability == UNSAFE for fx in j003)
    assert not p.fix(apps=(SAFE,))  # unsafe only
    p.fix()
    assert read(run) == without_lines(text, '"GOOS"', "'GOARCH'", '"CGO_ENABLED"')
    findings, _ = p.scan()
    assert "J003" not in {c for c, _ in codes(findings)}


def test_j003_path_removed_and_sole_env_takes_its_envs_along(tmp_path: Path) -> None:
    p = Project(tmp_path)
    envs = '    <envs>\n      <env name="PATH" value="/usr/local/go/bin" />\n    </envs>\n'
    run = p.write(".run/server.run.xml", run_xml(envs))
    p.fix()
    assert read(run) == run_xml("")
    findings, fixset = p.scan()
    assert not {c for c, ctx in codes(findings) if (ctx or "").startswith("goland:run")}
    assert not fixset.fixes


def test_unshared_config_in_workspace_xml_is_fixed_there(tmp_path: Path) -> None:
    p = Project(tmp_path)
    ws = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<project version="4">\n'
        '  <component name="RunManager" selected="Go Build.srv">\n'
        '    <configuration name="srv" type="GoApplicationRunConfiguration" factoryName="Go Application">\n'
        '      <envs>\n        <env name="GOFLAGS" value="-mod=vendor" />\n'
        '        <env name="X" value="1" />\n      </envs>\n'
        '      <kind value="DIRECTORY" />\n      <directory value="$PROJECT_DIR$" />\n'
        "    </configuration>\n  </component>\n</project>\n"
    )
    path = p.write(".idea/workspace.xml", ws)
    p.fix()
    assert read(path) == without_lines(ws, "GOFLAGS")


# -- J004: parent environment passing --------------------------------------------------------


def test_j004_turns_on_every_form_the_configuration_uses(tmp_path: Path) -> None:
    p = Project(tmp_path)
    envs = (
        "    <envs pass-parent-envs='false' >\n"
        '      <env name="APP_ENV" value="test" />\n'
        "    </envs>\n"
        '    <pass_parent_env value="false" />\n'
        '    <option value="false" name="PASS_PARENT_ENVS" />\n'
    )
    run = p.write(".run/server.run.xml", run_xml(envs))
    findings, fixset = p.scan()
    j004 = fixes_for(findings, fixset, "J004")
    assert len(j004) == 1 and j004[0].applicability == UNSAFE
    assert len(j004[0].edits) == 3  # all three forms in one fix, or J004 would come back
    # P001 (go not found: no PATH at all) takes the same edit, downgraded to unsafe.
    p001 = fixes_for(findings, fixset, "P001")
    assert p001 and all(fx.applicability == UNSAFE and fx.edits == j004[0].edits for fx in p001)
    p.fix()
    expected = run_xml(
        "    <envs pass-parent-envs='true' >\n"
        '      <env name="APP_ENV" value="test" />\n'
        "    </envs>\n"
        '    <option value="true" name="PASS_PARENT_ENVS" />\n'
    )
    assert read(run) == expected
    findings, fixset = p.scan()
    assert not {c for c, ctx in codes(findings) if (ctx or "").startswith("goland:run")}
    assert not fixset.fixes


def test_parent_env_off_on_a_generic_rule(tmp_path: Path) -> None:
    p = Project(tmp_path, shell_env={"GOFLAGS": "-tags=integration"})
    envs = '    <envs pass-parent-envs="false">\n      <env name="A" value="1" />\n    </envs>\n'
    p.write(".run/server.run.xml", run_xml(envs))
    findings, fixset = p.scan()
    m006 = fixes_for(findings, fixset, "M006")
    assert m006 and m006[0].edits == fixes_for(findings, fixset, "J004")[0].edits


# -- P001 / P005 / M / C / G: the deciding layer is an <env> ---------------------------------


def test_p001_prepends_the_shell_go_directory_safely(tmp_path: Path) -> None:
    p = Project(tmp_path)
    envs = '    <envs>\n      <env name="PATH" value="/usr/local/go/bin:/usr/bin" />\n    </envs>\n'
    run = p.write(".run/server.run.xml", run_xml(envs))
    findings, fixset = p.scan()
    assert ("P001", "goland:run:server") in codes(findings)
    safe = [fx for fx in fixset.fixes if fx.applicability == SAFE]
    assert [fx.code for fx in safe] == ["P001"]
    p.fix(apps=(SAFE,), rounds=1)
    assert read(run) == run_xml(
        "    <envs>\n"
        '      <env name="PATH" value="$USER_HOME$/sdk/go1.22.5/bin:/usr/local/go/bin:/usr/bin" />\n'
        "    </envs>\n"
    )
    findings, fixset = p.scan()
    assert ("P001", "goland:run:server") not in codes(findings)
    assert not [fx for fx in fixset.fixes if fx.applicability == SAFE]  # idempotent
    # P005 and J003 (unsafe) then remove the PATH override: the inherited PATH applies.
    p.fix()
    assert read(run) == run_xml("")


def test_m006_removes_when_inherited_is_the_shells_else_sets_it(tmp_path: Path) -> None:
    p = Project(tmp_path, shell_env={"GOFLAGS": "-tags=integration"})
    envs = (
        "    <envs>\n"
        '      <env name="GOFLAGS" value="-mod=mod" />\n'
        '      <env name="GOPROXY" value="https://proxy.corp" />\n'
        "    </envs>\n"
    )
    run = p.write(".run/server.run.xml", run_xml(envs))
    p.ide_env["GOPROXY"] = "https://ide.example"  # the IDE's own value differs from the shell's
    p.shell = shell_ctx(
        {"PATH": p.path, "HOME": str(p.home), "GOFLAGS": "-tags=integration", "GOPROXY": "https://shell"},
        f"{p.shell_root}/bin/go",
    )
    findings, fixset = p.scan()
    m002 = fixes_for(findings, fixset, "M002")  # GOPROXY
    m006 = fixes_for(findings, fixset, "M006")  # GOFLAGS
    assert m002 and m006
    p.fix()
    assert read(run) == run_xml(
        '    <envs>\n      <env name="GOPROXY" value="https://shell" />\n    </envs>\n'
    )
    findings, fixset = p.scan()
    assert not {c for c, ctx in codes(findings) if ctx == "goland:run:server" and c[0] in "MJ"}
    assert not fixset.fixes


def test_g001_writes_gopath_with_user_home(tmp_path: Path) -> None:
    p = Project(tmp_path)
    gopath = str(p.home / "go")
    p.shell = shell_ctx({"PATH": p.path, "HOME": str(p.home), "GOPATH": gopath}, f"{p.shell_root}/bin/go")
    p.ide_env["GOPATH"] = "/srv/gopath"
    envs = '    <envs>\n      <env name="GOPATH" value="/opt/gopath" />\n    </envs>\n'
    run = p.write(".run/server.run.xml", run_xml(envs))
    findings, fixset = p.scan()
    assert fixes_for(findings, fixset, "G001")
    p.fix()
    assert '<env name="GOPATH" value="$USER_HOME$/go" />' in read(run)


def test_vscode_fixers_make_no_edit_for_goland_contexts(tmp_path: Path) -> None:
    p = Project(tmp_path, shell_env={"GOFLAGS": "-tags=x", "CGO_ENABLED": "1"})
    envs = (
        "    <envs>\n"
        '      <env name="PATH" value="/usr/local/go/bin" />\n'
        '      <env name="GOROOT" value="/nowhere" />\n'
        '      <env name="CGO_ENABLED" value="0" />\n'
        "    </envs>\n"
    )
    p.write(".run/server.run.xml", run_xml(envs))
    p.write(
        ".idea/workspace.xml",
        '<project version="4">\n  <component name="GOROOT" url="file:///nowhere" />\n</project>\n',
    )
    _, fixset = p.scan()
    assert fixset.fixes
    for fx in fixset.fixes:
        for edit in fx.edits:
            assert edit.file.startswith(str(p.root)) and edit.file.endswith(".xml"), (fx.code, edit)
    assert not (p.root / ".vscode").exists()


# -- the shared corpus, read in place ------------------------------------------------------------


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus file {path} is not present")
    return path


def link(p: Project, rel: str, target: Path) -> Path:
    path = p.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return path


@pytest.mark.parametrize(
    "name",
    [
        "01_FReD_workspace.xml",
        "09_retrocarnage_workspace.xml",
        "11_blog-go-api_workspace_badproxy.xml",
        "12_goServer_workspace.xml",
        "31_MediaXPlugin-Wechat_workspace_modern.xml",
    ],
)
def test_corpus_goroot_is_rewritten_in_place(tmp_path: Path, name: str) -> None:
    source = corpus_file(name)
    p = Project(tmp_path)
    outside = fake_goroot(tmp_path / "opt", "go1.22.5")
    p.shell = shell_ctx({"PATH": f"{outside}/bin:/usr/bin"}, f"{outside}/bin/go")
    ws = link(p, ".idea/workspace.xml", source)
    original = source.read_bytes()
    findings, fixset = p.scan()
    sdk = [fx for fx in fixset.fixes if fx.code in ("J001", "J002")]
    assert sdk, sorted(codes(findings))
    _, changes = planned(fixset, APPS)
    old, new = changes[str(ws)]
    assert old is not None
    m = re.search(r'<component name="GOROOT" (url|path)="([^"]*)"', old)
    assert m is not None
    value = ("file://" if m.group(1) == "url" else "") + outside
    assert new == old[: m.start(2)] + value + old[m.end(2) :]
    doc, problems = parse_xml_bytes(new.encode("utf-8"), str(ws))
    assert doc is not None and not problems
    assert source.read_bytes() == original  # read in place, never written


def test_corpus_cross_compile_envs_are_removed(tmp_path: Path) -> None:
    source = corpus_file("14_Xim_go_build_main_go.xml")
    p = Project(tmp_path)
    run = link(p, ".idea/runConfigurations/go_build_main_go.xml", source)
    findings, fixset = p.scan()
    j003 = fixes_for(findings, fixset, "J003")
    assert {findings[fx.index].variable for fx in j003} == {"GOOS", "GOARCH"}
    _, changes = planned(fixset, APPS)
    old, new = changes[str(run)]
    assert old is not None
    assert new == without_lines(old, '"GOOS"', '"GOARCH"')
    assert os.path.islink(run)


def test_corpus_run_configs_without_overrides_get_no_fix(tmp_path: Path) -> None:
    p = Project(tmp_path)
    for name in (
        "15_kratos-layout_main.run.xml",
        "16_teamcity-operator_Run_controller_with_webhooks.xml",
        "18_mono-services_go_build_main_go.run.xml",
    ):
        link(
            p,
            f".run/{name.split('_', 1)[1].removesuffix('.run.xml').removesuffix('.xml')}.run.xml",
            corpus_file(name),
        )
    findings, fixset = p.scan()
    assert not [fx for fx in fixset.fixes if fx.code.startswith(("J003", "J004", "P00", "M", "C"))], [
        (fx.code, findings[fx.index].message) for fx in fixset.fixes
    ]

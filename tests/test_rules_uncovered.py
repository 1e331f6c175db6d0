"""One behaviour test for each rule that no other test or sample exercised.

Each test writes a real workspace (VS Code or GoLand files, a go.mod, fake Go
installations with ``bin/go`` and ``src/runtime``) in a temporary folder, builds the
contexts the way a scan does, without a shell or a ``go`` process (the rules are pure),
and runs one rule: the pitfall must give the finding, at the right file and line, and
the same workspace without the pitfall must give none.  The last test keeps the gap
closed: every registered rule code must appear in some test or sample.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from ideaudit.contexts.goland import goland_contexts
from ideaudit.contexts.layers import EnvBuilder
from ideaudit.contexts.vscode import folder_contexts
from ideaudit.go import facts as gofacts
from ideaudit.go import toolchain
from ideaudit.go.toolchain import path_lookup
from ideaudit.model import Context, Finding, IdeEnvironment, Severity, ShellSnapshot
from ideaudit.rules.audit import Audit
from ideaudit.rules.catalog import load_all
from ideaudit.shell.startup_files import StartupAnalysis
from ideaudit.sources.goland import load_goland_project
from ideaudit.sources.vscode import PLATFORM_KEY, load_workspace

RULES = load_all()
ROOT = Path(__file__).resolve().parents[1]


def run(audit: Audit, code: str) -> list[Finding]:
    return list(RULES[code].check(audit))


def fake_goroot(base: Path, version: str) -> Path:
    """A Go installation as ideaudit recognises one by stat: bin/go, src/runtime, VERSION."""
    root = base / version
    (root / "bin").mkdir(parents=True)
    (root / "src" / "runtime").mkdir(parents=True)
    go = root / "bin" / "go"
    go.write_text("#!/bin/sh\nexit 3\n")
    go.chmod(0o755)
    (root / "VERSION").write_text(version + "\n")
    return root


def shell_context(env: Mapping[str, str]) -> Context:
    """The reference (your terminal), with go looked up on its PATH as a shell does."""
    tools = {"go": path_lookup("go", env)}
    return Context(
        "shell", "your terminal (bash -i)", "shell", "shell", EnvBuilder.from_plain(env, "sh").build(), tools
    )


def write_vscode(
    ws: Path, settings: dict[str, Any] | None = None, launch: list[dict[str, Any]] | None = None
) -> None:
    (ws / ".vscode").mkdir(parents=True, exist_ok=True)
    if settings is not None:
        (ws / ".vscode" / "settings.json").write_text(json.dumps(settings, indent=4))
    if launch is not None:
        doc = {"version": "0.2.0", "configurations": launch}
        (ws / ".vscode" / "launch.json").write_text(json.dumps(doc, indent=4))


def vscode_audit(ws: Path, ide_env: Mapping[str, str], shell_env: Mapping[str, str] | None = None) -> Audit:
    """The VS Code part of a scan: the files as read, one context per place go runs."""
    home = str(ws.parent / "home")
    vs = load_workspace(str(ws), None, None)
    ide = IdeEnvironment("vscode", dict(ide_env), "model", "test model")
    names = {f.name: f.path for f in vs.folders}
    fcs = [folder_contexts(f, ide, None, home, names) for f in vs.folders]
    contexts = tuple(c for fc in fcs for c in fc.contexts)
    problems = (*vs.problems, *(p for fc in fcs for p in fc.problems))
    shell = shell_context(shell_env) if shell_env is not None else None
    return Audit(
        shell=shell, contexts=contexts, problems=problems, vscode=tuple(fcs), ide=ide, home=home
    ).with_disk_facts()


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


LAUNCH = {"name": "Launch API", "type": "go", "request": "launch", "mode": "debug", "program": "."}


# -- C002: CC differs from your shell --------------------------------------------------


def test_c002_a_cc_from_another_environment_in_tools_env_vars(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_vscode(ws, settings={"go.toolsEnvVars": {"CC": "/opt/homebrew/bin/gcc-13"}})
    shell = {"PATH": "/usr/bin:/bin", "CC": "gcc"}
    found = run(vscode_audit(ws, {"PATH": "/usr/bin:/bin"}, shell), "C002")
    assert found, "CC=/opt/homebrew/bin/gcc-13 in go.toolsEnvVars, gcc in the shell"
    assert {f.context_id for f in found} >= {"vscode:tools", "vscode:tests"}
    for f in found:
        assert f.variable == "CC" and f.severity == Severity.WARNING
        assert f.context_value == "/opt/homebrew/bin/gcc-13" and f.shell_value == "gcc"
        assert f.location is not None and f.location.file.endswith("settings.json")
        assert f.location.line == line_of(ws / ".vscode" / "settings.json", '"CC"')

    write_vscode(ws, settings={"go.toolsEnvVars": {"CC": "gcc"}})
    same = tmp_path / "same"
    shutil.copytree(ws, same)
    assert run(vscode_audit(same, {"PATH": "/usr/bin:/bin"}, shell), "C002") == []


# -- C006: GOARCH differs from your shell ----------------------------------------------


def test_c006_goarch_set_only_in_a_launch_configuration(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_vscode(ws, launch=[{**LAUNCH, "env": {"GOARCH": "arm64"}}])
    shell = {"PATH": "/usr/bin:/bin"}
    found = run(vscode_audit(ws, {"PATH": "/usr/bin:/bin"}, shell), "C006")
    assert [f.context_id for f in found] == ["vscode:debug:Launch API"]
    f = found[0]
    assert f.variable == "GOARCH" and f.context_value == "arm64" and f.shell_value is None
    assert f.location is not None and f.location.line == line_of(ws / ".vscode" / "launch.json", '"GOARCH"')

    # GOARCH=arm64 in the shell the IDE resolved too: every context builds for arm64.
    everywhere = {**shell, "GOARCH": "arm64"}
    assert run(vscode_audit(ws, everywhere, everywhere), "C006") == []


# -- E002: a configuration file that cannot be read -------------------------------------


def test_e002_a_settings_file_that_is_not_utf8_and_the_rest_is_still_audited(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_vscode(ws, launch=[{**LAUNCH, "env": {"GOARCH": "arm64"}}])
    settings = ws / ".vscode" / "settings.json"
    settings.write_bytes(b'{\n  "go.goroot": "/opt/go\xff"\n}\n')  # Latin-1, not UTF-8
    audit = vscode_audit(ws, {"PATH": "/usr/bin:/bin"}, {"PATH": "/usr/bin:/bin"})
    found = run(audit, "E002")
    assert len(found) == 1
    f = found[0]
    assert f.severity == Severity.ERROR
    assert f.location is not None and f.location.file == str(settings) and f.location.line == 2
    assert "not UTF-8" in f.message and "/opt/go" not in f.message  # never the contents
    # launch.json is still read: its GOARCH still differs from the shell's.
    assert run(audit, "C006")

    settings.write_text('{\n  "go.goroot": "/opt/go"\n}\n')
    fresh = tmp_path / "fresh"
    shutil.copytree(ws, fresh)
    assert run(vscode_audit(fresh, {"PATH": "/usr/bin:/bin"}), "E002") == []


# -- G004: a module in $GOPATH/src whose path is not its folder ------------------------


def _go_facts_audit(gopath: Path, module_dir: Path, home: Path) -> Audit:
    shell = shell_context({"PATH": "/usr/bin:/bin", "GOPATH": str(gopath), "HOME": str(home)})
    facts = gofacts.collect(
        [], shell, [str(module_dir)], root=str(module_dir), home=str(home), trust=False, run_go=False,
        cache_dir=None,
    )  # fmt: skip
    return Audit(shell=shell, contexts=(), go=facts, home=str(home)).with_disk_facts()


def test_g004_module_line_differs_from_its_gopath_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    gopath = tmp_path / "gopath"
    module_dir = gopath / "src" / "github.com" / "acme" / "api"
    module_dir.mkdir(parents=True)
    gomod = module_dir / "go.mod"
    gomod.write_text("// the API server\nmodule example.com/api\n\ngo 1.21\n")
    found = run(_go_facts_audit(gopath, module_dir, home), "G004")
    assert len(found) == 1
    f = found[0]
    assert "example.com/api" in f.message and "github.com/acme/api" in f.message
    assert f.location is not None and f.location.file == str(gomod) and f.location.line == 2

    gomod.write_text("module github.com/acme/api\n\ngo 1.21\n")
    other = tmp_path / "gopath2"
    shutil.copytree(gopath, other)
    assert run(_go_facts_audit(other, other / "src" / "github.com" / "acme" / "api", home), "G004") == []


def test_g004_a_module_outside_gopath_is_not_its_business(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    module_dir = tmp_path / "src" / "api"
    module_dir.mkdir(parents=True)
    (module_dir / "go.mod").write_text("module example.com/api\n")
    assert run(_go_facts_audit(tmp_path / "gopath", module_dir, home), "G004") == []


# -- J007 and J012: GoLand project files -----------------------------------------------


WORKSPACE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<project version="4">
  <component name="GOROOT" url="file:///Users/alice/sdk/go1.22.5" />
  <component name="PropertiesComponent">
    <property name="last_opened_file_path" value="$PROJECT_DIR$" />
  </component>
</project>
"""


def goland_audit(root: Path, home: Path) -> Audit:
    project = load_goland_project(str(root), str(home), str(home / "jetbrains"), hermetic=True)
    ide = IdeEnvironment("goland", {"PATH": "/usr/bin:/bin"}, "model", "test model")
    gc = goland_contexts(project, ide, None)
    return Audit(
        shell=None, contexts=tuple(gc.contexts), problems=tuple(gc.problems), goland=(gc,), home=str(home)
    ).with_disk_facts()


def git(repo: Path, *args: str) -> None:
    exe = shutil.which("git")
    if exe is None:
        pytest.skip("git is not installed (the test stages a file in a real git index)")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run([exe, *args], cwd=repo, env=env, check=True, capture_output=True)


def test_j007_a_committed_workspace_xml_with_another_machines_paths(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    root = tmp_path / "proj"
    (root / ".idea").mkdir(parents=True)
    ws_xml = root / ".idea" / "workspace.xml"
    ws_xml.write_text(WORKSPACE_XML)
    git(root, "init", "-q")
    # Not tracked yet: a local workspace.xml is GoLand's business, not a finding.
    assert run(goland_audit(root, home), "J007") == []

    git(root, "add", ".idea/workspace.xml")
    found = run(goland_audit(root, home), "J007")
    assert len(found) == 1
    f = found[0]
    assert "tracked by git" in f.message and "/Users/alice/sdk/go1.22.5" in f.message
    assert f.location is not None and f.location.file == str(ws_xml) and f.location.line == 3


def test_j007_a_tracked_workspace_xml_with_only_macros_is_fine(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    root = tmp_path / "proj"
    (root / ".idea").mkdir(parents=True)
    (root / ".idea" / "workspace.xml").write_text(
        WORKSPACE_XML.replace("file:///Users/alice/sdk/go1.22.5", "file://$USER_HOME$/sdk/go1.22.5")
    )
    git(root, "init", "-q")
    git(root, "add", ".idea/workspace.xml")
    assert run(goland_audit(root, home), "J007") == []


MODULES_XML = """<?xml version="1.0" encoding="UTF-8"?>
<project version="4">
  <component name="ProjectModuleManager">
    <modules>
      <module fileurl="file://$PROJECT_DIR$/.idea/api.iml" filepath="$PROJECT_DIR$/.idea/api.iml" />
    </modules>
  </component>
</project>
"""

IML = """<?xml version="1.0" encoding="UTF-8"?>
<module type="WEB_MODULE" version="4">
  <component name="Go" enabled="{enabled}" />
  <component name="NewModuleRootManager">
    <content url="file://$MODULE_DIR$" />
  </component>
</module>
"""


def test_j012_go_support_disabled_in_a_module(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    root = tmp_path / "proj"
    (root / ".idea").mkdir(parents=True)
    (root / ".idea" / "modules.xml").write_text(MODULES_XML)
    iml = root / ".idea" / "api.iml"
    iml.write_text(IML.format(enabled="false"))
    found = run(goland_audit(root, home), "J012")
    assert len(found) == 1
    f = found[0]
    assert f.severity == Severity.WARNING and str(iml) in f.message
    assert f.location is not None and f.location.file == str(iml) and f.location.line == 3

    iml.write_text(IML.format(enabled="true"))
    again = tmp_path / "again"
    shutil.copytree(root, again)
    assert run(goland_audit(again, home), "J012") == []


# -- P006: go found only through vscode-go's fallback locations ------------------------


def test_p006_go_only_at_the_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # vscode-go's fallbacks are fixed absolute paths (/usr/local/go/bin/go); the test
    # points the same lookup at a Go installed in the temporary folder instead.
    fallback = fake_goroot(tmp_path / "usr-local", "go") / "bin" / "go"
    monkeypatch.setattr(toolchain, "GO_FALLBACKS", (str(fallback),))
    ws = tmp_path / "ws"
    write_vscode(ws, settings={})
    found = run(vscode_audit(ws, {"PATH": "/usr/bin:/bin"}, {"PATH": "/usr/bin:/bin"}), "P006")
    assert [f.context_id for f in found] == ["vscode:tools"]
    assert str(fallback) in found[0].message and found[0].variable == "PATH"

    # The same go on the IDE's PATH: found the normal way, nothing to say.
    on_path = {"PATH": f"{fallback.parent}:/usr/bin:/bin"}
    assert run(vscode_audit(ws, on_path, on_path), "P006") == []


# -- R003: GOROOT of another Go than the go that runs ----------------------------------


def test_r003_goroot_names_another_installation_than_the_go_on_path(tmp_path: Path) -> None:
    old = fake_goroot(tmp_path / "sdk", "go1.21.0")
    new = fake_goroot(tmp_path / "sdk", "go1.22.5")
    ws = tmp_path / "ws"
    write_vscode(ws, launch=[{**LAUNCH, "env": {"GOROOT": str(old)}}])
    ide_env = {"PATH": f"{new / 'bin'}:/usr/bin:/bin"}
    found = run(vscode_audit(ws, ide_env, ide_env), "R003")
    assert [f.context_id for f in found] == ["vscode:debug:Launch API"]
    f = found[0]
    assert f.severity == Severity.ERROR and f.variable == "GOROOT" and f.context_value == str(old)
    assert str(new / "bin" / "go") in f.message
    assert f.location is not None and f.location.line == line_of(ws / ".vscode" / "launch.json", '"GOROOT"')

    # GOROOT of the go that runs: consistent.
    write_vscode(ws, launch=[{**LAUNCH, "env": {"GOROOT": str(new)}}])
    fixed = tmp_path / "fixed"
    shutil.copytree(ws, fixed)
    assert run(vscode_audit(fixed, ide_env, ide_env), "R003") == []


# -- S005: a way of starting your shell fails ------------------------------------------


def snapshot(
    profile: str, argv: tuple[str, ...], status: int | None, error: str | None = None
) -> ShellSnapshot:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/h"}
    return ShellSnapshot("/bin/bash", profile, argv, env, 0.4, status, error=error)


def startup(variants: dict[str, ShellSnapshot]) -> Audit:
    analysis = StartupAnalysis(
        shell="/bin/bash",
        kind="bash",
        home="/h",
        terminal=snapshot("interactive", ("/bin/bash", "-i", "-c", "..."), 0),
        ide=snapshot("login-interactive", ("/bin/bash", "-i", "-l", "-c", "..."), 0),
        timeout=10.0,
        variants=variants,
    )
    return Audit(shell=None, contexts=(), startup=analysis, home="/h")


def test_s005_a_login_shell_that_exits_with_an_error(tmp_path: Path) -> None:
    failing = snapshot("login", ("/bin/bash", "-l", "-c", "..."), 1)
    fine = snapshot("plain", ("/bin/bash", "-c", "..."), 0)
    found = run(startup({"login": failing, "plain": fine}), "S005")
    assert len(found) == 1
    f = found[0]
    assert "bash -l -c" in f.message and "exited with status 1" in f.message
    assert "a desktop session" in f.message
    assert "bash -l -x -c exit" in (f.fix or "")


def test_s005_a_hung_variant_says_why_and_working_variants_say_nothing() -> None:
    hung = snapshot("plain", ("/bin/bash", "-c", "..."), None, error="timed out after 10.0 s")
    found = run(startup({"plain": hung}), "S005")
    assert len(found) == 1 and "timed out after 10.0 s" in found[0].message
    ok = {p: snapshot(p, ("/bin/bash", "-c", "..."), 0) for p in ("login", "plain")}
    assert run(startup(ok), "S005") == []


# -- V008: the integrated terminal finds another go ------------------------------------


def test_v008_terminal_env_puts_another_go_first(tmp_path: Path) -> None:
    ide_go = fake_goroot(tmp_path / "sdk", "go1.22.5")
    term_go = fake_goroot(tmp_path / "sdk", "go1.21.0")
    ws = tmp_path / "ws"
    key = f"terminal.integrated.env.{PLATFORM_KEY}"
    write_vscode(ws, settings={key: {"PATH": f"{term_go / 'bin'}:${{env:PATH}}"}})
    ide_env = {"PATH": f"{ide_go / 'bin'}:/usr/bin:/bin"}
    found = run(vscode_audit(ws, ide_env, ide_env), "V008")
    assert [f.context_id for f in found] == ["vscode:terminal"]
    f = found[0]
    assert str(term_go / "bin" / "go") in f.message and str(ide_go / "bin" / "go") in f.message
    assert f.location is not None and f.location.line == line_of(ws / ".vscode" / "settings.json", '"PATH"')

    # The same Go first in the terminal: the terminal tells the truth about the tools.
    write_vscode(ws, settings={key: {"PATH": f"{ide_go / 'bin'}:${{env:PATH}}"}})
    same = tmp_path / "same"
    shutil.copytree(ws, same)
    assert run(vscode_audit(same, ide_env, ide_env), "V008") == []


# -- V010: a variable only a running VS Code can fill in -------------------------------


def test_v010_an_input_variable_is_a_note_not_a_guess(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_vscode(ws, launch=[{**LAUNCH, "env": {"GOFLAGS": "-tags=${input:tags}"}}])
    audit = vscode_audit(ws, {"PATH": "/usr/bin:/bin"})
    found = run(audit, "V010")
    assert found and RULES["V010"].note  # shown under -v, never counted
    assert all("${input:tags}" in f.message for f in found)
    assert found[0].location is not None
    assert found[0].location.line == line_of(ws / ".vscode" / "launch.json", '"GOFLAGS"')

    write_vscode(ws, launch=[{**LAUNCH, "env": {"GOFLAGS": "-tags=${workspaceFolderBasename}"}}])
    plain = tmp_path / "plain"
    shutil.copytree(ws, plain)
    assert run(vscode_audit(plain, {"PATH": "/usr/bin:/bin"}), "V010") == []


# -- the gap stays closed --------------------------------------------------------------


def test_every_rule_code_is_exercised_by_a_test_or_a_sample() -> None:
    """A rule that no test names and no sample expects can break unnoticed."""
    text = [p.read_text() for p in (ROOT / "tests").glob("*.py")]
    text += [p.read_text() for p in (ROOT / "sample_workspaces").glob("*/expected*.json")]
    mentioned = set(re.findall(r"\b[A-Z]\d{3}\b", "\n".join(text)))
    # Rules made from one table by one function (M001-M009) share their check's code:
    # testing one of them runs the code of all.
    tested_code = {RULES[c].check.__code__ for c in mentioned if c in RULES}
    missing = sorted(
        c for c, r in RULES.items() if c not in mentioned and r.check.__code__ not in tested_code
    )
    assert missing == [], f"no test or sample exercises {', '.join(missing)}"

"""Findings that were noise (or missing) on real public repositories, each with the
repository's own committed file as the input: vcluster's gopls build.env, terraform's
Windows go.gopath, gitea's quoted build tags, and the Go version M010 reports."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ideaudit.model import Finding, Severity
from ideaudit.pipeline import ScanOptions, scan
from ideaudit.rules.v_vscode import go_tags
from tests.conftest import SAMPLES, shell_path

GO119 = Path("/usr/lib/go-1.19/bin/go")

# loft-sh/vcluster .vscode/settings.json, as committed
VCLUSTER = '{\n  "gopls": {\n    "build.env": {\n      "GOFLAGS": "-tags=pro"\n    }\n  }\n}\n'
# hashicorp/terraform .vscode/settings.json, as committed (a Windows machine's paths)
TERRAFORM = (
    '{\n  "go.gopath": "D:\\\\CSG\\\\dev\\\\github\\\\Terraform\\\\terraform\\\\src;'
    "D:\\\\CSG\\\\dev\\\\github\\\\Terraform\\\\terraform\\\\vendor;"
    "D:\\\\CSG\\\\dev\\\\github\\\\Terraform\\\\terraform\\\\terraform;"
    'D:\\\\CSG\\\\dev\\\\github\\\\Terraform\\\\terraform\\\\builtin\\\\providers",\n'
    '  "go.toolsGopath":"C:\\\\tools\\\\go"\n}'
)
# go-gitea/gitea contrib/ide/vscode/settings.json, an earlier version
GITEA = '{\n    "go.buildTags": "\'sqlite sqlite_unlock_notify\'",\n    "go.testFlags": ["-v"]\n}'


def _workspace(tmp_path: Path, settings: str) -> tuple[Path, Path]:
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    (ws / ".vscode" / "settings.json").write_text(settings)
    (ws / "go.mod").write_text("module example.com/m\n\ngo 1.19\n")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".profile").write_text("export PATH=/usr/bin:/bin\n")
    return ws, home


def _static(ws: Path, home: Path) -> list[Finding]:
    return list(scan(ScanOptions(path=str(ws), home=str(home), static=True)).report.findings)


def test_goflags_only_in_gopls_build_env_is_about_gopls(tmp_path: Path, cache_dir: str) -> None:
    ws, home = _workspace(tmp_path, VCLUSTER)
    options = ScanOptions(
        path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=cache_dir, go_env=False
    )
    result = scan(options)
    m006 = [f for f in result.report.findings if f.code == "M006"]
    assert len(m006) == 1
    f = m006[0]
    assert f.context_id == "vscode:tools" and f.variable == "GOFLAGS" and f.context_value == "-tags=pro"
    assert f.severity is Severity.INFO  # deliberate editor setting: never fails a run
    assert "for gopls only" in f.message and "every go command" not in f.message
    assert "debugger" in f.message  # what it does not reach
    assert f.location is not None and f.location.file == ".vscode/settings.json"
    # the same GOFLAGS in go.toolsEnvVars does reach every go command: still a warning
    ws2, _ = _workspace(tmp_path / "b", '{"go.toolsEnvVars": {"GOFLAGS": "-tags=pro"}}')
    again = scan(
        ScanOptions(
            path=str(ws2), home=str(home), shell=shell_path("bash"), cache_dir=cache_dir, go_env=False
        )
    )
    tools = [f for f in again.report.findings if f.code == "M006"]
    assert tools and tools[0].severity is Severity.WARNING and "every go command" in tools[0].message


def test_no_fix_rewrites_the_gopls_setting(tmp_path: Path) -> None:
    """With GOFLAGS in your shell too, the unsafe fixes must not replace the whole
    ``"gopls"`` object (build.env's location) with your shell's GOFLAGS."""
    import subprocess
    import sys

    ws, home = _workspace(tmp_path, VCLUSTER)
    for rc in (".profile", ".bashrc"):  # the IDE's login shell and your terminal agree
        (home / rc).write_text("export PATH=/usr/bin:/bin GOFLAGS=-mod=mod\n")
    argv = [sys.executable, "-m", "ideaudit", "scan", str(ws), "--home", str(home)]
    argv += ["--shell", shell_path("bash"), "--no-go-env", "--diff", "--unsafe-fixes"]
    argv += ["--cache-dir", str(tmp_path / "c")]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert "diff --git" not in done.stdout, done.stdout  # it was: "gopls": "-mod=mod"
    assert (ws / ".vscode" / "settings.json").read_text() == VCLUSTER


def test_a_windows_gopath_is_one_clear_defect(tmp_path: Path) -> None:
    ws, home = _workspace(tmp_path, TERRAFORM)
    g002 = [f for f in _static(ws, home) if f.code == "G002"]
    assert g002, "a Windows GOPATH breaks go on this machine"
    for f in g002:
        assert "Windows path list (4 entries" in f.message
        assert "'D' is relative" not in f.message and "contains backslashes" not in f.message
        assert f.message.count(";") <= 4  # the value's separators only, no list of sub-defects
    # a Linux list with a relative entry still gets the detailed defects
    ws2, _ = _workspace(tmp_path / "b", '{"go.gopath": "/opt/go:relative/dir"}')
    details = [f for f in _static(ws2, home) if f.code == "G002"]
    assert details and "'relative/dir' is relative" in details[0].message


def test_tools_not_found_do_not_list_pieces_of_a_windows_gopath(tmp_path: Path, cache_dir: str) -> None:
    if not GO119.exists():
        pytest.skip("golang-1.19-go is not installed (CI installs it)")
    ws, home = _workspace(tmp_path, TERRAFORM)
    (home / ".profile").write_text(f"export PATH={GO119.parent}:/usr/bin:/bin\n")  # go found, tools not
    options = ScanOptions(
        path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=cache_dir, go_env=False
    )
    missing = [f for f in scan(options).report.findings if f.code in ("P002", "P003")]
    assert missing, "gopls is not installed in the fake home"
    for f in missing:
        assert "D/bin" not in f.message and "CSG" not in f.message, f.message
        assert "relative entries (a Windows path list split on ':')" in f.message


@pytest.mark.parametrize(
    ("settings", "flagged"),
    [
        (GITEA, "'sqlite sqlite_unlock_notify'"),
        ('{"go.buildTags": "\\"sqlite\\""}', "'\"sqlite\"'"),
        ('{"go.testTags": "\'integration"}', "unterminated"),
        ('{"go.buildFlags": ["-tags=\'a b\'"]}', "'a b'"),
        ('{"go.buildTags": "sqlite,sqlite_unlock_notify"}', None),
        ('{"go.buildTags": "sqlite sqlite_unlock_notify"}', None),
        ('{"go.buildTags": "\'sqlite\'"}', None),
    ],
)
def test_quoted_build_tags(tmp_path: Path, settings: str, flagged: str | None) -> None:
    ws, home = _workspace(tmp_path, settings)
    v014 = [f for f in _static(ws, home) if f.code == "V014"]
    if flagged is None:
        assert v014 == []
        return
    assert len(v014) == 1 and flagged in v014[0].message, v014
    assert v014[0].fix is not None and "'" not in v014[0].fix.split('"')[1]
    if "sqlite_unlock_notify" in settings:
        assert '"sqlite,sqlite_unlock_notify"' in v014[0].fix


@pytest.mark.parametrize(
    "value", ["sqlite", "'sqlite sqlite_unlock_notify'", '"sqlite"', "sqlite other", "'sqlite'", "x,sqlite"]
)
def test_go_tags_reads_tags_as_real_go_does(tmp_path: Path, value: str) -> None:
    if not GO119.exists():
        pytest.skip("golang-1.19-go is not installed (CI installs it)")
    (tmp_path / "go.mod").write_text("module t\n\ngo 1.19\n")
    (tmp_path / "a.go").write_text("package t\n")
    (tmp_path / "s.go").write_text("//go:build sqlite\n\npackage t\n")
    done = subprocess.run(
        [str(GO119), "list", "-tags", value, "-f", "{{range .GoFiles}}{{.}} {{end}}", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local"},
        check=True,
    )
    assert ("s.go" in done.stdout.split()) == ("sqlite" in (go_tags(value) or []))


def test_m010_labels_the_go_version_as_goversion(tmp_path: Path, cache_dir: str) -> None:
    sample = tmp_path / "goroot-another-go"
    shutil.copytree(SAMPLES / "goroot-another-go", sample, symlinks=True)
    result = scan(
        ScanOptions(
            path=str(sample),
            home=str(sample / "home"),
            shell=shell_path("bash"),
            cache_dir=cache_dir,
            go_env=False,
        )
    )
    m010 = [f for f in result.report.findings if f.code == "M010"]
    assert m010 and all(f.variable == "GOVERSION" for f in m010)
    from ideaudit.report import render

    text = render(result.report, "text", verbose=True)
    assert "GOVERSION=go1.19" in text and "GOTOOLCHAIN=go1" not in text


def _tasks_workspace(tmp_path: Path, tasks: str) -> tuple[Path, Path]:
    ws, home = _workspace(tmp_path, "{}")
    (ws / ".vscode" / "tasks.json").write_text(tasks)
    return ws, home


def test_a_platform_block_replacing_a_tasks_args_is_flagged(tmp_path: Path) -> None:
    # go-gitea/gitea contrib/ide/vscode/tasks.json (2.0.0): "args": ["build"] and
    # "linux": {"args": ["-o", "gitea", ...]} -> on Linux `go -o gitea .../main.go`
    if sys.platform != "linux":
        pytest.skip("the linux block applies on Linux only")
    gitea = (Path(__file__).parent / "data" / "gitea-tasks.json").read_text()
    ws, home = _tasks_workspace(tmp_path, gitea)
    v015 = [f for f in _static(ws, home) if f.code == "V015"]
    assert len(v015) == 2
    assert (
        "task 'Build'" in v015[0].message and "runs `go -o gitea ${workspaceRoot}/main.go`" in v015[0].message
    )
    assert v015[0].location is not None and v015[0].location.line == 11
    # version 0.1.0 appended the platform args; repeating the top-level args is fine
    old = gitea.replace('"2.0.0"', '"0.1.0"')
    fixed = gitea.replace('"args": [ "-o", "gitea"', '"args": [ "build", "-o", "gitea"')
    for text, expected in ((old, 0), (fixed, 1)):
        ws2, _ = _tasks_workspace(tmp_path / str(expected), text)
        assert len([f for f in _static(ws2, home) if f.code == "V015"]) == expected


# temporalio/temporal .vscode/launch.json's shape: an attach and several launch
# configurations, none setting GOPATH (reduced to three of its seven)
TEMPORAL = """{
\t"version": "0.2.0",
\t"configurations": [
\t\t{"name": "Debug Running Server", "type": "go", "request": "attach", "mode": "local",
\t\t "cwd": "${workspaceFolder}",},
\t\t{"name": "Debug Server", "type": "go", "request": "launch", "mode": "debug",
\t\t "program": "${workspaceFolder}/cmd/server", "cwd": "${workspaceFolder}", "args": ["start",]},
\t\t{"name": "Debug Server with SQLite", "type": "go", "request": "launch", "mode": "debug",
\t\t "program": "${workspaceFolder}/cmd/server", "args": ["--env", "development-sqlite", "start",]},
\t],
}
"""


@pytest.mark.skipif(not GO119.is_file(), reason="Debian's golang-1.19-go is not installed")
def test_dlv_not_installed_is_one_cause_for_every_debug_configuration(tmp_path: Path, cache_dir: str) -> None:
    """vscode-go looks dlv up the same way for every launch configuration, so "dlv is not
    installed" is one finding naming the configurations, not one per configuration; a
    configuration that sets GOPATH itself (where vscode-go also looks) stays apart, at its line."""
    ws, home = _workspace(tmp_path, "{}")
    (ws / ".vscode" / "launch.json").write_text(TEMPORAL)
    (ws / "cmd" / "server").mkdir(parents=True)
    (ws / "cmd" / "server" / "main.go").write_text("package main\n\nfunc main() {}\n")
    (home / ".profile").write_text(f"export PATH={GO119.parent}:/usr/bin:/bin\n")
    options = ScanOptions(
        path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=cache_dir, go_env=False
    )
    p002 = [f for f in scan(options).report.findings if f.code == "P002"]
    assert len(p002) == 1
    assert {c.label for c in p002[0].contexts} == {
        "VS Code debug 'Debug Running Server'",
        "VS Code debug 'Debug Server'",
        "VS Code debug 'Debug Server with SQLite'",
    }
    assert p002[0].location is None  # not any one configuration's line
    assert "3 contexts" in p002[0].message and "do not find it, nor does your shell" in p002[0].message
    own = TEMPORAL.replace('"args": ["start",]', '"args": ["start",], "env": {"GOPATH": "/opt/gp"}')
    (ws / ".vscode" / "launch.json").write_text(own)
    p002 = [f for f in scan(options).report.findings if f.code == "P002"]
    assert len(p002) == 2
    apart = [f for f in p002 if f.context_id == "vscode:debug:Debug Server"]
    assert apart and apart[0].location is not None and apart[0].location.file == ".vscode/launch.json"


# jonathanleahy/lighthouse pkg/gitParser/.idea/workspace.xml's shape: the SDK GoLand set
# automatically on a machine with Go from snap
LIGHTHOUSE = """<?xml version="1.0" encoding="UTF-8"?>
<project version="4">
  <component name="GOROOT" url="file://{root}" />
  <component name="VgoProject">
    <settings-migrated>true</settings-migrated>
  </component>
</project>
"""


@pytest.mark.parametrize(
    ("root", "shim"),
    [
        ("/snap/go/current", False),
        ("/snap/go/10535", False),
        ("/snap/bin", True),
        ("/home/u/.asdf/shims", True),
    ],
)
def test_a_snap_goroot_is_not_called_a_shim(tmp_path: Path, cache_dir: str, root: str, shim: bool) -> None:
    """/snap/go/current is the snap's real GOROOT (only /snap/bin holds launchers): on a
    machine without it J001 says the folder is missing, not that it is a shim."""
    ws, home = _workspace(tmp_path, "{}")
    (ws / ".vscode" / "settings.json").unlink()
    (ws / ".idea").mkdir()
    (ws / ".idea" / "workspace.xml").write_text(LIGHTHOUSE.format(root=root))
    options = ScanOptions(
        path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=cache_dir, go_env=False
    )
    j001 = [f for f in scan(options).report.findings if f.code == "J001"]
    assert len(j001) == 1 and root in j001[0].message
    assert ("shim" in j001[0].message) is shim
    assert ("does not exist" in j001[0].message) is not shim


# woodpecker-ci/woodpecker's .vscode/launch.json and .gitignore shapes: every Go
# configuration reads "${workspaceFolder}/.env", which .gitignore ignores
WOODPECKER = """{
  "version": "0.2.0",
  "configurations": [
    {"name": "Woodpecker server", "type": "go", "request": "launch", "mode": "debug",
     "envFile": "${workspaceFolder}/.env", "program": "${workspaceFolder}/cmd/server/",
     "cwd": "${workspaceFolder}"},
    {"name": "Woodpecker agent", "type": "go", "request": "launch", "mode": "debug",
     "envFile": "${workspaceFolder}/.env", "program": "${workspaceFolder}/cmd/agent/",
     "cwd": "${workspaceFolder}"}
  ]
}
"""
WOODPECKER_IGNORE = "### IDEs ###\n.idea/\n.vscode/*\n!.vscode/launch.json\n\n### Other ##\n*.sqlite\n/.env\n"


def test_a_git_ignored_envfile_is_not_missing_in_static_mode(tmp_path: Path) -> None:
    """No checkout has a git-ignored .env, CI's included: --static (only what the committed
    files decide) says nothing of it; an envFile that is not ignored is still missing."""
    ws, home = _workspace(tmp_path, "{}")
    (ws / ".vscode" / "launch.json").write_text(WOODPECKER)
    for cmd in ("server", "agent"):
        (ws / "cmd" / cmd).mkdir(parents=True)
        (ws / "cmd" / cmd / "main.go").write_text("package main\n\nfunc main() {}\n")
    (ws / ".gitignore").write_text(WOODPECKER_IGNORE)
    assert [f for f in _static(ws, home) if f.code == "V002"] == []
    (ws / ".gitignore").write_text(WOODPECKER_IGNORE.replace("/.env", "/.env.local"))
    assert len([f for f in _static(ws, home) if f.code == "V002"]) == 2


def test_a_git_ignored_envfile_is_still_missing_on_your_machine(tmp_path: Path, cache_dir: str) -> None:
    ws, home = _workspace(tmp_path, "{}")
    (ws / ".vscode" / "launch.json").write_text(WOODPECKER)
    (ws / ".gitignore").write_text(WOODPECKER_IGNORE)
    options = ScanOptions(
        path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=cache_dir, go_env=False
    )
    v002 = [f for f in scan(options).report.findings if f.code == "V002"]
    assert len(v002) == 2  # F5 fails: vscode-go cannot load the envFile
    assert ".gitignore:8 ignores it" in v002[0].message and "add it to .gitignore" not in (v002[0].fix or "")


@pytest.mark.parametrize(
    ("files", "path", "line"),
    [
        ({".gitignore": "# c\n\n/.env\n"}, ".env", 3),
        ({".gitignore": "/.env\n"}, "sub/.env", None),  # anchored at the root
        ({".gitignore": "*.env\n", "sub/.gitignore": "!.env\n"}, "sub/.env", None),  # deeper wins
        ({".gitignore": ".env\n", ".vscode/.gitignore": "local.env\n"}, ".vscode/local.env", 1),
        ({}, ".env", None),
    ],
)
def test_ignored_by_reads_gitignore_as_git_does(
    tmp_path: Path, files: dict[str, str], path: str, line: int | None
) -> None:
    from ideaudit.sources.gitignore import ignored_by

    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    got = ignored_by(str(tmp_path), str(tmp_path / path))
    assert (got.line if got else None) == line
    # the same answer as git's own
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
        check = subprocess.run(["git", "-C", str(tmp_path), "check-ignore", "-q", path], check=False)
        assert (check.returncode == 0) == (line is not None)

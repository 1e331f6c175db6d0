"""D rules (and V011-V013) on real files in a temporary workspace, no subprocess.

Each test writes a launch.json (and the Go files a program points at), builds the VS
Code contexts the way a scan does and runs one rule: the finding must name the right
attribute at its file:line, and a configuration that vscode-go and Delve accept must
give none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ideaudit.contexts.launch_facts import package_name
from ideaudit.contexts.vscode import folder_contexts
from ideaudit.model import Finding, IdeEnvironment, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.catalog import load_all
from ideaudit.sources.launch_schema import shell_tokens
from ideaudit.sources.vscode import load_workspace

RULES = load_all()
IDE_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/h", "GOPATH": "/h/go"}


def write_launch(ws: Path, configs: list[dict[str, Any]], settings: dict[str, Any] | None = None) -> Path:
    (ws / ".vscode").mkdir(parents=True, exist_ok=True)
    launch = ws / ".vscode" / "launch.json"
    # one attribute per line, so a finding's line says which attribute it is about
    launch.write_text(json.dumps({"version": "0.2.0", "configurations": configs}, indent=4))
    if settings is not None:
        (ws / ".vscode" / "settings.json").write_text(json.dumps(settings, indent=4))
    return launch


def go_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def audit_of(ws: Path, code_workspace: str | None = None) -> Audit:
    vs = load_workspace(str(ws), code_workspace, None)
    ide = IdeEnvironment("vscode", IDE_ENV, "model", "test model")
    names = {f.name: f.path for f in vs.folders}
    fcs = [folder_contexts(f, ide, None, "/h", names) for f in vs.folders]
    contexts = tuple(c for fc in fcs for c in fc.contexts)
    return Audit(shell=None, contexts=contexts, vscode=tuple(fcs), ide=ide, home="/h")


def run(audit: Audit, code: str) -> list[Finding]:
    return list(RULES[code].check(audit))


def attr_line(launch: Path, attr: str, occurrence: int = 1) -> int:
    """The line of the ``occurrence``-th ``"attr":`` in the file."""
    seen = 0
    for n, line in enumerate(launch.read_text().splitlines(), 1):
        if line.strip().startswith(f'"{attr}":'):
            seen += 1
            if seen == occurrence:
                return n
    raise AssertionError(f"{attr} not in {launch}")


def base(**kw: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {"name": "L", "type": "go", "request": "launch", "mode": "debug"}
    cfg.update(kw)
    return cfg


def main_pkg(ws: Path) -> str:
    go_file(ws / "cmd" / "app" / "main.go", "package main\n\nfunc main() {}\n")
    return "${workspaceFolder}/cmd/app"


# -- D001 -------------------------------------------------------------------------------


def test_env_values_that_delve_cannot_decode_are_errors_at_each_member(tmp_path: Path) -> None:
    launch = write_launch(
        tmp_path,
        [
            base(
                program=main_pkg(tmp_path),
                env={"PORT": 8080, "ON": True, "OBJ": {"a": 1}, "S": "x", "U": None},
            )
        ],
    )
    found = run(audit_of(tmp_path), "D001")
    assert sorted((f.location.line if f.location else 0) for f in found) == [
        attr_line(launch, "PORT"),
        attr_line(launch, "ON"),
        attr_line(launch, "OBJ"),
    ]
    assert all(f.severity is Severity.ERROR and f.context_id == "vscode:debug:L" for f in found)
    assert "a number where string or null is expected" in found[0].message


@pytest.mark.parametrize(
    ("attrs", "bad"),
    [
        ({"args": ["-v", 3]}, True),
        ({"args": "-v --port 3"}, False),  # vscode-go splits a string (parseArgsString)
        ({"buildFlags": ["-tags=dev", "-race"]}, False),  # Delve >= 1.21.1 takes a list
        ({"buildFlags": 3}, True),
        ({"stackTraceDepth": 50}, False),
        ({"stackTraceDepth": 50.5}, True),
        ({"stopOnEntry": "true"}, True),
        ({"substitutePath": [{"from": "/a", "to": "/b"}]}, False),
        ({"substitutePath": [{"from": "/a"}]}, True),
        ({"mode": "debugg"}, True),
        ({"showLog": True, "trace": "verbose"}, False),
    ],
)
def test_value_shapes_follow_delves_types(tmp_path: Path, attrs: dict[str, Any], bad: bool) -> None:
    write_launch(tmp_path, [base(program=main_pkg(tmp_path), **attrs)])
    assert bool(run(audit_of(tmp_path), "D001")) is bad


def test_the_legacy_adapter_is_not_held_to_delves_types_and_port_may_be_a_string(tmp_path: Path) -> None:
    write_launch(
        tmp_path,
        [
            base(program=main_pkg(tmp_path), debugAdapter="legacy", env={"PORT": 8080}),
            {"name": "R", "type": "go", "request": "attach", "mode": "remote", "port": "${input:port}"},
            {"name": "S", "type": "go", "request": "attach", "mode": "remote", "port": "2345"},
        ],
    )
    assert run(audit_of(tmp_path), "D001") == []


# -- D002, D003, D004 -------------------------------------------------------------------


def test_port_on_a_launch_request_connects_to_a_server_nobody_started(tmp_path: Path) -> None:
    prog = main_pkg(tmp_path)
    launch = write_launch(
        tmp_path,
        [
            base(program=prog, port=2345, host="127.0.0.1"),
            base(name="legacy", program=prog, port=2345, debugAdapter="legacy"),
            {"name": "remote", "type": "go", "request": "attach", "mode": "remote", "port": 2345},
        ],
    )
    found = run(audit_of(tmp_path), "D002")
    assert [(f.context_id, f.location.line if f.location else 0) for f in found] == [
        ("vscode:debug:L", attr_line(launch, "port"))
    ]
    assert "127.0.0.1:2345" in found[0].message


def test_a_legacy_adapter_chosen_in_settings_keeps_port_meaningful(tmp_path: Path) -> None:
    write_launch(
        tmp_path,
        [base(program=main_pkg(tmp_path), port=2345)],
        settings={"go.delveConfig": {"debugAdapter": "legacy"}},
    )
    assert run(audit_of(tmp_path), "D002") == []


def test_mode_remote_needs_a_port(tmp_path: Path) -> None:
    launch = write_launch(
        tmp_path,
        [
            {"name": "A", "type": "go", "request": "attach", "mode": "remote", "host": "10.0.0.5"},
            {"name": "B", "type": "go", "request": "attach", "mode": "remote", "port": 2345},
        ],
    )
    found = run(audit_of(tmp_path), "D003")
    assert [(f.context_id, f.location.line if f.location else 0) for f in found] == [
        ("vscode:debug:A", attr_line(launch, "mode"))
    ]


@pytest.mark.parametrize(
    ("config", "attr"),
    [
        ({"request": "attach", "mode": "local", "processId": 42, "env": {"A": "1"}}, "env"),
        ({"request": "launch", "mode": "exec", "program": "/bin/true", "buildFlags": "-race"}, "buildFlags"),
        ({"request": "launch", "mode": "debug", "processId": 42}, "processId"),
        ({"request": "launch", "mode": "debug", "dlvLoadConfig": {"maxStringLen": 9}}, "dlvLoadConfig"),
        ({"request": "launch", "mode": "debug", "coreFilePath": "/tmp/core"}, "coreFilePath"),
        ({"request": "launch", "mode": "remote", "port": 2345}, "request"),
    ],
)
def test_attributes_read_only_for_another_request_mode_or_adapter(
    tmp_path: Path, config: dict[str, Any], attr: str
) -> None:
    launch = write_launch(tmp_path, [{"name": "C", "type": "go", **config}])
    found = run(audit_of(tmp_path), "D004")
    assert [f.location.line if f.location else 0 for f in found] == [attr_line(launch, attr)]


def test_empty_leftovers_of_templates_are_not_findings(tmp_path: Path) -> None:
    write_launch(
        tmp_path,
        [
            {
                "name": "A",
                "type": "go",
                "request": "attach",
                "mode": "local",
                "processId": 1,
                "env": {},
                "args": [],
            }
        ],
    )
    assert run(audit_of(tmp_path), "D004") == []


# -- D005, D006 -------------------------------------------------------------------------


def test_unknown_attributes_suggest_the_known_one(tmp_path: Path) -> None:
    write_launch(
        tmp_path,
        [
            base(
                program=main_pkg(tmp_path),
                evn={"A": "1"},
                preLaunchTask="build",
                presentation={"hidden": True},
            )
        ],
    )
    found = run(audit_of(tmp_path), "D005")
    assert len(found) == 1 and '"evn"' in found[0].message and 'did you mean "env"' in found[0].message


def test_remote_path_is_reported_unless_empty(tmp_path: Path) -> None:
    prog = main_pkg(tmp_path)
    write_launch(
        tmp_path, [base(program=prog, remotePath="/srv"), base(name="E", program=prog, remotePath="")]
    )
    found = run(audit_of(tmp_path), "D006")
    assert [f.context_id for f in found] == ["vscode:debug:L"]
    assert "v0.27.0" in found[0].message


# -- D007 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$HOME/x", ["$HOME"]),
        ("${HOME}/x", ["${HOME}"]),
        ("%APPDATA%\\x", ["%APPDATA%"]),
        ("--cache=~/c", ["~"]),
        ("a:~/bin", ["~"]),
        ("~/x", ["~"]),
        ("${env:HOME}/x", []),
        ("${workspaceFolder}/x ${userHome} ${input:a}", []),
        ("^TestFoo$", []),
        ("$(pwd) $1 $$", []),
        ("100%", []),
        ("a~b", []),
    ],
)
def test_shell_tokens(text: str, expected: list[str]) -> None:
    assert [t.text for t in shell_tokens(text)] == expected


def test_a_leading_tilde_in_cwd_is_expanded_by_vscode_go() -> None:
    assert shell_tokens("~/w", leading_tilde_expanded=True) == []
    assert [t.replacement for t in shell_tokens("$GOPATH/bin:~/x")] == ["${env:GOPATH}", "${userHome}"]


def test_shell_syntax_in_args_env_and_build_flags(tmp_path: Path) -> None:
    launch = write_launch(
        tmp_path,
        [
            base(
                program=main_pkg(tmp_path),
                cwd="~/",
                args=["--config", "$HOME/c.yaml"],
                env={"DIR": "%APPDATA%/x", "OK": "${env:HOME}", "API_TOKEN": "$X", "GOPATH": "$HOME/go"},
                buildFlags="-ldflags=-X main.v=$VERSION",
            )
        ],
    )
    text = launch.read_text().splitlines()
    found = run(audit_of(tmp_path), "D007")
    lines = sorted(f.location.line if f.location else 0 for f in found)
    expected = sorted(
        [
            next(n for n, line in enumerate(text, 1) if "$HOME/c.yaml" in line),
            attr_line(launch, "DIR"),
            attr_line(launch, "buildFlags"),
        ]
    )
    assert lines == expected  # not cwd's leading ~, not a secret's value, not GOPATH (G002)
    assert {f.variable for f in found} == {"args[1]", "DIR", "buildFlags"}


# -- D008, D009 -------------------------------------------------------------------------


def test_missing_program_and_cwd_after_substitution(tmp_path: Path) -> None:
    launch = write_launch(
        tmp_path,
        [
            base(program="${workspaceFolder}/cmd/gone", cwd="${workspaceFolder}/testdata"),
            base(name="rel", program="cmd/app"),
            base(name="import", program="example.com/x/cmd/app"),
            base(name="exec", mode="exec", program="${workspaceFolder}/bin/app"),
            base(name="exec-task", mode="exec", program="${workspaceFolder}/bin/app", preLaunchTask="build"),
            base(name="editor", program="${fileDirname}"),
        ],
    )
    main_pkg(tmp_path)
    found = run(audit_of(tmp_path), "D008")
    got = sorted((f.context_id or "", f.severity.value, f.location.line if f.location else 0) for f in found)
    assert got == sorted(
        [
            ("vscode:debug:L", "error", attr_line(launch, "program")),
            ("vscode:debug:L", "error", attr_line(launch, "cwd")),
            ("vscode:debug:exec", "info", attr_line(launch, "program", 4)),
        ]
    )


def test_cwd_with_a_leading_tilde_is_resolved_in_home(tmp_path: Path) -> None:
    write_launch(tmp_path, [base(program=main_pkg(tmp_path), cwd="~/nowhere-here")])
    found = run(audit_of(tmp_path), "D008")
    assert len(found) == 1 and "/h/nowhere-here" in found[0].message


def test_package_clause_is_read_past_comments(tmp_path: Path) -> None:
    f = tmp_path / "a.go"
    f.write_text("// Copyright\n\n/* doc\n package x */\n//go:build linux\n\npackage store // trailing\n")
    assert package_name(str(f)) == "store"
    f.write_text("// no package at all\n")
    assert package_name(str(f)) is None


def test_non_main_programs_and_test_files_in_debug_mode(tmp_path: Path) -> None:
    go_file(tmp_path / "lib" / "lib.go", "// Package lib.\npackage lib\n")
    go_file(tmp_path / "lib" / "lib_test.go", "package lib\n")
    go_file(tmp_path / "tool" / "tool.go", "package tool\n")
    go_file(tmp_path / "tool" / "gen.go", "//go:build ignore\n\npackage main\n")
    go_file(tmp_path / "only" / "x_test.go", "package only\n")
    launch = write_launch(
        tmp_path,
        [
            base(name="lib", program="${workspaceFolder}/lib"),
            base(name="file", program="${workspaceFolder}/lib/lib_test.go"),
            base(name="tests-only", program="${workspaceFolder}/only"),
            base(name="auto-lib", mode="auto", program="${workspaceFolder}/lib"),  # a test file may be active
            base(name="auto-file", mode="auto", program="${workspaceFolder}/lib/lib_test.go"),
            base(name="test", mode="test", program="${workspaceFolder}/lib"),
            base(name="has-main", program="${workspaceFolder}/tool"),
            base(name="app", program=main_pkg(tmp_path)),
        ],
    )
    found = run(audit_of(tmp_path), "D009")
    assert sorted((f.context_id or "", f.location.line if f.location else 0) for f in found) == sorted(
        [
            ("vscode:debug:lib", attr_line(launch, "program", 1)),
            ("vscode:debug:file", attr_line(launch, "program", 2)),
            ("vscode:debug:tests-only", attr_line(launch, "program", 3)),
        ]
    )
    assert "package lib, not main" in next(f.message for f in found if f.context_id == "vscode:debug:lib")


# -- V011, V012, V013 -------------------------------------------------------------------


def test_removed_and_deprecated_go_settings(tmp_path: Path) -> None:
    write_launch(
        tmp_path,
        [],
        settings={"go.gocodeAutoBuild": True, "go.buildOnSave": "package", "go.useLanguageServer": True},
    )
    found = run(audit_of(tmp_path), "V011")
    assert sorted((f.variable, f.severity.value) for f in found) == [
        ("go.buildOnSave", "info"),
        ("go.gocodeAutoBuild", "warning"),
    ]
    assert "v0.40.0" in next(f.message for f in found if f.variable == "go.gocodeAutoBuild")


def test_workspace_root_in_launch_and_settings(tmp_path: Path) -> None:
    write_launch(
        tmp_path,
        [base(program="${workspaceRoot}", cwd="${workspaceFolder}")],
        settings={"go.testEnvVars": {"D": "${workspaceRoot}/x"}, "editor.x": "${workspaceRoot}"},
    )
    found = run(audit_of(tmp_path), "V012")
    assert sorted(f.context_id or "" for f in found) == ["vscode:debug:L", "vscode:tools"]


def test_a_code_workspace_folder_that_does_not_exist(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    ws_file = tmp_path / "team.code-workspace"
    ws_file.write_text('{\n  "folders": [\n    {"path": "a"},\n    {"path": "../gone"}\n  ]\n}\n')
    found = run(audit_of(tmp_path, str(ws_file)), "V013")
    assert [(f.location.line if f.location else 0) for f in found] == [4]
    assert "gone" in found[0].message


def test_exec_runs_binaries_and_debug_builds_source(tmp_path: Path) -> None:
    prog = main_pkg(tmp_path)
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "app").write_bytes(b"\x7fELF")
    launch = write_launch(
        tmp_path,
        [
            base(name="exec-dir", mode="exec", program=prog),
            base(name="exec-go", mode="exec", program=prog + "/main.go"),
            base(name="debug-binary", program="${workspaceFolder}/bin/app"),
            base(name="exec-binary", mode="exec", program="${workspaceFolder}/bin/app"),
        ],
    )
    found = run(audit_of(tmp_path), "D009")
    assert sorted((f.context_id or "", f.location.line if f.location else 0) for f in found) == sorted(
        [
            ("vscode:debug:exec-dir", attr_line(launch, "program", 1)),
            ("vscode:debug:exec-go", attr_line(launch, "program", 2)),
            ("vscode:debug:debug-binary", attr_line(launch, "program", 3)),
        ]
    )


def test_a_number_in_tools_env_vars_breaks_every_launch_that_does_not_override_it(tmp_path: Path) -> None:
    prog = main_pkg(tmp_path)
    write_launch(
        tmp_path,
        [
            base(name="a", program=prog),
            base(name="b", program=prog, env={"GOMAXPROCS": "2"}),  # its own string wins
            base(name="c", program=prog, debugAdapter="legacy"),  # JavaScript: coerced
            {"name": "d", "type": "go", "request": "attach", "mode": "local", "processId": 1},  # no env field
        ],
        settings={"go.toolsEnvVars": {"GOMAXPROCS": 4, "GOFLAGS": "-mod=mod"}},
    )
    found = run(audit_of(tmp_path), "D001")
    assert [(f.context_id, f.variable, f.location.line if f.location else 0) for f in found] == [
        ("vscode:debug:a", "GOMAXPROCS", 3)
    ]
    assert "1 launch configuration fails ('a')" in found[0].message and '"GOMAXPROCS": "4"' in (
        found[0].fix or ""
    )

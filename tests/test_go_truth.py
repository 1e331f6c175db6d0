"""What Go itself says: go env per context, trust, versions, modules, cgo — real toolchains."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from ideaudit.go.goenv import go_env_many
from ideaudit.go.toolchain import go_build_version
from ideaudit.model import Context, Env, EnvVar, Layer, Location, ToolLookup
from ideaudit.pipeline import ScanOptions, scan
from ideaudit.rules.audit import Audit
from ideaudit.rules.catalog import load_all
from ideaudit.rules.m_modules import match_prefix_patterns
from ideaudit.sources.gitconfig import load_rewrites, module_prefix
from ideaudit.sources.gomod import load_modules_txt, parse_gomod, version_tuple
from tests.conftest import shell_path
from tests.toolchains import toolchain


def _home(tmp_path: Path, go_root: Path) -> Path:
    """A fake $HOME whose login and interactive shells put a real Go on PATH."""
    home = tmp_path / "home"
    (home / "sdk").mkdir(parents=True)
    (home / "sdk" / "go").symlink_to(go_root, target_is_directory=True)
    line = 'export PATH="$HOME/sdk/go/bin:$HOME/go/bin:$PATH"\n'
    (home / ".profile").write_text(line)
    (home / ".bash_profile").write_text('. "$HOME/.profile"\n')
    (home / ".bashrc").write_text(line)
    return home


def _workspace(
    tmp_path: Path, launch: dict[str, object] | None = None, settings: dict[str, object] | None = None
) -> Path:
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    (ws / "go.mod").write_text("module example.com/ws\n\ngo 1.19\n")
    if launch is not None:
        (ws / ".vscode" / "launch.json").write_text(json.dumps(launch))
    if settings is not None:
        (ws / ".vscode" / "settings.json").write_text(json.dumps(settings))
    return ws


def test_ten_launch_configurations_sharing_an_environment_run_go_env_once(
    tmp_path: Path, cache_dir: str
) -> None:
    go127 = toolchain("go1.27")
    home = _home(tmp_path, go127)
    configs = [
        {"name": f"cfg {i}", "type": "go", "request": "launch", "program": "${workspaceFolder}"}
        for i in range(10)
    ]
    ws = _workspace(tmp_path, {"version": "0.2.0", "configurations": configs})
    result = scan(ScanOptions(path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=cache_dir))
    asked = [c for c in result.audit.contexts if c.go_env is not None]
    assert len([c for c in asked if c.kind == "debug"]) == 10
    assert result.audit.shell is not None and result.audit.shell.go_env is not None
    assert result.audit.shell.go_env["GOVERSION"].startswith("go1.27")
    # One cached answer per distinct (binary, environment): the IDE's and the terminal's.
    runs = os.listdir(os.path.join(cache_dir, "goenv"))
    assert 1 <= len(runs) <= 2, runs
    again = scan(ScanOptions(path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=cache_dir))
    assert os.listdir(os.path.join(cache_dir, "goenv")) == runs
    assert [c.go_env for c in again.audit.contexts] == [c.go_env for c in result.audit.contexts]


def test_go_env_many_dedupes_and_answers_each_request(tmp_path: Path, cache_dir: str) -> None:
    go119 = toolchain("go1.19") / "bin" / "go"
    go127 = toolchain("go1.27") / "bin" / "go"
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    requests = (
        [(str(go119), env)] * 3 + [(str(go127), env)] * 3 + [(str(go119), {**env, "GOFLAGS": "-mod=mod"})]
    )
    results = go_env_many(requests, home=str(tmp_path), cache_dir=cache_dir)
    assert [r.values["GOVERSION"][:6] for r in results] == ["go1.19"] * 3 + ["go1.27"] * 3 + ["go1.19"]
    assert results[-1].values["GOFLAGS"] == "-mod=mod"
    assert len(os.listdir(os.path.join(cache_dir, "goenv"))) == 3


def test_untrusted_go_named_by_the_workspace_is_never_executed(tmp_path: Path, cache_dir: str) -> None:
    go127 = toolchain("go1.27")
    home = _home(tmp_path, go127)
    marker = tmp_path / "executed"
    evil = tmp_path / "evil-go"
    evil.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    evil.chmod(0o755)
    ws = _workspace(tmp_path, settings={"go.alternateTools": {"go": str(evil)}})
    bash = shell_path("bash")
    result = scan(ScanOptions(path=str(ws), home=str(home), shell=bash, cache_dir=cache_dir))
    assert not marker.exists()
    p008 = [f for f in result.findings if f.code == "P008"]
    assert len(p008) == 1 and str(evil) in p008[0].message
    assert p008[0].location is not None and p008[0].location.file.endswith("settings.json")
    # The same binary through the CLI, without --trust: still nothing executed.
    proc = subprocess.run(
        ["ideaudit", "scan", str(ws), "--home", str(home), "--shell", bash, "--cache-dir", cache_dir],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1 and not marker.exists()
    # Trusted, it is run (and its failure reported): the gate is what kept it from running.
    trusted = scan(ScanOptions(path=str(ws), home=str(home), shell=bash, cache_dir=cache_dir, trust=True))
    assert marker.exists()
    assert any(f.code == "E004" for f in trusted.findings)


def test_trusted_folders_in_the_user_config(tmp_path: Path, cache_dir: str) -> None:
    go127 = toolchain("go1.27")
    home = _home(tmp_path, go127)
    marker = tmp_path / "executed"
    evil = tmp_path / "evil-go"
    evil.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    evil.chmod(0o755)
    ws = _workspace(tmp_path, settings={"go.alternateTools": {"go": str(evil)}})
    (home / ".config" / "ideaudit").mkdir(parents=True)
    (home / ".config" / "ideaudit" / "config.toml").write_text(f'trusted-folders = ["{ws}"]\n')
    scan(ScanOptions(path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=cache_dir))
    assert marker.exists()


def test_dlv_built_with_an_older_go_than_the_context_runs(tmp_path: Path, cache_dir: str) -> None:
    go119 = toolchain("go1.19")
    go127 = toolchain("go1.27")
    home = _home(tmp_path, go127)
    src = tmp_path / "src"
    src.mkdir()
    (src / "go.mod").write_text("module example.com/fakedlv\n\ngo 1.19\n")
    (src / "main.go").write_text("package main\n\nfunc main() {}\n")
    (home / "go" / "bin").mkdir(parents=True)
    env = {
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "GOCACHE": str(tmp_path / "gocache"),
        "GOFLAGS": "-mod=mod",
    }
    subprocess.run(
        [str(go119 / "bin" / "go"), "build", "-o", str(home / "go" / "bin" / "dlv"), "."],
        cwd=src,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert go_build_version(str(home / "go" / "bin" / "dlv")) == go_build_version(str(go119 / "bin" / "go"))
    ws = _workspace(
        tmp_path, {"version": "0.2.0", "configurations": [{"name": "api", "type": "go", "request": "launch"}]}
    )
    result = scan(ScanOptions(path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=cache_dir))
    p007 = [f for f in result.findings if f.code == "P007"]
    assert p007, [f.code for f in result.findings]
    assert all("go1.19" in f.message and "go1.27" in f.message for f in p007)


def test_build_version_is_read_without_running_the_binary(tmp_path: Path) -> None:
    go119 = toolchain("go1.19")
    assert go_build_version(str(go119 / "bin" / "go")) == "go1.19.8" or go_build_version(
        str(go119 / "bin" / "go")
    ).startswith("go1.19")
    script = tmp_path / "dlv"
    script.write_text("#!/bin/sh\nexit 0\n")
    assert go_build_version(str(script)) is None
    assert go_build_version(str(tmp_path / "missing")) is None


# -- pure pieces ---------------------------------------------------------------------


def test_gomod_parser_keeps_lines() -> None:
    mod, problems = parse_gomod(
        "module example.com/a // c\n\ngo 1.21\ntoolchain go1.22.1\n\n"
        "require (\n\tx.org/y v1.0.0 // indirect\n\tz.org/w v2.1.0\n)\n"
        "replace x.org/y => ../y\nreplace bad\n",
        "go.mod",
    )
    assert mod.module == "example.com/a" and mod.go == "1.21" and mod.toolchain == "go1.22.1"
    assert [(r.path, r.version, r.indirect, r.location.line) for r in mod.requires] == [
        ("x.org/y", "v1.0.0", True, 7),
        ("z.org/w", "v2.1.0", False, 8),
    ]
    assert mod.replaces[0].is_directory and mod.replaces[0].location.line == 10
    assert len(problems) == 1 and problems[0].location is not None and problems[0].location.line == 11


def test_modules_txt_and_versions(tmp_path: Path) -> None:
    p = tmp_path / "modules.txt"
    p.write_text("# a.org/b v1.0.0\n## explicit; go 1.21\na.org/b\n# c.org/d v0.1.0\nc.org/d\n")
    mods = load_modules_txt(str(p))
    assert mods is not None
    assert [(m.path, m.version, m.explicit) for m in mods] == [
        ("a.org/b", "v1.0.0", True),
        ("c.org/d", "v0.1.0", False),
    ]
    assert version_tuple("go1.22.5") == (1, 22, 5)
    assert version_tuple("1.21") == (1, 21)
    assert version_tuple("devel") is None


def test_go_prefix_patterns_as_go_matches_them() -> None:
    assert match_prefix_patterns("git.corp.example/*", "git.corp.example/team/auth")
    assert match_prefix_patterns("*.corp.example", "git.corp.example/team/auth")
    assert match_prefix_patterns("github.com/org", "github.com/org/repo/sub")
    assert not match_prefix_patterns("github.com/org", "github.com/organisation/repo")
    assert not match_prefix_patterns("git.corp.example/team", "git.corp.example")
    assert not match_prefix_patterns("", "x.org/y")


def test_git_insteadof_rewrites(tmp_path: Path) -> None:
    (tmp_path / ".gitconfig").write_text(
        '[user]\n\tname = x\n[url "git@git.corp.example:"]\n\tinsteadOf = https://git.corp.example/\n'
        '[url "ssh://git@github.com/"]\n\tInsteadOf = "https://github.com/"\n'
    )
    rewrites = load_rewrites(str(tmp_path))
    assert [(r.base, r.instead_of, r.location.line) for r in rewrites] == [
        ("git@git.corp.example:", "https://git.corp.example/", 4),
        ("ssh://git@github.com/", "https://github.com/", 6),
    ]
    assert module_prefix("https://git.corp.example/") == "git.corp.example"
    assert module_prefix("git@github.com:corp/") == "github.com/corp"
    assert module_prefix("ssh://git@host.example:2222/a/b.git") == "host.example/a/b"


def _ctx(ctx_id: str, kind: str, env: dict[str, str], go_env: dict[str, str] | None, folder: str) -> Context:
    layers = {n: EnvVar(n, v, (Layer("test", v, Location("conf.json", 3, 5)),)) for n, v in env.items()}
    tools = {"go": ToolLookup("go", None, "not found")}
    return Context(ctx_id, ctx_id, "vscode", kind, Env(layers), tools, folder, None, go_env)


def test_gopath_mode_with_old_go_inside_gopath_src(tmp_path: Path) -> None:
    """Go 1.11/1.12 with GO111MODULE=auto inside $GOPATH/src ignore go.mod (pure rule test:
    no Go that old is installable here)."""
    from ideaudit.go.facts import GoFacts, ModuleInfo
    from ideaudit.sources.gomod import GoMod

    folder = tmp_path / "gopath" / "src" / "example.com" / "a"
    folder.mkdir(parents=True)
    gomod = GoMod(str(folder / "go.mod"), module="example.com/a")
    old = _ctx(
        "vscode:tools",
        "tools",
        {"GO111MODULE": "auto", "GOPATH": str(tmp_path / "gopath")},
        {"GOVERSION": "go1.12.17", "GO111MODULE": "auto", "GOPATH": str(tmp_path / "gopath")},
        str(folder),
    )
    new = _ctx(
        "vscode:tests",
        "tests",
        {"GO111MODULE": "auto", "GOPATH": str(tmp_path / "gopath")},
        {"GOVERSION": "go1.16.15", "GO111MODULE": "auto", "GOPATH": str(tmp_path / "gopath")},
        str(folder),
    )
    off = _ctx("vscode:debug:x", "debug", {"GO111MODULE": "off"}, None, str(folder))
    facts = GoFacts([old, new, off], None, modules=[ModuleInfo(gomod, None)])
    audit = Audit(shell=None, contexts=(old, new, off), go=facts, home=str(tmp_path))
    found = list(load_all()["M011"].check(audit))
    assert sorted(f.context_id or "" for f in found) == ["vscode:debug:x", "vscode:tools"]
    assert all(f.location == Location("conf.json", 3, 5) for f in found)


def test_go_env_failure_is_reported_not_raised(tmp_path: Path, cache_dir: str) -> None:
    go127 = toolchain("go1.27")
    home = _home(tmp_path, go127)
    ws = _workspace(tmp_path, settings={"go.toolsEnvVars": {"GOTOOLCHAIN": "bogus"}})
    result = scan(ScanOptions(path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=cache_dir))
    e004 = [f for f in result.findings if f.code == "E004"]
    assert {f.context_id for f in e004} >= {"vscode:tools", "vscode:tests"}
    assert all('invalid GOTOOLCHAIN "bogus"' in f.message for f in e004)
    assert "shell" not in {f.context_id for f in e004}

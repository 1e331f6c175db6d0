"""Project-local environments with real direnv, real shells and stand-in IDE folders.

direnv runs for real against each test's own fake ``$HOME`` (its allow list lives
there); the VS Code extensions folder, its state database and GoLand's plugin folder
are built in the shapes the IDEs write them.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ideaudit.pipeline import ScanOptions, scan
from tests.conftest import SAMPLES, shell_path
from tests.test_samples import direnv_allow

TOKEN = "ghp_plantedEnvrcToken0123456789ABCDEFabcd"


def _copy(case: str, tmp_path: Path) -> Path:
    dst = tmp_path / case
    shutil.copytree(SAMPLES / case, dst, symlinks=True)
    return dst


def _scan(project: Path, cache_dir: str, shell: str = "bash") -> list[tuple[str, str | None]]:
    result = scan(
        ScanOptions(
            path=str(project),
            home=str(project / "home"),
            shell=shell_path(shell),
            cache_dir=cache_dir,
            go_env=False,
        )
    )
    return [(f.code, f.context_id) for f in result.findings]


def _needs_direnv() -> None:
    if shutil.which("direnv") is None:
        pytest.skip("direnv is not installed (CI installs Debian's direnv package)")


def test_blocked_envrc_is_reported_and_never_run_until_allowed(tmp_path: Path, cache_dir: str) -> None:
    _needs_direnv()
    project = _copy("direnv-envrc-blocked", tmp_path)
    marker = project / "home" / "envrc-was-run"
    found = _scan(project, cache_dir)
    assert ("L003", None) in found
    assert not marker.exists(), "a blocked .envrc was executed"
    assert not any(code == "L001" for code, _ in found)
    # The same scan after `direnv allow` runs it (so the marker can appear at all).
    direnv_allow(project, project / "home")
    found = _scan(project, cache_dir)
    assert marker.exists()
    assert ("L001", "vscode:tools") in found and ("L003", None) not in found


def test_an_edited_envrc_is_blocked_again_and_not_run(tmp_path: Path, cache_dir: str) -> None:
    _needs_direnv()
    project = _copy("direnv-envrc-blocked", tmp_path)
    direnv_allow(project, project / "home")
    with open(project / ".envrc", "a") as fh:
        fh.write("export GOFLAGS=-race\n")
    assert ("L003", None) in _scan(project, cache_dir)
    assert not (project / "home" / "envrc-was-run").exists()


def test_a_direnv_planted_in_the_workspace_is_never_used(tmp_path: Path, cache_dir: str) -> None:
    _needs_direnv()
    project = _copy("direnv-envrc-no-extension", tmp_path)
    fake = project / "bin" / "direnv"
    fake.parent.mkdir()
    marker = tmp_path / "fake-direnv-ran"
    fake.write_text(f'#!/bin/sh\ntouch "{marker}"\necho "{{}}"\n')
    fake.chmod(0o755)
    # Your shell's PATH names the workspace's bin/ first, relative and absolute.
    with open(project / "home" / ".bashrc", "a") as fh:
        fh.write(f'export PATH="bin:{project}/bin:$PATH"\n')
    direnv_allow(project, project / "home")
    found = _scan(project, cache_dir)
    assert not marker.exists(), "ideaudit ran a direnv found inside the workspace"
    assert ("L001", "vscode:tools") in found  # the real direnv (from /usr/bin) answered


def _disable_in_state_db(home: Path, ext_id: str) -> None:
    db = home / ".config" / "Code" / "User" / "globalStorage" / "state.vscdb"
    db.parent.mkdir(parents=True)
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)")
    con.execute(
        "INSERT INTO ItemTable VALUES (?, ?)",
        ("extensionsIdentifiers/disabled", json.dumps([{"id": ext_id, "uuid": "e365e970"}])),
    )
    con.commit()
    con.close()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_extension_loads_envrc_until_it_is_disabled(shell: str, tmp_path: Path, cache_dir: str) -> None:
    _needs_direnv()
    project = _copy("direnv-envrc-vscode-extension", tmp_path)
    direnv_allow(project, project / "home")
    assert _scan(project, cache_dir, shell) == []
    _disable_in_state_db(project / "home", "mkhl.direnv")
    found = _scan(project, cache_dir, shell)
    assert {c for code, c in found if code == "L001"} == {
        "vscode:tools",
        "vscode:tests",
        "vscode:debug:Launch API",
    }


def test_an_uninstalled_extension_folder_does_not_count(tmp_path: Path, cache_dir: str) -> None:
    _needs_direnv()
    project = _copy("direnv-envrc-vscode-extension", tmp_path)
    direnv_allow(project, project / "home")
    (project / "home" / ".vscode" / "extensions" / ".obsolete").write_text('{"mkhl.direnv-0.17.0": true}')
    assert ("L001", "vscode:tools") in _scan(project, cache_dir)


def _goland_plugin(home: Path, plugin_id: str) -> None:
    lib = home / ".local" / "share" / "JetBrains" / "GoLand2024.3" / "intellij-better-direnv" / "lib"
    lib.mkdir(parents=True)
    with zipfile.ZipFile(lib / "intellij-better-direnv-1.2.2.jar", "w") as jar:
        jar.writestr(
            "META-INF/plugin.xml",
            f"<idea-plugin><id>{plugin_id}</id><name>Better Direnv</name></idea-plugin>",
        )


def test_goland_loads_envrc_only_in_run_configurations_with_direnv_enabled(
    tmp_path: Path, cache_dir: str
) -> None:
    _needs_direnv()
    project = _copy("direnv-goland-plugin", tmp_path)
    direnv_allow(project, project / "home")
    before = {c for code, c in _scan(project, cache_dir) if code == "L001"}
    assert {"goland:run:server", "goland:run:worker", "goland:tools"} <= before
    _goland_plugin(project / "home", "com.fapiko.jetbrains.plugins.better_direnv")
    after = {c for code, c in _scan(project, cache_dir) if code == "L001"}
    assert "goland:run:server" not in after  # <option name="DIRENV_ENABLED" value="true"/>
    assert {"goland:run:worker", "goland:tools"} <= after


def test_envrc_secrets_never_reach_any_output(tmp_path: Path, cache_dir: str) -> None:
    _needs_direnv()
    project = _copy("direnv-envrc-no-extension", tmp_path)
    with open(project / ".envrc", "a") as fh:
        fh.write(f"export GITHUB_TOKEN={TOKEN}\nexport GOFLAGS=-ldflags=-X=main.k={TOKEN}\n")
        fh.write("export GOPROXY=https://bob:s3cr3tPass99@proxy.example.com\n")
    direnv_allow(project, project / "home")
    env = {**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": cache_dir}
    common = ["--home", str(project / "home"), "--shell", shell_path("bash"), "--no-go-env"]
    outputs = []
    for args in (
        ["scan", str(project), *common, "-v", "--output-format", "json"],
        ["scan", str(project), *common, "-v"],
        ["env", str(project), *common, "--all"],
        ["env", str(project), *common, "--all", "--output-format", "json"],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "ideaudit", *args], capture_output=True, text=True, env=env, timeout=120
        )
        outputs.append(proc.stdout + proc.stderr)
    assert all(TOKEN not in out and "s3cr3tPass99" not in out for out in outputs)
    assert "L001" in outputs[1] and "GOPROXY" in outputs[1]
    assert "GITHUB_TOKEN" in outputs[1]  # the name is shown (L002), the value never


@pytest.mark.parametrize(
    ("probe", "flags", "go_found"),
    [("none", None, False), ("loginShell", ["-l", "-c"], True), ("interactiveShell", ["-i", "-c"], True)],
)
def test_inside_a_dev_container_vscode_probes_the_shell_as_user_env_probe_says(
    probe: str,
    flags: list[str] | None,
    go_found: bool,
    tmp_path: Path,
    cache_dir: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = _copy("devcontainer-probe-none", tmp_path)
    config = project / ".devcontainer" / "backend" / "devcontainer.json"
    config.write_text(config.read_text().replace('"userEnvProbe": "none"', f'"userEnvProbe": "{probe}"'))
    (project / ".vscode").mkdir()
    (project / ".vscode" / "settings.json").write_text("{}\n")
    monkeypatch.setenv("REMOTE_CONTAINERS", "true")  # what the Dev Containers extension sets
    result = scan(
        ScanOptions(
            path=str(project),
            home=str(project / "home"),
            shell=shell_path("bash"),
            cache_dir=cache_dir,
            go_env=False,
        )
    )
    assert f"userEnvProbe {probe}" in result.report.ide_environment
    vscode_snap = [s for s in result.audit.snapshots if s.argv and list(s.argv[1:-1]) == flags]
    assert bool(vscode_snap) == (flags is not None)
    tools = next(c for c in result.audit.contexts if c.id == "vscode:tools")
    # Go is on PATH in ~/.profile and ~/.bashrc: any probe finds it, no probe does not.
    assert tools.tools["go"].found is go_found


def test_direnv_that_hangs_is_killed_and_reported(tmp_path: Path, cache_dir: str) -> None:
    _needs_direnv()
    project = _copy("direnv-envrc-blocked", tmp_path)
    (project / ".envrc").write_text("export GOFLAGS=-mod=mod\nsleep 30\n")
    direnv_allow(project, project / "home")
    result = scan(
        ScanOptions(
            path=str(project),
            home=str(project / "home"),
            shell=shell_path("bash"),
            cache_dir=cache_dir,
            go_env=False,
            timeout=2.0,
        )
    )
    l005 = [f for f in result.findings if f.code == "L005"]
    assert l005 and "did not finish within 2 s" in l005[0].message
    left = subprocess.run(["pgrep", "-f", "sleep 30"], capture_output=True, text=True).stdout.split()
    ours = [pid for pid in left if str(project) in Path(f"/proc/{pid}/cwd").resolve().as_posix()]
    assert ours == []  # direnv and the .envrc's shell were killed with their session


def test_without_the_hook_the_terminal_does_not_load_envrc(tmp_path: Path, cache_dir: str) -> None:
    _needs_direnv()
    project = _copy("direnv-envrc-no-extension", tmp_path)
    for rc in (".bashrc",):
        path = project / "home" / rc
        path.write_text(path.read_text().replace('eval "$(direnv hook bash)"', "# no direnv hook"))
    direnv_allow(project, project / "home")
    found = _scan(project, cache_dir)
    assert found == [("L004", None)]


def test_a_broken_devcontainer_json_is_e001_and_the_rest_is_audited(tmp_path: Path, cache_dir: str) -> None:
    project = _copy("devcontainer-path-and-env", tmp_path)
    (project / ".devcontainer" / "broken").mkdir()
    (project / ".devcontainer" / "broken" / "devcontainer.json").write_text('{\n  "image": golang\n}\n')
    result = scan(
        ScanOptions(
            path=str(project),
            home=str(project / "home"),
            shell=shell_path("bash"),
            cache_dir=cache_dir,
            go_env=False,
        )
    )
    e001 = [f for f in result.findings if f.code == "E001"]
    assert e001 and e001[0].location is not None and e001[0].location.line == 2
    assert {"L020", "L021", "L023", "L024"} <= {f.code for f in result.findings}


def _env_cli(project: Path, cache_dir: str, *args: str) -> str:
    env = {**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": cache_dir}
    common = ["--home", str(project / "home"), "--shell", shell_path("bash"), "--no-go-env"]
    proc = subprocess.run(
        [sys.executable, "-m", "ideaudit", "env", str(project), *common, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_env_shows_the_project_layers_with_their_lines(tmp_path: Path, cache_dir: str) -> None:
    _needs_direnv()
    project = _copy("direnv-envrc-no-extension", tmp_path)
    direnv_allow(project, project / "home")
    out = _env_cli(project, cache_dir, "--context", "in this project", "--var", "GOFLAGS")
    assert "[shell:project]" in out and "direnv (.envrc)" in out and ".envrc:2:8" in out
    mise = _copy("pinned-go-mise", tmp_path)
    out = _env_cli(mise, cache_dir, "--context", "in this project", "--var", "GOFLAGS")
    assert "mise [env]" in out and "mise.toml:5:1" in out
    dc = _copy("devcontainer-path-and-env", tmp_path)
    out = _env_cli(dc, cache_dir, "--context", "devcontainer", "--var", "GOROOT")
    assert "containerEnv (devcontainer.json)" in out and "devcontainer.json:7:19" in out


def test_direnv_export_is_cached_until_a_watched_file_changes(tmp_path: Path, cache_dir: str) -> None:
    _needs_direnv()
    project = _copy("direnv-envrc-blocked", tmp_path)
    runs = project / "home" / "envrc-runs"
    (project / "extra.txt").write_text("1\n")
    (project / ".envrc").write_text(f'export GOFLAGS=-mod=mod\necho run >> "{runs}"\nwatch_file extra.txt\n')
    direnv_allow(project, project / "home")

    def scan_once(refresh: bool = False) -> int:
        result = scan(
            ScanOptions(
                path=str(project),
                home=str(project / "home"),
                shell=shell_path("bash"),
                cache_dir=cache_dir,
                go_env=False,
                refresh=refresh,
            )
        )
        assert ("L001", "vscode:tools") in [(f.code, f.context_id) for f in result.findings]
        return len(runs.read_text().splitlines())

    assert scan_once() == 1
    assert scan_once() == 1  # answered from the cache
    later = (project / "extra.txt").stat().st_mtime + 10
    os.utime(project / "extra.txt", (later, later))
    assert scan_once() == 2  # a watched file changed
    assert scan_once(refresh=True) == 3
    cached = list((Path(cache_dir) / "direnv").glob("*.json"))
    assert cached and all(p.stat().st_mode & 0o077 == 0 for p in cached)  # holds .envrc values: 0600


def test_dotenv_is_loaded_only_with_direnvs_load_dotenv(tmp_path: Path, cache_dir: str) -> None:
    _needs_direnv()
    project = _copy("direnv-envrc-blocked", tmp_path)
    (project / ".envrc").unlink()
    (project / ".env").write_text("# dotenv\nGOFLAGS=-mod=vendor\n")
    home = project / "home"
    assert _scan(project, cache_dir) == []  # direnv ignores .env by default
    (home / ".config" / "direnv").mkdir(parents=True)
    (home / ".config" / "direnv" / "direnv.toml").write_text("[global]\nload_dotenv = true\n")
    direnv_allow(project, home)
    result = scan(
        ScanOptions(
            path=str(project), home=str(home), shell=shell_path("bash"), cache_dir=cache_dir, go_env=False
        )
    )
    l001 = [f for f in result.findings if f.code == "L001" and f.context_id == "vscode:tools"]
    assert l001 and l001[0].location is not None
    assert (Path(l001[0].location.file).name, l001[0].location.line) == (".env", 2)


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/workspaces/api/bin:/usr/local/bin", "(go, gopls and dlv are no longer found)"),
        ("/usr/local/go/bin:/usr/bin", "(gopls and dlv are no longer found)"),
        ("/go/bin:/usr/local/go/bin/:/usr/bin", "(go and its tools are still listed;"),
    ],
)
def test_l020_says_only_what_a_hard_coded_path_really_loses(
    tmp_path: Path, cache_dir: str, path: str, said: str
) -> None:
    """A remoteEnv PATH that lists the Go image's /usr/local/go/bin and /go/bin still finds
    go, gopls and dlv (a public devcontainer.json did): L020 must not claim otherwise."""
    project = _copy("devcontainer-path-and-env", tmp_path)
    dc = project / ".devcontainer" / "devcontainer.json"
    dc.write_text(dc.read_text().replace("/workspaces/api/bin:/usr/local/bin", path))
    result = scan(
        ScanOptions(path=str(project), home=str(project / "home"), shell=shell_path("bash"),
                    cache_dir=cache_dir, go_env=False)
    )  # fmt: skip
    (l020,) = [f for f in result.findings if f.code == "L020"]
    assert said in l020.message, l020.message

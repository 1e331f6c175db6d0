"""The L rules as pure functions over in-memory facts (no shell, no direnv, no files)."""

from __future__ import annotations

from ideaudit.contexts.layers import EnvBuilder
from ideaudit.go.disk import DiskFacts
from ideaudit.local.devcontainer import DcValue, DevContainer
from ideaudit.local.pins import Pin, Pins
from ideaudit.local.stage import LocalFacts
from ideaudit.model import Context, Location
from ideaudit.rules.audit import Audit
from ideaudit.rules.l_devcontainer import local_env_unset, path_replaced
from ideaudit.rules.l_pins import effective_version, go_version_not_pinned


def _ctx(ctx_id: str, kind: str, version: str, **env: str) -> Context:
    return Context(
        ctx_id,
        ctx_id,
        "vscode",
        kind,
        EnvBuilder.from_plain(env, "VS Code environment").build(),
        go_env={"GOVERSION": version},
    )


def test_gotoolchain_and_the_toolchain_line_decide_which_go_builds() -> None:
    line = Pin("go1.27.1", Location("go.mod", 4, 11), "go.mod toolchain")
    disk = DiskFacts()  # go env's GOVERSION decides: no file is looked at
    assert effective_version(_ctx("a", "tools", "go1.22.5"), line, disk) == "go1.27.1"  # auto switches up
    assert effective_version(_ctx("b", "tools", "go1.22.5", GOTOOLCHAIN="local"), line, disk) == "go1.22.5"
    assert effective_version(_ctx("c", "tools", "go1.19.8"), line, disk) == "go1.19.8"  # too old to switch
    assert (
        effective_version(_ctx("d", "tools", "go1.22.5", GOTOOLCHAIN="go1.25.0+auto"), None, disk)
        == "go1.25.0"
    )
    assert not disk.misses


def test_l010_names_both_versions_and_the_pin() -> None:
    pin = Pin("1.27", Location("/p/.tool-versions", 1, 8), "asdf")
    local = LocalFacts("/p", pins=Pins(pins=[pin]))
    audit = Audit(
        shell=None,
        contexts=(_ctx("vscode:tools", "tools", "go1.19.8"), _ctx("vscode:tests", "tests", "go1.27.3")),
        local=local,
    )
    found = list(go_version_not_pinned(audit))
    assert [(f.code, f.context_id) for f in found] == [("L010", "vscode:tools")]
    assert (
        "go1.19.8" in found[0].message
        and "1.27" in found[0].message
        and ".tool-versions:1" in found[0].message
    )


def test_container_path_and_local_env() -> None:
    dc = DevContainer(
        "/p/.devcontainer/devcontainer.json",
        remote_env=[
            DcValue("PATH", "/x:${containerEnv:PATH}", Location("d", 3, 5)),
            DcValue("GOPROXY", "${localEnv:CORP_PROXY}", Location("d", 4, 5)),
            DcValue("GOFLAGS", "${localEnv:NOPE:-mod=mod}", Location("d", 5, 5)),
        ],
        container_env=[DcValue("PATH", "/usr/local/go/bin", Location("d", 7, 5))],
    )
    terminal = _ctx("shell", "shell", "go1.22.5", CORP_PROXY="")
    audit = Audit(shell=terminal, contexts=(), local=LocalFacts("/p", terminal=terminal, devcontainers=[dc]))
    assert [f.location.line for f in path_replaced(audit) if f.location] == [7]
    assert [(f.variable, f.location.line) for f in local_env_unset(audit) if f.location] == [("GOPROXY", 4)]

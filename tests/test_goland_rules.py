"""GoLand contexts and J rules on in-memory models (no subprocess, no shell)."""

from __future__ import annotations

import os
from pathlib import Path

from ideaudit.contexts.goland import GoLandContexts, goland_contexts
from ideaudit.contexts.layers import EnvBuilder
from ideaudit.model import Context, Finding, IdeEnvironment, Location, ToolLookup
from ideaudit.rules.audit import Audit
from ideaudit.rules.catalog import load_all
from ideaudit.sources.goland import EnvEntry, GoLandProject, RunConfig, VgoSettings, XmlValue

WS = "/p/.idea/workspace.xml"
RUN = "/p/.run/a.run.xml"


def fake_goroot(base: Path, version: str) -> str:
    root = base / version
    (root / "bin").mkdir(parents=True)
    (root / "src" / "runtime").mkdir(parents=True)
    go = root / "bin" / "go"
    go.write_text("#!/bin/sh\nexit 3\n")
    go.chmod(0o755)
    (root / "VERSION").write_text(version + "\n")
    return str(root)


def shell_ctx(env: dict[str, str], go: str | None) -> Context:
    tools = {"go": ToolLookup("go", go, "PATH" if go else "not found")}
    return Context(
        "shell", "your terminal (bash -i)", "shell", "shell", EnvBuilder.from_plain(env, "sh").build(), tools
    )


def xv(value: str, line: int, file: str = WS) -> XmlValue:
    return XmlValue(value, value, Location(file, line, 5))


def run_config(name: str, kind: str = "debug", **kw: object) -> RunConfig:
    args: dict[str, object] = {
        "name": name,
        "type": "GoApplicationRunConfiguration",
        "kind": kind,
        "file": RUN,
        "location": Location(RUN, 2, 3),
        "shared": True,
    }
    args.update(kw)
    return RunConfig(**args)  # type: ignore[arg-type]


def audit_of(
    project: GoLandProject, ide_env: dict[str, str], shell: Context | None
) -> tuple[Audit, GoLandContexts]:
    ide = IdeEnvironment("goland", ide_env, "model", "test model")
    gc = goland_contexts(project, ide, None)
    audit = Audit(
        shell=shell, contexts=tuple(gc.contexts), problems=tuple(gc.problems), goland=(gc,), home="/h"
    ).with_disk_facts()
    return audit, gc


def run(audit: Audit, prefix: str = "") -> list[Finding]:
    return [f for r in load_all().values() if r.code.startswith(prefix) for f in r.check(audit)]


def codes(findings: list[Finding]) -> list[tuple[str, str | None, int | None]]:
    return sorted((f.code, f.context_id, f.location.line if f.location else None) for f in findings)


def test_layers_follow_goland_precedence_with_xml_provenance(tmp_path: Path) -> None:
    sdk = fake_goroot(tmp_path, "go1.22.5")
    project = GoLandProject(root="/p", home="/h")
    project.goroot = xv(sdk, 3)
    project.gopath_urls = [xv("/h/work", 9)]
    project.vgo = VgoSettings(
        "environment", environment=(EnvEntry("GOPRIVATE", "corp", "corp", Location(WS, 12, 9)),)
    )
    project.run_configs = [
        run_config("srv", envs=(EnvEntry("GOPRIVATE", "other", "other", Location(RUN, 5, 18)),)),
    ]
    _, gc = audit_of(project, {"PATH": "/usr/bin", "GOPATH": "/h/go", "GOPRIVATE": "x"}, None)
    ctx = next(c for c in gc.contexts if c.id == "goland:run:srv")
    assert ctx.kind == "debug" and ctx.ide == "goland" and ctx.label == "GoLand run 'srv'"
    chain = ctx.env.var("GOPRIVATE")
    assert chain is not None
    assert [layer.value for layer in chain.layers] == ["x", "corp", "other"]
    assert chain.layers[-1].location == Location(RUN, 5, 18)
    assert ctx.env["GOROOT"] == sdk
    assert ctx.env["GOPATH"] == os.pathsep.join(["/h/go", "/h/work"])
    # GoLand runs its SDK's go by absolute path and ships its own dlv.
    assert ctx.tools["go"].path == os.path.join(sdk, "bin", "go")
    assert "dlv" not in ctx.tools
    assert {c.id for c in gc.contexts} == {"goland:tools", "goland:run:srv", "goland:terminal"}


def test_parent_env_off_drops_ide_env_and_generic_rules_see_it(tmp_path: Path) -> None:
    project = GoLandProject(root="/p", home="/h")
    project.run_configs = [
        run_config("t", kind="tests", pass_parent=False, pass_parent_location=Location(RUN, 4, 20)),
    ]
    go = fake_goroot(tmp_path, "go1.22.5")
    path = f"{go}/bin:/usr/bin"
    audit, gc = audit_of(project, {"PATH": path}, shell_ctx({"PATH": path}, f"{go}/bin/go"))
    ctx = next(c for c in gc.contexts if c.id == "goland:tests:t")
    assert ctx.env.get("PATH") is None
    found = codes(run(audit))
    assert ("J004", "goland:tests:t", 4) in found
    # P001 is the unchanged generic rule, working on the GoLand context.
    assert ("P001", "goland:tests:t", 4) in found  # points at pass-parent-envs="false"
    assert not any(c == "P001" and ctx_id == "goland:tools" for c, ctx_id, _ in found)


def test_sdk_rules_invalid_shim_and_other_go(tmp_path: Path) -> None:
    shell_go = fake_goroot(tmp_path, "go1.22.5")
    shell = shell_ctx({"PATH": f"{shell_go}/bin"}, f"{shell_go}/bin/go")
    project = GoLandProject(root="/p", home="/h")
    project.goroot = xv("/h/.asdf/shims", 3)
    audit, _ = audit_of(project, {"PATH": f"{shell_go}/bin"}, shell)
    j = run(audit, "J")
    assert codes(j) == [("J001", "goland:tools", 3)]
    assert "shim" in j[0].message
    # An invalid SDK is not set as GOROOT (GoLand refuses it), so R001 does not repeat it.
    assert not run(audit, "R001")

    other = fake_goroot(tmp_path, "go1.19.13")
    project.goroot = xv(other, 3)
    audit, _ = audit_of(project, {"PATH": f"{shell_go}/bin"}, shell)
    assert codes(run(audit, "J")) == [("J002", "goland:tools", 3)]
    assert ("R002", "goland:tools", 3) in codes(run(audit, "R"))
    assert ("P004", "goland:tools", 3) in codes(run(audit, "P"))


def test_config_overrides_proxy_modules_target_secret(tmp_path: Path) -> None:
    project = GoLandProject(root="/p", home="/h", go_mod="/p/go.mod")
    project.vgo = VgoSettings(
        "legacy",
        integration_enabled=False,
        integration_location=Location(WS, 20, 5),
        proxy=xv("GOPROXY=https://goproxy.io,direct;X=1", 21),
    )
    project.run_configs = [
        run_config(
            "srv",
            envs=(
                EnvEntry("GOFLAGS", "-mod=vendor", "-mod=vendor", Location(RUN, 5, 18)),
                EnvEntry("GOOS", "js", "js", Location(RUN, 6, 18)),
                EnvEntry("API_TOKEN", "abc123secretvalue", "abc123secretvalue", Location(RUN, 7, 18)),
            ),
            target_kind=xv("DIRECTORY", 8, RUN),
            target=xv("/p/cmd/gone", 9, RUN),
            target_exists=False,
        )
    ]
    audit, _ = audit_of(project, {"PATH": "/usr/bin"}, shell_ctx({"PATH": "/usr/bin"}, None))
    j = run(audit, "J")
    assert codes(j) == [
        ("J003", "goland:run:srv", 5),
        ("J003", "goland:run:srv", 6),
        ("J005", "goland:tools", 20),
        ("J006", "goland:tools", 21),
        ("J008", "goland:run:srv", 7),
        ("J009", "goland:run:srv", 9),
    ]
    secret = next(f for f in j if f.code == "J008")
    assert "abc123secretvalue" not in secret.message and "not shown" in secret.message
    assert ("M002", "goland:run:srv", 21) in codes(run(audit, "M"))


def test_well_formed_proxy_and_unshared_secret_are_fine() -> None:
    project = GoLandProject(root="/p", home="/h")
    project.vgo = VgoSettings(
        "legacy", integration_enabled=True, proxy=xv("https://goproxy.io,https://proxy.golang.org|direct", 21)
    )
    project.run_configs = [
        run_config("srv", shared=False, envs=(EnvEntry("API_TOKEN", "abc", "abc", Location(WS, 7, 18)),)),
    ]
    audit, _ = audit_of(project, {"PATH": "/usr/bin"}, None)
    assert run(audit, "J") == []


def test_ides_disagree_on_goroot_and_goflags(tmp_path: Path) -> None:
    a = fake_goroot(tmp_path, "go1.22.5")
    b = fake_goroot(tmp_path, "go1.19.13")
    project = GoLandProject(root="/p", home="/h")
    project.goroot = xv(a, 3)
    project.vgo = VgoSettings(
        "environment", environment=(EnvEntry("GOFLAGS", "-race", "-race", Location(WS, 9, 9)),)
    )
    vs_env = EnvBuilder.from_plain({"GOROOT": b, "PATH": "/usr/bin"}, "VS Code environment (x)").build()
    vs = Context("vscode:tools", "VS Code tools (gopls, dlv, go)", "vscode", "tools", vs_env, {})
    ide = IdeEnvironment("goland", {"PATH": "/usr/bin"}, "model", "m")
    gc = goland_contexts(project, ide, None)
    audit = Audit(shell=None, contexts=(vs, *gc.contexts), goland=(gc,)).with_disk_facts()
    assert codes([f for f in run(audit, "J010")]) == [
        ("J010", "goland:tools", 3),
        ("J010", "goland:tools", 9),
    ]


def test_generic_rules_contain_no_goland_code() -> None:
    """The P/R/G/M/C rule modules work on GoLand contexts through the shared model only."""
    import ideaudit.rules as pkg

    folder = Path(pkg.__file__).parent
    for family in ("p_path", "r_goroot", "g_gopath", "m_modules", "c_cgo"):
        text = (folder / f"{family}.py").read_text()
        assert "goland" not in text.lower(), family


def test_missing_working_directory_and_env_shell_syntax(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    project = GoLandProject(root=str(tmp_path), home="/h")
    envs = (
        EnvEntry("CONFIG", "$HOME/c.yaml", "$HOME/c.yaml", Location(RUN, 6, 18)),
        EnvEntry("TOOLS", "${PATH}", "${PATH}", Location(RUN, 7, 18)),
        EnvEntry("FINE", "/p:/usr/bin", "$PROJECT_DIR$:$PATH$", Location(RUN, 8, 18)),
        EnvEntry("WIN", "%APPDATA%", "%APPDATA%", Location(RUN, 9, 18)),
        EnvEntry("API_TOKEN", "$TOKEN", "$TOKEN", Location(RUN, 10, 18)),
    )
    project.run_configs = [
        run_config("gone", working_directory=xv(str(tmp_path / "nope"), 4, RUN), envs=envs),
        run_config("here", working_directory=xv(str(tmp_path / "deploy"), 4, RUN)),
    ]
    audit, _ = audit_of(project, {"PATH": "/usr/bin"}, None)
    assert codes(run(audit, "J013")) == [("J013", "goland:run:gone", 4)]
    found = run(audit, "J014")
    assert codes(found) == [
        ("J014", "goland:run:gone", 6),
        ("J014", "goland:run:gone", 7),
        ("J014", "goland:run:gone", 9),
    ]
    assert "$PATH$ instead of ${PATH}" in (next(f for f in found if f.variable == "TOOLS").fix or "")


def test_dollar_name_dollar_is_inlined_from_the_ide_env_and_earlier_entries() -> None:
    from ideaudit.contexts.goland import inline_parent_occurrences

    envs = (
        EnvEntry("PATH", "$PATH$:/opt/bin", "$PATH$:/opt/bin", Location(RUN, 5, 18)),
        EnvEntry("A", "x", "x", Location(RUN, 6, 18)),
        EnvEntry("B", "$A$-$NOPE$", "$A$-$NOPE$", Location(RUN, 7, 18)),
    )
    got = [(n, v) for n, v, _ in inline_parent_occurrences(envs, {"PATH": "/usr/bin"})]
    assert got == [("PATH", "/usr/bin:/opt/bin"), ("A", "x"), ("B", "x-$NOPE$")]
    project = GoLandProject(root="/p", home="/h")
    project.run_configs = [run_config("srv", envs=envs)]
    audit, gc = audit_of(project, {"PATH": "/usr/bin"}, shell_ctx({"PATH": "/usr/bin"}, None))
    ctx = next(c for c in gc.contexts if c.id == "goland:run:srv")
    assert ctx.env["PATH"] == "/usr/bin:/opt/bin"
    assert not [f for f in run(audit) if f.code in ("J003", "P005")]

"""The disk facts the rules read (ideaudit.go.disk): found on real files before the
rules run, and the only way a rule learns about links, GOROOT layouts, VERSION files
and the C compiler on PATH."""

from __future__ import annotations

import os
from pathlib import Path

from ideaudit.contexts.layers import EnvBuilder
from ideaudit.go import disk
from ideaudit.go.disk import DiskFacts
from ideaudit.go.toolchain import path_lookup
from ideaudit.model import Context
from ideaudit.rules.audit import Audit
from ideaudit.rules.r_goroot import goroot_differs


def _ctx(ctx_id: str, kind: str, env: dict[str, str], *, tools: bool = False) -> Context:
    return Context(
        ctx_id,
        ctx_id,
        "shell" if kind == "shell" else "vscode",
        kind,
        EnvBuilder.from_plain(env, "VS Code environment").build(),
        tools={"go": path_lookup("go", env)} if tools else {},
    )


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


def _goroot(root: Path, version: str) -> Path:
    """A Go installation's layout: bin/go, src/runtime and the VERSION file."""
    _executable(root / "bin" / "go")
    (root / "src" / "runtime").mkdir(parents=True)
    (root / "VERSION").write_text(f"{version}\ntime 2024-07-02T00:00:00Z\n")
    return root


def test_collect_answers_links_layouts_versions_and_the_compiler(tmp_path: Path) -> None:
    root = _goroot(tmp_path / "sdk" / "go1.22.5", "go1.22.5")
    (tmp_path / "gopath").mkdir()
    (tmp_path / "gopath-link").symlink_to(tmp_path / "gopath", target_is_directory=True)
    gcc = _executable(tmp_path / "bin" / "gcc")
    path = f"{root / 'bin'}:{tmp_path / 'bin'}"
    ctx = _ctx(
        "vscode:tools",
        "tools",
        {"PATH": path, "GOPATH": str(tmp_path / "gopath-link"), "GOROOT": str(tmp_path / "gone")},
        tools=True,
    )
    facts = disk.collect([ctx], home=str(tmp_path / "home"), folders=[str(tmp_path / "gopath")])

    link = str(tmp_path / "gopath-link")
    assert facts.realpath(link) == str(tmp_path / "gopath")
    assert facts.realpath(link + "/") == str(tmp_path / "gopath")
    assert facts.realpath(os.path.join(link, "src")) == str(tmp_path / "gopath" / "src")
    assert facts.same_path(link, str(tmp_path / "gopath"))
    assert facts.go_root(str(root / "bin" / "go")) == str(root)
    assert facts.version(str(root)) == "go1.22.5"
    assert facts.root_problem(str(root)) is None
    assert facts.root_problem(str(tmp_path / "gone")) == "the directory does not exist"
    assert facts.find("gcc", path) == str(gcc)
    assert facts.misses == []


def test_static_facts_stat_only(tmp_path: Path) -> None:
    """--static reads only committed files: no VERSION file, no compiler lookup."""
    root = _goroot(tmp_path / "go", "go1.22.5")
    ctx = _ctx("vscode:tools", "tools", {"PATH": str(root / "bin")}, tools=True)
    facts = disk.collect([ctx], home=str(tmp_path), read_versions=False)
    assert facts.go_root(str(root / "bin" / "go")) == str(root)
    assert facts.versions == {}
    assert facts.root_problems == {}
    assert facts.executables == {}


def _goroot_audit(facts: DiskFacts) -> Audit:
    shell = _ctx("shell", "shell", {"GOROOT": "/opt/go-a"})
    ide = _ctx("vscode:tools", "tools", {"GOROOT": "/opt/go-b"})
    return Audit(shell=shell, contexts=(ide,), disk=facts)


def test_a_rule_reads_the_facts_not_the_disk() -> None:
    """Neither /opt/go-a nor /opt/go-b exists: R002 decides from the facts alone."""
    versions = {"/opt/go-a": "go1.22.5", "/opt/go-b": "go1.19.8"}
    problems: dict[str, str | None] = {"/opt/go-a": None, "/opt/go-b": None}
    same = DiskFacts(
        real={"/opt/go-a": "/opt/go", "/opt/go-b": "/opt/go"}, versions=versions, root_problems=problems
    )
    assert list(goroot_differs(_goroot_audit(same))) == []
    assert same.misses == []

    other = DiskFacts(
        real={"/opt/go-a": "/opt/go-a", "/opt/go-b": "/opt/go-b"}, versions=versions, root_problems=problems
    )
    (finding,) = goroot_differs(_goroot_audit(other))
    assert finding.code == "R002"
    assert "/opt/go-b (go1.19.8)" in finding.message and "/opt/go-a (go1.22.5)" in finding.message
    assert other.misses == []


def test_an_unforeseen_question_is_answered_conservatively_and_recorded() -> None:
    facts = DiskFacts()
    assert facts.realpath("/a/b/") == "/a/b"
    assert facts.go_root("/a/bin/go") is None
    assert facts.root_problem("/a") is None
    assert facts.find("gcc", "/usr/bin") is None
    assert len(facts.misses) == 4


SAMPLES = Path(__file__).resolve().parents[1] / "sample_workspaces"


def test_static_scans_of_every_sample_ask_nothing_unforeseen_and_read_no_version_file() -> None:
    """--static answers the FILES rules' disk questions by stat alone: every one was
    foreseen, and no GOROOT/VERSION was read (the rules that print versions do not run)."""
    from ideaudit.pipeline import ScanOptions, scan

    cases = sorted(p for p in SAMPLES.iterdir() if (p / "expected.json").is_file())
    assert len(cases) >= 8
    for case in cases:
        result = scan(ScanOptions(path=str(case), home=str(case / "home"), static=True))
        assert result.audit.disk.misses == [], case.name
        assert result.audit.disk.versions == {}, case.name
        assert result.audit.disk.executables == {}, case.name

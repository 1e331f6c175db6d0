"""The watcher's pure parts and its helpers: plan, diff, rule W001, notify, gen task."""

from __future__ import annotations

import os
import re
import stat
import sys
import time
from pathlib import Path

import pytest

from ideaudit._fast.record import replace
from ideaudit.model import EnvInput, Finding, IdeProcess, Location, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.catalog import load_all
from ideaudit.watch.notify import Notifier
from ideaudit.watch.output import BEGIN, END, diff, finding_key, index, render_changes
from ideaudit.watch.paths import goenv_file, make_plan
from tests.conftest import shell_path


def plan_for(tmp_path: Path, shell: str = "/bin/bash") -> tuple[Path, Path, object]:
    ws = tmp_path / "ws"
    home = tmp_path / "home"
    (ws / ".vscode").mkdir(parents=True)
    (home / ".config").mkdir(parents=True)
    (ws / "go.mod").write_text("module x\n")
    plan = make_plan(
        folders=[str(ws)],
        root=str(ws),
        code_workspace=None,
        shell=shell,
        home=str(home),
        shell_env_vars={},
        user_settings=str(home / ".config" / "Code" / "User" / "settings.json"),
    )
    return ws, home, plan


def test_plan_watches_existing_ancestors_and_names_what_matters(tmp_path: Path) -> None:
    from ideaudit.watch.paths import WatchPlan

    ws, home, p = plan_for(tmp_path)
    assert isinstance(p, WatchPlan)
    assert str(ws / ".vscode") in p.watch_dirs
    assert str(ws / ".idea") not in p.watch_dirs and str(ws) in p.watch_dirs  # .idea missing
    assert str(home / ".config") in p.watch_dirs  # for ~/.config/go and ~/.config/Code/User
    relevant = p.relevant
    assert relevant(str(ws / ".vscode" / "launch.json"))
    assert relevant(str(ws / "go.mod")) and relevant(str(ws / "vendor" / "modules.txt"))
    assert relevant(str(ws / "x.code-workspace"))
    assert relevant(str(home / ".bashrc")) and relevant(str(home / ".bash_profile"))
    assert relevant(str(home / ".config" / "go" / "env"))
    assert relevant(str(home / ".config" / "go"))  # the folder appearing re-plans
    assert relevant(str(ws / ".idea")) and relevant(str(ws / ".idea" / "workspace.xml"))
    assert relevant(str(ws / ".run" / "server.run.xml"))
    # project-local environments: direnv, version pins, dev containers
    assert (
        relevant(str(ws / ".envrc"))
        and relevant(str(ws / ".tool-versions"))
        and relevant(str(ws / "mise.toml"))
    )
    assert relevant(str(ws / ".devcontainer" / "devcontainer.json")) and relevant(
        str(ws / ".devcontainer.json")
    )
    # editors' temp and backup files, and unrelated files, are not
    for name in ("launch.json~", ".launch.json.swp", "4913", "notes.txt"):
        assert not relevant(str(ws / ".vscode" / name)), name
    assert not relevant(str(ws / "main.go"))
    assert not relevant(str(home / ".bash_history"))
    assert str(home / ".bashrc") in p.shell_files


def test_plan_for_fish_watches_conf_d_folders(tmp_path: Path) -> None:
    fish = shell_path("fish")
    _, home, p = plan_for(tmp_path, fish)
    (home / ".config" / "fish").mkdir()
    from ideaudit.watch.paths import WatchPlan

    assert isinstance(p, WatchPlan)
    assert p.relevant(str(home / ".config" / "fish" / "config.fish"))
    assert p.relevant(str(home / ".config" / "fish" / "conf.d" / "go.fish"))


def test_goenv_file_follows_go() -> None:
    if sys.platform == "darwin":
        pytest.skip("Linux layout")
    assert goenv_file({}, "/h") == "/h/.config/go/env"
    assert goenv_file({"XDG_CONFIG_HOME": "/x"}, "/h") == "/x/go/env"
    assert goenv_file({"GOENV": "/e/env"}, "/h") == "/e/env"
    assert goenv_file({"GOENV": "off"}, "/h") is None


def f(code: str, ctx: str, line: int | None, msg: str = "m", var: str | None = None) -> Finding:
    loc = Location("a.json", line, 1) if line else None
    return Finding(
        code, Severity.ERROR, msg, fix="do x", context_id=ctx, context_label=ctx, location=loc, variable=var
    )


def test_diff_is_keyed_by_code_context_file_line_variable() -> None:
    old = index([f("P001", "vscode:tools", None), f("P005", "vscode:debug:A", 9)])
    # the same P005 with another message is the same finding; P001 moved context is new
    new = index([f("P005", "vscode:debug:A", 9, "other words"), f("P001", "vscode:tests", None)])
    added, resolved = diff(old, new)
    assert [(x.code, x.context_id) for x in added] == [("P001", "vscode:tests")]
    assert [(x.code, x.context_id) for x in resolved] == [("P001", "vscode:tools")]
    assert finding_key(f("M001", "c", 3, var="GOFLAGS")) != finding_key(f("M001", "c", 3, var="GOPROXY"))
    text = render_changes(added, resolved, 0.0)
    assert re.search(r"^\d\d:\d\d:\d\d new +✗ P001 vscode:tests: m$", text, re.M)
    assert "fix: do x" in text
    assert re.search(r"^\d\d:\d\d:\d\d resolved ✓ P001 vscode:tools: m$", text, re.M)


def test_markers_are_fixed_strings() -> None:
    assert BEGIN == "ideaudit watch: audit started" and END == "ideaudit watch: audit finished"


def test_w001_is_registered_and_pure() -> None:
    rule = load_all()["W001"]
    proc = IdeProcess("vscode", "code", 42, started=1000.0)
    older = EnvInput("/h/.zshrc", 900.0, "shell start-up file", ("vscode",))
    newer = EnvInput("/h/.config/go/env", 1100.0, "go env -w file", ("vscode",))
    goland_only = EnvInput("/h/.zprofile", 1200.0, "shell start-up file", ("goland",))
    audit = Audit(shell=None, contexts=(), ide_processes=(proc,), env_inputs=(older, newer, goland_only))
    found = list(rule.check(audit))
    assert [(x.code, x.location, x.context_id) for x in found] == [
        ("W001", Location("/h/.config/go/env"), "vscode:process")
    ]
    assert "pid 42" in found[0].message and "start it again" in (found[0].fix or "")
    restarted = Audit(shell=None, contexts=(), ide_processes=(IdeProcess("vscode", "code", 43, 1300.0),),
                      env_inputs=(older, newer))  # fmt: skip
    assert list(rule.check(restarted)) == []
    assert list(rule.check(Audit(shell=None, contexts=(), env_inputs=(newer,)))) == []  # no IDE running


def test_running_ides_sees_a_real_code_process(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("process names come from /proc on Linux")
    from ideaudit.watch.ide_check import running_ides
    from tests.test_watch import start_fake_code

    # With its own HOME: the oldest `code` of the machine may be another test's.
    p = start_fake_code(tmp_path, home=tmp_path)
    try:
        found = [x for x in running_ides(str(tmp_path)) if x.pid == p.pid]
    finally:
        p.kill()
        p.wait()
    assert len(found) == 1 and found[0].ide == "vscode" and found[0].name == "code"
    assert found[0].started > 0


def test_running_ides_only_counts_ides_of_the_watched_home(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("process names come from /proc on Linux")
    from ideaudit.watch.ide_check import running_ides
    from tests.test_watch import start_fake_code

    mine, other = tmp_path / "home", tmp_path / "other-home"
    mine.mkdir()
    other.mkdir()
    p = start_fake_code(tmp_path, home=mine)
    q = start_fake_code(tmp_path, home=other)
    try:
        pids = {x.pid for x in running_ides(str(mine))}
    finally:
        for proc in (p, q):
            proc.kill()
            proc.wait()
    assert p.pid in pids and q.pid not in pids


def test_start_time_comes_from_the_kernel_clock_not_whole_second_boot_time() -> None:
    """psutil's start time is boot time in whole seconds plus ticks: up to 1 s early.
    The start time used for W001 lies between the moments before and after the start
    (within one clock tick, by which it is rounded up)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("/proc/PID/stat and CLOCK_BOOTTIME are Linux's")
    import os
    import subprocess

    from ideaudit.watch.ide_check import start_time

    tick = 1 / os.sysconf("SC_CLK_TCK")
    before = time.time()
    p = subprocess.Popen(["sleep", "30"])
    after = time.time()
    try:
        started = start_time(p.pid)
    finally:
        p.kill()
        p.wait()
    assert started is not None
    assert before - 0.002 <= started <= after + tick + 0.002, (before, started, after)


def test_notifier_without_notify_send_says_so_and_does_not_raise() -> None:
    n = Notifier()
    n.program = None  # as on a machine without notify-send
    assert not n.available and n.send("t", "b") is False


def test_notifier_runs_the_program(tmp_path: Path) -> None:
    sh = shell_path("sh")
    out = tmp_path / "args"
    prog = tmp_path / "notify-send"
    prog.write_text(f'#!{sh}\nprintf "%s\\n" "$@" > {out}\n')
    prog.chmod(prog.stat().st_mode | stat.S_IXUSR)
    assert Notifier(str(prog)).send("ideaudit: 1 new problem", "P001 go is not found", urgent=True)
    args = out.read_text().splitlines()
    assert args[-2:] == ["ideaudit: 1 new problem", "P001 go is not found"]
    assert "--urgency=critical" in args and "--" in args
    prog.write_text(f"#!{sh}\nexit 3\n")
    assert Notifier(str(prog)).send("t", "b") is False


# --------------------------------------------------------------------------- gen task


def test_gen_task_creates_tasks_json(tmp_path: Path, cache_dir: str) -> None:
    from ideaudit.gen.task import LABEL, add_watch_task
    from ideaudit.sources.jsonc import JsoncDocument, load_jsonc

    msg = add_watch_task(str(tmp_path), cache_dir=cache_dir)
    assert "created" in msg
    doc = load_jsonc(tmp_path / ".vscode" / "tasks.json")
    assert isinstance(doc, JsoncDocument)
    assert doc.data["version"] == "2.0.0" and doc.data["tasks"][0]["label"] == LABEL


def test_gen_task_keeps_comments_and_refuses_broken_files(tmp_path: Path, cache_dir: str) -> None:
    from ideaudit.gen.task import GenTaskError, add_watch_task

    tasks = tmp_path / ".vscode" / "tasks.json"
    tasks.parent.mkdir()
    tasks.write_text('// top\n{\n  "version": "2.0.0" /* v */\n}\n')
    diff_text = add_watch_task(str(tmp_path), dry_run=True, cache_dir=cache_dir)
    assert "+" in diff_text and tasks.read_text().startswith("// top")  # dry run writes nothing
    add_watch_task(str(tmp_path), cache_dir=cache_dir)
    text = tasks.read_text()
    assert text.startswith("// top\n") and "/* v */" in text and '"ideaudit watch"' in text
    assert "already has" in add_watch_task(str(tmp_path), cache_dir=cache_dir)

    tasks.write_text('{\n  "tasks": [\n    {"label": "x",}\n    {"label": "y"}\n  ]\n}\n')
    with pytest.raises(GenTaskError, match=r"tasks\.json:4:5: "):
        add_watch_task(str(tmp_path), cache_dir=cache_dir)
    assert os.path.exists(tasks)


def test_gen_task_names_the_running_ideaudit_and_prints_unless_write(tmp_path: Path) -> None:
    """Through the console script: the task's command is that script, by absolute path;
    without --write nothing is written; the warning says when the IDE's PATH lacks it."""
    import subprocess
    import sys

    script = Path(sys.executable).parent / "ideaudit"
    if not script.exists():
        pytest.skip("the ideaudit console script is not installed")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".profile").write_text("PATH=/usr/bin:/bin\n")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "SHELL": "/bin/sh",
        "IDEAUDIT_CACHE_DIR": str(tmp_path / "c"),
    }
    printed = subprocess.run(
        [str(script), "gen", "task", str(tmp_path)], capture_output=True, text=True, env=env
    )
    assert printed.returncode == 0, printed.stderr
    assert f'"command": "{script}"' in printed.stdout
    assert not (tmp_path / ".vscode" / "tasks.json").exists()
    assert f"{script.parent} is not on the PATH VS Code gets" in printed.stderr
    written = subprocess.run(
        [str(script), "gen", "task", str(tmp_path), "--write"], capture_output=True, text=True, env=env
    )
    assert written.returncode == 0 and (tmp_path / ".vscode" / "tasks.json").exists()


def test_path_warning_only_when_the_ide_path_lacks_the_folder() -> None:
    from ideaudit.gen.task import path_warning, running_command

    assert path_warning("/opt/x/bin/ideaudit", {"PATH": "/usr/bin:/opt/x/bin"}) is None
    assert "/opt/x/bin is not on the PATH" in (
        path_warning("/opt/x/bin/ideaudit", {"PATH": "/usr/bin"}) or ""
    )
    assert path_warning("/opt/x/bin/ideaudit", None) is None  # the IDE's PATH is unknown
    cmd, prefix = running_command("/nonexistent/ideaudit")
    assert prefix == ["-m", "ideaudit"] and os.path.isabs(cmd)


def test_compare_tells_unknown_changed_and_resolved_apart() -> None:
    from ideaudit.model import Layer
    from ideaudit.watch.output import compare, finding_key

    settings, launch = "/w/.vscode/settings.json", "/w/.vscode/launch.json"
    via_settings = Finding(
        "M011", Severity.ERROR, "GOPATH mode", context_id="vscode:debug:A", location=Location(settings, 5, 9),
        variable="GO111MODULE", provenance=(Layer("go.toolsEnvVars", "off", Location(settings, 5, 9)),),
    )  # fmt: skip
    flags = Finding(
        "M006",
        Severity.WARNING,
        "GOFLAGS is -mod=vendor",
        context_id="vscode:tools",
        location=Location(settings, 6, 9),
        variable="GOFLAGS",
        context_value="-mod=vendor",
    )
    gone = Finding(
        "V001", Severity.WARNING, "dlvToolPath", context_id="vscode:tools", location=Location(launch, 3, 1)
    )
    old = {finding_key(f): f for f in (via_settings, flags, gone)}
    now_flags = replace(flags, message="GOFLAGS is -mod=mod", context_value="-mod=mod")
    broken = Finding("E001", Severity.ERROR, "bad", location=Location(launch, 1, 3))
    new = {finding_key(f): f for f in (now_flags, broken)}
    ch = compare(old, new, unreadable={launch}, defined_in={"vscode:debug:A": launch})
    assert [f.code for f in ch.added] == ["E001"]
    assert [(a.context_value, b.context_value) for a, b in ch.changed] == [("-mod=vendor", "-mod=mod")]
    # Its context comes from the unreadable launch.json: unknown, even though its value
    # comes from settings.json; the V001 located in launch.json too.
    assert sorted((f.code, files) for f, files in ch.unknown) == [("M011", (launch,)), ("V001", (launch,))]
    assert ch.resolved == [] and set(ch.carried) == {finding_key(via_settings), finding_key(gone)}
    # The next audit, launch.json still broken: not reported again.
    again = compare({**ch.carried, **new}, new, unreadable={launch}, defined_in={"vscode:debug:A": launch},
                    reported_unknown=set(ch.carried))  # fmt: skip
    assert again.unknown == [] and again.added == [] and set(again.carried) == set(ch.carried)
    # Nothing unreadable: the missing ones are resolved.
    fixed = compare(old, {finding_key(now_flags): now_flags})
    assert sorted(f.code for f in fixed.resolved) == ["M011", "V001"] and fixed.unknown == []


def test_compare_says_nothing_about_a_finding_that_only_moved() -> None:
    """A line inserted above a finding moves it: not "resolved" plus "new" (the key holds
    the line), nothing at all; moved with another message it is "changed"."""
    from ideaudit.watch.output import compare, finding_key

    launch = "/w/.vscode/launch.json"
    here = Finding("E004", Severity.ERROR, "go env fails: GOFLAGS -x", context_id="vscode:debug:A",
                   location=Location(launch, 7, 5), variable="GOFLAGS")  # fmt: skip
    other = Finding("P005", Severity.ERROR, "PATH drops go", context_id="vscode:debug:B",
                    location=Location(launch, 12, 5), variable="PATH")  # fmt: skip
    old = {finding_key(f): f for f in (here, other)}
    moved = replace(here, location=Location(launch, 8, 5))
    moved_other = replace(other, location=Location(launch, 13, 5), message="PATH drops go and dlv")
    ch = compare(old, {finding_key(f): f for f in (moved, moved_other)})
    assert ch.added == [] and ch.resolved == []
    assert [(a.message, b.message) for a, b in ch.changed] == [("PATH drops go", "PATH drops go and dlv")]
    # another context's finding at the new line is new; the old one resolved
    elsewhere = replace(here, context_id="vscode:debug:C", location=Location(launch, 8, 5))
    ch = compare({finding_key(here): here}, {finding_key(elsewhere): elsewhere})
    assert [f.context_id for f in ch.added] == ["vscode:debug:C"]
    assert [f.context_id for f in ch.resolved] == ["vscode:debug:A"]

"""Tracing shell start-up: the parsers on known text, and real bash, zsh and fish runs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from ideaudit.model import Location
from ideaudit.shell import process as shell_process
from ideaudit.shell import profiles as shell_profiles
from ideaudit.shell.trace import (
    Assignment,
    origin_of,
    parse_bash_trace,
    parse_fish_files,
    parse_sh_files,
    parse_zsh_trace,
    trace_startup,
)
from tests.conftest import shell_path

TOKEN = "ghp_tracedTokenAbcdef0123456789ABCDEFabcd"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def names(items: list[Assignment]) -> list[tuple[str, int | None]]:
    return [(a.name, a.location.line) for a in items]


# --------------------------------------------------------------------------- parsers


def test_parse_bash_trace_keeps_persistent_assignments_only() -> None:
    text = "\n".join(
        [
            "+/w/rc:1: PS4=x",
            "++/h/.bashrc:2: export GOPATH=/h/gp",
            "++/h/.bashrc:2: GOPATH=/h/gp",
            "++/h/.bashrc:3: export 'PATH=/h/my dir:/usr/bin'",
            "++/h/.bashrc:4: GOFLAGS=-mod=mod CGO_ENABLED=0",
            "++/h/.bashrc:5: FOO=1 some-command arg",
            "++/h/.bashrc:6: echo GOPROXY=off",
            "++/h/.bashrc:7: alias go=grc go",
            "a continuation line of a multi-line value",
            "++.aliases:1: declare -x EDITOR=vi",
        ]
    )
    got = parse_bash_trace(text, "/h", skip_files=["/w/rc"])
    assert names(got) == [
        ("GOPATH", 2),
        ("PATH", 3),
        ("GOFLAGS", 4),
        ("CGO_ENABLED", 4),
        ("alias go", 7),
        ("EDITOR", 1),
    ]
    assert got[1].entries == ("/h/my dir", "/usr/bin")
    assert got[-1].location.file == "/h/.aliases"  # relative BASH_SOURCE resolved against HOME


def test_parse_zsh_trace_ignores_lines_without_the_nonce() -> None:
    nonce = "@ideaudit-0123@"
    text = "\n".join(
        [
            f"{nonce}+/h/.zshenv:2> path=( /h/sdk/bin /usr/bin ) ",
            "+/h/.zshrc:9> export FAKE=from-stderr-noise",
            f"noise printed without a newline{nonce}+/h/.zshrc:3> export GOPATH=/h/gp",
            f"{nonce}+/h/.zshrc:4> typeset -U path",
        ]
    )
    got = parse_zsh_trace(text, nonce, "/h")
    assert names(got) == [("PATH", 2), ("GOPATH", 3)]
    assert got[0].entries == ("/h/sdk/bin", "/usr/bin")


def test_parse_fish_files_reads_set_export_and_fish_add_path(tmp_path: Path) -> None:
    conf = write(
        tmp_path / "config.fish",
        "# comment\n"
        "set -gx GOPATH $HOME/gp\n"
        "set -gx PATH $GOPATH/bin $PATH\n"
        "set -g not_exported 1\n"
        "fish_add_path ~/sdk/go/bin\n"
        "set -e GOFLAGS\n"
        "export GOPROXY=direct\n",
    )
    got = parse_fish_files([str(conf)], "/h")
    assert names(got) == [("GOPATH", 2), ("PATH", 3), ("PATH", 5), ("GOPROXY", 7)]
    assert origin_of(got, "PATH", "/h/gp/bin") == Location(str(conf), 3)
    assert origin_of(got, "PATH", "/h/sdk/go/bin") == Location(str(conf), 5)


def test_parse_sh_files_static_fallback(tmp_path: Path) -> None:
    rc = write(tmp_path / ".profile", 'export GOPATH="$HOME/gp"\nPATH="$HOME/gp/bin:$PATH"\n# PATH=/nope\n')
    got = parse_sh_files([str(rc)], "/h")
    assert origin_of(got, "GOPATH") == Location(str(rc), 1)
    assert origin_of(got, "PATH", "/h/gp/bin") == Location(str(rc), 2)
    assert origin_of(got, "PATH", "/nope") is None


def test_origin_of_last_assignment_and_first_entry() -> None:
    a = Assignment("X", Location("f", 1))
    b = Assignment("X", Location("f", 5))
    p1 = Assignment("PATH", Location("g", 2), ("/a", "/usr/bin"))
    p2 = Assignment("PATH", Location("g", 8), ("/b", "/a", "/usr/bin"))
    items = [a, p1, b, p2]
    assert origin_of(items, "X") == Location("f", 5)
    assert origin_of(items, "PATH", "/a/") == Location("g", 2)
    assert origin_of(items, "PATH", "/b") == Location("g", 8)
    assert origin_of(items, "Y") is None


# --------------------------------------------------------------------------- real shells


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    return home


def test_real_bash_trace_names_file_and_line_and_keeps_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bash = shell_path("bash")
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    monkeypatch.setattr(shell_process, "dump_dir", lambda: str(dumps))
    home = _home(tmp_path)
    write(home / ".bash_aliases", "export FROM_ALIASES=1\n")
    write(
        home / ".bashrc",
        "echo '+/fake:99: export GOPATH=/from/stderr' >&2\n"
        f"export GITHUB_TOKEN={TOKEN}\n"
        'export GOPATH="$HOME/gp"\n'
        'export PATH="$GOPATH/bin:$PATH"\n'
        '. "$HOME/.bash_aliases"\n',
    )
    cache = tmp_path / "cache"
    base = shell_profiles.session_base_env(str(home), bash)
    t = trace_startup(bash, str(home), "terminal", base, cache_dir=str(cache))
    assert t.method == "xtrace" and t.error is None and not t.cached
    rc = str(home / ".bashrc")
    assert origin_of(t.assignments, "GOPATH") == Location(rc, 3)
    assert origin_of(t.assignments, "PATH", str(home / "gp" / "bin")) == Location(rc, 4)
    assert origin_of(t.assignments, "FROM_ALIASES") == Location(str(home / ".bash_aliases"), 1)
    assert origin_of(t.assignments, "GITHUB_TOKEN") == Location(rc, 2)
    assert TOKEN not in repr(t)
    stored = [p.read_text() for p in cache.rglob("*.json")]
    assert stored and all(TOKEN not in s for s in stored)
    again = trace_startup(bash, str(home), "terminal", base, cache_dir=str(cache))
    assert again.cached and again.assignments == t.assignments
    # An edit to a start-up file invalidates the cached trace.
    time.sleep(0.01)
    write(home / ".bashrc", 'export GOPATH="$HOME/other"\n')
    fresh = trace_startup(bash, str(home), "terminal", base, cache_dir=str(cache))
    assert not fresh.cached and origin_of(fresh.assignments, "GOPATH") == Location(rc, 1)
    # No trace file is left behind in the dump directory.
    assert os.listdir(dumps) == []


def test_real_zsh_trace_from_zshenv_to_zshrc_ignoring_stderr_noise(tmp_path: Path) -> None:
    zsh = shell_path("zsh")
    home = _home(tmp_path)
    write(home / ".zshenv", "typeset -U path\npath=($HOME/sdk/bin $path)\n")
    write(
        home / ".zshrc",
        "print -u2 '+/fake:99> export GOPATH=/from/stderr'\n"
        "[[ -n $VSCODE_RESOLVING_ENVIRONMENT ]] && return\n"
        'export GOPATH="$HOME/gp"\n',
    )
    base = shell_profiles.session_base_env(str(home), zsh)
    t = trace_startup(zsh, str(home), "terminal", base, cache_dir="")
    assert t.method == "xtrace" and t.error is None
    assert origin_of(t.assignments, "PATH", str(home / "sdk" / "bin")) == Location(str(home / ".zshenv"), 2)
    assert origin_of(t.assignments, "GOPATH") == Location(str(home / ".zshrc"), 3)
    assert all(a.location.file != "/fake" for a in t.assignments)


def test_fish_is_read_statically(tmp_path: Path) -> None:
    fish = shell_path("fish")
    home = _home(tmp_path)
    conf = write(home / ".config" / "fish" / "conf.d" / "go.fish", "set -gx GOPATH $HOME/gp\n")
    base = shell_profiles.session_base_env(str(home), fish)
    t = trace_startup(fish, str(home), "terminal", base, cache_dir="")
    assert t.method == "static"
    assert origin_of(t.assignments, "GOPATH") == Location(str(conf), 1)


def test_a_hanging_rc_file_is_cut_off_at_the_timeout(tmp_path: Path) -> None:
    bash = shell_path("bash")
    home = _home(tmp_path)
    write(home / ".bashrc", "export EARLY=1\nsleep 30\n")
    base = shell_profiles.session_base_env(str(home), bash)
    t0 = time.perf_counter()
    t = trace_startup(bash, str(home), "terminal", base, timeout=0.5, cache_dir="")
    assert time.perf_counter() - t0 < 5
    assert t.error is not None and "timed out" in t.error
    assert origin_of(t.assignments, "EARLY") == Location(str(home / ".bashrc"), 1)

"""Shell start-up explained: real captures of the four variants, and the S rules (pure)."""

from __future__ import annotations

import json
from pathlib import Path

from ideaudit.model import Location, ShellSnapshot
from ideaudit.pipeline import ScanOptions, scan
from ideaudit.report import render
from ideaudit.rules import s_shell
from ideaudit.rules.audit import Audit
from ideaudit.rules.catalog import load_all
from ideaudit.shell import capture as shell_capture
from ideaudit.shell import profiles as shell_profiles
from ideaudit.shell.startup_files import Divergence, StartupAnalysis, analyze_startup, variant_label
from tests.conftest import shell_path

TOKEN = "ghp_startupTokenAbcdef0123456789ABCDEFab"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def capture(shell: str, home: Path, profile: str) -> ShellSnapshot:
    base = shell_profiles.session_base_env(str(home), shell)
    return shell_capture.capture(shell, str(home), profile, base_env=base, cache_dir="")


def analyze(shell: str, home: Path, **kw: object) -> StartupAnalysis:
    base = shell_profiles.session_base_env(str(home), shell)
    terminal = capture(shell, home, "terminal")
    return analyze_startup(shell, str(home), base, terminal=terminal, cache_dir="", **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- real shells


def test_bash_profile_without_bashrc_is_explained_with_file_and_line(tmp_path: Path) -> None:
    bash = shell_path("bash")
    home = tmp_path / "home"
    write(home / ".bash_profile", "export EDITOR=vi\n")
    write(home / ".bashrc", '# tools\nexport GOPATH="$HOME/gp"\nexport PATH="$GOPATH/bin:$PATH"\n')
    (home / "gp" / "bin").mkdir(parents=True)
    sa = analyze(bash, home)
    assert set(sa.variants) == set(shell_profiles.VARIANTS)
    assert all(s.ok for s in sa.variants.values())
    # Only the interactive variant reads ~/.bashrc.
    assert "GOPATH" in sa.variants["interactive"].env
    assert all("GOPATH" not in sa.variants[p].env for p in ("login-interactive", "login", "plain"))
    assert sa.trace is not None and sa.trace.method == "xtrace"
    assert sa.login_sources_bashrc is False
    by_var = {d.variable: d for d in sa.divergences}
    rc = str(home / ".bashrc")
    assert by_var["GOPATH"].origin == Location(rc, 2)
    assert by_var["PATH"].origin == Location(rc, 3)
    assert by_var["PATH"].entries == (str(home / "gp" / "bin"),)
    assert variant_label(bash, "login") in by_var["GOPATH"].missing_in
    fix = s_shell.s001_fix(sa, by_var["GOPATH"])
    assert "[ -f ~/.bashrc ] && . ~/.bashrc" in fix and "~/.profile" in fix


def test_no_divergence_means_no_trace(tmp_path: Path) -> None:
    bash = shell_path("bash")
    home = tmp_path / "home"
    write(home / ".profile", 'export GOPATH="$HOME/gp"\n')
    write(home / ".bashrc", 'export GOPATH="$HOME/gp"\n')
    write(home / ".bash_profile", '. "$HOME/.profile"\n[ -f ~/.bashrc ] && . ~/.bashrc\n')
    sa = analyze(bash, home)
    assert sa.divergences == () and sa.trace is None
    assert sa.login_sources_bashrc is True


def test_zshrc_guard_on_the_vscode_marker(tmp_path: Path) -> None:
    zsh = shell_path("zsh")
    home = tmp_path / "home"
    write(home / ".zshrc", "[[ -n $VSCODE_RESOLVING_ENVIRONMENT ]] && return\nexport GOFLAGS=-mod=mod\n")
    sa = analyze(zsh, home)
    (div,) = sa.divergences
    assert div.variable == "GOFLAGS" and div.origin == Location(str(home / ".zshrc"), 2)
    # Without the marker a login interactive zsh does read the line: the guard is the cause.
    assert sa.variants["login-interactive"].env.get("GOFLAGS") == "-mod=mod"
    fix = s_shell.s001_fix(sa, div)
    assert "~/.zprofile" in fix and "~/.zshenv" in fix


def test_fish_status_is_login_block_is_attributed_statically(tmp_path: Path) -> None:
    fish = shell_path("fish")
    home = tmp_path / "home"
    conf = write(
        home / ".config" / "fish" / "config.fish",
        "if not status is-login\n    set -gx GOPROXY direct\nend\n",
    )
    sa = analyze(fish, home)
    (div,) = sa.divergences
    assert div.variable == "GOPROXY" and div.origin == Location(str(conf), 2)


def test_alias_function_version_manager_and_path_entries_are_read(tmp_path: Path) -> None:
    bash = shell_path("bash")
    home = tmp_path / "home"
    (home / ".goenv" / "shims").mkdir(parents=True)
    write(
        home / ".bashrc",
        'export PATH="$HOME/.goenv/shims:$HOME/nope/bin:$PATH"\n'
        'eval "$(goenv init -)" 2>/dev/null\n'
        "export GOROOT=/usr/local/go\n"
        'export PATH="$HOME/.goenv/shims:$PATH"\n'
        'go() { command go "$@"; }\n',
    )
    sa = analyze(bash, home, trace=False)
    kinds = {(line.kind, line.location.line) for line in sa.lines}
    assert {("version-manager", 1), ("version-manager", 2), ("goroot-static", 3), ("function-go", 5)} <= kinds
    assert sa.shims_on_path == (str(home / ".goenv" / "shims"),) * 2
    entries = {(p.entry, p.where): p for p in sa.path_entries}
    dup = entries[(str(home / ".goenv" / "shims"), "terminal")]
    assert dup.count == 2 and dup.origin == Location(str(home / ".bashrc"), 4)
    missing = entries[(str(home / "nope" / "bin"), "terminal")]
    assert not missing.exists and missing.origin == Location(str(home / ".bashrc"), 1)
    audit = Audit(shell=None, contexts=(), startup=sa)
    codes = {f.code for r in load_all().values() if r.code.startswith("S") for f in r.check(audit)}
    assert {"S002", "S006", "S007", "S008"} <= codes


def test_noisy_and_failing_variants_are_seen(tmp_path: Path) -> None:
    bash = shell_path("bash")
    home = tmp_path / "home"
    write(home / ".bash_profile", 'echo "hello from .bash_profile"\n[[ $- == *i* ]] || exit 4\n')
    sa = analyze(bash, home)
    assert sa.ide is not None and sa.ide.stdout_bytes > 0
    assert not sa.variants["login"].ok
    audit = Audit(shell=None, contexts=(), startup=sa)
    s004 = list(s_shell.noisy_startup(audit))
    s005 = list(s_shell.failing_variant(audit))
    assert len(s004) == 1 and "bash -i -l" in s004[0].message
    assert len(s005) == 1 and "bash -l" in s005[0].message and "status 4" in s005[0].message


# --------------------------------------------------------------------------- pure rules


def _snap(profile: str, env: dict[str, str], duration: float = 0.05, **kw: object) -> ShellSnapshot:
    argv = tuple(shell_profiles.shell_argv("/bin/zsh", profile, "CMD"))
    return ShellSnapshot("/bin/zsh", profile, argv, env, duration, 0, **kw)  # type: ignore[arg-type]


def _analysis(**kw: object) -> StartupAnalysis:
    values: dict[str, object] = {
        "shell": "/bin/zsh",
        "kind": "zsh",
        "home": "/h",
        "terminal": _snap("terminal", {"PATH": "/usr/bin"}),
        "ide": _snap("vscode", {"PATH": "/usr/bin"}),
        "timeout": 10.0,
    }
    values.update(kw)
    return StartupAnalysis(**values)  # type: ignore[arg-type]


def test_s003_slow_only_beyond_half_the_timeout_and_not_from_cache() -> None:
    slow = _analysis(ide=_snap("vscode", {}, duration=6.0))
    assert [f.code for f in s_shell.slow_startup(Audit(None, (), startup=slow))] == ["S003"]
    fast = _analysis(ide=_snap("vscode", {}, duration=4.0))
    assert list(s_shell.slow_startup(Audit(None, (), startup=fast))) == []
    cached = _analysis(ide=_snap("vscode", {}, duration=6.0, cached=True))
    assert list(s_shell.slow_startup(Audit(None, (), startup=cached))) == []


def test_s001_message_location_and_values() -> None:
    div = Divergence(
        "PATH",
        ("/h/gp/bin", "/h/sdk/bin"),
        "/h/gp/bin:/h/sdk/bin:/usr/bin",
        "/usr/bin",
        Location("/h/.zshrc", 7),
        ("zsh -i -l", "zsh -l"),
    )
    (f,) = s_shell.interactive_only(Audit(None, (), startup=_analysis(divergences=(div,))))
    assert f.code == "S001" and f.location == Location("/h/.zshrc", 7)
    assert "~/gp/bin, ~/sdk/bin are in your terminal" in f.message and "~/.zshrc:7" in f.message
    assert "also missing in zsh -l" in f.message
    assert f.fix is not None and "~/.zprofile" in f.fix


def test_no_analysis_no_findings() -> None:
    audit = Audit(shell=None, contexts=())
    assert [f for r in load_all().values() if r.code.startswith("S") for f in r.check(audit)] == []


# --------------------------------------------------------------------------- end to end


def test_a_secret_set_only_in_bashrc_is_reported_but_never_printed(tmp_path: Path, cache_dir: str) -> None:
    bash = shell_path("bash")
    ws = tmp_path / "ws"
    write(ws / "go.mod", "module example.com/x\n\ngo 1.19\n")
    home = tmp_path / "home"
    write(home / ".bash_profile", "export EDITOR=vi\n")
    write(home / ".bashrc", f"export GITHUB_TOKEN={TOKEN}\n")
    result = scan(ScanOptions(path=str(ws), home=str(home), shell=bash, cache_dir=cache_dir, select=["S"]))
    (f,) = result.findings
    assert f.code == "S001" and f.variable == "GITHUB_TOKEN" and f.location is not None
    assert f.location.line == 1
    for fmt in ("text", "json", "sarif"):
        out = render(result.report, fmt)
        assert TOKEN not in out and "GITHUB_TOKEN" in out
    for stored in Path(cache_dir).rglob("trace/*.json"):
        assert TOKEN not in stored.read_text()
    assert json.loads(render(result.report, "json"))

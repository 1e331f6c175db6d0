"""A cold scan starts every shell it needs at once, each capture once (issue 13 part 1).

Real bash, zsh and fish on a fake $HOME.  The start-up file every mode reads logs each
start (its flags, whether it is a login shell, the IDE marker) and then waits at a
barrier until the number of shells this scan needs have started (or 20 s): if the scan
started them in two waves, the first wave would see fewer and say so.  No timing is
measured; the barrier only orders events.  (The files name the marker only in part: a
file that names it gets a run of its own with and without it.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ideaudit._fast.record import replace
from ideaudit.pipeline import ScanOptions, scan
from ideaudit.shell import capture as shell_capture
from ideaudit.shell import profiles as shell_profiles
from ideaudit.shell.startup_files import BASE, CAPTURE, variant_plan, wave
from tests.conftest import shell_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


BARRIER_SH = """\
echo "start $- $(env | grep -c '^VSCODE_RESOLVING_'){login}" >> "$HOME/starts.log"
n=0
while [ "$(grep -c '^start' "$HOME/starts.log")" -lt {expect} ] && [ $n -lt 200 ]; do
  sleep 0.1; n=$((n+1))
done
echo "saw $(grep -c '^start' "$HOME/starts.log")" >> "$HOME/starts.log"
"""

BARRIER_FISH = """\
set -l mode (status is-login; and echo login) (status is-interactive; and echo i)
echo "start $mode "(env | grep -c '^VSCODE_RESOLVING_') >> $HOME/starts.log
set -l n 0
while test (grep -c '^start' $HOME/starts.log) -lt {expect}; and test $n -lt 200
    sleep 0.1; set n (math $n + 1)
end
echo "saw "(grep -c '^start' $HOME/starts.log) >> $HOME/starts.log
"""


def barrier_home(tmp_path: Path, kind: str, expect: int) -> Path:
    home = tmp_path / "home"
    if kind == "bash":
        text = BARRIER_SH.format(expect=expect, login="$(shopt -q login_shell && echo ' login')")
        write(home / ".bashrc", text)  # no interactive guard: login shells run it too
        write(home / ".bash_profile", ". ~/.bashrc\n")
    elif kind == "zsh":
        write(home / ".zshenv", BARRIER_SH.format(expect=expect, login="$([[ -o login ]] && echo ' login')"))
    else:
        write(home / ".config" / "fish" / "config.fish", BARRIER_FISH.format(expect=expect))
    return home


def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    write(ws / ".vscode" / "settings.json", "{}\n")
    return ws


# The shells a cold scan of a VS Code workspace starts, by shell: the terminal, the
# VS Code model and the variants that are neither of those nor read no file at all.
#   bash: terminal (-i), vscode (-i -l), login (-l); `bash -c` reads nothing, and
#         `bash -i -l` without the marker is the vscode run (no file names the marker).
#   zsh:  + plain (-c reads .zshenv).
#   fish: every mode runs config.fish: terminal, vscode, login, plain.
EXPECTED = {"bash": 3, "zsh": 4, "fish": 4}


@pytest.mark.parametrize("kind", ["bash", "zsh", "fish"])
def test_cold_scan_starts_every_shell_at_once_and_each_once(kind: str, tmp_path: Path) -> None:
    shell = shell_path(kind)
    expect = EXPECTED[kind]
    home = barrier_home(tmp_path, kind, expect)
    options = ScanOptions(
        path=str(workspace(tmp_path)),
        home=str(home),
        shell=shell,
        refresh=True,
        go_env=False,
        timeout=60,
        cache_dir=str(tmp_path / "cache"),
    )
    result = scan(options)
    assert all(s.ok for s in result.audit.snapshots), [s.error for s in result.audit.snapshots]
    log = (home / "starts.log").read_text().splitlines()
    starts = [line for line in log if line.startswith("start")]
    # Each capture once: as many starts as needed, no two in the same mode with the same marker.
    assert len(starts) == expect, log
    assert len(set(starts)) == len(starts), log
    # At once: every shell saw all of them started (a second wave would see fewer).
    assert [line for line in log if line.startswith("saw")] == [f"saw {expect}"] * expect, log
    # The analysis has every variant, obtained without a shell run of its own.
    sa = result.audit.startup
    assert sa is not None and set(sa.variants) == set(shell_profiles.VARIANTS)

    # A warm scan starts no shell.
    scan(replace(options, refresh=False))
    assert (home / "starts.log").read_text().splitlines() == log


def test_no_variant_is_started_when_no_rule_reads_it(tmp_path: Path) -> None:
    bash = shell_path("bash")
    home = barrier_home(tmp_path, "bash", 2)
    options = ScanOptions(
        path=str(workspace(tmp_path)),
        home=str(home),
        shell=bash,
        refresh=True,
        go_env=False,
        timeout=60,
        cache_dir=str(tmp_path / "cache"),
        select=("P",),
    )
    result = scan(options)
    starts = [line for line in (home / "starts.log").read_text().splitlines() if line.startswith("start")]
    assert len(starts) == 2  # the terminal and VS Code's model; no `bash -l`
    assert result.audit.startup is not None and result.audit.startup.variants == {}


def test_plan_reuses_captures_and_derives_what_reads_nothing(tmp_path: Path) -> None:
    bash = shell_path("bash")
    home = tmp_path / "home"
    write(home / ".bashrc", "export A=1\n")
    write(home / ".bash_profile", ". ~/.bashrc\n")
    base = shell_profiles.session_base_env(str(home), bash)
    plan = variant_plan(bash, str(home), base, ["terminal", "vscode"])
    assert plan == {
        "login-interactive": "vscode",
        "login": CAPTURE,
        "interactive": "terminal",
        "plain": BASE,
    }
    assert wave(bash, str(home), base, ["terminal", "vscode"]) == ["login"]
    assert wave(bash, str(home), base, ["terminal", "vscode"], "lazy") == []
    # A file that names the marker may behave differently under it: its own run then.
    write(home / ".bashrc", '[ -n "$VSCODE_RESOLVING_ENVIRONMENT" ] && return\nexport A=1\n')
    assert variant_plan(bash, str(home), base, ["terminal", "vscode"])["login-interactive"] == CAPTURE
    # ... also when a file it sources names it (inshellisense's init file does).
    write(home / ".bashrc", "export A=1\nsource ~/.local/share/tool/init.bash\n")
    assert variant_plan(bash, str(home), base, ["terminal", "vscode"])["login-interactive"] == "vscode"
    write(home / ".local/share/tool/init.bash", '[[ -z "${VSCODE_RESOLVING_ENVIRONMENT:-}" ]] && exec tool\n')
    assert variant_plan(bash, str(home), base, ["terminal", "vscode"])["login-interactive"] == CAPTURE
    # BASH_ENV makes `bash -c` read a file.
    assert variant_plan(bash, str(home), {**base, "BASH_ENV": "/x"}, ["terminal"])["plain"] == CAPTURE


@pytest.mark.parametrize("kind", ["bash", "dash"])
def test_a_variant_that_reads_nothing_is_exactly_its_capture(kind: str, tmp_path: Path) -> None:
    """What the plan derives without a run equals what a real run captures."""
    from ideaudit.shell.startup_files import _from_base

    shell = shell_path(kind)
    home = tmp_path / "home"
    write(home / ".bashrc", "export A=1\n")
    write(home / ".profile", "export B=2\n")
    base = shell_profiles.session_base_env(str(home), shell)
    assert variant_plan(shell, str(home), base, ["terminal"])["plain"] == BASE
    real = shell_capture.capture(shell, str(home), "plain", base_env=base, cache_dir="")
    derived = _from_base(shell, str(home), "plain", base)
    assert real.ok and derived.ok
    assert derived.env == real.env
    assert derived.exit_status == real.exit_status == 0
    assert derived.stdout_bytes == real.stdout_bytes == 0


def test_reused_capture_equals_the_variant_run(tmp_path: Path) -> None:
    """`bash -i -l` with VS Code's marker stands for `bash -i -l` without it only when
    no file names the marker: then the two real runs agree."""
    bash = shell_path("bash")
    home = tmp_path / "home"
    write(home / ".bashrc", 'export GOPATH="$HOME/go"\necho hello\n')
    write(home / ".bash_profile", ". ~/.bashrc\nexport P=1\n")
    base = shell_profiles.session_base_env(str(home), bash)
    assert variant_plan(bash, str(home), base, ["vscode"])["login-interactive"] == "vscode"
    ide = shell_capture.capture(bash, str(home), "vscode", base_env=base, cache_dir="")
    variant = shell_capture.capture(bash, str(home), "login-interactive", base_env=base, cache_dir="")
    assert ide.env == variant.env
    assert (ide.stdout_bytes, ide.exit_status) == (variant.stdout_bytes, variant.exit_status)


def test_a_divergence_seen_last_time_is_traced_in_the_same_wave(tmp_path: Path) -> None:
    """After a scan that found a divergence, the next cold scan (a dotfile edit, or
    --refresh) starts the trace with the other shells instead of after them."""
    bash = shell_path("bash")
    home = tmp_path / "home"

    def dotfiles(expect: int) -> None:
        barrier = BARRIER_SH.format(expect=expect, login="$(shopt -q login_shell && echo ' login')")
        write(home / ".bashrc", 'export GOPATH="$HOME/gp"\n' + barrier)  # the terminal only
        write(home / ".bash_profile", barrier)  # does not source ~/.bashrc

    options = ScanOptions(
        path=str(workspace(tmp_path)),
        home=str(home),
        shell=bash,
        refresh=True,
        go_env=False,
        timeout=60,
        cache_dir=str(tmp_path / "cache"),
    )
    # First scan: the terminal, VS Code's model and `bash -l` at once; the trace after
    # them, when the divergence is known.
    dotfiles(3)
    first = scan(options)
    log = (home / "starts.log").read_text().splitlines()
    assert [line for line in log if line.startswith("saw")] == ["saw 3"] * 3 + ["saw 4"], log
    assert first.audit.startup is not None and first.audit.startup.trace is not None
    # Second cold scan: the trace is one of the wave.
    (home / "starts.log").unlink()
    dotfiles(4)
    second = scan(options)
    log = (home / "starts.log").read_text().splitlines()
    assert [line for line in log if line.startswith("saw")] == ["saw 4"] * 4, log
    sa = second.audit.startup
    assert sa is not None and sa.trace is not None and not sa.trace.cached
    gopath = next(d for d in sa.divergences if d.variable == "GOPATH")
    assert gopath.origin is not None and gopath.origin.file == str(home / ".bashrc")
    assert gopath.origin.line == 1

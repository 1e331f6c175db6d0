"""shell.capture against REAL shells started on a fake $HOME (no mocks)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ideaudit.model import ShellSnapshot
from ideaudit.shell.cache import default_cache_dir
from ideaudit.shell.capture import capture
from ideaudit.shell.profiles import (
    PROFILES,
    SESSION_PATH,
    default_shell,
    session_base_env,
    shell_argv,
    startup_files,
)

LINUX = sys.platform.startswith("linux")


def need(name: str) -> str:
    path = shutil.which(name) or f"/usr/bin/{name}"
    if not os.access(path, os.X_OK):
        pytest.skip(f"{name} is not installed")
    return path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def home_of(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return home


def run(shell: str, home: Path, profile: str, tmp_path: Path, **kw: object) -> ShellSnapshot:
    base = kw.pop("base_env", None) or session_base_env(str(home), shell, "tester", inherit={})
    kw.setdefault("cache_dir", str(tmp_path / "cache"))
    return capture(shell, str(home), profile, base_env=base, **kw)  # type: ignore[arg-type]


def session_survivors(sid: int) -> list[int]:
    """Live (non-zombie) processes of session ``sid``, read from /proc."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            raw = Path(f"/proc/{name}/stat").read_bytes()
        except OSError:
            continue
        fields = raw[raw.rfind(b")") + 2 :].split()
        if fields[0] != b"Z" and int(fields[3]) == sid:
            found.append(int(name))
    return found


# --------------------------------------------------------------------------- argv


@pytest.mark.skipif(not LINUX, reason="terminal profile differs on macOS")
def test_shell_argv_per_profile() -> None:
    cmd = "CMD"
    assert shell_argv("/bin/bash", "vscode", cmd) == ["/bin/bash", "-i", "-l", "-c", cmd]
    assert shell_argv("/bin/bash", "jetbrains", cmd) == ["/bin/bash", "-l", "-i", "-c", cmd]
    assert shell_argv("/bin/bash", "terminal", cmd) == ["/bin/bash", "-i", "-c", cmd]
    assert shell_argv("/usr/bin/fish", "jetbrains", cmd) == ["/usr/bin/fish", "-l", "-c", cmd]
    assert shell_argv("/usr/bin/fish", "vscode", cmd)[1:3] == ["-i", "-l"]
    for profile in PROFILES:
        assert shell_argv("/bin/tcsh", profile, cmd) == ["/bin/tcsh", "-i", "-c", cmd]
        assert shell_argv("/bin/csh", profile, cmd)[1:-1] == ["-i", "-c"]
    assert shell_argv("/usr/bin/pwsh", "vscode", cmd) == [
        "/usr/bin/pwsh",
        "-Login",
        "-Command",
        cmd,
    ]
    assert shell_argv("/bin/dash", "terminal", cmd) == ["/bin/dash", "-i", "-c", cmd]
    assert shell_argv("/bin/sh", "vscode", cmd) == ["/bin/sh", "-i", "-l", "-c", cmd]
    with pytest.raises(ValueError):
        shell_argv("/bin/bash", "emacs", cmd)


def test_session_base_env_is_hermetic() -> None:
    inherit = {
        "HOME": "/root",
        "PATH": "/home/me/go/bin:/usr/bin",
        "GOPATH": "/home/me/go",
        "ZDOTDIR": "/home/me/.zsh",
        "XDG_CONFIG_HOME": "/home/me/cfg",
        "LANG": "de_DE.UTF-8",
        "LC_TIME": "C",
        "DISPLAY": ":0",
        "USER": "me",
    }
    env = session_base_env("/tmp/fakehome", "/usr/bin/zsh", inherit=inherit)
    assert env == {
        "HOME": "/tmp/fakehome",
        "SHELL": "/usr/bin/zsh",
        "PATH": SESSION_PATH,
        "USER": "me",
        "LOGNAME": "me",
        "LANG": "de_DE.UTF-8",
        "LC_TIME": "C",
        "DISPLAY": ":0",
    }
    assert session_base_env("/h", "/bin/sh", user="alice", inherit={})["USER"] == "alice"


def test_default_shell_and_cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHELL", "/opt/bin/zsh")
    assert default_shell() == "/opt/bin/zsh"
    monkeypatch.delenv("SHELL")
    assert default_shell()  # the passwd entry, else /bin/sh
    assert "ideaudit" in default_cache_dir()


def test_module_import_is_light() -> None:
    code = (
        "import sys, ideaudit.shell.capture, ideaudit.ide.environment, ideaudit.shell.dump\n"
        "bad = {'psutil', 'platformdirs'} & set(sys.modules)\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- startup files


@pytest.mark.skipif(not LINUX, reason="Linux paths")
def test_startup_files_lists(tmp_path: Path) -> None:
    h = str(tmp_path)
    bash_login = startup_files("/bin/bash", h, "vscode", {})
    assert bash_login[0] == "/etc/profile"
    assert bash_login[-3:] == [f"{h}/.bash_profile", f"{h}/.bash_login", f"{h}/.profile"]
    assert startup_files("/bin/bash", h, "terminal", {}) == [
        "/etc/bash.bashrc",
        f"{h}/.bashrc",
    ]
    zsh = startup_files("/usr/bin/zsh", h, "vscode", {"ZDOTDIR": f"{h}/z"})
    assert [os.path.basename(f) for f in zsh] == [
        "zshenv",
        ".zshenv",
        "zprofile",
        ".zprofile",
        "zshrc",
        ".zshrc",
        "zlogin",
        ".zlogin",
    ]
    assert f"{h}/z/.zshrc" in zsh
    assert [os.path.basename(f) for f in startup_files("/usr/bin/zsh", h, "terminal", {})] == [
        "zshenv",
        ".zshenv",
        "zshrc",
        ".zshrc",
    ]
    assert startup_files("/bin/dash", h, "terminal", {"ENV": f"{h}/.shrc"}) == [f"{h}/.shrc"]
    assert startup_files("/bin/dash", h, "vscode", {})[-1] == f"{h}/.profile"
    tcsh = startup_files("/usr/bin/tcsh", h, "vscode", {})
    assert tcsh[0] == "/etc/csh.cshrc"
    assert f"{h}/.tcshrc" in tcsh and f"{h}/.cshrc" in tcsh
    assert f"{h}/.login" not in tcsh and "/etc/csh.login" not in tcsh  # -i -c: not login
    write(tmp_path / ".config/fish/conf.d/go.fish", "set -gx A 1\n")
    fish = startup_files("/usr/bin/fish", h, "jetbrains", {})
    assert fish[-1] == f"{h}/.config/fish/config.fish"
    assert f"{h}/.config/fish/conf.d/go.fish" in fish
    assert f"{h}/.config/fish/fish_variables" in fish
    assert "/usr/share/fish/config.fish" in fish
    assert "/etc/fish/config.fish" in fish


@pytest.mark.parametrize(
    ("shell", "profile"),
    [("zsh", "vscode"), ("zsh", "terminal"), ("dash", "vscode"), ("fish", "jetbrains")],
)
def test_startup_files_match_real_shell(shell: str, profile: str, tmp_path: Path) -> None:
    """Every user file startup_files() names is really read; the others' are not."""
    path = need(shell)
    home = home_of(tmp_path)
    base = session_base_env(str(home), path, "tester", inherit={})
    if shell == "dash":
        base["ENV"] = str(home / ".shrc")
    listed = set(startup_files(path, str(home), profile, base))
    candidates: set[str] = set()
    for p in PROFILES:
        candidates |= set(startup_files(path, str(home), p, base))
    mine = sorted(f for f in candidates if f.startswith(str(home)) and "fish_variables" not in f)
    assert mine
    for i, f in enumerate(mine):
        line = f"set -gx SEEN_{i} 1\n" if shell == "fish" else f"export SEEN_{i}=1\n"
        write(Path(f), line)
    snap = run(path, home, profile, tmp_path, base_env=base)
    assert snap.ok, snap.error
    for i, f in enumerate(mine):
        assert (f"SEEN_{i}" in snap.env) == (f in listed), (f, profile)


# --------------------------------------------------------------------------- per shell


def test_bash_bashrc_terminal_only_unless_sourced(tmp_path: Path) -> None:
    bash = need("bash")
    home = home_of(tmp_path)
    write(home / ".bashrc", "export FROM_BASHRC=yes\n")
    write(home / ".bash_profile", "export FROM_PROFILE=yes\n")
    term = run(bash, home, "terminal", tmp_path)
    code = run(bash, home, "vscode", tmp_path)
    ij = run(bash, home, "jetbrains", tmp_path)
    assert term.ok and code.ok and ij.ok
    assert term.env["FROM_BASHRC"] == "yes" and "FROM_PROFILE" not in term.env
    assert code.env["FROM_PROFILE"] == "yes" and "FROM_BASHRC" not in code.env
    assert ij.env["FROM_PROFILE"] == "yes" and "FROM_BASHRC" not in ij.env
    assert code.argv[1:4] == ("-i", "-l", "-c")
    assert str(home / ".bash_profile") in code.startup_files
    assert code.env["HOME"] == str(home)
    # the usual fix: .bash_profile sources .bashrc (also invalidates the cache entry)
    write(home / ".bash_profile", "export FROM_PROFILE=yes\n. ~/.bashrc\n")
    fixed = run(bash, home, "vscode", tmp_path)
    assert fixed.env["FROM_BASHRC"] == "yes" and not fixed.cached


def test_zsh_zshrc_both_zprofile_login_only(tmp_path: Path) -> None:
    zsh = need("zsh")
    home = home_of(tmp_path)
    write(home / ".zshenv", "export FROM_ZSHENV=1\n")
    write(home / ".zshrc", "export FROM_ZSHRC=1\n")
    write(home / ".zprofile", "export FROM_ZPROFILE=1\n")
    term = run(zsh, home, "terminal", tmp_path)
    code = run(zsh, home, "vscode", tmp_path)
    assert term.env["FROM_ZSHRC"] == "1" and code.env["FROM_ZSHRC"] == "1"
    assert term.env["FROM_ZSHENV"] == "1" and code.env["FROM_ZSHENV"] == "1"
    assert "FROM_ZPROFILE" not in term.env
    assert code.env["FROM_ZPROFILE"] == "1"


def test_zsh_banners_do_not_corrupt_capture(tmp_path: Path) -> None:
    zsh = need("zsh")
    home = home_of(tmp_path)
    write(
        home / ".zshrc",
        "echo 'Welcome! GOPATH=/wrong'\n"
        "print -u2 'warning: something on stderr'\n"
        "printf 'A=B\\0C=D\\0'\n"
        "export TEST_VAR='exact value'\n"
        "export TRICKY=$'line1\\nline2=with=equals'\n",
    )
    snap = run(zsh, home, "vscode", tmp_path)
    assert snap.ok, snap.error
    assert snap.env["TEST_VAR"] == "exact value"
    assert snap.env["TRICKY"] == "line1\nline2=with=equals"
    assert "A" not in snap.env and "GOPATH" not in snap.env
    assert snap.stdout_bytes > 0 and snap.stderr_bytes > 0


def test_fish_config(tmp_path: Path) -> None:
    fish = need("fish")
    home = home_of(tmp_path)
    write(home / ".config/fish/config.fish", "set -gx FROM_FISH_CONFIG 1\n")
    write(home / ".config/fish/conf.d/go.fish", "set -gx FROM_FISH_CONFD 1\n")
    for profile in PROFILES:
        snap = run(fish, home, profile, tmp_path)
        assert snap.ok, snap.error
        assert snap.env["FROM_FISH_CONFIG"] == "1"
        assert snap.env["FROM_FISH_CONFD"] == "1"
    assert run(fish, home, "jetbrains", tmp_path).argv[1:3] == ("-l", "-c")


def test_dash_profile_only_for_login(tmp_path: Path) -> None:
    dash = need("dash")
    home = home_of(tmp_path)
    write(home / ".profile", "export FROM_PROFILE=1\n")
    write(home / ".shrc", "export FROM_ENV_FILE=1\n")
    base = session_base_env(str(home), dash, "tester", inherit={})
    base["ENV"] = str(home / ".shrc")
    term = run(dash, home, "terminal", tmp_path, base_env=base)
    login = run(dash, home, "vscode", tmp_path, base_env=base)
    assert term.ok and login.ok
    assert "FROM_PROFILE" not in term.env and term.env["FROM_ENV_FILE"] == "1"
    assert login.env["FROM_PROFILE"] == "1"


def test_tcsh_tcshrc_but_not_login(tmp_path: Path) -> None:
    tcsh = need("tcsh")
    home = home_of(tmp_path)
    write(home / ".tcshrc", "setenv FROM_TCSHRC 1\n")
    write(home / ".login", "setenv FROM_LOGIN 1\n")
    for profile in PROFILES:
        snap = run(tcsh, home, profile, tmp_path)
        assert snap.ok, snap.error
        assert snap.env["FROM_TCSHRC"] == "1"
        assert "FROM_LOGIN" not in snap.env  # -i -c is not a login shell


def test_tcsh_noclobber_does_not_break_the_dump(tmp_path: Path) -> None:
    tcsh = need("tcsh")
    home = home_of(tmp_path)
    write(home / ".tcshrc", "set noclobber\nsetenv X 1\n")
    snap = run(tcsh, home, "vscode", tmp_path)
    assert snap.ok, snap.error
    assert snap.env["X"] == "1"


def test_bash_noclobber_does_not_break_the_dump(tmp_path: Path) -> None:
    bash = need("bash")
    home = home_of(tmp_path)
    write(home / ".bash_profile", "set -o noclobber\nexport X=1\n")
    snap = run(bash, home, "vscode", tmp_path)
    assert snap.ok, snap.error
    assert snap.env["X"] == "1"


# --------------------------------------------------------------------------- markers, noise


@pytest.mark.parametrize(
    ("profile", "seen"),
    [("vscode", ("1", "unset")), ("jetbrains", ("unset", "true")), ("terminal", ("unset",) * 2)],
)
def test_marker_visible_inside_but_not_in_result(profile: str, seen: tuple[str, str], tmp_path: Path) -> None:
    bash = need("bash")
    home = home_of(tmp_path)
    rc = (
        'export SAW_VSCODE="${VSCODE_RESOLVING_ENVIRONMENT-unset}"\n'
        'export SAW_IJ="${INTELLIJ_ENVIRONMENT_READER-unset}"\n'
        "cd /\n"
    )
    write(home / ".bash_profile", rc)
    write(home / ".bashrc", rc)
    snap = run(bash, home, profile, tmp_path)
    assert snap.ok, snap.error
    assert (snap.env["SAW_VSCODE"], snap.env["SAW_IJ"]) == seen
    for noise in ("VSCODE_RESOLVING_ENVIRONMENT", "INTELLIJ_ENVIRONMENT_READER"):
        assert noise not in snap.env
    for noise in ("_", "SHLVL", "PWD", "OLDPWD"):
        assert noise not in snap.env


# --------------------------------------------------------------------------- failures


def test_timeout_kills_the_whole_session(tmp_path: Path) -> None:
    bash = need("bash")
    if not LINUX:
        pytest.skip("reads /proc")
    home = home_of(tmp_path)
    pidfile = tmp_path / "pid"
    write(
        home / ".bashrc",
        f"echo $$ > {pidfile}\n(sleep 61 >/dev/null 2>&1 &)\nsleep 60 &\nsleep 60\n",
    )
    t0 = time.monotonic()
    snap = run(bash, home, "terminal", tmp_path, timeout=2)
    elapsed = time.monotonic() - t0
    assert snap.timed_out and not snap.ok
    assert snap.error == "timed out after 2.0 s"
    assert snap.env == {}
    assert 1.9 <= elapsed < 2.0 + 8.0  # not the 60 s of the rc file; slack for a loaded machine
    sid = int(pidfile.read_text())
    assert session_survivors(sid) == []
    # a failed capture is not cached
    assert not list((tmp_path / "cache").glob("shell/*.json"))


def test_background_job_holding_pipes_does_not_block(tmp_path: Path) -> None:
    bash = need("bash")
    if not LINUX:
        pytest.skip("reads /proc")
    home = home_of(tmp_path)
    pidfile = tmp_path / "pid"
    write(home / ".bash_profile", f"echo $$ > {pidfile}\nsleep 30 &\nexport DONE=1\n")
    t0 = time.monotonic()
    snap = run(bash, home, "vscode", tmp_path, timeout=10)
    assert time.monotonic() - t0 < 2.0
    assert snap.ok and snap.env["DONE"] == "1"
    assert session_survivors(int(pidfile.read_text())) == []


def test_rc_exiting_non_zero_is_recorded(tmp_path: Path) -> None:
    bash = need("bash")
    home = home_of(tmp_path)
    write(home / ".bash_profile", "echo broken >&2\nexit 3\n")
    snap = run(bash, home, "vscode", tmp_path)
    assert snap.exit_status == 3
    assert not snap.ok and not snap.timed_out
    assert snap.error == "exited with status 3 and produced no environment"
    assert snap.stderr_bytes > 0
    assert not list((tmp_path / "cache").glob("shell/*.json"))


def test_missing_shell_gives_an_error_snapshot(tmp_path: Path) -> None:
    snap = run("/bin/xyz-no-such-shell", home_of(tmp_path), "vscode", tmp_path)
    assert snap.error == "shell not found: /bin/xyz-no-such-shell"
    assert not snap.ok and snap.env == {} and snap.exit_status is None


def test_non_executable_shell_gives_an_error_snapshot(tmp_path: Path) -> None:
    fake = write(tmp_path / "notashell", "hello\n")
    snap = run(str(fake), home_of(tmp_path), "vscode", tmp_path)
    assert not snap.ok and snap.error is not None and "not executable" in snap.error


# --------------------------------------------------------------------------- cache


def test_cache_hit_starts_no_shell_and_invalidates(tmp_path: Path) -> None:
    bash = need("bash")
    home = home_of(tmp_path)
    counter = tmp_path / "starts"
    profile_rc = write(home / ".bash_profile", f"echo start >> {counter}\nexport CACHED_VAR=v1\n")

    def starts() -> int:
        return len(counter.read_text().splitlines()) if counter.exists() else 0

    first = run(bash, home, "vscode", tmp_path)
    assert first.ok and not first.cached and starts() == 1
    files = list((tmp_path / "cache" / "shell").glob("*.json"))
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert json.loads(files[0].read_text())["env"]["CACHED_VAR"] == "v1"

    second = run(bash, home, "vscode", tmp_path)
    assert second.cached and starts() == 1
    assert second.env == first.env and second.argv == first.argv
    assert second.startup_files == first.startup_files

    # another profile is another entry
    assert not run(bash, home, "jetbrains", tmp_path).cached and starts() == 2

    # an mtime change on a startup file invalidates (same size, same content)
    st = profile_rc.stat()
    os.utime(profile_rc, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    third = run(bash, home, "vscode", tmp_path)
    assert not third.cached and starts() == 3
    assert run(bash, home, "vscode", tmp_path).cached and starts() == 3

    # a new file that bash would read instead (~/.bash_login absent -> present) too
    write(home / ".bash_login", "export OTHER=1\n")
    assert not run(bash, home, "vscode", tmp_path).cached and starts() == 4

    # refresh bypasses the cache and rewrites it
    profile_rc.write_text(profile_rc.read_text())  # keep it the same
    refreshed = run(bash, home, "vscode", tmp_path, refresh=True)
    assert not refreshed.cached and starts() == 5
    assert run(bash, home, "vscode", tmp_path).cached and starts() == 5

    # a different base environment is a different entry
    base = session_base_env(str(home), bash, "someone-else", inherit={})
    assert not run(bash, home, "vscode", tmp_path, base_env=base).cached and starts() == 6


def test_cache_notices_bashrc_sourced_from_profile(tmp_path: Path) -> None:
    bash = need("bash")
    home = home_of(tmp_path)
    write(home / ".bash_profile", ". ~/.bashrc\n")
    rc = write(home / ".bashrc", "export GOROOT=/usr/local/go\n")
    assert run(bash, home, "vscode", tmp_path).env["GOROOT"] == "/usr/local/go"
    rc.write_text("export GOROOT=/opt/go1.22\n")
    snap = run(bash, home, "vscode", tmp_path)
    assert not snap.cached and snap.env["GOROOT"] == "/opt/go1.22"


def test_corrupt_cache_file_is_a_miss(tmp_path: Path) -> None:
    bash = need("bash")
    home = home_of(tmp_path)
    write(home / ".bash_profile", "export X=1\n")
    run(bash, home, "vscode", tmp_path)
    (entry,) = (tmp_path / "cache" / "shell").glob("*.json")
    entry.write_text("{not json")
    snap = run(bash, home, "vscode", tmp_path)
    assert not snap.cached and snap.env["X"] == "1"
    assert json.loads(entry.read_text())["env"]["X"] == "1"


def test_empty_cache_dir_disables_cache(tmp_path: Path) -> None:
    bash = need("bash")
    home = home_of(tmp_path)
    write(home / ".bash_profile", "export X=1\n")
    assert not run(bash, home, "vscode", tmp_path, cache_dir="").cached
    assert not run(bash, home, "vscode", tmp_path, cache_dir="").cached
    assert not (tmp_path / "cache").exists()

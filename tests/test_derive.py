"""shell.derive: the terminal derived from the IDE model equals a real terminal run.

Every case runs the real shell four times on a fake HOME (terminal, IDE model, login,
plain), derives the terminal from the runs a scan makes, and checks that the derived
environment is the real one, byte for byte -- or that the derivation declined (then
the scan runs the terminal, as before).  Cases: real-world dotfile shapes (Debian's
skeleton files, nvm-, conda- and oh-my-zsh-like init blocks, ``case $- in *i*)``
guards, fish ``status is-login``) and the home of every sample workspace.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from ideaudit.model import ShellSnapshot
from ideaudit.pipeline import ScanOptions, scan
from ideaudit.shell.capture import capture, capture_wave
from ideaudit.shell.derive import derive_terminal, terminal_plan
from ideaudit.shell.profiles import session_base_env
from tests.conftest import SAMPLES, shell_path


def _skel(name: str, fallback: str) -> str:
    try:
        return Path("/etc/skel", name).read_text()
    except OSError:
        return fallback


GUARD = "case $- in\n    *i*) ;;\n      *) return;;\nesac\n"
SKEL_RC = _skel(".bashrc", GUARD + "HISTSIZE=1000\n")
SKEL_PROFILE = _skel(
    ".profile",
    'if [ -n "$BASH_VERSION" ]; then\n    if [ -f "$HOME/.bashrc" ]; then\n\t. "$HOME/.bashrc"\n    fi\nfi\n'
    'if [ -d "$HOME/bin" ] ; then\n    PATH="$HOME/bin:$PATH"\nfi\n'
    'if [ -d "$HOME/.local/bin" ] ; then\n    PATH="$HOME/.local/bin:$PATH"\nfi\n',
)
COMMON = 'export GOPATH="$HOME/go"\nexport PATH="$GOPATH/bin:$HOME/.local/bin:$PATH"\nalias ll="ls -l"\n'
NVM = (
    'export NVM_DIR="$HOME/.nvm"\n'
    '[ -s "$NVM_DIR/nvm.sh" ] && \\. "$NVM_DIR/nvm.sh"  # This loads nvm\n'
    '[ -s "$NVM_DIR/bash_completion" ] && \\. "$NVM_DIR/bash_completion"\n'
)
NVM_SH = 'export NVM_BIN="$NVM_DIR/versions/node/v20/bin"\nexport PATH="$NVM_BIN:$PATH"\nnvm() { :; }\n'
CONDA = """# >>> conda initialize >>>
__conda_setup="$('@HOME@/miniconda3/bin/conda' 'shell.bash' 'hook' 2> /dev/null)"
if [ $? -eq 0 ]; then
    eval "$__conda_setup"
else
    if [ -f "@HOME@/miniconda3/etc/profile.d/conda.sh" ]; then
        . "@HOME@/miniconda3/etc/profile.d/conda.sh"
    else
        export PATH="@HOME@/miniconda3/bin:$PATH"
    fi
fi
unset __conda_setup
# <<< conda initialize <<<
"""
CONDA_BIN = (
    "#!/bin/sh\n"
    "echo 'export CONDA_EXE=\"@HOME@/miniconda3/bin/conda\"'\n"
    "echo 'export CONDA_SHLVL=1'\n"
    "echo 'export PATH=\"@HOME@/miniconda3/condabin:$PATH\"'\n"
)
OMZ = (
    'export ZSH="$HOME/.oh-my-zsh"\nZSH_THEME="robbyrussell"\nplugins=(git golang)\n'
    "source $ZSH/oh-my-zsh.sh\n"
)
OMZ_SH = (
    "autoload -Uz compinit && compinit -u -d $HOME/.zcompdump\n"
    'export LSCOLORS="Gxfxcxdxbxegedabagacad"\nexport PAGER="less"\n'
    'path=("$ZSH/bin" $path)\nsetopt auto_cd\n'
)

#: shell -> case -> (files under HOME, folders to create, "derive" | "fallback" | "either")
SHAPES: dict[str, dict[str, tuple[dict[str, str], tuple[str, ...], str]]] = {
    "bash": {
        "debian-skel": ({".bashrc": SKEL_RC + COMMON, ".profile": SKEL_PROFILE}, (), "derive"),
        "skel-login-dirs": ({".bashrc": SKEL_RC, ".profile": SKEL_PROFILE}, ("bin", ".local/bin"), "derive"),
        "skel-both-add-local-bin": (
            {".bashrc": SKEL_RC + COMMON, ".profile": SKEL_PROFILE},
            ("bin", ".local/bin"),
            "fallback",
        ),
        "profile-exports": (
            {
                ".bashrc": SKEL_RC + COMMON,
                ".profile": SKEL_PROFILE + 'export GOROOT=/usr/lib/go\nexport PATH="$HOME/sdk/bin:$PATH"\n',
            },
            (),
            "derive",
        ),
        "nvm-like": (
            {".bashrc": SKEL_RC + NVM, ".profile": SKEL_PROFILE, ".nvm/nvm.sh": NVM_SH},
            (".nvm/versions/node/v20/bin",),
            "derive",
        ),
        "conda-like": ({".bashrc": SKEL_RC + CONDA, ".profile": SKEL_PROFILE}, (), "derive"),
        "case-guard-inside": (
            {
                ".bashrc": 'case $- in *i*) export INTER=1;; esac\nexport GOPATH="$HOME/go"\n',
                ".profile": SKEL_PROFILE,
            },
            (),
            "fallback",
        ),
        "bash-profile-without-bashrc": (
            {".bash_profile": "export A=1\n", ".bashrc": GUARD + "export B=2\n"},
            (),
            "fallback",
        ),
        "login-test": (
            {".bashrc": GUARD + "shopt -q login_shell && export L=1\n", ".profile": SKEL_PROFILE},
            (),
            "fallback",
        ),
        "marker": (
            {
                ".bashrc": GUARD + '[ -n "$VSCODE_RESOLVING_ENVIRONMENT" ] && return\nexport TMUXED=1\n',
                ".profile": SKEL_PROFILE,
            },
            (),
            "fallback",
        ),
        "same-variable-in-both": (
            {
                ".bashrc": GUARD + 'export GOPATH="$HOME/go"\n',
                ".profile": 'export GOPATH="$HOME/go"\n' + SKEL_PROFILE,
            },
            (),
            "fallback",
        ),
        "rc-reads-profile-variable": (
            {
                ".bashrc": GUARD + 'export PATH="$GOROOT/bin:$PATH"\n',
                ".profile": "export GOROOT=/opt/go\n" + SKEL_PROFILE,
            },
            (),
            "fallback",
        ),
        "profile-reads-rc-variable": (
            {
                ".bashrc": GUARD + 'export GOPATH="$HOME/gp"\n',
                ".profile": SKEL_PROFILE + 'export GOBIN="$GOPATH/bin"\n',
            },
            (),
            "fallback",
        ),
    },
    "zsh": {
        "compinit": (
            {
                ".zshenv": "export EDITOR=vi\n",
                ".zshrc": COMMON + "setopt autocd\nautoload -Uz compinit && compinit\n",
            },
            (),
            "derive",
        ),
        "oh-my-zsh-like": ({".zshrc": OMZ, ".oh-my-zsh/oh-my-zsh.sh": OMZ_SH}, (".oh-my-zsh/bin",), "derive"),
        "zprofile-independent": (
            {
                ".zprofile": 'export CARGO_HOME="$HOME/.cargo"\npath=($HOME/.cargo/bin $path)\n',
                ".zshrc": COMMON,
            },
            (),
            "derive",
        ),
        "zlogin": ({".zlogin": "export ZL=1\n", ".zshrc": COMMON}, (), "derive"),
        "zprofile-eval": (
            {".zprofile": 'eval "$(/bin/echo export HOMEBREW_PREFIX=/opt/brew)"\n', ".zshrc": COMMON},
            (),
            "fallback",
        ),
        "login-test": ({".zshrc": "[[ -o login ]] && export ZLOGIN=1\n" + COMMON}, (), "fallback"),
        "zprofile-interactive-test": (
            {".zprofile": "[[ -o interactive ]] && export I=1\n", ".zshrc": COMMON},
            (),
            "fallback",
        ),
        "typeset-unique": (
            {
                ".zprofile": "path=($HOME/.cargo/bin $path)\n",
                ".zshrc": "typeset -U path\npath=($HOME/.cargo/bin $path)\n",
            },
            (),
            "fallback",
        ),
        "case-guard": ({".zshrc": "case $- in *i*) export INTER=1;; esac\n" + COMMON}, (), "derive"),
    },
    "fish": {
        "simple": (
            {".config/fish/config.fish": "set -gx GOPATH $HOME/go\nfish_add_path $HOME/go/bin\n"},
            (),
            "derive",
        ),
        "is-login": (
            {".config/fish/config.fish": "if status is-login\n    set -gx LOGIN_ONLY 1\nend\n"},
            (),
            "fallback",
        ),
        "is-interactive": (
            {".config/fish/config.fish": "if status is-interactive\n    set -gx INTER 1\nend\n"},
            (),
            "derive",
        ),
        "conf.d": ({".config/fish/conf.d/go.fish": "set -gx GOBIN $HOME/go/bin\n"}, (), "derive"),
    },
}


def _real_and_derived(shell: str, home: Path) -> tuple[dict[str, ShellSnapshot], ShellSnapshot | None, bool]:
    base = session_base_env(str(home), shell)
    runs = {
        p: capture(shell, str(home), p, base_env=base, cache_dir="")
        for p in ("terminal", "vscode", "login", "plain")
    }
    plan = terminal_plan(shell, str(home), base)
    derived = derive_terminal(shell, str(home), base, plan, runs) if plan is not None else None
    return runs, derived, plan is not None


def _write_home(home: Path, files: dict[str, str], dirs: tuple[str, ...]) -> None:
    for name, text in files.items():
        path = home / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("@HOME@", str(home)))
    for d in dirs:
        (home / d).mkdir(parents=True, exist_ok=True)
    if any("conda" in text for text in files.values()):
        conda = home / "miniconda3" / "bin" / "conda"
        conda.parent.mkdir(parents=True)
        conda.write_text(CONDA_BIN.replace("@HOME@", str(home)))
        conda.chmod(conda.stat().st_mode | stat.S_IXUSR)


@pytest.mark.parametrize(
    ("shell_name", "case"), [(s, c) for s, cases in SHAPES.items() for c in cases], ids=lambda v: str(v)
)
def test_derived_terminal_equals_the_real_run(tmp_path: Path, shell_name: str, case: str) -> None:
    shell = shell_path(shell_name)
    files, dirs, expect = SHAPES[shell_name][case]
    home = tmp_path / "home"
    home.mkdir()
    _write_home(home, files, dirs)
    runs, derived, _ = _real_and_derived(shell, home)
    real = runs["terminal"]
    assert real.ok and runs["vscode"].ok
    if expect == "derive":
        assert derived is not None, f"{shell_name}/{case}: expected a derivation"
    elif expect == "fallback":
        assert derived is None, f"{shell_name}/{case}: expected a real run"
    if derived is not None:
        assert dict(derived.env) == dict(real.env)
        assert derived.derived_from == "vscode" and derived.argv[:-1] == real.argv[:-1]


def _sample_homes() -> list[Path]:
    return sorted(p / "home" for p in SAMPLES.iterdir() if (p / "home").is_dir())


def test_sample_homes_derive_the_real_terminal(tmp_path: Path) -> None:
    """Every sample workspace's home under bash, zsh and fish: derived equals real, or
    the derivation declines (the samples' .bashrc files have no interactive guard, so
    bash declines); and some do derive (the test is not vacuous)."""
    derived_by: dict[str, int] = {}
    for shell_name in ("bash", "zsh", "fish"):
        shell = shell_path(shell_name)
        for sample_home in _sample_homes():
            home = tmp_path / shell_name / sample_home.parent.name
            shutil.copytree(sample_home, home, symlinks=True)
            runs, derived, _ = _real_and_derived(shell, home)
            if derived is None or not runs["terminal"].ok:
                continue
            derived_by[shell_name] = derived_by.get(shell_name, 0) + 1
            assert dict(derived.env) == dict(runs["terminal"].env), (shell_name, sample_home)
    assert derived_by.get("zsh", 0) > 0 and derived_by.get("fish", 0) > 0, derived_by


def test_a_scan_runs_the_slow_rc_file_once_and_caches_the_derived_terminal(tmp_path: Path) -> None:
    """An rc file that counts its runs: a cold scan runs it once (the IDE model), and
    the derived terminal is cached for the warm scan."""
    zsh = shell_path("zsh")
    home = tmp_path / "home"
    home.mkdir()
    counter, env_runs = tmp_path / "runs", tmp_path / "zshenv-runs"
    (home / ".zshenv").write_text(f"export EDITOR=vi\nprint -n e >> {env_runs}\n")
    (home / ".zshrc").write_text(COMMON + f"print -n x >> {counter}\n")
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    (ws / ".vscode" / "settings.json").write_text("{}\n")
    cache = str(tmp_path / "cache")
    opts = ScanOptions(path=str(ws), home=str(home), shell=zsh, cache_dir=cache, go_env=False)
    result = scan(opts)
    assert counter.read_text() == "x"
    # Two zsh in all: the IDE model and `zsh -c`, which stands for `zsh -l` too (no
    # .zprofile or .zlogin here), so every variant of the start-up analysis is there.
    assert env_runs.read_text() == "ee"
    shell_ctx = result.audit.shell
    assert shell_ctx is not None and shell_ctx.label == "your terminal (zsh -i)"
    startup = result.audit.startup
    assert startup is not None
    assert set(startup.variants) == {"login-interactive", "login", "interactive", "plain"}
    real_login = capture(zsh, str(home), "login", cache_dir="")
    assert dict(startup.variants["login"].env) == dict(real_login.env)
    snaps = capture_wave(zsh, str(home), ["terminal"], cache_dir=cache)
    assert snaps["terminal"].cached and snaps["terminal"].derived_from == "vscode"
    assert counter.read_text() == "x"  # the warm lookup ran nothing
    real = capture(zsh, str(home), "terminal", cache_dir="")
    assert dict(snaps["terminal"].env) == dict(real.env)


def test_declined_derivation_runs_the_terminal(tmp_path: Path) -> None:
    """A login test in .zshrc: the terminal is a real run, and the result is exact."""
    zsh = shell_path("zsh")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".zshrc").write_text("[[ -o login ]] || export NOT_LOGIN=1\n")
    snaps = capture_wave(zsh, str(home), ["terminal", "vscode"], cache_dir="")
    assert snaps["terminal"].derived_from is None
    assert snaps["terminal"].env.get("NOT_LOGIN") == "1" and "NOT_LOGIN" not in snaps["vscode"].env
    assert os.path.basename(snaps["terminal"].argv[0]) == "zsh"

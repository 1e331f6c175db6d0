"""Shell completion in the real shells: the script typer prints for each shell loads, and
completing ``ideaudit sc`` offers ``scan`` and ``ideaudit rule P00`` offers rule codes.

Each shell runs ``ideaudit --show-completion`` itself (typer detects the shell from its
parent process, as it does for a user), then loads the script and asks it to complete.
zsh's completion widgets only run inside the line editor, so there ``_arguments`` (what
the script hands the candidates to) is replaced by a function that prints them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import shell_path

BIN = Path(sys.executable).parent


def in_shell(shell: str, script: str, tmp_path: Path) -> str:
    if not (BIN / "ideaudit").exists():
        pytest.skip("the ideaudit console script is not installed next to this Python")
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),  # no user rc files, no fish history
        "XDG_CONFIG_HOME": str(tmp_path / ".config"),
        "XDG_DATA_HOME": str(tmp_path / ".local" / "share"),
    }
    proc = subprocess.run(
        [shell_path(shell), *(["-f"] if shell == "zsh" else []), "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


BASH = r"""
eval "$(ideaudit --show-completion)" || exit 3
complete -p ideaudit >/dev/null || exit 4
COMP_WORDS=(ideaudit sc); COMP_CWORD=1; _ideaudit_completion ideaudit
printf 'cmd:%s\n' "${COMPREPLY[@]}"
COMP_WORDS=(ideaudit rule P00); COMP_CWORD=2; _ideaudit_completion ideaudit
printf 'rule:%s\n' "${COMPREPLY[@]}"
COMP_WORDS=(ideaudit scan --select G); COMP_CWORD=3; _ideaudit_completion ideaudit
printf 'select:%s\n' "${COMPREPLY[@]}"
"""

ZSH = r"""
autoload -U compinit && compinit -u -D
eval "$(ideaudit --show-completion)" || exit 3
[[ ${_comps[ideaudit]} == _ideaudit_completion ]] || exit 4
_arguments() { print -r -- "$@"; }
words=(ideaudit sc); CURRENT=2; print -r -- "cmd:$(_ideaudit_completion)"
words=(ideaudit rule P00); CURRENT=3; print -r -- "rule:$(_ideaudit_completion)"
words=(ideaudit scan --select G); CURRENT=4; print -r -- "select:$(_ideaudit_completion)"
"""

FISH = r"""
ideaudit --show-completion | source; or exit 3
complete -C 'ideaudit sc' | string replace -r '^' 'cmd:'
complete -C 'ideaudit rule P00' | string replace -r '^' 'rule:'
complete -C 'ideaudit scan --select G' | string replace -r '^' 'select:'
"""


@pytest.mark.parametrize(("shell", "script"), [("bash", BASH), ("zsh", ZSH), ("fish", FISH)])
def test_completion_script_loads_and_completes(shell: str, script: str, tmp_path: Path) -> None:
    out = in_shell(shell, script, tmp_path)
    lines = out.splitlines()
    cmd = " ".join(line for line in lines if line.startswith("cmd:"))
    rule = " ".join(line for line in lines if line.startswith("rule:"))
    select = " ".join(line for line in lines if line.startswith("select:"))
    assert "scan" in cmd and "rule" not in cmd, out
    for code in ("P001", "P002", "P005"):
        assert code in rule, out
    assert "G001" in select and "P001" not in select, out


def test_show_completion_differs_per_shell(tmp_path: Path) -> None:
    # in a command substitution, so that the shell stays ideaudit's parent (a lone
    # command in `sh -c` is exec'd in place of the shell)
    bash = in_shell("bash", 'echo "$(ideaudit --show-completion)"', tmp_path)
    zsh = in_shell("zsh", 'echo "$(ideaudit --show-completion)"', tmp_path)
    fish = in_shell("fish", "echo (ideaudit --show-completion | string collect)", tmp_path)
    assert "complete -o default -F" in bash
    assert "compdef" in zsh
    assert "complete --command ideaudit" in fish


@pytest.mark.parametrize(
    ("shell", "rc_file", "script"),
    [
        ("bash", ".bashrc", ".bash_completions/ideaudit.sh"),
        ("zsh", ".zshrc", ".zfunc/_ideaudit"),
        ("fish", None, ".config/fish/completions/ideaudit.fish"),
    ],
)
def test_install_completion_into_a_fake_home(
    shell: str, rc_file: str | None, script: str, tmp_path: Path
) -> None:
    out = in_shell(shell, 'echo "$(ideaudit --install-completion)"' if shell != "fish" else
                   "echo (ideaudit --install-completion | string collect)", tmp_path)  # fmt: skip
    assert f"{shell} completion installed" in out
    assert "ideaudit" in (tmp_path / script).read_text()
    if rc_file is not None:
        assert (tmp_path / rc_file).is_file()

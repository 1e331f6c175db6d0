"""bash's environment is read from ``declare -px`` (no extra process): it must equal
what ``env -0`` prints, byte for byte, for every kind of value."""

from __future__ import annotations

import random
import subprocess

import pytest

from ideaudit.shell.dump import parse_declare as _parse_declare
from ideaudit.shell.dump import parse_nul_env as _parse_nul_env
from tests.conftest import shell_path

TRICKY = {
    "NEWLINES": "line1\nline2\n",
    "QUOTES": "q\"uo$te`b\\s 'single'",
    "CONTROL": "ctl\x01x\ttab\x1b[31m\x7f",
    "UNICODE": "ünï 中文 😀",
    "EMPTY": "",
    "TRAILING_BACKSLASH": "tail\\",
    "EQUALS": "a=b=c",
    "DOLLAR_QUOTE": "$'not' $(no) ${x}",
}


def _both(env: dict[str, str], locale: str) -> tuple[dict[str, str] | None, dict[str, str]]:
    bash = shell_path("bash")
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": locale, **env}
    declared = subprocess.run([bash, "-c", "builtin declare -px"], env=env, capture_output=True, check=True)
    dumped = subprocess.run([bash, "-c", "exec env -0"], env=env, capture_output=True, check=True)
    a, b = _parse_declare(declared.stdout), _parse_nul_env(dumped.stdout)
    for noise in ("SHLVL", "_", "PWD", "OLDPWD"):
        if a is not None:
            a.pop(noise, None)
        b.pop(noise, None)
    return a, b


@pytest.mark.parametrize("locale", ["C", "C.UTF-8"])
def test_declare_equals_env_for_tricky_values(locale: str) -> None:
    a, b = _both(TRICKY, locale)
    assert a == b
    assert a is not None and a["NEWLINES"] == TRICKY["NEWLINES"] and a["UNICODE"] == TRICKY["UNICODE"]


def test_declare_equals_env_for_random_values() -> None:
    rng = random.Random(1234)
    alphabet = [chr(c) for c in range(1, 128)] + ["é", "中", "\u2028", "😀"]
    env = {f"V{i}": "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for i in range(60)}
    for locale in ("C", "C.UTF-8"):
        a, b = _both(env, locale)
        assert a == b


def test_posix_mode_and_attributes() -> None:
    text = b'declare -rx RO="1"\ndeclare -x UNSET\nexport P="x y"\ndeclare -ix N="3"\n'
    assert _parse_declare(text) == {"RO": "1", "P": "x y", "N": "3"}
    assert _parse_declare(b"garbage") is None
    assert _parse_declare(b'declare -x A="unterminated') is None

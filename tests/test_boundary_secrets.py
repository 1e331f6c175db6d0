"""Secrets (issue 9 part 6): more token shapes and names, tokens inside flag values, and a
secret copied under a neutral name, in every output ideaudit prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ideaudit.redact import MASK, is_secret_name, looks_like_secret_value, redact_value
from tests.conftest import shell_path

# Token shapes, each under a neutral name so that only the value can give it away.
SHAPES = {
    "GITLAB": "glpat-AbCdEfGhIjKlMnOpQrSt",
    "OPENAI": "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx12",
    "LEGACY_OPENAI": "sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "GH_CLASSIC": "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "GH_OAUTH": "gho_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "GH_APP": "ghs_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "GH_FINE": "github_pat_11AbCdEfG0123456789_AbCdEfGhIjKlMnOp",
    "SLACK_BOT": "xoxb-123456789012-AbCdEfGhIjKl",
    "SLACK_USER": "xoxp-123456789012-AbCdEfGhIjKl",
    "AWS_ID_LIKE": "AKIAIOSFODNN7EXAMPLE",
    "JWT_LIKE": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFU",
    "STRIPE_LIKE": "sk_live_AbCdEfGhIjKlMnOpQrSt",
}
# Plain values that are secret only by their variable's name.
BY_NAME = {
    "DEPLOY_CREDS": "plain-creds-value-1",
    "SERVICE_CRED": "plain-cred-value-22",
    "SIGNING_KEY_B64": "cGxhaW4tYjY0LXZhbHVl",
    "DB_PASSWORD": "hunter2secretvalue",
}
# A token inside a flag value, and a plain secret assigned in a flag value.
IN_FLAGS = {
    "GOFLAGS": "-ldflags=-X main.token=glpat-ZyXwVuTsRqPoNmLkJiHg",
    "BUILD_ARGS": "-ldflags=-X main.apiKey=flagsecretvalue9",
}
# The DB_PASSWORD value again, under names nobody would call secret.
COPIES = {"GONOSUMDB": "hunter2secretvalue", "NEUTRAL_COPY": "hunter2secretvalue"}
PLANTED = [
    *SHAPES.values(),
    *BY_NAME.values(),
    "ZyXwVuTsRqPoNmLkJiHg",
    "flagsecretvalue9",
]


@pytest.mark.parametrize(
    "name", ["DEPLOY_CREDS", "SERVICE_CRED", "SIGNING_KEY_B64", "CERT_BASE64", "ci_creds", "MY_PAT"]
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name", ["GOFLAGS", "GOPRIVATE", "CGO_ENABLED", "PATH", "GOTOOLCHAIN", "CREDITS_URL"]
)
def test_harmless_names(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize("value", list(SHAPES.values()))
def test_token_shapes_are_recognised(value: str) -> None:
    assert looks_like_secret_value(value)
    assert redact_value("NEUTRAL", value) == MASK


@pytest.mark.parametrize(
    "value", ["-mod=vendor -tags=integration", "https://proxy.golang.org,direct", "risk-assessment-tool-v2"]
)
def test_ordinary_values_are_not_secrets(value: str) -> None:
    assert not looks_like_secret_value(value)
    assert redact_value("GOFLAGS", value) == value


def test_a_secret_assigned_inside_a_flag_is_masked_in_place() -> None:
    shown = redact_value("BUILD_ARGS", "-race -ldflags=-X main.apiKey=flagsecretvalue9 -tags=x")
    assert "flagsecretvalue9" not in shown
    assert shown.startswith("-race -ldflags=-X main.apiKey=") and shown.endswith(" -tags=x")
    assert redact_value("GOFLAGS", IN_FLAGS["GOFLAGS"]) == MASK


def _workspace(tmp_path: Path) -> tuple[Path, Path]:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".profile").write_text("export PATH=/usr/bin:/bin\n")
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    env = {**SHAPES, **BY_NAME, **IN_FLAGS, **COPIES, "PATH": "/usr/local/go/bin"}
    config = {"name": "Run", "type": "go", "request": "launch", "program": "${workspaceFolder}", "env": env}
    (ws / ".vscode" / "launch.json").write_text(json.dumps({"configurations": [config]}, indent=2))
    (ws / ".vscode" / "settings.json").write_text(
        json.dumps({"go.toolsEnvVars": {"GOFLAGS": IN_FLAGS["GOFLAGS"], "GONOSUMDB": COPIES["GONOSUMDB"]}})
    )
    return ws, home


OUTPUTS = {
    "text": ["scan", "--output-format", "text", "-v"],
    "concise": ["scan", "--output-format", "concise"],
    "json": ["scan", "--output-format", "json"],
    "github": ["scan", "--output-format", "github"],
    "sarif": ["scan", "--output-format", "sarif"],
    "diff": ["scan", "--diff", "--unsafe-fixes"],
    "env": ["env"],
    "env-all": ["env", "--all"],
    "env-all-json": ["env", "--all", "--output-format", "json"],
}


@pytest.mark.parametrize("output", sorted(OUTPUTS))
def test_planted_secrets_never_appear(tmp_path: Path, output: str) -> None:
    ws, home = _workspace(tmp_path)
    args = [*OUTPUTS[output], str(ws), "--home", str(home), "--shell", shell_path("bash"), "--no-go-env"]
    env = {**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "ideaudit", *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode in (0, 1), proc.stderr
    out = proc.stdout + proc.stderr
    assert out.strip(), "the output must not be empty for the test to mean anything"
    for secret in PLANTED:
        assert secret not in out, f"{secret} printed by {output}"
    if output.startswith("env-all"):
        assert "NEUTRAL_COPY" in out  # the variable is listed, its value is not


@pytest.mark.parametrize("what", ["envfile", "settings", "launch", "goland-run"])
def test_gen_never_copies_a_secret_under_a_neutral_name(tmp_path: Path, what: str) -> None:
    """gen copies what the IDE lacks from the shell, secrets only with --include: also a
    secret's copy under a neutral name, and a token assigned inside GOFLAGS."""
    home = tmp_path / "home"
    home.mkdir()
    rc = (
        "export DB_PASSWORD=hunter2secretvalue\nexport GONOSUMDB=hunter2secretvalue\n"
        'export GOFLAGS="-ldflags=-X main.token=abc12345xyz"\nexport GOPATH=/opt/gopath\n'
    )
    (home / ".bashrc").write_text(rc)
    (home / ".profile").write_text(rc)
    ws = tmp_path / "ws"
    (ws / ".vscode").mkdir(parents=True)
    (ws / ".vscode" / "settings.json").write_text("{}")
    dump = tmp_path / "ide.env"
    dump.write_text(f"PATH=/usr/bin:/bin\nHOME={home}\n")
    args = [str(ws), "--home", str(home), "--shell", shell_path("bash"), "--ide-env", str(dump)]
    env = {**os.environ, "NO_COLOR": "1", "IDEAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "ideaudit", "gen", what, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "/opt/gopath" in proc.stdout  # it did generate
    assert "hunter2secretvalue" not in proc.stdout + proc.stderr
    assert "abc12345xyz" not in proc.stdout + proc.stderr
    assert "GONOSUMDB" in proc.stderr  # said what it left out

"""Every kind of user mistake ends the same way, in one place (``cli.main``): exit 2 and
``ideaudit: error: ...`` on stderr, one line per problem, nothing on stdout.  And the
SARIF help link's base, which is where a mistake in a URI is caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ideaudit.config.load import ConfigError
from ideaudit.errors import UsageError
from ideaudit.findings.baseline import BaselineError
from ideaudit.fixes.apply import UndoError
from ideaudit.gen.ideconfig import GenError
from ideaudit.gen.task import GenTaskError
from ideaudit.report.envview import UnknownContext
from ideaudit.workspace import TargetError
from tests.conftest import SAMPLES


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, list[str]]:
    from ideaudit.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


def _clean(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLES / "clean", ws, ignore=shutil.ignore_patterns("home", "expected.json"))
    return ws


def test_every_usage_error_is_one_class() -> None:
    for kind in (ConfigError, BaselineError, TargetError, GenError, GenTaskError, UndoError, UnknownContext):
        assert issubclass(kind, UsageError), kind


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("timeout = true\n", "ideaudit: error: {cfg}:1:1: `timeout`: Input should be a valid number"),
        ('select = ["Q1"]\n', "ideaudit: error: {cfg}:1:11: `select`: no rule matches 'Q1'"),
        ("colour = 1\n", "ideaudit: error: {cfg}:1:1: unknown key `colour`"),
        ("timeout = \n", "ideaudit: error: {cfg}:1:11: invalid TOML"),
        ('help-uri-base = "docs/rules.md"\n', "ideaudit: error: {cfg}:1:1: `help-uri-base`"),
    ],
)
def test_config_file_mistakes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, config: str, expected: str
) -> None:
    ws = _clean(tmp_path)
    cfg = ws / ".ideaudit.toml"
    cfg.write_text(config)
    code, out, err = _run(capsys, "scan", "--static", str(ws))
    assert code == 2 and out == ""
    assert len(err) == 1 and err[0].startswith(expected.format(cfg=cfg)), err


def test_several_config_problems_one_line_each(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ws = _clean(tmp_path)
    (ws / ".ideaudit.toml").write_text("timeout = true\ncolour = 1\n")
    code, _, err = _run(capsys, "scan", "--static", str(ws))
    assert code == 2 and len(err) == 2 and all(line.startswith("ideaudit: error: ") for line in err)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        # option coercion (click and ideaudit's own converters)
        (["scan", "--static", "{ws}", "--timeout", "abc"], "Invalid value for '--timeout': 'abc'"),
        (["scan", "--static", "{ws}", "--output-format", "xml"], "Invalid value for '--output-format'"),
        (["scan", "--static", "{ws}", "--no-such-option"], "No such option: --no-such-option"),
        # option values out of range
        (["scan", "--static", "{ws}", "--timeout", "500"], "--timeout must be between 0 and 120 seconds"),
        (["watch", "{ws}", "--debounce", "-1"], "--debounce must be >= 0"),
        (["scan", "--static", "{ws}", "--select", "Q9"], "no rule matches Q9"),
        (["scan", "--static", "{ws}", "--help-uri-base", "rules.md"], "--help-uri-base: 'rules.md' is not"),
        # paths
        (["scan", "--static", "{ws}/nowhere"], "{ws}/nowhere: no such file or folder"),
        (["env", "{ws}", "--context", "nope", "--no-go-env", "--home", "{ws}"], "nope"),
        # baselines
        (["scan", "--static", "{ws}", "--baseline", "{ws}/go.mod"], "{ws}/go.mod: cannot read the baseline"),
        # commands used wrongly
        (["fix"], "`ideaudit fix` needs --undo"),
        (["rule", "Q999"], "no rule 'Q999'"),
        (["gen", "task", "{ws}/nowhere"], "nowhere"),
    ],
)
def test_option_path_baseline_and_command_mistakes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], expected: str
) -> None:
    ws = _clean(tmp_path)
    code, out, err = _run(capsys, *(a.format(ws=ws) for a in argv))
    assert code == 2, err
    assert len(err) == 1 and err[0].startswith("ideaudit: error: "), err
    assert expected.format(ws=ws) in err[0]
    assert "Traceback" not in out


def test_undo_with_nothing_to_undo(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "fix", "--undo", "--cache-dir", str(tmp_path / "cache"))
    assert code == 2 and len(err) == 1 and err[0].startswith("ideaudit: error: ")


def test_help_uri_base_from_option_environment_and_config(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLES / "vscode-hygiene", ws, ignore=shutil.ignore_patterns("home", "expected.json"))

    def uris(*extra: str) -> set[str]:
        code, out, err = _run(capsys, "scan", "--static", str(ws), "--output-format", "sarif", *extra)
        assert code == 1, err
        rules = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
        return {r.get("helpUri", "").split("#")[0] for r in rules}

    monkeypatch.delenv("IDEAUDIT_HELP_URI_BASE", raising=False)
    assert uris() == {""}  # nothing configured: no helpUri at all
    (ws / ".ideaudit.toml").write_text('help-uri-base = "https://config.example/rules.md"\n')
    assert uris() == {"https://config.example/rules.md"}
    monkeypatch.setenv("IDEAUDIT_HELP_URI_BASE", "https://env.example/rules.md")
    assert uris() == {"https://env.example/rules.md"}
    assert uris("--help-uri-base", "https://cli.example/rules.md#x") == {"https://cli.example/rules.md"}

"""Configuration files: found like ruff finds its own, validated by the pydantic models,
every problem reported as ``file:line:col: message`` (exit 2), and trust only from the
user's own configuration."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ideaudit.cli import main
from ideaudit.config.load import ConfigError, find_config, load_settings, load_user_settings
from ideaudit.go.trust import folder_is_trusted
from ideaudit.rules.catalog import load_all
from ideaudit.sources.tomlpos import locate
from tests.conftest import SAMPLES, shell_path


def test_locate_keys_tables_and_array_elements() -> None:
    text = (
        "# ideaudit\n"
        'select = ["P",\n'
        "          'G001', \"X\"]\n"
        "[tool.ideaudit]\n"
        "  timeout = true\n"
        'per-file-ignores = { ".vscode/*" = ["V001"] }\n'
        "[tool.ideaudit.other]\n"
        "'quoted.key' = 1\n"
    )
    assert locate(text, (), ("select",)) == (2, 1)
    assert locate(text, (), ("select", 0)) == (2, 11)
    assert locate(text, (), ("select", 1)) == (3, 11)
    assert locate(text, (), ("select", 2)) == (3, 19)
    assert locate(text, ("tool", "ideaudit"), ("timeout",)) == (5, 3)
    assert locate(text, ("tool", "ideaudit"), ("per-file-ignores", ".vscode/*")) == (6, 22)
    assert locate(text, ("tool", "ideaudit"), ("other", "quoted.key")) == (8, 1)
    # a key that is not there: the nearest enclosing table
    assert locate(text, ("tool", "ideaudit"), ("missing",)) == (4, 1)


def test_locate_skips_multiline_strings_and_finds_implicit_tables() -> None:
    text = (
        "[tool.black]\n"
        "extend-exclude = '''\n"
        "[tool.ideaudit]\n"
        "timeout = 3\n"
        "'''\n"
        "[tool.ideaudit.per-file-ignores]\n"
        '"a.json" = ["V001"]\n'
        "[tool.other]\n"
        "x.y.z = 1\n"
    )
    # the lines inside the string are not a table; the implicit [tool.ideaudit] is where a
    # table under it starts, and x.y is where x.y.z is set
    assert locate(text, ("tool", "ideaudit"), ()) == (6, 1)
    assert locate(text, ("tool", "ideaudit"), ("per-file-ignores", "a.json", 0)) == (7, 13)
    assert locate(text, ("tool", "other"), ("x", "y")) == (9, 1)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_nearest_config_at_or_above_the_path_wins(tmp_path: Path) -> None:
    ws = tmp_path / "repo" / "services" / "api"
    ws.mkdir(parents=True)
    top = write(tmp_path / "repo" / ".ideaudit.toml", 'select = ["P"]\n')
    assert find_config(str(ws)) == (str(top), ())
    # a pyproject.toml without [tool.ideaudit] is passed over; one with it is nearer
    write(tmp_path / "repo" / "services" / "pyproject.toml", '[project]\nname = "ideaudit-ish"\n')
    assert find_config(str(ws)) == (str(top), ())
    near = write(
        tmp_path / "repo" / "services" / "api" / "pyproject.toml", '[tool.ideaudit]\nignore = ["V"]\n'
    )
    assert find_config(str(ws)) == (str(near), ("tool", "ideaudit"))
    settings = load_settings(str(ws))
    assert settings.ignore == ["V"] and settings.select is None and settings.source == str(near)
    assert load_settings(str(ws), isolated=True).source is None
    assert load_settings(str(ws), config_file=str(top)).select == ["P"]


def test_every_problem_is_reported_with_its_position(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / ".ideaudit.toml",
        'select = ["P", "Q123"]\ntimeout = true\ncolour = "never"\noutput-format = "xml"\ntrust = true\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(str(tmp_path), rule_codes=lambda: list(load_all()))
    problems = sorted(caught.value.problems)
    assert len(problems) == 5, problems
    assert any(p.startswith(f"{cfg}:1:16: `select`: no rule matches 'Q123'") for p in problems)
    assert any(p.startswith(f"{cfg}:2:1: `timeout`") and "valid number" in p for p in problems)
    assert any(p.startswith(f"{cfg}:3:1: unknown key `colour`") for p in problems)
    assert any(p.startswith(f"{cfg}:4:1: `output-format`") and "'text'" in p for p in problems)
    assert any(
        p.startswith(f"{cfg}:5:1: `trust` can be set only in the user configuration") for p in problems
    )


def test_unknown_rule_codes_point_at_the_element(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.ideaudit]\nselect = [\n  "P",\n  "Q123",\n]\n'
        '[tool.ideaudit.per-file-ignores]\n".vscode/*" = ["V001", "ZZ"]\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(str(tmp_path), rule_codes=lambda: list(load_all()))
    assert sorted(caught.value.problems) == [
        f"{cfg}:10:24: `per-file-ignores`: no rule matches 'ZZ'; `ideaudit rule` lists the codes",
        f"{cfg}:7:3: `select`: no rule matches 'Q123'; `ideaudit rule` lists the codes",
    ]


def test_invalid_toml_names_line_and_column(tmp_path: Path) -> None:
    cfg = write(tmp_path / ".ideaudit.toml", 'select = ["P"\ntimeout = 3\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(str(tmp_path))
    (problem,) = caught.value.problems
    assert problem.startswith(f"{cfg}:2:") and "invalid TOML" in problem


def test_user_config_trusts_and_is_validated(tmp_path: Path) -> None:
    home = tmp_path / "home"
    work = home / "src" / "work"
    work.mkdir(parents=True)
    user = write(home / ".config" / "ideaudit" / "config.toml", 'trusted-folders = ["~/src/work"]\n')
    assert load_user_settings(str(home)).trusted_folders == [str(work)]
    assert folder_is_trusted(str(work / "api"), str(home), cli_trust=False)
    assert not folder_is_trusted(str(tmp_path), str(home), cli_trust=False)
    write(user, "trust = true\n")
    assert folder_is_trusted(str(tmp_path), str(home), cli_trust=False)
    write(user, 'trusted-folders = "~/src"\n')
    with pytest.raises(ConfigError) as caught:
        load_user_settings(str(home))
    assert caught.value.problems[0].startswith(f"{user}:1:1: `trusted-folders`")
    # and a broken user config trusts nothing
    assert not folder_is_trusted(str(work), str(home), cli_trust=False)


# -- through the command line ------------------------------------------------------


def copy_sample(tmp_path: Path, name: str = "showcase") -> Path:
    return Path(shutil.copytree(SAMPLES / name, tmp_path / "repo" / name, symlinks=True))


def scan(capsys: pytest.CaptureFixture[str], ws: Path, *extra: str) -> tuple[int, str, str]:
    code = main(
        ["scan", str(ws), "--home", str(ws / "home"), "--shell", shell_path("bash"), "--no-go-env", *extra]
    )
    out, err = capsys.readouterr()
    return code, out, err


def codes(out: str) -> set[str]:
    return {line.split()[2] for line in out.splitlines() if line.count(":") >= 3}


def test_a_config_in_a_parent_folder_is_used_and_isolated_ignores_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    ws = copy_sample(tmp_path)
    (ws / ".ideaudit.toml").unlink()  # the sample's own would be nearer
    write(tmp_path / "repo" / ".ideaudit.toml", 'select = ["P", "V"]\noutput-format = "concise"\n')
    code, out, _ = scan(capsys, ws)
    assert code == 1
    assert codes(out) == {"P001", "P005", "V001"}
    code, out, _ = scan(capsys, ws, "--isolated")
    assert "errors" in out.splitlines()[-1]  # the text format again, and every rule
    code, out, _ = scan(capsys, ws, "--select", "G002")  # the command line wins
    assert codes(out) == {"G002"}


def test_config_keys_extend_select_per_file_ignores_fail_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = copy_sample(tmp_path)
    cfg = ws / ".ideaudit.toml"
    write(cfg, 'select = ["P001"]\nextend-select = ["V"]\noutput-format = "concise"\n')
    assert codes(scan(capsys, ws)[1]) == {"P001", "V001"}
    write(
        cfg,
        'select = ["P", "V"]\noutput-format = "concise"\n[per-file-ignores]\n".vscode/launch.json" = ["P"]\n',
    )
    assert codes(scan(capsys, ws)[1]) == {"V001"}
    write(cfg, 'select = ["V"]\nfail-on = "error"\noutput-format = "concise"\n')
    code, out, _ = scan(capsys, ws)
    assert code == 0 and codes(out) == {"V001"}  # a warning does not fail at `error`
    assert scan(capsys, ws, "--fail-on", "warning")[0] == 1


@pytest.mark.parametrize("command", ["scan", "watch", "env"])
def test_a_broken_config_exits_2_with_each_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    ws = copy_sample(tmp_path)
    cfg = write(ws / ".ideaudit.toml", 'timeout = true\nignore = ["NOPE"]\nsurprise = 1\n')
    code = main([command, str(ws), "--home", str(ws / "home"), "--no-go-env"])
    _, err = capsys.readouterr()
    assert code == 2
    assert f"{cfg}:1:1: `timeout`" in err
    assert f"{cfg}:3:1: unknown key `surprise`" in err
    assert f"{cfg}:2:11: `ignore`: no rule matches 'NOPE'" in err


def test_a_project_config_cannot_trust_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = copy_sample(tmp_path, "real-go-untrusted")
    cfg = write(ws / ".ideaudit.toml", "trust = true\n")
    code, _, err = scan(capsys, ws)
    assert code == 2
    assert f"{cfg}:1:1: `trust` can be set only in the user configuration" in err
    os.remove(cfg)


def test_a_validated_config_is_cached_and_an_edit_validated_again(tmp_path: Path) -> None:
    """A warm run with a config file imports no pydantic; an edited file is checked again."""
    import subprocess
    import sys

    ws = copy_sample(tmp_path, "clean")
    cfg = write(ws / ".ideaudit.toml", 'select = ["P"]\ntimeout = 10\n')
    env = {**os.environ, "IDEAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    argv = [sys.executable, "-X", "importtime", "-m", "ideaudit", "scan", str(ws), "--home", str(ws / "home"),
            "--shell", shell_path("bash"), "--no-go-env"]  # fmt: skip

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)

    first, second = run(), run()
    assert first.returncode == second.returncode == 0, first.stderr
    assert "pydantic" in first.stderr and "pydantic" not in second.stderr
    write(cfg, 'select = ["P"]\ntimeout = 11\nbogus = 1\n')
    third = run()
    assert third.returncode == 2 and f"{cfg}:3:1: unknown key `bogus`" in third.stderr

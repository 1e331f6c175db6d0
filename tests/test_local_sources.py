"""The static readers of project-local files: .envrc, pins, devcontainer.json."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ideaudit.local.devcontainer import parse_devcontainer
from ideaudit.local.envrc import find_envrc, load_envrc, parse_envrc
from ideaudit.local.pins import load_pins, matches, shim_manager


def test_envrc_lines_for_every_way_of_setting_a_variable(tmp_path: Path) -> None:
    (tmp_path / ".env.local").write_text("# dotenv\nAPI_URL=http://localhost\n")
    text = (
        "# comment\n"
        "export GOFLAGS=-mod=mod\n"
        "GOPRIVATE='example.com/*'\n"
        "export GOPRIVATE CGO_ENABLED\n"
        "PATH_add bin\n"
        "layout go\n"
        "dotenv .env.local\n"
        "use flake\n"
        'export GOPROXY="$(cat proxy.txt)"\n'
    )
    rc = parse_envrc(text, str(tmp_path / ".envrc"))
    where = {e.name: (e.location.line, e.location.col, e.value) for e in rc.entries}
    assert where["GOFLAGS"] == (2, 8, "-mod=mod")
    assert where["GOPRIVATE"] == (4, 8, "example.com/*")  # the export line, the earlier value
    assert where["CGO_ENABLED"][0] == 4
    assert where["GOPATH"][0] == 6 and rc.location_of("PATH").line == 6  # layout go, after PATH_add
    assert where["API_URL"][:2] == (2, 1) and rc.location_of("API_URL").file.endswith(".env.local")
    assert where["GOPROXY"] == (9, 8, None)  # computed at load time: no literal value
    assert [d.line for d in rc.dynamic] == [8]
    assert rc.location_of("UNKNOWN").line is None


def test_find_envrc_walks_up_and_knows_load_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".envrc").write_text("export A=1\n")
    sub = tmp_path / "svc" / "api"
    sub.mkdir(parents=True)
    (sub / ".env").write_text("B=2\n")
    assert find_envrc(str(sub)) == str(tmp_path / ".envrc")
    assert find_envrc(str(sub), load_dotenv=True) == str(sub / ".env")
    assert load_envrc(str(sub / ".env")).names == ["B"]


def test_pins_from_each_version_manager_nearest_first(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".config" / "mise").mkdir(parents=True)
    (home / ".config" / "mise" / "config.toml").write_text('[tools]\ngo = "1.19"\n')
    project = tmp_path / "src" / "api"
    project.mkdir(parents=True)
    (project / "mise.toml").write_text(
        '[env]\n_.path = ["bin"]\nGOFLAGS = "-tags=dev"\nTPL = "{{env.HOME}}"\n\n'
        '[tools]\ngo = ["1.27", "1.26"]\n'
    )
    (project / ".tool-versions").write_text("nodejs 20.1.0\ngolang 1.26.1 # asdf\n")
    (project / "go.mod").write_text("module x\n\ngo 1.22\ntoolchain go1.27.3\n")
    (tmp_path / "src" / ".go-version").write_text("\n1.25.0\n")
    problems: list[str] = []
    pins = load_pins(str(project), str(home), problems)
    got = [(p.manager, p.version, Path(p.location.file).name, p.location.line) for p in pins.pins]
    assert got == [
        ("mise", "1.27", "mise.toml", 7),
        ("asdf", "1.26.1", ".tool-versions", 2),
        ("go.mod toolchain", "go1.27.3", "go.mod", 4),
        ("goenv", "1.25.0", ".go-version", 2),
    ]
    assert pins.manager_pin is not None and pins.manager_pin.manager == "mise"
    assert [(e.name, e.value, e.location.line) for e in pins.mise_env] == [
        ("GOFLAGS", "-tags=dev", 3),
        ("TPL", None, 4),
    ]
    assert [g.version for g in pins.global_pins] == ["1.19"]
    assert problems == []


def test_a_broken_mise_toml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "mise.toml").write_text("[tools\ngo = 1\n")
    problems: list[str] = []
    assert load_pins(str(tmp_path), str(tmp_path / "home"), problems).pins == []
    assert problems and "mise.toml" in problems[0]


@pytest.mark.parametrize(
    ("pin", "version", "ok"),
    [
        ("1.22", "go1.22.5", True),
        ("1.22.5", "go1.22.5", True),
        ("go1.22.5", "go1.22.5", True),
        ("1.22", "go1.21.9", False),
        ("1.2", "go1.22.0", False),
        ("latest", "go1.22.0", None),
        ("1.22", None, None),
    ],
)
def test_pin_matching(pin: str, version: str | None, ok: bool | None) -> None:
    assert matches(pin, version) is ok


def test_shims_are_recognised_by_their_folder() -> None:
    assert shim_manager("/home/a/.asdf/shims/go") == "asdf"
    assert shim_manager("/home/a/.local/share/mise/shims/go") == "mise"
    assert shim_manager("/home/a/.goenv/shims/go") == "goenv"
    assert shim_manager("/usr/local/go/bin/go") is None


def test_devcontainer_values_keep_their_positions(tmp_path: Path) -> None:
    path = tmp_path / "devcontainer.json"
    path.write_text(
        "{\n"
        "  // comment\n"
        '  "features": {"ghcr.io/devcontainers/features/go:1": {"version": "1.22"}},\n'
        '  "remoteEnv": {"PATH": "${containerEnv:PATH}:/x", "N": 3},\n'
        '  "userEnvProbe": "loginShell",\n'
        '  "postCreateCommand": ["bash", "-c", "echo export PATH=$PATH:/t >> ~/.bashrc"],\n'
        "}\n"
    )
    dc, problems = parse_devcontainer(str(path))
    assert problems == [] and dc is not None
    assert dc.go_feature and dc.go_version == "1.22" and dc.go_version_location is not None
    assert (dc.go_version_location.line, dc.go_version_location.col) == (3, 67)
    assert [(v.name, v.value, v.location.line if v.location else None) for v in dc.remote_env] == [
        ("PATH", "${containerEnv:PATH}:/x", 4),
        ("N", None, 4),
    ]
    assert dc.user_env_probe == "loginShell"
    assert [loc.line for loc in dc.rc_path_lines] == [6]


def test_a_broken_devcontainer_json_is_one_problem_with_a_position(tmp_path: Path) -> None:
    path = tmp_path / "devcontainer.json"
    path.write_text('{\n  "image": "golang:1.22",\n  "remoteEnv": {,}\n}\n')
    dc, problems = parse_devcontainer(str(path))
    assert dc is None and len(problems) == 1
    assert problems[0].location is not None and problems[0].location.line == 3


def test_direnv_hook_is_found_in_start_up_files(tmp_path: Path) -> None:
    from ideaudit.local.direnv import hooked

    files = []
    for name, text in (
        (".bashrc", '# eval "$(direnv hook bash)" is commented out\n'),
        (".zshrc", "plugins=(git direnv)\nsource $ZSH/oh-my-zsh.sh\n"),
        ("config.fish", "direnv hook fish | source\n"),
    ):
        (tmp_path / name).write_text(text)
        files.append(str(tmp_path / name))
    assert hooked(files[:1]) is None
    assert hooked(files) == files[1]
    assert hooked([files[2], str(tmp_path / "missing")]) == files[2]


def test_walks_up_stop_at_the_given_folder(tmp_path: Path) -> None:
    outer = tmp_path / "realhome"
    project = outer / "src" / "api"
    project.mkdir(parents=True)
    (outer / ".envrc").write_text("export A=1\n")
    (outer / ".tool-versions").write_text("golang 1.19.1\n")
    assert find_envrc(str(project)) == str(outer / ".envrc")
    assert find_envrc(str(project), stop=str(outer)) is None
    assert load_pins(str(project), str(tmp_path / "fake"), [], stop=str(outer)).pins == []


def test_a_fifo_named_as_dockerfile_or_envrc_is_not_opened(tmp_path: Path) -> None:
    import os

    (tmp_path / "Dockerfile").unlink(missing_ok=True)
    os.mkfifo(tmp_path / "Dockerfile")
    os.mkfifo(tmp_path / ".envrc")
    path = tmp_path / "devcontainer.json"
    path.write_text('{"build": {"dockerfile": "Dockerfile", "args": ["not", "a", "map"]}}\n')
    dc, problems = parse_devcontainer(str(path))  # would block forever if it opened the FIFO
    assert dc is not None and problems == [] and dc.go_version is None
    assert find_envrc(str(tmp_path)) is None


_ENVRC_WORDS = st.sampled_from(
    [
        "export ",
        "A",
        "=",
        "'",
        '"',
        "$",
        "(",
        ")",
        " ",
        "\n",
        "#",
        "PATH_add ",
        "path_add ",
        "layout go",
        "dotenv",
        "\\",
        "é",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_ENVRC_WORDS, st.text(max_size=5)), max_size=40).map("".join))
def test_parse_envrc_never_fails_and_points_inside_the_file(text: str) -> None:
    rc = parse_envrc(text, "/p/.envrc")
    lines = text.splitlines()
    for entry in rc.entries:
        if entry.location.file == "/p/.envrc":
            assert entry.location.line is not None and 1 <= entry.location.line <= len(lines)
            assert entry.location.col is not None and 1 <= entry.location.col <= len(
                lines[entry.location.line - 1]
            )

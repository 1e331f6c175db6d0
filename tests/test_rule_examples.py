"""Every rule example (ideaudit/rules/examples/*.toml, shown in docs/rules.md): the bad
configuration has the rule's finding, the corrected one does not; every rule has one.

The harness (format: the docstring of :mod:`ideaudit.rules.examples`) reuses the sample
workspaces' machinery: the scan is :func:`ideaudit.pipeline.scan` with the options
``tests/test_samples.py`` builds from ``expected.json`` ``args`` (real shells on a fake
``$HOME``, whose session environment ``session_base_env`` builds from nothing, as
``env -i`` would), toolchain links from ``tests/toolchains.py``, ``direnv allow`` from
the samples, and the fake IDE process of the watch tests (``tests/fakeide.py``).  A case with neither
a scan table nor home files is scanned with ``--static``.

Fast on two cores: cases with the same home files share one fake home (written once)
and one capture cache, so a shell start-up is captured once per distinct home.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ideaudit._fast.record import replace
from ideaudit.go import toolchain as toolchain_lookup
from ideaudit.pipeline import ScanOptions, run_rules, scan
from ideaudit.rules.catalog import load_all
from ideaudit.rules.examples import Case, load_examples, merged, needed_placeholders, write_files
from tests.conftest import shell_path
from tests.fakeide import start_fake_code
from tests.test_samples import direnv_allow
from tests.toolchains import toolchain

EXAMPLES = load_examples()

#: Rules whose example is still being written (issue 12 part 7): this list only shrinks
#: and is empty when the work is done.  L, M, S and X003 are branch examples-b's.
IN_PROGRESS: set[str] = set()

TOOLCHAIN_OF = {"{go119}": "go1.19", "{go127}": "go1.27"}


class Homes:
    """Fake homes by content: cases with the same ``~/`` files (and links) share one."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: dict[str, Path] = {}

    def get(self, case: Case, values: dict[str, str], links: dict[str, str]) -> Path:
        key = json.dumps([case.home, links, values], sort_keys=True, default=str)
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        if digest not in self.made:
            home = self.root / digest
            home.mkdir(parents=True)
            write_files(case.home, str(home), {**values, "{home}": str(home)})
            make_links(links, home)
            self.made[digest] = home
        return self.made[digest]


@pytest.fixture(scope="module")
def homes(tmp_path_factory: pytest.TempPathFactory) -> Homes:
    return Homes(tmp_path_factory.mktemp("example-homes"))


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("example-cache"))


def make_links(links: dict[str, str], folder: Path) -> None:
    """``links`` as in expected.json: a path (here relative to ``folder``) -> a toolchain."""
    for rel, name in links.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(toolchain(name), target_is_directory=True)


def toolchain_values(case: Case) -> dict[str, str]:
    """The toolchain placeholders the case uses, or a skip naming what CI installs."""
    return {p: str(toolchain(TOOLCHAIN_OF[p])) for p in needed_placeholders(case) if p in TOOLCHAIN_OF}


def git_add(workspace: Path, what: Any) -> None:
    """``git init`` and ``git add`` (every file, or the listed ones): a committed project."""
    exe = shutil.which("git")
    if exe is None:
        pytest.skip("git is not installed (the example stages files in a real git index)")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    add = ["add", "-A"] if what is True else ["add", "--", *what]
    for args in (["init", "-q"], add):
        subprocess.run([exe, *args], cwd=workspace, env=env, check=True, capture_output=True, timeout=30)


def _codes(found: Any) -> set[str]:
    return {f.code for f in found}


def scan_case(case: Case, folder: Path, homes: Homes, cache_dir: str) -> set[str]:
    """Write ``case`` under ``folder`` and scan it as the harness says; the codes found."""
    args = dict(case.scan)
    values = toolchain_values(case)
    links = dict(args.get("links", {}))
    home_links = {k[2:]: v for k, v in links.items() if k.startswith("~/")}
    ide = args.get("running_ide")
    later = {k[2:] for k in args.get("changed_after_ide", ())}
    inside = str(args.get("workspace", ""))
    if ide or inside:  # its own home: the files' times matter, or the project is in it
        home = folder / "home"
        home.mkdir(parents=True)
        workspace = home / inside[2:] if inside else folder / "project"
        values.update({"{home}": str(home), "{workspace}": str(workspace)})
        write_files({k: v for k, v in case.home.items() if k not in later}, str(home), values)
        make_links(home_links, home)
    else:
        workspace = folder / "project"
        # A home that names the workspace is its own; others are shared by content.
        uses_ws = any("{workspace}" in str(v) for v in case.home.values())
        home = homes.get(case, {**values, "{workspace}": str(workspace)} if uses_ws else values, home_links)
        values.update({"{home}": str(home), "{workspace}": str(workspace)})
    workspace.mkdir(parents=True, exist_ok=True)
    write_files(case.files, str(workspace), values)
    make_links({k: v for k, v in links.items() if not k.startswith("~/")}, workspace)
    if args.get("git"):
        git_add(workspace, args["git"])
    if (args.get("direnv_allow") or ".envrc" in case.files) and shutil.which("direnv") is None:
        # without direnv an .envrc is only "not loaded" (L004), whatever the example shows
        pytest.skip("direnv is not installed (the example's .envrc is evaluated by real direnv)")
    if args.get("direnv_allow"):
        direnv_allow(workspace, home)
    with pytest.MonkeyPatch.context() as mp:
        if args.get("usr_local_go"):
            # vscode-go's last-resort /usr/local/go/bin/go, here in the example's folder.
            usr_local = folder / "usr-local"
            make_links({"go": str(args["usr_local_go"])}, usr_local)
            mp.setattr(toolchain_lookup, "GO_FALLBACKS", (str(usr_local / "go" / "bin" / "go"),))
        return _scan_written(case, args, folder, workspace, home, cache_dir, values)


def _scan_written(
    case: Case,
    args: dict[str, Any],
    folder: Path,
    workspace: Path,
    home: Path,
    cache_dir: str,
    values: dict[str, str],
) -> set[str]:
    ide = args.get("running_ide")
    later = {k[2:] for k in args.get("changed_after_ide", ())}
    if case.static:
        result = scan(ScanOptions(path=str(workspace), home=str(home), static=True))
        return _codes(result.findings) | (_codes(result.notes) if args.get("verbose") else set())

    procs: list[subprocess.Popen[bytes]] = []
    try:
        if ide:
            if not sys.platform.startswith("linux"):
                pytest.skip("the fake IDE process is recognised through /proc on Linux")
            procs.append(start_fake_code(folder, name=str(ide), home=home))
            if later:
                time.sleep(0.05)  # past the tick an edit is taken as seen in (watch.ide_check.start_time)
                write_files({k: v for k, v in case.home.items() if k in later}, str(home), values)
        return _run_scan(args, workspace, home, cache_dir, bool(ide))
    finally:
        for p in procs:
            p.kill()
            p.wait()


def _run_scan(args: dict[str, Any], workspace: Path, home: Path, cache_dir: str, ide: bool) -> set[str]:
    ide_env = args.get("ide_env")
    if ide_env:
        ide_env = str(home / ide_env[2:]) if ide_env.startswith("~/") else str(workspace / ide_env)
    sh = shell_path(args.get("shell", "bash"))
    options = ScanOptions(
        path=str(workspace),
        home=str(home),
        shell=sh,
        ide_env=ide_env,
        cache_dir=cache_dir,
        go_env=args.get("go_env", True),
        trust=args.get("trust", False),
        timeout=float(args.get("timeout", 10.0)),
        goland_loads_shell_env=args.get("goland_loads_shell_env", False),
    )
    result = scan(options)
    codes = _codes(result.findings)
    if args.get("verbose"):
        codes |= _codes(result.notes)
    if ide:  # what `ideaudit watch` adds to each audit (watch/session.py)
        from ideaudit.watch.ide_check import env_inputs, running_ides
        from ideaudit.watch.paths import goenv_file

        audit = result.audit
        terminal = next(s for s in audit.snapshots if s.profile == "terminal")
        audit = replace(
            audit,
            ide_processes=running_ides(str(home)),
            env_inputs=env_inputs(terminal.shell, str(home), goenv_file(terminal.env, str(home))),
        )
        codes |= _codes(run_rules(audit, ["W"], ()))
    return codes


def test_examples_name_real_rules() -> None:
    rules = load_all()
    assert len(EXAMPLES) >= 30
    for code, ex in EXAMPLES.items():
        assert code in rules, code
        for case in (merged(ex.common, ex.bad), merged(ex.common, ex.good)):
            # A static (--static) case can show only a rule the committed files decide.
            assert not case.static or rules[code].static, code


def test_every_rule_has_an_example() -> None:
    missing = sorted(set(load_all()) - set(EXAMPLES) - IN_PROGRESS)
    assert not missing, f"rules without an example in ideaudit/rules/examples/: {', '.join(missing)}"
    done = sorted(IN_PROGRESS & set(EXAMPLES))
    assert not done, f"these have an example now; take them off IN_PROGRESS: {', '.join(done)}"


@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_bad_example_has_the_rule_and_good_does_not(
    code: str, tmp_path: Path, homes: Homes, shared_cache: str
) -> None:
    ex = EXAMPLES[code]
    bad = scan_case(merged(ex.common, ex.bad), tmp_path / "bad", homes, shared_cache)
    assert code in bad, f"the bad example of {code} gives only {sorted(bad)}"
    good = scan_case(merged(ex.common, ex.good), tmp_path / "good", homes, shared_cache)
    assert code not in good, f"the corrected example of {code} still gives it ({sorted(good)})"


def test_special_files_and_placeholders(tmp_path: Path) -> None:
    """The harness's own format: a FIFO, an executable stand-in, a symlink, placeholders."""
    files = {
        "pipe": {"fifo": True},
        "bin/go": {"text": "#!/bin/sh\necho {home}\n", "executable": True},
        "link": {"symlink": "{workspace}/bin"},
        "a.json": '{"x": {"y": 1}} {home}',
    }
    write_files(files, str(tmp_path), {"{home}": "/h", "{workspace}": str(tmp_path)})
    import stat

    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe").st_mode)
    assert os.access(tmp_path / "bin/go", os.X_OK) and (tmp_path / "bin/go").read_text().endswith("echo /h\n")
    assert os.readlink(tmp_path / "link") == str(tmp_path / "bin")
    assert (tmp_path / "a.json").read_text() == '{"x": {"y": 1}} /h'


def _iter_cases() -> Iterator[tuple[str, Case]]:
    for code, ex in EXAMPLES.items():
        yield code, merged(ex.common, ex.bad)
        yield code, merged(ex.common, ex.good)


def test_changed_after_ide_names_home_files_of_the_case() -> None:
    for code, case in _iter_cases():
        for path in case.scan.get("changed_after_ide", ()):
            assert path.startswith("~/") and path[2:] in case.home, (code, path)
        if "changed_after_ide" in case.scan:
            assert case.scan.get("running_ide"), code

"""The shape of the package, enforced (see docs/architecture.md).

Two checks keep the layout from eroding: the import-linter contracts in pyproject.toml
(the layers, each importing only those below it; rule families and fixers never importing
their catalogs) and ruff's TID253 (heavy third-party modules never imported at module top
level, so ``ideaudit scan`` starts fast).  The first tests run them on the real package;
the others break a copy on purpose and check that the contract notices, so a contract
that silently stopped matching anything would fail here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

LINT_IMPORTS = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))"
)


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the package under ``root`` (its pyproject.toml's contracts)."""
    env = {**os.environ, "PYTHONPATH": str(root), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_import_contracts_hold() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_the_architecture_document_shows_the_layers_as_checked() -> None:
    """docs/architecture.md draws the layers; they must be the contract's (optional
    names, modules other branches are adding, left out)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["type"] == "layers")
    checked = []
    for layer in contract["layers"]:
        names = [n.strip() for n in layer.split("|") if not n.strip().startswith("(")]
        if names:
            checked.append(" | ".join(names))
    doc = (ROOT / "docs" / "architecture.md").read_text()
    drawn = doc.split("Each layer may import only from the layers below it:", 1)[1].split("```")[1]
    assert drawn.strip().splitlines() == checked


@pytest.fixture(scope="module")
def broken_copy(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """A copy of the package with three violations, linted once."""
    root = tmp_path_factory.mktemp("broken")
    shutil.copytree(ROOT / "ideaudit", root / "ideaudit", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    # A rule reaching up to the pipeline (an upward arrow between layers).
    with open(root / "ideaudit" / "rules" / "common.py", "a") as f:
        f.write("\nfrom ideaudit import pipeline  # noqa\n")
    # A fixer importing the fixes package, whose __init__ imports the fixer list: the
    # old import circle.
    with open(root / "ideaudit" / "fixes" / "debug.py", "a") as f:
        f.write("\nimport ideaudit.fixes  # noqa\n")
    # A new top-level module that no layer names.
    (root / "ideaudit" / "unplaced.py").write_text('"""Placed in no layer."""\n')
    return lint_imports(root)


def test_an_upward_import_breaks_the_layers(broken_copy: subprocess.CompletedProcess[str]) -> None:
    assert broken_copy.returncode == 1, broken_copy.stdout + broken_copy.stderr
    assert "ideaudit.rules is not allowed to import ideaudit.pipeline" in broken_copy.stdout
    assert "ideaudit.rules.common -> ideaudit.pipeline" in broken_copy.stdout


def test_a_fixer_importing_its_catalog_breaks_the_leaf_contract(
    broken_copy: subprocess.CompletedProcess[str],
) -> None:
    out = broken_copy.stdout
    assert "ideaudit.fixes.debug is not allowed to import ideaudit.fixes.attach" in out
    assert "ideaudit.fixes.debug -> ideaudit.fixes (l." in out


def test_a_module_in_no_layer_breaks_the_layers(broken_copy: subprocess.CompletedProcess[str]) -> None:
    assert "ideaudit.unplaced" in broken_copy.stdout


@pytest.mark.parametrize(
    ("shim", "new"),
    [
        ("ideaudit.fixes", "ideaudit.fixes.base"),
    ],
)
def test_compatibility_shims_re_export_the_same_objects(shim: str, new: str) -> None:
    """Code written against the old module names (other branches, users) keeps working,
    and gets the very same registry and functions, not copies."""
    import importlib

    old_mod, new_mod = importlib.import_module(shim), importlib.import_module(new)
    public = [n for n in vars(new_mod) if not n.startswith("_") and n != "TYPE_CHECKING"]
    own = [n for n in public if getattr(getattr(new_mod, n), "__module__", None) == new or n.isupper()]
    assert own
    for name in own:
        assert getattr(old_mod, name) is getattr(new_mod, name), name


HEAVY = ["defusedxml", "json5", "platformdirs", "psutil", "pydantic", "rich", "watchdog", "xml"]


def ruff_tid253(source: str, filename: str = "ideaudit/example.py") -> str:
    """ruff's TID253 findings for ``source`` as if it were ``filename`` in the project."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "TID253", "--output-format",
         "concise", "--stdin-filename", filename, "-"],
        cwd=ROOT, input=source, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.mark.parametrize("module", HEAVY)
def test_a_heavy_import_at_module_level_is_refused(module: str) -> None:
    out = ruff_tid253(f"import {module}\n")
    assert f"`{module}` is banned at the module level" in out


def test_submodules_of_heavy_modules_are_refused_too() -> None:
    source = "import xml.etree.ElementTree\nfrom typer import rich_utils\nfrom pydantic import Field\n"
    out = ruff_tid253(source)
    assert out.count("TID253") == 3, out


def test_heavy_imports_inside_functions_and_type_checking_blocks_are_fine() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    import psutil\n"
        "def f() -> None:\n"
        "    import watchdog\n"
        "    from xml.dom import minidom\n"
    )
    assert "TID253" not in ruff_tid253(source)

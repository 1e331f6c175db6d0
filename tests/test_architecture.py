"""The shape of the package, enforced (see docs/architecture.md).

Three checks keep the layout from eroding: the import-linter contracts in pyproject.toml
(the layers, each importing only those below it; rule families and fixers never importing
their catalogs; rule modules never importing a module whose job is I/O), ruff's TID253
(heavy third-party modules never imported at module top level, so ``ideaudit scan``
starts fast), and a parse of the rule modules that refuses I/O no contract can see
(``os.stat``, ``open``, a helper elsewhere that reads a file).  The first tests run them
on the real package; the others break a copy on purpose and check that the check
notices, so one that silently stopped matching anything would fail here.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

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
    assert "3 kept, 0 broken" in done.stdout


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
    """A copy of the package with four violations, linted once."""
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
    # A rule family importing the module that finds tools by stat.
    with open(root / "ideaudit" / "rules" / "p_path.py", "a") as f:
        f.write("\nfrom ideaudit.go import toolchain  # noqa\n")
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


def test_a_rule_importing_an_io_module_breaks_the_rules_read_facts_contract(
    broken_copy: subprocess.CompletedProcess[str],
) -> None:
    out = broken_copy.stdout
    assert "ideaudit.rules.p_path is not allowed to import ideaudit.go.toolchain" in out


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


# -- Rules read facts, not files ------------------------------------------------------
#
# A rule is a pure function of the Audit (docs/architecture.md): whatever it needs from
# the disk is found before it runs (ideaudit.go.disk, the Go stage, the contexts).  The
# import-linter contract above keeps rule modules from importing the modules whose job
# is I/O; this check covers what a contract cannot see: the os, time and sys functions,
# the builtins, and the helpers a rule calls in other ideaudit modules (followed into
# their bodies, and into the functions those call, module by module).

# os.path functions that only compute on strings.  (relpath and abspath read the working
# directory for a relative path; relpath is kept for paths made absolute by the stages.)
PURE_OS_PATH = frozenset(
    {"join", "dirname", "basename", "isabs", "normpath", "normcase", "split", "splitext",
     "splitdrive", "commonprefix", "commonpath", "relpath", "sep", "pathsep"}
)  # fmt: skip
PURE_OS = frozenset({"sep", "pathsep", "linesep", "curdir", "pardir", "extsep", "altsep", "fspath", "path"})
PURE_SYS = frozenset({"platform", "version_info", "byteorder", "maxsize", "hexversion"})
CLOCK = frozenset({"time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns",
                   "process_time", "sleep"})  # fmt: skip
# Modules whose every use is I/O, processes or threads: a rule module may not import them.
IO_MODULES = frozenset(
    {"subprocess", "shutil", "glob", "pathlib", "io", "mmap", "socket", "tempfile", "sqlite3", "urllib",
     "http", "fcntl", "select", "signal", "multiprocessing", "threading", "asyncio", "ctypes", "pty",
     "pwd", "grp", "resource", "psutil", "watchdog"}
)  # fmt: skip
IO_BUILTINS = frozenset({"open", "print", "input", "exec", "eval", "breakpoint", "__import__"})
# The step that builds the facts (it reads the disk): the pipeline's, never a rule's.
STAGE_CALLS = frozenset({"with_disk_facts"})
# Rule modules that may do what the check refuses, each with its reason.  Empty: every
# fact a rule reads is computed before the rules run.
IO_ALLOWED: dict[tuple[str, str], str] = {}


def _aliases(tree: ast.AST, package: str) -> dict[str, str]:
    """Local name -> dotted origin, from every import in ``tree`` (nested ones too)."""
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                out[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            for a in node.names:
                out[a.asname or a.name] = f"{base}.{a.name}"
    return out


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    root = aliases.get(node.id, node.id if node.id in IO_BUILTINS else None)
    return ".".join([root, *reversed(parts)]) if root else None


class _Module:
    """One parsed ideaudit module: its imports and its top-level functions."""

    _cache: ClassVar[dict[str, _Module]] = {}

    def __init__(self, name: str) -> None:
        self.name = name
        path = ROOT / (name.replace(".", "/") + ".py")
        if not path.exists():
            path = ROOT / name.replace(".", "/") / "__init__.py"
        self.path = path
        self.tree = ast.parse(path.read_text(), str(path))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        self.aliases = _aliases(self.tree, package)
        self.functions = {n.name: n for n in self.tree.body if isinstance(n, ast.FunctionDef)}

    @classmethod
    def get(cls, name: str) -> _Module | None:
        if name not in cls._cache:
            path = ROOT / (name.replace(".", "/") + ".py")
            if not path.exists() and not (ROOT / name.replace(".", "/") / "__init__.py").exists():
                return None
            cls._cache[name] = cls(name)
        return cls._cache[name]


def _target(dotted: str) -> tuple[_Module, str] | None:
    """The ideaudit module and function a dotted call name resolves to, if any."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = _Module.get(".".join(parts[:cut]))
        if module is not None:
            return (module, parts[cut]) if cut == len(parts) - 1 else None
    return None


def _direct_io(module: _Module, body: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for each use of I/O written in ``body`` itself."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(body):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [(line, f"import {n}") for n in names if n.split(".")[0] in IO_MODULES]
            continue
        func = node.func if isinstance(node, ast.Call) else None
        if isinstance(func, ast.Attribute) and func.attr in STAGE_CALLS:
            found.append((line, f"{func.attr}() (building facts is the stage's job)"))
        if not isinstance(node, ast.Attribute | ast.Name):
            continue
        dotted = _dotted(node, module.aliases)
        if dotted is None:
            continue
        head, _, rest = dotted.partition(".")
        if head == "os" and rest.startswith("path."):
            bad = rest.removeprefix("path.") not in PURE_OS_PATH
        elif head == "os":
            bad = bool(rest) and rest.split(".")[0] not in PURE_OS
        elif head == "sys":
            bad = bool(rest) and rest.split(".")[0] not in PURE_SYS
        elif head == "time":
            bad = rest in CLOCK
        else:
            bad = dotted in IO_BUILTINS and isinstance(node, ast.Name)
        if bad:
            found.append((line, dotted))
    # os.environ.get is one use, not two (os.environ.get and os.environ).
    return [(n, w) for n, w in found if not any(m == n and v.startswith(w + ".") for m, v in found)]


def _calls(module: _Module, body: ast.AST, *, local: bool) -> list[tuple[int, _Module, str]]:
    """(line, module, function) for each call in ``body`` to a function of an ideaudit
    module (and, with ``local``, to a top-level function of ``module`` itself)."""
    out = []
    for node in ast.walk(body):
        if not isinstance(node, ast.Call):
            continue
        if local and isinstance(node.func, ast.Name) and node.func.id in module.functions:
            out.append((node.lineno, module, node.func.id))
            continue
        dotted = _dotted(node.func, module.aliases)
        target = _target(dotted) if dotted and dotted.startswith("ideaudit.") else None
        if target is not None and target[1] in target[0].functions:
            out.append((node.lineno, *target))
    return out


_FUNCTION_IO: dict[tuple[str, str], str | None] = {}


def function_io(module: _Module, name: str, stack: tuple[tuple[str, str], ...] = ()) -> str | None:
    """How the function ``module.name`` reaches the disk (a chain of calls ending in the
    I/O it does), or None when neither it nor anything it calls does."""
    key = (module.name, name)
    if key in _FUNCTION_IO:
        return _FUNCTION_IO[key]
    if key in stack:
        return None
    body = module.functions[name]
    direct = _direct_io(module, body)
    why = f"{module.name}.{name} -> {direct[0][1]}" if direct else None
    for _, callee, fn in [] if why else _calls(module, body, local=True):
        deeper = function_io(callee, fn, (*stack, key))
        if deeper is not None:
            why = f"{module.name}.{name} -> {deeper}"
            break
    _FUNCTION_IO[key] = why
    return why


def io_uses(module: _Module) -> list[str]:
    """Every place in the rule ``module`` that reaches the disk: an I/O call written
    there, or a call to an ideaudit function that does I/O (with the chain)."""
    where = module.path.relative_to(ROOT)
    found = [f"{where}:{line}: {what}" for line, what in _direct_io(module, module.tree)]
    for line, callee, fn in _calls(module, module.tree, local=False):
        why = function_io(callee, fn)
        if why is not None:
            found.append(f"{where}:{line}: {why}")
    return sorted(found, key=lambda u: (u.split(":")[0], int(u.split(":")[1])))


def rule_modules() -> list[Path]:
    """Every module of ``ideaudit/rules`` but ``audit.py``: that one defines the rules'
    input and the step that builds its facts (``Audit.with_disk_facts``, which the
    pipeline calls before any rule, and which no rule module may call)."""
    return sorted(p for p in (ROOT / "ideaudit" / "rules").glob("*.py") if p.name != "audit.py")


def rule_io(paths: list[Path]) -> list[str]:
    out: list[str] = []
    for path in paths:
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = _Module.get(name)
        assert module is not None
        out += io_uses(module)
    return [u for u in out if not any(u.startswith(f) and w in u for f, w in IO_ALLOWED)]


def test_rule_modules_do_no_io_of_their_own() -> None:
    assert len(rule_modules()) >= 15
    assert rule_io(rule_modules()) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import os\ndef r(a):\n    return os.path.exists(a)\n", "os.path.exists"),
        ("import os\ndef r(a):\n    return os.stat(a)\n", "os.stat"),
        ("import os\ndef r():\n    return os.environ.get('GOPATH')\n", "os.environ"),
        ("from os.path import realpath\ndef r(a):\n    return realpath(a)\n", "os.path.realpath"),
        ("def r(a):\n    with open(a) as f:\n        return f.read()\n", "open"),
        ("import subprocess\n", "import subprocess"),
        ("from pathlib import Path\ndef r(a):\n    return Path(a).read_text()\n", "import pathlib"),
        ("import time\ndef r():\n    return time.time()\n", "time.time"),
        # A helper in another module that stats, followed into its body:
        ("from ideaudit.go.toolchain import goroot_of\ndef r(a):\n    return goroot_of(a)\n",
         "ideaudit.go.toolchain.goroot_of -> os.path.realpath"),
        ("from ideaudit.go import toolchain\ndef r(a):\n    return toolchain.which('go', a)\n",
         "ideaudit.go.toolchain.which -> ideaudit.go.toolchain.is_executable -> os.stat"),
        ("def r(audit):\n    return audit.with_disk_facts()\n", "with_disk_facts()"),
    ],
)  # fmt: skip
def test_the_rule_io_check_notices(tmp_path: Path, source: str, expected: str) -> None:
    """The check on a planted rule module (inside a copy of ideaudit/rules, so its imports
    resolve as a real rule's do): each way of reaching the disk is reported."""
    planted = ROOT / "ideaudit" / "rules" / "zz_planted_for_test.py"
    planted.write_text(source)
    try:
        _Module._cache.pop("ideaudit.rules.zz_planted_for_test", None)
        found = rule_io([planted])
    finally:
        planted.unlink()
        _Module._cache.pop("ideaudit.rules.zz_planted_for_test", None)
    assert any(expected in u for u in found), found


def test_pure_string_helpers_pass_the_rule_io_check() -> None:
    source = (
        "import os, sys, time\n"
        "from ideaudit.sources.gomod import version_tuple\n"
        "def r(a, epoch):\n"
        "    return os.path.join(a, 'src'), sys.platform, time.localtime(epoch), version_tuple(a)\n"
    )
    module = _Module.__new__(_Module)
    module.name, module.path = "ideaudit.rules.pure", ROOT / "ideaudit" / "rules" / "pure.py"
    module.tree = ast.parse(source)
    module.aliases = _aliases(module.tree, "ideaudit.rules")
    module.functions = {}
    assert io_uses(module) == []

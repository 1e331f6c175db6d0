"""Each rule's minimal bad configuration and the corrected one, as data beside the rules.

One TOML file per family (``v_vscode.toml`` beside ``rules/v_vscode.py``): a table per
rule code with ``bad`` and ``good`` tables, plus a ``[common]`` table merged into both
cases of every example of that file.  docs/rules.md shows them;
``tests/test_rule_examples.py`` writes each case into a folder, scans it and checks that
the bad one has the rule and the good one not.  Only docs and tests read them (never a
scan), so tomllib costs nothing at start-up.

A case table (``[CODE.bad]``, ``[CODE.good]``, ``[common]``) holds:

- ``"path/in/workspace" = "text"``: a file of the workspace (the folder scanned);
- ``"~/path" = "text"``: a file of the fake ``$HOME`` the scan runs with (``--home``);
- a special file as an inline table instead of the text: ``{ fifo = true }`` (a named
  pipe), ``{ executable = true }`` (mode 0755: a stand-in for an installed tool, which
  ideaudit finds by ``stat`` and never runs; ``text`` gives its content),
  ``{ symlink = "target" }``, ``{ built_with = "go1.19" }`` (a real Go program built
  by that toolchain, as ``go version -m`` reads it: a copy of its ``gofmt``, standing in
  for a ``dlv`` or ``gopls`` built with that Go);
- a ``scan`` sub-table (``[CODE.bad.scan]``, ``[common.scan]``) with the scan's
  arguments, named as in ``sample_workspaces/*/expected.json`` ``args``: ``shell``
  (``bash`` by default), ``ide_env`` (a file of the case, workspace-relative or ``~/``,
  holding VS Code's environment: then VS Code was *not* started from the desktop),
  ``go_env`` (``false``: do not run ``go env``), ``trust``, ``links`` (``{"~/sdk/go1.19"
  = "go1.19"}``: a symlink to a real toolchain), ``direnv_allow``; and, for what the
  samples never needed: ``verbose`` (also count the notes ``-v`` shows), ``timeout``
  (the shell capture's, seconds), ``goland_loads_shell_env``, ``git`` (``true``: ``git
  init`` the workspace and ``git add`` every file, as a committed project), and
  ``running_ide`` (``"code"`` or ``"goland"``: a process of that name with the case's
  ``$HOME`` is running, started after every file was written except those listed in
  ``changed_after_ide``; the watch-only W rules are run then), ``workspace`` (where the
  scanned folder is, e.g. ``"~/go/src/github.com/acme/api"``: inside the fake home) and
  ``usr_local_go`` (``"go1.27"``: a real Go installed where vscode-go's last-resort
  lookup looks, ``/usr/local/go``; the test puts it in a temporary folder and points
  that lookup there, as writing to ``/usr/local`` is not a test's business).

A case with neither a ``scan`` table nor a ``~/`` file (after merging ``[common]``) is a
static one, scanned with ``--static``, and so is one whose scan table says ``static =
true`` (with ``git`` or ``verbose``, say); every other case is scanned in full, with
real shells on the fake home.  In file texts (and symlink targets, ``ide_env`` files) the
placeholders ``{home}`` (the fake ``$HOME``), ``{workspace}`` (the scanned folder),
``{go119}`` and ``{go127}`` (the GOROOT of the real Go 1.19 and Go 1.27 the tests use)
are replaced when the case is written; nothing else in a text is touched.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ideaudit._fast.record import record

HERE = os.path.dirname(os.path.abspath(__file__))

#: The placeholders a file text may hold (see the module docstring).
PLACEHOLDERS = ("{home}", "{workspace}", "{go119}", "{go127}")

#: The scan arguments a case may give, and what each means.
SCAN_ARGS = frozenset(
    {
        "shell",
        "ide_env",
        "go_env",
        "trust",
        "links",
        "direnv_allow",
        "verbose",
        "timeout",
        "goland_loads_shell_env",
        "git",
        "running_ide",
        "changed_after_ide",
        "workspace",
        "usr_local_go",
        "static",
    }
)

#: ``{ built_with = "go1.19" }``: the placeholder of that toolchain's root.
BUILT_WITH = {"go1.19": "{go119}", "go1.27": "{go127}"}

#: What a stand-in executable holds: the samples' stand-ins say the same.
STAND_IN = "#!/bin/sh\necho 'a stand-in: ideaudit finds tools by stat and never runs them' >&2\nexit 3\n"

#: A file's content: its text, or a special file (``{fifo = true}``, ...).
FileSpec = str | Mapping[str, Any]


@record(frozen=True)
class Case:
    """One side of an example: workspace files, ``$HOME`` files, scan arguments."""

    files: Mapping[str, FileSpec]
    home: Mapping[str, FileSpec]
    scan: Mapping[str, Any]

    @property
    def static(self) -> bool:
        """Scanned with ``--static``: the committed files alone decide it."""
        return bool(self.scan.get("static", not self.scan and not self.home))


@record(frozen=True)
class Example:
    code: str
    bad: Case
    good: Case
    common: Case


def split_case(table: Mapping[str, Any]) -> Case:
    """A TOML case table as a :class:`Case` (``~/`` keys to ``home``, ``scan`` apart)."""
    files: dict[str, FileSpec] = {}
    home: dict[str, FileSpec] = {}
    scan: dict[str, Any] = {}
    for key, value in table.items():
        if key == "scan":
            scan = dict(value)
        elif key.startswith("~/"):
            home[key[2:]] = value
        else:
            files[key] = value
    unknown = sorted(set(scan) - SCAN_ARGS)
    if unknown:
        known = ", ".join(sorted(SCAN_ARGS))
        raise ValueError(f"unknown scan argument(s) {', '.join(unknown)} (known: {known})")
    return Case(files, home, scan)


def merged(common: Case, case: Case) -> Case:
    """``case`` over ``common``: files by path, scan arguments by name."""
    return Case({**common.files, **case.files}, {**common.home, **case.home}, {**common.scan, **case.scan})


def load_examples() -> dict[str, Example]:
    import tomllib

    out: dict[str, Example] = {}
    for name in sorted(os.listdir(HERE)):
        if not name.endswith(".toml"):
            continue
        with open(os.path.join(HERE, name), "rb") as f:
            data = tomllib.load(f)
        common = split_case(data.pop("common", {}))
        for code, pair in data.items():
            out[code] = Example(code, split_case(pair["bad"]), split_case(pair["good"]), common)
    return out


def needed_placeholders(case: Case) -> set[str]:
    """The placeholders the case's texts use (the test resolves the toolchains ones)."""
    texts: list[str] = []
    for spec in [*case.files.values(), *case.home.values()]:
        if isinstance(spec, str):
            texts.append(spec)
        else:
            texts += [str(v) for v in spec.values() if isinstance(v, str)]
            if "built_with" in spec:
                texts.append(BUILT_WITH[str(spec["built_with"])])
    return {p for p in PLACEHOLDERS if any(p in t for t in texts)}


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each placeholder of ``values`` replaced (a plain replace: JSON and
    shell texts are full of braces, so no format mini-language)."""
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def write_files(files: Mapping[str, FileSpec], folder: str, values: Mapping[str, str] | None = None) -> None:
    """Write ``files`` (paths relative to ``folder``), special files included."""
    values = values or {}
    for rel, spec in files.items():
        path = os.path.join(folder, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if isinstance(spec, str):
            with open(path, "w", encoding="utf-8") as out:
                out.write(fill(spec.lstrip("\n"), values))
        elif spec.get("fifo"):
            os.mkfifo(path)
        elif "symlink" in spec:
            os.symlink(fill(str(spec["symlink"]), values), path)
        elif "built_with" in spec:
            import shutil

            root = values[BUILT_WITH[str(spec["built_with"])]]
            shutil.copy(os.path.join(root, "bin", "gofmt"), path)
        else:
            text = spec.get("text", STAND_IN if spec.get("executable") else "")
            with open(path, "w", encoding="utf-8") as out:
                out.write(fill(str(text).lstrip("\n"), values))
            if spec.get("executable"):
                os.chmod(path, 0o755)

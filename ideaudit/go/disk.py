"""What the rules need to know about the file system, found once before they run.

Rules are pure functions of the :class:`~ideaudit.rules.audit.Audit`: they may not stat,
resolve links or read a file (``tests/test_architecture.py`` checks their source).  Yet
several of them depend on the disk: whether two GOPATHs are the same directory behind
a link, which installation a ``go`` binary belongs to, the version in ``GOROOT/VERSION``,
whether a GOROOT is a Go installation at all, whether the C compiler is on a PATH.
:func:`collect` answers those questions for every path the contexts can make a rule ask
about, right after the Go stage, and the answers travel in the ``Audit`` as
:class:`DiskFacts`; a rule looks them up.

The set of questions is the union of what the rules derive from a context (the go
binary, each GOROOT and GOPATH a context names or defaults to, its folder, its C
compiler and PATH), the module folders and GoLand's SDK path.  A question outside it
is answered as if the path were not a link and nothing were found, and is recorded in
``misses`` so that a test can prove the sample workspaces ask none.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from ideaudit._fast.record import field, record
from ideaudit.model import Context


def c_compiler(ctx: Context) -> str:
    """The C compiler cgo runs in ``ctx``: the first word of ``CC``, else ``gcc``."""
    var = ctx.env.var("CC")
    cc = (var.value if var else None) or "gcc"
    return cc.split()[0] if cc.strip() else "gcc"


def _key(path: str) -> str:
    return path.rstrip("/") or "/"


@record
class DiskFacts:
    """Answers about the file system, by path; the methods only look them up."""

    real: Mapping[str, str] = field(default_factory=dict)  # path -> os.path.realpath
    go_roots: Mapping[str, str | None] = field(default_factory=dict)  # go binary -> GOROOT by layout
    versions: Mapping[str, str | None] = field(default_factory=dict)  # GOROOT -> its VERSION file
    root_problems: Mapping[str, str | None] = field(default_factory=dict)  # GOROOT -> why unusable
    executables: Mapping[tuple[str, str], str | None] = field(default_factory=dict)  # (name, PATH) -> found
    # Questions asked that collect() did not foresee (answered conservatively).
    misses: list[str] = field(default_factory=list)

    def realpath(self, path: str) -> str:
        key = _key(path)
        found = self.real.get(key)
        if found is None:
            self.misses.append(f"realpath {path}")
            return key
        return found

    def same_path(self, a: str | None, b: str | None) -> bool:
        """Whether ``a`` and ``b`` name one directory or file once links are resolved."""
        if a is None or b is None:
            return a == b
        return _key(a) == _key(b) or self.realpath(a) == self.realpath(b)

    def go_root(self, go_binary: str) -> str | None:
        """The GOROOT a ``go`` binary belongs to by layout (None for a shim)."""
        if go_binary not in self.go_roots:
            self.misses.append(f"go root of {go_binary}")
            return None
        return self.go_roots[go_binary]

    def version(self, root: str) -> str | None:
        """The version in ``root/VERSION`` (read, not executed)."""
        if root not in self.versions:
            self.misses.append(f"version of {root}")
            return None
        return self.versions[root]

    def root_problem(self, root: str) -> str | None:
        """Why ``root`` is not a Go installation, or None when it is."""
        if root not in self.root_problems:
            self.misses.append(f"GOROOT problem of {root}")
            return None
        return self.root_problems[root]

    def find(self, name: str, path_value: str | None) -> str | None:
        """The executable ``name`` (absolute, or looked up on ``path_value``), if any."""
        key = (name, path_value or "")
        if key not in self.executables:
            self.misses.append(f"executable {name}")
            return None
        return self.executables[key]


def collect(
    contexts: Iterable[Context],
    *,
    home: str,
    folders: Iterable[str] = (),
    roots: Iterable[str] = (),
    read_versions: bool = True,
) -> DiskFacts:
    """The answers for every context (the reference shell included), the module
    ``folders`` and further GOROOT candidates (``roots``: GoLand's SDK path).

    ``read_versions=False`` (``--static``) leaves out what is read from the toolchains
    (``VERSION`` files, GOROOT checks, the C compiler): the rules that need them do not
    run there, and a static scan reads only the committed files.
    """
    from ideaudit.go.toolchain import finds_executable, go_version_of_root, goroot_of, goroot_problem

    paths: set[str] = set()
    go_roots: dict[str, str | None] = {}
    root_candidates: set[str] = set(roots)
    executables: dict[tuple[str, str], str | None] = {}
    for ctx in contexts:
        go_env = ctx.go_env or {}
        for lookup in ctx.tools.values():
            if lookup.path:
                paths.add(lookup.path)
        go = ctx.tools.get("go")
        if go is not None and go.path and go.path not in go_roots:
            go_roots[go.path] = goroot_of(go.path)
            root_candidates.add(go_roots[go.path] or "")
        for name in ("GOROOT", "GOPATH"):
            var = ctx.env.var(name)
            for candidate in (var.value if var else None, go_env.get(name)):
                if not candidate:
                    continue
                if name == "GOROOT":
                    root_candidates.add(candidate)
                else:
                    paths.update(_gopath_paths(candidate))
        home_var = ctx.env.var("HOME")
        paths.update(_gopath_paths(os.path.join((home_var.value if home_var else None) or home, "go")))
        if ctx.folder:
            paths.add(ctx.folder)
        if read_versions:
            path_var = ctx.env.var("PATH")
            path_value = path_var.value if path_var else None
            key = (c_compiler(ctx), path_value or "")
            if key not in executables:
                executables[key] = finds_executable(key[0], path_value)
    paths.update(folders)
    root_candidates.discard("")
    paths.update(root_candidates)
    return DiskFacts(
        real={_key(p): os.path.realpath(_key(p)) for p in paths},
        go_roots=go_roots,
        versions={r: go_version_of_root(r) for r in root_candidates} if read_versions else {},
        root_problems={r: goroot_problem(r) for r in root_candidates} if read_versions else {},
        executables=executables,
    )


def _gopath_paths(gopath: str) -> list[str]:
    """A GOPATH list, each entry and each entry's ``src`` (the rules compare all three)."""
    out = [gopath]
    for entry in gopath.split(os.pathsep):
        if entry:
            out += [entry, os.path.join(entry, "src")]
    return out

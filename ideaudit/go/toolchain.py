"""Which ``go``/``dlv``/``gopls`` a context runs, found the way each IDE finds it.

Everything here is ``stat``: a workspace can name binaries (``go.alternateTools``,
``go.goroot``) and ideaudit must not execute them unless the workspace is trusted.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence

from ideaudit.model import Location, ToolLookup

# vscode-go src/utils/pathUtils.ts getBinPathWithPreferredGopathGorootWithExplanation:
# after GOBIN, GOPATH/bin, GOROOT/bin and PATH it tries these for `go` (non-Windows).
GO_FALLBACKS = ("/usr/local/go/bin/go", "/usr/local/bin/go")


@functools.lru_cache(maxsize=4096)
def is_executable(path: str) -> bool:
    """vscode-go's ``executableFileExists``: a regular file with an execute bit."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    import stat

    return stat.S_ISREG(st.st_mode) and os.access(path, os.X_OK)


def clear_caches() -> None:
    """Forget every stat and version read.  The caches make one scan of 200 contexts
    that share a PATH cheap; a long-running ``watch`` calls this before each audit so
    it sees files that appeared or changed."""
    for fn in (is_executable, realpath, goroot_of, go_version_of_root, goroot_problem, go_build_version):
        fn.cache_clear()


def split_path(value: str | None) -> list[str]:
    return [p for p in (value or "").split(os.pathsep) if p]


def which(name: str, path_value: str | None) -> str | None:
    """``exec.LookPath``/``which``: the first executable ``name`` on ``path_value``."""
    for directory in split_path(path_value):
        candidate = os.path.join(directory, name)
        if is_executable(candidate):
            return candidate
    return None


def finds_executable(name: str, path_value: str | None) -> str | None:
    """The C compiler (or any command) ``name`` as a shell finds it: an absolute name
    when it is an executable file, else the first on ``path_value``."""
    if os.path.isabs(name):
        return name if os.access(name, os.X_OK) and os.path.isfile(name) else None
    return which(name, path_value)


def path_lookup(tool: str, env: Mapping[str, str]) -> ToolLookup:
    """Lookup as a spawned process does it (dlv running ``go build``, a terminal)."""
    dirs = split_path(env.get("PATH"))
    found = which(tool, env.get("PATH"))
    return ToolLookup(tool, found, "PATH" if found else "not found", None, tuple(dirs))


def vscode_go_lookup(
    tool: str,
    env: Mapping[str, str],
    *,
    alternate: str | None = None,
    alternate_location: Location | None = None,
    goroot: str | None = None,
    goroot_location: Location | None = None,
    gopaths: Sequence[str] = (),
) -> ToolLookup:
    """vscode-go's ``getBinPath`` order, by stat.

    ``go.alternateTools[tool]`` when absolute and executable; a relative alternate
    replaces the name searched for.  Then ``$GOBIN``; for tools other than go each
    ``GOPATH/bin`` (``go.toolsGopath`` first); ``GOROOT/bin`` (``go.goroot`` when set,
    else ``$GOROOT``); ``PATH``; for ``go`` the fallbacks in :data:`GO_FALLBACKS`.
    """
    searched: list[str] = []
    if alternate and os.path.isabs(alternate):
        searched.append(alternate)
        if is_executable(alternate):
            return ToolLookup(tool, alternate, "go.alternateTools", alternate_location, tuple(searched))
    name = alternate if alternate and not os.path.isabs(alternate) else tool

    def hit(directory: str | None, via: str, loc: Location | None = None) -> ToolLookup | None:
        if not directory:
            return None
        candidate = os.path.join(directory, name)
        searched.append(directory)
        if is_executable(candidate):
            return ToolLookup(tool, candidate, via, loc, tuple(searched))
        return None

    found = hit(env.get("GOBIN"), "GOBIN")
    if found:
        return found
    if tool != "go":
        for gp in gopaths:
            for entry in split_path(gp):
                found = hit(os.path.join(entry, "bin"), "GOPATH/bin")
                if found:
                    return found
    root = goroot or env.get("GOROOT")
    found = hit(
        os.path.join(root, "bin") if root else None,
        "GOROOT/bin",
        goroot_location if goroot else None,
    )
    if found:
        return found
    for directory in split_path(env.get("PATH")):
        found = hit(directory, "PATH")
        if found:
            return found
    if tool == "go":
        for candidate in GO_FALLBACKS:
            searched.append(os.path.dirname(candidate))
            if is_executable(candidate):
                return ToolLookup(tool, candidate, "fallback", None, tuple(searched))
    return ToolLookup(tool, None, "not found", None, tuple(searched))


@functools.lru_cache(maxsize=512)
def goroot_of(go_binary: str) -> str | None:
    """The GOROOT a ``go`` binary belongs to, by layout (``GOROOT/bin/go``), following links.

    A Go distribution has ``src/runtime`` next to ``bin``; shims (asdf, /snap/bin) don't,
    so they give ``None`` rather than a wrong answer.
    """
    real = os.path.realpath(go_binary)
    root = os.path.dirname(os.path.dirname(real))
    if os.path.isdir(os.path.join(root, "src", "runtime")):
        return root
    return None


@functools.lru_cache(maxsize=256)
def goroot_problem(goroot: str) -> str | None:
    """Why ``goroot`` is not a usable Go installation, or ``None`` when it is."""
    if not os.path.isabs(goroot):
        return "it is not an absolute path"
    if not os.path.isdir(goroot):
        return "the directory does not exist"
    if not is_executable(os.path.join(goroot, "bin", "go")):
        return "it has no bin/go"
    if not os.path.isdir(os.path.join(goroot, "src", "runtime")):
        return "it has no src/runtime (not a Go installation)"
    return None


@functools.lru_cache(maxsize=256)
def go_version_of_root(goroot: str) -> str | None:
    """The version in ``GOROOT/VERSION`` (first line), read, not executed."""
    from ideaudit.sources.saferead import read_text

    try:
        return (
            read_text(os.path.join(goroot, "VERSION"), "version", errors="replace").partition("\n")[0].strip()
            or None
        )
    except OSError:
        return None


@functools.lru_cache(maxsize=4096)
def realpath(path: str) -> str:
    """``os.path.realpath``, remembered for the scan (rules compare the same few paths
    across hundreds of contexts; :func:`clear_caches` forgets)."""
    return os.path.realpath(path)


def inside_any(path: str, roots: Sequence[str]) -> bool:
    """Whether ``path`` (links resolved) is one of ``roots`` or under one of them."""
    real = realpath(path)
    for root in roots:
        top = realpath(root).rstrip("/")
        if real == top or real.startswith(top + "/"):
            return True
    return False


def same_file(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a == b
    return a == b or realpath(a) == realpath(b)


_BUILDINFO_MAGIC = b"\xff Go buildinf:"


@functools.lru_cache(maxsize=64)
def go_build_version(binary: str) -> str | None:
    """The Go version a Go binary was built with, read from its build info (as
    ``go version -m`` does), without executing it.

    Go >= 1.18 writes a 32-byte header ``\\xff Go buildinf:`` + pointer size + flags;
    with flag 2 the version follows inline as a varint-length string.  Older binaries
    (pointer-based header) give ``None`` rather than a guess.  Hand-written: reading
    one string from a known header needs no ELF library.
    """
    import mmap

    try:
        with open(binary, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            at = data.find(_BUILDINFO_MAGIC)
            if at < 0 or at + 33 > len(data):
                return None
            flags = data[at + 15]
            if not flags & 2:
                return None
            pos, length, shift = at + 32, 0, 0
            while pos < len(data):
                byte = data[pos]
                length |= (byte & 0x7F) << shift
                pos += 1
                if not byte & 0x80:
                    break
                shift += 7
            version = bytes(data[pos : pos + length]).decode("utf-8", "replace")
            return version if version.startswith("go") else None
    except (OSError, ValueError):
        return None

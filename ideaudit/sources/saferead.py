"""Reading a file a workspace names: regular files only, never more than a cap.

A workspace chooses the paths ideaudit reads (an envFile, a settings.json that is a
symlink, a ``.run`` file), and a plain ``open().read()`` trusts them: a FIFO blocks
``open()`` forever, ``/dev/zero`` or a huge file grows memory without bound.  Every
source parser and every fixer that reads goes through :func:`read_bytes`:

- the file is opened with ``O_NONBLOCK`` (a FIFO opens at once instead of waiting for
  a writer) and ``fstat`` on the open descriptor decides: only a regular file is read,
  so a symlink is followed but its final target is what is checked, with no window
  between the check and the read;
- a cap per kind of file (:data:`CAPS`) refuses a file over it before reading, and the
  read itself stops one byte past the cap (a file that grows while read);
- refusals are :class:`ReadRefused`, an ``OSError`` whose ``strerror`` says why in
  words, so every caller's existing ``except OSError`` turns it into its E002 finding.

Parsing costs a multiple of a file's size (``bench/memory.py`` measures it: about 6x
for a settings.json, 8x for a launch.json with its configurations, 3x for XML and 8x
for an envFile), so the caps also bound memory: a scan's largest single parse stays
under ~100 MiB.  They are still generous: real
settings/launch files are kilobytes, and a GoLand ``workspace.xml`` of a big
monorepo a few megabytes.
"""

from __future__ import annotations

import errno
import os
import stat

KIB = 1024
MIB = 1024 * KIB

# Caps per kind of file, in bytes.  Documented in the README's Safety section.
CAPS: dict[str, int] = {
    "jsonc": 4 * MIB,  # settings.json, launch.json, tasks.json, *.code-workspace
    "xml": 32 * MIB,  # .idea/*.xml (workspace.xml grows with history), .run/*.run.xml
    "envfile": 1 * MIB,  # dotenv files (envFile, go.testEnvFile, GoLand EnvFile)
    "gomod": 4 * MIB,  # go.mod
    "modules.txt": 32 * MIB,  # vendor/modules.txt
    "goenv": 1 * MIB,  # the go env -w file, $GOROOT/go.env
    "config": 1 * MIB,  # .ideaudit.toml, pyproject.toml, ~/.gitconfig, .gitignore
    "startup": 4 * MIB,  # shell start-up files
    "envdump": 16 * MIB,  # an IDE environment dump (--ide-env)
    "version": 64 * KIB,  # $GOROOT/VERSION
    "git-index": 512 * MIB,  # .git/index of a big repository
    "text": 8 * MIB,  # anything else a fixer reads
}

_KIND_WORDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


class ReadRefused(OSError):
    """A file that is not read: not a regular file, or over its cap."""

    def __init__(self, code: int, reason: str, path: str) -> None:
        super().__init__(code, reason, path)


def size_words(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:.1f} MiB"
    if size >= KIB:
        return f"{size / KIB:.0f} KiB"
    return f"{size} bytes"


def read_bytes(path: str | os.PathLike[str], kind: str) -> bytes:
    """The bytes of ``path`` if it is a regular file within the cap of ``kind``.

    Raises ``FileNotFoundError`` and the other ``OSError``s of ``open``, and
    :class:`ReadRefused` for a special file or one over the cap.
    """
    name = os.fspath(path)
    cap = CAPS[kind]
    fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            what = _KIND_WORDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
            raise ReadRefused(errno.EINVAL, f"it is {what}, not a regular file; not read", name)
        if st.st_size > cap:
            raise ReadRefused(errno.EFBIG, _too_big(st.st_size, cap, kind), name)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(cap + 1 - total, 1 * MIB) or 1)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:  # it grew while we read
                raise ReadRefused(errno.EFBIG, _too_big(total, cap, kind), name)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike[str], kind: str, errors: str = "strict") -> str:
    """:func:`read_bytes` decoded as UTF-8 (``errors`` as for ``bytes.decode``)."""
    return read_bytes(path, kind).decode("utf-8", errors)


def _too_big(size: int, cap: int, kind: str) -> str:
    return f"it is {size_words(size)}, over ideaudit's {size_words(cap)} limit for {kind} files; not read"


def reason(exc: OSError) -> str:
    """Why a read failed, in words (never the file's content)."""
    return exc.strerror or exc.__class__.__name__

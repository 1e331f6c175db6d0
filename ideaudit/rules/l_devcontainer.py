"""L02x: dev container configurations that change Go's environment in surprising ways."""

from __future__ import annotations

from collections.abc import Iterator

from ideaudit._fast.lazyre import lazy_re
from ideaudit.local.devcontainer import GO_FEATURE_ENV
from ideaudit.local.pins import matches
from ideaudit.model import Finding, Location, Severity
from ideaudit.rules.audit import Audit
from ideaudit.rules.base import SHELL, TOOLCHAIN, rule
from ideaudit.rules.common import finding
from ideaudit.rules.l_local import short
from ideaudit.sources.gomod import version_tuple

_LOCAL_ENV = lazy_re(r"\$\{localEnv:([A-Za-z_][A-Za-z0-9_]*)(:[^}]*)?\}")


@rule(
    "L020",
    "devcontainer-path-replaced",
    "devcontainer.json sets PATH without keeping the container's PATH",
    Severity.ERROR,
    """
    In `remoteEnv`, VS Code's server replaces PATH with the value given; unless it contains
    `${containerEnv:PATH}`, the image's PATH (with /usr/local/go/bin and /go/bin from the
    Go feature or image) is gone for every tool, terminal and debug session. In
    `containerEnv` PATH replaces the image's PATH for the whole container, and
    `${containerEnv:PATH}` cannot be used there.
    """,
    'Write "remoteEnv": {"PATH": "<your dirs>:${containerEnv:PATH}"} and remove PATH from containerEnv.',
    needs=SHELL,
)
def path_replaced(audit: Audit) -> Iterator[Finding]:
    local = audit.local
    if local is None:
        return
    for dc in local.devcontainers:
        for block, items in (("remoteEnv", dc.remote_env), ("containerEnv", dc.container_env)):
            for item in items:
                if item.name != "PATH" or item.value is None or "${containerEnv:PATH}" in item.value:
                    continue
                yield finding(
                    "L020",
                    Severity.ERROR,
                    f"{block} sets PATH to '{item.value}' in {short(Location(dc.path), local.root)}, "
                    f"dropping the container's PATH {_what_is_lost(item.value)}",
                    None,
                    fix=f'"remoteEnv": {{"PATH": "{item.value.rstrip(":")}:${{containerEnv:PATH}}"}}',
                    location=item.location,
                    variable="PATH",
                )


# Where the Go images and the devcontainer Go feature put go and the tools it installs
# (GOPATH=/go: gopls, dlv): a hard-coded PATH that lists them still finds them.
_GO_DIRS = (("/usr/local/go/bin", "go"), ("/go/bin", "gopls and dlv"))


def _what_is_lost(value: str) -> str:
    """What the hard-coded PATH loses, said only as far as it is true."""
    entries = {e.rstrip("/") for e in value.split(":")}
    lost = [tools for folder, tools in _GO_DIRS if folder not in entries]
    if not lost:
        return "(go and its tools are still listed; whatever else the image or a feature adds is not)"
    return f"({', '.join(lost)} {'is' if lost == ['go'] else 'are'} no longer found)"


@rule(
    "L021",
    "devcontainer-local-env-unset",
    "devcontainer.json uses ${localEnv:X} but X is not set in your environment",
    Severity.WARNING,
    """
    `${localEnv:X}` is replaced with X from the environment of the VS Code (or devcontainer
    CLI) that creates the container; when X is unset there it becomes the empty string
    (unless a default is given: `${localEnv:X:default}`), so GOPRIVATE, GOPROXY or a token
    silently end up empty in the container.
    """,
    "Set the variable where VS Code reads its environment (your login shell), or give a "
    "default: ${localEnv:X:value}.",
    needs=SHELL,
)
def local_env_unset(audit: Audit) -> Iterator[Finding]:
    local = audit.local
    if local is None or local.terminal is None:
        return
    env = local.terminal.env
    for dc in local.devcontainers:
        for block, items in (("containerEnv", dc.container_env), ("remoteEnv", dc.remote_env)):
            for item in items:
                for m in _LOCAL_ENV.finditer(item.value or ""):
                    name, default = m.group(1), m.group(2)
                    if default is not None or env.get(name):
                        continue
                    yield finding(
                        "L021",
                        Severity.WARNING,
                        f"{block}.{item.name} uses ${{localEnv:{name}}}, but {name} is not set in your "
                        f"shell: the container gets {item.name}=''",
                        None,
                        fix=f"Export {name} in your login shell's start-up file, or write "
                        f"${{localEnv:{name}:<default>}}.",
                        location=item.location,
                        variable=item.name,
                    )


@rule(
    "L022",
    "devcontainer-probe-none",
    "userEnvProbe is none while PATH additions come from a start-up file",
    Severity.WARNING,
    """
    With `"userEnvProbe": "none"` VS Code's server does not read the container user's
    shell start-up files, so a PATH addition that the Dockerfile or a create command
    appends to `~/.bashrc`, `~/.profile` or `/etc/profile.d` reaches the terminal but not
    gopls, tests or the debugger.
    """,
    'Remove "userEnvProbe": "none" (the default loginInteractiveShell reads them), or set '
    "the PATH in remoteEnv with ${containerEnv:PATH}.",
    needs=SHELL,
)
def probe_none(audit: Audit) -> Iterator[Finding]:
    local = audit.local
    if local is None:
        return
    for dc in local.devcontainers:
        if dc.user_env_probe != "none" or not dc.rc_path_lines:
            continue
        rc = dc.rc_path_lines[0]
        yield finding(
            "L022",
            Severity.WARNING,
            f'"userEnvProbe": "none" in {short(Location(dc.path), local.root)}, but PATH is extended in a '
            f"start-up file at {short(rc, local.root)}: "
            "tools and debug sessions do not get it",
            None,
            location=dc.probe_location,
            variable="PATH",
        )


@rule(
    "L023",
    "devcontainer-go-version",
    "The dev container's Go differs from go.mod or the project's pin",
    Severity.WARNING,
    """
    The Go installed in the container (the Go feature's `version`, a Go image's tag, a
    Dockerfile's FROM) is older than go.mod's `go` line (every build fails, or Go tries to
    download a toolchain) or is another version than the project pins for your machine.
    """,
    "Set the Go feature's version (or the image tag) to the version go.mod / the pin asks for.",
    needs=TOOLCHAIN,
)
def container_go_version(audit: Audit) -> Iterator[Finding]:
    local = audit.local
    if local is None:
        return
    gomods = [m.gomod for m in audit.go.modules] if audit.go else []
    need = next((g for g in gomods if g.go), None)
    pin = local.pins.manager_pin
    for dc in local.devcontainers:
        have = dc.go_version
        have_t = version_tuple(have)
        if have is None or have_t is None:
            continue  # "latest" or unknown: nothing to compare
        # "1.22" (an image tag, a feature version) installs the newest 1.22.x: compare as
        # many parts as the container's version names.
        need_t = (version_tuple(need.go) or ())[: len(have_t)] if need is not None and need.go else ()
        if need is not None and need.go and need_t > have_t:
            yield finding(
                "L023",
                Severity.ERROR,
                f"the dev container's Go {have} ({dc.go_version_from}) is older than go.mod's "
                f"go {need.go} ({short(need.go_location, local.root)})",
                None,
                fix=f"Use Go {need.go} or newer in {short(Location(dc.path), local.root)}.",
                location=dc.go_version_location,
            )
        elif (
            pin is not None
            and matches(pin.version, "go" + have) is False
            and matches(have, pin.version.removeprefix("go")) is False
        ):
            yield finding(
                "L023",
                Severity.WARNING,
                f"the dev container's Go {have} ({dc.go_version_from}) is not the project's pinned "
                f"{pin.version} ({short(pin.location, local.root)})",
                None,
                fix=f"Use Go {pin.version} in {short(Location(dc.path), local.root)}, or update the pin.",
                location=dc.go_version_location,
            )


@rule(
    "L024",
    "devcontainer-fights-go-feature",
    "containerEnv/remoteEnv override GOROOT or GOPATH that the Go feature sets",
    Severity.WARNING,
    """
    The Go feature (and the Go images) install Go in /usr/local/go and set GOROOT and
    GOPATH=/go with both bin folders on PATH. A different GOROOT points go at another
    (or no) installation ("go: cannot find GOROOT directory"); a different GOPATH moves
    the module cache and installed tools (gopls, dlv) away from /go/bin on PATH.
    """,
    "Remove the override, or keep GOROOT=/usr/local/go and put $GOPATH/bin on PATH.",
    needs=SHELL,
)
def fights_go_feature(audit: Audit) -> Iterator[Finding]:
    local = audit.local
    if local is None:
        return
    for dc in local.devcontainers:
        if not dc.go_feature and dc.go_version_from not in ("image", "Dockerfile"):
            continue
        origin = "Go feature" if dc.go_feature else "Go image"
        for block, items in (("containerEnv", dc.container_env), ("remoteEnv", dc.remote_env)):
            for item in items:
                expected = GO_FEATURE_ENV.get(item.name)
                if expected is None or item.value is None or item.value.rstrip("/") == expected:
                    continue
                yield finding(
                    "L024",
                    Severity.WARNING,
                    f"{block}.{item.name}={item.value} overrides the {origin}'s {item.name}={expected}",
                    None,
                    fix=f"Remove {item.name} from {block} (the {origin} sets {expected}).",
                    location=item.location,
                    variable=item.name,
                )

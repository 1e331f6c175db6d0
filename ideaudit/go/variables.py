"""The environment variables that change what a Go command does, named once.

Reports show them per context, ``ideaudit env`` shows them by default, ``gen`` copies the
ones that differ, and ``go env -json`` is asked for them (plus what only go knows).
"""

from __future__ import annotations

# Settings a user or a configuration can set, in the order reports list them.
GO_SETTINGS = (
    "GOROOT", "GOPATH", "GOBIN", "GOFLAGS", "GO111MODULE", "GOPROXY", "GOPRIVATE",
    "GONOPROXY", "GONOSUMDB", "GOSUMDB", "GOINSECURE", "GOTOOLCHAIN", "CGO_ENABLED",
    "CC", "CXX", "GOOS", "GOARCH",
)  # fmt: skip

# What a report shows for each context: PATH, the settings, and where go env -w writes.
REPORTED_VARS = ("PATH", *GO_SETTINGS, "GOENV")

# What ``go env -json`` is asked for: the settings and what only go itself knows.
GO_ENV_KEYS = (*GO_SETTINGS, "GOVERSION", "GOMODCACHE", "GOENV")

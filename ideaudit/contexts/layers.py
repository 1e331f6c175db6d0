"""Effective environments built layer by layer, each variable remembering who set it.

A context's environment is a stack: the IDE's process environment, then settings, then
env files, then a launch configuration's ``env``.  :class:`EnvBuilder` applies the
layers in precedence order (lowest first) and keeps, for every variable, the chain of
:class:`~ideaudit.model.Layer` objects, so a finding can say "GOFLAGS=-mod=vendor, set
by .vscode/launch.json:14:9 (env), over go.toolsEnvVars in settings.json:3:5".
"""

from __future__ import annotations

from collections.abc import Mapping

from ideaudit.model import Env, EnvVar, Layer, Location


class EnvBuilder:
    """Accumulates layers; cheap to copy so contexts can share a common prefix."""

    def __init__(self, base: Env | None = None) -> None:
        self._vars: dict[str, EnvVar] = dict(base.vars) if base is not None else {}

    @classmethod
    def from_plain(
        cls,
        env: Mapping[str, str],
        source: str,
        location: Location | None = None,
        locations: Mapping[str, Location] | None = None,
    ) -> EnvBuilder:
        """Start from a plain environment, all of it attributed to one ``source``."""
        builder = cls()
        for name, value in env.items():
            loc = locations.get(name, location) if locations else location
            builder._vars[name] = EnvVar(name, value, (Layer(source, value, loc),))
        return builder

    def copy(self) -> EnvBuilder:
        clone = EnvBuilder()
        clone._vars = dict(self._vars)
        return clone

    def set(
        self,
        name: str,
        value: str | None,
        source: str,
        location: Location | None = None,
        raw: str | None = None,
        secret: bool = False,
    ) -> None:
        """Apply one layer to ``name``; ``value=None`` removes the variable."""
        prior = self._vars.get(name)
        layers = prior.layers if prior else ()
        layer = Layer(source, value, location, raw if raw != value else None, secret)
        self._vars[name] = EnvVar(name, value, (*layers, layer))

    def get(self, name: str) -> str | None:
        var = self._vars.get(name)
        return var.value if var else None

    def plain(self) -> dict[str, str]:
        return {n: v.value for n, v in self._vars.items() if v.value is not None}

    def build(self) -> Env:
        return Env(dict(self._vars))

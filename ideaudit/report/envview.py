"""``ideaudit env``: the effective environment of a context beside your shell's.

For each variable: the value in the context, the value in your shell, what ``go env``
says where Go was asked, and the provenance chain (every layer that set it, with
file:line).  Pure: takes contexts, returns text or plain data; secret values are
redacted here because this view prints whole environments.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from ideaudit.errors import UsageError
from ideaudit.go.variables import REPORTED_VARS
from ideaudit.model import Context, Layer
from ideaudit.printable import printable, sanitize
from ideaudit.redact import MASK, env_secrets, is_flagged, longest_first, redact_text, redact_value

DEFAULT_VARS = REPORTED_VARS


class UnknownContext(UsageError, ValueError):
    """``--context`` names no context of the workspace."""


def pick(contexts: Sequence[Context], wanted: Iterable[str]) -> list[Context]:
    """Contexts by id (``vscode:debug:Launch API``), by the short form ``debug:Launch API``,
    or by a case-insensitive part of the label; no selector means all."""
    wanted = list(wanted)
    if not wanted:
        return list(contexts)
    out: list[Context] = []
    for w in wanted:
        low = w.lower()
        match = [
            c
            for c in contexts
            if c.id == w or c.id.split(":", 1)[-1] == w or c.id.endswith(":" + w) or low in c.label.lower()
        ]
        if not match:
            known = ", ".join(c.id for c in contexts)
            raise UnknownContext(f"no context matches {w!r}; known: {known}")
        out.extend(m for m in match if m not in out)
    return out


def _chain(layers: Sequence[Layer]) -> list[dict[str, Any]]:
    return [
        {
            "source": layer.source,
            "location": str(layer.location) if layer.location else None,
            "value": layer.value,
            "secret": layer.secret,
        }
        for layer in layers
    ]


def known(contexts: Sequence[Context], shell: Context | None) -> tuple[str, ...]:
    """The secret values of every shown environment: this view prints whole
    environments, so a token copied under a neutral name is caught by its value."""
    everyone = [*contexts, *([shell] if shell is not None else [])]
    return tuple(longest_first(env_secrets(c.env.vars for c in everyone)))


def rows(
    ctx: Context, shell: Context | None, names: Sequence[str], secrets: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    out = []
    for name in names:
        var = ctx.env.var(name)
        svar = shell.env.var(name) if shell is not None else None
        here = var.value if var else None
        there = svar.value if svar else None
        go_here = (ctx.go_env or {}).get(name)
        go_there = (shell.go_env or {}).get(name) if shell is not None else None

        def red(v: str | None, flagged: bool = False, n: str = name) -> str | None:
            if v is None:
                return None
            if flagged and v:
                return MASK
            return redact_text(redact_value(n, v), secrets)

        hidden = var is not None and is_flagged(var)
        hidden_there = svar is not None and is_flagged(svar)
        out.append(
            {
                "name": name,
                "value": red(here, hidden),
                "shell_value": red(there, hidden_there),
                "go_env": red(go_here, hidden),
                "shell_go_env": red(go_there, hidden_there),
                "same": (go_here if go_here is not None else here)
                == (go_there if go_there is not None else there),
                "provenance": [
                    {
                        "source": layer["source"],
                        "location": layer["location"],
                        "value": red(layer["value"], hidden or layer["secret"]),
                    }
                    for layer in _chain(var.layers if var else ())
                ],
            }
        )
    return out


def names_for(
    contexts: Sequence[Context], shell: Context | None, wanted: Sequence[str], all_vars: bool
) -> list[str]:
    if wanted:
        return list(dict.fromkeys(wanted))
    if not all_vars:
        return list(DEFAULT_VARS)
    names: set[str] = set()
    for c in [*contexts, *([shell] if shell else [])]:
        names.update(c.env.vars)
    return sorted(names)


def render_json(contexts: Sequence[Context], shell: Context | None, names: Sequence[str]) -> str:
    secrets = known(contexts, shell)
    data = {
        "shell": shell.label if shell else None,
        "contexts": [
            {"id": c.id, "label": redact_text(c.label, secrets), "variables": rows(c, shell, names, secrets)}
            for c in contexts
        ],
    }
    return json.dumps(sanitize(data), indent=2) + "\n"


def render_text(contexts: Sequence[Context], shell: Context | None, names: Sequence[str]) -> str:
    lines: list[str] = []
    secrets = known(contexts, shell)
    for ctx in contexts:
        label = redact_text(f"{ctx.label}  [{ctx.id}]", secrets)
        lines.append(label + (f"  vs {shell.label}" if shell else ""))
        for row in rows(ctx, shell, names, secrets):
            if row["value"] is None and row["shell_value"] is None and row["go_env"] is None:
                continue
            mark = "=" if row["same"] else "≠"
            lines.append(f"  {mark} {row['name']}")
            lines.append(f"      here:  {_show(row['value'])}" + _go(row["go_env"], row["value"]))
            if shell is not None:
                lines.append(
                    f"      shell: {_show(row['shell_value'])}" + _go(row["shell_go_env"], row["shell_value"])
                )
            chain = [
                f"{p['source']}" + (f" ({p['location']})" if p["location"] else "") for p in row["provenance"]
            ]
            if chain:
                lines.append("      set by: " + " -> ".join(chain))
        lines.append("")
    return "\n".join(printable(line) for line in lines)


def _show(value: str | None) -> str:
    return "(unset)" if value is None else value if value else "''"


def _go(go_value: str | None, raw: str | None) -> str:
    if go_value is None or go_value == (raw or ""):
        return ""
    return f"   (go env: {go_value or chr(39) * 2})"

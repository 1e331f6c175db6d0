"""``ideaudit rule [CODE]``: explain a rule, or list them all."""

# No `from __future__ import annotations`: typer reads these annotations at run time.

from typing import Annotated

import typer

from ideaudit.cli.common import error
from ideaudit.cli.options import complete_codes

app = typer.Typer(add_completion=False)


@app.command(
    help="Explain a rule (its code, why it matters, how to fix it); without CODE, list all rules.",
    short_help="Explain a rule, or list all rules.",
)
def rule(
    code: Annotated[
        str | None,
        typer.Argument(help="Rule code, e.g. P001; omit to list all rules.", autocompletion=complete_codes),
    ] = None,
) -> None:
    raise typer.Exit(run(code))


def run(code: str | None) -> int:
    from ideaudit.rules.registry import kinds_text, load_all

    rules = load_all()
    if code is None:
        for r in sorted(rules.values(), key=lambda r: r.code):
            print(f"{r.code}  {r.severity.value:<7}  {r.title}  [{kinds_text(r)}]")
        return 0
    found = rules.get(code.upper())
    if found is None:
        return error(f"no rule {code!r}; `ideaudit rule` lists them")
    print(f"{found.code} ({found.name}): {found.title}\n\nDefault severity: {found.severity.value}")
    print(f"Applies to: {kinds_text(found)}\n")
    print(found.explanation)
    print(f"\nFix: {found.fix}")
    return 0

"""``ideaudit rule [CODE]``: explain a rule, or list them all."""

# No `from __future__ import annotations`: typer reads these annotations at run time.

import sys
from enum import StrEnum
from typing import Annotated

import typer

from ideaudit.cli.options import complete_codes
from ideaudit.errors import UsageError

app = typer.Typer(add_completion=False)


class RuleFormat(StrEnum):
    text = "text"
    json = "json"


@app.command(
    help="Explain a rule (its code, why it matters, how to fix it, what it needs); with a prefix "
    "(P, P00) list that family; without CODE, list all rules.",
    short_help="Explain a rule, or list rules.",
)
def rule(
    code: Annotated[
        str | None,
        typer.Argument(
            help="Rule code (P001) or family/prefix (P); omit to list all rules.",
            autocompletion=complete_codes,
        ),
    ] = None,
    output_format: Annotated[
        RuleFormat, typer.Option("--output-format", help="text, or json: every matching rule as data.")
    ] = RuleFormat.text,
) -> None:
    raise typer.Exit(run(code, output_format.value))


def run(code: str | None, output_format: str = "text") -> int:
    from ideaudit.report.rule_listing import describe, dump, listing, select

    prefix, found = select(code)
    if output_format == "json":
        out = dump(prefix)
        if out.strip() == "[]":
            raise UsageError(f"no rule matches {code!r}; `ideaudit rule` lists them")
        sys.stdout.write(out)
        return 0
    if found is not None:
        sys.stdout.write(describe(found))
        return 0
    out = listing(prefix)
    if not out:
        raise UsageError(f"no rule {code!r}; `ideaudit rule` lists them")
    sys.stdout.write(out)
    return 0

"""``ideaudit scan``: audit a workspace and report, show or apply the fixes."""

# No `from __future__ import annotations`: typer reads these annotations at run time.

import sys
from pathlib import Path
from typing import Annotated

import typer

from ideaudit.cli import options as o
from ideaudit.cli.common import (
    WorkspaceArgs,
    check_codes,
    check_timeout,
    codes,
    fails,
    load_settings,
    scan_options,
    show_status,
    text,
)
from ideaudit.config.choices import Color, FailOn, OutputFormat
from ideaudit.errors import UsageError

app = typer.Typer(add_completion=False)

FIX_PANEL = "Fixes"


@app.command(
    help="Audit a workspace and report where the IDE's Go environment differs from your shell, "
    "with the file and line that caused it.",
    short_help="Audit a workspace against your login shell.",
    epilog="Exit status: 0 no findings (or only infos), 1 a warning or an error (see --fail-on, "
    "--exit-zero), 2 usage or internal error.",
)
def scan(
    path: o.Workspace = Path("."),
    select: o.Select = None,
    ignore: o.Ignore = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option("--output-format", help="How to print the findings (default: text, or the config's)."),
    ] = None,
    fail_on: o.FailOnOpt = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings.")
    ] = False,
    verbose: o.Verbose = False,
    color: o.ColorOpt = Color.auto,
    config: o.ConfigFile = None,
    isolated: o.Isolated = False,
    home: o.Home = None,
    shell: o.Shell = None,
    ide_env: o.IdeEnv = None,
    goland_env: o.GolandEnv = None,
    goland_loads_shell_env: o.GolandLoadsShellEnv = False,
    jetbrains_config_dir: o.JetbrainsConfigDir = None,
    vscode_user_dir: o.VscodeUserDir = None,
    refresh: o.Refresh = False,
    timeout: o.Timeout = None,
    trust: o.Trust = False,
    no_go_env: o.NoGoEnv = False,
    cache_dir: o.CacheDir = None,
    static: Annotated[
        bool,
        typer.Option(
            "--static", help="Only what the committed files decide: no shell, no IDE process, no go run (CI)."
        ),
    ] = False,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Print the number of findings per rule instead of them.")
    ] = False,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            metavar="FILE",
            help="Report only findings not recorded in FILE (a missing FILE records today's).",
        ),
    ] = None,
    help_uri_base_opt: Annotated[
        str | None,
        typer.Option(
            "--help-uri-base",
            metavar="URI",
            help="Where docs/rules.md is published (absolute URI): SARIF rules link there "
            "(default: $IDEAUDIT_HELP_URI_BASE, the config's help-uri-base, else no link).",
        ),
    ] = None,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="With --baseline: record today's findings.")
    ] = False,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff", help="Print the fixes as unified diffs; write nothing.", rich_help_panel=FIX_PANEL
        ),
    ] = False,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix", help="Apply the safe fixes, then report what remains.", rich_help_panel=FIX_PANEL
        ),
    ] = False,
    unsafe_fixes: Annotated[
        bool,
        typer.Option(
            "--unsafe-fixes", help="With --fix/--diff: also the unsafe fixes.", rich_help_panel=FIX_PANEL
        ),
    ] = False,
    fix_shell: Annotated[
        bool,
        typer.Option(
            "--fix-shell",
            help="Also edit your shell start-up files (never done by --fix alone).",
            rich_help_panel=FIX_PANEL,
        ),
    ] = False,
    fix_read_only: Annotated[
        bool,
        typer.Option(
            "--fix-read-only",
            help="With --fix: also change read-only files (refused otherwise; the mode is kept).",
            rich_help_panel=FIX_PANEL,
        ),
    ] = False,
) -> None:
    ws = WorkspaceArgs(
        path=str(path),
        home=text(home),
        shell=text(shell),
        ide_env=text(ide_env),
        goland_env=text(goland_env),
        goland_loads_shell_env=goland_loads_shell_env,
        jetbrains_config_dir=text(jetbrains_config_dir),
        vscode_user_dir=text(vscode_user_dir),
        refresh=refresh,
        timeout=timeout,
        trust=trust,
        go_env=not no_go_env,
        cache_dir=text(cache_dir),
        config=text(config),
        isolated=isolated,
    )
    raise typer.Exit(
        run(
            ws,
            select=codes(select),
            ignore=codes(ignore),
            output_format=output_format.value if output_format else None,
            fail_on=fail_on.value if fail_on else None,
            exit_zero=exit_zero,
            verbose=verbose,
            color=color.value,
            diff=diff,
            fix=fix,
            unsafe_fixes=unsafe_fixes,
            fix_shell=fix_shell,
            static=static,
            statistics=statistics,
            baseline=text(baseline),
            update_baseline=update_baseline,
            fix_read_only=fix_read_only,
            help_uri=help_uri_base_opt,
        )
    )


def run(
    ws: WorkspaceArgs,
    *,
    select: list[str],
    ignore: list[str],
    output_format: str | None = None,
    fail_on: str | None = None,
    exit_zero: bool = False,
    verbose: bool = False,
    color: str = "auto",
    diff: bool = False,
    fix: bool = False,
    unsafe_fixes: bool = False,
    fix_shell: bool = False,
    static: bool = False,
    statistics: bool = False,
    baseline: str | None = None,
    update_baseline: bool = False,
    fix_read_only: bool = False,
    help_uri: str | None = None,
) -> int:
    """The scan command with plain values; returns the exit status.  A user's mistake
    (a bad config file, option, path or baseline) raises a UsageError for main()."""
    check_timeout(ws.timeout)
    settings = load_settings(ws)
    fmt = output_format or settings.output_format or "text"
    uri_base = help_uri_base(help_uri, settings.help_uri_base)
    options = scan_options(ws, settings, select, ignore, static)
    check_codes([*select, *ignore])
    show_status()
    from ideaudit.pipeline import scan as run_scan

    result = run_scan(options)
    from ideaudit.report import render
    from ideaudit.report.term import use_color
    from ideaudit.rules.base import RULES

    colored = fmt == "text" and use_color(color, sys.stdout)
    threshold = fail_on or settings.fail_on
    if diff or fix or fix_shell:
        from ideaudit.fixes.run import run_scan_fixes

        return run_scan_fixes(
            options,
            result,
            lambda r: render(
                r.report, fmt, color=colored, verbose=verbose, rules=RULES, help_uri_base=uri_base
            ),
            run_scan,
            diff=diff,
            fix=fix,
            unsafe=unsafe_fixes,
            fix_shell=fix_shell,
            read_only=fix_read_only,
            exit_zero=exit_zero,
            fail_on=threshold,
        )
    report = result.report
    if baseline:
        from ideaudit.findings.baseline import apply_baseline

        report = apply_baseline(report, baseline, update_baseline)
    out = "statistics" if statistics else fmt
    sys.stdout.write(render(report, out, color=colored, verbose=verbose, rules=RULES, help_uri_base=uri_base))
    sys.stdout.flush()
    # counted as the report counts them: causes, each with its own severity
    return 1 if fails(report.findings, threshold, exit_zero) else 0


def help_uri_base(option: str | None, configured: str | None) -> str | None:
    """Where docs/rules.md is published: ``--help-uri-base``, then
    ``$IDEAUDIT_HELP_URI_BASE``, then the config's ``help-uri-base``; None (no helpUri)
    when none is set.  SARIF requires an absolute URI, so anything else is refused."""
    import os
    import re

    for value, where in (
        (option, "--help-uri-base"),
        (os.environ.get("IDEAUDIT_HELP_URI_BASE"), "IDEAUDIT_HELP_URI_BASE"),
    ):
        if value:
            if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$", value):
                raise UsageError(
                    f"{where}: {value!r} is not an absolute URI (like https://host/path/rules.md)"
                )
            return value
    return configured


__all__ = ["FailOn", "app", "run"]

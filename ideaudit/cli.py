"""The ``ideaudit`` command: parse options, run the pipeline, pick a reporter.

Kept thin on purpose.  Exit status as ruff: 0 no findings, 1 findings, 2 usage or
internal error.

Why argparse and not typer: typer (>= 0.2x) builds a pydantic ``TypeAdapter`` for every
parameter at start-up; measured here that is ~200 ms before any work, while the whole
warm ``ideaudit scan`` has a 150 ms budget.  argparse costs ~3 ms and gives the same
``--help``, usage errors (exit 2) and subcommands.  Heavy modules are imported inside
the command that needs them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ideaudit import __version__

FORMATS = ("text", "concise", "json", "github", "sarif")


def _codes(value: str) -> list[str]:
    return [p.strip().upper() for p in value.split(",") if p.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ideaudit",
        description="Find why your Go code builds in the terminal but not in the IDE.",
    )
    parser.add_argument("--version", action="version", version=f"ideaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = sub.add_parser(
        "scan",
        help="audit a workspace against your login shell",
        description="Audit a workspace and report where the IDE's Go environment "
        "differs from your shell, with the file and line that caused it.",
    )
    scan.add_argument("path", nargs="?", default=".", help="workspace folder or .code-workspace file")
    scan.add_argument(
        "--select",
        action="append",
        type=_codes,
        default=[],
        metavar="CODES",
        help="only these rule codes or prefixes, comma-separated (e.g. P,G001)",
    )
    scan.add_argument(
        "--ignore",
        action="append",
        type=_codes,
        default=[],
        metavar="CODES",
        help="skip these rule codes or prefixes",
    )
    scan.add_argument(
        "--output-format",
        choices=FORMATS,
        default=None,
        help="text (default), concise, json, github or sarif",
    )
    scan.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    scan.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show provenance chains, tool lookups and rule explanations",
    )
    scan.add_argument(
        "--home", metavar="DIR", help="use DIR as $HOME (dotfiles, user settings): a hermetic run"
    )
    scan.add_argument("--shell", metavar="PATH", help="the login shell to capture (default: $SHELL)")
    scan.add_argument(
        "--ide-env",
        metavar="FILE",
        help="the IDE's environment: an `env -0` dump, KEY=VALUE lines or JSON",
    )
    scan.add_argument("--vscode-user-dir", metavar="DIR", help="folder of the VS Code user settings.json")
    scan.add_argument("--refresh", action="store_true", help="capture the shell again, ignoring the cache")
    scan.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="shell resolution timeout (VS Code's default: 10)",
    )
    scan.add_argument("--cache-dir", metavar="DIR", help="cache folder (default: the user cache folder)")
    scan.set_defaults(func=_scan)

    rule = sub.add_parser(
        "rule",
        help="explain a rule, or list all rules",
        description="Explain a rule (its code, why it matters, how to fix it).",
    )
    rule.add_argument("code", nargs="?", help="rule code, e.g. P001; omit to list all rules")
    rule.set_defaults(func=_rule)
    return parser


def _error(message: str) -> int:
    print(f"ideaudit: error: {message}", file=sys.stderr)
    return 2


def _flatten(groups: list[list[str]]) -> list[str]:
    return [code for group in groups for code in group]


def _scan(args: argparse.Namespace) -> int:
    from ideaudit.config import ConfigError, load_config
    from ideaudit.pipeline import ScanOptions, scan
    from ideaudit.workspace import TargetError

    try:
        root = args.path if os.path.isdir(args.path) else os.path.dirname(os.path.abspath(args.path))
        cfg = load_config(root)
    except ConfigError as exc:
        return _error(str(exc))
    fmt = args.output_format or cfg.output_format or "text"
    if fmt not in FORMATS:
        return _error(f"{cfg.source}: unknown output-format {fmt!r}; choose from {', '.join(FORMATS)}")
    if args.timeout is not None and not 0 < args.timeout <= 120:
        return _error("--timeout must be between 0 and 120 seconds")
    options = ScanOptions(
        path=args.path,
        home=args.home,
        shell=args.shell,
        ide_env=args.ide_env,
        vscode_user_dir=args.vscode_user_dir,
        refresh=args.refresh,
        timeout=args.timeout or cfg.timeout or 10.0,
        cache_dir=args.cache_dir or os.environ.get("IDEAUDIT_CACHE_DIR"),
        select=_flatten(args.select) or cfg.select,
        ignore=_flatten(args.ignore) or cfg.ignore,
    )
    try:
        result = scan(options)
    except TargetError as exc:
        return _error(str(exc))
    from ideaudit.report import render
    from ideaudit.rules.registry import RULES

    color = fmt == "text" and not os.environ.get("NO_COLOR") and sys.stdout.isatty()
    sys.stdout.write(render(result.report, fmt, color=color, verbose=args.verbose, rules=RULES))
    sys.stdout.flush()
    return 1 if result.findings and not args.exit_zero else 0


def _rule(args: argparse.Namespace) -> int:
    from ideaudit.rules.registry import load_all

    rules = load_all()
    if args.code is None:
        for r in sorted(rules.values(), key=lambda r: r.code):
            print(f"{r.code}  {r.severity.value:<7}  {r.title}")
        return 0
    found = rules.get(args.code.upper())
    if found is None:
        return _error(f"no rule {args.code!r}; `ideaudit rule` lists them")
    print(f"{found.code} ({found.name}): {found.title}\n\nDefault severity: {found.severity.value}\n")
    print(found.explanation)
    print(f"\nFix: {found.fix}")
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: internal errors exit 2 with a one-line message."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        sys.exit(2)
    try:
        code = args.func(args)
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        code = 0
    except Exception as exc:  # a bug must not look like "findings" (exit 1)
        if os.environ.get("IDEAUDIT_DEBUG"):
            raise
        print(f"ideaudit: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        code = 2
    sys.exit(code)

"""The ``ideaudit`` command: parse options, run the pipeline, pick a reporter.

Kept thin on purpose.  Exit status as ruff: 0 no findings (or only infos), 1 a warning
or an error (``--fail-on`` moves the threshold), 2 usage or internal error.

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
from typing import TYPE_CHECKING, Any

from ideaudit import __version__

if TYPE_CHECKING:
    from ideaudit.config import Config
    from ideaudit.pipeline import ScanOptions

FORMATS = ("text", "concise", "json", "github", "sarif")


def _codes(value: str) -> list[str]:
    return [p.strip().upper() for p in value.split(",") if p.strip()]


COMMANDS = ("scan", "watch", "env", "gen", "fix", "rule")
_Sub = argparse._SubParsersAction  # the type argparse gives add_subparsers()


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, minus ``import shutil`` for the terminal width: argparse
    builds a formatter for every option it adds, and shutil (with bz2 and lzma) costs
    ~6 ms of every start.  The width is found as shutil.get_terminal_size finds it."""

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 80
    except (AttributeError, ValueError, OSError):
        return 80


class _Parser(argparse.ArgumentParser):
    """Every (sub)parser uses :class:`_Formatter` (subparsers are made of this class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def _wanted(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, so only its parser is built."""
    for arg in argv:
        if arg in COMMANDS:
            return arg
        if not arg.startswith("-"):
            return None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that subcommand's options are built.

    argparse makes a help formatter (and imports shutil, asks the terminal size) for
    every option it adds; building all six subcommands cost ~10 ms of every start,
    so a run builds the one it needs (help and errors build them all)."""
    parser = _Parser(
        prog="ideaudit",
        description="Find why your Go code builds in the terminal but not in the IDE.",
    )
    parser.add_argument("--version", action="version", version=f"ideaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    wanted = set(COMMANDS) if only is None else {only}
    scan = _scan_parser(sub) if wanted & {"scan", "watch", "env"} else None
    if "watch" in wanted and scan is not None:
        _watch_parser(sub, scan)
    if "gen" in wanted:
        _gen_parser(sub)
    if "fix" in wanted:
        _fix_parser(sub)
    if "env" in wanted and scan is not None:
        _env_parser(sub, scan)
    if "rule" in wanted:
        _rule_parser(sub)
    return parser


def _scan_parser(sub: _Sub[_Parser]) -> argparse.ArgumentParser:
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
        "--fail-on",
        choices=("error", "warning", "info"),
        default=None,
        help="exit 1 for findings of this severity or worse (default: warning; info never fails)",
    )
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
    scan.add_argument(
        "--goland-env",
        metavar="FILE",
        help="GoLand's environment (same formats as --ide-env, which is VS Code's)",
    )
    scan.add_argument(
        "--goland-loads-shell-env",
        action="store_true",
        help="GoLand on Linux loads the login shell's environment (ij.load.shell.env=true)",
    )
    scan.add_argument(
        "--jetbrains-config-dir",
        metavar="DIR",
        help="JetBrains config folder holding GoLand<version>/options (default: the "
        "platform's; with --home, HOME/.config/JetBrains)",
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
    scan.add_argument(
        "--trust",
        action="store_true",
        help="trust this workspace: allow running the go binaries it names (go env, go version)",
    )
    scan.add_argument(
        "--no-go-env", action="store_true", help="do not run `go env` (compare environments only)"
    )
    scan.add_argument("--cache-dir", metavar="DIR", help="cache folder (default: the user cache folder)")
    scan.add_argument("--diff", action="store_true", help="print the fixes as unified diffs; write nothing")
    scan.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what remains")
    scan.add_argument("--unsafe-fixes", action="store_true", help="with --fix/--diff: also the unsafe fixes")
    scan.add_argument(
        "--fix-shell",
        action="store_true",
        help="also edit your shell start-up files (never done by --fix alone)",
    )
    scan.set_defaults(func=_scan)

    return scan


def _watch_parser(sub: _Sub[_Parser], scan: argparse.ArgumentParser) -> argparse.ArgumentParser:
    watch = sub.add_parser(
        "watch",
        help="re-audit whenever a config, go.mod or shell start-up file changes",
        description="Stay in the background and print new and resolved findings whenever "
        "the workspace configuration, go.mod/go.work, your shell start-up files, the "
        "`go env -w` file or the IDE settings change; warn when a running IDE still has an "
        "old environment.  Ctrl-C stops it.",
    )
    _copy_options(
        scan,
        watch,
        skip={"output_format", "exit_zero", "fail_on", "diff", "fix", "unsafe_fixes", "fix_shell"},
    )
    watch.add_argument(
        "--output-format",
        choices=("text", "concise"),
        default=None,
        help="text (default), or concise: one file:line:col line per finding between "
        "marker lines, for a VS Code background task (`ideaudit gen task`)",
    )
    watch.add_argument("--notify", action="store_true", help="desktop notifications (notify-send)")
    watch.add_argument(
        "--no-ide-check",
        action="store_true",
        help="do not look for running VS Code/GoLand processes that need a restart",
    )
    watch.add_argument(
        "--debounce",
        type=float,
        default=0.1,
        metavar="SECONDS",
        help="audit after this much quiet following a change (default: 0.1)",
    )
    watch.add_argument(
        "--ide-poll",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="while an IDE needs a restart, check this often whether it was (default: 5)",
    )
    watch.set_defaults(func=_watch)

    return watch


def _gen_parser(sub: _Sub[_Parser]) -> argparse.ArgumentParser:
    gen = sub.add_parser("gen", help="generate IDE configuration", description="Generate IDE configuration.")
    gen_sub = gen.add_subparsers(dest="gen_command", metavar="WHAT")
    task = gen_sub.add_parser(
        "task",
        help="add an `ideaudit watch` background task to .vscode/tasks.json",
        description="Add a VS Code background task that runs `ideaudit watch --output-format "
        "concise` with a problem matcher, so findings appear in the Problems panel.  "
        "Comments and the rest of tasks.json are kept.",
    )
    task.add_argument("path", nargs="?", default=".", help="workspace folder (default: .)")
    task.add_argument("--diff", action="store_true", help="print the change instead of writing it")
    task.set_defaults(func=_gen_task)
    from ideaudit.gen import add_gen_commands

    add_gen_commands(gen_sub)

    return gen


def _fix_parser(sub: _Sub[_Parser]) -> argparse.ArgumentParser:
    fix = sub.add_parser(
        "fix", help="undo the last --fix", description="Restore the files the last `scan --fix` changed."
    )
    fix.add_argument("--undo", action="store_true", required=True, help="restore the last run's backups")
    fix.add_argument("--cache-dir", metavar="DIR", help="cache folder (default: the user cache folder)")
    fix.set_defaults(func=_fix_undo)

    return fix


def _env_parser(sub: _Sub[_Parser], scan: argparse.ArgumentParser) -> argparse.ArgumentParser:
    env = sub.add_parser(
        "env",
        help="show a context's effective environment beside your shell's",
        description="Show the effective environment of IDE contexts side by side with your "
        "shell's, each value with the chain of layers (and file:line) that set it.",
    )
    _copy_options(
        scan,
        env,
        skip={
            "output_format", "exit_zero", "fail_on", "diff", "fix", "unsafe_fixes", "fix_shell",
            "select", "ignore", "verbose",
        },
    )  # fmt: skip
    env.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="ID",
        help='context id, short id ("debug:Launch API") or part of its label; repeatable',
    )
    env.add_argument(
        "--var", action="append", default=[], metavar="NAME", help="variable to show; repeatable"
    )
    env.add_argument("--all", action="store_true", help="every variable, not only Go's")
    env.add_argument("--output-format", choices=("text", "json"), default="text")
    env.set_defaults(func=_env)

    return env


def _rule_parser(sub: _Sub[_Parser]) -> argparse.ArgumentParser:
    rule = sub.add_parser(
        "rule",
        help="explain a rule, or list all rules",
        description="Explain a rule (its code, why it matters, how to fix it).",
    )
    rule.add_argument("code", nargs="?", help="rule code, e.g. P001; omit to list all rules")
    rule.set_defaults(func=_rule)
    return rule


def _error(message: str) -> int:
    print(f"ideaudit: error: {message}", file=sys.stderr)
    return 2


def _flatten(groups: list[list[str]]) -> list[str]:
    return [code for group in groups for code in group]


def _scan(args: argparse.Namespace) -> int:
    from ideaudit.config import ConfigError, load_config
    from ideaudit.pipeline import scan
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
    options = _scan_options(args, cfg)
    unknown = _unknown_codes([*options.select, *options.ignore])
    if unknown:
        return _error(f"no rule matches {', '.join(unknown)}; `ideaudit rule` lists the codes")
    try:
        result = scan(options)
    except TargetError as exc:
        return _error(str(exc))
    from ideaudit.report import render
    from ideaudit.rules.registry import RULES

    color = fmt == "text" and not os.environ.get("NO_COLOR") and sys.stdout.isatty()
    if args.diff or args.fix or args.fix_shell:
        from ideaudit.fixes.run import run_scan_fixes

        return run_scan_fixes(
            args,
            options,
            result,
            lambda r: render(r.report, fmt, color=color, verbose=args.verbose, rules=RULES),
            scan,
        )
    sys.stdout.write(render(result.report, fmt, color=color, verbose=args.verbose, rules=RULES))
    sys.stdout.flush()
    from ideaudit.model import Severity, fails

    failed = fails(result.report.findings, Severity(args.fail_on or Severity.WARNING))
    return 1 if failed and not args.exit_zero else 0


def _unknown_codes(selectors: Sequence[str]) -> list[str]:
    """Selectors that match no rule (a typo would otherwise select nothing, silently)."""
    from ideaudit.rules.registry import load_all

    codes = load_all()
    return [s for s in selectors if s != "ALL" and not any(c.startswith(s.upper()) for c in codes)]


def _scan_options(args: argparse.Namespace, cfg: Config) -> ScanOptions:
    """The pipeline options from the command line and the config file (scan and watch)."""
    from ideaudit.pipeline import ScanOptions

    return ScanOptions(
        path=args.path,
        home=args.home,
        shell=args.shell,
        ide_env=args.ide_env,
        vscode_user_dir=args.vscode_user_dir,
        goland_env=args.goland_env,
        goland_loads_shell_env=args.goland_loads_shell_env,
        jetbrains_config_dir=args.jetbrains_config_dir,
        refresh=args.refresh,
        timeout=args.timeout or cfg.timeout or 10.0,
        cache_dir=args.cache_dir or os.environ.get("IDEAUDIT_CACHE_DIR"),
        trust=args.trust,
        go_env=not args.no_go_env,
        select=_flatten(args.select) or cfg.select,
        ignore=_flatten(args.ignore) or cfg.ignore,
    )


def _copy_options(source: argparse.ArgumentParser, target: argparse.ArgumentParser, skip: set[str]) -> None:
    """Give ``target`` every option of ``source`` except ``skip`` (by dest), so ``watch``
    keeps accepting what ``scan`` does as options are added.  argparse's ``parents=``
    cannot leave options out, so this does what it does (share the action objects)."""
    for action in source._actions:
        if action.dest in skip or action.dest == "help":
            continue
        target._add_action(action)


def _watch(args: argparse.Namespace) -> int:
    from ideaudit.config import ConfigError, load_config
    from ideaudit.workspace import TargetError, resolve_target

    try:
        root = args.path if os.path.isdir(args.path) else os.path.dirname(os.path.abspath(args.path))
        cfg = load_config(root)
        resolve_target(args.path)
    except (ConfigError, TargetError) as exc:
        return _error(str(exc))
    fmt = args.output_format or ("concise" if cfg.output_format == "concise" else "text")
    if args.timeout is not None and not 0 < args.timeout <= 120:
        return _error("--timeout must be between 0 and 120 seconds")
    if args.debounce < 0 or args.ide_poll <= 0:
        return _error("--debounce must be >= 0 and --ide-poll > 0 seconds")
    from ideaudit.watch import WatchOptions, watch

    try:
        import watchdog  # noqa: F401
    except ImportError:
        return _error("`ideaudit watch` needs the watchdog package: pip install watchdog")
    return watch(
        WatchOptions(
            scan=_scan_options(args, cfg),
            output_format=fmt,
            verbose=args.verbose,
            notify=args.notify,
            ide_check=not args.no_ide_check,
            debounce=args.debounce,
            ide_poll=args.ide_poll,
            color=fmt == "text" and not os.environ.get("NO_COLOR") and sys.stdout.isatty(),
        )
    )


def _gen_task(args: argparse.Namespace) -> int:
    from ideaudit.gen_task import GenTaskError, add_watch_task

    try:
        message = add_watch_task(args.path, dry_run=args.diff)
    except GenTaskError as exc:
        return _error(str(exc))
    sys.stdout.write(message)
    return 0


def _fix_undo(args: argparse.Namespace) -> int:
    from ideaudit.fixes.run import run_undo

    return run_undo(args.cache_dir or os.environ.get("IDEAUDIT_CACHE_DIR"))


def _env(args: argparse.Namespace) -> int:
    from ideaudit.config import ConfigError, load_config
    from ideaudit.envview import UnknownContext, names_for, pick, render_json, render_text
    from ideaudit.pipeline import scan
    from ideaudit.workspace import TargetError

    args.select, args.ignore = [], []
    try:
        root = args.path if os.path.isdir(args.path) else os.path.dirname(os.path.abspath(args.path))
        result = scan(_scan_options(args, load_config(root)))
        local = result.audit.local  # your terminal (in this project) can be shown too
        extra = (local.terminal, local.project) if local and local.project and local.terminal else ()
        views = tuple(local.devcontainer_views) if local else ()
        contexts = pick((*extra, *result.audit.contexts, *views), args.context)
    except (ConfigError, TargetError, UnknownContext) as exc:
        return _error(str(exc))
    shell = result.audit.shell
    names = names_for(contexts, shell, args.var, args.all)
    render = render_json if args.output_format == "json" else render_text
    sys.stdout.write(render(contexts, shell, names))
    return 0


def _rule(args: argparse.Namespace) -> int:
    from ideaudit.rules.registry import kinds_text, load_all

    rules = load_all()
    if args.code is None:
        for r in sorted(rules.values(), key=lambda r: r.code):
            print(f"{r.code}  {r.severity.value:<7}  {r.title}  [{kinds_text(r)}]")
        return 0
    found = rules.get(args.code.upper())
    if found is None:
        return _error(f"no rule {args.code!r}; `ideaudit rule` lists them")
    print(f"{found.code} ({found.name}): {found.title}\n\nDefault severity: {found.severity.value}")
    print(f"Applies to: {kinds_text(found)}\n")
    print(found.explanation)
    print(f"\nFix: {found.fix}")
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: internal errors exit 2 with a one-line message."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_wanted(arguments))
    args = parser.parse_args(arguments)
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

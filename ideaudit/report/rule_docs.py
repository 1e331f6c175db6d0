"""``python -m ideaudit.report.rule_docs``: write docs/rules.md from the rule registry.

The registry (code, title, severity, explanation, fix next to each rule's code) is the
single source; this page, ``ideaudit rule CODE`` and the SARIF rule descriptors are all
generated from it, and a test keeps the committed page current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ideaudit.rules.base import kinds_text, needs_text
from ideaudit.rules.catalog import load_all
from ideaudit.rules.examples import Case, Example, FileSpec, merged

FAMILIES = {
    "E": "Input the audit could not use",
    "P": "PATH and tools",
    "R": "GOROOT",
    "G": "GOPATH and the go env file",
    "M": "Modules",
    "C": "cgo and cross builds",
    "V": "VS Code hygiene",
    "D": "Debug configurations as vscode-go and Delve read them",
    "J": "GoLand hygiene",
    "S": "Shell start-up",
    "L": "Project-local environments: .envrc, pinned Go versions, dev containers",
    "W": "Watch: a running IDE with an old environment",
    "X": "Secrets and safety",
    "U": "Suppressions",
}


def _lang(path: str) -> str:
    if path.endswith(".xml"):
        return "xml"
    if path.endswith((".json", "-workspace")):
        return "jsonc"
    return "text"


def is_stand_in(spec: FileSpec) -> bool:
    """An executable whose content does not matter (``{ executable = true }``)."""
    return not isinstance(spec, str) and bool(spec.get("executable")) and "text" not in spec


def _file_block(path: str, spec: FileSpec) -> list[str]:
    if isinstance(spec, str):
        return ["", f"`{path}`", "", f"```{_lang(path)}", spec.strip("\n"), "```"]
    if spec.get("fifo"):
        return ["", f"`{path}`: a named pipe (FIFO), not a regular file"]
    if "symlink" in spec:
        return ["", f"`{path}`: a symbolic link to `{spec['symlink']}`"]
    if "built_with" in spec:
        return ["", f"`{path}`: a Go program built with {_go_name(str(spec['built_with']))}"]
    mode = " (executable)" if spec.get("executable") else ""
    return ["", f"`{path}`{mode}", "", "```text", str(spec.get("text", "")).strip("\n"), "```"]


def _go_name(toolchain: str) -> str:
    """``go1.19`` as people write it: Go 1.19."""
    return toolchain.replace("go", "Go ", 1)


def scan_words(case: Case) -> str:
    """How a case is scanned, as a sentence a user can follow: the command line and what
    the IDE was doing ("" for a plain ``--static`` case, as most are)."""
    args = case.scan
    if case.static:
        if not args:
            return ""
        cmd = ["ideaudit", "scan", "--static", *(["-v"] if args.get("verbose") else [])]
        git = "; the files committed to git" if args.get("git") else ""
        return f"Scanned with `{' '.join(cmd)}`{git}."
    shell = str(args.get("shell", "bash"))
    cmd = ["ideaudit", "scan", *([str(args["workspace"])] if args.get("workspace") else []), "--shell", shell]
    parts: list[str] = []
    if args.get("ide_env"):
        cmd += ["--ide-env", str(args["ide_env"])]
        parts.append(f"VS Code started with the environment in `{args['ide_env']}`")
    else:
        parts.append(f"VS Code started from the desktop (it resolves `{shell} -i -l` once, at start-up)")
    if args.get("goland_loads_shell_env"):
        cmd.append("--goland-loads-shell-env")
    if args.get("timeout"):
        cmd += ["--timeout", str(args["timeout"])]
    if args.get("go_env") is False:
        cmd.append("--no-go-env")
    if args.get("trust"):
        cmd.append("--trust")
    if args.get("verbose"):
        cmd.append("-v")
    for rel, name in dict(args.get("links", {})).items():
        parts.append(f"{_go_name(name)} installed at `{rel}`")
    if args.get("usr_local_go"):
        parts.append(f"an old {_go_name(str(args['usr_local_go']))} left in `/usr/local/go`")
    if args.get("workspace"):
        parts.append(f"the project checked out in `{args['workspace']}`")
    if args.get("git"):
        parts.append("the files committed to git")
    if args.get("direnv_allow"):
        parts.append("the `.envrc` allowed (`direnv allow`)")
    ide = args.get("running_ide")
    if ide:
        label = {"code": "VS Code", "goland": "GoLand"}.get(str(ide), str(ide))
        changed = [f"`{p}`" for p in args.get("changed_after_ide", ())]
        when = f"before {', '.join(changed)} changed" if changed else "after every file was written"
        parts.append(f"{label} running (`{ide}`), started {when}; `ideaudit watch` checks it")
    return f"Scanned with `{' '.join(cmd)}`: " + "; ".join(parts) + "."


def _example(code: str, examples: dict[str, Example]) -> list[str]:
    """The rule's minimal bad configuration and the corrected one (files beside the rules):
    each case's own workspace files and its ``$HOME`` files (the common ones too), then,
    for a case that is not plain ``--static``, how it was scanned.  The corrected case
    names the files it keeps as they were instead of repeating them, so the fix stands out."""
    ex = examples.get(code)
    if ex is None:
        return []
    bad, good = merged(ex.common, ex.bad), merged(ex.common, ex.good)

    def shown(own: Case, case: Case) -> dict[str, FileSpec]:
        return {**own.files, **{f"~/{p}": s for p, s in case.home.items()}}

    before = shown(ex.bad, bad)
    lines: list[str] = []
    for title, own, case in (("Example", ex.bad, bad), ("Corrected", ex.good, good)):
        lines += ["", f"{title}:"]
        files = shown(own, case)
        same = [p for p, s in files.items() if case is good and before.get(p) == s]
        stand_ins = [p for p, s in files.items() if is_stand_in(s) and p not in same]
        for path, spec in files.items():
            if path not in same and path not in stand_ins:
                lines += _file_block(path, spec)
        if stand_ins:
            lines += ["", "Installed tools (executables): " + ", ".join(f"`{p}`" for p in stand_ins) + "."]
        if same:
            lines += ["", "Unchanged: " + ", ".join(f"`{p}`" for p in same) + "."]
        gone = [p for p in before if p.startswith("~/") and p not in files] if case is good else []
        if gone:
            lines += ["", "Without " + ", ".join(f"`{p}`" for p in gone) + "."]
        words = scan_words(case)
        if words and (case is bad or words != scan_words(bad)):
            lines += ["", words]
    return lines


NO_EXAMPLE = (
    "A rule that needs more than the files is shown with the `$HOME` files (`~/...`) it was "
    "scanned with and the scan's command line."
)


def _missing(examples: dict[str, Example]) -> str:
    missing = sorted(set(load_all()) - set(examples))
    return NO_EXAMPLE + (f" Rules without an example yet: {', '.join(missing)}." if missing else "")


def render() -> str:
    from ideaudit.rules.examples import load_examples

    examples = load_examples()
    rules = sorted(load_all().values(), key=lambda r: ("EPRGMCVDJSLWXU".find(r.family), r.code))
    lines = [
        "# ideaudit rules",
        "",
        "Generated by `python -m ideaudit.report.rule_docs` from the rule registry; "
        "`ideaudit rule CODE` prints the same.",
        "",
        "Context kinds: `shell` your terminal, `terminal` the IDE's integrated terminal, "
        "`tools` the IDE's go/gopls/dlv, `tests` tests run from the IDE, `debug` a debug or "
        "run configuration that builds, `exec` one that runs what is already built (mode "
        "exec, core, replay), `attach` attaching to a running process (local or remote). "
        "A rule reports only in the kinds it applies to.",
        "",
        "Needs: what a rule reads beyond the committed files (`your shell`: your login "
        "shell or dotfiles; `a toolchain`: a go, dlv, gopls or C compiler on this machine; "
        "`a running IDE`: the IDE's own environment). `ideaudit scan --static` (CI, "
        "pre-commit) runs only the rules that need nothing but files.",
        "",
        "Each rule shows a minimal bad configuration and the corrected one "
        "(`ideaudit/rules/examples/`, checked by tests/test_rule_examples.py). " + _missing(examples),
        "",
        "| code | name | severity | applies to | needs | title |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| [{r.code}](#{r.code.lower()}) | {r.name} | {r.severity.value} | {kinds_text(r)} "
        f"| {needs_text(r)} | {r.title} |"
        for r in rules
    ]
    family = None
    for r in rules:
        if r.family != family:
            family = r.family
            lines += ["", f"## {family}: {FAMILIES.get(family, family)}"]
        lines += [
            "",
            f"### {r.code}",
            "",
            f"**{r.name}** ({r.severity.value}): {r.title}",
            "",
            f"Applies to: {kinds_text(r)}.",
            "",
            f"Needs: {needs_text(r)}." + ("" if r.static else " Skipped by `--static`."),
            "",
            r.explanation,
            "",
            f"Fix: {r.fix}",
            *_example(r.code, examples),
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

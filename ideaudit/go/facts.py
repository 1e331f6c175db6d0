"""The Go stage of a scan: ask each trusted ``go`` and read the module files.

Between building contexts and running rules, this stage (1) runs ``go env -json`` in
every context whose ``go`` may be executed (see :mod:`ideaudit.go.trust`) and attaches
the answer to the context, (2) reads ``go.mod``, ``vendor/modules.txt``, the ``go env
-w`` file and git's ``insteadOf`` rewrites.  The result is plain data for the rules.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from ideaudit._fast.record import field, record, replace
from ideaudit.go.boundary import apply_statically, bounded_env
from ideaudit.go.switch import ToolchainSwitch, static_error, toolchain_switch
from ideaudit.go.toolchain import go_build_version
from ideaudit.go.trust import folder_is_trusted, go_named_by_workspace, may_execute
from ideaudit.model import Context, Layer, Problem, ToolLookup
from ideaudit.sources.gitconfig import Rewrite, load_rewrites
from ideaudit.sources.goenvfile import GoEnvFileEntry, goenv_path, load_goenv_file
from ideaudit.sources.gomod import GoMod, Replace, VendoredModule, load_gomod, load_modules_txt
from ideaudit.workspace import find_go_mod


@record(frozen=True)
class Untrusted:
    """A context's ``go`` that was not executed because the workspace names it."""

    context_id: str
    lookup: ToolLookup
    named_by: Layer | ToolLookup | None


@record(frozen=True)
class ModuleInfo:
    gomod: GoMod
    vendored: tuple[VendoredModule, ...] | None  # None: no vendor/modules.txt
    # Directory replacements that cannot work: (replace, target, why), checked here so
    # the rule (M013) stays free of file-system reads.
    broken_replaces: tuple[tuple[Replace, str, str], ...] = ()


@record
class GoFacts:
    contexts: list[Context]
    shell: Context | None
    go_env_errors: dict[str, str] = field(default_factory=dict)
    untrusted: list[Untrusted] = field(default_factory=list)
    modules: list[ModuleInfo] = field(default_factory=list)
    goenv_files: dict[str, tuple[GoEnvFileEntry, ...]] = field(default_factory=dict)
    rewrites: tuple[Rewrite, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    trusted: bool = False
    # The Go version each dlv/gopls binary was built with (read from its build info).
    build_versions: dict[str, str | None] = field(default_factory=dict)
    # Contexts whose environment would make go exec another toolchain (X003).
    switches: list[ToolchainSwitch] = field(default_factory=list)


def collect(
    contexts: Sequence[Context],
    shell: Context | None,
    folders: Iterable[str],
    *,
    root: str,
    home: str,
    trust: bool,
    run_go: bool,
    cache_dir: str | None,
    refresh: bool = False,
) -> GoFacts:
    trusted = folder_is_trusted(root, home, trust)
    facts = GoFacts(list(contexts), shell, trusted=trusted)
    everyone = ([shell] if shell is not None else []) + list(contexts)
    shell_go = shell.tools["go"].path if shell is not None and "go" in shell.tools else None
    if shell is not None and shell_go is not None and go_named_by_workspace(shell, shell.tools["go"]):
        shell_go = None  # your terminal in this project finds go through the project's .envrc

    # Without trust, go runs under the environment the context inherited, with
    # GOTOOLCHAIN=local (see ideaudit.go.boundary); with trust, under its own.
    requests: list[tuple[str, dict[str, str]]] = []
    owners: list[str] = []
    for ctx in everyone:
        lookup = ctx.tools.get("go")
        if lookup is None or lookup.path is None:
            continue
        if may_execute(ctx, lookup, shell_go, trusted):
            requests.append((lookup.path, ctx.env.plain() if trusted else bounded_env(ctx)))
            owners.append(ctx.id)
        else:
            facts.untrusted.append(Untrusted(ctx.id, lookup, go_named_by_workspace(ctx, lookup)))
    if run_go and requests:
        from ideaudit.go.goenv import go_env_many

        results = go_env_many(requests, home=home, cache_dir=cache_dir, refresh=refresh)
        by_id = dict(zip(owners, results, strict=True))
        env_by_id = dict(zip(owners, (env for _, env in requests), strict=True))
        contexts_by_id = {c.id: c for c in everyone}
        for ctx_id, result in list(by_id.items()):
            error = result.error or (None if trusted else static_error(contexts_by_id[ctx_id]))
            if error:
                facts.go_env_errors[ctx_id] = error
                by_id[ctx_id] = replace(result, error=error)

        def attach(ctx: Context) -> Context:
            result = by_id.get(ctx.id)
            if result is None or result.error:
                return ctx
            values = (
                result.values if trusted else apply_statically(ctx, result.values, env_by_id[ctx.id], home)
            )
            return replace(ctx, go_env=values)

        facts.contexts = [attach(c) for c in contexts]
        facts.shell = attach(shell) if shell is not None else None

    for maybe in [facts.shell, *facts.contexts]:
        if maybe is None:
            continue
        ctx = maybe
        path = (ctx.go_env or {}).get("GOENV") or goenv_path(ctx.env.plain(), home)
        if path and path not in facts.goenv_files:
            facts.goenv_files[path] = tuple(load_goenv_file(path))

    folders = list(folders)
    seen: set[str] = set()
    for folder in folders:
        gomod_path = find_go_mod(folder)
        if gomod_path is None or gomod_path in seen:
            continue
        seen.add(gomod_path)
        gomod, problems = load_gomod(gomod_path)
        facts.problems.extend(problems)
        if gomod is None:
            continue
        modules_txt = os.path.join(gomod.folder, "vendor", "modules.txt")
        vendored = load_modules_txt(modules_txt)
        facts.modules.append(
            ModuleInfo(gomod, tuple(vendored) if vendored is not None else None, _broken_replaces(gomod))
        )
    roots = tuple(dict.fromkeys([root, *folders]))
    by_path = {m.gomod.path: m.gomod for m in facts.modules}
    for ctx in facts.contexts:
        gomod_path = find_go_mod(ctx.folder) if ctx.folder else None
        switch = toolchain_switch(ctx, roots, by_path.get(gomod_path) if gomod_path else None)
        if switch is not None:
            facts.switches.append(switch)
    facts.rewrites = tuple(load_rewrites(home))
    for ctx in facts.contexts:
        for tool in ("dlv", "gopls"):
            lookup = ctx.tools.get(tool)
            if lookup is not None and lookup.path and lookup.path not in facts.build_versions:
                facts.build_versions[lookup.path] = go_build_version(lookup.path)
    return facts


def _broken_replaces(gomod: GoMod) -> tuple[tuple[Replace, str, str], ...]:
    broken = []
    for rep in gomod.replaces:
        if not rep.is_directory:
            continue
        target = os.path.normpath(os.path.join(gomod.folder, rep.new))
        if not os.path.isfile(os.path.join(target, "go.mod")):
            broken.append((rep, target, "has no go.mod" if os.path.isdir(target) else "does not exist"))
    return tuple(broken)

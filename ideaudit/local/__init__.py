"""Project-local environments: what a terminal opened *in this project* adds.

Many Go projects set their environment where the project is, not in dotfiles: an
``.envrc`` that direnv loads on ``cd`` (often with Nix), a pinned Go version
(``.go-version``, ``.tool-versions``, ``mise.toml``, go.mod's ``toolchain``), or a dev
container whose ``devcontainer.json`` decides the environment.  An IDE loads none of
that unless an extension or plugin does.  This package finds those files (read
statically, with positions), runs ``direnv export`` for an ``.envrc`` the user already
allowed (the only thing here that executes, see :mod:`ideaudit.local.direnv`), works out
which IDE contexts load it, and builds the reference "your terminal in this project".

One module per job: ``envrc`` (static read), ``direnv`` (status and export), ``pins``
(version pins and mise's ``[env]``), ``devcontainer`` (devcontainer.json), ``plugins``
(the IDE extensions that load direnv) and ``stage`` (puts it together for the pipeline).
The rules are in :mod:`ideaudit.rules.l_local` and read only :class:`LocalFacts`.
"""

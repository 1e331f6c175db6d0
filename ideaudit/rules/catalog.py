"""The rule families: the one module that imports them.

Importing a family module runs its ``@rule`` decorators, which fill
:data:`ideaudit.rules.base.RULES`.  Families import only :mod:`ideaudit.rules.base` and
their helpers, never this module, so the registry stays a leaf and there is no circle
(as pre-commit's ``all_languages.py`` is the one table of its languages).  A new family
is a module under ``rules/`` plus one line here.
"""

from __future__ import annotations

from ideaudit.rules.base import RULES, Rule


def load_all() -> dict[str, Rule]:
    """Import every rule family module so their decorators run; returns the registry.

    The imports are inside the function so that importing the catalog (the CLI's
    ``rule`` command, the docs generator) costs nothing until the rules are wanted.
    """
    from ideaudit.rules import (  # noqa: F401
        c_cgo,
        d_debug,
        e_input,
        g_gopath,
        j_goland,
        l_devcontainer,
        l_local,
        l_pins,
        m_modules,
        p_path,
        r_goroot,
        s_shell,
        u_suppress,
        v_vscode,
        w_watch,
        x_secrets,
    )

    return RULES

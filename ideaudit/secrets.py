"""Compatibility shim: the secret-redaction helpers now live in :mod:`ideaudit.redact`.

``ideaudit/secrets.py`` shadowed the standard library's ``secrets`` module by name; the
code moved to ``redact.py`` and this module only re-exports its public names so imports
written against ``ideaudit.secrets`` keep working.  New code imports ``ideaudit.redact``.
"""

from __future__ import annotations

from ideaudit.redact import (
    MASK,
    env_secrets,
    is_flagged,
    is_secret_name,
    known_secrets,
    longest_first,
    looks_like_secret_value,
    redact_diff,
    redact_text,
    redact_value,
    scrub_report,
)

__all__ = [
    "MASK",
    "env_secrets",
    "is_flagged",
    "is_secret_name",
    "known_secrets",
    "longest_first",
    "looks_like_secret_value",
    "redact_diff",
    "redact_text",
    "redact_value",
    "scrub_report",
]

"""The default cache folder is the one platformdirs names, without importing it."""

from __future__ import annotations

import pytest

from ideaudit.shell.cache import default_cache_dir


@pytest.mark.parametrize("xdg", [None, "/tmp/xdg-cache-test", "  "])
def test_default_cache_dir_matches_platformdirs(monkeypatch: pytest.MonkeyPatch, xdg: str | None) -> None:
    import platformdirs

    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert default_cache_dir() == platformdirs.user_cache_dir("ideaudit")

"""Desktop notifications for ``ideaudit watch --notify``, through ``notify-send``.

``notify-send`` (libnotify) is what every Linux desktop understands; calling it is
simpler and lighter than a D-Bus library.  Where it is missing (macOS, a server) the
watcher says so once and carries on: a notification is a convenience, never a reason to
fail.  Callers pass text that is already redacted.
"""

from __future__ import annotations

import shutil
import subprocess

__all__ = ["Notifier"]


class Notifier:
    """Sends notifications; ``available`` is False when there is no ``notify-send``."""

    def __init__(self, program: str | None = None) -> None:
        self.program = program or shutil.which("notify-send")

    @property
    def available(self) -> bool:
        return self.program is not None

    def send(self, title: str, body: str, *, urgent: bool = False) -> bool:
        """Show a notification; False when it could not be shown (never raises)."""
        if self.program is None:
            return False
        argv = [self.program, "--app-name=ideaudit", f"--urgency={'critical' if urgent else 'normal'}"]
        try:
            done = subprocess.run(
                [*argv, "--", title, body],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=5,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return False
        return done.returncode == 0

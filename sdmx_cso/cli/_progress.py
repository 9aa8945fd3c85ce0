"""One status line on stderr for long work, drawn only on a terminal.

``sdmx-cso validate`` and ``convert`` pass a `StatusLine` to the library as its progress
callback. It rewrites one line in place (carriage return, erase to end of line) and erases it
when the work is done, so nothing of it remains in a terminal's scroll-back, in a log or in
piped output. It draws nothing unless stderr is a terminal, or ``--progress`` forces it.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

import sdmx_cso
import sdmx_cso.pipeline

__all__ = ["StatusLine", "status_line"]

#: Seconds between two redraws of the line.
_INTERVAL = 0.1


class StatusLine:
    """A progress callback that draws the current stage on one terminal line."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._drawn = False
        self._last = 0.0
        self._started = time.monotonic()

    def __call__(self, event: sdmx_cso.pipeline.ProgressEvent) -> None:
        if event.stage == "done":
            self.close()
            return
        now = time.monotonic()
        if event.stage == "write" and now - self._last < _INTERVAL:
            return
        self._last = now
        self._draw(f"{_describe(event)} [{now - self._started:.1f} s]")

    def _draw(self, text: str) -> None:
        self._stream.write(f"\r\x1b[K{text}")
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the line."""
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn = False


def _describe(event: sdmx_cso.pipeline.ProgressEvent) -> str:
    name = f" {event.path}" if event.path else ""
    if event.stage == "read":
        return f"reading{name}…"
    if event.stage == "validate":
        return f"validating {event.done:,} rows…"
    return f"writing{name}: {event.done / 2**20:,.1f} MB"


def status_line(enabled: bool | None, stream: TextIO | None = None) -> StatusLine | None:
    """A `StatusLine` on stderr if ``enabled`` (``None``: if stderr is a terminal)."""
    stream = stream or sys.stderr
    if enabled is None:
        enabled = stream.isatty()
    return StatusLine(stream) if enabled else None

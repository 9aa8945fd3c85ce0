"""Progress of long work (reading, validating, writing), reported to an optional callback.

The library reports; it never prints. ``sdmx-cso`` draws the reports as one status line on
stderr when stderr is a terminal (``--progress/--no-progress`` overrides the choice).

A callback receives `ProgressEvent` events in order: ``read`` when reading starts, ``validate``
with the number of rows read, ``write`` as the output grows (bytes, at least every
`WRITE_STEP` bytes, then once at the end), and ``done``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, Literal

__all__ = ["WRITE_STEP", "Progress", "ProgressEvent", "ProgressWriter", "notify"]

Stage = Literal["read", "validate", "write", "done"]

#: Bytes written between two ``write`` events.
WRITE_STEP = 1 << 20


@dataclass(frozen=True)
class ProgressEvent:
    """One step of the work.

    Attributes:
        stage: ``read``, ``validate``, ``write`` or ``done``.
        done: rows read (``validate``) or bytes written so far (``write``); 0 otherwise.
        path: the file being read or written, when there is one.
    """

    stage: Stage
    done: int = 0
    path: str | None = None


Progress = Callable[[ProgressEvent], None]
"""A callback that receives progress events."""


def notify(progress: Progress | None, stage: Stage, done: int = 0, path: Any = None) -> None:
    """Report one event to ``progress``, if there is a callback."""
    if progress is not None:
        progress(ProgressEvent(stage, done, None if path is None else str(path)))


class ProgressWriter:
    """A binary stream that passes writes on and reports ``write`` events as bytes go out."""

    def __init__(self, out: BinaryIO, progress: Progress, path: Any = None) -> None:
        self._out = out
        self._progress = progress
        self._path = None if path is None else str(path)
        self.written = 0
        self._next = WRITE_STEP

    def write(self, data: Any) -> int:
        """Write ``data`` to the wrapped stream, counting its bytes."""
        count = self._out.write(data)
        self.written += len(data) if count is None else count
        if self.written >= self._next:
            self._next = self.written + WRITE_STEP
            self._progress(ProgressEvent("write", self.written, self._path))
        return len(data) if count is None else count

    def flush(self) -> None:
        """Flush the wrapped stream."""
        self._out.flush()

    def finish(self) -> None:
        """Report the final size."""
        self._progress(ProgressEvent("write", self.written, self._path))

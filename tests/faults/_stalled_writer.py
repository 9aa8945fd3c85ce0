"""Child process of the kill-during-write tests: writes one output and stalls mid-write.

``python _stalled_writer.py SPEC`` (SPEC: JSON) runs one of sdmx_cso's writers on the real
atomic output, but through a stream that, after the first chunk has reached the file (flushed
and fsynced), writes ``R`` to the file descriptor ``ready_fd`` and waits to be killed. The
parent reads ``R`` and sends SIGKILL: the kill lands while the output is half-written, every
time, without relying on timing.

SPEC keys: ``kind`` (data, metadata, structures, xsd, read), ``format``, ``target``,
``source`` (a submission package, or the message to read) and ``ready_fd``.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import sdmx_cso
import sdmx_cso.pipeline
import sdmx_cso.schemas
import sdmx_cso.structures
from sdmx_cso.io import atomic

#: Modules that open outputs with ``atomic_output`` (imported by name).
WRITERS = ("sdmx_cso.output", "sdmx_cso.message", "sdmx_cso.bridge", "sdmx_cso.bridge.foreign")


class StallingStream:
    """A stream that passes the first write on, makes it durable, signals, then waits."""

    def __init__(self, inner: BinaryIO, ready_fd: int) -> None:
        self._inner = inner
        self._ready_fd = ready_fd

    def write(self, data: bytes) -> int:
        self._inner.write(data)
        self._inner.flush()
        os.fsync(self._inner.fileno())
        assert self._inner.tell() > 0
        os.write(self._ready_fd, b"R")
        threading.Event().wait(120)  # the parent kills us long before
        os._exit(97)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def install(ready_fd: int) -> None:
    real = atomic.atomic_output

    @contextlib.contextmanager
    def stalling(path: str | Path) -> Iterator[Any]:
        with real(path) as out:
            yield StallingStream(out, ready_fd)

    for name in WRITERS:
        importlib.import_module(name).atomic_output = stalling  # type: ignore[attr-defined]


def run(spec: dict[str, Any]) -> None:
    kind, fmt, target = spec["kind"], spec["format"], Path(spec["target"])
    if kind == "read":
        from sdmx_cso.cli import main

        main(["read", spec["source"], "--to", fmt, "-o", str(target)])
        return
    dataset = sdmx_cso.load(spec["source"])
    if kind == "data":
        sdmx_cso.pipeline.write_data(dataset, target, format=fmt)
    elif kind == "metadata":
        sdmx_cso.pipeline.write_metadata(dataset, target, format=fmt)
    elif kind == "structures":
        sdmx_cso.structures.export_structures(target, format=fmt, dataset=dataset)
    elif kind == "xsd":
        sdmx_cso.schemas.export_xsd(target, version=fmt, dataset=dataset)
    else:
        raise ValueError(kind)


if __name__ == "__main__":
    SPEC = json.loads(sys.argv[1])
    install(int(SPEC["ready_fd"]))
    run(SPEC)
    sys.exit(98)  # finished without stalling: the parent reports it

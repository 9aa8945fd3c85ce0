"""A writer killed or failing mid-write leaves the previous file intact and nothing else.

For every output sdmx_cso writes — the six data formats, the two reference-metadata formats,
the three structure formats, the DSD-specific XSDs (2.1 and 3.0) and ``sdmx-cso read --to
csv|json`` — a previous version of the target exists; then

- a child process starts writing the new version and is killed with SIGKILL while the output
  is half-written (``_stalled_writer.py``: after the first chunk has reached the disk, the
  child signals through a pipe and waits; the parent kills it on that signal, not after a
  guessed delay);
- in-process, the output stream raises (a full disk) after its first chunk.

Either way the previous file is byte-identical and the folder holds nothing else: no
temporary or partial file (``sdmx_cso.io.atomic`` writes to a nameless file until the
output is complete).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pytest

import sdmx_cso
import sdmx_cso.examples
import sdmx_cso.pipeline
import sdmx_cso.schemas
import sdmx_cso.structures
from sdmx_cso.io import atomic

CHILD = Path(__file__).with_name("_stalled_writer.py")
PREVIOUS = b"<previous version/>\n" * 200 + "ünïcode ✓\n".encode()

CASES = [
    *(("data", fmt) for fmt in sorted(sdmx_cso.pipeline.DATA_FORMATS)),
    *(("metadata", fmt) for fmt in sorted(sdmx_cso.pipeline.METADATA_FORMATS)),
    *(("structures", fmt) for fmt in sorted(sdmx_cso.structures.STRUCTURE_FORMATS)),
    ("xsd", "2.1"),
    ("xsd", "3.0"),
    ("read", "csv"),
    ("read", "json"),
]
IDS = [f"{kind}-{fmt}" for kind, fmt in CASES]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Kenyan example as a submission, and as an SDMX-CSV message to read back."""
    base = tmp_path_factory.mktemp("sources")
    package = sdmx_cso.examples.write_example("kenya-disability-survey", base)
    done = sdmx_cso.convert(package, to="sdmx-csv-2.0", output=base / "kenya.csv")
    assert done.data is not None
    return {"submission": package, "message": done.data}


def case_target(tmp_path: Path, kind: str, fmt: str) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / {"read": f"table.{fmt}", "structures": "structures.xml"}.get(
        kind, "output.xml"
    )
    target.write_bytes(PREVIOUS)
    return target


def assert_untouched(target: Path) -> None:
    assert target.read_bytes() == PREVIOUS
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and a nameless temporary file: POSIX")
@pytest.mark.parametrize(("kind", "fmt"), CASES, ids=IDS)
def test_sigkill_mid_write_keeps_the_previous_file(kind, fmt, sources, tmp_path):
    target = case_target(tmp_path, kind, fmt)
    source = sources["message" if kind == "read" else "submission"]
    ready, signal_end = os.pipe()
    spec = {"kind": kind, "format": fmt, "target": str(target), "source": str(source),
            "ready_fd": signal_end}  # fmt: skip
    log = tmp_path / "child.log"
    with log.open("wb") as err:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), json.dumps(spec)],
            pass_fds=(signal_end,),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    os.close(signal_end)
    try:
        readable, _, _ = select.select([ready], [], [], 120)
        got = os.read(ready, 1) if readable else b""
        assert got == b"R", f"the child did not start writing:\n{log.read_text()}"
        child.send_signal(signal.SIGKILL)  # mid-write: the child waits after its first chunk
        assert child.wait(timeout=60) == -signal.SIGKILL
    finally:
        os.close(ready)
        if child.poll() is None:
            child.kill()
            child.wait()
    assert_untouched(target)


# -- an exception mid-write -------------------------------------------------------------------


class FailingStream:
    """Passes the first chunk on, then fails as a full disk does."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner
        self.writes = 0

    def write(self, data: bytes) -> int:
        self.writes += 1
        if self.writes > 1 or len(data) > 64:
            if self.writes == 1:  # a single write: let part of it through first
                self._inner.write(data[:64])
                self._inner.flush()
            raise OSError(errno.ENOSPC, "No space left on device (simulated)")
        written = self._inner.write(data)
        self._inner.flush()
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.fixture
def failing_outputs(monkeypatch: pytest.MonkeyPatch) -> list[FailingStream]:
    streams: list[FailingStream] = []
    real = atomic.atomic_output

    @contextlib.contextmanager
    def failing(path: str | Path) -> Iterator[Any]:
        with real(path) as out:
            stream = FailingStream(out)
            streams.append(stream)
            yield stream

    for name in (
        "sdmx_cso.output",
        "sdmx_cso.message",
        "sdmx_cso.bridge",
        "sdmx_cso.bridge.foreign",
    ):
        monkeypatch.setattr(f"{name}.atomic_output", failing)
    return streams


@pytest.mark.parametrize(("kind", "fmt"), CASES, ids=IDS)
def test_exception_mid_write_keeps_the_previous_file(kind, fmt, sources, tmp_path, failing_outputs):
    target = case_target(tmp_path, kind, fmt)
    if kind == "read":
        table = sdmx_cso.read(sources["message"])
        write = lambda: table.save(target, to=fmt)  # noqa: E731
    else:
        dataset = sdmx_cso.load(sources["submission"])
        write = lambda: run_writer(kind, fmt, dataset, target)  # noqa: E731
    with pytest.raises(OSError, match="simulated") as raised:
        write()
    assert raised.value.errno == errno.ENOSPC
    assert failing_outputs, "the writer did not go through atomic_output"
    assert_untouched(target)


def run_writer(kind: str, fmt: str, dataset: sdmx_cso.CommunityDataset, target: Path) -> None:
    if kind == "data":
        sdmx_cso.pipeline.write_data(dataset, target, format=fmt)
    elif kind == "metadata":
        sdmx_cso.pipeline.write_metadata(dataset, target, format=fmt)
    elif kind == "structures":
        sdmx_cso.structures.export_structures(target, format=fmt, dataset=dataset)
    else:
        sdmx_cso.schemas.export_xsd(target, version=fmt, dataset=dataset)  # type: ignore[arg-type]


def test_the_cli_reports_a_failed_write_and_keeps_the_previous_file(
    sources, tmp_path, failing_outputs, capsys
):
    from sdmx_cso.cli import main

    target = case_target(tmp_path, "read", "csv")
    assert main(["read", str(sources["message"]), "-o", str(target)]) == 3
    assert "No space left on device" in capsys.readouterr().err
    assert_untouched(target)


# -- both ways of naming the finished file ----------------------------------------------------


@pytest.mark.parametrize("link", [True, False], ids=["linked", "copied"])
def test_a_finished_output_is_named_by_link_or_by_copy(link, tmp_path, monkeypatch):
    """Linked (Linux O_TMPFILE through /proc) where possible, else copied: same result."""
    if not link:
        monkeypatch.setattr(atomic.os, "link", _refuse)
    target = tmp_path / "out.bin"
    target.write_bytes(PREVIOUS)
    payload = os.urandom(3 * atomic._CHUNK + 17)
    with atomic.atomic_output(target) as out:
        out.write(payload)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]  # nameless meanwhile
    assert target.read_bytes() == payload
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def _refuse(*args: object, **kwargs: object) -> None:
    raise OSError(errno.EXDEV, "refused")

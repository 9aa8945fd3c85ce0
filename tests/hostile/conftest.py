"""Fixtures of the hostile-input corpus: a valid submission and message to spoil, the CLI.

Every hostile case runs the ``sdmx-cso`` command either in this process (fast) or, where a
bomb could take the machine down if a guard failed, as a subprocess with its address space
limited to :data:`MEMORY_LIMIT` and a :data:`TIMEOUT` that only catches hangs.
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from builders import kenya_rows

import sdmx_cso
import sdmx_cso.examples
from sdmx_cso.cli import main

#: Address space of a CLI subprocess: a bomb that got through fails the test, not the machine.
MEMORY_LIMIT = 2 * 1024**3
#: Seconds before a subprocess counts as hung (never a performance assertion).
TIMEOUT = 60
#: Keep pyarrow's and glibc's reserved-but-unused address space small, so that
#: MEMORY_LIMIT measures memory actually used (pyarrow's default pool reserves >1 GB).
LEAN_ENV = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2", "OMP_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Run:
    """The outcome of one ``sdmx-cso`` run."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def _limit_memory() -> None:  # pragma: no cover (runs in the child)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_bounded(*args: str | Path, cwd: Path | None = None) -> Run:
    """Run the installed ``sdmx-cso`` in a subprocess, memory-limited, with a hang timeout."""
    exe = Path(sys.executable).with_name("sdmx-cso")
    result = subprocess.run(
        [str(exe), *map(str, args)],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=TIMEOUT,
        check=False,
        preexec_fn=_limit_memory,
        env={**os.environ, **LEAN_ENV},
        cwd=cwd,
    )
    run = Run(result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in run.text
    assert "Internal error" not in run.text
    return run


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``sdmx-cso`` in this process; never a traceback, never an internal error."""

    def call(*args: str | Path) -> Run:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        run = Run(code, captured.out, captured.err)
        assert "Traceback" not in run.text
        assert "Internal error" not in run.text
        return run

    return call


@dataclass(frozen=True)
class Base:
    """The Kenyan example: its data rows (header first) and metadata file."""

    rows: list[list[str]]
    metadata: bytes

    @property
    def csv(self) -> bytes:
        return ("\n".join(",".join(row) for row in self.rows) + "\n").encode("utf-8")

    def with_cells(self, changes: dict[tuple[int, str], str]) -> list[list[str]]:
        """The rows with some cells replaced: ``{(row index, column ID): value}``."""
        rows = [list(row) for row in self.rows]
        for (index, column), value in changes.items():
            rows[index][rows[0].index(column)] = value
        return rows


@pytest.fixture(scope="session")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    rows, metadata = kenya_rows(tmp_path_factory.mktemp("base"))
    return Base(rows, metadata)


@pytest.fixture(scope="session")
def message(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SDMX-ML 2.1 structure-specific message of ours (its reference metadata beside)."""
    folder = tmp_path_factory.mktemp("message")
    example = sdmx_cso.examples.write_example("kenya-disability-survey", folder)
    return sdmx_cso.convert(example, to="sdmx-ml-2.1", output=folder / "kenya.xml").data  # type: ignore[return-value]


def refuses_to_convert(
    run: Callable[..., Run], submission: Path, code: int, tmp_path: Path, *extra: str
) -> Run:
    """Check that ``convert`` refuses ``submission`` with exit ``code`` and writes nothing.

    Without an output file there is none afterwards; an output file already there is left
    exactly as it was; no temporary file is left beside it. Returns the first run.
    """
    out_dir = tmp_path / "converted"
    out_dir.mkdir(exist_ok=True)
    target = out_dir / "out.xml"
    first = run("convert", submission, *extra, "--to", "sdmx-ml-2.1", "-o", target)
    assert first.code == code, first.text
    assert not target.exists()
    assert list(out_dir.iterdir()) == []
    target.write_bytes(b"previous output")
    again = run("convert", submission, *extra, "--to", "sdmx-ml-2.1", "-o", target)
    assert again.code == code
    assert target.read_bytes() == b"previous output"
    assert [p.name for p in out_dir.iterdir()] == ["out.xml"]
    target.unlink()
    return first


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections (none may ever come)."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()

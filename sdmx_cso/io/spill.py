"""Put observations in key order without holding them all: an external merge sort.

SDMX messages group observations by series, so the writers need the dataset in key order
(`sdmx_cso.model.columns.sort_observations`), while the batch pipeline produces it in the
submission's order, a batch at a time. `SortedSpill` takes the batches and gives them back
in key order:

* while the observations fit in ``memory_rows``, they stay in memory and are sorted once,
  exactly as a whole table is (small and medium submissions never touch the disk);
* beyond that, each ``memory_rows`` are sorted and written to a *run*, an Arrow IPC file
  in a temporary folder, and a sample of their keys is kept. At the end,
  splitters drawn from the samples cut the key space into parts of about ``memory_rows``
  observations; for each part in turn, the rows below its splitter are read from the
  front of every run (runs are sorted, so these are a prefix), sorted, and handed on.

Memory holds one part (and its sort) plus one record batch per run; the disk holds the
runs, about the size of the observations in Arrow, removed when the spill is closed.
Runs and parts are sorted on one string per row, the key columns joined with U+001F, which
sorts below every character a code or a period can hold, so the order is the column-wise
order of `sort_observations` (a missing value stands as U+10FFFF, last, as nulls sort).
Runs are plain Arrow IPC: compressing them (LZ4) made the sort three times slower for a
quarter of the disk (measured on 30,000 observations: 0.27 s against 0.08 s, 6 MB against
23 MB).
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

from sdmx_cso.model.columns import sort_observations
from sdmx_cso.standard import get_standard

__all__ = ["MEMORY_ROWS", "SortedSpill", "row_keys"]

#: Observations held in memory before the sort spills to disk (20,000 rather than 30,000:
#: about 30 MiB less peak memory at a million observations, no slower).
MEMORY_ROWS = 20_000
#: Rows per record batch of a run (read back one at a time).
_RUN_BATCH = 256
#: One key in this many is kept as a sample for the splitters.
_SAMPLE_EVERY = 128
_KEY = "__sdmx_cso_key"
_SEP = "\x1f"
#: Stands for a missing key value: sorts after every text, as nulls do in a sort.
_LAST = "\U0010ffff"


class SortedSpill:
    """Observations added in any order, given back in key order in bounded memory.

    Use as a context manager (the temporary folder is removed on exit)::

        with SortedSpill() as spill:
            for table in derived_batches:
                spill.add(table)
            for table in spill.tables():
                write(table)

    Args:
        memory_rows: observations sorted in memory at a time.
        directory: where the temporary folder of runs goes (default: the system's).
        key: each row's sort key as one string (default: the key columns, so key order);
            the disclosure stage sorts by group first.
    """

    def __init__(
        self,
        *,
        memory_rows: int = MEMORY_ROWS,
        directory: str | Path | None = None,
        key: Callable[[pa.Table], pa.Array | pa.ChunkedArray] | None = None,
    ):
        if memory_rows < 1:
            raise ValueError("memory_rows must be at least 1")
        self._key = key
        self.memory_rows = memory_rows
        self._directory = directory
        self._folder: Path | None = None
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self._runs: list[Path] = []
        self._samples: list[str] = []
        self.rows = 0

    def __enter__(self) -> SortedSpill:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def runs(self) -> int:
        """How many sorted runs went to disk (0 when everything fitted in memory)."""
        return len(self._runs)

    def add(self, table: pa.Table) -> None:
        """Take some observations (canonical schema, any order)."""
        if not table.num_rows:
            return
        self._buffer.append(table)
        self._buffered += table.num_rows
        self.rows += table.num_rows
        if self._buffered > self.memory_rows:
            self._spill()

    def tables(self) -> Iterator[pa.Table]:
        """Every observation added, in key order, in tables of about ``memory_rows``."""
        if not self._runs:
            if self._buffer:
                table = pa.concat_tables(self._buffer)
                if self._key is None:
                    yield sort_observations(table)
                else:
                    yield table.take(pc.sort_indices(self._key(table)))
            return
        if self._buffer:
            self._spill()
        splitters = self._splitters()
        cursors = [_Run(path) for path in self._runs]
        try:
            for splitter in [*splitters, None]:
                parts = [part for cursor in cursors for part in cursor.below(splitter)]
                if parts:
                    part = pa.concat_tables(parts)
                    del parts
                    order = pc.sort_indices(part.column(_KEY))
                    part = part.drop_columns([_KEY]).take(order)
                    del order
                    yield part
                    del part
        finally:
            for cursor in cursors:
                cursor.close()

    def close(self) -> None:
        """Remove the runs."""
        self._buffer = []
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        self._runs = []

    def _spill(self) -> None:
        table = pa.concat_tables(self._buffer)
        self._buffer, self._buffered = [], 0
        keys = row_keys(table) if self._key is None else self._key(table)
        order = pc.sort_indices(keys)
        run, keys = table.take(order), keys.take(order)
        del table, order
        self._samples += keys.take(pa.array(range(0, len(keys), _SAMPLE_EVERY))).to_pylist()
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="sdmx-cso-sort-", dir=self._directory))
        path = self._folder / f"run-{len(self._runs):05d}.arrow"
        run = run.append_column(_KEY, keys)
        with ipc.new_file(str(path), run.schema) as writer:
            writer.write_table(run, max_chunksize=_RUN_BATCH)
        self._runs.append(path)
        del run, keys

    def _splitters(self) -> list[str]:
        """Keys that cut the observations into parts of about ``memory_rows``."""
        parts = math.ceil(self.rows / self.memory_rows)
        samples = sorted(self._samples)
        if parts < 2 or not samples:
            return []
        chosen = [samples[len(samples) * i // parts] for i in range(1, parts)]
        return sorted(set(chosen))


def row_keys(table: pa.Table) -> pa.ChunkedArray:
    """Each row's key as one string that sorts as the key columns do."""
    dsd = get_standard().dsd
    columns = [
        pc.fill_null(table.column(n), _LAST) for n in (*dsd.dimension_ids, dsd.time_dimension.id)
    ]
    return pc.binary_join_element_wise(*columns, _SEP)


class _Run:
    """Reading a sorted run from the front, a record batch at a time."""

    def __init__(self, path: Path) -> None:
        self._file = pa.OSFile(str(path))
        self._reader = ipc.open_file(self._file)
        self._next = 0
        self._batch: pa.RecordBatch | None = None

    def below(self, splitter: str | None) -> Iterator[pa.Table]:
        """The run's next rows whose key is below ``splitter`` (all of them for ``None``)."""
        while True:
            if self._batch is None or not len(self._batch):
                if self._next >= self._reader.num_record_batches:
                    return
                self._batch = self._reader.get_batch(self._next)
                self._next += 1
            batch = self._batch
            if splitter is None or batch.column(_KEY)[-1].as_py() < splitter:
                count = len(batch)  # the whole batch is below (Python and Arrow both
                # compare strings by code point)
            else:
                count = pc.sum(pc.less(batch.column(_KEY), splitter)).as_py() or 0
            if count:
                yield pa.Table.from_batches([batch.slice(0, count)])
            self._batch = batch.slice(count)
            if count < len(batch):
                return

    def close(self) -> None:
        self._file.close()

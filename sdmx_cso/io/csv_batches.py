"""Read a CSV data file a record batch at a time, for the batch pipeline.

Arrow's streaming CSV reader parses the file in blocks; each block becomes a table of text
columns cleaned exactly as the whole-file reader cleans them (`sdmx_cso.io.tables`): cells
trimmed, empty ones null, stray spaces in codes a warning, cells longer than a spreadsheet
cell refused. Only the current block is in memory.

Streaming covers what nearly every real file is: UTF-8 (with or without a BOM), one header
line, every row as wide as the header and none blank. Anything else (another encoding,
ragged or blank rows, control characters) raises `NotStreamable`, possibly after some
batches, and the caller reads the file whole instead, which numbers such rows as a
spreadsheet does and reports them: the result is the same, only the memory differs.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.errors import ReadError
from sdmx_cso.io._fast_csv import clean_columns, parse_text_csv
from sdmx_cso.io._limits import MAX_CELL_CHARS, MAX_COLUMNS
from sdmx_cso.io.tables import _check_header, _free_text_columns, _normalise, _sniff, _too_long

__all__ = ["BLOCK_BYTES", "CsvHeader", "NotStreamable", "csv_header", "csv_tables"]

#: Bytes of the file parsed at a time (a batch holds the rows of one block).
BLOCK_BYTES = 2 * 1024 * 1024
_SAMPLE = 64 * 1024
_UTF = frozenset({"utf-8", "utf8", "utf_8", "utf-8-sig", "utf_8_sig"})
#: Bytes that are control characters (all but tab, LF and CR).
_CONTROL = np.zeros(256, dtype=bool)
_CONTROL[[*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]] = True


class NotStreamable(Exception):
    """The file needs the whole-file reader (see the module's docstring for when)."""


class CsvHeader:
    """What the first line of a streamable CSV file says."""

    def __init__(self, names: list[str], columns: dict[str, str], delimiter: str) -> None:
        self.names = names
        self.columns = columns
        self.delimiter = delimiter


def csv_header(
    path: Path, *, encoding: str | None = None, delimiter: str | None = None
) -> CsvHeader:
    """The header of ``path`` and its delimiter.

    Raises:
        NotStreamable: the file is not one the streaming reader takes.
        ReadError: the header is one no reader takes (as the whole-file reader says).
    """
    if encoding is not None and encoding.lower() not in _UTF:
        raise NotStreamable("encoding")
    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise NotStreamable("UTF-16 or UTF-32")
    sample = sample.removeprefix(codecs.BOM_UTF8)
    end = sample.find(b"\n")
    last = sample.rfind(b"\n")
    if end < 0:
        raise NotStreamable("no data line in the first block")
    try:
        text = sample[: last + 1].decode("utf-8")
    except UnicodeDecodeError:
        raise NotStreamable("not UTF-8") from None
    line = sample[:end].decode("utf-8").rstrip("\r")  # `end` counts bytes, not characters
    if '"' in line or "\r" in line or _CONTROL[np.frombuffer(sample[:end], dtype=np.uint8)].any():
        raise NotStreamable("a quoted or odd header")
    delimiter = delimiter or ("\t" if path.suffix.lower() == ".tsv" else _sniff(text))
    if len(delimiter) != 1:
        raise NotStreamable("a delimiter of several characters")
    if line.count(delimiter) >= MAX_COLUMNS:
        raise ReadError(
            f"the header has more than {MAX_COLUMNS} columns: not a data table", path=path, row=1
        )
    header = next(csv.reader([line], delimiter=delimiter))
    _check_header(header, path=str(path))
    names = _normalise(header)
    if not all(names) or len(set(names)) != len(names):
        raise NotStreamable("empty or repeated column names")
    columns: dict[str, str] = {}
    for name, typed in zip(names, header, strict=True):
        columns.setdefault(name, typed.strip())
    return CsvHeader(names, columns, delimiter)


def csv_tables(
    path: Path, header: CsvHeader, *, block_bytes: int = BLOCK_BYTES
) -> Iterator[tuple[pa.Table, int, list[Any]]]:
    """The rows of ``path``, a block at a time: ``(table, first row, read problems)``.

    The first row is the spreadsheet row of the table's first row (the header is row 1).
    Blocks are cut at the end of a record (`_cut`) and parsed by Arrow one by one, so that
    only one block is in memory (Arrow's own streaming reader reads ahead without bound).

    Raises:
        NotStreamable: a row the whole-file reader must number (ragged, blank), a byte
            that is no text, a quote it cannot place, or not UTF-8 (possibly after some
            tables were given).
        ReadError: a cell longer than a spreadsheet cell.
    """
    first_row = 2
    free_text = _free_text_columns()
    for block in _blocks(path, header.delimiter, block_bytes):
        table = _parse(block, header)
        for name in header.names:
            _check_bytes(table.column(name))
        cleaned = clean_columns(
            table, names=header.names, path=str(path), free_text=free_text, first_row=first_row
        )
        if cleaned is None:
            raise NotStreamable("blank rows")
        columns, problems = cleaned
        for name, column in zip(header.names, columns, strict=True):
            _check_length(column, path=path, first_row=first_row, name=name)
        yield pa.Table.from_arrays(columns, names=header.names), first_row, problems
        first_row += table.num_rows


def _blocks(path: Path, delimiter: str, block_bytes: int) -> Iterator[bytes]:
    """The file after its header line, in pieces of about ``block_bytes`` whole records."""
    limit = 8 * max(block_bytes, _SAMPLE)
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE).removeprefix(codecs.BOM_UTF8)
        pending = head[head.index(b"\n") + 1 :]
        eof = False
        while pending or not eof:
            while not eof and len(pending) < block_bytes:
                more = handle.read(block_bytes - len(pending))
                eof = not more
                pending += more
            if eof and len(pending) <= block_bytes:
                if pending:
                    yield pending  # the last records: Arrow parses them as the whole file
                return
            cut = _cut(pending, delimiter.encode())
            if cut < 0:  # no record ends in it: read on, up to a bound
                if eof:
                    yield pending
                    return
                if len(pending) > limit:
                    raise NotStreamable("a record longer than several blocks")
                more = handle.read(block_bytes)
                eof = not more
                pending += more
                continue
            yield pending[: cut + 1]
            pending = pending[cut + 1 :]


def _cut(data: bytes, delimiter: bytes) -> int:
    """The last line feed of ``data`` outside quotes (-1 if none).

    Inside or outside quotes is the parity of the quotes before: exact when every quote
    opens a field, closes it, or is doubled inside it (RFC 4180). A quote anywhere else
    (``5" tall``) makes the parity meaningless: the file is then read whole.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(raw == 0x22)
    if len(quotes):
        opening = quotes[0::2]  # even number of quotes before: opens (or ends a pair)
        closing = quotes[1::2]
        before = raw[np.maximum(opening - 1, 0)]
        after = raw[np.minimum(closing + 1, len(raw) - 1)]
        bounds = np.array([delimiter[0], 0x0A, 0x0D, 0x22], dtype=np.uint8)
        ok_open = np.isin(before, bounds) | (opening == 0)
        ok_close = np.isin(after, bounds) | (closing == len(raw) - 1)
        if not (ok_open.all() and ok_close.all()):
            raise NotStreamable("a quote inside an unquoted field")
    newlines = np.flatnonzero(raw == 0x0A)
    if not len(newlines):
        return -1
    inside = np.searchsorted(quotes, newlines) % 2 == 1  # odd number of quotes before
    outside = newlines[~inside]
    return int(outside[-1]) if len(outside) else -1


def _parse(block: bytes, header: CsvHeader) -> pa.Table:
    """One block of whole records as text columns (cells as they are)."""
    if not block.isascii():
        try:  # Arrow would fail on it too, but in a ragged row only after printing an error
            block.decode("utf-8")  # (its handler of such rows decodes them unchecked)
        except UnicodeDecodeError:
            raise NotStreamable("not UTF-8") from None
    parsed = parse_text_csv(pa.py_buffer(block), names=header.names, delimiter=header.delimiter)
    if parsed is None:
        raise NotStreamable("Arrow cannot parse a block")
    table, unclean = parsed
    if unclean:
        raise NotStreamable("ragged or blank rows")
    return table


def _chunks(column: pa.ChunkedArray) -> Iterator[tuple[pa.Array, Any, Any]]:
    """Each non-empty chunk, its value offsets and its UTF-8 bytes."""
    for chunk in column.chunks:
        _, offsets, data = chunk.buffers()
        if data is None or not len(chunk):
            continue
        n = chunk.offset + len(chunk) + 1
        bounds = np.frombuffer(offsets, dtype=np.int32)[chunk.offset : n]
        yield chunk, bounds, np.frombuffer(data, dtype=np.uint8)[bounds[0] : bounds[-1]]


def _check_bytes(column: pa.ChunkedArray) -> None:
    """Hand text with control characters over to the whole-file reader (which refuses it)."""
    for chunk, _, raw in _chunks(column):
        if _CONTROL[raw].any() or ((raw == 0xEF).any() and _has_nonchars(chunk)):
            raise NotStreamable("control characters")


def _check_length(column: pa.ChunkedArray, *, path: Path, first_row: int, name: str) -> None:
    """Refuse a cell longer than a spreadsheet cell, as the whole-file reader does."""
    if not any(int(np.diff(bounds).max()) > MAX_CELL_CHARS for _, bounds, _ in _chunks(column)):
        return  # bytes bound characters from above
    lengths = pc.utf8_length(column)
    if (pc.max(lengths).as_py() or 0) > MAX_CELL_CHARS:
        index = pc.index(pc.greater(lengths, MAX_CELL_CHARS), True).as_py()
        raise _too_long(lengths[index].as_py(), path=str(path), row=first_row + index, column=name)


def _has_nonchars(chunk: pa.Array) -> bool:
    """Whether some value holds U+FFFE or U+FFFF (no text either)."""
    return bool(pc.any(pc.match_substring_regex(chunk, "[\ufffe\uffff]")).as_py())

"""64-bit hashes of text columns, vectorised: how the key checks remember rows they let go.

The batch pipeline checks duplicate keys and series attributes across record batches
without keeping the rows: it keeps one 64-bit hash per observation key and per series key
instead (8 bytes, whatever the key's length). The hash is a polynomial over the UTF-8 bytes
of each value (computed with numpy over Arrow's data buffer, no Python call per value),
finished with the SplitMix64 mixer. It is the same in every process and on every machine
(a Dask worker and the driver agree), unlike Python's ``hash``.

Two different keys share a hash with a probability of about n²/2⁶⁵ for n keys: about 3 in
100 million for a million observations. Such a collision could only show as a
``duplicate-key`` error naming two rows whose keys the coalition can see differ; it can
never hide a real duplicate.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["combine", "row_hashes", "text_hashes"]

_U64 = np.uint64
_MULTIPLIER = _U64(0x100000001B3)  # odd: invertible modulo 2**64
_INVERSE = _U64(pow(0x100000001B3, -1, 2**64))
_NULL = _U64(0x9E3779B97F4A7C15)

Hashes = np.ndarray[Any, np.dtype[np.uint64]]


def _mix(x: Hashes) -> Hashes:
    """SplitMix64's finaliser: every input bit affects every output bit."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> _U64(30))
        x = x * _U64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> _U64(27))
        x = x * _U64(0x94D049BB133111EB)
        return x ^ (x >> _U64(31))


_POWERS: dict[int, Hashes] = {}


def _powers(base: np.uint64, n: int) -> Hashes:
    """``base ** i`` modulo 2**64 for i in 0..n-1 (kept for the next batch of the size)."""
    known = _POWERS.get(int(base))
    if known is None or len(known) < n:
        size = max(n, 2 * len(known) if known is not None else 1 << 16)
        table = np.full(size, base, dtype=_U64)
        table[0] = 1
        with np.errstate(over="ignore"):
            known = _POWERS[int(base)] = np.multiply.accumulate(table, dtype=_U64)
    return known[:n]


def text_hashes(column: pa.Array | pa.ChunkedArray) -> Hashes:
    """One 64-bit hash per value of a text column (null has a hash of its own).

    Each distinct value is hashed once (codes repeat a lot), then mapped to the rows.
    """
    if isinstance(column, pa.ChunkedArray):
        parts = [text_hashes(chunk) for chunk in column.chunks]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=_U64)
    if not pa.types.is_string(column.type):
        column = pc.cast(column, pa.string())
    return _mapped(pc.dictionary_encode(column))


def _distinct_hashes(column: pa.Array) -> Hashes:
    """The hash of each value of a text array without nulls."""
    n = len(column)
    if n == 0:
        return np.zeros(0, dtype=_U64)
    _, offsets_buffer, data_buffer = column.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[column.offset : column.offset + n + 1]
    start, stop = int(offsets[0]), int(offsets[-1])
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)[start:stop].astype(_U64)
        if data_buffer is not None and stop > start
        else np.zeros(0, dtype=_U64)
    )
    lengths = np.diff(offsets).astype(np.int64)
    with np.errstate(over="ignore"):
        # byte j of the column weighs M**j; a value starting at byte s is scaled back by M**-s
        weighted = (data + _U64(1)) * _powers(_MULTIPLIER, len(data))
        sums = np.zeros(n, dtype=_U64)
        nonempty = lengths > 0
        if len(data):
            starts = (offsets[:-1] - start)[nonempty]
            sums[nonempty] = np.add.reduceat(weighted, starts)
        inverse = _powers(_INVERSE, len(data) + 1)
        sums = sums * inverse[np.minimum(offsets[:-1] - start, len(data))]
        return _mix(sums + lengths.astype(_U64) * _U64(0xD6E8FEB86659FD93) + _U64(1))


def combine(*parts: Hashes) -> Hashes:
    """One hash for each row's tuple of hashed values (order matters)."""
    out = np.zeros(len(parts[0]), dtype=_U64)
    with np.errstate(over="ignore"):
        for part in parts:
            out = out * _U64(0x9E3779B97F4A7C15) + part
    return _mix(out)


def row_hashes(columns: list[pa.Array | pa.ChunkedArray]) -> Hashes:
    """One hash per row for the tuple of its values in ``columns`` (text or integers).

    A column with one value throughout (most dimensions of a real dataset are all ``_T``)
    costs a scalar, not a column of hashes.
    """
    n = len(columns[0])
    out = np.zeros(n, dtype=_U64)
    with np.errstate(over="ignore"):
        for column in columns:
            out = out * _U64(0x9E3779B97F4A7C15) + _column_hashes(column)
    return _mix(out)


def _column_hashes(column: pa.Array | pa.ChunkedArray) -> Hashes | np.uint64:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if not pa.types.is_string(column.type):
        column = pc.cast(column, pa.string())
    if len(column) and not column.null_count and pc.all(pc.equal(column, column[0])).as_py():
        return _distinct_hashes(column.slice(0, 1))[0]  # type: ignore[no-any-return]
    return _mapped(pc.dictionary_encode(column))


def _mapped(encoded: pa.DictionaryArray) -> Hashes:
    """The hash of each row of a dictionary-encoded text array (nulls hash to `_NULL`)."""
    distinct = np.append(_distinct_hashes(encoded.dictionary), _NULL)
    indices = encoded.indices.fill_null(len(distinct) - 1)
    return distinct[np.asarray(indices, dtype=np.int64)]

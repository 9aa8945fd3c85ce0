"""Arrow string columns seen as bytes: fast pre-checks and zero-copy output.

Writers scan the UTF-8 data buffers of whole columns with numpy before any per-value work
(does any value need escaping or quoting? may a character be one XML cannot carry?), and
write the rows they build as the data buffer of one string array, without a Python object
per row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["any_bytes_in", "data_buffers", "starting_with", "utf8_of"]


def data_buffers(column: pa.Array | pa.ChunkedArray) -> Iterator[np.ndarray[Any, Any]]:
    """The UTF-8 data buffers of a string column, as byte arrays (no copy).

    They may cover values outside a sliced array: checks on them answer "maybe" or "no".
    """
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    for chunk in chunks:
        data = chunk.buffers()[2]
        if data is not None and data.size:
            yield np.frombuffer(data, dtype=np.uint8)


#: Bytes compared at a time by :func:`any_bytes_in` (bounds its temporary arrays).
_WINDOW = 1 << 20


def any_bytes_in(column: pa.Array | pa.ChunkedArray, chars: bytes) -> bool:
    """Whether a string column may hold one of the ASCII ``chars`` (a fast pre-check)."""
    return any(
        (data[start : start + _WINDOW] == char).any()
        for data in data_buffers(column)
        for start in range(0, len(data), _WINDOW)
        for char in chars
    )


def starting_with(strings: pa.Array, chars: bytes) -> np.ndarray[Any, Any]:
    """The positions of the values of a string array whose first byte is one of ``chars``.

    Read from the offsets and data buffers (no Python object per value); a null or empty
    value starts with nothing. With ASCII ``chars``, "first byte" is "first character" in UTF-8.
    """
    _, offset_buffer, data = strings.buffers()
    if data is None or not data.size or not len(strings):
        return np.empty(0, dtype=np.intp)
    offsets = np.frombuffer(offset_buffer, dtype=np.int32)[
        strings.offset : strings.offset + len(strings) + 1
    ]
    starts = offsets[:-1]
    candidates = np.flatnonzero(offsets[1:] > starts)  # not empty
    first = np.frombuffer(data, dtype=np.uint8)[starts[candidates]]
    found = candidates[np.isin(first, np.frombuffer(chars, dtype=np.uint8))]
    if strings.null_count:
        found = found[strings.is_valid().to_numpy(zero_copy_only=False)[found]]
    return found


def utf8_of(strings: pa.Array) -> memoryview:
    """The concatenated UTF-8 of a string array without nulls: its data buffer's used span."""
    _, offset_buffer, data = strings.buffers()
    offsets = pa.Array.from_buffers(
        pa.int32(), len(strings) + 1, [None, offset_buffer], offset=strings.offset
    )
    first, last = offsets[0].as_py(), offsets[len(strings)].as_py()
    return memoryview(data)[first:last] if data is not None else memoryview(b"")

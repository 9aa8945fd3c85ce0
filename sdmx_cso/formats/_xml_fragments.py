"""Structure-specific ``Series``/``Obs`` markup built column-wise with Arrow, no Python per row.

The body of an SDMX-ML 2.1 structure-specific data set is, for observations in key order::

    <Series K1="…" … S1="…"><Obs TIME_PERIOD="…" OBS_VALUE="…" A1="…"></Obs>…</Series>…

Each piece is computed for a whole batch of rows by Arrow string kernels: XML attribute
escaping (as lxml does it: ``& < > "`` and TAB, LF, CR as character references), one
`` NAME="value"`` fragment per non-empty cell, a ``Series`` start tag on the rows where the
key changes, and one joined string per row. The UTF-8 bytes of a batch are then the data
buffer of that string array, written out as one block. The output is byte-identical to the
element-by-element writer (``tests/formats/test_data_xml.py`` checks it), and several times
faster.

Observations must come in key order (`CommunityDataset` keeps them so).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.formats._xml import any_bytes_in

__all__ = ["series_body"]

#: Rows whose markup is built at a time (bounded memory: up to about 1 KB of markup per row).
BATCH_ROWS = 16_384

#: lxml's escaping of attribute values, in order (``&`` first).
_ESCAPES = (
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ('"', "&quot;"),
    ("\t", "&#9;"),
    ("\n", "&#10;"),
    ("\r", "&#13;"),
)
_NEEDS_ESCAPE = b'&<>"\t\n\r'


def _escaped(column: pa.Array) -> pa.Array:
    for char, entity in _ESCAPES:
        column = pc.replace_substring(column, char, entity)
    return column


def _attributes(batch: pa.RecordBatch, names: Sequence[str], escape: frozenset[str]) -> pa.Array:
    """`` NAME="value"`` for each non-empty cell of ``names``, joined per row."""
    parts: list[pa.Array | str] = []
    for name in names:
        column = batch.column(name)
        if column.null_count == len(column):
            continue
        empty = pc.equal(column, "")
        column = pc.if_else(empty, pa.scalar(None, pa.string()), column)
        # null in, null out: the fragment of an absent value is dropped by the outer join
        parts.append(
            pc.binary_join_element_wise(
                f' {name}="', _escaped(column) if name in escape else column, '"', ""
            )
        )
    if not parts:
        return pa.array([""] * len(batch), pa.string())
    return pc.binary_join_element_wise(*parts, "", null_handling="replace", null_replacement="")


def _comp(batch: pa.RecordBatch, name: str) -> pa.Array:
    """``<Comp id=…><Value>code</Value>…</Comp>`` of a multi-valued attribute (null if none)."""
    codes = pc.utf8_trim_whitespace(batch.column(name))
    codes = pc.if_else(pc.equal(codes, ""), pa.scalar(None, pa.string()), codes)
    values = pc.replace_substring_regex(codes, r"\s+", "</Value><Value>")
    return pc.binary_join_element_wise(
        f'<Comp id="{name}" xsi:type="ns1:{name}_ATTRIBUTE"><Value>',
        values,
        "</Value></Comp>",
        "",
    )


def _key_changes(
    batch: pa.RecordBatch, dimensions: Sequence[str], previous: tuple[str, ...] | None
) -> pa.Array:
    """True on the rows whose series key differs from the row before."""
    n = len(batch)
    change: pa.Array | None = None
    for index, name in enumerate(dimensions):
        column = batch.column(name)
        before = pa.concat_arrays(
            [
                pa.array([None if previous is None else previous[index]], pa.string()),
                column.slice(0, n - 1),
            ]
        )
        differs = pc.fill_null(pc.not_equal(column, before), True)
        change = differs if change is None else pc.or_(change, differs)
    assert change is not None
    return change


def series_body(
    table: pa.Table,
    *,
    dimensions: Sequence[str],
    series_attributes: Sequence[str],
    observation_columns: Sequence[str],
    multi_valued: Sequence[str] = (),
    batch_rows: int | None = None,
) -> Iterator[bytes | memoryview]:
    """The UTF-8 markup of every ``Series`` and ``Obs`` of ``table``, a batch at a time.

    Args:
        table: observations in key order, every column text.
        dimensions: the series key, in DSD order.
        series_attributes: attributes written on ``Series``, in DSD order.
        observation_columns: time, measure and observation attributes, in that order.
        multi_valued: observation attributes written as SDMX-ML 3.0 ``Comp`` elements, one
            ``Value`` per space-separated code (none in SDMX-ML 2.1).
        batch_rows: rows per block (default `BATCH_ROWS`).
    """
    simple_obs = [name for name in observation_columns if name not in multi_valued]
    series_names = [*dimensions, *series_attributes]
    escape = frozenset(
        name
        for name in (*series_names, *observation_columns)
        if name in table.column_names and any_bytes_in(table.column(name), _NEEDS_ESCAPE)
    )
    previous: tuple[str, ...] | None = None
    for batch in table.to_batches(max_chunksize=batch_rows or BATCH_ROWS):
        if not len(batch):
            continue
        opening = pc.if_else(
            _key_changes(batch, dimensions, previous),
            pc.binary_join_element_wise(
                "</Series><Series", _attributes(batch, series_names, escape), ">", ""
            ),
            "",
        )
        rows = pc.binary_join_element_wise(
            opening,
            "<Obs",
            _attributes(batch, simple_obs, escape),
            ">",
            *(_comp(batch, name) for name in multi_valued),
            "</Obs>",
            "",
            null_handling="replace",
            null_replacement="",
        )
        block = _utf8(rows)
        yield block[len(b"</Series>") :] if previous is None else block
        previous = tuple(batch.column(name)[len(batch) - 1].as_py() for name in dimensions)
    if previous is not None:
        yield b"</Series>"


def _utf8(strings: pa.Array) -> memoryview:
    """The concatenated UTF-8 of a string array without nulls: its data buffer's used span."""
    _, offset_buffer, data = strings.buffers()
    offsets = pa.Array.from_buffers(
        pa.int32(), len(strings) + 1, [None, offset_buffer], offset=strings.offset
    )
    first, last = offsets[0].as_py(), offsets[len(strings)].as_py()
    return memoryview(data)[first:last] if data is not None else memoryview(b"")

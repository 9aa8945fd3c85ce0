"""``Series``/``Obs`` markup of SDMX-ML data built column-wise with Arrow, no Python per row.

For observations in key order, the body of a data set is a series start on the rows where
the key changes, then the observation's markup, and a series end before the next start::

    structure-specific (2.1, 3.0):
        <Series K1="…" … S1="…"><Obs TIME_PERIOD="…" OBS_VALUE="…" A1="…"></Obs>…</Series>
    generic (2.1):
        <generic:Series><generic:SeriesKey><generic:Value id="K1" value="…"></generic:Value>…
        </generic:SeriesKey><generic:Attributes>…</generic:Attributes><generic:Obs>…</generic:Obs>…
        </generic:Series>

Each piece is computed for a batch of rows by Arrow string kernels: XML attribute escaping
(as lxml does it: ``& < > "`` and TAB, LF, CR as character references), one fragment per
non-empty cell, the series start where the key changes, and one joined string per row. The
UTF-8 bytes of a batch are then the data buffer of that string array, written as one block.
The output is byte-identical to lxml's element-by-element writing (``tests/formats/
test_data_xml.py`` compares them on generated datasets), and several times faster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.formats._buffers import any_bytes_in, utf8_of

__all__ = [
    "BATCH_ROWS",
    "PLACEHOLDER",
    "Markup",
    "body",
    "generic_markup",
    "structure_specific_markup",
    "write_around",
]

#: Rows whose markup is built at a time (bounded memory: up to about 1 KB of markup per row;
#: the string kernels' intermediate columns are as many again, so 4,096 rather than 8,192).
BATCH_ROWS = 4096

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

#: The comment an element writer puts where the column-wise body goes (`write_around`).
PLACEHOLDER = "sdmx-cso:body"

#: Bytes handed to the output stream at a time.
WRITE_SIZE = 64 * 1024

Builder = Callable[[pa.RecordBatch, frozenset[str]], pa.Array]


@dataclass(frozen=True)
class Markup:
    """How one kind of message marks up series and observations.

    Attributes:
        series_start: a batch (and the columns to escape) → each row's series start tag(s).
        observation: a batch (and the columns to escape) → each row's observation markup.
        series_end: the text that ends a series.
        columns: the columns the markup uses (checked once for characters to escape).
        series_columns: the columns ``series_start`` reads.
    """

    series_start: Builder
    observation: Builder
    series_end: str
    columns: tuple[str, ...]
    series_columns: tuple[str, ...]


def body(
    tables: pa.Table | Iterable[pa.Table],
    markup: Markup,
    *,
    dimensions: Sequence[str],
    batch_rows: int | None = None,
) -> Iterator[bytes | memoryview]:
    """The UTF-8 markup of every series and observation, a batch at a time.

    Args:
        tables: observations in key order, every column text: one table, or consecutive
            tables (a series may continue from one table into the next).
        markup: the message's markup (`structure_specific_markup`, `generic_markup`).
        dimensions: the series key, in DSD order.
        batch_rows: rows per block (default `BATCH_ROWS`).
    """
    end = markup.series_end
    previous: tuple[str, ...] | None = None
    for table in [tables] if isinstance(tables, pa.Table) else tables:
        # which columns need escaping is decided per table: escaping text without any of
        # these characters changes nothing, so the markup is the same however it is cut
        escape = frozenset(
            name
            for name in markup.columns
            if name in table.column_names and any_bytes_in(table.column(name), _NEEDS_ESCAPE)
        )
        for batch in table.to_batches(max_chunksize=batch_rows or BATCH_ROWS):
            if not len(batch):
                continue
            rows = pc.binary_join_element_wise(
                _series_starts(batch, markup, escape, _key_changes(batch, dimensions, previous)),
                markup.observation(batch, escape),
                "",
            )
            block = utf8_of(rows)
            yield block[len(end.encode()) :] if previous is None else block
            previous = tuple(batch.column(name)[len(batch) - 1].as_py() for name in dimensions)
    if previous is not None:
        yield end.encode()


def write_around(out: BinaryIO, message: bytes, blocks: Iterable[bytes | memoryview]) -> None:
    """Write ``message`` with ``blocks`` in place of its `PLACEHOLDER` comment.

    ``message`` is the rest of the message (header, data set element and attributes), small
    and written by lxml; the blocks go out in pieces of at most `WRITE_SIZE` bytes.
    """
    before, after = message.split(f"<!--{PLACEHOLDER}-->".encode(), 1)
    out.write(before)
    for block in blocks:
        for start in range(0, len(block), WRITE_SIZE):
            out.write(block[start : start + WRITE_SIZE])
    out.write(after)


def structure_specific_markup(
    *,
    series_columns: Sequence[str],
    observation_columns: Sequence[str],
    multi_valued: Sequence[str] = (),
) -> Markup:
    """``<Series …><Obs …></Obs></Series>``: components as XML attributes.

    Args:
        series_columns: the series key then the series attributes, in DSD order.
        observation_columns: time, measure and observation attributes, in that order.
        multi_valued: observation attributes written as SDMX-ML 3.0 ``Comp`` elements, one
            ``Value`` per space-separated code (none in SDMX-ML 2.1).
    """
    simple = [name for name in observation_columns if name not in multi_valued]

    def series_start(batch: pa.RecordBatch, escape: frozenset[str]) -> pa.Array:
        return pc.binary_join_element_wise(
            "<Series", _attributes(batch, series_columns, escape), ">", ""
        )

    def observation(batch: pa.RecordBatch, escape: frozenset[str]) -> pa.Array:
        return _joined(
            [
                "<Obs",
                _attributes(batch, simple, escape),
                ">",
                *(_comp(batch, name) for name in multi_valued),
                "</Obs>",
            ],
            len(batch),
        )

    return Markup(
        series_start,
        observation,
        "</Series>",
        (*series_columns, *observation_columns),
        tuple(series_columns),
    )


def generic_markup(
    *,
    prefix: str,
    dimensions: Sequence[str],
    series_attributes: Sequence[str],
    time: str,
    measure: str,
    observation_attributes: Sequence[str],
) -> Markup:
    """``<P:Series><P:SeriesKey>…<P:Obs>…</P:Obs></P:Series>``: components as ``P:Value``.

    Args:
        prefix: the namespace prefix of the generic data namespace in the message.
        dimensions: the series key, in DSD order.
        series_attributes: attributes of the series, in DSD order.
        time: the time dimension (``P:ObsDimension``).
        measure: the measure (``P:ObsValue``, left out when empty).
        observation_attributes: attributes of the observation, in DSD order.
    """

    def tag(local: str) -> str:
        return f"{prefix}:{local}"

    def series_start(batch: pa.RecordBatch, escape: frozenset[str]) -> pa.Array:
        return _joined(
            [
                f"<{tag('Series')}><{tag('SeriesKey')}>",
                _values(batch, dimensions, escape, tag("Value")),
                f"</{tag('SeriesKey')}>",
                _wrapped(
                    _values(batch, series_attributes, escape, tag("Value")), tag("Attributes")
                ),
            ],
            len(batch),
        )

    def observation(batch: pa.RecordBatch, escape: frozenset[str]) -> pa.Array:
        return _joined(
            [
                f"<{tag('Obs')}>",
                _value(batch, time, escape, tag("ObsDimension")),
                _value(batch, measure, escape, tag("ObsValue")),
                _wrapped(
                    _values(batch, observation_attributes, escape, tag("Value")), tag("Attributes")
                ),
                f"</{tag('Obs')}>",
            ],
            len(batch),
        )

    return Markup(
        series_start,
        observation,
        f"</{tag('Series')}>",
        (*dimensions, *series_attributes, time, measure, *observation_attributes),
        (*dimensions, *series_attributes),
    )


# -- pieces -----------------------------------------------------------------------------------


def _escaped(column: pa.Array) -> pa.Array:
    for char, entity in _ESCAPES:
        column = pc.replace_substring(column, char, entity)
    return column


def _present(column: pa.Array, escape: bool) -> pa.Array | None:
    """The column with empty text as null, escaped if needed; None if every value is absent."""
    if column.null_count == len(column):
        return None
    column = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
    return _escaped(column) if escape else column


def _joined(parts: Sequence[pa.Array | str], rows: int) -> pa.Array:
    """The parts joined per row, a null part counting as empty text."""
    if not any(isinstance(part, pa.Array) for part in parts):
        return pa.array(["".join(str(p) for p in parts)] * rows, pa.string())
    return pc.binary_join_element_wise(*parts, "", null_handling="replace", null_replacement="")


def _attributes(batch: pa.RecordBatch, names: Sequence[str], escape: frozenset[str]) -> pa.Array:
    """`` NAME="value"`` for each non-empty cell of ``names``, joined per row."""
    parts: list[pa.Array | str] = []
    for name in names:
        column = _present(batch.column(name), name in escape)
        if column is not None:  # null in, null out: an absent value's fragment is dropped
            parts.append(pc.binary_join_element_wise(f' {name}="', column, '"', ""))
    return _joined(parts, len(batch))


def _values(
    batch: pa.RecordBatch, names: Sequence[str], escape: frozenset[str], tag: str
) -> pa.Array:
    """``<TAG id="NAME" value="…"></TAG>`` for each non-empty cell of ``names``, joined."""
    parts: list[pa.Array | str] = []
    for name in names:
        column = _present(batch.column(name), name in escape)
        if column is not None:
            start = f'<{tag} id="{name}" value="'
            parts.append(pc.binary_join_element_wise(start, column, f'"></{tag}>', ""))
    return _joined(parts, len(batch))


def _value(batch: pa.RecordBatch, name: str, escape: frozenset[str], tag: str) -> pa.Array:
    """``<TAG value="…"></TAG>`` of one column, empty text where the value is absent."""
    column = _present(batch.column(name), name in escape)
    if column is None:
        return pa.array([""] * len(batch), pa.string())
    return pc.fill_null(
        pc.binary_join_element_wise(f'<{tag} value="', column, f'"></{tag}>', ""), ""
    )


def _wrapped(inner: pa.Array, tag: str) -> pa.Array:
    """``<TAG>inner</TAG>`` where ``inner`` is not empty, else empty text."""
    return pc.if_else(
        pc.equal(inner, ""), "", pc.binary_join_element_wise(f"<{tag}>", inner, f"</{tag}>", "")
    )


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


def _series_starts(
    batch: pa.RecordBatch, markup: Markup, escape: frozenset[str], changes: pa.Array
) -> pa.Array:
    """What goes before each row's observation: ``</Series><Series …>`` or empty text.

    The end of the series before and the start of the next where the key changes.

    The markup is built for the rows that start a series only (a series holds several
    observations), then put in place.
    """
    starting = pc.indices_nonzero(changes)
    if len(starting) == len(batch):
        return pc.binary_join_element_wise(
            markup.series_end, markup.series_start(batch, escape), ""
        )
    names = set(batch.schema.names)
    series = batch.select([name for name in markup.series_columns if name in names])
    starts = pc.binary_join_element_wise(
        markup.series_end, markup.series_start(series.take(starting), escape), ""
    )
    return pc.replace_with_mask(pa.repeat(pa.scalar("", pa.string()), len(batch)), changes, starts)


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

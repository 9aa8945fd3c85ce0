"""The neutral table: what every data reader returns, whatever the syntax and the sender.

One reader per syntax and version family reads a data message into a :class:`ParsedTable`:
one row per observation, one column per component ID (dimensions, the time dimension, the
measure(s), then attributes of every level repeated on each row), null for an absent value.
Values are text as written, with two exceptions that keep what text would lose:

- a **multi-valued** attribute (SDMX 3.0) is a ``list<string>`` column;
- a **multilingual** text keeps its English (else first) text in the column named by the
  component ID and every other language in a column ``ID.lang`` (``COMMENT.fr``): SDMX IDs
  cannot hold a dot, so the name cannot clash with a component.

Each reader module says which messages it handles (``handles(head)`` on the first 4 KiB,
as sdmx1's ``Converter.handles`` and pysdmx's ``Format`` do), so sniffing lives with the
reader. :func:`to_canonical` is the one step that turns the neutral table of one of the
standard's own messages into the standard's columns.

What a reader could not keep goes into :attr:`ParsedTable.notes`, so that a caller (and
``sdmx-cso read`` on standard error) always hears of it: nothing is lost unsaid.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.errors import ReadError
from sdmx_cso.formats._spreadsheet_safe import TRIGGERS, neutralise
from sdmx_cso.model.columns import INTEGER_COLUMNS, canonical_schema
from sdmx_cso.standard import DsdSpec

__all__ = [
    "Components",
    "ParsedTable",
    "TableBuilder",
    "Target",
    "localised",
    "to_canonical",
    "write_table",
]

#: Output formats of :func:`write_table`.
Target = Literal["csv", "json"]

_CRLF = "\r\n"


@dataclass(frozen=True)
class Components:
    """What a reader needs to know of a DSD, whoever wrote it (sdmx1, our standard…).

    Attributes:
        dimensions: dimension IDs in DSD order, the time dimension excluded.
        time_dimension: the time dimension's ID, or ``None``.
        measures: measure IDs (``OBS_VALUE``).
        attributes: attribute IDs in DSD order.
        series_attributes: attributes attached to (a subset of) the dimensions: in
            structure-specific XML these sit on ``<Series>`` beside the key.
        multi_valued: attributes that may take several values.
    """

    dimensions: tuple[str, ...]
    time_dimension: str | None
    measures: tuple[str, ...] = ("OBS_VALUE",)
    attributes: tuple[str, ...] = ()
    series_attributes: frozenset[str] = frozenset()
    multi_valued: frozenset[str] = frozenset()

    def order(self) -> list[str]:
        """Column order of the neutral table: dimensions, time, measures, attributes."""
        time = [self.time_dimension] if self.time_dimension else []
        return [*self.dimensions, *time, *self.measures, *self.attributes]

    @classmethod
    def of(cls, dsd: DsdSpec) -> Components:
        """The components of one of the standard's DSDs."""
        return cls(
            dimensions=tuple(d.id for d in dsd.dimensions),
            time_dimension=dsd.time_dimension.id,
            measures=(dsd.measure.id,),
            attributes=tuple(a.id for a in dsd.attributes),
            series_attributes=frozenset(a.id for a in dsd.attributes if a.level == "series"),
            multi_valued=frozenset(a.id for a in dsd.attributes if a.type == "flags"),
        )


@dataclass(frozen=True)
class ParsedTable:
    """A foreign data message read into the neutral table.

    Attributes:
        table: one row per observation; text columns named by component ID.
        message_type: what the message is, e.g. ``GenericData``, ``StructureSpecificData``,
            ``DataMessage`` (SDMX-JSON), ``SDMX-CSV``.
        structure_id: ``AGENCY:ID(VERSION)`` of the dataflow or DSD the message refers to
            (version left out when the message gives none), or ``None``.
        format: the format read, e.g. ``sdmx-ml-2.1-generic``, ``sdmx-json-2.0``,
            ``sdmx-csv-1.0``.
        notes: what a reader should know: information the format lost or that was dropped.
    """

    table: pa.Table
    message_type: str
    structure_id: str | None
    format: str
    notes: tuple[str, ...] = ()

    @property
    def num_rows(self) -> int:
        """Number of observations (rows)."""
        return int(self.table.num_rows)


class TableBuilder:
    """Gathers rows of text, column by column, in the order columns first appear."""

    def __init__(self) -> None:
        self._columns: dict[str, list[str | None]] = {}
        self._rows = 0

    def __len__(self) -> int:
        return self._rows

    @property
    def columns(self) -> list[str]:
        """Column names, in the order they first appeared."""
        return list(self._columns)

    def add(self, row: Mapping[str, str | None]) -> None:
        """Append one row; a column first seen now is null in the rows before."""
        for name, value in row.items():
            column = self._columns.get(name)
            if column is None:
                column = self._columns[name] = [None] * self._rows
            column.append(value)
        self._rows += 1
        for column in self._columns.values():
            if len(column) < self._rows:
                column.append(None)

    def table(self, order: Sequence[str] = ()) -> pa.Table:
        """The rows as a table: the columns named in ``order`` first, then the others."""
        first = [name for name in order if name in self._columns]
        names = first + [name for name in self._columns if name not in set(first)]
        return pa.table({name: pa.array(self._columns[name], pa.string()) for name in names})


def localised(texts: Mapping[str, str]) -> str | None:
    """The English text of a multilingual value, or else its first language."""
    for lang, text in texts.items():
        if lang == "en" or lang.startswith("en-"):
            return text
    return next(iter(texts.values()), None)


# -- writing the neutral table --------------------------------------------------------------


def write_table(
    table: pa.Table, out: BinaryIO, *, to: Target = "csv", keep_formulas: bool = False
) -> int:
    """Write a table as UTF-8 CSV (with a header row) or as a JSON list of row objects.

    Empty values are empty CSV fields and JSON ``null``; values that are not text (a
    :class:`~sdmx_cso.CommunityDataset`'s integers, for instance) are written as text. A
    list (a multi-valued attribute) is a JSON array, and in CSV its values joined by a space.

    CSV is for people, who open it in a spreadsheet: a cell (or header) that a spreadsheet
    would run as a formula, because it begins with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return and is not a plain number, gets a leading ``'`` (OWASP's advice against
    CSV injection), unless ``keep_formulas`` is true. JSON is for programs: always exact.

    Returns:
        The number of CSV cells that got a leading ``'`` (0 for JSON).
    """
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    changed = 0
    try:
        if to == "csv":
            writer = csv.writer(text, lineterminator=_CRLF)
            header = list(table.column_names)
            if not keep_formulas:
                safe = [neutralise(name) for name in header]
                changed += sum(1 for a, b in zip(header, safe, strict=True) if a is not b)
                header = safe
            writer.writerow(header)
            text.flush()
            for batch in table.to_batches(max_chunksize=_CSV_ROWS):
                if not batch.num_rows:
                    continue
                if batch.num_columns > 1:  # one column: an empty row is written ""
                    changed += _write_csv_batch(batch, out, keep_formulas=keep_formulas)
                    continue
                columns = []
                for column in batch.columns:
                    cells = _csv_cells(column)
                    if not keep_formulas and _may_be_formula(column):
                        safe = [neutralise(cell) for cell in cells]
                        changed += sum(1 for a, b in zip(cells, safe, strict=True) if a is not b)
                        cells = safe
                    columns.append(cells)
                writer.writerows(zip(*columns, strict=True))
        elif to == "json":
            names = table.column_names
            text.write("[")
            for number, values in enumerate(_rows(table, lists=True)):
                text.write(",\n  " if number else "\n  ")
                text.write(json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False))
            text.write("\n]\n")
        else:
            raise ValueError(f"unknown output format {to!r} (csv or json)")
        text.flush()
    finally:
        text.detach()
    return changed


#: Rows written as CSV at a time.
_CSV_ROWS = 8192
#: First characters of a cell a spreadsheet would run as a formula (see `neutralise`), and
#: a plain number (which it would not).
_TRIGGERS = pa.array(sorted(TRIGGERS))
_PLAIN_NUMBER = r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$"


def _write_csv_batch(batch: pa.RecordBatch, out: BinaryIO, *, keep_formulas: bool) -> int:
    """Write the rows of ``batch`` as CSV with Arrow's string kernels.

    The bytes of ``csv.writer`` with minimal quoting and CRLF, with `neutralise` applied
    unless ``keep_formulas``; returns the number of cells that got a leading ``'``.
    """
    changed = 0
    cells = []
    for column in batch.columns:
        text = _csv_text(column)
        if not keep_formulas:
            first = pc.utf8_slice_codeunits(text, 0, 1)
            risky = pc.is_in(first, value_set=_TRIGGERS)
            if pc.any(risky).as_py():
                risky = pc.and_(risky, pc.invert(pc.match_substring_regex(text, _PLAIN_NUMBER)))
                changed += pc.sum(risky).as_py() or 0
                text = pc.if_else(risky, pc.binary_join_element_wise("'", text, ""), text)
        special = pc.or_(
            pc.or_(pc.match_substring(text, '"'), pc.match_substring(text, ",")),
            pc.or_(pc.match_substring(text, "\r"), pc.match_substring(text, "\n")),
        )
        if pc.any(special).as_py():
            quoted = pc.binary_join_element_wise(
                '"', pc.replace_substring(text, '"', '""'), '"', ""
            )
            text = pc.if_else(special, quoted, text)
        cells.append(text)
    rows = pc.binary_join_element_wise(*cells, ",")
    whole = pc.binary_join(pa.ListArray.from_arrays([0, len(rows)], rows), "\r\n")
    out.write(whole[0].as_buffer())
    out.write(b"\r\n")
    return changed


def _csv_text(column: pa.Array) -> pa.Array:
    """A column's cells as text without nulls: empty for null, lists joined by a space."""
    if pa.types.is_string(column.type):
        return pc.fill_null(column, "")
    if pa.types.is_list(column.type) and column.values.null_count == 0:
        return pc.fill_null(pc.binary_join(column, " "), "")
    return pa.array(_csv_cells(column), pa.string())


def _csv_cells(column: pa.Array) -> list[str]:
    """A column's cells as CSV text: empty for null, lists joined by a space."""
    if pa.types.is_string(column.type):
        return list(pc.fill_null(column, "").to_pylist())
    return [_cell(v) or "" for v in column.to_pylist()]


def _may_be_formula(column: pa.Array) -> bool:
    """False if no cell of a text column begins with a character that starts a formula."""
    if not pa.types.is_string(column.type):
        return True
    return bool(pc.any(pc.match_substring_regex(column, r"^[=+\-@\t\r]")).as_py())


def _rows(table: pa.Table, *, lists: bool = False) -> Iterator[tuple[Any, ...]]:
    """Rows of text; with ``lists``, a list cell (multi-valued) stays a list of text."""
    for batch in table.to_batches():
        columns = [_json_cells(column, lists=lists) for column in batch.columns]
        yield from zip(*columns, strict=True)


def _json_cells(column: pa.Array, *, lists: bool) -> list[Any]:
    if pa.types.is_string(column.type):
        return list(column.to_pylist())
    return [_listed(v) if lists and isinstance(v, list) else _cell(v) for v in column.to_pylist()]


def _listed(values: list[Any]) -> list[str | None]:
    return [_cell(v) for v in values]


def _cell(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return " ".join(text for v in value if (text := _cell(v)) is not None) or None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def to_canonical(table: pa.Table, dsd: DsdSpec, path: Path | None = None) -> pa.Table:
    """A table of text columns in the canonical schema, custom columns after.

    Every column of the DSD, in DSD order (null when absent), SAMPLE_SIZE and NUMERATOR as
    integers; columns that are not concepts of the DSD follow, as text. A ``list<string>``
    column (``QUALITY_FLAGS`` read from SDMX-ML 3.0) becomes its values joined by one
    space, the canonical text (an empty list: null).

    Raises:
        ReadError: an integer column holds something that is not a whole number.
    """
    schema = canonical_schema(dsd)
    seen = set(table.column_names)
    arrays: list[pa.ChunkedArray | pa.Array] = []
    for index, column in enumerate(table.columns):
        if pa.types.is_list(column.type):
            empty = pc.equal(pc.list_value_length(column), 0)
            joined = pc.if_else(empty, pa.scalar(None, pa.string()), pc.binary_join(column, " "))
            table = table.set_column(index, table.column_names[index], joined)
    for field in schema:
        if field.name not in seen:
            arrays.append(pa.nulls(table.num_rows, field.type))
        elif field.name in INTEGER_COLUMNS:
            arrays.append(_integers(table.column(field.name), field.name, path))
        else:
            arrays.append(table.column(field.name))
    extra = [name for name in table.column_names if name not in schema.names]
    arrays.extend(table.column(name) for name in extra)
    fields = [*schema, *(pa.field(name, pa.string()) for name in extra)]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _integers(col: pa.ChunkedArray, name: str, path: Path | None) -> pa.ChunkedArray:
    try:
        return pc.cast(pc.utf8_trim_whitespace(col), pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise ReadError(f"not a whole number: {exc}", path=path, column=name) from exc

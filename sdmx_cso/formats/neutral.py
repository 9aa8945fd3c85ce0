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
reader: `sdmx_cso.read` (``bridge.foreign``) and ``registry.detect_format`` both dispatch on
these functions, SDMX-ML's flavour and version come from ``read_ml.sniff_xml``, SDMX-CSV's
from ``read_csv.version_of``. :func:`to_canonical` is the one step that turns the neutral
table of one of the standard's own messages into the standard's columns.

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

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.errors import ReadError
from sdmx_cso.formats._buffers import any_bytes_in, starting_with, utf8_of
from sdmx_cso.formats._spreadsheet_safe import TRIGGERS, neutralise
from sdmx_cso.model.columns import INTEGER_COLUMNS, canonical_schema
from sdmx_cso.standard import DsdSpec

__all__ = [
    "Components",
    "ParsedTable",
    "TableBuilder",
    "Target",
    "joined",
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
    :class:`~sdmx_cso.CommunityDataset`'s integers, for instance) are written as text. The
    values of a multi-valued (``list``) column are joined with one space in CSV (the caller
    says so to the user) and are a JSON array in JSON.

    CSV is for people, who open it in a spreadsheet: a cell (or header) that a spreadsheet
    would run as a formula, because it begins with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return and is not a plain number, gets a leading ``'`` (OWASP's advice against
    CSV injection), unless ``keep_formulas`` is true. JSON is for programs: always exact.

    Returns:
        The number of CSV cells that got a leading ``'`` (0 for JSON).
    """
    if to == "csv":
        return _write_csv(table, out, keep_formulas=keep_formulas)
    if to != "json":
        raise ValueError(f"unknown output format {to!r} (csv or json)")
    _write_json(table, out)
    return 0


def _write_json(table: pa.Table, out: BinaryIO) -> None:
    """A JSON list of row objects, as `json.dumps` writes each, a record batch at a time.

    Values are JSON text built in Arrow (strings escaped as `json.dumps` escapes them with
    ``ensure_ascii=False``), so no cell becomes a Python object.
    """
    keys = [json.dumps(name, ensure_ascii=False) + ": " for name in table.column_names]
    out.write(b"[")
    first = True
    for batch in table.to_batches(max_chunksize=_BATCH):
        if not batch.num_rows:
            continue
        parts: list[pa.Array | str] = ["{"]
        for number, (key, column) in enumerate(zip(keys, batch.columns, strict=True)):
            parts += [(", " if number else "") + key, _as_json(column)]
        parts.append("}")
        rows = pc.binary_join_element_wise(*parts, "") if len(parts) > 1 else parts[0]
        lines = pc.binary_join_element_wise(",\n  ", rows, "")
        if first:  # the first row of all: no comma before it
            out.write(b"\n  ")
            lines = pc.binary_join_element_wise(
                pa.array([""] + [",\n  "] * (len(rows) - 1), pa.string()), rows, ""
            )
            first = False
        out.write(utf8_of(lines))
    out.write(b"\n]\n")


#: JSON escapes of the control characters (as `json.dumps` writes them).
_CONTROL_ESCAPES = {chr(c): json.dumps(chr(c))[1:-1] for c in range(0x20)}


def _json_strings(strings: pa.Array) -> pa.Array:
    """Each string as a JSON string (quoted, escaped); null stays null."""
    text = pc.replace_substring(strings, "\\", "\\\\")
    text = pc.replace_substring(text, '"', '\\"')
    if pc.any(pc.match_substring_regex(text, "[\\x00-\\x1f]")).as_py():
        for char, escape in _CONTROL_ESCAPES.items():
            text = pc.replace_substring(text, char, escape)
    return pc.binary_join_element_wise('"', text, '"', "")


def _as_json(column: pa.Array) -> pa.Array:
    """A column as JSON values: text as strings, lists as arrays of strings, null as null."""
    kind = column.type
    if pa.types.is_list(kind) and pa.types.is_string(kind.value_type):
        offsets = column.offsets
        start, end = offsets[0].as_py(), offsets[-1].as_py()
        items = _json_strings(column.values.slice(start, end - start))
        offsets = pc.subtract(offsets, start)
        lists = pa.ListArray.from_arrays(offsets, items, mask=column.is_null())
        values = pc.binary_join_element_wise("[", pc.binary_join(lists, ", "), "]", "")
    elif pa.types.is_string(kind) or pa.types.is_integer(kind):
        values = _json_strings(pc.cast(column, pa.string()))
    else:
        values = pa.array(
            [json.dumps(_cell(v, lists=True), ensure_ascii=False) for v in column.to_pylist()],
            pa.string(),
        )
    return pc.fill_null(values, "null")


#: A cell a spreadsheet would run (OWASP), and a plain number, which it would not
#: (`_spreadsheet_safe`; ``\p{Nd}`` is Python's ``\d`` on text).
_TRIGGERS = "".join(sorted(TRIGGERS)).encode("ascii")
_PLAIN_NUMBER = r"^[+-]?(?:\p{Nd}+(?:[.,]\p{Nd}*)?|[.,]\p{Nd}+)(?:[eE][+-]?\p{Nd}+)?$"
_SPECIAL = '[",\r\n]'
_SPECIAL_BYTES = b'",\r\n'
_BATCH = 64 * 1024


def _write_csv(table: pa.Table, out: BinaryIO, *, keep_formulas: bool) -> int:
    """CSV as `csv.writer` writes it (minimal quoting, CRLF), a record batch at a time.

    Each column becomes field text in Arrow (cells neutralised as `neutralise` does, quoted
    when they hold a comma, a quote, CR or LF), so no cell becomes a Python object. The
    per-cell work is done only where a check on the column's bytes says it may be needed:
    cells whose first byte is a formula trigger, columns whose bytes hold a character to
    quote.
    """
    names = list(table.column_names)
    header = [name if keep_formulas else neutralise(name) for name in names]
    changed = sum(1 for a, b in zip(names, header, strict=True) if a != b)
    writer = csv.writer(text := io.StringIO(), lineterminator=_CRLF)
    writer.writerow(header)
    out.write(text.getvalue().encode("utf-8"))
    for batch in table.to_batches(max_chunksize=_BATCH):
        if not batch.num_rows:
            continue
        fields = []
        for column in batch.columns:
            cells = _as_text(column)
            if not keep_formulas:
                cells, count = _neutralised(cells)
                changed += count
            if any_bytes_in(cells, _SPECIAL_BYTES):
                quoted = pc.binary_join_element_wise(
                    '"', pc.replace_substring(cells, '"', '""'), '"', ""
                )
                cells = pc.if_else(pc.match_substring_regex(cells, _SPECIAL), quoted, cells)
            fields.append(cells)
        if len(fields) == 1:  # csv.writer quotes a lone empty field (not a blank line)
            fields[0] = pc.if_else(pc.equal(fields[0], ""), '""', fields[0])
        lines = pc.binary_join_element_wise(*fields, ",") if len(fields) > 1 else fields[0]
        out.write(utf8_of(pc.binary_join_element_wise(lines, _CRLF, "")))
    return changed


def _neutralised(cells: pa.Array) -> tuple[pa.Array, int]:
    """Cells a spreadsheet would run given a leading ``'``, and how many there were.

    Only the cells that start with a trigger are matched against a plain number.
    """
    starting = starting_with(cells, _TRIGGERS)
    if not len(starting):
        return cells, 0
    plain = pc.match_substring_regex(cells.take(pa.array(starting)), _PLAIN_NUMBER)
    risky = starting[~plain.to_numpy(zero_copy_only=False)]
    if not len(risky):
        return cells, 0
    mask = np.zeros(len(cells), dtype=bool)
    mask[risky] = True
    prefixed = pc.binary_join_element_wise("'", cells, "")
    return pc.if_else(pa.array(mask), prefixed, cells), len(risky)


def _as_text(column: pa.Array) -> pa.Array:
    """A column as cell text: empty for null, lists joined with one space (as `_cell`)."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = column
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        if not pa.types.is_string(kind.value_type):
            return pa.array([_cell(v) or "" for v in column.to_pylist()], pa.string())
        text = pc.binary_join(column, " ")
    elif pa.types.is_integer(kind):
        text = pc.cast(column, pa.string())
    else:
        return pa.array([_cell(v) or "" for v in column.to_pylist()], pa.string())
    return pc.fill_null(pc.cast(text, pa.string()), "")


def _rows(table: pa.Table, *, lists: bool = False) -> Iterator[tuple[Any, ...]]:
    """Rows of text; a list (multi-valued) is one space-joined text, or a list of texts."""
    for batch in table.to_batches():
        columns = [[_cell(v, lists) for v in column.to_pylist()] for column in batch.columns]
        yield from zip(*columns, strict=True)


def _cell(value: Any, lists: bool = False) -> Any:
    if value is None or isinstance(value, str):
        return value
    if lists and isinstance(value, list | tuple):
        return [_cell(v) for v in value]
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
    integers, a multi-valued (``list<string>``) column as its values joined with a space;
    columns that are not concepts of the DSD follow, as text.

    Raises:
        ReadError: an integer column holds something that is not a whole number.
    """
    schema = canonical_schema(dsd)
    seen = set(table.column_names)
    arrays: list[pa.ChunkedArray | pa.Array] = []
    for field in schema:
        if field.name not in seen:
            arrays.append(pa.nulls(table.num_rows, field.type))
        elif field.name in INTEGER_COLUMNS:
            arrays.append(_integers(table.column(field.name), field.name, path))
        else:
            arrays.append(joined(table.column(field.name)))
    extra = [name for name in table.column_names if name not in schema.names]
    arrays.extend(joined(table.column(name)) for name in extra)
    fields = [*schema, *(pa.field(name, pa.string()) for name in extra)]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def joined(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """A ``list<string>`` (multi-valued) column as text, its values joined with one space.

    The canonical form of QUALITY_FLAGS; an empty list is null. Other columns as they are.
    """
    if not (pa.types.is_list(col.type) or pa.types.is_large_list(col.type)):
        return col
    text = pc.binary_join(col, " ")
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _integers(col: pa.ChunkedArray, name: str, path: Path | None) -> pa.ChunkedArray:
    try:
        return pc.cast(pc.utf8_trim_whitespace(col), pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        whole = pc.match_substring_regex(col, r"^\s*[+-]?\d+\s*$")
        at = pc.index(pc.fill_null(whole, True), False).as_py()
        where = f" (observation {at + 1}: {col[at].as_py()!r})" if at >= 0 else ""
        raise ReadError(f"not a whole number{where}: {exc}", path=path, column=name) from exc

"""Columnar observations: the canonical Arrow schema and vectorised cell checks.

A dataset's observations are one `pyarrow.Table` with a column per concept of the DSD
(`DsdSpec.columns`). Every value is kept as the text of the submission (so ``12.50``
stays ``12.50``), except SAMPLE_SIZE and NUMERATOR, which are ``int64``. Code columns are
checked with ``pyarrow.compute.is_in`` against the code lists, never row by row.
See ``docs/standard/implementation.md`` for why Arrow (``benchmarks/results/column_engine.md``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.model.codes import EXTENSIBLE, code_error
from sdmx_cso.model.observation import TIME_PERIOD_PATTERN
from sdmx_cso.standard import DsdSpec, get_codelist, get_standard

__all__ = [
    "DECIMAL_PATTERN",
    "INTEGER_COLUMNS",
    "CellProblem",
    "canonical_schema",
    "check_cells",
    "normalize_table",
    "sort_observations",
    "true_rows",
]

DECIMAL_PATTERN = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_INTEGER_PATTERN = r"^\+?[0-9]+$"
_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

#: Columns stored as ``int64``; every other column is ``string``.
INTEGER_COLUMNS: frozenset[str] = frozenset({"SAMPLE_SIZE", "NUMERATOR"})


@dataclass(frozen=True, slots=True)
class CellProblem:
    """A cell that breaks the standard: ``row`` is the 0-based index in the table."""

    code: str
    row: int
    column: str
    value: str | None
    message: str


@cache
def canonical_schema(dsd: DsdSpec | None = None) -> pa.Schema:
    """The Arrow schema of a dataset's observations: one column per concept, in DSD order."""
    dsd = dsd or get_standard().dsd
    return pa.schema(
        [
            pa.field(name, pa.int64() if name in INTEGER_COLUMNS else pa.string())
            for name in dsd.columns
        ]
    )


def normalize_table(table: pa.Table, dsd: DsdSpec | None = None, *, typed: bool = True) -> pa.Table:
    """``table`` with every column of the canonical schema, in order, with typed columns.

    Absent dimension columns get their default (``_T``; ``A`` for FREQ; ``N`` for
    REPORTING_TYPE), absent attribute columns are null. Integer columns must already be
    valid (see `check_cells`); the caller validates first.

    With ``typed=False`` every column stays text (integer columns included), so that a
    table with invalid cells can still be normalised for checks.

    Raises:
        ValueError: a column that is not a concept of the DSD.
    """
    dsd = dsd or get_standard().dsd
    schema = canonical_schema(dsd)
    if not typed:
        schema = pa.schema([pa.field(f.name, pa.string()) for f in schema])
    unknown = [name for name in table.column_names if name not in schema.names]
    if unknown:
        raise ValueError(f"columns that are not concepts of {dsd.id}: {', '.join(unknown)}")
    defaults = {d.id: d.default for d in dsd.dimensions}
    columns = []
    for field in schema:
        if field.name in table.column_names:
            col = table.column(field.name)
            if col.type != field.type:
                col = _cast(col, field.type)
        elif field.name in defaults:
            col = pa.repeat(pa.scalar(defaults[field.name], pa.string()), table.num_rows)
        else:
            col = pa.nulls(table.num_rows, field.type)
        if field.name == "QUALITY_FLAGS":
            col = canonical_flags(col)
        columns.append(col)
    return pa.Table.from_arrays(columns, schema=schema)


def sort_observations(table: pa.Table, dsd: DsdSpec | None = None) -> pa.Table:
    """``table`` in key order: by the dimensions in DSD order, then TIME_PERIOD.

    This is the canonical order of a dataset's observations: SDMX messages group them by
    series, so reading any message back gives the same table.
    """
    dsd = dsd or get_standard().dsd
    if table.num_rows < 2:
        return table
    keys = [(name, "ascending") for name in (*dsd.dimension_ids, dsd.time_dimension.id)]
    indices = pc.sort_indices(table, sort_keys=keys)
    in_order = pa.array(range(table.num_rows), indices.type)
    if pc.all(pc.equal(indices, in_order)).as_py():  # a message read back: no copy
        return table
    return table.take(indices)


def canonical_flags(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """QUALITY_FLAGS text made canonical: unique codes in the code list's order, one space.

    ``"SMALL_SAMPLE, SELF_REPORTED SMALL_SAMPLE"`` becomes ``"SELF_REPORTED SMALL_SAMPLE"``;
    an empty set becomes null. Works on the distinct values only, then maps them back.
    """
    order = {c.id: i for i, c in enumerate(get_codelist("CL_CGD_FLAG").codes)}
    distinct = pc.unique(col).to_pylist()

    def canonical(text: str | None) -> str | None:
        if text is None:
            return None
        flags = {t for t in re.split(r"[\s,;]+", text) if t}
        return " ".join(sorted(flags, key=lambda f: (order.get(f, len(order)), f))) or None

    mapped = pa.array([canonical(v) for v in distinct], pa.string())
    return pc.take(mapped, pc.index_in(col, value_set=pa.array(distinct, pa.string())))


def _cast(col: pa.ChunkedArray | pa.Array, target: pa.DataType) -> pa.ChunkedArray | pa.Array:
    if target == pa.int64() and pa.types.is_string(col.type):
        stripped = pc.utf8_trim_whitespace(col)
        return pc.cast(pc.if_else(pc.equal(stripped, ""), None, stripped), pa.int64())
    return pc.cast(col, target)


def true_rows(mask: pa.ChunkedArray | pa.Array) -> list[int]:
    """Row indices where ``mask`` is true."""
    if len(mask) == 0:
        # pyarrow 26 crashes (SIGSEGV) in indices_nonzero on a ChunkedArray without chunks
        return []
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()  # type: ignore[no-any-return]


def _present(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Null for empty text, else the value."""
    return pc.if_else(pc.equal(col, ""), None, col)


def check_cells(  # noqa: C901 (a flat dispatch over the kinds of column)
    table: pa.Table,
    *,
    extensions: Mapping[str, frozenset[str]] | None = None,
    dsd: DsdSpec | None = None,
) -> Iterator[CellProblem]:
    """Problems in the cells of a table of text columns named by concept ID.

    Checks codes against code lists (with the dataset's extensions), numbers, integers, dates,
    TIME_PERIOD and empty dimension values. Columns absent from the table are not checked;
    unknown columns are the caller's concern.
    """
    dsd = dsd or get_standard().dsd
    extensions = extensions or {}
    if table.num_rows == 0:
        return
    names = set(table.column_names)
    for dim in dsd.dimensions:
        if dim.id not in names:
            continue
        col = table.column(dim.id)
        yield from _missing(col, dim.id, "missing-dimension-value", "the dimension has no value")
        if dim.codelist:
            yield from _codes(col, dim.id, dim.codelist, extensions)
        elif dim.pattern:
            yield from _service_points(col, dim.id, dim.pattern, extensions)
    time_id = dsd.time_dimension.id
    if time_id in names:
        col = table.column(time_id)
        yield from _missing(col, time_id, "missing-dimension-value", "TIME_PERIOD has no value")
        yield from _pattern(
            col, time_id, TIME_PERIOD_PATTERN, "invalid-time-period",
            "is not an SDMX time period (e.g. 2023, 2023-Q2, 2023-05, 2023-05-31)",
        )  # fmt: skip
    if dsd.measure.id in names:
        yield from _number(table.column(dsd.measure.id), dsd.measure.id)
    for attr in dsd.attributes:
        if attr.id not in names:
            continue
        col = table.column(attr.id)
        if attr.type == "code" and attr.codelist:
            yield from _codes(col, attr.id, attr.codelist, extensions)
        elif attr.type == "flags" and attr.codelist:
            yield from _flags(col, attr.id, attr.codelist)
        elif attr.type == "decimal":
            yield from _number(col, attr.id)
        elif attr.type == "integer":
            yield from _integer(col, attr.id)
        elif attr.type == "date":
            yield from _date(col, attr.id)


def _text(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    return col if pa.types.is_string(col.type) else pc.cast(col, pa.string())


def _missing(col: pa.ChunkedArray, column: str, code: str, message: str) -> Iterator[CellProblem]:
    col = _text(col)
    for row in true_rows(pc.or_kleene(pc.is_null(col), pc.equal(col, ""))):
        yield CellProblem(code, row, column, None, message)


@cache
def _value_set(ref: str, extra: frozenset[str]) -> tuple[pa.Array, frozenset[str], list[str]]:
    if ref.endswith(":DATA_PROVIDERS"):
        return pa.array(sorted(extra), pa.string()), extra, sorted(extra)
    codelist = get_codelist(ref)
    allowed = codelist.ids | extra
    ordered = [c.id for c in codelist.codes] + sorted(extra - codelist.ids)
    return pa.array(sorted(allowed), pa.string()), allowed, ordered


def _codes(
    col: pa.ChunkedArray, column: str, ref: str, extensions: Mapping[str, frozenset[str]]
) -> Iterator[CellProblem]:
    key = ref.split(":")[-1]
    extra = frozenset(extensions.get(key, frozenset())) if key in EXTENSIBLE else frozenset()
    values, allowed, ordered = _value_set(ref, extra)
    col = _present(_text(col))
    bad = pc.and_(pc.invert(pc.is_in(col, value_set=values)), pc.is_valid(col))
    name = key
    for row in true_rows(bad):
        value = col[row].as_py()
        yield CellProblem(
            "code-not-in-codelist", row, column, value, code_error(value, name, allowed, ordered)
        )


def _service_points(
    col: pa.ChunkedArray, column: str, pattern: str, extensions: Mapping[str, frozenset[str]]
) -> Iterator[CellProblem]:
    declared = frozenset(extensions.get("SERVICE_POINT", frozenset()))
    allowed = declared | {"_T", "_Z"}
    values = pa.array(sorted(allowed), pa.string())
    col = _present(_text(col))
    bad = pc.and_(pc.invert(pc.is_in(col, value_set=values)), pc.is_valid(col))
    for row in true_rows(bad):
        value = col[row].as_py()
        yield CellProblem(
            "code-not-in-codelist", row, column, value,
            code_error(value, "the SERVICE_POINTS of the metadata", allowed, sorted(allowed)),
        )  # fmt: skip


def _pattern(
    col: pa.ChunkedArray, column: str, pattern: str, code: str, message: str
) -> Iterator[CellProblem]:
    col = _present(_text(col))
    bad = pc.and_(pc.invert(pc.match_substring_regex(col, pattern)), pc.is_valid(col))
    for row in true_rows(bad):
        value = col[row].as_py()
        yield CellProblem(code, row, column, value, f"{value!r} {message}")


def _number(col: pa.ChunkedArray, column: str) -> Iterator[CellProblem]:
    yield from _pattern(_text(col), column, DECIMAL_PATTERN, "invalid-number", "is not a number")


def _integer(col: pa.ChunkedArray, column: str) -> Iterator[CellProblem]:
    if pa.types.is_integer(col.type):
        for row in true_rows(pc.less(col, 0)):
            yield CellProblem(
                "invalid-integer", row, column, str(col[row].as_py()), "must not be negative"
            )
        return
    yield from _pattern(
        _text(col), column, _INTEGER_PATTERN, "invalid-integer",
        "is not a whole number of zero or more",
    )  # fmt: skip


def _date(col: pa.ChunkedArray, column: str) -> Iterator[CellProblem]:
    """Dates that are not ``YYYY-MM-DD`` or not in the calendar, each distinct value checked once.

    A column of dates repeats a few values (a submission's DATA_LAST_UPDATE on every row):
    checking them row by row in Python took 0.24 s per 100,000 rows.
    """
    col = _present(_text(col))
    distinct = pc.unique(col).drop_null()
    shaped = pc.match_substring_regex(distinct, _DATE_PATTERN).to_pylist()
    bad_values = [
        v for v, ok in zip(distinct.to_pylist(), shaped, strict=True) if not _is_date(v, ok)
    ]
    if not bad_values:
        return
    for row in true_rows(pc.is_in(col, value_set=pa.array(bad_values, pa.string()))):
        value = col[row].as_py()
        yield CellProblem(
            "invalid-date", row, column, value, f"{value!r} is not a date (YYYY-MM-DD)"
        )


def _is_date(value: str, shaped: bool) -> bool:
    if not shaped:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _flags(col: pa.ChunkedArray, column: str, ref: str) -> Iterator[CellProblem]:
    allowed = get_codelist(ref).ids
    col = _present(_text(col))
    rows = true_rows(pc.is_valid(col))
    if not rows:
        return
    tokens = pc.split_pattern_regex(pc.utf8_trim_whitespace(col), r"[\s,;]+")
    flat = pc.list_flatten(tokens)
    parents = pc.list_parent_indices(tokens)
    bad = pc.invert(pc.is_in(flat, value_set=pa.array(sorted(allowed))))
    seen: set[int] = set()
    for i in true_rows(bad):
        row = parents[i].as_py()
        token = flat[i].as_py()
        if row in seen or token == "":
            continue
        seen.add(row)
        yield CellProblem(
            "code-not-in-codelist", row, column, col[row].as_py(),
            code_error(token, "CL_CGD_FLAG", allowed, sorted(allowed)),
        )  # fmt: skip


def rows_to_table(rows: Sequence[Mapping[str, object]], dsd: DsdSpec | None = None) -> pa.Table:
    """A table of text columns from row mappings (values as text; ints kept).

    A dimension that a row leaves out takes its default (``_T``…), as an absent column does.
    """
    defaults = {d.id: d.default for d in (dsd or get_standard().dsd).dimensions}
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    data = {
        name: [_as_text(row[name]) if name in row else defaults.get(name) for row in rows]
        for name in names
    }
    return pa.table(
        {
            name: pa.array(values, pa.int64() if name in INTEGER_COLUMNS else pa.string())
            for name, values in data.items()
        }
    )


def _as_text(value: object) -> object:
    if value is None or (isinstance(value, int | str) and not isinstance(value, bool)):
        return value
    return str(value)

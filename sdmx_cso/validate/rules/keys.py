"""Keys: duplicate observations, and series-level attributes that differ within a series.

Both use hashed group-bys over the key columns (Arrow), never Python sets of rows.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.standard import get_standard
from sdmx_cso.validate.report import Issue
from sdmx_cso.validate.rules.context import RuleContext

_ROW = "__row__"


def check(ctx: RuleContext) -> Iterator[Issue]:
    """Duplicate keys and inconsistent series attributes."""
    if ctx.table.num_rows < 2:
        return
    dsd = get_standard().dsd
    if not {"SERIES", "REF_AREA", dsd.time_dimension.id} <= ctx.present:
        return  # a key column is missing: reported as missing-column
    dims = list(dsd.dimension_ids)
    table = ctx.table.append_column(_ROW, pa.array(range(ctx.table.num_rows), pa.int64()))
    if ctx.invalid_rows:
        invalid = pa.array(sorted(ctx.invalid_rows), pa.int64())
        table = table.filter(pc.invert(pc.is_in(table.column(_ROW), value_set=invalid)))
    yield from _duplicates(ctx, table, [*dims, dsd.time_dimension.id])
    series_attrs = [a.id for a in dsd.attributes_at("series") if a.id in ctx.present]
    yield from _series_attributes(ctx, table, dims, series_attrs)


def _filled(table: pa.Table, names: list[str]) -> pa.Table:
    """Key columns with nulls replaced, so that group-by treats them as values."""
    arrays = [pc.fill_null(table.column(n), "\x00") for n in names]
    return pa.Table.from_arrays([*arrays, table.column(_ROW)], names=[*names, _ROW])


def _duplicates(ctx: RuleContext, table: pa.Table, key: list[str]) -> Iterator[Issue]:
    keyed = _filled(table, key)
    values = pc.fill_null(table.column("OBS_VALUE"), "")
    keyed = keyed.append_column("__value__", values)
    groups = keyed.group_by(key).aggregate([(_ROW, "list"), ("__value__", "count_distinct")])
    counts = pc.list_value_length(groups.column(f"{_ROW}_list"))
    dupes = groups.filter(pc.greater(counts, 1))
    for rows, distinct in zip(
        dupes.column(f"{_ROW}_list").to_pylist(),
        dupes.column("__value___count_distinct").to_pylist(),
        strict=True,
    ):
        first, *others = sorted(rows)
        verdict = "with a different OBS_VALUE" if distinct > 1 else "with the same OBS_VALUE"
        for row in others:
            yield ctx.issue(
                "duplicate-key",
                f"the same series key and TIME_PERIOD as row {ctx.row_number(first)}, {verdict}",
                row=row,
            )


def _series_attributes(
    ctx: RuleContext, table: pa.Table, dims: list[str], attrs: list[str]
) -> Iterator[Issue]:
    if not attrs:
        return
    keyed = _filled(table, dims)
    for attr in attrs:
        keyed = keyed.append_column(attr, pc.fill_null(table.column(attr), ""))
    groups = keyed.group_by(dims).aggregate(
        [(_ROW, "list"), *((a, "count_distinct") for a in attrs)]
    )
    for attr in attrs:
        mixed = groups.filter(pc.greater(groups.column(f"{attr}_count_distinct"), 1))
        values = ctx.table.column(attr).to_pylist() if mixed.num_rows else []
        for rows in mixed.column(f"{_ROW}_list").to_pylist():
            rows = sorted(rows)
            first = values[rows[0]]
            for row in rows[1:]:
                if values[row] != first:
                    yield ctx.issue(
                        "series-attribute-differs",
                        f"{attr} is a series attribute: {values[row]!r} here, but "
                        f"{first!r} in row {ctx.row_number(rows[0])} of the same series",
                        row=row,
                        column=attr,
                        value=values[row],
                    )
                    break

"""Keys: duplicate observations, and series-level attributes that differ within a series.

Rows are compared through one dictionary-encoded key per row (the dimension values joined),
so the work is a few Arrow kernels over integer codes; Python only sees the rows that are in
fact duplicated or inconsistent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.standard import get_standard
from sdmx_cso.validate.report import Issue
from sdmx_cso.validate.rules.context import RuleContext

_SEP = "\x1f"


def check(ctx: RuleContext) -> Iterator[Issue]:
    """Duplicate keys and inconsistent series attributes."""
    if ctx.table.num_rows < 2:
        return
    dsd = get_standard().dsd
    if not {"SERIES", "REF_AREA", dsd.time_dimension.id} <= ctx.present:
        return  # a key column is missing: reported as missing-column
    keep = _valid_rows(ctx)
    series = _codes([ctx.table.column(d) for d in dsd.dimension_ids])
    observation = _codes([series.cast(pa.string()), ctx.table.column(dsd.time_dimension.id)])
    yield from _duplicates(ctx, observation, keep)
    for attr in (a.id for a in dsd.attributes_at("series")):
        if attr in ctx.present:
            yield from _series_attribute(ctx, series, attr, keep)


def _valid_rows(ctx: RuleContext) -> pa.Array:
    """True for rows without cell errors (rules that compare rows leave the others out)."""
    n = ctx.table.num_rows
    if not ctx.invalid_rows:
        return pa.repeat(pa.scalar(True), n)
    invalid = pa.array(sorted(ctx.invalid_rows), pa.int64())
    return pc.invert(pc.is_in(pa.array(range(n), pa.int64()), value_set=invalid))


def _codes(columns: list[pa.ChunkedArray | pa.Array]) -> pa.Array:
    """One int32 code per row for the combination of ``columns`` (nulls included as values).

    Columns with a single value (most dimensions of a real dataset are all ``_T``) cannot tell
    rows apart and are left out of the joined key.
    """
    parts = [pc.fill_null(col, "\x00") for col in columns]
    varying = [p for p in parts if not _constant(p)]
    parts = varying or parts[:1]
    joined = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, _SEP)
    encoded = pc.dictionary_encode(joined)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    return encoded.indices


def _constant(col: pa.ChunkedArray | pa.Array) -> bool:
    bounds = pc.min_max(col)
    return bool(bounds["min"].as_py() == bounds["max"].as_py())


def _repeated(codes: pa.Array, keep: pa.Array) -> list[int]:
    """Rows (kept ones only) whose code occurs more than once among the kept rows."""
    kept = pc.filter(codes, keep)
    counts = pc.value_counts(kept)
    many = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(many) == 0:
        return []
    mask = pc.and_(keep, pc.is_in(codes, value_set=many))
    return pc.indices_nonzero(mask).to_pylist()  # type: ignore[no-any-return]


def _duplicates(ctx: RuleContext, codes: pa.Array, keep: pa.Array) -> Iterator[Issue]:
    rows = _repeated(codes, keep)
    if not rows:
        return
    groups: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        groups[codes[row].as_py()].append(row)
    values = ctx.table.column("OBS_VALUE")
    for members in groups.values():
        first, *others = sorted(members)
        seen = values[first].as_py()
        for row in others:
            same = values[row].as_py() == seen
            verdict = "with the same OBS_VALUE" if same else "with a different OBS_VALUE"
            yield ctx.issue(
                "duplicate-key",
                f"the same series key and TIME_PERIOD as row {ctx.row_number(first)}, {verdict}",
                row=row,
            )


def _series_attribute(
    ctx: RuleContext, series: pa.Array, attr: str, keep: pa.Array
) -> Iterator[Issue]:
    values = ctx.table.column(attr)
    pairs = _codes([series.cast(pa.string()), values])
    # a series is inconsistent when it has more than one distinct (series, value) pair
    first_of_pair = pc.filter(series, keep)
    distinct = pc.unique(pc.filter(pairs, keep))
    if len(distinct) == len(pc.unique(first_of_pair)):
        return
    rows = pc.indices_nonzero(keep).to_pylist()
    seen: dict[int, tuple[int, object]] = {}
    reported: set[int] = set()
    series_codes = series.to_pylist()
    texts = values.to_pylist()
    for row in rows:
        key = series_codes[row]
        if key not in seen:
            seen[key] = (row, texts[row])
        elif texts[row] != seen[key][1] and key not in reported:
            reported.add(key)
            first, value = seen[key]
            yield ctx.issue(
                "series-attribute-differs",
                f"{attr} is a series attribute: {texts[row]!r} here, but {value!r} in row "
                f"{ctx.row_number(first)} of the same series",
                row=row,
                column=attr,
                value=texts[row],
            )

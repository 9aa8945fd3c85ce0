"""Ranges: bounds around the value, numerator within the sample, percentages, score scales."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.model.columns import true_rows
from sdmx_cso.validation.report import Issue
from sdmx_cso.validation.rules.context import RuleContext

#: Units whose values are percentages (0–100).
PERCENT_UNITS = frozenset({"PT"})


def check(ctx: RuleContext) -> Iterator[Issue]:
    """Range checks on every row."""
    value = ctx.number("OBS_VALUE")
    lower, upper = ctx.number("LOWER_BOUND"), ctx.number("UPPER_BOUND")
    text = ctx.table.column("OBS_VALUE").to_pylist()
    for row in true_rows(pc.greater(lower, value)):
        yield ctx.issue(
            "value-outside-bounds",
            f"OBS_VALUE {text[row]} is below LOWER_BOUND {_num(lower, row)}",
            row=row, column="OBS_VALUE", value=text[row],
        )  # fmt: skip
    for row in true_rows(pc.less(upper, value)):
        yield ctx.issue(
            "value-outside-bounds",
            f"OBS_VALUE {text[row]} is above UPPER_BOUND {_num(upper, row)}",
            row=row, column="OBS_VALUE", value=text[row],
        )  # fmt: skip
    for row in true_rows(pc.greater(lower, upper)):
        yield ctx.issue(
            "value-outside-bounds",
            f"LOWER_BOUND {_num(lower, row)} is above UPPER_BOUND {_num(upper, row)}",
            row=row, column="LOWER_BOUND",
        )  # fmt: skip
    yield from _numerator(ctx)
    yield from _percent(ctx, value, text)
    yield from _scale(ctx, value, text)


def _num(col: pa.Array, row: int) -> str:
    return format(Decimal(repr(col[row].as_py())).normalize(), "f")


def _numerator(ctx: RuleContext) -> Iterator[Issue]:
    num, size = ctx.number("NUMERATOR"), ctx.number("SAMPLE_SIZE")
    for row in true_rows(pc.greater(num, size)):
        yield ctx.issue(
            "numerator-exceeds-sample",
            f"NUMERATOR {_num(num, row)} is larger than SAMPLE_SIZE {_num(size, row)}",
            row=row, column="NUMERATOR", value=_num(num, row),
        )  # fmt: skip


def declared_unit(ctx: RuleContext) -> pa.Array:
    """UNIT_MEASURE per row: given, else the coalition series' declared unit."""
    unit = ctx.table.column("UNIT_MEASURE")
    if ctx.metadata is None or not ctx.metadata.series:
        return unit
    declared = {s.code: s.unit for s in ctx.metadata.series}
    series = ctx.table.column("SERIES")
    keys = pa.array(list(declared), pa.string())
    mapped = pc.take(pa.array(list(declared.values()), pa.string()), pc.index_in(series, keys))
    return pc.coalesce(unit, mapped)


def _percent(ctx: RuleContext, value: pa.Array, text: list[str | None]) -> Iterator[Issue]:
    unit = declared_unit(ctx)
    is_pct = pc.is_in(unit, value_set=pa.array(sorted(PERCENT_UNITS)))
    bad = pc.and_(is_pct, pc.or_(pc.less(value, 0), pc.greater(value, 100)))
    for row in true_rows(bad):
        yield ctx.issue(
            "percent-out-of-range",
            f"OBS_VALUE {text[row]} is a percentage (UNIT_MEASURE PT) outside 0–100",
            row=row, column="OBS_VALUE", value=text[row],
        )  # fmt: skip


def _scale(ctx: RuleContext, value: pa.Array, text: list[str | None]) -> Iterator[Issue]:
    low, high = ctx.number("SCALE_MIN"), ctx.number("SCALE_MAX")
    if ctx.metadata is not None and ctx.metadata.series:
        declared = {s.code: s for s in ctx.metadata.series}
        series = ctx.table.column("SERIES")
        keys = pa.array(list(declared), pa.string())
        index = pc.index_in(series, keys)
        mins = pa.array([_f(s.scale_min) for s in declared.values()], pa.float64())
        maxs = pa.array([_f(s.scale_max) for s in declared.values()], pa.float64())
        low = pc.coalesce(low, pc.take(mins, index))
        high = pc.coalesce(high, pc.take(maxs, index))
    bad = pc.or_(pc.less(value, low), pc.greater(value, high))
    for row in true_rows(bad):
        yield ctx.issue(
            "score-out-of-scale",
            f"OBS_VALUE {text[row]} is outside its scale "
            f"{_num(low, row)}–{_num(high, row)}",
            row=row, column="OBS_VALUE", value=text[row],
        )  # fmt: skip


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)

"""Percentages that disagree with their own counts: OBS_VALUE against NUMERATOR / SAMPLE_SIZE.

A value in per cent (UNIT_MEASURE PT, given or declared for the series) whose row gives both
counts should equal ``NUMERATOR / SAMPLE_SIZE × 100`` to the decimals it is given with: ``61.5``
may stand for 61.47 or 61.54, but not for 90 or for 0.615 (a spreadsheet's percentage format).
Rows another rule already refuses (a numerator above the sample, a percentage outside 0–100)
are left to it. A weighted dataset (its WEIGHTING describes weights) is not checked: a
weighted share differs from the unweighted counts by design.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.model import DatasetMetadata
from sdmx_cso.model.columns import true_rows
from sdmx_cso.validation.report import Issue
from sdmx_cso.validation.rules.context import RuleContext
from sdmx_cso.validation.rules.ranges import PERCENT_UNITS, declared_unit

__all__ = ["check", "weighted"]

#: First words of a WEIGHTING text that say the values are not weighted.
_UNWEIGHTED = frozenset({"none", "no", "not", "unweighted", "n/a", "na", "self-weighting"})


def weighted(metadata: DatasetMetadata | None) -> bool:
    """Whether the metadata's WEIGHTING describes weights ("None. …" does not)."""
    text = (metadata.weighting or "").strip() if metadata is not None else ""
    if not text:
        return False
    first = re.split(r"[\s.,;:()]+", text.lower(), maxsplit=1)[0]
    return first not in _UNWEIGHTED


def check(ctx: RuleContext) -> Iterator[Issue]:
    """OBS_VALUE in per cent that is not NUMERATOR / SAMPLE_SIZE × 100, rounded."""
    if not {"OBS_VALUE", "NUMERATOR", "SAMPLE_SIZE"} <= set(ctx.present):
        return
    if weighted(ctx.metadata):
        return
    value, num, size = ctx.number("OBS_VALUE"), ctx.number("NUMERATOR"), ctx.number("SAMPLE_SIZE")
    text = ctx.table.column("OBS_VALUE")
    is_pct = pc.is_in(declared_unit(ctx), value_set=pa.array(sorted(PERCENT_UNITS)))
    usable = pc.and_(
        pc.and_(is_pct, pc.greater(size, 0)),
        pc.and_(pc.less_equal(num, size), pc.and_(pc.greater_equal(value, 0),
                                                  pc.less_equal(value, 100))),
    )  # fmt: skip
    expected = pc.divide(pc.multiply(num, 100.0), size)
    point = pc.find_substring(pc.cast(text, pa.string()), ".")
    decimals = pc.if_else(
        pc.less(point, 0), 0, pc.subtract(pc.subtract(pc.utf8_length(text), point), 1)
    )
    tolerance = pc.add(pc.multiply(pc.power(10.0, pc.negate(decimals)), 0.5), 1e-9)
    off = pc.greater(pc.abs(pc.subtract(value, expected)), tolerance)
    for row in true_rows(pc.and_(usable, off)):
        shown = text[row].as_py()
        share = expected[row].as_py()
        hint = ""
        if abs(value[row].as_py() * 100 - share) <= 100 * tolerance[row].as_py():
            hint = " (a share of 1: a spreadsheet's percentage format?)"
        yield ctx.issue(
            "value-disagrees-with-counts",
            f"OBS_VALUE {shown} is not NUMERATOR / SAMPLE_SIZE × 100 = "
            f"{num[row].as_py():g} / {size[row].as_py():g} × 100 = {share:.4g}{hint}",
            row=row, column="OBS_VALUE", value=shown,
        )  # fmt: skip

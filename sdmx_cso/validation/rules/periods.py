"""Periods: TIME_PERIOD against FREQ and the reference period; the metadata's periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.model.columns import true_rows
from sdmx_cso.model.observation import TIME_PERIOD_PATTERN
from sdmx_cso.validation.report import Issue
from sdmx_cso.validation.rules.context import RuleContext

#: The TIME_PERIOD form each frequency expects (other frequencies are not checked).
FREQ_FORMS: dict[str, tuple[str, str]] = {
    "A": (r"^[0-9]{4}(-A1)?$", "a year, e.g. 2023"),
    "S": (r"^[0-9]{4}-S[12]$", "a half-year, e.g. 2023-S1"),
    "Q": (r"^[0-9]{4}-Q[1-4]$", "a quarter, e.g. 2023-Q2"),
    "M": (r"^[0-9]{4}-(0[1-9]|1[0-2]|M(0[1-9]|1[0-2]))$", "a month, e.g. 2023-05"),
    "W": (r"^[0-9]{4}-W[0-9]{2}$", "a week, e.g. 2023-W07"),
    "D": (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "a date, e.g. 2023-05-31"),
}


def check(ctx: RuleContext) -> Iterator[Issue]:
    """TIME_PERIOD matches FREQ and lies in REF_PERIOD; REF_PERIOD fits COLL_PERIOD."""
    periods = ctx.table.column("TIME_PERIOD")
    freq = ctx.table.column("FREQ")
    valid = pc.fill_null(pc.match_substring_regex(periods, TIME_PERIOD_PATTERN), False)
    for code, (pattern, words) in FREQ_FORMS.items():
        mismatch = pc.and_(
            pc.and_(valid, pc.equal(freq, code)),
            pc.invert(pc.match_substring_regex(periods, pattern)),
        )
        for row in true_rows(mismatch):
            value = periods[row].as_py()
            yield ctx.issue(
                "time-period-frequency",
                f"TIME_PERIOD {value!r} does not fit FREQ {code}: expected {words}",
                row=row, column="TIME_PERIOD", value=value,
            )  # fmt: skip
    if ctx.metadata is None:
        return
    ref = ctx.metadata.ref_period
    yield from _outside(ctx, periods, ref.start, ref.end)
    coll = ctx.metadata.coll_period
    if ref.start > coll.end:
        yield ctx.metadata_issue(
            "period-mismatch",
            f"REF_PERIOD starts ({ref.start}) after the fieldwork ended ({coll.end}): "
            "data cannot refer to a time after they were collected",
            column="REF_PERIOD",
        )


def _outside(
    ctx: RuleContext, periods: pa.ChunkedArray, start: dt.date, end: dt.date
) -> Iterator[Issue]:
    valid_year = pc.fill_null(pc.match_substring_regex(periods, r"^[0-9]{4}"), False)
    years = pc.cast(
        pc.if_else(valid_year, pc.utf8_slice_codeunits(periods, 0, 4), None), pa.int64()
    )
    outside = pc.and_(valid_year, pc.or_(pc.less(years, start.year), pc.greater(years, end.year)))
    for row in true_rows(outside):
        value = periods[row].as_py()
        yield ctx.issue(
            "period-outside-reference",
            f"TIME_PERIOD {value} lies outside REF_PERIOD {start}/{end} of the metadata",
            row=row, column="TIME_PERIOD", value=value,
        )  # fmt: skip

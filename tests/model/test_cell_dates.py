"""Date cells (DATA_LAST_UPDATE): checked once per distinct value, reported at every row."""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from sdmx_cso.model.columns import check_cells

DATES = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.sampled_from(["2024-02-30", "2023-13-01", "2024-5-1", "20240501", "x", "", " ", None]),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
)


def _reference(values: list[str | None]) -> list[tuple[int, str]]:
    """Row by row, the rule as written: YYYY-MM-DD and a day of the calendar."""
    bad = []
    for row, value in enumerate(values):
        if value is None or value == "":
            continue
        try:
            ok = bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value))
            ok = ok and dt.date.fromisoformat(value) is not None
        except ValueError:
            ok = False
        if not ok:
            bad.append((row, value))
    return bad


@given(values=st.lists(DATES, max_size=60), cut=st.integers(0, 60))
def test_every_bad_date_is_reported_at_its_row(values: list[str | None], cut: int) -> None:
    cut = min(cut, len(values))
    column = pa.chunked_array([values[:cut], values[cut:]], pa.string())
    table = pa.table({"DATA_LAST_UPDATE": column})
    found = [(p.row, p.value) for p in check_cells(table) if p.code == "invalid-date"]
    assert found == _reference(values)

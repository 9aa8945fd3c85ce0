"""Every pair of data formats: A → read → B → read gives back the original dataset.

For each of the 6 × 6 ordered pairs, hypothesis-generated datasets (``strategies.datasets``,
made portable: one observation per key, series attributes constant within a series, as
SDMX requires) are written in format A with their reference metadata, read back with
``sdmx_cso.read``, written in format B, and read back again. The observation count, every
value and attribute, and the metadata equal the original's.

And nothing is dropped silently on the way in: a submission with rejected rows is refused
with a report that names every bad row, with its reason, and no good one.
"""

from __future__ import annotations

import csv
import io
import itertools
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
import yaml
from factories import metadata_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import datasets

import sdmx_cso
import sdmx_cso.pipeline
from sdmx_cso import CommunityDataset, DatasetMetadata
from sdmx_cso.formats.series import layout
from sdmx_cso.standard import get_standard

FORMATS = sorted(sdmx_cso.pipeline.DATA_FORMATS)
PAIRS = list(itertools.product(FORMATS, FORMATS))
LAYOUT = layout(get_standard().dsd)
KEY = (*LAYOUT.dimensions, LAYOUT.time)
DEFAULTS = {d.id: d.default for d in get_standard().dsd.dimensions}
EXAMPLES_PER_PAIR = 10


def portable(meta: dict[str, Any], rows: list[dict[str, Any]]) -> CommunityDataset:
    """A dataset every SDMX format can carry: unique keys, one value per series attribute."""
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for r in rows:
        if not r["SERIES"].startswith("CGD_"):  # mandatory; derived only for coalition series
            r["UNIT_MEASURE"] = "PT"
        key = tuple(r.get(k, DEFAULTS.get(k)) for k in KEY)
        if key not in seen:
            seen.add(key)
            unique.append(r)
    dataset = CommunityDataset(
        metadata=DatasetMetadata.model_validate(meta), observations=unique
    ).derived()
    table = dataset.observations
    order = [(n, "ascending") for n in KEY]
    records = table.take(pc.sort_indices(table, sort_keys=order)).to_pylist()
    first: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in records:
        series = tuple(r[d] for d in LAYOUT.dimensions)
        r.update(first.setdefault(series, {a: r[a] for a in LAYOUT.series_attributes}))
    return dataset.model_copy(
        update={"observations": pa.Table.from_pylist(records, schema=table.schema)}
    )


def metadata_format(data_format: str) -> str:
    """The reference-metadata format written beside a data message (as ``convert`` does)."""
    return "sdmx-ml-3.0" if data_format == "sdmx-ml-3.0" else "sdmx-ml-2.1"


def through(dataset: CommunityDataset, fmt: str, folder: Path) -> CommunityDataset:
    data = sdmx_cso.pipeline.write_data(dataset, folder / f"{fmt}.msg", format=fmt)
    sdmx_cso.pipeline.write_metadata(
        dataset, sdmx_cso.pipeline.metadata_path_for(data), format=metadata_format(fmt)
    )
    return sdmx_cso.read(data).dataset


def assert_same(got: CommunityDataset, want: CommunityDataset) -> None:
    assert len(got) == len(want)
    assert got.metadata == want.metadata
    assert got.observations.schema == want.observations.schema
    if not got.observations.equals(want.observations):  # name the column that differs
        for name in want.observations.column_names:
            assert got.observations.column(name).to_pylist() == (
                want.observations.column(name).to_pylist()
            ), name
    assert got == want


@pytest.mark.parametrize(("first", "second"), PAIRS, ids=[f"{a}>{b}" for a, b in PAIRS])
@settings(
    max_examples=EXAMPLES_PER_PAIR,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(generated=datasets())
def test_a_to_b_gives_back_the_original(first, second, generated):
    original = portable(*generated)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "a").mkdir()
        (folder / "b").mkdir()
        once = through(original, first, folder / "a")
        assert_same(once, original)
        twice = through(once, second, folder / "b")
        assert_same(twice, original)


# -- nothing dropped silently: rejected rows are counted, with their reasons ---------------------

HEADER = ["SERIES", "REF_AREA", "SEX", "TIME_PERIOD", "OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND",
          "SAMPLE_SIZE", "NUMERATOR"]  # fmt: skip
#: A defect planted in a good row: (issue code, column, bad value).
DEFECTS = [
    ("code-not-in-codelist", "SEX", "X"),
    ("invalid-number", "OBS_VALUE", "12,5%"),
    ("invalid-integer", "SAMPLE_SIZE", "forty"),
    ("invalid-time-period", "TIME_PERIOD", "2023/24"),
    ("missing-dimension-value", "SEX", ""),
]
METADATA = yaml.safe_dump(metadata_dict(), allow_unicode=True)


def good_row(number: int) -> dict[str, str]:
    return dict(zip(HEADER, ["CGD_TEST_SHARE", f"KE-{number:02d}", "F", "2023", "12.5", "8.0",
                             "17.0", "80", "10"], strict=True))  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(
    plan=st.lists(st.none() | st.sampled_from(DEFECTS), min_size=1, max_size=40).filter(
        lambda plan: any(plan)
    )
)
def test_every_rejected_row_is_counted_with_its_reason(plan):
    rows = [good_row(n) for n in range(1, len(plan) + 1)]
    bad: dict[int, tuple[str, str]] = {}
    for number, (row, defect) in enumerate(zip(rows, plan, strict=True), start=2):
        if defect is not None:
            code, column, value = defect
            row[column] = value
            bad[number] = (code, column)
    text = io.StringIO()
    writer = csv.DictWriter(text, HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "data.csv").write_text(text.getvalue(), encoding="utf-8")
        (folder / "metadata.yaml").write_text(METADATA, encoding="utf-8")
        report = sdmx_cso.validate(folder)
        done = sdmx_cso.convert(folder, to="sdmx-csv-2.0", output=folder / "out.csv")
        assert done.data is None
        assert not (folder / "out.csv").exists()
    assert not report.valid
    assert report.stats.rows == len(rows)  # every row was read, none skipped
    assert report.stats.observations == 0
    errors = [i for i in report.issues if i.severity == "error"]
    assert report.stats.errors == len(errors) >= len(bad)
    assert {i.row for i in errors} == set(bad)  # every bad row, and no good one
    for number, (code, column) in bad.items():
        reasons = {(i.code, i.column) for i in errors if i.row == number}
        assert (code, column) in reasons, (number, reasons)
        assert all(i.message for i in errors if i.row == number)
    assert done.report == report

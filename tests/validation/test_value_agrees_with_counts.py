"""OBS_VALUE in per cent against NUMERATOR / SAMPLE_SIZE: a located warning, rounding allowed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sdmx_cso
from sdmx_cso.validation.rules.shares import weighted

VALID = Path(__file__).resolve().parents[1] / "invalid" / "_valid"
HEADER = "SERIES,REF_AREA,SEX,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,SAMPLE_SIZE,NUMERATOR\n"


def _submit(tmp_path: Path, rows: list[str], weighting: str | None = None) -> sdmx_cso.Report:
    folder = tmp_path / "sub"
    folder.mkdir(exist_ok=True)
    meta = (VALID / "metadata.yaml").read_text("utf-8")
    if weighting is not None:
        meta += f"WEIGHTING: {weighting}\n"
    (folder / "metadata.yaml").write_text(meta, "utf-8")
    (folder / "data.csv").write_text(HEADER + "".join(r + "\n" for r in rows), "utf-8")
    return sdmx_cso.validate(folder)


def _row(value: str, num: int, size: int, sex: str = "F") -> str:
    return f"CGD_TEST_SHARE,KE-01,{sex},2023,{value},PT,{size},{num}"


def test_the_issue_example_is_a_located_warning(tmp_path):
    report = _submit(tmp_path, [_row("61.5", 123, 200), _row("90", 123, 200, "M")])
    assert report.valid  # a warning
    assert report.flatten(["code", "row", "column"]) == [
        ["value-disagrees-with-counts", 3, "OBS_VALUE"]
    ]
    assert "123 / 200 × 100 = 61.5" in report.issues[0].message


def test_a_share_of_one_is_named(tmp_path):
    report = _submit(tmp_path, [_row("0.615", 123, 200)])
    assert "share of 1" in report.issues[0].message


@pytest.mark.parametrize(
    ("value", "num", "size", "warned"),
    [("33.3", 1, 3, False), ("33", 1, 3, False), ("33.33", 1, 3, False), ("33.4", 1, 3, True),
     ("34", 1, 3, True), ("0", 0, 7, False), ("100.0", 7, 7, False), ("66.67", 2, 3, False),
     ("66.6", 2, 3, True)],
)  # fmt: skip
def test_rounding_to_the_given_decimals_is_allowed(tmp_path, value, num, size, warned):
    report = _submit(tmp_path, [_row(value, num, size)])
    assert bool(report.issues) is warned


def test_weighted_datasets_are_not_checked(tmp_path):
    assert (
        _submit(tmp_path, [_row("90", 123, 200)], "Post-stratified to census totals.").issues == ()
    )
    report = _submit(tmp_path, [_row("90", 123, 200)], "None; unweighted counts.")
    assert [i.code for i in report.issues] == ["value-disagrees-with-counts"]


@given(st.sampled_from(["None.", "none", "Unweighted.", "No weights", "", "n/a"]))
def test_texts_that_say_unweighted(text):
    from sdmx_cso.model import DatasetMetadata

    meta = sdmx_cso.load(VALID).metadata
    assert not weighted(DatasetMetadata.model_validate(meta.model_copy(update={"weighting": text})))


def test_the_same_warning_from_a_workbook(tmp_path):
    """Every submission: a workbook is read whole, not in CSV batches."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "data"
    for line in [HEADER, _row("0.615", 123, 200)]:
        book.active.append(line.strip().split(","))
    book.save(tmp_path / "data.xlsx")
    shutil.copy(VALID / "metadata.yaml", tmp_path / "metadata.yaml")
    report = sdmx_cso.validate(tmp_path / "data.xlsx")
    assert report.flatten(["code", "row", "column"]) == [
        ["value-disagrees-with-counts", 2, "OBS_VALUE"]
    ]

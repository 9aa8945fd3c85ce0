"""The DataFrame-first API, as a developer uses it: pandas in, SDMX in memory, pandas out.

This file is also checked with ``mypy --strict`` (`test_this_file_passes_mypy_strict`): the
public API's types must let a typed program call it without casts or ignores.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

import sdmx_cso
from sdmx_cso.examples import example_path
from sdmx_cso.pipeline import DATA_FORMATS

EXAMPLE = example_path("nepal-karnali-scorecard")  # nothing withheld: values come back whole


def _frame() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE / "data.csv", dtype=str, keep_default_na=False).replace("", None)


def _metadata() -> dict[str, object]:
    loaded = yaml.safe_load((EXAMPLE / "metadata.yaml").read_text("utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_a_dataframe_is_validated_converted_to_a_stream_and_read_back_typed() -> None:
    frame = _frame()
    report = sdmx_cso.validate(frame, metadata=_metadata())
    assert report.valid, report.to_pandas()
    dataset = sdmx_cso.CommunityDataset.from_pandas(frame, _metadata())
    assert len(dataset) == len(frame)

    out = io.BytesIO()
    assert sdmx_cso.write(dataset, out, format="sdmx-ml-3.0") is None
    message = sdmx_cso.read(io.BytesIO(out.getvalue()))
    assert message.format == "sdmx-ml-3.0"
    assert message.dataset is None
    back = message.to_pandas()

    assert str(back["OBS_VALUE"].dtype) == "float64"
    assert str(back["SAMPLE_SIZE"].dtype) == "Int64"
    assert str(back["REF_AREA"].dtype) == "string"
    assert back.isna().all().sum() == 0  # only the columns that carry data
    keys = [
        c
        for c in frame.columns
        if c not in ("OBS_VALUE", "SAMPLE_SIZE", "COMMENT_OBS", "DATA_PRODUCER")
    ]
    expected = frame.sort_values(keys).reset_index(drop=True)
    got = back.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_series_equal(
        got["OBS_VALUE"], pd.to_numeric(expected["OBS_VALUE"]).astype("float64")
    )
    pd.testing.assert_series_equal(
        got["SAMPLE_SIZE"], pd.to_numeric(expected["SAMPLE_SIZE"]).astype("Int64")
    )


@pytest.mark.parametrize("fmt", sorted(DATA_FORMATS))
def test_every_format_goes_through_bytes_and_back(fmt: str) -> None:
    dataset = sdmx_cso.load(EXAMPLE)
    data = sdmx_cso.write(dataset, format=fmt)
    assert isinstance(data, bytes)
    message = sdmx_cso.read(data, metadata=dataset.metadata)
    assert message.dataset is not None
    assert message.dataset.observations.equals(sdmx_cso.protect(dataset)[0].observations)


def test_a_path_gets_the_metadata_beside_it_and_reads_back_whole(tmp_path: Path) -> None:
    dataset = sdmx_cso.load(EXAMPLE)
    written = sdmx_cso.write(dataset, tmp_path / "karnali.xml")
    assert written == tmp_path / "karnali.xml"
    assert (tmp_path / "karnali.metadata.xml").is_file()
    message = sdmx_cso.read(tmp_path / "karnali.xml")
    assert message.dataset == sdmx_cso.protect(dataset)[0]


def test_write_protects_first_whatever_the_caller_passes() -> None:
    dataset = sdmx_cso.load(example_path("kenya-disability-survey"))  # has small counts
    message = sdmx_cso.read(sdmx_cso.write(dataset, format="sdmx-csv-2.0") or b"")
    frame = message.to_pandas()
    withheld = frame[frame["OBS_STATUS"] == "Q"]
    assert len(withheld) > 0
    assert withheld["OBS_VALUE"].isna().all()
    assert "SAMPLE_SIZE" not in withheld or withheld["SAMPLE_SIZE"].isna().all()


def test_labels_replace_codes_by_their_names() -> None:
    frame = sdmx_cso.load(example_path("kenya-disability-survey")).to_pandas(labels=True)
    assert set(frame["SEX"]) == {"Female", "Male", "Both sexes or no breakdown by sex"}
    assert "Persons with disability" in set(frame["DISABILITY_STATUS"])


def test_rows_and_arrow_tables_are_submissions_too() -> None:
    frame = _frame()
    rows = frame.to_dict("records")
    assert sdmx_cso.validate(rows, metadata=_metadata()).valid
    import pyarrow as pa

    assert sdmx_cso.validate(pa.Table.from_pandas(frame), metadata=_metadata()).valid


def test_a_bad_cell_of_a_dataframe_is_located_not_raised() -> None:
    frame = _frame()
    frame.loc[3, "OBS_VALUE"] = "forty"
    report = sdmx_cso.validate(frame, metadata=_metadata())
    issues = report.to_pandas()
    located = issues[issues["column"] == "OBS_VALUE"]
    assert located[["file", "row", "code"]].values.tolist() == [["<table>", 5, "invalid-number"]]


def test_numbers_and_blanks_of_pandas_become_the_text_a_person_typed() -> None:
    frame = _frame()
    frame["OBS_VALUE"] = pd.to_numeric(frame["OBS_VALUE"])  # 12.5, not "12.50"
    frame["SAMPLE_SIZE"] = pd.to_numeric(frame["SAMPLE_SIZE"]).astype(float)  # 120.0
    dataset = sdmx_cso.CommunityDataset.from_pandas(frame, _metadata())
    sizes = dataset.observations.column("SAMPLE_SIZE").to_pylist()
    assert all(isinstance(size, int) for size in sizes if size is not None)


def test_metadata_is_built_in_typed_code_from_lists_and_sub_models() -> None:
    """The sub-models are public and any sequence fills a field of several values."""
    import datetime as dt

    from sdmx_cso.model import CollectionMethod, Consent, DataProvider, Period

    metadata = sdmx_cso.DatasetMetadata(
        dataset_id="KCSN_TYPED_2023",
        title="Scores typed in Python",
        dataset_type="SCORECARD",
        contact_organisation="Karnali Citizens' Scorecard Network",
        contact_email="scorecard@karnali-network.example.org",
        data_source=[DataProvider(id="KCSN", name="Karnali Citizens' Scorecard Network")],
        stat_pop="Users of the covered health posts",
        ref_area_coverage=["NP-P6"],
        ref_period=Period(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31)),
        coll_period=Period(start=dt.date(2023, 5, 7), end=dt.date(2023, 11, 24)),
        source_type="SCORECARD",
        coll_method=CollectionMethod(mode="GROUP_SCORING", languages=["ne"]),
        sampling_method="PARTICIPATORY_GROUP",
        representativeness="REP_COVERED_COMMUNITY",
        response_mode="GROUP_CONSENSUS",
        validation_status="COMMUNITY_VALIDATED",
        consent=Consent(type="INFORMED_VERBAL"),
        rec_use_lim="Perception scores agreed in groups.",
        licence="CC-BY-4.0",
        access_rights="PUBLIC",
    )
    assert metadata.ref_area_coverage == ("NP-P6",)  # kept as a tuple: the model is frozen
    assert metadata.coll_method.languages == ("ne",)
    hash(metadata.data_source)


def test_this_file_passes_mypy_strict() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--follow-imports=silent", __file__],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr

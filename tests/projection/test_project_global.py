"""Projection onto the global SDG DSD IAEG-SDGs:SDG(1.4) (standard.md §8.7)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

import sdmx_cso
import sdmx_cso.examples
import sdmx_cso.schemas
from sdmx_cso.projection import REASONS, global_target, project, write_projection
from sdmx_cso.projection.write import validate_projection
from tests.conftest import shared_path

#: Three national rows (REF_AREA KE) added to a copy of the Kenya example, so that the
#: global DSD receives something: the example itself is all counties.
NATIONAL_ROWS = (
    "SI_COV_DISAB,KE,_T,Y_GE18,PD,_T,2023,12.9,PT,10.9,15.1,1533,198,,,TDA\n"
    "SI_COV_DISAB,KE,F,Y_GE18,PD,_T,2023,12.1,PT,9.6,15.1,854,103,,,TDA\n"
    "SI_COV_DISAB,KE,M,Y_GE18,PD,_T,2023,14.0,PT,11.0,17.6,679,95,,,TDA\n"
)


@pytest.fixture
def kenya_national(tmp_path: Path) -> Path:
    """The Kenya example plus three national rows, under a dataset ID of its own."""
    folder = tmp_path / "kenya"
    shutil.copytree(sdmx_cso.examples.example_path("kenya-disability-survey"), folder)
    meta = folder / "metadata.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace(
            "DATASET_ID: TDA_PWD_SOCIAL_SERVICES_2022_2023", "DATASET_ID: TDA_PWD_NATIONAL"
        ),
        encoding="utf-8",
    )
    with (folder / "data.csv").open("a", encoding="utf-8") as out:
        out.write(NATIONAL_ROWS)
    return folder


def test_kenya_example_onto_the_global_dsd_refusal_counts_by_hand() -> None:
    """The example's 264 observations (8 counties) are all refused, each for its reason.

    Hand count from data.csv: 11 values are empty ("Not published"); 2023 has five
    disability types x 3 series x 8 counties = 120 rows with DISABILITY_TYPE not _T, of which
    the 11 empty ones are already counted; the two CGD_* series have 3 sexes x 2 years x 8
    counties = 96 rows with DISABILITY_TYPE _T; SI_COV_DISAB has 48 such rows, all counties.
    """
    result = project(sdmx_cso.examples.example_path("kenya-disability-survey"))
    assert result.observations == 264
    assert result.rows == ()
    # disclosure control comes first: a withheld cell is refused as suppressed, whatever
    # else would refuse it; the hand count above holds for the others
    protected, _ = sdmx_cso.protect(
        sdmx_cso.load(sdmx_cso.examples.example_path("kenya-disability-survey"))
    )
    rows = protected.observations.to_pylist()
    withheld = [r for r in rows if r["OBS_STATUS"] == "Q"]
    kept = [r for r in rows if r["OBS_STATUS"] != "Q"]
    empty = [r for r in kept if not r["OBS_VALUE"]]
    valued = [r for r in kept if r["OBS_VALUE"]]
    by_type = [r for r in valued if r["DISABILITY_TYPE"] != "_T"]
    cgd = [r for r in valued if r["DISABILITY_TYPE"] == "_T" and r["SERIES"].startswith("CGD_")]
    assert len(withheld) + len(empty) + len(by_type) + len(cgd) <= 264
    assert result.refused_by_reason() == {
        "suppressed": len(withheld),
        "no-value": len(empty),
        "coalition-dimension": len(by_type),
        "coalition-series": len(cgd),
        "sub-national-area": 264 - len(withheld) - len(empty) - len(by_type) - len(cgd),
    }
    assert len(withheld) > 0
    assert all(r.reason in REASONS and r.detail for r in result.refused)
    # the rows are the spreadsheet rows of data.csv (header = 1)
    lines = (
        (sdmx_cso.examples.example_path("kenya-disability-survey") / "data.csv")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    for refusal in result.refused:
        cells = lines[refusal.row - 1].split(",")
        assert cells[0] == refusal.key["SERIES"]
        assert cells[1] == refusal.key["REF_AREA"]
        assert cells[5] == refusal.key["DISABILITY_TYPE"]
    assert sorted(r.row for r in result.refused) == list(range(2, 266))


def test_national_rows_projected_with_m49_and_sdg_attributes(kenya_national: Path) -> None:
    result = project(kenya_national)
    assert len(result.rows) == 3
    assert len(result.rows) + len(result.refused) == result.observations == 267
    row = next(r for r in result.rows if r["SEX"] == "_T")
    assert row["REF_AREA"] == "404"  # KE as M49
    assert row["REPORTING_TYPE"] == "N"
    assert row["SERIES"] == "SI_COV_DISAB"
    assert row["OBS_VALUE"] == "12.9"
    assert row["NATURE"] == "_X"
    assert row["LOWER_BOUND"] == "10.9"
    assert row["UPPER_BOUND"] == "15.1"
    assert "n=1533" in row["SOURCE_DETAIL"]
    assert "Tuinuane Disability Alliance" in row["SOURCE_DETAIL"]
    for dropped in ("CONF_STATUS", "QUALITY_FLAGS", "SAMPLE_SIZE", "POP_GROUP", "RELIABILITY"):
        assert dropped not in row
    assert set(row) <= {
        *global_target().dimensions,
        "TIME_PERIOD",
        "OBS_VALUE",
        *(a.id for a in global_target().attributes),
    }
    assert sorted(result.source_rows) == [266, 267, 268]


def test_sdmx_ml_is_valid_against_the_target_code_lists(
    kenya_national: Path, tmp_path: Path
) -> None:
    result = project(kenya_national)
    out = tmp_path / "kenya-sdg.xml"
    written = write_projection(result, to="sdmx-ml-2.1", output=out)
    assert written == [out, tmp_path / "kenya-sdg.refused.csv"]
    assert validate_projection(out.read_bytes(), result.target) == []
    # a code outside CL_AREA fails the schema: the check can fail
    bad = out.read_bytes().replace(b'REF_AREA="404"', b'REF_AREA="KE-30"', 1)
    assert validate_projection(bad, result.target)
    with (tmp_path / "kenya-sdg.refused.csv").open(encoding="utf-8") as f:
        refused = list(csv.DictReader(f))
    assert len(refused) == 264
    assert list(refused[0])[:5] == ["ROW", "REASON", "DETAIL", "FREQ", "REPORTING_TYPE"]


def test_sdmx_csv_has_the_target_columns(kenya_national: Path, tmp_path: Path) -> None:
    result = project(kenya_national)
    out = tmp_path / "kenya-sdg.csv"
    write_projection(result, to="sdmx-csv-1.0", output=out)
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["OBS_VALUE"] for r in rows] == [r["OBS_VALUE"] for r in result.rows]
    assert {r["DATAFLOW"] for r in rows} == {"IAEG-SDGs:SDG(1.4)"}
    assert list(rows[0])[1:16] == list(global_target().dimensions)


@pytest.mark.shared
def test_sdmx1_reads_the_projection_with_the_real_dsd(kenya_national: Path, tmp_path: Path) -> None:
    import sdmx

    dsd_file = shared_path("corpus", "sdg", "IAEG-SDGs_SDG_DSD_1.4_tajstat.xml")
    out = tmp_path / "kenya-sdg.xml"
    write_projection(project(kenya_national), to="sdmx-ml-2.1", output=out)
    structures = sdmx.read_sdmx(io.BytesIO(dsd_file.read_bytes()))
    dsd = structures.structure["SDG"]
    message = sdmx.read_sdmx(io.BytesIO(out.read_bytes()), structure=dsd)
    (data,) = message.data
    values = sorted(float(o.value) for o in data.obs)
    assert values == [12.1, 12.9, 14.0]
    obs = next(o for o in data.obs if float(o.value) == 12.9)
    key = obs.key.get_values() if hasattr(obs.key, "get_values") else None
    assert key is None or "404" in [str(v) for v in key]
    assert str(obs.attached_attribute["NATURE"].value) == "_X"


def test_content_constraints_refuse_what_the_series_does_not_admit(
    kenya_national: Path,
) -> None:
    # SP_TRN_PUBL admits ALL ages, but SI_POV_DAY1 admits only PRODUCT _T: take a
    # unit the constraint does not admit instead (NUMBER for a PT series).
    data = kenya_national / "data.csv"
    data.write_text(
        data.read_text(encoding="utf-8").replace(
            "SI_COV_DISAB,KE,M,Y_GE18,PD,_T,2023,14.0,PT",
            "SI_COV_DISAB,KE,M,Y_GE18,PD,_T,2023,14.0,NUMBER",
        ),
        encoding="utf-8",
    )
    result = project(kenya_national)
    assert len(result.rows) == 2
    (refusal,) = [r for r in result.refused if r.reason == "outside-content-constraint"]
    assert "UNIT_MEASURE NUMBER" in refusal.detail
    assert refusal.row == 268


@pytest.mark.shared
def test_pysdmx_reads_the_projection_with_the_real_dsd(
    kenya_national: Path, tmp_path: Path
) -> None:
    from pysdmx.io import get_datasets

    dsd_file = shared_path("corpus", "sdg", "IAEG-SDGs_SDG_DSD_1.4_tajstat.xml")
    out = tmp_path / "kenya-sdg.xml"
    write_projection(project(kenya_national), to="sdmx-ml-2.1", output=out)
    (data,) = get_datasets(out, dsd_file)
    assert data.short_urn == "DataStructure=IAEG-SDGs:SDG(1.4)"
    frame = data.data
    assert sorted(frame["OBS_VALUE"].astype(float)) == [12.1, 12.9, 14.0]
    assert set(frame["REF_AREA"].astype(str)) == {"404"}
    assert set(frame["NATURE"]) == {"_X"}


def test_generic_sdmx_ml_is_valid_against_the_official_schemas(
    kenya_national: Path, tmp_path: Path
) -> None:
    out = tmp_path / "kenya-sdg-generic.xml"
    write_projection(project(kenya_national), to="sdmx-ml-2.1-generic", output=out)
    assert sdmx_cso.schemas.validate_message(out, version="2.1").issues == ()
    assert out.read_bytes().count(b"<generic:Obs>") == 3


@pytest.mark.shared
def test_readers_take_generic_ml_and_csv20_with_the_real_dsd(
    kenya_national: Path, tmp_path: Path
) -> None:
    import sdmx
    from pysdmx.io import get_datasets

    dsd_file = shared_path("corpus", "sdg", "IAEG-SDGs_SDG_DSD_1.4_tajstat.xml")
    result = project(kenya_national)
    generic = tmp_path / "g.xml"
    write_projection(result, to="sdmx-ml-2.1-generic", output=generic)
    dsd = sdmx.read_sdmx(io.BytesIO(dsd_file.read_bytes())).structure["SDG"]
    (data,) = sdmx.read_sdmx(io.BytesIO(generic.read_bytes()), structure=dsd).data
    assert sorted(float(o.value) for o in data.obs) == [12.1, 12.9, 14.0]
    csv20 = tmp_path / "c.csv"
    write_projection(result, to="sdmx-csv-2.0", output=csv20)
    (frame,) = get_datasets(csv20, dsd_file)
    assert sorted(frame.data["OBS_VALUE"].astype(float)) == [12.1, 12.9, 14.0]

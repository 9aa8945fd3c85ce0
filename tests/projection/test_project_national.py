"""Projection onto a national DSD (the KE1 pattern) with an area and a series crosswalk."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import sdmx_cso
import sdmx_cso.examples
from sdmx_cso.errors import ReadError
from sdmx_cso.projection import project, read_target, write_projection
from sdmx_cso.projection.write import validate_projection
from tests.projection.ke1 import CROSSWALK, KE1_AREAS, write_ke1_structure

MAPPED = {"KE-30": "KE_NBO", "KE-28": "KE_MBA", "KE-17": "KE_KIS", "KE-31": "KE_NUU"}


@pytest.fixture
def ke1(tmp_path: Path) -> Path:
    return write_ke1_structure(tmp_path / "KE1_SDG.xml")


@pytest.fixture
def crosswalk(tmp_path: Path) -> Path:
    path = tmp_path / "areas.csv"
    path.write_text("OURS,THEIRS\n" + CROSSWALK, encoding="utf-8")
    return path


def test_read_target_reads_the_national_dsd(ke1: Path) -> None:
    target = read_target(ke1)
    assert target.ref == "KE1:SDG(1.0)"
    assert target.national
    assert target.reporting_type == "G"
    assert len(target.dimensions) == 15
    assert set(KE1_AREAS) <= set(target.codes["REF_AREA"])
    assert "_L_KE_110101_01" in target.codes["SERIES"]
    levels = {a.id: a.level for a in target.attributes}
    assert levels["UNIT_MEASURE"] == "series"
    assert levels["NATURE"] == "observation"


def test_read_target_names_a_missing_code_list(ke1: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_bytes(ke1.read_bytes().replace(b'id="CL_SEX"', b'id="CL_SEX_OTHER"', 1))
    with pytest.raises(ReadError, match="CL_SEX"):
        read_target(broken)
    with pytest.raises(ReadError, match="no data structure"):
        read_target(ke1, dsd="NOT_THERE")


def test_county_observations_get_national_area_codes(
    ke1: Path, crosswalk: Path, tmp_path: Path
) -> None:
    result = project(
        sdmx_cso.examples.example_path("kenya-disability-survey"),
        target=ke1,
        area_map=crosswalk,
        series_map={"CGD_DIS_CARD": "_L_KE_010301_01"},
    )
    # hand count: SI_COV_DISAB and CGD_DIS_CARD, DISABILITY_TYPE _T, 3 sexes x 2 years in the
    # four mapped counties are projected (2 x 24); the same in the four other counties are
    # sub-national (2 x 24); CGD_DIS_HEALTH_ACCESS has no local series (6 x 8 = 48). The
    # cells disclosure control withholds are refused first, as suppressed.
    kept, withheld = _after_disclosure_control()
    valued = [r for r in kept if r["OBS_VALUE"] and r["DISABILITY_TYPE"] == "_T"]
    mapped = {"KE-30", "KE-28", "KE-17", "KE-31"}
    localised = [r for r in valued if r["SERIES"] in ("SI_COV_DISAB", "CGD_DIS_CARD")]
    projected = [r for r in localised if r["REF_AREA"] in mapped]
    assert len(result.rows) == len(projected) > 40
    by_reason = result.refused_by_reason()
    assert by_reason["suppressed"] == len(withheld)
    assert by_reason["sub-national-area"] == len(localised) - len(projected)
    assert by_reason["coalition-series"] == len(valued) - len(localised)
    assert sum(by_reason.values()) + len(result.rows) == 264
    assert {r["REF_AREA"] for r in result.rows} == set(KE1_AREAS)
    assert {r["REPORTING_TYPE"] for r in result.rows} == {"G"}
    assert {r["SERIES"] for r in result.rows} == {"SI_COV_DISAB", "_L_KE_010301_01"}
    nairobi = next(
        r
        for r in result.rows
        if r["REF_AREA"] == "KE_NBO"
        and r["SERIES"] == "SI_COV_DISAB"
        and r["SEX"] == "_T"
        and r["TIME_PERIOD"] == "2022"
    )
    assert nairobi["OBS_VALUE"] == "14.0"  # data.csv row 2: KE-30, 2022
    assert nairobi["NATURE"] == "_X"
    out = tmp_path / "ke1.xml"
    write_projection(result, to="sdmx-ml-2.1", output=out)
    assert validate_projection(out.read_bytes(), result.target) == []
    assert b'REPORTING_TYPE="G"' in out.read_bytes()
    assert b'REF_AREA="KE_NBO"' in out.read_bytes()
    with (tmp_path / "ke1.refused.csv").open(encoding="utf-8") as f:
        refused = list(csv.DictReader(f))
    assert {r["REF_AREA"] for r in refused if r["REASON"] == "sub-national-area"} == {
        "KE-11",
        "KE-18",
        "KE-06",
        "KE-43",
    }


def test_without_crosswalk_counties_are_refused(ke1: Path) -> None:
    result = project(sdmx_cso.examples.example_path("kenya-disability-survey"), target=ke1)
    assert result.rows == ()
    kept, _ = _after_disclosure_control()
    series = ("SI_COV_DISAB",)  # without --series-map, CGD_DIS_CARD has no national series
    counties = [r for r in kept if r["OBS_VALUE"] and r["DISABILITY_TYPE"] == "_T"]
    assert result.refused_by_reason()["sub-national-area"] == sum(
        1 for r in counties if r["SERIES"] in series
    )


def _after_disclosure_control() -> tuple[list[dict], list[dict]]:
    """The Kenyan example's rows as disclosure control leaves them: published, withheld."""
    dataset = sdmx_cso.load(sdmx_cso.examples.example_path("kenya-disability-survey"))
    protected, _ = sdmx_cso.protect(dataset)
    rows = protected.observations.to_pylist()
    return [r for r in rows if r["OBS_STATUS"] != "Q"], [r for r in rows if r["OBS_STATUS"] == "Q"]


def test_open_sdg_from_a_national_projection(ke1: Path, crosswalk: Path, tmp_path: Path) -> None:
    result = project(
        sdmx_cso.examples.example_path("kenya-disability-survey"),
        target=ke1,
        area_map=crosswalk,
        series_map={"CGD_DIS_CARD": "_L_KE_010301_01"},
    )
    written = write_projection(result, to="open-sdg", output=tmp_path / "opensdg")
    assert written == [
        tmp_path / "opensdg" / "indicator_1-3-1.csv",
        tmp_path / "opensdg.refused.csv",
    ]
    with written[0].open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 48
    assert {r["GeoCode"] for r in rows} == set(MAPPED.values())
    assert {r["Reference area"] for r in rows} == set(KE1_AREAS.values())


@pytest.mark.shared
def test_read_target_reads_the_real_global_dsd_as_bundled() -> None:
    """The structure-file reader and the bundled tables agree on the real DSD 1.4."""
    from sdmx_cso.projection import global_target
    from tests.conftest import shared_path

    real = read_target(
        shared_path("corpus", "sdg", "IAEG-SDGs_SDG_DSD_1.4_tajstat.xml"),
        dsd="SDG",
        national=False,
        reporting_type="N",
    )
    bundled = global_target()
    assert real.ref == bundled.ref
    assert real.dimensions == bundled.dimensions
    assert [(a.id, a.level, a.mandatory) for a in real.attributes] == [
        (a.id, a.level, a.mandatory) for a in bundled.attributes
    ]
    assert {k: set(v) for k, v in real.codes.items()} == {
        k: set(v) for k, v in bundled.codes.items()
    }

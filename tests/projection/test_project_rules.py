"""The projection rules one by one, and properties that hold for any dataset."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdmx_cso.model import CommunityDataset, DatasetMetadata
from sdmx_cso.projection import REASONS, Projection, global_target, project, write_projection
from sdmx_cso.projection.areas import read_crosswalk
from sdmx_cso.projection.rules import suppressed
from tests.factories import metadata_dict, row


def dataset(*rows: dict[str, Any]) -> CommunityDataset:
    metadata = DatasetMetadata.model_validate(metadata_dict())
    return CommunityDataset(metadata=metadata, observations=list(rows))


def only(projection: Projection) -> dict[str, str]:
    (projected,) = projection.rows
    return dict(projected)


def reason(projection: Projection) -> str:
    (refused,) = projection.refused
    return refused.reason


NATIONAL = {"SERIES": "SI_COV_DISAB", "REF_AREA": "KE", "UNIT_MEASURE": "PT"}


def test_pop_group_total_is_dropped() -> None:
    out = only(project(dataset(row(**NATIONAL, POP_GROUP="_T"))))
    assert out["CUST_BREAKDOWN"] == "_T"
    assert "POP_GROUP" not in out


def test_migrant_becomes_composite_breakdown() -> None:
    out = only(project(dataset(row(**NATIONAL, POP_GROUP="MIGRANT_INT"))))
    assert out["COMPOSITE_BREAKDOWN"] == "MS_MIGRANT"
    assert out["CUST_BREAKDOWN"] == "_T"


def test_other_groups_become_custom_codes_with_labels_and_a_mapping_table() -> None:
    result = project(
        dataset(
            row(**NATIONAL, POP_GROUP="DALIT"),
            row(**NATIONAL, POP_GROUP="SGM"),
            row(**NATIONAL, POP_GROUP="_T"),
        )
    )
    by_code = {r["CUST_BREAKDOWN"]: r for r in result.rows}
    table = {c.pop_group: c for c in result.custom_breakdowns}
    assert set(table) == {"DALIT", "SGM"}
    assert {c.code for c in table.values()} <= set(global_target().codes["CUST_BREAKDOWN"])
    assert by_code[table["DALIT"].code]["CUST_BREAKDOWN_LB"] == table["DALIT"].label
    assert "Dalit" in table["DALIT"].label
    # codes in the code list's order, groups in the dataset's key order
    assert (table["DALIT"].code, table["SGM"].code) == ("C01", "C02")
    assert "CUST_BREAKDOWN_LB" not in by_code["_T"]


def test_pop_group_refused_when_the_breakdown_is_taken() -> None:
    result = project(dataset(row(**NATIONAL, POP_GROUP="DALIT", CUST_BREAKDOWN="C01")))
    assert reason(result) == "pop-group"


@pytest.mark.parametrize(
    ("dimension", "value", "projected"),
    [
        ("DISABILITY_TYPE", "_T", True),
        ("DISABILITY_TYPE", "SEEING", False),
        ("SERVICE", "_Z", True),
        ("SERVICE", "HEALTH", False),
        ("RESPONDENT_TYPE", "_Z", True),
        ("RESPONDENT_TYPE", "SERVICE_USER", False),
        ("SERVICE_POINT", "_T", True),
    ],
)
def test_coalition_dimensions_only_as_totals(dimension: str, value: str, projected: bool) -> None:
    result = project(dataset(row(**NATIONAL, **{dimension: value})))
    assert len(result.rows) == int(projected)
    if not projected:
        assert reason(result) == "coalition-dimension"


def test_service_users_pass_for_satisfaction_series() -> None:
    result = project(
        dataset(
            row(
                SERIES="SP_PSR_SATIS",
                REF_AREA="KE",
                UNIT_MEASURE="PT",
                RESPONDENT_TYPE="SERVICE_USER",
            )
        )
    )
    assert result.refused_by_reason().get("coalition-dimension", 0) == 0


def test_coalition_series_refused_for_the_global_dsd_even_when_linked() -> None:
    result = project(dataset(row(REF_AREA="KE")))
    assert reason(result) == "coalition-series"


def test_area_crosswalk_maps_before_anything_else(tmp_path: Path) -> None:
    walk = tmp_path / "areas.csv"
    walk.write_text("OURS,THEIRS\nKE-30,KE\n", encoding="utf-8")
    assert read_crosswalk(walk) == {"KE-30": "KE"}
    result = project(dataset(row(**{**NATIONAL, "REF_AREA": "KE-30"})), area_map=walk)
    # KE is in CL_AREA 1.4 as it stands: the crosswalk's word is final
    assert only(result)["REF_AREA"] == "KE"


def test_sub_national_refused_without_crosswalk() -> None:
    result = project(dataset(row(**{**NATIONAL, "REF_AREA": "KE-30"})))
    assert reason(result) == "sub-national-area"


def test_two_areas_merged_by_a_crosswalk_refuse_the_second() -> None:
    result = project(
        dataset(
            row(**{**NATIONAL, "REF_AREA": "KE-30"}),
            row(**{**NATIONAL, "REF_AREA": "KE-31"}),
        ),
        area_map={"KE-30": "404", "KE-31": "404"},
    )
    assert len(result.rows) == 1
    assert reason(Projection(result.target, (), result.refused, 1)) == "duplicate-key"


# -- properties -----------------------------------------------------------------------------

_SERIES = st.sampled_from(["SI_COV_DISAB", "CGD_TEST_SHARE", "SP_TRN_PUBL"])
_AREA = st.sampled_from(["KE", "KE-30", "KE-01", "NP"])
_POP = st.sampled_from(["_T", "DALIT", "MIGRANT_INT", "SGM"])
_DTYPE = st.sampled_from(["_T", "_T", "SEEING"])
_CONF = st.sampled_from(["F", "F", "A", "D", None])
_FLAGS = st.sampled_from([None, "SUPPRESSED_PRIMARY", "SUPPRESSED_SECONDARY", "PROVISIONAL"])


@st.composite
def datasets(draw: st.DrawFn) -> CommunityDataset:
    keys = draw(
        st.lists(
            st.tuples(_SERIES, _AREA, _POP, _DTYPE, st.sampled_from(["2022", "2023"])),
            min_size=1,
            max_size=20,
            unique=True,
        )
    )
    rows = []
    for index, (series, area, pop, dtype, year) in enumerate(keys):
        conf = draw(_CONF)
        flags = draw(_FLAGS)
        extra: dict[str, Any] = {}
        if conf is not None:
            extra["CONF_STATUS"] = conf
        if flags is not None:
            extra["QUALITY_FLAGS"] = flags
        if series != "CGD_TEST_SHARE":
            extra["UNIT_MEASURE"] = "PT"
        rows.append(
            row(
                SERIES=series,
                REF_AREA=area,
                POP_GROUP=pop,
                DISABILITY_TYPE=dtype,
                TIME_PERIOD=year,
                # a value no other cell can contain: 7771.NNN
                OBS_VALUE=f"7771.{index:03d}",
                **extra,
            )
        )
    return dataset(*rows)


def _outputs(projection: Projection, folder: Path) -> bytes:
    blob = b""
    formats = (
        ("sdmx-ml-2.1", "p.xml"),
        ("sdmx-ml-2.1-generic", "g.xml"),
        ("sdmx-csv-1.0", "p.csv"),
        ("sdmx-csv-2.0", "c.csv"),
        ("open-sdg", "osdg"),
    )
    for fmt, name in formats:
        for path in write_projection(projection, to=fmt, output=folder / name):
            blob += path.read_bytes()
    return blob


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=datasets())
def test_every_row_projected_or_refused_and_nothing_suppressed_leaks(
    data: CommunityDataset, tmp_path_factory: pytest.TempPathFactory
) -> None:
    result = project(data)
    assert len(result.rows) + len(result.refused) == result.observations == len(data)
    assert all(r.reason in REASONS for r in result.refused)
    assert sum(result.refused_by_reason().values()) == len(result.refused)
    derived = data.derived().observations.to_pylist()
    hidden = [r["OBS_VALUE"] for r in derived if suppressed(r)]
    for value in hidden:
        assert all(value != r.get("OBS_VALUE") for r in result.rows)
    folder = tmp_path_factory.mktemp("out")
    blob = _outputs(result, folder)
    for value in hidden:
        assert value.encode() not in blob
    for refusal in [r for r in result.refused if r.reason == "suppressed"]:
        assert refusal.row >= 2
    # the refusal file lists every refused row, once
    refused = list(csv.DictReader(io.StringIO((folder / "p.refused.csv").read_text("utf-8"))))
    assert len(refused) == len(result.refused)


@pytest.mark.parametrize(
    "marks",
    [
        {"CONF_STATUS": "A"},
        {"CONF_STATUS": "D"},
        {"OBS_STATUS": "Q"},
        {"QUALITY_FLAGS": "SUPPRESSED_PRIMARY"},
        {"QUALITY_FLAGS": "SUPPRESSED_SECONDARY"},
    ],
)
def test_suppressed_cells_are_refused_whatever_else_they_hold(marks: dict[str, str]) -> None:
    result = project(dataset(row(**NATIONAL, **marks), row(**{**NATIONAL, "SEX": "F"})))
    assert result.refused_by_reason() == {"suppressed": 1}
    assert [r["SEX"] for r in result.rows] == ["F"]

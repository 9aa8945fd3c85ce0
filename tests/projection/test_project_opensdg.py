"""Open SDG export: the indicator files read back by an independent CSV reader.

What sdg-build 2.3.0 (open-sdg/sdg-build) requires of a data file: ``Year`` first and
``Value`` last, ``Value`` numeric, no whitespace around names or values
(``sdg/check_csv.py``); the non-disaggregation columns it knows
(``open_sdg_indicator_options_defaults`` in ``sdg/open_sdg.py``); ``COMMENT_OBS`` as the
observation attribute. Open SDG's data starter shows totals as empty cells
(``indicator_1-1-1.csv``: ``2015,,2``).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from sdmx_cso.projection import project, write_projection
from tests.projection.test_project_global import kenya_national  # noqa: F401 - a fixture
from tests.projection.test_project_rules import NATIONAL, dataset, row

#: sdg-build's non-disaggregation columns and observation attributes (see above).
SDG_BUILD_COLUMNS = {
    "Year",
    "Units",
    "Series",
    "Value",
    "GeoCode",
    "Observation status",
    "Unit multiplier",
    "Unit measure",
    "UNIT_MEASURE",
    "SERIES",
    "COMMENT_TS",
    "DATA_LAST_UPDATE",
    "COMMENT_OBS",
}


def _read(path: Path) -> pa.Table:
    options = pacsv.ConvertOptions(strings_can_be_null=False)
    return pacsv.read_csv(path, convert_options=options)


def test_one_file_per_indicator_with_open_sdg_columns(
    kenya_national: Path,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    result = project(kenya_national)
    written = write_projection(result, to="open-sdg", output=tmp_path / "site-data")
    assert [p.name for p in written] == ["indicator_1-3-1.csv", "site-data.refused.csv"]
    table = _read(written[0])
    names = table.column_names
    assert names[0] == "Year"
    assert names[-1] == "Value"
    assert pa.types.is_floating(table.schema.field("Value").type)
    assert pa.types.is_integer(table.schema.field("Year").type)
    disaggregations = [n for n in names if n not in SDG_BUILD_COLUMNS]
    assert disaggregations == ["Sex", "Age", "Disability status"]
    rows = table.to_pylist()
    assert sorted((r["Sex"], r["Value"]) for r in rows) == [
        ("", 12.9),
        ("Female", 12.1),
        ("Male", 14.0),
    ]
    for r in rows:
        assert r["Year"] == 2023
        assert str(r["GeoCode"]) == "404"
        assert r["Units"] == "Percent"
        assert r["Series"].startswith("Proportion of population with severe disabilities")
        assert r["Disability status"] == "Persons with disability"
        # the coalition's provenance, as a footnote
        assert "Tuinuane Disability Alliance" in r["COMMENT_OBS"]
        assert "Nature: Not Available (_X)" in r["COMMENT_OBS"]
        for value in r.values():
            assert not isinstance(value, str) or value == value.strip()


def test_periods_other_than_years_are_refused_for_open_sdg(tmp_path: Path) -> None:
    result = project(
        dataset(
            row(**NATIONAL, FREQ="M", TIME_PERIOD="2023-05"),
            row(**NATIONAL, TIME_PERIOD="2023"),
        )
    )
    assert len(result.rows) == 2  # the SDG DSD takes both
    written = write_projection(result, to="open-sdg", output=tmp_path / "osdg")
    assert _read(written[0]).num_rows == 1
    refused = _read(written[-1]).to_pylist()
    assert [(r["REASON"], r["TIME_PERIOD"]) for r in refused] == [("not-annual", "2023-05")]

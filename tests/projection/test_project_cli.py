"""``sdmx-cso project``: files written, summary, exit codes."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import sdmx_cso
import sdmx_cso.examples
from sdmx_cso.cli import main
from tests.projection.ke1 import CROSSWALK, write_ke1_structure
from tests.projection.test_project_global import NATIONAL_ROWS


def test_project_to_the_global_dsd(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "kenya-sdg.xml"
    example = sdmx_cso.examples.example_path("kenya-disability-survey")
    assert main(["project", str(example), "--to", "sdmx-ml-2.1", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.split() == [str(out), str(tmp_path / "kenya-sdg.refused.csv")]
    assert "264 observations: 0 projected onto IAEG-SDGs:SDG(1.4), 264 refused" in captured.err
    assert "refused, sub-national-area: " in captured.err
    assert "refused, suppressed: " in captured.err  # disclosure control applies first
    with (tmp_path / "kenya-sdg.refused.csv").open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 264


def test_project_to_a_national_dsd_with_crosswalks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dsd = write_ke1_structure(tmp_path / "KE1.xml")
    areas = tmp_path / "areas.csv"
    areas.write_text(CROSSWALK, encoding="utf-8")
    series = tmp_path / "series.csv"
    series.write_text("CGD_DIS_CARD,_L_KE_010301_01\n", encoding="utf-8")
    out = tmp_path / "ke1.csv"
    args = ["project", str(sdmx_cso.examples.example_path("kenya-disability-survey"))]
    args += ["--to", "sdmx-csv-1.0", "-o", str(out), "--dsd", str(dsd)]
    args += ["--area-map", str(areas), "--series-map", str(series)]
    assert main(args) == 0
    assert "264 observations: 48 projected onto KE1:SDG(1.0)" in capsys.readouterr().err
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["DATAFLOW"] for r in rows} == {"KE1:SDG(1.0)"}
    assert {r["REF_AREA"] for r in rows} == {"KE_NBO", "KE_MBA", "KE_KIS", "KE_NUU"}


def test_open_sdg_refusals_are_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "opensdg"
    example = sdmx_cso.examples.example_path("kenya-disability-survey")
    assert main(["project", str(example), "--to", "open-sdg", "-o", str(out)]) == 0
    assert (tmp_path / "opensdg.refused.csv").exists()
    assert list(out.glob("indicator_*.csv")) == []


def test_invalid_submission_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(sdmx_cso.examples.example_path("kenya-disability-survey"), folder)
    data = folder / "data.csv"
    data.write_text(data.read_text(encoding="utf-8") + NATIONAL_ROWS.replace("PD", "XX"), "utf-8")
    out = tmp_path / "o.xml"
    assert main(["project", str(folder), "--to", "sdmx-ml-2.1", "-o", str(out)]) == 1
    assert not out.exists()
    assert "DISABILITY_STATUS" in capsys.readouterr().err


def test_unreadable_dsd_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dsd = tmp_path / "dsd.xml"
    dsd.write_text("<not a structure", encoding="utf-8")
    example = sdmx_cso.examples.example_path("kenya-disability-survey")
    args = ["project", str(example), "--to", "sdmx-ml-2.1", "-o", str(tmp_path / "o.xml")]
    assert main([*args, "--dsd", str(dsd)]) == 3
    assert "Error:" in capsys.readouterr().err

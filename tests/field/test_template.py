"""The spreadsheet template: drop-downs on coded columns; filled in, a whole submission."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

import sdmx_cso
import sdmx_cso.field
import sdmx_cso.schemas
import sdmx_cso.standard
import sdmx_cso.structures
from sdmx_cso.cli import main
from sdmx_cso.io.metadata_file import read_metadata
from sdmx_cso.io.metadata_sheet import metadata_rows
from sdmx_cso.standard import get_standard


def _coded(column: str) -> bool:
    dsd = get_standard().dsd
    if column in dsd.dimension_ids:
        return dsd.dimension(column).codelist is not None
    return column in dsd.attribute_ids and dsd.attribute(column).codelist is not None


@pytest.mark.parametrize("dataflow", ["DF_CGD_SURVEY", "DF_CGD_SCORECARD", "DF_CGD_DASHBOARD"])
def test_every_coded_column_has_a_drop_down_bound_to_its_code_list(dataflow, tmp_path):
    path = tmp_path / "t.xlsx"
    assert main(["template", "--dataflow", dataflow, "-o", str(path)]) == 0
    book = load_workbook(path)
    assert book.sheetnames[:3] == ["instructions", "data", "metadata"]
    assert book["codes"].sheet_state == "hidden"
    data = book["data"]
    header = [c.value for c in data[1]]
    checks = {str(v.sqref).split(":")[0][:-1]: v for v in data.data_validations.dataValidation}
    coded = [c for c in header if _coded(c)]
    assert "SERIES" in coded
    assert "REF_AREA" in coded
    codes = book["codes"]
    for column in coded:
        letter = get_column_letter(header.index(column) + 1)
        check = checks[letter]
        assert check.type == "list"
        sheet, cells = check.formula1.lstrip("=").split("!")
        first, last = (int(part.split("$")[-1]) for part in cells.split(":"))
        listed = [codes[f"{cells.split('$')[1]}{row}"].value for row in range(first, last + 1)]
        # a dataset's own list (data providers) is empty until declared: it refuses nothing
        assert check.showErrorMessage is (column not in ("DATA_PRODUCER", "QUALITY_FLAGS"))
        if column not in ("DATA_PRODUCER",):
            ref = (
                get_standard().dsd.dimension(column).codelist
                if column in (get_standard().dsd.dimension_ids)
                else get_standard().dsd.attribute(column).codelist
            )
            assert listed == [c.id for c in sdmx_cso.standard.get_codelist(ref)], column
        assert sheet == "codes"
    # long lists go through the hidden sheet: 880 areas
    assert len(sdmx_cso.standard.get_codelist("CL_AREA_CGD")) > 255 // 6
    # every data cell is text, so no code becomes a date and no value a percentage
    assert all(
        data.cell(row=r, column=c).number_format == "@"
        for r in (2, 500, 1001)
        for c in range(1, len(header) + 1)
    )
    metadata = book["metadata"]
    fields = [row[0].value for row in metadata.iter_rows(min_row=2)]
    assert {"CONTACT_EMAIL", "COLL_METHOD.MODE", "REF_PERIOD.START"} <= set(fields)
    assert metadata.data_validations.dataValidation  # coded fields have drop-downs
    book.close()


def _fill(path, rows, metadata):
    """Fill a template with openpyxl, as a coalition's data officer would in a spreadsheet."""
    book = load_workbook(path)
    data = book["data"]
    header = [c.value for c in data[1]]
    for r, row in enumerate(rows, 2):
        for name, value in row.items():
            if name in header and value:
                data.cell(row=r, column=header.index(name) + 1, value=value)
    sheet = book["metadata"]
    where = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=2)}
    for key, value in metadata_rows(metadata):
        if key in where:
            sheet.cell(row=where[key], column=2, value=value)
        else:
            sheet.append([key, value])
    book.save(path)
    book.close()


def test_a_filled_template_validates_and_converts_without_any_other_file(tmp_path, kenya):
    path = tmp_path / "survey.xlsx"
    assert main(["template", "--dataflow", "DF_CGD_SURVEY", "-o", str(path)]) == 0
    with (kenya / "data.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    metadata = read_metadata((kenya / "metadata.yaml").read_bytes(), path="metadata.yaml")
    _fill(path, rows, metadata)
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "survey.xlsx").write_bytes(path.read_bytes())
    report = sdmx_cso.validate(alone / "survey.xlsx")
    assert report.valid, report.issues[:5]
    assert report.stats.observations == len(rows)
    target = tmp_path / "survey.xml"
    result = sdmx_cso.convert(alone / "survey.xlsx", to="sdmx-ml-2.1", output=target)
    assert result.report.valid
    structure = sdmx_cso.structures.structure_of(sdmx_cso.load(alone / "survey.xlsx"))
    report = sdmx_cso.schemas.validate_message(target, version="2.1", structure=structure)
    assert report.issues == ()
    assert sdmx_cso.read(target).dataset.metadata.title == metadata["TITLE"]
    assert main(["validate", str(alone / "survey.xlsx")]) == 0


def test_a_template_of_a_submission_round_trips_it(tmp_path, example_dir):
    path = tmp_path / "t.xlsx"
    assert main(["template", "--submission", str(example_dir), "-o", str(path)]) == 0
    original = sdmx_cso.load(example_dir)
    again = sdmx_cso.load(path)
    assert again.metadata == original.metadata
    assert again.observations.equals(original.observations)


def test_a_workbook_without_metadata_sheet_or_file_is_a_clean_error(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["SERIES", "REF_AREA", "TIME_PERIOD", "OBS_VALUE"])
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(sdmx_cso.ReadError, match="fill the 'metadata' sheet"):
        sdmx_cso.validate(tmp_path / "x.xlsx")


def test_a_broken_yaml_value_is_located(tmp_path, kenya):
    path = tmp_path / "t.xlsx"
    sdmx_cso.field.write_template(path, submission=kenya)
    book = load_workbook(path)
    sheet = book["metadata"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == "DATA_SOURCE")
    sheet.cell(row=row, column=2, value="[{ID: TDA, NAME: unclosed")
    book.save(path)
    book.close()
    with pytest.raises(sdmx_cso.ReadError) as excinfo:
        sdmx_cso.validate(path)
    assert (excinfo.value.row, excinfo.value.column) == (row, "VALUE")

"""Code lists for toolkits: CSV files that round-trip, XLSForm choices pyxform accepts."""

from __future__ import annotations

import csv
import io

from lxml import etree
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert

import sdmx_cso
import sdmx_cso.field
import sdmx_cso.standard
from sdmx_cso.cli import main

XF = {"h": "http://www.w3.org/1999/xhtml", "x": "http://www.w3.org/2002/xforms"}


def test_one_csv_per_code_list_with_every_code(tmp_path):
    files = sdmx_cso.field.write_codelists(tmp_path)
    refs = sdmx_cso.standard.list_codelists()
    assert sorted(p.name for p in files) == sorted(f"{r.split(':')[1]}.csv" for r in refs)
    for ref in refs:
        cl = sdmx_cso.standard.get_codelist(ref)
        with (tmp_path / f"{cl.id}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert [(r["id"], r["name"], r["parent"] or None) for r in rows] == [
            (c.id, c.name, c.parent) for c in cl
        ]
    area = (tmp_path / "CL_AREA_CGD.csv").read_text("utf-8")
    assert "\nKE-30," in area
    pop = list(csv.DictReader(io.StringIO((tmp_path / "CL_POP_GROUP.csv").read_text("utf-8"))))
    assert {r["id"] for r in pop if r["sensitive"] == "true"} >= {"SEX_WORKER", "SGM"}


def _form(tmp_path, choices_rows):
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::English (en)"])
    survey.append(["select_one CL_SEX", "sex", "Sex"])
    survey.append(["select_one CL_AREA_CGD", "county", "County"])
    survey.append(["select_multiple CL_DISABILITY_TYPE", "difficulties", "Difficulties"])
    choices = book.create_sheet("choices")
    for row in choices_rows:
        choices.append(list(row))
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "default_language"])
    settings.append(["Codes of the standard", "cgd_codes", "English (en)"])
    path = tmp_path / "form.xlsx"
    book.save(path)
    return path


def test_xlsform_choices_make_a_form_pyxform_accepts(tmp_path):
    assert main(["codelists", "--format", "xlsform", "-o", str(tmp_path / "kit")]) == 0
    book = load_workbook(tmp_path / "kit" / "choices.xlsx", read_only=True)
    rows = list(book["choices"].iter_rows(values_only=True))
    book.close()
    assert rows[0] == ("list_name", "name", "label::English (en)")
    with (tmp_path / "kit" / "choices.csv").open(encoding="utf-8", newline="") as handle:
        assert [tuple(r) for r in csv.reader(handle)] == [tuple(map(str, r)) for r in rows]
    result = convert(xlsform=str(_form(tmp_path, rows)), warnings=[])
    xform = etree.fromstring(result.xform.encode("utf-8"))
    # the form's choices are the standard's codes, under their code list's name
    sex = {v.text for v in xform.iterfind(".//x:instance[@id='CL_SEX']//x:name", XF)}
    assert sex == {c.id for c in sdmx_cso.standard.get_codelist("CL_SEX")}
    areas = xform.iterfind(".//x:instance[@id='CL_AREA_CGD']//x:name", XF)
    assert {v.text for v in areas} == {c.id for c in sdmx_cso.standard.get_codelist("CL_AREA_CGD")}
    assert xform.find(".//x:select1[@ref='/data/sex']", XF) is not None

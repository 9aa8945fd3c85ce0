"""Tables for people are safe to open in a spreadsheet; SDMX and JSON stay exact.

A cell that a spreadsheet would run as a formula (first character ``=``, ``+``, ``-``, ``@``,
tab or carriage return; OWASP's list) gets a leading ``'`` in the CSV of ``sdmx-cso read``,
unless it is a plain number (``-5``, ``+3.2``, ``-1e3``), so observation values stay exact.
"""

from __future__ import annotations

import csv
import doctest
import io
import json

import pyarrow as pa
import pytest
from factories import metadata_dict, row
from hypothesis import given
from hypothesis import strategies as st

import sdmx_cso
import sdmx_cso.pipeline
from sdmx_cso import CommunityDataset, DatasetMetadata
from sdmx_cso.cli import main
from sdmx_cso.formats import _spreadsheet_safe, neutral
from sdmx_cso.formats._spreadsheet_safe import TRIGGERS, is_plain_number, neutralise

ATTACKS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "=cmd|' /C calc'!A0", "+1+cmd|x",
           "-2+3+cmd|' /C calc'!A0", "@SUM(1,2)", "\t=1+1", "\r=1+1", "=", "-", "+", "@",
           "-inf", "-NaN", "-P1D", "--", "@@", "-1+1", "+12.5.5", "-e5", "-1e"]  # fmt: skip
NUMBERS = ["-5", "+3.2", "-1e3", "-1E+10", "+0", "-0", "-.5", "+.5e-3", "-12,4", "-12.",
           "-007", "+12"]  # fmt: skip
PLAIN = ["", "12.50", "Nairobi", "स्वास्थ्य चौकी", " =not first", "a=b", "'=already", "x@y",
         "1-2", "2023-05-31", "_T"]  # fmt: skip


def test_the_module_documents_itself():
    assert doctest.testmod(_spreadsheet_safe).failed == 0


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_like_text_gets_a_leading_quote(text):
    assert neutralise(text) == "'" + text
    assert not is_plain_number(text)


@pytest.mark.parametrize("text", NUMBERS)
def test_plain_numbers_stay_exact(text):
    assert is_plain_number(text)
    assert neutralise(text) == text


@pytest.mark.parametrize("text", PLAIN)
def test_other_text_is_untouched(text):
    assert neutralise(text) == text


@given(st.text(max_size=20))
def test_only_trigger_cells_change_and_only_by_one_quote(text):
    safe = neutralise(text)
    if safe != text:
        assert safe == "'" + text
        assert text[0] in TRIGGERS
    else:
        assert not text or text[0] not in TRIGGERS or is_plain_number(text)
    assert not safe or safe[0] not in TRIGGERS or is_plain_number(safe)


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimal_text_is_a_plain_number(value):
    assert neutralise(str(value)) == str(value)


# -- write_table ----------------------------------------------------------------------------------

TABLE = pa.table({
    "=HEADER": ["x", "y"],
    "OBS_VALUE": ["-5", "=1+1"],
    "COMMENT_OBS": ["@evil", "fine"],
    "SAMPLE_SIZE": [-3, 4],
})  # fmt: skip


def csv_of(table: pa.Table, **options: bool) -> tuple[list[list[str]], int]:
    out = io.BytesIO()
    changed = neutral.write_table(table, out, to="csv", **options)
    return list(csv.reader(io.StringIO(out.getvalue().decode("utf-8")))), changed


def test_write_table_neutralises_csv_cells_and_headers_and_counts_them():
    rows, changed = csv_of(TABLE)
    assert rows == [
        ["'=HEADER", "OBS_VALUE", "COMMENT_OBS", "SAMPLE_SIZE"],
        ["x", "-5", "'@evil", "-3"],
        ["y", "'=1+1", "fine", "4"],
    ]
    assert changed == 3


def test_write_table_keeps_formulas_on_request():
    rows, changed = csv_of(TABLE, keep_formulas=True)
    assert rows[1] == ["x", "-5", "@evil", "-3"]
    assert rows[0][0] == "=HEADER"
    assert changed == 0


def test_json_output_is_exact():
    out = io.BytesIO()
    assert neutral.write_table(TABLE, out, to="json") == 0
    assert json.loads(out.getvalue()) == [
        {"=HEADER": "x", "OBS_VALUE": "-5", "COMMENT_OBS": "@evil", "SAMPLE_SIZE": "-3"},
        {"=HEADER": "y", "OBS_VALUE": "=1+1", "COMMENT_OBS": "fine", "SAMPLE_SIZE": "4"},
    ]


# -- the command, on others' messages and on our own ------------------------------------------


@pytest.fixture
def foreign(tmp_path):
    path = tmp_path / "foreign.csv"
    path.write_text(
        "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,TIME_PERIOD,OBS_VALUE,COMMENT\r\n"
        'dataflow,X:Y(1.0),I,KE,2023,-1e3,"=HYPERLINK(""http://evil.example"")"\r\n'
        "dataflow,X:Y(1.0),I,KE,2024,+3.2,-\r\n",
        encoding="utf-8",
    )
    return path


def test_read_to_csv_neutralises_by_default_and_says_so(foreign, capsys):
    assert main(["read", str(foreign)]) == 0
    captured = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(captured.out)))
    assert [r[2:] for r in rows[1:]] == [["-1e3", "'=HYPERLINK(\"http://evil.example\")"],
                                        ["+3.2", "'-"]]  # fmt: skip
    assert "note: 2 cells beginning with = + - @" in captured.err
    assert "--keep-formulas" in captured.err


def test_read_keep_formulas_writes_cells_as_they_are(foreign, tmp_path, capsys):
    out = tmp_path / "table.csv"
    assert main(["read", str(foreign), "--keep-formulas", "-o", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8"))))
    assert rows[1][-1] == '=HYPERLINK("http://evil.example")'
    assert "cells beginning" not in capsys.readouterr().err


def test_read_to_json_is_exact_and_silent(foreign, capsys):
    assert main(["read", str(foreign), "--to", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["COMMENT"] == '=HYPERLINK("http://evil.example")'
    assert "cells beginning" not in captured.err


def test_python_api_save_neutralises_and_counts(foreign, tmp_path):
    table = sdmx_cso.read(foreign)
    assert table.save(tmp_path / "a.csv") == 2
    assert table.save(tmp_path / "b.csv", keep_formulas=True) == 0
    assert table.save(tmp_path / "c.json", to="json") == 0
    assert "'=HYPERLINK" in (tmp_path / "a.csv").read_text("utf-8")
    assert "'=HYPERLINK" not in (tmp_path / "b.csv").read_text("utf-8")


@pytest.mark.parametrize("fmt", sorted(sdmx_cso.pipeline.DATA_FORMATS))
def test_our_sdmx_stays_exact_and_only_the_csv_for_people_is_neutralised(fmt, tmp_path, capsys):
    evil = '=HYPERLINK("http://evil.example","click")'
    rows = [row(REF_AREA="KE-01", OBS_VALUE="-5", COMMENT_OBS=evil, LOWER_BOUND="-1e3"),
            row(REF_AREA="KE-02", OBS_VALUE="+3.2", COMMENT_OBS="@SUM(1)")]  # fmt: skip
    dataset = CommunityDataset(
        metadata=DatasetMetadata.model_validate(metadata_dict(TITLE="=1+1")), observations=rows
    )
    data = sdmx_cso.pipeline.write_data(dataset, tmp_path / f"out{fmt}", format=fmt)
    sdmx_cso.pipeline.write_metadata(dataset, sdmx_cso.pipeline.metadata_path_for(data))
    back = sdmx_cso.read(data).dataset  # the SDMX message carries every value as submitted
    assert back == dataset
    assert back.metadata.title == "=1+1"
    assert main(["read", str(data)]) == 0
    captured = capsys.readouterr()
    assert "read back as a dataset" in captured.err
    assert "note: 2 cells beginning with" in captured.err
    table = {r["REF_AREA"]: r for r in csv.DictReader(io.StringIO(captured.out))}
    assert table["KE-01"]["COMMENT_OBS"] == "'" + evil
    assert table["KE-02"]["COMMENT_OBS"] == "'@SUM(1)"
    assert (table["KE-01"]["OBS_VALUE"], table["KE-02"]["OBS_VALUE"]) == ("-5", "+3.2")
    assert table["KE-01"]["LOWER_BOUND"] == "-1e3"

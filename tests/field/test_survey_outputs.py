"""Survey import end to end: nothing personal reaches any output; import → validate → convert."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from statsmodels.stats.proportion import proportion_confint

import sdmx_cso
import sdmx_cso.field
import sdmx_cso.pipeline
from sdmx_cso.cli import main
from sdmx_cso.field.estimate import wilson_interval

EXPORTS = Path(__file__).parent / "exports"
META = EXPORTS / "metadata.yaml"
CASES = {
    "kobo-csv": ("kobo.csv", "spec.yaml", None),
    "kobo-labels-csv": ("kobo_labels.csv", "spec.yaml", "form.xlsx"),
    "odk-central-csv": ("odk.csv", "spec.yaml", None),
    "kobo-xlsx-repeat": ("households.xlsx", "households.yaml", None),
}
#: Columns the specs name (their values may be codes in the output).
NAMED = {
    "consent",
    "sex",
    "county",
    "has_card",
    "services",
    "seeing",
    "hearing",
    "walking",
    "remembering",
    "selfcare",
    "communicating",
}


def _labels() -> set[str]:
    """The labels (in form.xlsx) of the questions the specs name."""
    book = load_workbook(EXPORTS / "form.xlsx", read_only=True)
    rows = list(book["survey"].iter_rows(values_only=True))
    book.close()
    return {str(row[2]) for row in rows[1:] if row[1] in NAMED}


def _cells(path: Path) -> list[tuple[str, str]]:
    """(header, value) of every cell of an export, every sheet."""
    if path.suffix == ".xlsx":
        out = []
        book = load_workbook(path, read_only=True)
        for sheet in book:
            rows = list(sheet.iter_rows(values_only=True))
            out += [
                (str(h), str(v))
                for row in rows[1:]
                for h, v in zip(rows[0], row, strict=True)
                if v is not None
            ]
        book.close()
        return out
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";" if "kobo" in path.name else ","))
    return [(h, v) for row in rows[1:] for h, v in zip(rows[0], row, strict=True) if v]


def _private(path: Path) -> tuple[set[str], set[str]]:
    """Headers and values of the columns no spec names (identifiers, meta columns, …)."""
    headers, values = set(), set()
    named = NAMED | _labels()
    for header, value in _cells(path):
        last = header.replace("-", "/").split("/")
        if any(part in named for part in last) or header in ("wt",):
            continue
        if "/" in header or "-" in header or header.startswith("_") or header[:1].isupper():
            headers.add(header)
        if len(value) >= 8:  # names, phone numbers, uuids, times, device ids
            values.add(value)
    return headers, values


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_no_unmapped_column_meta_column_or_identifier_reaches_any_output(case, tmp_path):
    data, spec, form = CASES[case]
    result = sdmx_cso.field.aggregate(
        EXPORTS / data, EXPORTS / spec, metadata=META, form=form and EXPORTS / form
    )
    package = result.write(tmp_path / "package")
    outputs = [package / "data.csv", package / "metadata.yaml"]
    for fmt in ("sdmx-csv-2.0", "sdmx-ml-2.1", "sdmx-json-2.0"):
        target = tmp_path / f"{fmt}.out"
        conversion = sdmx_cso.convert(package, to=fmt, output=target)
        assert conversion.report.valid, conversion.report.issues[:3]
        outputs += [target, sdmx_cso.pipeline.metadata_path_for(target)]
    text = "\n".join(p.read_text("utf-8") for p in outputs)
    headers, values = _private(EXPORTS / data)
    given = META.read_text("utf-8")  # dates the metadata itself gives (fieldwork, form version)
    values = {v for v in values if v not in given}
    assert len(values) > 40  # the export does hold identifiers
    assert sorted(v for v in values if v in text) == []
    assert sorted(h for h in headers if h in text) == []


def test_import_validate_convert_from_the_command_line(tmp_path, capsys):
    package = tmp_path / "pkg"
    code = main(
        [
            "import",
            "survey",
            str(EXPORTS / "kobo.csv"),
            "--spec",
            str(EXPORTS / "spec.yaml"),
            "--metadata",
            str(META),
            "-o",
            str(package),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "observations from 40 units" in out
    assert "1 submissions rejected in review" in out
    assert main(["validate", str(package)]) == 0
    target = tmp_path / "out.xml"
    assert main(["convert", str(package), "-t", "sdmx-ml-2.1", "-o", str(target)]) == 0
    assert target.stat().st_size > 0


def test_a_spec_error_is_a_message_naming_file_and_key(tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        (EXPORTS / "spec.yaml").read_text().replace("question: sex,", "question: gender,")
    )
    code = main(
        [
            "import",
            "survey",
            str(EXPORTS / "kobo.csv"),
            "--spec",
            str(spec),
            "--metadata",
            str(META),
            "-o",
            str(tmp_path / "pkg"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 3
    assert f"{spec}, key breakdowns.SEX.question: no column for question 'gender'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "pkg").exists()


@given(
    n=st.integers(1, 5000),
    share=st.floats(0, 1),
    confidence=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
    deff=st.floats(1, 4),
)
def test_wilson_interval_equals_statsmodels(n, share, confidence, deff):
    x = round(share * n)
    low, high = wilson_interval(x / n, n / deff, confidence=confidence)
    ref = proportion_confint(x / deff, n / deff, alpha=1 - confidence, method="wilson")
    assert low == pytest.approx(ref[0], abs=1e-12)
    assert high == pytest.approx(ref[1], abs=1e-12)

"""Every bundled example is valid; planted errors are reported at their row and column."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

import sdmx_cso
from sdmx_cso.cli import main


def rewrite_cell(folder: Path, row: int, column: str, value: str, fill: str = "_T") -> None:
    """Set one cell of data.csv; ``row`` is the spreadsheet row number (header = 1).

    A column that is absent is added, with ``fill`` in every other row.
    """
    path = folder / "data.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if column not in rows[0]:
        rows[0].append(column)
        for r in rows[1:]:
            r.append(fill)
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def edit_metadata(folder: Path, **changes) -> None:
    path = folder / "metadata.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def cli_json(*args: str, capsys) -> tuple[int, dict]:
    code = main(["validate", *map(str, args), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_examples_are_valid(example_dir, capsys):
    code, report = cli_json(example_dir, capsys=capsys)
    assert code == 0, report["issues"][:5]
    assert report["valid"] is True
    assert report["stats"]["rows"] >= 24  # the smallest example, kenya-transport-access
    assert report["stats"]["errors"] == 0


def test_examples_load_with_derived_attributes(example_dir):
    ds = sdmx_cso.load(example_dir)
    table = ds.observations
    assert len(ds) == sdmx_cso.validate(example_dir).stats.rows
    for column in (
        "OBS_STATUS",
        "RELIABILITY",
        "CONF_STATUS",
        "UNIT_MEASURE",
        "UNIT_MULT",
        "DATA_PRODUCER",
    ):
        assert table.column(column).null_count == 0, column


def test_unknown_code_is_located(example_dir, capsys):
    rewrite_cell(example_dir, 7, "SEX", "FEMALE")
    code, report = cli_json(example_dir, capsys=capsys)
    assert code == 1
    assert report["valid"] is False
    assert [(i["code"], i["row"], i["column"], i["value"]) for i in report["issues"]] == [
        ("code-not-in-codelist", 7, "SEX", "FEMALE")
    ]
    assert "allowed: _T, F, M" in report["issues"][0]["message"]
    assert report["issues"][0]["file"].endswith("data.csv")


def test_wrong_type_is_located(example_dir, capsys):
    rewrite_cell(example_dir, 12, "SAMPLE_SIZE", "forty")
    rewrite_cell(example_dir, 20, "OBS_VALUE", "12,5%")
    code, report = cli_json(example_dir, capsys=capsys)
    assert code == 1
    assert [(i["code"], i["row"], i["column"]) for i in report["issues"]] == [
        ("invalid-integer", 12, "SAMPLE_SIZE"),
        ("invalid-number", 20, "OBS_VALUE"),
    ]


def test_missing_mandatory_metadata_is_located(example_dir, capsys):
    edit_metadata(example_dir, LICENCE=None, CONTACT_EMAIL="nobody-at-example.org")
    code, report = cli_json(example_dir, capsys=capsys)
    assert code == 1
    assert sorted((i["code"], i["column"]) for i in report["issues"]) == [
        ("metadata-invalid-value", "CONTACT_EMAIL"),
        ("metadata-missing-field", "LICENCE"),
    ]
    assert all(i["file"].endswith("metadata.yaml") and i["row"] is None for i in report["issues"])


def test_many_kinds_of_error_in_one_run(kenya, capsys):
    rewrite_cell(kenya, 3, "REF_AREA", "KE-99")
    rewrite_cell(kenya, 4, "TIME_PERIOD", "2023/24")
    rewrite_cell(kenya, 5, "SEXE", "F")
    edit_metadata(kenya, SAMPLING_METHOD="RANDOM")
    code, report = cli_json(kenya, capsys=capsys)
    assert code == 1
    assert {i["code"] for i in report["issues"]} == {
        "unknown-column", "code-not-in-codelist", "invalid-time-period", "metadata-invalid-value"
    }  # fmt: skip
    located = {(i["code"], i["row"], i["column"]) for i in report["issues"]}
    assert ("code-not-in-codelist", 3, "REF_AREA") in located
    assert ("invalid-time-period", 4, "TIME_PERIOD") in located
    assert ("unknown-column", 1, "SEXE") in located


def test_undeclared_coalition_series_is_refused(kenya):
    rewrite_cell(kenya, 2, "SERIES", "CGD_NOT_DECLARED")
    report = sdmx_cso.validate(kenya)
    assert report.flatten(["row", "column", "code"]) == [[2, "SERIES", "code-not-in-codelist"]]


def test_header_only_file_has_no_observations(kenya):
    lines = (kenya / "data.csv").read_text("utf-8").splitlines()
    (kenya / "data.csv").write_text(lines[0] + "\n", encoding="utf-8")
    report = sdmx_cso.validate(kenya)
    assert report.flatten(["code"]) == [["no-observations"]]


def test_missing_mandatory_column(kenya):
    path = kenya / "data.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    drop = rows[0].index("TIME_PERIOD")
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([r[:drop] + r[drop + 1 :] for r in rows])
    report = sdmx_cso.validate(kenya)
    assert report.flatten(["row", "column", "code"]) == [[1, "TIME_PERIOD", "missing-column"]]


def test_pick_skip_and_warnings_as_errors(kenya):
    rewrite_cell(kenya, 3, "SEX", "X")
    edit_metadata(kenya, LICENCE=None)
    assert {i.code for i in sdmx_cso.validate(kenya, pick=["#metadata"]).issues} == {
        "metadata-missing-field"
    }
    assert {i.code for i in sdmx_cso.validate(kenya, skip=["#metadata"]).issues} == {
        "code-not-in-codelist"
    }
    assert sdmx_cso.validate(kenya, skip=["#metadata", "code-not-in-codelist"]).valid


def test_load_raises_invalid_submission_with_the_report(kenya):
    rewrite_cell(kenya, 3, "SEX", "X")
    with pytest.raises(sdmx_cso.InvalidSubmission) as exc:
        sdmx_cso.load(kenya)
    assert exc.value.report.flatten(["row", "column"]) == [[3, "SEX"]]

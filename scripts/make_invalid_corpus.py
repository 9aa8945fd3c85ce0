"""Write tests/invalid/<issue-code>/: one small submission per issue code, one planted error each.

Each folder holds data.csv, metadata.yaml and expected.json (the issues the validator must
report: code, row, column). The base submission is valid and raises no warning. Run again
after changing a case: `python scripts/make_invalid_corpus.py`.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "invalid"
sys.path.insert(0, str(ROOT / "tests"))
from factories import metadata_dict  # noqa: E402

HEADER = ["SERIES", "REF_AREA", "SEX", "TIME_PERIOD", "OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND",
          "SAMPLE_SIZE", "NUMERATOR"]  # fmt: skip
ROWS = [
    ["CGD_TEST_SHARE", "KE-01", "F", "2023", "12.5", "8.0", "17.0", "80", "10"],
    ["CGD_TEST_SHARE", "KE-01", "M", "2023", "20.0", "14.0", "26.0", "60", "12"],
    ["CGD_TEST_SHARE", "KE-02", "F", "2023", "30.0", "20.0", "40.0", "50", "15"],
    ["CGD_TEST_SHARE", "KE-02", "M", "2023", "25.0", "15.0", "35.0", "40", "10"],
]

Table = list[list[str]]
Case = tuple[Callable[[Table, dict[str, Any]], str | None], list[list[Any]]]


def col(table: Table, name: str) -> int:
    return table[0].index(name)


def set_cell(table: Table, row: int, name: str, value: str) -> None:
    """Set a cell by spreadsheet row number (header = 1) and column name."""
    table[row - 1][col(table, name)] = value


def add_column(table: Table, name: str, values: list[str]) -> None:
    table[0].append(name)
    for r, value in zip(table[1:], values, strict=True):
        r.append(value)


def drop_column(table: Table, name: str) -> None:
    i = col(table, name)
    for r in table:
        del r[i]


def case_unknown_column(t: Table, m: dict[str, Any]) -> None:
    add_column(t, "SEXE", ["F", "M", "F", "M"])


def case_duplicate_column(t: Table, m: dict[str, Any]) -> None:
    add_column(t, " sex ", ["F", "M", "F", "M"])


def case_missing_column(t: Table, m: dict[str, Any]) -> None:
    drop_column(t, "TIME_PERIOD")


def case_no_observations(t: Table, m: dict[str, Any]) -> None:
    del t[1:]


def case_ragged_row(t: Table, m: dict[str, Any]) -> None:
    del t[2][5:]


def case_missing_dimension_value(t: Table, m: dict[str, Any]) -> None:
    set_cell(t, 2, "SEX", "")


def case_code_not_in_codelist(t: Table, m: dict[str, Any]) -> None:
    set_cell(t, 3, "SEX", "X")


def case_invalid_number(t: Table, m: dict[str, Any]) -> None:
    set_cell(t, 2, "OBS_VALUE", "12,5%")


def case_invalid_integer(t: Table, m: dict[str, Any]) -> None:
    set_cell(t, 4, "SAMPLE_SIZE", "forty")


def case_invalid_date(t: Table, m: dict[str, Any]) -> None:
    add_column(t, "DATA_LAST_UPDATE", ["2023-12-01", "2023-02-30", "2023-12-01", "2023-12-01"])


def case_invalid_time_period(t: Table, m: dict[str, Any]) -> None:
    set_cell(t, 5, "TIME_PERIOD", "2023/24")


def case_missing_mandatory_attribute(t: Table, m: dict[str, Any]) -> None:
    add_column(t, "UNIT_MEASURE", ["", "", "", ""])
    set_cell(t, 3, "SERIES", "SI_COV_DISAB")


def case_duplicate_key(t: Table, m: dict[str, Any]) -> None:
    t.append(list(t[1]))
    t[-1][col(t, "OBS_VALUE")] = "13.75"
    t[-1][col(t, "NUMERATOR")] = "11"  # 11 / 80: the value agrees with its counts


def case_series_attribute_differs(t: Table, m: dict[str, Any]) -> None:
    add_column(t, "DECIMALS", ["1", "1", "1", "1"])
    t.append(list(t[1]))
    t[-1][col(t, "TIME_PERIOD")] = "2022"
    t[-1][col(t, "DECIMALS")] = "2"
    m["REF_PERIOD"] = {"START": "2022-01-01", "END": "2023-12-31"}


def case_value_outside_bounds(t: Table, m: dict[str, Any]) -> None:
    set_cell(t, 3, "UPPER_BOUND", "18.0")


def case_numerator_exceeds_sample(t: Table, m: dict[str, Any]) -> None:
    set_cell(t, 5, "NUMERATOR", "60")


def case_percent_out_of_range(t: Table, m: dict[str, Any]) -> None:
    set_cell(t, 4, "OBS_VALUE", "145")
    set_cell(t, 4, "UPPER_BOUND", "150")


def case_value_disagrees_with_counts(t: Table, m: dict[str, Any]) -> None:
    set_cell(t, 4, "OBS_VALUE", "35.0")  # 15 / 50 is 30.0


def case_score_out_of_scale(t: Table, m: dict[str, Any]) -> None:
    m["SERIES"].append({"CODE": "CGD_TEST_SCORE", "NAME": "Score", "DEFINITION": "A 1-5 score",
                        "UNIT": "SCORE", "SCALE_MIN": 1, "SCALE_MAX": 5})  # fmt: skip
    set_cell(t, 2, "SERIES", "CGD_TEST_SCORE")
    for name, value in (("OBS_VALUE", "7"), ("LOWER_BOUND", "6"), ("UPPER_BOUND", "8")):
        set_cell(t, 2, name, value)


def case_time_period_frequency(t: Table, m: dict[str, Any]) -> None:
    add_column(t, "FREQ", ["A", "A", "M", "A"])


def case_period_outside_reference(t: Table, m: dict[str, Any]) -> None:
    set_cell(t, 4, "TIME_PERIOD", "2021")


def case_period_mismatch(t: Table, m: dict[str, Any]) -> None:
    m["REF_PERIOD"] = {"START": "2023-06-01", "END": "2023-12-31"}
    m["COLL_PERIOD"] = {"START": "2023-03-01", "END": "2023-04-15"}


def case_contradictory_metadata(t: Table, m: dict[str, Any]) -> None:
    m["SAMPLING_METHOD"] = "NONPROB_SNOWBALL"


def case_flag_contradicts_metadata(t: Table, m: dict[str, Any]) -> None:
    add_column(t, "QUALITY_FLAGS", ["", "NSO_ENDORSED", "", ""])


def case_reliability_mismatch(t: Table, m: dict[str, Any]) -> None:
    add_column(t, "RELIABILITY", ["RELIABLE", "UNRELIABLE", "RELIABLE", "CAUTION"])


def case_stray_whitespace(t: Table, m: dict[str, Any]) -> None:
    set_cell(t, 3, "REF_AREA", "KE-01 ")


def case_mixed_encoding(t: Table, m: dict[str, Any]) -> None:
    add_column(t, "COMMENT_OBS", ["नेपाल", "Café Murang'a", "", ""])


def mixed_encoding_bytes(text: str) -> bytes:
    """UTF-8, except line 3 (spreadsheet row 3), which is cp1252: edited on another machine."""
    lines = text.split("\n")
    return b"\n".join(
        line.encode("cp1252") if n == 3 else line.encode("utf-8") for n, line in enumerate(lines, 1)
    )


def case_unit_differs_from_sdg(t: Table, m: dict[str, Any]) -> None:
    m["SERIES"][0]["LINKED_SERIES"] = "SI_COV_DISAB"
    m["SERIES"][0]["UNIT"] = "NUMBER"
    for row in range(2, 6):  # counts, so no percentage or bound rule applies
        for name in ("LOWER_BOUND", "UPPER_BOUND"):
            set_cell(t, row, name, "")


def case_empty_row(t: Table, m: dict[str, Any]) -> None:
    t.insert(3, [""] * len(t[0]))


def case_metadata_missing_field(t: Table, m: dict[str, Any]) -> None:
    del m["LICENCE"]


def case_metadata_unknown_field(t: Table, m: dict[str, Any]) -> None:
    m["CONTACT_MAIL"] = "data@coalition.example.org"


def case_metadata_invalid_value(t: Table, m: dict[str, Any]) -> None:
    m["COLL_METHOD"] = {"MODE": "ZOOM"}


def case_personal_data(t: Table, m: dict[str, Any]) -> None:
    add_column(t, "COMMENT_OBS", ["", "", "Follow-up with Mrs Wanjiru", ""])


def case_metadata_syntax(t: Table, m: dict[str, Any]) -> None:
    pass  # the metadata file is broken as it is written (see `write`)


def case_outside_dataflow_constraint(t: Table, m: dict[str, Any]) -> None:
    # the Kenyan example's dataset, registered in the packaged register for eight counties
    m["DATASET_ID"] = "TDA_PWD_SOCIAL_SERVICES_2022_2023"
    for row, area in ((2, "KE-30"), (3, "KE-01"), (4, "KE-28"), (5, "KE-28")):
        set_cell(t, row, "SERIES", "SI_COV_DISAB")
        set_cell(t, row, "REF_AREA", area)


EXPECTED: dict[str, list[list[Any]]] = {
    "unknown-column": [[1, "SEXE"]],
    "duplicate-column": [[1, "SEX"]],
    "missing-column": [[1, "TIME_PERIOD"]],
    "no-observations": [[None, None]],
    "ragged-row": [[3, None]],
    "missing-dimension-value": [[2, "SEX"]],
    "code-not-in-codelist": [[3, "SEX"]],
    "invalid-number": [[2, "OBS_VALUE"]],
    "invalid-integer": [[4, "SAMPLE_SIZE"]],
    "invalid-date": [[3, "DATA_LAST_UPDATE"]],
    "invalid-time-period": [[5, "TIME_PERIOD"]],
    "missing-mandatory-attribute": [[3, "UNIT_MEASURE"]],
    "duplicate-key": [[6, None]],
    "series-attribute-differs": [[6, "DECIMALS"]],
    "value-outside-bounds": [[3, "OBS_VALUE"]],
    "numerator-exceeds-sample": [[5, "NUMERATOR"]],
    "percent-out-of-range": [[4, "OBS_VALUE"]],
    "value-disagrees-with-counts": [[4, "OBS_VALUE"]],
    "score-out-of-scale": [[2, "OBS_VALUE"]],
    "time-period-frequency": [[4, "TIME_PERIOD"]],
    "period-outside-reference": [[4, "TIME_PERIOD"]],
    "period-mismatch": [[None, "REF_PERIOD"]],
    "contradictory-metadata": [[None, "REPRESENTATIVENESS"]],
    "flag-contradicts-metadata": [[3, "QUALITY_FLAGS"]],
    "reliability-mismatch": [[3, "RELIABILITY"]],
    "stray-whitespace": [[3, "REF_AREA"]],
    "empty-row": [[4, None]],
    "mixed-encoding": [[3, None]],
    "unit-differs-from-sdg": [[None, "SERIES[1].UNIT"]],
    "metadata-missing-field": [[None, "LICENCE"]],
    "metadata-unknown-field": [[None, "CONTACT_MAIL"]],
    "metadata-invalid-value": [[None, "COLL_METHOD.MODE"]],
    "outside-dataflow-constraint": [[3, "REF_AREA"]],
    "metadata-syntax": [[2, None]],
    "personal-data": [[4, "COMMENT_OBS"]],
}


def write(folder: Path, table: Table, metadata: dict[str, Any], expected: list[list[Any]]) -> None:
    folder.mkdir(parents=True)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table)
    if folder.name == "mixed-encoding":
        (folder / "data.csv").write_bytes(mixed_encoding_bytes(buffer.getvalue()))
    else:
        (folder / "data.csv").write_text(buffer.getvalue(), encoding="utf-8")
    text = yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False)
    if folder.name == "metadata-syntax":  # a colon in an unquoted value, on line 2
        text = text.replace("TITLE: Test survey", "TITLE: Test: survey of 2023", 1)
    (folder / "metadata.yaml").write_text(text, encoding="utf-8")
    (folder / "expected.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    write(OUT / "_valid", [HEADER, *ROWS], metadata_dict(), [])
    for code, expected in EXPECTED.items():
        table = [list(HEADER)] + [list(r) for r in ROWS]
        metadata = copy.deepcopy(metadata_dict())
        globals()["case_" + code.replace("-", "_")](table, metadata)
        write(OUT / code, table, metadata, [[code, *where] for where in expected])
    print(f"wrote {len(EXPECTED) + 1} cases into {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""A spreadsheet template: a workbook that, once filled in, is a whole submission.

Sheets: ``instructions``; ``data`` (one column per concept, a drop-down on every coded
column bound to its code list, every cell formatted as text so that a spreadsheet turns no
code into a date and no ``61.5`` into a percentage); ``metadata`` (one row per field, with
help text and drop-downs for coded fields); and a hidden ``codes`` sheet holding the code
lists the drop-downs read (an in-cell list holds at most 255 characters; the area list
alone has 880 codes).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sdmx_cso.errors import CodelistNotFound
from sdmx_cso.io.atomic import atomic_output
from sdmx_cso.io.metadata_sheet import METADATA_SHEET, metadata_rows
from sdmx_cso.io.submission import read_submission
from sdmx_cso.standard import get_codelist, get_standard

__all__ = ["DATAFLOW_COLUMNS", "TEMPLATE_ROWS", "template_workbook", "write_template"]

#: Rows of the data sheet prepared (formatted as text, with drop-downs).
TEMPLATE_ROWS = 1000

_BREAKDOWNS = ("SEX", "AGE", "URBANISATION", "POP_GROUP", "DISABILITY_STATUS", "DISABILITY_TYPE")
#: The columns of each dataflow's template, in order.
DATAFLOW_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "DF_CGD_SURVEY": (
        "SERIES", "REF_AREA", *_BREAKDOWNS, "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE",
        "NUMERATOR", "SAMPLE_SIZE", "LOWER_BOUND", "UPPER_BOUND", "QUALITY_FLAGS",
        "COMMENT_OBS", "DATA_PRODUCER",
    ),
    "DF_CGD_SCORECARD": (
        "FREQ", "SERIES", "REF_AREA", "SEX", "POP_GROUP", "SERVICE", "RESPONDENT_TYPE",
        "SERVICE_POINT", "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "SAMPLE_SIZE",
        "SCALE_MIN", "SCALE_MAX", "SCALE_LABELS", "COMMENT_OBS", "DATA_PRODUCER",
    ),
    "DF_CGD_DASHBOARD": (
        "FREQ", "SERIES", "REF_AREA", "SEX", "AGE", "POP_GROUP", "SERVICE", "TIME_PERIOD",
        "OBS_VALUE", "UNIT_MEASURE", "NUMERATOR", "SAMPLE_SIZE", "QUALITY_FLAGS",
        "COMMENT_OBS", "DATA_PRODUCER",
    ),
}  # fmt: skip
#: Coded columns holding several codes (space-separated): a drop-down that suggests.
_MULTIPLE = frozenset({"QUALITY_FLAGS"})
_INSTRUCTIONS = (
    "How to fill in this workbook",
    "",
    "1. data sheet: one observation per row. The header row holds concept IDs; do not rename "
    "them. Pick codes from the drop-downs (the code lists are on the documentation site).",
    "   Leave a breakdown column empty for a total only if the whole column is empty; "
    "otherwise write _T (total), _Z (not applicable).",
    "   Every cell is text: type 61.5, not 61.5 %; type 2023-S1 or 2023-05 as they are. "
    "Decimals use a dot.",
    "   OBS_VALUE of a proportion (UNIT_MEASURE PT) is in per cent, and should equal "
    "NUMERATOR / SAMPLE_SIZE x 100: the validator warns where it does not.",
    "2. metadata sheet: fill the VALUE column. Rows marked required must be filled. A field "
    "of an object is on its own row (COLL_METHOD.MODE). Several codes: separate them with "
    "commas. A list (DATA_SOURCE, SERIES): YAML flow text, e.g. "
    "[{ID: ORG1, NAME: Our organisation, COUNTRY: KE}].",
    "3. Save as an Excel Workbook (.xlsx), then: sdmx-cso validate FILE.xlsx, and "
    "sdmx-cso convert FILE.xlsx -t sdmx-ml-2.1 -o out.xml. No other file is needed.",
)


def write_template(
    output: str | Path,
    *,
    dataflow: str = "DF_CGD_SURVEY",
    submission: str | Path | None = None,
) -> Path:
    """Write a submission template workbook (atomically); see `template_workbook`."""
    data = template_workbook(dataflow=dataflow, submission=submission)
    with atomic_output(output) as out:
        out.write(data)
    return Path(output)


def template_workbook(
    *, dataflow: str = "DF_CGD_SURVEY", submission: str | Path | None = None
) -> bytes:
    """A submission template as XLSX bytes.

    Args:
        dataflow: the dataflow whose columns the data sheet has (``DF_CGD_SURVEY``,
            ``DF_CGD_SCORECARD``, ``DF_CGD_DASHBOARD``).
        submission: an existing submission: its columns, rows and metadata fill the
            template, and its own series, areas, service points and data providers join the
            drop-downs.

    Raises:
        ValueError: an unknown dataflow.
        ReadError: the submission cannot be read.
    """
    from openpyxl import Workbook

    if dataflow not in DATAFLOW_COLUMNS:
        raise ValueError(f"unknown dataflow {dataflow!r}: {', '.join(DATAFLOW_COLUMNS)}")
    std = get_standard()
    columns: Sequence[str] = DATAFLOW_COLUMNS[dataflow]
    metadata: dict[str, Any] = {
        "DATASET_TYPE": next(f.dataset_type for f in std.dataflows if f.id == dataflow)
    }
    rows: list[dict[str, Any]] = []
    if submission is not None:
        raw = read_submission(submission)
        columns = [c for c in raw.table.column_names if c in std.dsd.columns]
        rows = raw.table.to_pylist()
        metadata = dict(raw.metadata)
    book = Workbook()
    _instructions(book.active)
    codes = _codes_sheet(book, columns, metadata)
    _data_sheet(book.create_sheet("data"), columns, rows, codes)
    _metadata_sheet(book.create_sheet(METADATA_SHEET), metadata, codes)
    book.move_sheet("codes", offset=3)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _instructions(sheet: Any) -> None:
    sheet.title = "instructions"
    for line in _INSTRUCTIONS:
        sheet.append([line])
    sheet.column_dimensions["A"].width = 120


def _extra_codes(column: str, metadata: Mapping[str, Any]) -> list[str]:
    """The dataset's own codes for a column, declared in its metadata."""
    sources = {
        "SERIES": ("SERIES", "CODE"),
        "REF_AREA": ("LOCAL_AREAS", "CODE"),
        "SERVICE_POINT": ("SERVICE_POINTS", "CODE"),
        "DATA_PRODUCER": ("DATA_SOURCE", "ID"),
    }
    if column not in sources:
        return []
    field, key = sources[column]
    items = metadata.get(field) or []
    return [str(i[key]) for i in items if isinstance(i, Mapping) and i.get(key)]


def _column_codes(column: str, metadata: Mapping[str, Any]) -> list[str] | None:
    """The codes a data column takes, or ``None`` for an uncoded column."""
    dsd = get_standard().dsd
    if column in dsd.dimension_ids:
        ref = dsd.dimension(column).codelist
    elif column in dsd.attribute_ids:
        ref = dsd.attribute(column).codelist
    else:
        return None
    extra = _extra_codes(column, metadata)
    if ref is None:
        return extra if column == "SERVICE_POINT" else None
    try:
        listed = [c.id for c in get_codelist(ref)]
    except CodelistNotFound:  # a dataset's own list (data providers)
        listed = []
    return [*extra, *listed]


def _codes_sheet(book: Any, columns: Iterable[str], metadata: Mapping[str, Any]) -> dict[str, str]:
    """The hidden sheet of code lists; column ID → the range its drop-down reads.

    The range of a list with no codes yet (a dataset's own providers or service points, not
    declared) starts with ``open:``: its drop-down must not refuse what is typed.
    """
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet("codes")
    sheet.sheet_state = "hidden"
    ranges: dict[str, str] = {}
    wanted = list(dict.fromkeys([*columns, *_metadata_coded()]))
    index = 0
    for column in wanted:
        codes = (
            _column_codes(column, metadata)
            if column in get_standard().dsd.columns
            else _metadata_codes(column)
        )
        if codes is None:
            continue
        index += 1
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=column)
        for row, code in enumerate(codes or [""], 2):
            sheet.cell(row=row, column=index, value=code).number_format = "@"
        ranges[column] = f"codes!${letter}$2:${letter}${max(2, len(codes) + 1)}"
        if not codes:  # a dataset's own list, not declared yet: suggest nothing, refuse nothing
            ranges[column] = f"open:{ranges[column]}"
    return ranges


def _metadata_coded() -> list[str]:
    return [f"META:{f.id}" for f in get_standard().msd.fields if f.type == "code" and f.codelist]


def _metadata_codes(key: str) -> list[str] | None:
    field = get_standard().msd.field(key.removeprefix("META:"))
    return [c.id for c in get_codelist(field.codelist)] if field.codelist else None


def _validation(formula: str, *, strict: bool) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        type="list",
        formula1=f"={formula}",
        allow_blank=True,
        showErrorMessage=strict,
        errorTitle="Not a code of the list",
        error="Pick a code from the list (the code lists are on the documentation site).",
    )


def _data_sheet(
    sheet: Any, columns: Sequence[str], rows: Sequence[Mapping[str, Any]], codes: Mapping[str, str]
) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    last = max(TEMPLATE_ROWS, len(rows)) + 1
    for index, column in enumerate(columns, 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column) + 2)
        for row in range(2, last + 1):
            sheet.cell(row=row, column=index).number_format = "@"  # text: no dates, no %
        if column in codes:
            formula = codes[column].removeprefix("open:")
            strict = column not in _MULTIPLE and not codes[column].startswith("open:")
            check = _validation(formula, strict=strict)
            check.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(check)
    for number, values in enumerate(rows, 2):
        for index, column in enumerate(columns, 1):
            value = values.get(column)
            if value is not None:
                sheet.cell(row=number, column=index, value=str(value))
    sheet.freeze_panes = "A2"


def _metadata_sheet(sheet: Any, given: Mapping[str, Any], codes: Mapping[str, str]) -> None:
    from openpyxl.styles import Font

    sheet.append(["FIELD", "VALUE", "REQUIRED", "HELP"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    values = dict(metadata_rows(given))
    std = get_standard()
    for field in std.msd.fields:
        keys = [field.id]
        if field.type == "object":
            keys = [f"{field.id}.{sub}" for sub in field.fields]
        elif field.type == "period":
            keys = [f"{field.id}.START", f"{field.id}.END"]
        for key in keys:
            sheet.append([key, values.pop(key, None), "required" if field.required else "",
                          _help(field.description, field.type)])  # fmt: skip
            sheet.cell(row=sheet.max_row, column=2).number_format = "@"
            if f"META:{field.id}" in codes:
                check = _validation(codes[f"META:{field.id}"], strict=True)
                check.add(f"B{sheet.max_row}")
                sheet.add_data_validation(check)
    for key, value in values.items():  # fields beyond the template's rows (nested deeper)
        sheet.append([key, value, "", ""])
    for letter, width in zip("ABCD", (28, 60, 10, 100), strict=True):
        sheet.column_dimensions[letter].width = width


def _help(description: str, kind: str) -> str:
    hints = {
        "codes": " Several codes: separate with commas.",
        "list": " A list: YAML flow text, e.g. [{ID: A, NAME: B}].",
        "date": " A date: YYYY-MM-DD.",
        "period": " A date: YYYY-MM-DD.",
    }
    return " ".join(description.split()) + hints.get(kind, "")

"""Survey exports of KoboToolbox and ODK: CSV, or XLSX with repeat groups on their own sheets.

An export is read as it is (every cell as text, empty cells ``None``), with the protections
of the submission readers (`sdmx_cso.io.tables`: encodings, delimiters, hostile files). The
headers are kept exactly as exported: XLSForm names with group paths (``group/question``
from KoboToolbox, ``group-question`` from ODK Central), or labels when the export was made
with labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sdmx_cso.errors import ReadError, UnsupportedFormat
from sdmx_cso.io.tables import TableRead, read_csv, read_xlsx, xlsx_sheet_names

__all__ = [
    "META_COLUMNS",
    "Sheet",
    "SurveyExport",
    "is_meta",
    "read_export",
]

#: Columns KoboToolbox and ODK add to every export (compared case-insensitively, after the
#: last group separator): never questions, never in any output.
META_COLUMNS = frozenset(
    name.lower()
    for name in (
        "start", "end", "today", "deviceid", "username", "simserial", "subscriberid",
        "phonenumber", "audit", "instanceID", "instanceName", "uuid", "_id", "_uuid",
        "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
        "__version__", "_tags", "_index", "_parent_index", "_parent_table_name",
        "_xform_id_string", "_attachments", "_geolocation", "_media_count",
        "_total_media", "_media_all_received", "KEY", "PARENT_KEY", "SubmissionDate",
        "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
        "Status", "ReviewState", "DeviceID", "Edits", "FormVersion",
    )
)  # fmt: skip


def is_meta(header: str) -> bool:
    """Whether an export column is a meta column (``_uuid``, ``meta/instanceID``, ``KEY``…)."""
    text = header.strip()
    last = text.replace("-", "/").rsplit("/", 1)[-1].lower()
    first = text.replace("-", "/").split("/", 1)[0].lower()
    return (
        text.lower() in META_COLUMNS
        or last in META_COLUMNS
        or first in {"meta", "formhub", "__system"}
        or text.startswith("_")
    )


@dataclass(frozen=True)
class Sheet:
    """One table of an export: the main sheet, or the sheet of a repeat group.

    Attributes:
        name: the sheet name (the file name for a CSV export).
        headers: the column headers as exported, in order.
        rows: one mapping per row, header → text (``None`` when empty).
        row_numbers: the spreadsheet row number of each row (header = 1).
    """

    name: str
    headers: tuple[str, ...]
    rows: tuple[dict[str, str | None], ...]
    row_numbers: tuple[int, ...]


@dataclass(frozen=True)
class SurveyExport:
    """A survey export: its file and its sheets, the main one first."""

    path: str
    sheets: tuple[Sheet, ...]

    def sheet(self, name: str) -> Sheet | None:
        """The sheet called ``name`` (case-insensitive), or ``None``."""
        wanted = name.strip().lower()
        return next((s for s in self.sheets if s.name.strip().lower() == wanted), None)

    def units(self, repeat: str | None = None) -> Sheet:
        """The units of analysis: the main sheet's rows, or a repeat group's rows.

        A repeat group's row is joined to its submission (``_parent_index`` = the main
        sheet's ``_index``, as KoboToolbox exports them), so that questions of the
        submission (a county, a consent) apply to each of its repeat rows; a question
        asked in both is the repeat group's.

        Raises:
            ReadError: no such sheet, or a repeat sheet not linked to the main sheet.
        """
        main = self.sheets[0]
        if repeat is None:
            return main
        sheet = self.sheet(repeat)
        if sheet is None or sheet is main:
            names = ", ".join(repr(s.name) for s in self.sheets[1:]) or "none"
            raise ReadError(
                f"no repeat group sheet {repeat!r} (repeat sheets: {names})", path=self.path
            )
        if "_parent_index" not in sheet.headers or "_index" not in main.headers:
            raise ReadError(
                f"sheet {sheet.name!r} has no _parent_index column linking it to the main "
                "sheet's _index (export with KoboToolbox's XLS export)",
                path=self.path,
            )
        parents = {row.get("_index"): row for row in main.rows}
        inherited = [
            h
            for h in main.headers
            if h not in sheet.headers and (not is_meta(h) or h == "_validation_status")
        ]
        rows = []
        for row, number in zip(sheet.rows, sheet.row_numbers, strict=True):
            parent = parents.get(row.get("_parent_index"))
            if parent is None:
                raise ReadError(
                    f"_parent_index {row.get('_parent_index')!r} is no _index of the main sheet",
                    path=self.path,
                    row=number,
                    column="_parent_index",
                )
            rows.append({**{h: parent.get(h) for h in inherited}, **row})
        return Sheet(sheet.name, (*sheet.headers, *inherited), tuple(rows), sheet.row_numbers)


def read_export(path: str | Path) -> SurveyExport:
    """Read a KoboToolbox or ODK export (CSV, or XLSX with one sheet per repeat group).

    Raises:
        ReadError: the file is missing or cannot be read.
        UnsupportedFormat: neither CSV nor XLSX.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReadError("no such file", path=path) from None
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}", path=path) from exc
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        read = read_csv(data, path=str(path), delimiter="\t" if suffix == ".tsv" else None)
        return SurveyExport(str(path), (_sheet(path.name, read),))
    if suffix == ".xlsx":
        names = xlsx_sheet_names(data, path=str(path))
        sheets = [_sheet(n, read_xlsx(data, path=str(path), sheet=n)) for n in names]
        return SurveyExport(str(path), tuple(s for s in sheets if s.headers))
    raise UnsupportedFormat(f"{path}: survey exports must be CSV or XLSX")


def _sheet(name: str, read: TableRead) -> Sheet:
    fatal = [p for p in read.problems if p.code in {"ragged-row", "duplicate-column"}]
    if fatal:
        first = fatal[0]
        raise ReadError(first.message, path=first.file, row=first.row, column=first.column)
    keys = read.table.column_names
    headers = tuple(read.columns[k] for k in keys)
    rows = tuple({read.columns[k]: row[k] for k in keys} for row in read.table.to_pylist())
    numbers = read.row_numbers or tuple(range(2, 2 + len(rows)))
    return Sheet(name=name, headers=headers, rows=rows, row_numbers=tuple(numbers))

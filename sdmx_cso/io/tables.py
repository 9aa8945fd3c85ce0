"""Data tables of a submission: CSV (encoding and delimiter detected) and XLSX.

Every cell is kept as the text typed (numbers from XLSX are written back as their shortest
decimal text); empty cells are null. Header names are normalised to concept IDs (upper case,
surrounding spaces removed); the header as typed is kept for messages.

Hostile files are refused with a :class:`ReadError` (see SECURITY.md): a cell longer than
:data:`~sdmx_cso.io._limits.MAX_CELL_CHARS` characters or a header wider than
:data:`~sdmx_cso.io._limits.MAX_COLUMNS` columns; an XLSX workbook that is a zip bomb, has a
DOCTYPE in one of its parts, or holds macros. XLSX formulas are never evaluated: a formula
cell gives the value the spreadsheet last calculated and saved, and one without a saved
value, or whose saved value is an error (``#DIV/0!``…), is refused. Links to other
workbooks are never followed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree

from sdmx_cso.errors import ReadError
from sdmx_cso.io._fast_csv import read_clean_csv
from sdmx_cso.io._limits import MAX_CELL_CHARS, MAX_COLUMNS, check_member
from sdmx_cso.io._text import decode_lines
from sdmx_cso.model.submission import ReadProblem
from sdmx_cso.standard import get_standard
from sdmx_cso.types import NOT_TEXT

__all__ = ["DELIMITERS", "TableRead", "read_csv", "read_xlsx", "xlsx_sheet_names"]

#: Delimiters recognised in CSV files, in order of preference.
DELIMITERS = ",;\t|"

csv.field_size_limit(64 * 1024 * 1024)


@dataclass
class TableRead:
    """A table as read from a file."""

    table: pa.Table
    columns: dict[str, str]
    row_numbers: tuple[int, ...] | None
    problems: list[ReadProblem] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def _normalise(header: list[str]) -> list[str]:
    return [h.strip().lstrip("\ufeff").strip().upper() for h in header]


def _sniff(sample: str) -> str:
    """The delimiter: the one of :data:`DELIMITERS` that splits the header into columns.

    The header holds concept IDs, which contain no delimiter, so the delimiter is the one
    that cuts the first record into two or more cells; if several do, the one that gives the
    following records as many cells, then the one giving most cells. Linear in the sample
    (``csv.Sniffer`` takes minutes on some 64 KiB samples).
    """
    best, best_key = ",", (-1, -1)
    for delimiter in DELIMITERS:
        widths = []
        try:
            for number, record in enumerate(csv.reader(io.StringIO(sample), delimiter=delimiter)):
                if number >= 20:
                    break
                if any(cell.strip() for cell in record):
                    widths.append(len(record))
        except csv.Error:
            continue
        if widths[:1] and widths[0] >= 2:
            key = (sum(w == widths[0] for w in widths[1:]), widths[0])
            if key > best_key:
                best, best_key = delimiter, key
    return best


def read_csv(
    data: bytes, *, path: str, encoding: str | None = None, delimiter: str | None = None
) -> TableRead:
    """Read CSV bytes into a table of text columns.

    Raises:
        ReadError: the file is not text, or has no header.
    """
    text, used, legacy_lines = decode_lines(data, path=path, encoding=encoding)
    delimiter = delimiter or _sniff(text[: 64 * 1024])
    first_line = text.find("\n")
    if text.count(delimiter, 0, first_line if first_line >= 0 else len(text)) >= MAX_COLUMNS:
        raise ReadError(
            f"the header has more than {MAX_COLUMNS} columns: not a data table", path=path, row=1
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ReadError("the file is empty", path=path) from None
    except csv.Error as exc:
        raise ReadError(f"unreadable header: {exc}", path=path, row=1) from exc
    _check_header(header, path=path)
    fast = _fast(text, data, used, header, delimiter=delimiter, path=path)
    result = fast or _collect(header, reader, path=path, encoding=used, delimiter=delimiter)
    if legacy_lines:
        result.problems[:0] = [
            ReadProblem(
                "mixed-encoding",
                f"line {line} is not UTF-8 like the rest of the file; it was read as cp1252",
                row=line,
                file=path,
                severity="warning",
            )
            for line in legacy_lines
        ]
    return result


def _check_header(header: list[str], *, path: str) -> None:
    """Refuse a header that is empty, too wide, or with a cell too long for a data table."""
    if not any(cell.strip() for cell in header):
        raise ReadError("the header row is empty", path=path, row=1)
    if len(header) > MAX_COLUMNS:
        raise ReadError(
            f"the header has {len(header)} columns, more than {MAX_COLUMNS}: not a data table",
            path=path,
            row=1,
        )
    for cell in header:
        if len(cell) > MAX_CELL_CHARS:
            raise _too_long(len(cell), path=path, row=1, column=None)


def _too_long(length: int, *, path: str, row: int, column: str | None) -> ReadError:
    return ReadError(
        f"a cell of {length} characters, more than the {MAX_CELL_CHARS} a spreadsheet cell "
        "holds (an unclosed quote?): not a data table",
        path=path,
        row=row,
        column=column,
    )


def _fast(
    text: str, data: bytes, encoding: str, header: list[str], *, delimiter: str, path: str
) -> TableRead | None:
    """Arrow's parser for a clean file (see ``_fast_csv``); ``None`` to use the exact reader."""
    names = _normalise(header)
    if not all(names) or len(set(names)) != len(names) or len(delimiter) != 1:
        return None
    utf8 = data if encoding == "utf-8" else text.encode("utf-8")
    result = read_clean_csv(
        utf8, names=names, delimiter=delimiter, path=path, free_text=_free_text_columns()
    )
    if result is None:
        return None
    table, problems = result
    for name in table.column_names:
        lengths = pc.utf8_length(table.column(name))
        if (pc.max(lengths).as_py() or 0) > MAX_CELL_CHARS:
            index = pc.index(pc.greater(lengths, MAX_CELL_CHARS), True).as_py()
            raise _too_long(lengths[index].as_py(), path=path, row=index + 2, column=name)
    typed: dict[str, str] = {}
    for n, h in zip(names, header, strict=True):
        typed.setdefault(n, h.strip())
    return TableRead(
        table=table,
        columns=typed,
        row_numbers=None,
        problems=problems,
        encoding=encoding,
        delimiter=delimiter,
    )


def _collect(
    header: list[str], rows: Any, *, path: str, encoding: str | None, delimiter: str | None
) -> TableRead:
    names = _normalise(header)
    if not any(names):
        raise ReadError("the header row is empty", path=path, row=1)
    typed: dict[str, str] = {}
    for n, h in zip(names, header, strict=True):
        typed.setdefault(n, h.strip())
    width = len(names)
    columns: list[list[str | None]] = [[] for _ in names]
    numbers: list[int] = []
    problems: list[ReadProblem] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            problems.append(
                ReadProblem(
                    "duplicate-column",
                    f"header {header[i]!r} repeats column {typed[name]!r} (both are {name})",
                    row=1,
                    column=name,
                    file=path,
                )
            )
        seen.setdefault(name, i)
    free_text = _free_text_columns()
    blank: list[int] = []
    row_number = 1
    try:
        for cells in rows:
            row_number += 1
            if not any(c is not None and str(c).strip() for c in cells):
                blank.append(row_number)  # blank rows carry nothing
                continue
            if len(cells) != width:
                problems.append(
                    ReadProblem(
                        "ragged-row",
                        f"row has {len(cells)} cells, the header has {width}",
                        row=row_number,
                        file=path,
                    )
                )
                continue
            numbers.append(row_number)
            for name, col, cell in zip(names, columns, cells, strict=True):
                col.append(_clean(cell, name, row_number, path, free_text, problems))
    except csv.Error as exc:
        raise ReadError(f"cannot parse: {exc}", path=path, row=row_number + 1) from exc
    last = numbers[-1] if numbers else 0
    problems += [
        ReadProblem("empty-row", "empty row skipped", row=n, file=path, severity="warning")
        for n in blank
        if n < last
    ]
    problems.sort(key=lambda p: p.row or 0)
    keep = [i for i, n in enumerate(names) if seen[n] == i and n]
    arrays = {names[i]: _array(names[i], columns[i]) for i in keep}
    consecutive = numbers == list(range(2, 2 + len(numbers)))
    return TableRead(
        table=pa.table(arrays) if arrays else pa.table({}),
        columns=typed,
        row_numbers=None if consecutive else tuple(numbers),
        problems=problems,
        encoding=encoding,
        delimiter=delimiter,
    )


def _clean(
    cell: str | None,
    name: str,
    row: int,
    path: str,
    free_text: frozenset[str],
    problems: list[ReadProblem],
) -> str | None:
    """The cell without surrounding spaces (a warning outside free text); ``None`` if empty."""
    if cell is None:
        return None
    if len(cell) > MAX_CELL_CHARS:
        raise _too_long(len(cell), path=path, row=row, column=name)
    stripped = cell.strip()
    if stripped != cell and stripped and name not in free_text:
        problems.append(
            ReadProblem(
                "stray-whitespace",
                f"spaces around {stripped!r} were removed",
                row=row,
                column=name,
                value=stripped,
                file=path,
                severity="warning",
            )
        )
    return stripped or None


def _free_text_columns() -> frozenset[str]:
    """Columns of free text, where surrounding spaces are not worth a warning."""
    dsd = get_standard().dsd
    return frozenset(a.id for a in dsd.attributes if a.type == "string")


def _array(name: str, values: list[str | None]) -> pa.Array:
    del name  # every column is read as text; integer columns are checked, then cast
    return pa.array(values, pa.string())


#: Most rows a worksheet has (Excel's limit): rows numbered beyond it are not read.
MAX_SHEET_ROWS = 1_048_576
#: Exceptions openpyxl raises on a broken or hostile workbook.
_XLSX_ERRORS = (
    zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, AttributeError,
    IndexError, OSError, EOFError, SyntaxError,
)  # fmt: skip
#: A formula element in worksheet XML (``<f>``, ``<f t="shared" …/>``, ``<x:f>``).
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def read_xlsx(data: bytes, *, path: str, sheet: str | None = None) -> TableRead:
    """Read the first sheet (or ``sheet``, or a sheet named ``data``) of an XLSX workbook.

    Formulas are never evaluated: a formula cell gives the value the spreadsheet saved.

    Raises:
        ReadError: not an XLSX workbook; a zip bomb, a part with a DOCTYPE, or macros; a
            formula without a saved value, or an error value; the sheet is missing or empty.
    """
    from openpyxl import load_workbook

    has_formulas = _check_workbook(data, path=path)
    books: list[Any] = []
    try:
        try:
            for data_only in (True, False) if has_formulas else (True,):
                books.append(
                    load_workbook(
                        io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False
                    )
                )
        except _XLSX_ERRORS as exc:
            raise ReadError(f"not a readable XLSX workbook: {exc}", path=path) from exc
        book = books[0]
        names = book.sheetnames
        if not names:
            raise ReadError("the workbook has no sheet", path=path)
        chosen = sheet or next((n for n in names if n.strip().lower() == "data"), names[0])
        if chosen not in names:
            raise ReadError(f"no sheet {chosen!r} (sheets: {', '.join(names)})", path=path)
        sheets = [b[chosen] for b in books]
        for ws in sheets:
            ws.reset_dimensions()  # never trust the size a file declares
        first = next(_xlsx_rows(sheets, path=path, max_row=1), None)
        header = [c or "" for c in first or []]
        while header and not header[-1]:
            header.pop()
        if not header:
            raise ReadError(f"sheet {chosen!r} is empty", path=path)
        _check_header(header, path=path)
        width = len(header)
        body = (
            row + [None] * (width - len(row))
            for row in _xlsx_rows(sheets, path=path, min_row=2, width=width)
        )
        return _collect(header, body, path=path, encoding=None, delimiter=None)
    finally:
        for b in books:
            b.close()


def xlsx_sheet_names(data: bytes, *, path: str) -> list[str]:
    """The sheet names of an XLSX workbook, after the safety checks of `read_xlsx`.

    Raises:
        ReadError: as `read_xlsx`.
    """
    from openpyxl import load_workbook

    _check_workbook(data, path=path)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, keep_links=False)
    except _XLSX_ERRORS as exc:
        raise ReadError(f"not a readable XLSX workbook: {exc}", path=path) from exc
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _check_workbook(data: bytes, *, path: str) -> bool:
    """Refuse a hostile workbook before openpyxl parses it; whether it has formulas.

    Every part is checked for size and compression ratio (a zip bomb), every XML part for a
    DOCTYPE (none has one; a DOCTYPE is how entity expansion and external entities come
    in), and the workbook for macros (``vbaProject.bin``: a macro-enabled workbook renamed
    ``.xlsx``).

    Raises:
        ReadError: any of these.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(f"not a readable XLSX workbook: {exc}", path=path) from exc
    formulas = False
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
        for info in members:
            check_member(info, path=path, what=f"the workbook part {info.filename}")
            lower = info.filename.lower()
            if lower.endswith(".bin") and "vba" in lower:
                raise ReadError(
                    "the workbook holds macros (a macro-enabled workbook): sdmx_cso never runs "
                    "them, and does not read such files; save it as an Excel Workbook (.xlsx)",
                    path=path,
                )
        try:
            for info in members:
                lower = info.filename.lower()
                if lower.endswith((".xml", ".rels")) or lower == "[content_types].xml":
                    _check_part(archive, info, path=path)
                    if "worksheets/" in lower and not formulas:
                        formulas = _has_formula(archive, info)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise ReadError(f"not a readable XLSX workbook: {exc}", path=path) from exc
    return formulas


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, path: str) -> None:
    """Refuse an XML part with a DOCTYPE (parsed safely, up to its root element only)."""
    with archive.open(info) as handle:
        events = etree.iterparse(
            handle, events=("start",), resolve_entities=False, no_network=True,
            load_dtd=False, huge_tree=False,
        )  # fmt: skip
        try:
            for _, element in events:
                doc = element.getroottree().docinfo
                if doc.doctype or doc.internalDTD is not None:
                    raise ReadError(
                        f"the workbook part {info.filename} has a DOCTYPE, which no "
                        "spreadsheet has: refused",
                        path=path,
                    )
                return
        except etree.XMLSyntaxError as exc:
            raise ReadError(
                f"the workbook part {info.filename} is not well-formed XML: {exc}", path=path
            ) from exc


def _has_formula(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    with archive.open(info) as handle:
        tail = b""
        while chunk := handle.read(1 << 20):
            if _FORMULA.search(tail + chunk):
                return True
            tail = chunk[-32:]
    return False


def _xlsx_rows(
    sheets: list[Any], *, path: str, min_row: int = 1, max_row: int = MAX_SHEET_ROWS,
    width: int | None = None,
) -> Iterator[list[str | None]]:  # fmt: skip
    """The rows of a sheet as text.

    ``sheets`` is the sheet read for values and, when the workbook has formulas, the same
    sheet read for formulas: the two are read in step.
    """
    options = {"min_row": min_row, "max_row": max_row, "max_col": width}
    try:
        if len(sheets) == 1:
            rows: Iterable[Any] = (
                (row, None) for row in sheets[0].iter_rows(values_only=True, **options)
            )
        else:
            rows = zip(sheets[0].iter_rows(**options), sheets[1].iter_rows(**options), strict=False)
        for number, (values, formulas) in enumerate(rows, min_row):
            if formulas is not None:
                _check_formulas(values, formulas, path=path, row=number)
                values = tuple(getattr(cell, "value", None) for cell in values)
            yield [
                _xlsx_text(value, path=path, row=number, index=i) for i, value in enumerate(values)
            ]
    except _XLSX_ERRORS as exc:
        raise ReadError(f"not a readable XLSX workbook: {exc}", path=path) from exc


def _check_formulas(values: Any, formulas: Any, *, path: str, row: int) -> None:
    """Refuse a formula with no saved value, or with an error value (``#DIV/0!``…)."""
    for index, (value, formula) in enumerate(zip(values, formulas, strict=False)):
        if getattr(formula, "data_type", None) != "f":
            continue
        cell = f"{_column_letter(index)}{row}"
        text = str(formula.value)[:100]
        if getattr(value, "value", None) is None:
            raise ReadError(
                f"cell {cell} holds a formula ({text}) with no saved value: sdmx_cso never "
                "evaluates formulas. Open the file in a spreadsheet and save it again (or "
                "paste the values)",
                path=path,
                row=row,
            )
        if getattr(value, "data_type", None) == "e":
            raise ReadError(
                f"cell {cell} holds a formula ({text}) whose value is the error {value.value}",
                path=path,
                row=row,
            )


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _xlsx_text(value: Any, *, path: str, row: int, index: int) -> str | None:
    text = _cell_text(value)
    if text is None:
        return None
    if len(text) > MAX_CELL_CHARS:
        raise _too_long(len(text), path=path, row=row, column=_column_letter(index))
    if match := NOT_TEXT.search(text):
        raise ReadError(
            f"cell {_column_letter(index)}{row} holds the control character "
            f"U+{ord(match.group()):04X}: binary content, not text",
            path=path,
            row=row,
        )
    return text


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def suffix(path: str | Path) -> str:
    """The lower-case suffix of a path."""
    return Path(path).suffix.lower()

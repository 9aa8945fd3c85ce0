"""Data tables of a submission: CSV (encoding and delimiter detected) and XLSX.

Every cell is kept as the text typed (numbers from XLSX are written back as their shortest
decimal text); empty cells are null. Header names are normalised to concept IDs (upper case,
surrounding spaces removed); the header as typed is kept for messages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from sdmx_cso.errors import ReadError
from sdmx_cso.io._fast_csv import read_clean_csv
from sdmx_cso.io._text import decode_lines
from sdmx_cso.model.submission import ReadProblem
from sdmx_cso.standard import get_standard

__all__ = ["DELIMITERS", "TableRead", "read_csv", "read_xlsx"]

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
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_csv(
    data: bytes, *, path: str, encoding: str | None = None, delimiter: str | None = None
) -> TableRead:
    """Read CSV bytes into a table of text columns.

    Raises:
        ReadError: the file is not text, or has no header.
    """
    text, used, legacy_lines = decode_lines(data, path=path, encoding=encoding)
    delimiter = delimiter or _sniff(text[: 64 * 1024])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ReadError("the file is empty", path=path) from None
    except csv.Error as exc:
        raise ReadError(f"unreadable header: {exc}", path=path, row=1) from exc
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


def read_xlsx(data: bytes, *, path: str, sheet: str | None = None) -> TableRead:
    """Read the first sheet (or ``sheet``, or a sheet named ``data``) of an XLSX workbook.

    Raises:
        ReadError: not an XLSX workbook, or the sheet is missing or empty.
    """
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ReadError(f"not a readable XLSX workbook: {exc}", path=path) from exc
    try:
        names = book.sheetnames
        chosen = sheet or next((n for n in names if n.strip().lower() == "data"), names[0])
        if chosen not in names:
            raise ReadError(f"no sheet {chosen!r} (sheets: {', '.join(names)})", path=path)
        rows = book[chosen].iter_rows(values_only=True)
        try:
            header = [_cell_text(c) or "" for c in next(rows)]
        except StopIteration:
            raise ReadError(f"sheet {chosen!r} is empty", path=path) from None
        while header and not header[-1]:
            header.pop()
        width = len(header)
        body = ([_cell_text(c) for c in row[:width]] + [None] * (width - len(row)) for row in rows)
        return _collect(header, body, path=path, encoding=None, delimiter=None)
    finally:
        book.close()


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

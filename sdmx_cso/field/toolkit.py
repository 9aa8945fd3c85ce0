"""The standard's code lists in the forms toolkits use: CSV files and XLSForm choices.

One CSV file per code list (``id``, ``name``, ``description``, ``parent``), and the rows of
an XLSForm ``choices`` sheet (``list_name``, ``name``, ``label::English (en)``) with every
code list under its ID, so that a KoboToolbox or ODK form can ask ``select_one CL_SEX`` and
collect the standard's codes directly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from sdmx_cso.codelists import Codelist
from sdmx_cso.io.atomic import atomic_output
from sdmx_cso.standard import get_codelist, list_codelists

__all__ = [
    "CHOICES_HEADER",
    "choices_csv",
    "choices_rows",
    "choices_xlsx",
    "codelist_csv",
    "standard_codelists",
    "write_codelists",
]

#: The header of an XLSForm ``choices`` sheet written here.
CHOICES_HEADER = ("list_name", "name", "label::English (en)")


def standard_codelists(*, agency: str | None = None) -> list[Codelist]:
    """Every code list of the standard, in the standard's order."""
    return [get_codelist(ref, agency=agency) for ref in list_codelists(agency=agency)]


def codelist_csv(codelist: Codelist) -> str:
    """One code list as CSV: ``id``, ``name``, ``description``, ``parent`` (and ``sensitive``)."""
    sensitive = any(c.sensitive for c in codelist)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "description", "parent", *(["sensitive"] if sensitive else [])])
    for c in codelist:
        extra = [str(c.sensitive).lower()] if sensitive else []
        writer.writerow([c.id, c.name, c.description or "", c.parent or "", *extra])
    return out.getvalue()


def choices_rows(codelists: Iterable[Codelist]) -> list[tuple[str, str, str]]:
    """XLSForm ``choices`` rows: the list name is the code list ID, the name the code."""
    return [(cl.id, c.id, c.name) for cl in codelists for c in cl]


def choices_xlsx(rows: Iterable[tuple[str, str, str]]) -> bytes:
    """An XLSForm workbook holding only a ``choices`` sheet (to paste into a form)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "choices"
    sheet.append(list(CHOICES_HEADER))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def choices_csv(rows: Iterable[tuple[str, str, str]]) -> str:
    """The same rows as `choices_xlsx`, as CSV."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CHOICES_HEADER)
    writer.writerows(rows)
    return out.getvalue()


def write_codelists(
    folder: str | Path,
    *,
    format: Literal["csv", "xlsform"] = "csv",
    agency: str | None = None,
) -> list[Path]:
    """Write the standard's code lists for toolkits; return the files written.

    ``csv``: one ``<ID>.csv`` per code list. ``xlsform``: ``choices.xlsx`` (a ``choices``
    sheet with every list, to copy into a form) and the same rows as ``choices.csv``. Each
    file is written atomically.

    Raises:
        ValueError: an unknown format.
    """
    folder = Path(folder)
    codelists = standard_codelists(agency=agency)
    files: dict[str, bytes]
    if format == "csv":
        files = {f"{cl.id}.csv": codelist_csv(cl).encode("utf-8") for cl in codelists}
    elif format == "xlsform":
        rows = choices_rows(codelists)
        files = {"choices.xlsx": choices_xlsx(rows), "choices.csv": choices_csv(rows).encode()}
    else:
        raise ValueError(f"unknown format {format!r}: csv or xlsform")
    written = []
    for name, data in files.items():
        with atomic_output(folder / name) as out:
            out.write(data)
        written.append(folder / name)
    return written

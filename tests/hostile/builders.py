"""Builders of hostile inputs, made at test time (nothing large is committed).

Each builder writes into a folder the test owns (``tmp_path``) and returns the path.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import sdmx_cso
import sdmx_cso.examples

__all__ = [
    "Formula",
    "column_letter",
    "kenya_rows",
    "submission",
    "write_xlsx",
    "zip_with",
]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_BOOK_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_MACRO_BOOK_CT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def kenya_rows(tmp_path: Path) -> tuple[list[list[str]], bytes]:
    """The rows of the Kenyan example's data table (header first) and its metadata file."""
    folder = sdmx_cso.examples.write_example("kenya-disability-survey", tmp_path / "_kenya")
    text = (folder / "data.csv").read_text("utf-8")
    rows = [line.split(",") for line in text.splitlines() if line]
    return rows, (folder / "metadata.yaml").read_bytes()


def submission(folder: Path, data: bytes, metadata: bytes, *, data_name: str = "data.csv") -> Path:
    """A submission package: ``folder`` holding the data file and ``metadata.yaml``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / data_name).write_bytes(data)
    (folder / "metadata.yaml").write_bytes(metadata)
    return folder


def zip_with(
    path: Path,
    members: Iterable[tuple[str, bytes]],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """A zip holding ``members`` (name, content) exactly as named, ``../`` and all."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, content in members:
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), content, compression)
    return path


class Formula:
    """A formula cell: the formula text (without ``=``) and its cached value, if any."""

    def __init__(self, formula: str, cached: str | None = None) -> None:
        self.formula = formula
        self.cached = cached


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: str | Formula | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        cached = "" if value.cached is None else f"<v>{escape(value.cached)}</v>"
        kind = ""
        if value.cached is not None and not _is_number(value.cached):
            kind = ' t="e"' if value.cached.startswith("#") else ' t="str"'
        return f'<c r="{ref}"{kind}><f>{escape(value.formula)}</f>{cached}</c>'
    # text cells are inline strings: "=1+2" stays the text "=1+2", never a formula
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[str | Formula | None]],
    *,
    extra_parts: Mapping[str, bytes] | None = None,
    macro_enabled: bool = False,
    sheet_prolog: str = "",
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """A minimal XLSX workbook with one sheet ``data`` holding ``rows``, written by hand.

    Args:
        path: the file to write.
        rows: cells as text (written as inline strings), ``Formula`` or ``None``.
        extra_parts: more zip members (e.g. ``xl/vbaProject.bin``,
            ``xl/externalLinks/externalLink1.xml``).
        macro_enabled: declare the workbook macro-enabled (as ``.xlsm`` files are).
        sheet_prolog: text put before the sheet's root element (e.g. a DOCTYPE).
        compression: how the members are compressed.
    """
    sheet_rows = []
    for r, row in enumerate(rows, 1):
        cells = "".join(_cell(f"{column_letter(c)}{r}", v) for c, v in enumerate(row))
        sheet_rows.append(f'<row r="{r}">{cells}</row>')
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{sheet_prolog}'
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetData>{"".join(sheet_rows)}'
        "</sheetData></worksheet>"
    )
    extra = dict(extra_parts or {})
    overrides = [
        ("/xl/workbook.xml", _MACRO_BOOK_CT if macro_enabled else _BOOK_CT),
        ("/xl/worksheets/sheet1.xml", _SHEET_CT),
    ]
    book_rels = [
        ("rId1", f"{_REL}/worksheet", "worksheets/sheet1.xml", None),
    ]
    for i, name in enumerate(sorted(n for n in extra if n.startswith("xl/externalLinks/")), 2):
        rel_type = f"{_REL}/externalLink"
        book_rels.append((f"rId{i}", rel_type, name.removeprefix("xl/"), None))
        overrides.append(
            (f"/{name}", "application/vnd.openxmlformats-officedocument.spreadsheetml"
             ".externalLink+xml")
        )  # fmt: skip
    if "xl/vbaProject.bin" in extra:
        book_rels.append(
            (f"rId{len(book_rels) + 1}", "http://schemas.microsoft.com/office/2006/"
             "relationships/vbaProject", "vbaProject.bin", None)
        )  # fmt: skip
    content_types = (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_CT}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
        + "</Types>"
    )
    rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
        + "".join(
            f"<Relationship Id={quoteattr(i)} Type={quoteattr(t)} Target={quoteattr(g)}/>"
            for i, t, g, _ in book_rels
        )
        + "</Relationships>"
    )
    external = "".join(
        f'<externalReference r:id="rId{i}"/>'
        for i in range(2, 2 + sum(n.startswith("xl/externalLinks/") for n in extra))
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets>'
        + (f"<externalReferences>{external}</externalReferences>" if external else "")
        + "</workbook>"
    )
    members = [
        ("[Content_Types].xml", content_types.encode()),
        ("_rels/.rels", rels.encode()),
        ("xl/workbook.xml", workbook.encode()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.encode()),
        ("xl/worksheets/sheet1.xml", sheet.encode()),
        *extra.items(),
    ]
    return zip_with(path, members, compression=compression)

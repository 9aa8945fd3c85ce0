"""SDMX-CSV 1.0 and 2.0 written by others, read without a DSD; and the neutral table.

The **neutral table** is what :func:`sdmx_cso.read_foreign` returns for any foreign data
message: one row per observation, one text column per component ID (dimensions, the time
dimension, the measure(s), then attributes of every level repeated on each row), null for an
absent value. :class:`ParsedTable` carries it with what the message says about itself, and
:func:`write_table` writes it as CSV or JSON.

SDMX-CSV needs no DSD to be read: its header names the components. What this reader
understands (``conformance/specs/sdmx-csv/``):

- **1.0**: first column ``DATAFLOW`` (its values give the structure ID); the separator is the
  character right after ``DATAFLOW``.
- **2.0**: ``STRUCTURE`` or ``STRUCTURE[x]`` (``x`` = sub-field separator), ``STRUCTURE_ID``,
  optional ``STRUCTURE_NAME`` (``labels=name``: every component column is then followed by a
  name column, which is dropped), optional ``ACTION``, ``SERIES_KEY`` and ``OBS_KEY``.
  The separator is the character after ``STRUCTURE`` / ``STRUCTURE[x]``.
- ``labels=both``: headers ``ID: Name`` give the ID; in a column whose every value reads
  ``ID: Name`` (coded values), the ID is kept; other columns (free text) are kept whole.
- Multi-valued ``ATTR[]`` columns: the values, split on the sub-field separator, are joined
  with one space (the form of ``QUALITY_FLAGS``). Multilingual ``ATTR[en;fr]`` columns keep
  the English text, or the first language given.
- Structural columns (``STRUCTURE``, ``STRUCTURE_NAME``, ``SERIES_KEY``, ``OBS_KEY``) are
  dropped. ``STRUCTURE_ID``/``DATAFLOW`` becomes ``structure_id``, and stays a column only when
  rows refer to different structures. ``ACTION`` stays a column only when some row deletes
  (``D``): such rows are not observations.
- Custom columns (e.g. ``UPDATED``) are kept, as the message has them.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyarrow as pa

from sdmx_cso.errors import ReadError
from sdmx_cso.formats.neutral import ParsedTable, localised

__all__ = ["csv_structure_ref", "read_sdmx_csv"]

#: Output formats of :func:`write_table`.
Target = Literal["csv", "json"]

_CRLF = "\r\n"
_ID = r"[A-Za-z0-9_@$\-]+"
_LABELLED = re.compile(rf"({_ID}): ")
_STRUCTURE_REF = re.compile(r"([^\s:]+:[^\s(:]+(?:\([^)\s]*\))?)(?:: .*)?$", re.DOTALL)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+$")
_HEADER_2 = re.compile(r"STRUCTURE(?:\[(?P<sub>[^\]])\])?(?P<sep>[^\w\[])")
_FRAME_2 = frozenset({"STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "SERIES_KEY",
                      "OBS_KEY"})  # fmt: skip


# -- reading SDMX-CSV -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    version: str
    separator: str
    sub_separator: str
    names: list[str]
    """Component ID of each column (labels and brackets removed)."""
    kinds: list[str]
    """``keep``, ``multi``, ``lang``, ``drop``, ``structure`` or ``action`` per column."""


def read_sdmx_csv(path: Path) -> ParsedTable:
    """Read an SDMX-CSV 1.0 or 2.0 data message into the neutral table.

    Raises:
        ReadError: not UTF-8, not SDMX-CSV, or a row whose length differs from the header's.
    """
    with path.open("rb") as raw:
        encoding = _encoding(raw.read(4))
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            header = _parse_header(text.readline().rstrip("\r\n"), path)
            rows = csv.reader(text, delimiter=header.separator, strict=True)
            columns = _read_columns(rows, header, path)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ReadError(f"not a readable SDMX-CSV message: {exc}", path=path) from exc
        finally:
            text.detach()
    return _to_parsed(header, columns)


def csv_structure_ref(path: Path) -> str | None:
    """The structure the first row of an SDMX-CSV message refers to, from two lines.

    Raises:
        ReadError: not SDMX-CSV.
    """
    with path.open("rb") as raw:
        encoding = _encoding(raw.read(4))
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            header = _parse_header(text.readline().rstrip("\r\n"), path)
            row = next(csv.reader(text, delimiter=header.separator), [])
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ReadError(f"not a readable SDMX-CSV message: {exc}", path=path) from exc
        finally:
            text.detach()
    at = header.kinds.index("structure") if "structure" in header.kinds else None
    return _structure_ref(row[at]) if at is not None and at < len(row) else None


def _encoding(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def _parse_header(line: str, path: Path) -> _Header:
    if line.startswith("DATAFLOW") and len(line) > len("DATAFLOW"):
        version, separator, sub = "1.0", line[len("DATAFLOW")], ";"
    elif match := _HEADER_2.match(line):
        version, separator, sub = "2.0", match["sep"], match["sub"] or ";"
    else:
        raise ReadError(
            "not SDMX-CSV: the header must start with DATAFLOW (1.0) or STRUCTURE (2.0) "
            "followed by the separator",
            path=path,
            row=1,
        )
    fields = next(csv.reader([line], delimiter=separator))
    names, kinds = [], []
    named = version == "2.0" and "STRUCTURE_NAME" in fields
    pending_name = False
    for number, field in enumerate(fields):
        name = field.split(": ", 1)[0].strip()
        kind = "keep"
        if pending_name:  # labels=name: the name column after a component column
            kind, pending_name = "drop", False
        elif (number, version) == (0, "1.0") or (number, name) == (1, "STRUCTURE_ID"):
            kind = "structure"  # DATAFLOW (1.0) or STRUCTURE_ID (2.0)
        elif version == "2.0" and (number == 0 or name in _FRAME_2):
            kind = "action" if name == "ACTION" else "drop"
        elif bracket := re.fullmatch(r"(.+?)\[([^\]]*)\]", name):
            name, kind = bracket[1], "multi" if not bracket[2] else "lang"
            name = name.replace("[]", "")
            pending_name = named
        else:
            pending_name = named
        names.append(name)
        kinds.append(kind)
    return _Header(version, separator, sub, names, kinds)


def _read_columns(rows: Iterable[list[str]], header: _Header, path: Path) -> list[list[str]]:
    columns: list[list[str]] = [[] for _ in header.names]
    for number, row in enumerate(rows, start=2):
        if not row or row == [""]:
            continue
        if len(row) != len(header.names):
            raise ReadError(
                f"{len(row)} fields where the header has {len(header.names)}",
                path=path,
                row=number,
            )
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    return columns


def _to_parsed(header: _Header, columns: list[list[str]]) -> ParsedTable:
    notes: list[str] = []
    fields: dict[str, list[str | None]] = {}
    structure_id: str | None = None
    for name, kind, values in zip(header.names, header.kinds, columns, strict=True):
        if kind == "drop":
            continue
        if kind == "structure":
            refs = {_structure_ref(v) for v in values if v}
            if len(refs) == 1:
                structure_id = refs.pop()
                continue
            notes.append(f"rows refer to {len(refs)} structures: kept as column {name}")
            fields[name] = [_structure_ref(v) or None for v in values]
            continue
        if kind == "action":
            deletes = sum(1 for v in values if v == "D")
            if not deletes:
                continue
            notes.append(f"{deletes} rows delete data (ACTION D): they are not observations")
        fields[name] = _column_values(values, kind, header.sub_separator)
    if header.separator != "," and any(
        _DECIMAL_COMMA.match(v or "") for values in fields.values() for v in values
    ):
        notes.append("numbers with a decimal comma are kept as written (e.g. 12,4)")
    if any(kind == "multi" for kind in header.kinds):
        notes.append("values of multi-valued columns are joined with one space")
    if any(kind == "lang" for kind in header.kinds):
        notes.append("multilingual columns keep the English text (or the first language)")
    table = pa.table({name: pa.array(values, pa.string()) for name, values in fields.items()})
    return ParsedTable(table, "SDMX-CSV", structure_id, f"sdmx-csv-{header.version}", tuple(notes))


def _structure_ref(value: str) -> str:
    match = _STRUCTURE_REF.match(value.strip())
    return match[1] if match else value.strip()


def _column_values(values: list[str], kind: str, sub: str) -> list[str | None]:
    if kind == "multi":
        parts = [[p for p in v.split(sub) if p] if v else [] for v in values]
        flat = [p for value in parts for p in value]
        strip = _all_labelled(flat)
        return [" ".join(_unlabel(p, strip) for p in value) or None for value in parts]
    if kind == "lang":
        return [_language_text(v, sub) for v in values]
    strip = _all_labelled(values)
    return [_unlabel(v, strip) or None for v in values]


def _all_labelled(values: Iterable[str]) -> bool:
    """Whether every non-empty value reads ``ID: Name`` (a coded column under labels=both)."""
    seen = False
    for value in values:
        if value:
            if not _LABELLED.match(value):
                return False
            seen = True
    return seen


def _unlabel(value: str, strip: bool) -> str:
    return value.split(": ", 1)[0] if strip and value else value


def _language_text(value: str, sub: str) -> str | None:
    texts: dict[str, str] = {}
    for part in value.split(sub) if value else []:
        lang, colon, text = part.partition(":")
        if colon:
            texts.setdefault(lang.strip(), text)
    return localised(texts) if texts else (value or None)

"""Dataset metadata on a workbook sheet: one row per field, so an XLSX is a whole submission.

The sheet (named ``metadata``) has a header row with ``FIELD`` and ``VALUE`` columns (others,
such as help text, are ignored). A field of an object is named by a dotted path
(``COLL_METHOD.MODE``, ``REF_PERIOD.START``); a ``codes`` field (``REF_AREA_COVERAGE``) takes
codes separated by commas or spaces; a value that starts with ``[`` or ``{`` (a list of data
providers, of series…) is read as YAML flow text. Field IDs ignore case, as in metadata files.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from sdmx_cso.errors import ReadError
from sdmx_cso.io.metadata_file import load_yaml_value
from sdmx_cso.io.tables import read_xlsx
from sdmx_cso.standard import get_standard

__all__ = ["METADATA_SHEET", "metadata_rows", "read_metadata_sheet", "sheet_text"]

#: The name of the metadata sheet of a workbook submission.
METADATA_SHEET = "metadata"
_CODES = re.compile(r"[\s,;]+")


def read_metadata_sheet(data: bytes, *, path: str, names: list[str]) -> dict[str, Any] | None:
    """The metadata on the workbook's ``metadata`` sheet; ``None`` when it has none or is empty.

    ``names`` are the workbook's sheet names.

    Raises:
        ReadError: the sheet has no FIELD and VALUE columns, a field is given twice, or a
            value in YAML flow form cannot be parsed (each with its row).
    """
    sheet = next((n for n in names if n.strip().lower() == METADATA_SHEET), None)
    if sheet is None:
        return None
    read = read_xlsx(data, path=path, sheet=sheet)
    if not {"FIELD", "VALUE"} <= set(read.table.column_names):
        raise ReadError(
            f"the {sheet!r} sheet needs a header row with FIELD and VALUE columns",
            path=path,
            row=1,
        )
    fields = read.table.column("FIELD").to_pylist()
    values = read.table.column("VALUE").to_pylist()
    numbers = read.row_numbers or range(2, 2 + len(fields))
    out: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for field, value, row in zip(fields, values, numbers, strict=True):
        if not field or value is None or not value.strip():
            continue
        key = field.strip().upper()
        if key in seen:
            raise ReadError(
                f"field {key} is given twice (also row {seen[key]})", path=path, row=row
            )
        seen[key] = row
        parts = key.split(".")
        _put(out, parts, _value(parts, value, path=path, row=row))
    return out or None


def _put(target: dict[str, Any], parts: list[str], value: Any) -> None:
    for part in parts[:-1]:
        nested = target.setdefault(part, {})
        if not isinstance(nested, dict):
            nested = target[part] = {}
        target = nested
    target[parts[-1]] = value


def _value(parts: list[str], text: str, *, path: str, row: int) -> Any:
    text = text.strip()
    if text[:1] in "[{":
        try:
            return _upper_keys(load_yaml_value(text))
        except (yaml.YAMLError, RecursionError, ReadError) as exc:
            raise ReadError(
                f"the value of {'.'.join(parts)} starts with {text[0]!r} but is not YAML "
                f"flow text: {exc}",
                path=path,
                row=row,
                column="VALUE",
            ) from None
    if len(parts) == 1 and _field_type(parts[0]) == "codes":
        return [c for c in _CODES.split(text) if c]
    return text


def _upper_keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k).strip().upper(): _upper_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_upper_keys(v) for v in value]
    return value


def _field_type(field_id: str) -> str | None:
    msd = get_standard().msd
    return next((f.type for f in msd.fields if f.id == field_id), None)


def sheet_text(value: Any) -> str:
    """A metadata value as the text of its cell (the inverse of the sheet reader)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping | list):
        return yaml.safe_dump(value, default_flow_style=True, width=1 << 20).strip()
    return str(value)


def metadata_rows(metadata: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(FIELD, VALUE)`` rows of the metadata sheet for a metadata mapping (upper-case IDs).

    Objects become one row per field (``COLL_METHOD.MODE``); ``codes`` fields are joined
    with ``, ``; lists of objects are YAML flow text.
    """
    for key, value in metadata.items():
        kind = _field_type(str(key))
        if isinstance(value, Mapping) and kind in ("object", "period"):
            for sub, item in value.items():
                yield f"{key}.{sub}", sheet_text(item)
        elif isinstance(value, list) and kind == "codes":
            yield str(key), ", ".join(map(str, value))
        else:
            yield str(key), sheet_text(value)

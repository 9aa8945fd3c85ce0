"""Metadata checks: pydantic errors of DatasetMetadata translated into Issues."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from sdmx_cso.codelists import closest_codes
from sdmx_cso.model import DatasetMetadata
from sdmx_cso.types import NOT_TEXT
from sdmx_cso.validation.report import Issue

__all__ = ["check_metadata", "lenient_extensions"]

_FIELDS = frozenset(f.alias or n for n, f in DatasetMetadata.model_fields.items())


def check_metadata(
    metadata: Mapping[str, Any], file: str | None
) -> tuple[DatasetMetadata | None, list[Issue]]:
    """Validate the metadata mapping; return the model (if valid) and the issues."""
    not_text = list(_not_text(metadata, (), file))
    try:
        model = DatasetMetadata.model_validate(dict(metadata))
    except ValidationError as exc:
        return None, not_text + list(_translate(exc, file))
    return (None, not_text) if not_text else (model, [])


def _not_text(value: Any, loc: tuple[int | str, ...], file: str | None) -> Iterator[Issue]:
    """An issue for each string value holding a character that is no text."""
    if isinstance(value, str):
        if found := NOT_TEXT.search(value):
            yield Issue.make(
                "metadata-invalid-value",
                f"{_path(loc)} holds a character that is no text (U+{ord(found[0]):04X})",
                file=file,
                column=_path(loc) or None,
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _not_text(item, (*loc, str(key)), file)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _not_text(item, (*loc, index), file)


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _translate(exc: ValidationError, file: str | None) -> Iterator[Issue]:
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        path = _path(loc)
        kind = error["type"]
        value = error.get("input")
        shown = value if isinstance(value, str | int | float) else None
        if kind == "missing":
            yield Issue.make(
                "metadata-missing-field", f"{path} is required but missing", file=file, column=path
            )
        elif kind == "extra_forbidden":
            hint = closest_codes(str(loc[-1]), _FIELDS) if len(loc) == 1 else []
            extra = f"; did you mean {', '.join(hint)}?" if hint else ""
            yield Issue.make(
                "metadata-unknown-field",
                f"{path} is not a field of the standard{extra}",
                file=file,
                column=path,
            )
        else:
            message = error["msg"].removeprefix("Value error, ")
            yield Issue.make(
                "metadata-invalid-value",
                message,
                file=file,
                column=path or None,
                value=None if shown is None else str(shown),
            )


def lenient_extensions(metadata: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """The dataset's own codes, read leniently from metadata that failed validation.

    The table can then still be checked against them.
    """

    def codes(key: str, field: str) -> frozenset[str]:
        items = metadata.get(key)
        if not isinstance(items, list):
            return frozenset()
        return frozenset(
            str(item[field]) for item in items if isinstance(item, Mapping) and field in item
        )

    return {
        "CL_SERIES_CGD": codes("SERIES", "CODE"),
        "CL_AREA_CGD": codes("LOCAL_AREAS", "CODE"),
        "SERVICE_POINT": codes("SERVICE_POINTS", "CODE"),
        "DATA_PROVIDERS": codes("DATA_SOURCE", "ID"),
    }

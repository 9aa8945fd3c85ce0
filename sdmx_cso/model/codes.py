"""Code-list-bound types: a ``str`` that must be a code of one code list.

``Annotated[str, InCodelist("CL_SEX")]`` is a ``str`` that accepts only codes of
``IAEG-SDGs:CL_SEX``.
Code lists that a dataset may extend (coalition series, local areas, service points, data
providers) also accept the dataset's own codes, passed in the validation context as
``{"extensions": {"CL_SERIES_CGD": {...}, ...}}``. Errors name the field's code list and the
allowed values, or the closest ones when the list is long.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from sdmx_cso.codelists import closest_codes
from sdmx_cso.standard import get_codelist
from sdmx_cso.types import ID_PATTERN

__all__ = ["EXTENSIBLE", "SHOW_ALL_UP_TO", "InCodelist", "check_code", "code_error"]

#: Code lists that a dataset extends with its own codes, and what extends them.
EXTENSIBLE: frozenset[str] = frozenset(
    {"CL_SERIES_CGD", "CL_AREA_CGD", "SERVICE_POINT", "DATA_PROVIDERS"}
)

#: Error messages list every allowed code up to this many; beyond it, the closest ones.
SHOW_ALL_UP_TO = 12


def code_error(value: str, codelist_id: str, allowed: Set[str], ordered: list[str]) -> str:
    """A readable message for ``value`` not being in ``codelist_id``."""
    if len(allowed) <= SHOW_ALL_UP_TO:
        return f"{value!r} is not a code of {codelist_id}; allowed: {', '.join(ordered)}"
    close = closest_codes(value, allowed)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"{value!r} is not a code of {codelist_id} ({len(allowed)} codes){hint}"


def _extensions(info: ValidationInfo | None, key: str) -> Set[str]:
    context = info.context if info is not None else None
    if not isinstance(context, Mapping):
        return frozenset()
    ext = context.get("extensions")
    if not isinstance(ext, Mapping):
        return frozenset()
    found = ext.get(key, frozenset())
    return found if isinstance(found, Set) else frozenset(found)


def check_code(value: str, ref: str, extra: Set[str] = frozenset()) -> str:
    """Return ``value`` if it is a code of ``ref`` (or of ``extra``), else raise."""
    codelist = get_codelist(ref) if ref not in ("SERVICE_POINT", "DATA_PROVIDERS") else None
    if ref == "SERVICE_POINT":
        extra = frozenset(extra) | {"_T", "_Z"}
    if codelist is not None and value in codelist.ids:
        return value
    if value in extra:
        return value
    allowed = set(codelist.ids if codelist else ()) | set(extra)
    ordered = [c.id for c in codelist.codes] if codelist else []
    ordered += sorted(extra - set(ordered))
    name = codelist.id if codelist else ref
    raise PydanticCustomError(
        "code_not_in_codelist",
        "{message}",
        {"message": code_error(value, name, allowed, ordered), "codelist": name, "value": value},
    )


class InCodelist:
    """Marker for ``Annotated[str, InCodelist("CL_SEX")]``: the value must be a code of the list.

    Type checkers see a plain ``str``; pydantic validates membership after the string checks,
    and the JSON Schema lists the codes (or, for extensible lists, a pattern and the list URN).
    """

    __slots__ = ("key", "ref")

    def __init__(self, ref: str) -> None:
        self.ref = ref
        self.key = ref.split(":")[-1]

    def __repr__(self) -> str:
        return f"InCodelist({self.ref!r})"

    def validate(self, value: str, info: ValidationInfo) -> str:
        """Check ``value`` against the code list and the dataset's extensions."""
        extra = _extensions(info, self.key) if self.key in EXTENSIBLE else frozenset()
        return check_code(value, self.ref, extra)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.with_info_after_validator_function(self.validate, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        out: dict[str, Any] = {"type": "string"}
        if self.key in ("SERVICE_POINT", "DATA_PROVIDERS"):
            out.update(
                pattern=ID_PATTERN, description=f"A code declared in the dataset ({self.key})"
            )
            return out
        codelist = get_codelist(self.ref)
        out["x-codelist"] = codelist.urn
        if self.key in EXTENSIBLE:
            out["pattern"] = ID_PATTERN
            out["description"] = (
                f"A code of {codelist.agency}:{codelist.id}({codelist.version}) "
                "or one the dataset declares"
            )
        else:
            out["enum"] = [c.id for c in codelist.codes]
        return out

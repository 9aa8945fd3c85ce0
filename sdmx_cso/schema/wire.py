"""JSON Schemas of documents as sdmx_cso reads them, not only as pydantic would.

pydantic's schema of a model says what the model accepts once its input is normalised. A
submission is read more leniently, and the published schemas must give the same verdicts as
the validator (a test runs both on generated documents):

- **keys ignore case** and surrounding spaces, at every level (metadata files, CSV headers):
  each property is also matched by a case-insensitive pattern, and a required field is one
  whose key, in any case, is present;
- **numbers may come as text**, as a CSV file or a KoboToolbox export delivers them:
  ``"200"`` is an integer and ``"61.5"`` a decimal, while ``"abc"`` is neither;
- a **period** is ``{START, END}`` or one ISO 8601 interval string ``"2024-01-01/2024-03-31"``.

What JSON Schema cannot say is left to the validator: that END is not before START, that two
keys differ only in case, and every rule across fields, rows or the metadata.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sdmx_cso.model.columns import DECIMAL_PATTERN

__all__ = ["INTEGER_TEXT", "NUMBER_TEXT", "PERIOD_TEXT", "as_read", "key_pattern"]

_CORE = DECIMAL_PATTERN.removeprefix("^").removesuffix("$")
#: A decimal number as text (surrounding spaces allowed: the reader removes them).
NUMBER_TEXT = rf"^\s*{_CORE}\s*$"
#: A non-negative integer as text.
INTEGER_TEXT = r"^\s*\+?[0-9]+\s*$"
_DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
#: A period as one ISO 8601 interval of two dates.
PERIOD_TEXT = rf"^\s*{_DAY}\s*/\s*{_DAY}\s*$"


def key_pattern(key: str) -> str:
    """A pattern matching ``key`` in any case, with surrounding spaces."""
    body = "".join(
        f"[{c.upper()}{c.lower()}]" if c.isalpha() and c.upper() != c.lower() else re.escape(c)
        for c in key
    )
    return rf"^\s*{body}\s*$"


def as_read(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` (a pydantic JSON Schema) made to accept documents as sdmx_cso reads them."""
    source = dict(schema)
    defs = dict(source.get("$defs", {}))
    if "Period" in defs:  # first, so that references into it point where it ends up
        period = defs["Period"]
        defs["Period"] = {
            "description": period.get("description", ""),
            "anyOf": [
                {k: v for k, v in period.items() if k != "description"},
                {"type": "string", "pattern": PERIOD_TEXT},
            ],
        }
        source["$defs"] = defs
    out: dict[str, Any] = _node(source)
    return out


def _node(node: Any, *, option: bool = False, path: str = "") -> Any:
    """``node`` (at JSON pointer ``path``) as read.

    ``option``: ``node`` is an alternative of an ``anyOf`` (already given its text).
    """
    if isinstance(node, list):
        return [_node(item, path=f"{path}/{i}") for i, item in enumerate(node)]
    if not isinstance(node, Mapping):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        where = f"{path}/{_pointer(key)}"
        if key == "anyOf":
            out[key] = [
                _node(o, option=True, path=f"{where}/{i}") for i, o in enumerate(_texts(value))
            ]
        else:
            out[key] = _node(value, path=where)
    if not option and "anyOf" not in out and out.get("type") in ("integer", "number"):
        out = {"anyOf": _texts([out])}
    if isinstance(out.get("properties"), Mapping):
        out = _any_case(out, path)
    return out


def _pointer(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _texts(options: list[Any]) -> list[Any]:
    """Numbers also as their text; a plain string beside a number must be one."""
    numeric = [o for o in options if isinstance(o, Mapping) and o.get("type") in
               ("integer", "number")]  # fmt: skip
    if not numeric:
        return options
    integer = all(o.get("type") == "integer" for o in numeric)
    text = {"type": "string", "pattern": INTEGER_TEXT if integer else NUMBER_TEXT}
    kept = [o for o in options if o != {"type": "string"}]
    return [*kept, text]


def _any_case(node: dict[str, Any], path: str) -> dict[str, Any]:
    """Each property also under a case-insensitive pattern (a reference to it, not a copy)."""
    properties: Mapping[str, Any] = node["properties"]
    node["patternProperties"] = {
        key_pattern(key): {"$ref": f"#{path}/properties/{_pointer(key)}"} for key in properties
    } | dict(node.get("patternProperties", {}))
    required = node.pop("required", [])
    if required:
        node["x-required"] = required
        node["allOf"] = [
            *node.get("allOf", []),
            *({"not": {"propertyNames": {"not": {"pattern": key_pattern(k)}}}} for k in required),
        ]
    return node

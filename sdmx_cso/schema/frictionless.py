"""The data table as a Frictionless Table Schema and Data Package descriptor.

For tools of the Frictionless ecosystem (frictionless-py, Open Data Editor, CKAN): one field
per concept of the standard, with the type and constraints a cell of a submission must meet
(Table Schema and Data Package 2.0, datapackage.org):

- a dimension is a ``string`` field whose ``constraints.enum`` is its code list (``SERIES``,
  ``REF_AREA`` and ``SERVICE_POINT``, which each dataset may extend, carry a pattern instead);
- TIME_PERIOD a ``string`` with the standard's period pattern; OBS_VALUE and decimal
  attributes ``number`` (written as text, so exact); integers ``integer`` with ``minimum``;
  dates ``date``; ``missingValues`` is ``[""]``;
- the key (every dimension and TIME_PERIOD) is the ``primaryKey``. A dimension column left out
  means ``_T`` (the standard's defaults), which Table Schema cannot say: a descriptor for one
  dataset lists only the columns it has (`table_schema` with ``columns``).

Checks across rows or against the metadata (reliability, bounds, declared series) are the
validator's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from sdmx_cso.errors import CodelistNotFound
from sdmx_cso.model.columns import DECIMAL_PATTERN
from sdmx_cso.model.observation import TIME_PERIOD_PATTERN
from sdmx_cso.standard import STANDARD_VERSION, get_codelist, get_standard

__all__ = ["data_package", "table_schema"]

_EXTENSIBLE = frozenset({"SERIES", "REF_AREA", "SERVICE_POINT"})
_ID_PATTERN = r"^[A-Za-z0-9_@$\-]+$"


def table_schema(columns: Sequence[str] | None = None) -> dict[str, Any]:
    """A Frictionless Table Schema of the data table (every concept, or ``columns``)."""
    dsd = get_standard().dsd
    names = list(columns) if columns is not None else list(dsd.columns)
    fields = [_field(name) for name in names if name in dsd.columns]
    key = [n for n in (*dsd.dimension_ids, dsd.time_dimension.id) if n in names]
    return {
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "fields": fields,
        "missingValues": [""],
        "primaryKey": key,
    }


def data_package(columns: Sequence[str] | None = None) -> dict[str, Any]:
    """A Data Package descriptor of a submission package (``data.csv``)."""
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "cgd-submission",
        "title": "Civil-society data submission (sdmx_cso standard)",
        "version": STANDARD_VERSION,
        "resources": [
            {
                "name": "data",
                "path": "data.csv",
                "type": "table",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(columns),
            }
        ],
    }


def _field(name: str) -> dict[str, Any]:
    dsd = get_standard().dsd
    if name in dsd.dimension_ids:
        dim = dsd.dimension(name)
        out: dict[str, Any] = {"name": name, "title": dim.name, "type": "string"}
        out["description"] = " ".join(dim.description.split())
        if name in _EXTENSIBLE or dim.codelist is None:
            out["constraints"] = {"pattern": dim.pattern or _ID_PATTERN}
        else:
            out["constraints"] = {"enum": [c.id for c in get_codelist(dim.codelist)]}
        if dim.default is None:
            out["constraints"]["required"] = True
        return out
    if name == dsd.time_dimension.id:
        return {
            "name": name, "title": dsd.time_dimension.name, "type": "string",
            "constraints": {"required": True, "pattern": TIME_PERIOD_PATTERN},
        }  # fmt: skip
    if name == dsd.measure.id:
        return {"name": name, "title": dsd.measure.name, "type": "number",
                "constraints": {"pattern": DECIMAL_PATTERN}}  # fmt: skip
    return _attribute(name)


def _attribute(name: str) -> dict[str, Any]:
    attr = get_standard().dsd.attribute(name)
    out: dict[str, Any] = {"name": name, "title": attr.name}
    out["description"] = " ".join(attr.description.split())
    if attr.type == "integer":
        out["type"] = "integer"
        if attr.min is not None:
            out["constraints"] = {"minimum": attr.min}
    elif attr.type == "decimal":
        out["type"] = "number"
    elif attr.type == "date":
        out["type"] = "date"
    else:
        out["type"] = "string"
        if attr.type == "code" and attr.codelist:
            with contextlib.suppress(CodelistNotFound):  # a dataset's own list (providers)
                out["constraints"] = {"enum": [c.id for c in get_codelist(attr.codelist)]}
    return out

"""JSON Schemas of the metadata file and of one data row, stamped with the standard's version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sdmx_cso.model import DatasetMetadata, Observation
from sdmx_cso.schema.frictionless import data_package, table_schema
from sdmx_cso.schema.wire import as_read
from sdmx_cso.standard import STANDARD_VERSION, get_standard

__all__ = [
    "DESCRIPTOR_FILES",
    "SCHEMA_BASE",
    "SCHEMA_FILES",
    "data_package",
    "json_schema",
    "table_schema",
    "write_schemas",
]

#: Base of the ``$id`` of every schema; the standard's version follows it.
SCHEMA_BASE = "https://sdmx-cso.readthedocs.io/en/latest/schemas"

#: File name of each published schema.
SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "metadata.schema.json": DatasetMetadata,
    "observation.schema.json": Observation,
}

#: File name of each published Frictionless descriptor of the data table.
DESCRIPTOR_FILES = {
    "table-schema.json": table_schema,
    "datapackage.json": data_package,
}


def json_schema(model: type[BaseModel], *, name: str | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``model``, with the standard's version in ``$id``.

    Examples:
        >>> json_schema(DatasetMetadata)["$id"]
        'https://sdmx-cso.readthedocs.io/en/latest/schemas/1.0.0/metadata.schema.json'
    """
    if name is None:
        name = next((f for f, m in SCHEMA_FILES.items() if m is model), f"{model.__name__}.json")
    schema = model.model_json_schema(by_alias=True, mode="validation")
    if model is Observation:
        schema = _as_row(schema)
    schema = as_read(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/{STANDARD_VERSION}/{name}",
        "x-standard-version": STANDARD_VERSION,
        **schema,
    }


def _as_row(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of one data row as a table gives it.

    OBS_VALUE's column is required (its cells may be empty), and an attribute's cell may be
    empty (null).
    """
    schema["required"] = [*schema.get("required", []), "OBS_VALUE"]
    properties = schema["properties"]
    for name in get_standard().dsd.attribute_ids:
        prop = properties.get(name)
        if prop is None or {"type": "null"} in prop.get("anyOf", []):
            continue
        keep = {k: v for k, v in prop.items() if k in ("description", "title", "default")}
        rest = {k: v for k, v in prop.items() if k not in keep}
        properties[name] = {**keep, "anyOf": [rest, {"type": "null"}]}
    return schema


def write_schemas(directory: str | Path) -> list[Path]:
    """Write the published schemas into ``directory``; return the paths.

    The JSON Schemas of `SCHEMA_FILES` and the Frictionless descriptors of
    `DESCRIPTOR_FILES`.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    documents = {name: json_schema(model, name=name) for name, model in SCHEMA_FILES.items()}
    documents |= {name: make() for name, make in DESCRIPTOR_FILES.items()}
    written = []
    for name, document in documents.items():
        path = out / name
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written

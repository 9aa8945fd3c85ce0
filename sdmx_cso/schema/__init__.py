"""JSON Schemas of the metadata file and of one data row, stamped with the standard's version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sdmx_cso.model import DatasetMetadata, Observation
from sdmx_cso.standard import STANDARD_VERSION

__all__ = ["SCHEMA_BASE", "SCHEMA_FILES", "json_schema", "write_schemas"]

#: Base of the ``$id`` of every schema; the standard's version follows it.
SCHEMA_BASE = "https://sdmx-cso.readthedocs.io/en/latest/schemas"

#: File name of each published schema.
SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "metadata.schema.json": DatasetMetadata,
    "observation.schema.json": Observation,
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
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/{STANDARD_VERSION}/{name}",
        "x-standard-version": STANDARD_VERSION,
        **schema,
    }


def write_schemas(directory: str | Path) -> list[Path]:
    """Write the schemas of `SCHEMA_FILES` into ``directory``; return the paths."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMA_FILES.items():
        path = out / name
        text = json.dumps(json_schema(model, name=name), indent=2, ensure_ascii=False) + "\n"
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written

"""Base classes of the domain model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

__all__ = ["ConceptModel", "CsoModel", "concept_id"]


def concept_id(name: str) -> str:
    """The wire name of a standard-facing field: its concept ID (``SAMPLE_SIZE``)."""
    return name.upper()


class CsoModel(BaseModel):
    """Base of every model: frozen, strict about unknown keys, camelCase on the wire.

    Validators are built on a model's first use (``defer_build``), not when it is imported:
    a command that never validates an `Observation` does not pay for building it.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        use_attribute_docstrings=True,
        defer_build=True,
    )


class ConceptModel(CsoModel):
    """Base of models whose wire names are the standard's concept IDs (``SAMPLE_SIZE``).

    Metadata files and data rows are keyed by concept ID, as SDMX is, rather than camelCase.
    """

    model_config = ConfigDict(alias_generator=concept_id, str_strip_whitespace=True)

"""Base classes of the domain model."""

from __future__ import annotations

from pydantic import ConfigDict
from pydantic.alias_generators import to_camel

from sdmx_cso._field_docs import DescribedModel

__all__ = ["ConceptModel", "CsoModel", "concept_id"]


def concept_id(name: str) -> str:
    """The wire name of a standard-facing field: its concept ID (``SAMPLE_SIZE``)."""
    return name.upper()


class CsoModel(DescribedModel):
    """Base of every model: frozen, strict about unknown keys, camelCase on the wire.

    Validators are built on a model's first use (``defer_build``), not when it is imported:
    a command that never validates an `Observation` does not pay for building it. Field
    descriptions are the docstrings under the fields (`DescribedModel`).
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )


class ConceptModel(CsoModel):
    """Base of models whose wire names are the standard's concept IDs (``SAMPLE_SIZE``).

    Metadata files and data rows are keyed by concept ID, as SDMX is, rather than camelCase.
    """

    model_config = ConfigDict(alias_generator=concept_id, str_strip_whitespace=True)

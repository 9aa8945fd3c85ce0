"""The standard as data: concepts, code lists, dimensions, attributes, metadata fields, flags.

Everything is loaded from one packaged source of truth, ``standard/data/standard.yaml``, plus
the reused code lists generated from the real SDMX artefacts (``codelists/data/reused/``),
the ISO 3166-2 subdivisions of the coalition's area list (``codelists/data/own/``) and the
units of the SDG series (``standard/data/sdg_series_units.json``, `sdg_series_units`).
The standard has its own version (`STANDARD_VERSION`), separate from the package's, and
its maintenance agency can be changed (default `DEFAULT_AGENCY`).
"""

from __future__ import annotations

from sdmx_cso.codelists import Codelist
from sdmx_cso.standard._load import (
    load_codelist,
    load_standard,
    raw_standard,
    reused_concept_scheme,
    sdg_series_units,
)
from sdmx_cso.standard.spec import (
    AttributeSpec,
    Concept,
    DimensionSpec,
    DsdSpec,
    FlagRule,
    MetadataFieldSpec,
    MsdSpec,
    Standard,
)

__all__ = [
    "DEFAULT_AGENCY",
    "STANDARD_VERSION",
    "AttributeSpec",
    "Concept",
    "DimensionSpec",
    "DsdSpec",
    "FlagRule",
    "MetadataFieldSpec",
    "MsdSpec",
    "Standard",
    "get_codelist",
    "get_standard",
    "list_codelists",
    "reused_concept_scheme",
    "sdg_series_units",
]

STANDARD_VERSION: str = str(raw_standard()["standard"]["version"])
"""Version of the data standard (semantic versioning, separate from the package version)."""

DEFAULT_AGENCY: str = str(raw_standard()["standard"]["default_agency"])
"""Default maintenance agency of the coalition's artefacts (a placeholder: ``LNOB``)."""


def get_standard(agency: str | None = None) -> Standard:
    """The standard, with its artefacts maintained by ``agency`` (default ``LNOB``).

    Examples:
        >>> std = get_standard()
        >>> std.dsd.urn
        'urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=LNOB:CGD(1.0.0)'
        >>> len(std.dsd.dimensions)
        20
    """
    return load_standard(agency or DEFAULT_AGENCY)


def get_codelist(ref: str, *, agency: str | None = None) -> Codelist:
    """A code list of the standard by ``ID`` or ``AGENCY:ID``.

    Raises:
        CodelistNotFound: no such code list is packaged.

    Examples:
        >>> get_codelist("CL_POP_GROUP")["SEX_WORKER"].sensitive
        True
        >>> "KE-01" in get_codelist("CL_AREA_CGD")
        True
    """
    return load_codelist(ref, agency or DEFAULT_AGENCY)


def list_codelists(*, agency: str | None = None) -> list[str]:
    """``AGENCY:ID`` of every code list of the standard, in the standard's order."""
    return list(get_standard(agency).codelist_refs)

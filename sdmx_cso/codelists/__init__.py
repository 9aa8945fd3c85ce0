"""Code lists: the `Code`, `Annotation` and `Codelist` models.

The packaged code lists of the standard are loaded by `sdmx_cso.standard`
(`sdmx_cso.standard.get_codelist`, `sdmx_cso.standard.list_codelists`). A concept scheme of
another agency that the standard reuses is kept verbatim as a `ReusedConceptScheme`.
"""

from sdmx_cso.codelists.model import (
    Annotation,
    Code,
    Codelist,
    ReusedConcept,
    ReusedConceptScheme,
    closest_codes,
)

__all__ = [
    "Annotation",
    "Code",
    "Codelist",
    "ReusedConcept",
    "ReusedConceptScheme",
    "closest_codes",
]

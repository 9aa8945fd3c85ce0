"""The Code, Codelist and Annotation models.

A code's annotations are kept as SDMX has them: an ordered list of `Annotation` (ID, title,
type, English text), so that a code list maintained by another agency (``IAEG-SDGs:CL_SERIES``
with its Indicator / IndicatorCode / IndicatorTitle / ORDER annotations) is written back exactly
as its source publishes it. The coalition's own codes may give their annotations as a mapping
``{type: title}`` (``{"UNIT_MEASURE": "PT"}``): it is read as annotations with that type and
title, sorted by type.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from typing import Any, Self

from pydantic import ConfigDict, field_validator

from sdmx_cso._field_docs import DescribedModel
from sdmx_cso.types import AgencyId, SdmxId, Version

__all__ = [
    "Annotation",
    "Code",
    "Codelist",
    "ReusedConcept",
    "ReusedConceptScheme",
    "closest_codes",
]


class _Frozen(DescribedModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_by_name=True)


class Annotation(_Frozen):
    """An SDMX annotation of a code (``com:Annotation``), as its source writes it."""

    id: str | None = None
    """``com:Annotation/@id``, when the source gives one."""
    title: str | None = None
    """``com:AnnotationTitle``."""
    type: str | None = None
    """``com:AnnotationType``, e.g. ``IndicatorCode``, ``UNIT_MEASURE`` or ``SENSITIVE``."""
    text: str | None = None
    """``com:AnnotationText`` in English."""

    @staticmethod
    def from_mapping(pairs: Mapping[str, object]) -> tuple[Annotation, ...]:
        """Annotations of type ``key`` and title ``str(value)``, sorted by type."""
        return tuple(Annotation(type=k, title=str(v)) for k, v in sorted(pairs.items()))


#: The annotation written for a sensitive code (`Code.sensitive`).
SENSITIVE = Annotation(type="SENSITIVE", title="true")


class Code(_Frozen):
    """One code of a code list."""

    id: SdmxId
    """The code itself, e.g. ``DALIT`` or ``KE-01``."""
    name: str
    """Human-readable name in English."""
    description: str | None = None
    """Longer definition, when the code list gives one."""
    parent: SdmxId | None = None
    """ID of the parent code in a hierarchical code list (e.g. ``WIDOW`` → ``SINGLE_WOMAN``)."""
    sensitive: bool = False
    """Population groups that are criminalised or stigmatised: stricter disclosure thresholds."""
    annotations: tuple[Annotation, ...] = ()
    """Further facts about the code, in order (e.g. ``SDG_INDICATOR`` of a coalition series,
    ``IndicatorCode`` of an IAEG-SDGs series). A mapping ``{type: title}`` is accepted."""

    @field_validator("annotations", mode="before")
    @classmethod
    def _from_mapping(cls, value: object) -> object:
        return Annotation.from_mapping(value) if isinstance(value, Mapping) else value

    def annotation(self, type_: str) -> Annotation | None:
        """The first annotation of type ``type_``, or ``None``."""
        return next((a for a in self.annotations if a.type == type_), None)

    @property
    def sdmx_annotations(self) -> tuple[Annotation, ...]:
        """The annotations an SDMX message carries: ``SENSITIVE`` first when the code is."""
        return (SENSITIVE, *self.annotations) if self.sensitive else self.annotations


class Codelist(_Frozen):
    """A code list: an ordered, versioned set of codes maintained by an agency."""

    agency: AgencyId
    """Maintenance agency, e.g. ``IAEG-SDGs``, ``SDMX`` or the coalition's (default ``LNOB``)."""
    id: SdmxId
    """Code list ID, e.g. ``CL_SEX``."""
    version: Version
    """Version of the code list."""
    name: str
    """Human-readable name."""
    description: str | None = None
    """What the code list is for."""
    codes: tuple[Code, ...]
    """The codes, in order."""
    source: str | None = None
    """Where the codes were taken from (a real SDMX artefact, for reused code lists)."""

    @property
    def urn(self) -> str:
        """The SDMX URN of the code list."""
        return (
            f"urn:sdmx:org.sdmx.infomodel.codelist.Codelist={self.agency}:{self.id}({self.version})"
        )

    @cached_property
    def ids(self) -> frozenset[str]:
        """The set of code IDs, for fast membership tests."""
        return frozenset(code.id for code in self.codes)

    @cached_property
    def _by_id(self) -> dict[str, Code]:
        return {code.id: code for code in self.codes}

    def __contains__(self, code: object) -> bool:
        return code in self.ids

    def __iter__(self) -> Iterator[Code]:  # type: ignore[override]
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, code_id: str) -> Code:
        return self._by_id[code_id]

    def get(self, code_id: str) -> Code | None:
        """The code with this ID, or ``None``."""
        return self._by_id.get(code_id)

    def children(self, code_id: str) -> tuple[Code, ...]:
        """Codes whose parent is ``code_id``."""
        return tuple(code for code in self.codes if code.parent == code_id)

    def extended(self, codes: Iterable[Code], **changes: str) -> Codelist:
        """A new code list with ``codes`` added after these (never replacing any).

        Args:
            codes: the codes to add; a code whose ID is already present is ignored.
            **changes: fields of the new code list to change (``agency``, ``id``, ``version``…).
        """
        extra = tuple(code for code in codes if code.id not in self.ids)
        return self.model_copy(update={"codes": self.codes + extra, **changes})

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy, with ``update`` applied; its lookup indexes are built anew when first used.

        pydantic copies the instance dictionary, where the cached ``ids`` and ``_by_id`` of
        this code list live: without this, a copy with more codes would answer lookups with
        this list's index (an extended list "lost" its new codes once the original had been
        searched).
        """
        copy = super().model_copy(update=update, deep=deep)
        for name in ("ids", "_by_id"):
            copy.__dict__.pop(name, None)
        return copy

    def suggest(self, value: str, n: int = 3) -> list[str]:
        """The codes closest to ``value``, best first (for "did you mean" messages)."""
        return closest_codes(value, self.ids, n=n)


class ReusedConcept(_Frozen):
    """A concept of another agency's concept scheme, as its source publishes it."""

    id: SdmxId
    """Concept ID, e.g. ``REF_AREA``."""
    name: str
    """English name."""
    description: str | None = None
    """English description."""
    annotations: tuple[Annotation, ...] = ()
    """Annotations, in order."""
    text_type: str | None = None
    """``textType`` of the concept's core representation (a text format), when it has one."""


class ReusedConceptScheme(_Frozen):
    """A concept scheme maintained by another agency (``IAEG-SDGs:SDG_CONCEPTS``), verbatim."""

    agency: AgencyId
    """Maintenance agency."""
    id: SdmxId
    """Scheme ID."""
    version: Version
    """Version."""
    name: str
    """English name."""
    description: str | None = None
    """English description."""
    concepts: tuple[ReusedConcept, ...]
    """The concepts, in order."""
    source: str
    """Where the scheme was taken from."""

    @property
    def urn(self) -> str:
        """The SDMX URN of the concept scheme."""
        return (
            "urn:sdmx:org.sdmx.infomodel.conceptscheme.ConceptScheme="
            f"{self.agency}:{self.id}({self.version})"
        )


def closest_codes(value: str, candidates: Iterable[str], *, n: int = 3) -> list[str]:
    """Candidates closest to ``value``, best first, ignoring case; at most ``n``."""
    pool = list(candidates)
    upper = {c.upper(): c for c in pool}
    exact = upper.get(value.strip().upper())
    if exact is not None:
        return [exact]
    found = difflib.get_close_matches(value.strip().upper(), list(upper), n=n, cutoff=0.5)
    return [upper[f] for f in found]

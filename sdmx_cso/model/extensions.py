"""The dataset's own extensions of the standard's code lists (standard.md §1).

A metadata file may declare the coalition's own series (``CGD_*`` codes), its service points
(facilities, schools, offices), local areas below the ISO 3166-2 level, and its data providers.
They extend ``CL_SERIES_CGD``, the ``SERVICE_POINT`` dimension, ``CL_AREA_CGD`` and
``DATA_PROVIDERS`` for that dataset only; IAEG-SDGs codes are never changed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from sdmx_cso.model._base import ConceptModel
from sdmx_cso.model.codes import InCodelist
from sdmx_cso.standard import get_codelist
from sdmx_cso.types import AgencyId, SdmxId

__all__ = ["CoalitionSeries", "DataProvider", "LocalArea", "ServicePoint"]

SdgIndicator = Annotated[
    str, StringConstraints(pattern=r"^[0-9]{1,2}\.[0-9a-z]{1,2}\.[0-9a-z]{1,2}$")
]
"""An SDG indicator number, e.g. ``1.3.1`` or ``16.b.1``."""


class CoalitionSeries(ConceptModel):
    """A series defined by the coalition (a ``CGD_*`` code of ``CL_SERIES_CGD``)."""

    code: Annotated[str, StringConstraints(pattern=r"^CGD_[A-Z0-9_]+$", max_length=50)]
    """The series code: ``CGD_`` followed by capitals, digits and underscores."""
    name: str = Field(min_length=1)
    """Name of the series."""
    definition: str = Field(min_length=1)
    """What is measured, and how."""
    unit: Annotated[str, InCodelist("IAEG-SDGs:CL_UNIT_MEASURE")]
    """Unit of measure (a code of IAEG-SDGs:CL_UNIT_MEASURE, e.g. ``PT``, ``SCORE``, ``NUMBER``)."""
    unit_mult: Annotated[str, InCodelist("SDMX:CL_UNIT_MULT")] = "0"
    """Unit multiplier (power of ten)."""
    scale_min: Decimal | None = Field(default=None, allow_inf_nan=False)
    """Lowest point of a scorecard or index scale."""
    scale_max: Decimal | None = Field(default=None, allow_inf_nan=False)
    """Highest point of a scorecard or index scale."""
    scale_labels: str | None = None
    """Meaning of the scale points."""
    sdg_indicator: SdgIndicator | None = None
    """The SDG indicator the series informs, e.g. ``3.8.1``."""
    linked_series: Annotated[str, InCodelist("IAEG-SDGs:CL_SERIES")] | None = None
    """The official SDG series it is closest to, e.g. ``SI_COV_DISAB``."""
    perception: bool = False
    """Whether values are subjective assessments (sets the ``PERCEPTION`` flag)."""
    definition_differs: bool = False
    """Whether the series deviates from the linked SDG definition (``DEFINITION_DIFFERS``)."""

    @field_validator("code")
    @classmethod
    def _not_official(cls, code: str) -> str:
        if code in get_codelist("IAEG-SDGs:CL_SERIES"):
            raise ValueError(f"{code} is an IAEG-SDGs series code; coalition codes are new")
        return code

    @model_validator(mode="after")
    def _scale(self) -> CoalitionSeries:
        if (
            self.scale_min is not None
            and self.scale_max is not None
            and self.scale_min >= self.scale_max
        ):
            raise ValueError("SCALE_MIN must be below SCALE_MAX")
        return self


class ServicePoint(ConceptModel):
    """A facility, school or office that observations refer to (SERVICE_POINT)."""

    code: SdmxId
    """Its code, e.g. a Kenya Master Facility List number or a school EMIS code."""
    name: str = Field(min_length=1)
    """Its name."""
    area: str | None = None
    """The area it lies in (a code of CL_AREA_CGD or of the dataset's local areas)."""
    kind: str | None = None
    """What it is: health post, school, ward office…"""
    service: Annotated[str, InCodelist("CL_SERVICE")] | None = None
    """The service it provides."""


class LocalArea(ConceptModel):
    """A ward, settlement or hotspot below the ISO 3166-2 level (extends CL_AREA_CGD)."""

    code: SdmxId
    """Its code, e.g. ``NP-KA-BIRENDRANAGAR-05``."""
    name: str = Field(min_length=1)
    """Its name."""
    parent: str
    """The area it belongs to (a code of CL_AREA_CGD or another local area)."""
    level: str | None = None
    """ward, settlement, hotspot…"""


class DataProvider(ConceptModel):
    """A coalition member that collected data: an SDMX DataProvider."""

    id: SdmxId
    """Its DataProvider ID, e.g. ``UDPK``."""
    name: str = Field(min_length=1)
    """Its name."""
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    """ISO 3166-1 alpha-2 country code."""
    agency: AgencyId | None = None
    """Its own SDMX agency ID, if it has registered one."""

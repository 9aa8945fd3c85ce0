"""Dataset-level metadata (standard.md §8.5): the fields of ``LNOB:CGD_MSD``.

Keys are the field IDs of the standard (``CONTACT_EMAIL``), as in metadata files.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AnyUrl, Field, model_validator

from sdmx_cso.model._base import ConceptModel
from sdmx_cso.model.codes import InCodelist, check_code
from sdmx_cso.model.extensions import CoalitionSeries, DataProvider, LocalArea, ServicePoint
from sdmx_cso.model.licences import SpdxLicence
from sdmx_cso.types import EmailAddress, Items, LanguageTag, SdmxId

__all__ = [
    "CollectionMethod",
    "Consent",
    "DatasetMetadata",
    "DisclosureControl",
    "Enumerators",
    "Period",
    "QualityAssessment",
]

Percent = Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False)]
Text = Annotated[str, Field(min_length=1)]


class Period(ConceptModel):
    """A period from ``START`` to ``END`` (inclusive dates).

    Also accepted as one string ``"2024-01-01/2024-03-31"`` (ISO 8601 interval).
    """

    start: dt.date
    """First day."""
    end: dt.date
    """Last day."""

    @model_validator(mode="before")
    @classmethod
    def _from_interval(cls, value: Any) -> Any:
        if isinstance(value, str) and "/" in value:
            start, _, end = value.partition("/")
            return {"START": start.strip(), "END": end.strip()}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"END ({self.end}) is before START ({self.start})")
        return self

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


class Enumerators(ConceptModel):
    """Who collected the data in the field."""

    number: int | None = Field(default=None, ge=0)
    """Number of enumerators or facilitators."""
    community_members: bool | None = None
    """Whether enumerators came from the community concerned."""
    community_share: Percent | None = None
    """Share of enumerators from the community, in per cent."""
    training_days: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    """Days of training."""
    curriculum: str | None = None
    """Training curriculum."""
    supervision: str | None = None
    """How fieldwork was supervised."""


class CollectionMethod(ConceptModel):
    """How the data were collected (SDG_META 3.b)."""

    mode: Annotated[str, InCodelist("CL_COLL_MODE")]
    """Mode: CAPI, PAPI, CATI, WEB, SMS, GROUP_SCORING…"""
    tool: Annotated[str, InCodelist("CL_COLL_TOOL")] | None = None
    """Tool: KOBOTOOLBOX, ODK, PAPER…"""
    form_id: str | None = None
    """Form identifier (e.g. the KoboToolbox asset UID)."""
    form_version: str | None = None
    """Form version."""
    questionnaire_url: AnyUrl | None = None
    """Link to the questionnaire."""
    languages: Items[LanguageTag] = ()
    """Languages of the interviews (BCP 47 tags)."""
    enumerators: Enumerators | None = None
    """Enumerators."""


class Consent(ConceptModel):
    """How consent was obtained."""

    type: Annotated[str, InCodelist("CL_CONSENT")]
    """INFORMED_WRITTEN, INFORMED_VERBAL, GUARDIAN or NONE."""
    withdrawal: str | None = None
    """How withdrawn consent is handled."""


class DisclosureControl(ConceptModel):
    """Statistical disclosure control applied."""

    primary_threshold: int | None = Field(default=None, ge=1)
    """Primary suppression threshold (cell count)."""
    sensitive_threshold: int | None = Field(default=None, ge=1)
    """Threshold for sensitive population groups."""
    secondary_method: str | None = None
    """Secondary suppression method."""
    geo_coarsening: str | None = None
    """Geographic coarsening."""
    microdata_anonymisation: str | None = None
    """Anonymisation of microdata."""


class QualityAssessment(ConceptModel):
    """Review of the dataset by a national statistical office (SDG_META 4.k)."""

    nso: Text
    """The statistical office."""
    framework: str | None = None
    """Framework used, e.g. KeSQAF criteria for citizen-generated data."""
    date: dt.date | None = None
    """Date of the assessment."""
    outcome: Annotated[str, InCodelist("CL_ASSMNT_OUTCOME")]
    """FIT, FIT_WITH_CAVEATS, NOT_FIT or ENDORSED."""
    reference: str | None = None
    """Reference of the assessment."""


class DatasetMetadata(ConceptModel):
    """Everything an NSO needs to judge a civil-society dataset (standard.md §8.5).

    Required fields are those without which an NSO cannot assess fitness for use: who, what,
    where, when, how (source, sampling, representativeness, response mode, validation), consent,
    limitations and licence.
    """

    dataset_id: SdmxId
    """Stable identifier of the dataset."""
    title: Text
    """Title."""
    description: str | None = None
    """What the dataset is about and why it was collected."""
    version: str | None = None
    """Version of the dataset."""
    language: LanguageTag = "en"
    """Language of the text (BCP 47)."""
    dataset_type: Annotated[str, InCodelist("CL_DATASET_TYPE")]
    """SURVEY, SCORECARD or DASHBOARD (selects the dataflow)."""
    contact_organisation: Text
    """Data steward organisation."""
    contact_name: str | None = None
    """Contact person."""
    contact_email: EmailAddress
    """Contact e-mail."""
    data_source: Items[DataProvider] = Field(min_length=1)
    """Coalition members that collected the data (the first is the default DATA_PRODUCER)."""
    compiling_org: str | None = None
    """Who aggregated or compiled the data."""
    initiator: Annotated[str, InCodelist("CL_INITIATOR")] | None = None
    """Who initiated the collection."""
    participation_stages: Items[Annotated[str, InCodelist("CL_PARTICIPATION_STAGE")]] = ()
    """Stages in which the affected community took part."""
    sdg_goal: str | None = None
    """Linked SDG goal(s)."""
    sdg_target: str | None = None
    """Linked SDG target(s)."""
    sdg_indicator: str | None = None
    """Linked SDG indicator(s)."""
    sdg_series_descr: str | None = None
    """Description of the linked SDG series."""
    comparability: str | None = None
    """Deviations from the linked SDG indicator definition."""
    stat_conc_def: str | None = None
    """Definitions and concepts."""
    class_system: str | None = None
    """Classifications used."""
    unit_measure: str | None = None
    """Units of measure, in words."""
    stat_pop: Text
    """Target population, including the population group(s)."""
    stat_unit: str | None = None
    """Unit of observation."""
    group_id_method: Annotated[str, InCodelist("CL_GROUP_ID_METHOD")] | None = None
    """How group membership was established."""
    group_id_question: str | None = None
    """Exact wording of the group-identification question."""
    ref_area_coverage: Items[str] = Field(min_length=1)
    """Areas covered: codes of CL_AREA_CGD or of LOCAL_AREAS."""
    ref_period: Period
    """Reference period."""
    coll_period: Period
    """Fieldwork period."""
    source_type: Annotated[str, InCodelist("CL_SOURCE_TYPE")]
    """Kind of data collection."""
    coll_method: CollectionMethod
    """How the data were collected."""
    sampling_method: Annotated[str, InCodelist("CL_SAMPLING_METHOD")]
    """How units were selected."""
    representativeness: Annotated[str, InCodelist("CL_REPRESENTATIVENESS")]
    """Of what population the data are representative."""
    response_mode: Annotated[str, InCodelist("CL_RESPONSE_MODE")]
    """Who provided the values."""
    validation_status: Annotated[str, InCodelist("CL_VALIDATION_STATUS")]
    """Highest validation step passed."""
    sample_frame: str | None = None
    """Sampling frame."""
    sample_size_planned: int | None = Field(default=None, ge=0)
    """Planned sample size."""
    sample_size_achieved: int | None = Field(default=None, ge=0)
    """Achieved sample size."""
    response_rate: Percent | None = None
    """Response rate in per cent."""
    weighting: str | None = None
    """How values were weighted."""
    consent: Consent
    """Consent."""
    ethics_review: str | None = None
    """Ethics review body and reference, or "none"."""
    conf_policy: str | None = None
    """Confidentiality policy."""
    disclosure_control: DisclosureControl | None = None
    """Disclosure control applied."""
    rec_use_lim: Text
    """Known limitations and biases."""
    nonsampling_err: str | None = None
    """Non-sampling error."""
    data_comp: str | None = None
    """How indicators or scores were computed."""
    data_validation: str | None = None
    """Validation steps."""
    quality_assure: str | None = None
    """Quality assurance."""
    quality_assmnt: QualityAssessment | None = None
    """NSO quality assessment."""
    licence: SpdxLicence
    """SPDX licence identifier."""
    access_rights: Annotated[str, InCodelist("CL_ACCESS_RIGHTS")]
    """PUBLIC or RESTRICTED."""
    citation: str | None = None
    """How to cite the dataset."""
    funding: str | None = None
    """Funding."""
    meta_last_update: dt.date | None = None
    """Date the metadata were last updated."""
    series: Items[CoalitionSeries] = ()
    """The coalition's own series (extend CL_SERIES_CGD)."""
    service_points: Items[ServicePoint] = ()
    """Service points (codes of SERVICE_POINT)."""
    local_areas: Items[LocalArea] = ()
    """Local areas (extend CL_AREA_CGD)."""

    @model_validator(mode="after")
    def _coherent(self) -> DatasetMetadata:
        self._unique("SERIES", [s.code for s in self.series])
        self._unique("SERVICE_POINTS", [s.code for s in self.service_points])
        self._unique("LOCAL_AREAS", [a.code for a in self.local_areas])
        self._unique("DATA_SOURCE", [p.id for p in self.data_source])
        areas = frozenset(a.code for a in self.local_areas)
        for area in self.local_areas:
            check_code(area.parent, "CL_AREA_CGD", areas)
        for code in self.ref_area_coverage:
            check_code(code, "CL_AREA_CGD", areas)
        for point in self.service_points:
            if point.area is not None:
                check_code(point.area, "CL_AREA_CGD", areas)
        return self

    @staticmethod
    def _unique(field: str, codes: list[str]) -> None:
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"{field} declares {', '.join(dupes)} more than once")

    @property
    def extensions(self) -> dict[str, frozenset[str]]:
        """The dataset's own codes by code list, for validating observations."""
        return {
            "CL_SERIES_CGD": frozenset(s.code for s in self.series),
            "CL_AREA_CGD": frozenset(a.code for a in self.local_areas),
            "SERVICE_POINT": frozenset(p.code for p in self.service_points),
            "DATA_PROVIDERS": frozenset(p.id for p in self.data_source),
        }

    def series_by_code(self) -> dict[str, CoalitionSeries]:
        """The coalition series keyed by code."""
        return {s.code: s for s in self.series}

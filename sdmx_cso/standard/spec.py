"""Typed specification of the standard: concepts, dimensions, attributes, metadata fields.

These models describe the standard itself (what ``LNOB:CGD(1.0.0)`` and ``LNOB:CGD_MSD`` hold).
They are loaded from the packaged ``standard.yaml`` by `sdmx_cso.get_standard`.
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import ConfigDict, Field

from sdmx_cso._field_docs import DescribedModel
from sdmx_cso.types import AgencyId, SdmxId, SemVer, Version

__all__ = [
    "AttributeLevel",
    "AttributeSpec",
    "Concept",
    "ConceptSchemeSpec",
    "DataflowSpec",
    "DimensionSpec",
    "DsdSpec",
    "FlagRule",
    "MeasureSpec",
    "MetadataFieldSpec",
    "MsdSpec",
    "Standard",
    "ValueType",
]

AttributeLevel = Literal["dataset", "series", "observation"]
"""Where an attribute is attached: to the dataset, to each series, or to each observation."""

ValueType = Literal["code", "string", "integer", "decimal", "date", "flags"]
"""Representation of an attribute value."""


class _Spec(DescribedModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ConceptSchemeSpec(_Spec):
    """A concept scheme that the standard's concepts come from."""

    agency: AgencyId
    """Maintenance agency of the scheme."""
    id: SdmxId
    """Scheme ID, e.g. ``SDG_CONCEPTS``."""
    version: Version
    """Scheme version."""
    name: str
    """Human-readable name."""


class Concept(_Spec):
    """A concept of the standard, as it appears in a concept scheme."""

    id: SdmxId
    """Concept ID (e.g. ``SAMPLE_SIZE``)."""
    name: str
    """Human-readable name."""
    description: str
    """Definition."""
    scheme: SdmxId
    """ID of the concept scheme that holds it (``SDG_CONCEPTS``, ``CGD_CONCEPTS``…)."""


class _Component(_Spec):
    id: SdmxId
    """Concept ID of the component (also the column name in submissions)."""
    name: str
    """Human-readable name."""
    description: str
    """What the component means."""
    scheme: SdmxId
    """ID of the concept scheme the concept belongs to."""


class DimensionSpec(_Component):
    """A dimension of the data structure."""

    position: int = Field(ge=1)
    """Position in the series key (1-based)."""
    codelist: str | None = None
    """``AGENCY:ID`` of the code list, or ``None`` for a non-enumerated dimension."""
    pattern: str | None = None
    """Regular expression the values of a non-enumerated dimension must match."""
    default: str | None = "_T"
    """Value when the column is absent from a submission; ``None``: the column is required."""
    sdg_export: str = ""
    """Rule for the projection onto the SDG DSD (section 8.7)."""

    @property
    def origin(self) -> Literal["SDG", "CGD"]:
        """``SDG`` for the 15 dimensions of IAEG-SDGs:SDG, ``CGD`` for the coalition's own."""
        return "SDG" if self.position <= 15 else "CGD"


class TimeDimensionSpec(_Component):
    """The time dimension."""

    position: int = Field(ge=1)
    """Position after all other dimensions."""
    type: Literal["ObservationalTimePeriod"] = "ObservationalTimePeriod"
    """SDMX representation of the time period."""


class MeasureSpec(_Component):
    """The primary measure."""

    type: Literal["decimal"] = "decimal"
    """Values are decimals, kept as their exact text."""


class AttributeSpec(_Component):
    """An attribute of the data structure."""

    level: AttributeLevel
    """Attachment level."""
    status: Literal["mandatory", "conditional"]
    """SDMX assignment status."""
    type: ValueType
    """Representation of the value."""
    codelist: str | None = None
    """``AGENCY:ID`` of the code list of a coded attribute."""
    min: int | None = None
    """Smallest allowed value of an integer attribute."""
    default: str | None = None
    """Value when the column is absent and nothing derives it."""
    derived: str | None = None
    """How the library fills the attribute when the submission leaves it out."""


class FlagRule(_Spec):
    """What a quality flag means for the SDMX-standard attributes (section 8.6)."""

    set_by: str
    """What sets the flag."""
    obs_status: str | None = None
    """OBS_STATUS implied by the flag."""
    obs_status_if_missing: str | None = None
    """OBS_STATUS implied when the value is missing (withheld)."""
    obs_status_when: str | None = None
    """Condition under which ``obs_status`` applies."""
    conf_status: str | None = None
    """CONF_STATUS implied by the flag."""
    clears: tuple[str, ...] = ()
    """OBS_STATUS codes that the flag cancels."""
    comment: str | None = None
    """Sentence added to COMMENT_OBS."""


class DataflowSpec(_Spec):
    """A dataflow of the standard (one per dataset type)."""

    id: SdmxId
    """Dataflow ID."""
    dataset_type: str
    """Code of CL_DATASET_TYPE that selects this dataflow."""
    name: str
    """Human-readable name."""


class MetadataFieldSpec(_Spec):
    """A field of the dataset metadata (section 8.5), i.e. a metadata attribute of the MSD."""

    id: SdmxId
    """Field ID (the key in metadata files)."""
    name: str
    """Human-readable name."""
    description: str
    """What the field holds."""
    type: str
    """Kind of value (``string``, ``text``, ``date``, ``code``, ``codes``, ``object``…)."""
    reused: str
    """Where the concept comes from (SDG_META, ESMS, DCAT, or new)."""
    required: bool = False
    """Whether a metadata file must give it."""
    codelist: str | None = None
    """``AGENCY:ID`` of the code list of a coded field."""
    fields: tuple[str, ...] = ()
    """Sub-field IDs of an ``object`` field."""
    item: str | None = None
    """Kind of item of a ``list`` field."""


class DsdSpec(_Spec):
    """The data structure definition ``AGENCY:CGD(version)``."""

    agency: AgencyId
    """Maintenance agency."""
    id: SdmxId
    """DSD ID (``CGD``)."""
    version: SemVer
    """Version: the standard's version."""
    name: str
    """Human-readable name."""
    dimensions: tuple[DimensionSpec, ...]
    """Dimensions in key order (without the time dimension)."""
    time_dimension: TimeDimensionSpec
    """The time dimension."""
    measure: MeasureSpec
    """The primary measure."""
    attributes: tuple[AttributeSpec, ...]
    """Attributes."""

    @property
    def urn(self) -> str:
        """The SDMX URN of the DSD."""
        return (
            "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure="
            f"{self.agency}:{self.id}({self.version})"
        )

    @cached_property
    def dimension_ids(self) -> tuple[str, ...]:
        """IDs of the dimensions in key order, without TIME_PERIOD."""
        return tuple(d.id for d in self.dimensions)

    @cached_property
    def attribute_ids(self) -> tuple[str, ...]:
        """IDs of the attributes."""
        return tuple(a.id for a in self.attributes)

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """Every concept that may be a column: dimensions, TIME_PERIOD, OBS_VALUE, attributes."""
        return (
            *self.dimension_ids,
            self.time_dimension.id,
            self.measure.id,
            *self.attribute_ids,
        )

    def dimension(self, concept_id: str) -> DimensionSpec:
        """The dimension with this ID."""
        for dim in self.dimensions:
            if dim.id == concept_id:
                return dim
        raise KeyError(concept_id)

    def attribute(self, concept_id: str) -> AttributeSpec:
        """The attribute with this ID."""
        for attr in self.attributes:
            if attr.id == concept_id:
                return attr
        raise KeyError(concept_id)

    def attributes_at(self, level: AttributeLevel) -> tuple[AttributeSpec, ...]:
        """The attributes attached at ``level``."""
        return tuple(a for a in self.attributes if a.level == level)


class MsdSpec(_Spec):
    """The metadata structure definition ``AGENCY:CGD_MSD(version)`` (section 8.5)."""

    agency: AgencyId
    """Maintenance agency."""
    id: SdmxId
    """MSD ID."""
    version: SemVer
    """Version."""
    name: str
    """Human-readable name."""
    metadataflow: SdmxId
    """ID of the metadataflow."""
    report_structure: SdmxId
    """ID of the SDMX 2.1 report structure."""
    metadata_target: SdmxId
    """ID of the SDMX 2.1 metadata target (the dataset the report is about)."""
    fields: tuple[MetadataFieldSpec, ...]
    """The metadata fields."""
    subfields: dict[str, MetadataFieldSpec]
    """Sub-fields of ``object`` fields, by ID."""

    def field(self, field_id: str) -> MetadataFieldSpec:
        """The field with this ID."""
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)


class Standard(_Spec):
    """The civil-society data standard, for one maintenance agency."""

    id: SdmxId
    """ID of the standard (``CGD``)."""
    name: str
    """Name of the standard."""
    version: SemVer
    """Version of the standard (separate from the package version)."""
    description: str
    """What the standard is for."""
    agency: AgencyId
    """The coalition's maintenance agency (default ``LNOB``)."""
    concept_schemes: tuple[ConceptSchemeSpec, ...]
    """Concept schemes used."""
    codelist_refs: tuple[str, ...]
    """``AGENCY:ID`` of every code list of the standard, in order."""
    dsd: DsdSpec
    """The data structure."""
    msd: MsdSpec
    """The metadata structure."""
    flag_rules: dict[str, FlagRule]
    """Semantics of each quality flag."""
    obs_status_precedence: tuple[str, ...]
    """OBS_STATUS codes from strongest to weakest (first match wins)."""
    dataflows: tuple[DataflowSpec, ...]
    """Dataflows, one per dataset type."""

    @cached_property
    def concepts(self) -> tuple[Concept, ...]:
        """Every concept of the DSD and of the MSD, each once, in structure order."""
        found: dict[str, Concept] = {}
        dsd = self.dsd
        for part in (*dsd.dimensions, dsd.time_dimension, dsd.measure, *dsd.attributes):
            found.setdefault(
                part.id,
                Concept(
                    id=part.id, name=part.name, description=part.description, scheme=part.scheme
                ),
            )
        for field in self.msd.fields:
            found.setdefault(
                field.id,
                Concept(
                    id=field.id,
                    name=field.name,
                    description=field.description,
                    scheme="CGD_META_CONCEPTS",
                ),
            )
        return tuple(found.values())

    def dataflow_for(self, dataset_type: str) -> DataflowSpec:
        """The dataflow of a dataset type (``SURVEY``, ``SCORECARD``, ``DASHBOARD``)."""
        for flow in self.dataflows:
            if flow.dataset_type == dataset_type:
                return flow
        raise KeyError(dataset_type)

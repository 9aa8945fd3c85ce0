"""One observation: the API for one row of a community dataset.

Datasets keep their observations columnar (`sdmx_cso.CommunityDataset`); an
`Observation` is what one row looks like to Python code, with every coded field checked
against its code list. Wire names are concept IDs, the column names of a submission.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from sdmx_cso.model._base import ConceptModel
from sdmx_cso.model.codes import InCodelist
from sdmx_cso.model.flags import QualityFlag
from sdmx_cso.standard import get_standard

__all__ = ["TIME_PERIOD_PATTERN", "Flags", "Observation"]

#: SDMX ObservationalTimePeriod forms accepted for TIME_PERIOD: gregorian year, year-month,
#: date, and the reporting periods ``YYYY-A1``, ``-Sn``, ``-Qn``, ``-Mmm``, ``-Wnn``, ``-Dddd``.
TIME_PERIOD_PATTERN = (
    r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?"
    r"|-A1|-S[12]|-Q[1-4]|-T[1-3]|-M(0[1-9]|1[0-2])|-W(0[1-9]|[1-4][0-9]|5[0-3])"
    r"|-D(00[1-9]|0[1-9][0-9]|[12][0-9]{2}|3[0-5][0-9]|36[0-6]))?$"
)

TimePeriod = Annotated[str, StringConstraints(pattern=TIME_PERIOD_PATTERN)]
DecimalValue = Annotated[Decimal, Field(allow_inf_nan=False)]


def _flags_to_str(flags: tuple[QualityFlag, ...]) -> str | None:
    return " ".join(flag.value for flag in flags) or None


_FLAG_CODES = "|".join(flag.value for flag in QualityFlag)

Flags = Annotated[
    tuple[QualityFlag, ...],
    PlainSerializer(_flags_to_str, return_type=str | None, when_used="always"),
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "string",
                    "pattern": rf"^\s*(({_FLAG_CODES})(\s+|$))*$",
                    "description": "Codes of CL_CGD_FLAG separated by spaces",
                },
                {"type": "array", "items": {"enum": [flag.value for flag in QualityFlag]}},
            ]
        }
    ),
]
"""Quality flags: given as a space-separated string or a list; kept sorted and unique."""


def _describe(schema: dict[str, Any]) -> None:
    """Fill each property's JSON Schema description from the standard's concept."""
    dsd = get_standard().dsd
    concepts = {
        c.id: c for c in (*dsd.dimensions, dsd.time_dimension, dsd.measure, *dsd.attributes)
    }
    for key, prop in schema.get("properties", {}).items():
        concept = concepts.get(key)
        if concept is not None:
            level = getattr(concept, "level", None)
            where = f" ({level} level)" if level else ""
            prop["description"] = f"{concept.name}{where}: {concept.description}"


class Observation(ConceptModel):
    """One observation: its key (20 dimensions + TIME_PERIOD), value and attributes.

    Field descriptions in the JSON Schema come from the standard's concepts.
    """

    model_config = ConfigDict(json_schema_extra=_describe)

    # dimensions 1-15: the SDG DSD
    freq: Annotated[str, InCodelist("SDMX:CL_FREQ")] = "A"
    """FREQ: frequency (default ``A``, annual)."""
    reporting_type: Annotated[str, InCodelist("IAEG-SDGs:CL_REPORTING_TYPE")] = "N"
    """REPORTING_TYPE (default ``N``, national)."""
    series: Annotated[str, InCodelist("CL_SERIES_CGD")]
    """SERIES: an SDG series or a coalition series of the dataset."""
    ref_area: Annotated[str, InCodelist("CL_AREA_CGD")]
    """REF_AREA: a country, ISO 3166-2 subdivision or local area of the dataset."""
    sex: Annotated[str, InCodelist("IAEG-SDGs:CL_SEX")] = "_T"
    """SEX."""
    age: Annotated[str, InCodelist("IAEG-SDGs:CL_AGE")] = "_T"
    """AGE."""
    urbanisation: Annotated[str, InCodelist("IAEG-SDGs:CL_URBANISATION")] = "_T"
    """URBANISATION."""
    income_wealth_quantile: Annotated[str, InCodelist("IAEG-SDGs:CL_QUANTILE")] = "_T"
    """INCOME_WEALTH_QUANTILE."""
    education_lev: Annotated[str, InCodelist("IAEG-SDGs:CL_EDUCATION_LEV")] = "_T"
    """EDUCATION_LEV."""
    occupation: Annotated[str, InCodelist("IAEG-SDGs:CL_OCCUPATION")] = "_T"
    """OCCUPATION."""
    cust_breakdown: Annotated[str, InCodelist("IAEG-SDGs:CL_CUST_BREAKDOWN")] = "_T"
    """CUST_BREAKDOWN."""
    composite_breakdown: Annotated[str, InCodelist("IAEG-SDGs:CL_COMP_BREAKDOWN")] = "_T"
    """COMPOSITE_BREAKDOWN."""
    disability_status: Annotated[str, InCodelist("IAEG-SDGs:CL_DISABILITY")] = "_T"
    """DISABILITY_STATUS."""
    activity: Annotated[str, InCodelist("IAEG-SDGs:CL_ACTIVITY")] = "_T"
    """ACTIVITY."""
    product: Annotated[str, InCodelist("IAEG-SDGs:CL_PRODUCT")] = "_T"
    """PRODUCT."""
    # dimensions 16-20: the coalition's
    pop_group: Annotated[str, InCodelist("CL_POP_GROUP")] = "_T"
    """POP_GROUP: population group."""
    disability_type: Annotated[str, InCodelist("CL_DISABILITY_TYPE")] = "_T"
    """DISABILITY_TYPE: Washington Group domain."""
    service: Annotated[str, InCodelist("CL_SERVICE")] = "_T"
    """SERVICE: the public service concerned."""
    respondent_type: Annotated[str, InCodelist("CL_RESPONDENT_TYPE")] = "_T"
    """RESPONDENT_TYPE: who scored or answered."""
    service_point: Annotated[str, InCodelist("SERVICE_POINT")] = "_T"
    """SERVICE_POINT: a facility declared by the dataset, or ``_T`` / ``_Z``."""
    time_period: TimePeriod
    """TIME_PERIOD (SDMX ObservationalTimePeriod, e.g. ``2023``, ``2023-Q2``, ``2023-05``)."""
    # measure
    obs_value: DecimalValue | None = None
    """OBS_VALUE, with its exact decimal text (``12.50`` stays ``12.50``); empty when withheld."""
    # attributes
    obs_status: Annotated[str, InCodelist("SDMX:CL_OBS_STATUS")] | None = None
    """OBS_STATUS (derived from the flags when absent)."""
    unit_mult: Annotated[str, InCodelist("SDMX:CL_UNIT_MULT")] | None = None
    """UNIT_MULT."""
    unit_measure: Annotated[str, InCodelist("IAEG-SDGs:CL_UNIT_MEASURE")] | None = None
    """UNIT_MEASURE (series level)."""
    nature: Annotated[str, InCodelist("IAEG-SDGs:CL_NATURE")] | None = None
    """NATURE."""
    base_per: str | None = None
    """BASE_PER."""
    time_detail: str | None = None
    """TIME_DETAIL."""
    time_coverage: str | None = None
    """TIME_COVERAGE."""
    comment_obs: str | None = None
    """COMMENT_OBS."""
    upper_bound: DecimalValue | None = None
    """UPPER_BOUND."""
    lower_bound: DecimalValue | None = None
    """LOWER_BOUND."""
    source_detail: str | None = None
    """SOURCE_DETAIL."""
    comment_ts: str | None = None
    """COMMENT_TS (series level)."""
    geo_info_url: str | None = None
    """GEO_INFO_URL (series level)."""
    geo_info_type: Annotated[str, InCodelist("IAEG-SDGs:CL_GEO_INFO_TYPE")] | None = None
    """GEO_INFO_TYPE (series level)."""
    cust_breakdown_lb: str | None = None
    """CUST_BREAKDOWN_LB (series level)."""
    data_last_update: dt.date | None = None
    """DATA_LAST_UPDATE (series level)."""
    conf_status: Annotated[str, InCodelist("SDMX:CL_CONF_STATUS")] | None = None
    """CONF_STATUS."""
    decimals: Annotated[str, InCodelist("SDMX:CL_DECIMALS")] | None = None
    """DECIMALS (series level)."""
    embargo_time: str | None = None
    """EMBARGO_TIME (dataset level)."""
    sample_size: int | None = Field(default=None, ge=0)
    """SAMPLE_SIZE: unweighted respondents or units behind the value."""
    numerator: int | None = Field(default=None, ge=0)
    """NUMERATOR: unweighted count with the characteristic."""
    sampling_method: Annotated[str, InCodelist("CL_SAMPLING_METHOD")] | None = None
    """SAMPLING_METHOD (series level)."""
    representativeness: Annotated[str, InCodelist("CL_REPRESENTATIVENESS")] | None = None
    """REPRESENTATIVENESS (series level)."""
    response_mode: Annotated[str, InCodelist("CL_RESPONSE_MODE")] | None = None
    """RESPONSE_MODE (series level)."""
    group_id_method: Annotated[str, InCodelist("CL_GROUP_ID_METHOD")] | None = None
    """GROUP_ID_METHOD (series level)."""
    validation_status: Annotated[str, InCodelist("CL_VALIDATION_STATUS")] | None = None
    """VALIDATION_STATUS."""
    reliability: Annotated[str, InCodelist("CL_RELIABILITY")] | None = None
    """RELIABILITY (derived from SAMPLE_SIZE when absent)."""
    quality_flags: Flags = ()
    """QUALITY_FLAGS: codes of CL_CGD_FLAG, space-separated on the wire."""
    scale_min: DecimalValue | None = None
    """SCALE_MIN (series level)."""
    scale_max: DecimalValue | None = None
    """SCALE_MAX (series level)."""
    scale_labels: str | None = None
    """SCALE_LABELS (series level)."""
    pop_group_lb: str | None = None
    """POP_GROUP_LB (series level)."""
    data_producer: Annotated[str, InCodelist("DATA_PROVIDERS")] | None = None
    """DATA_PRODUCER: a data provider declared by the dataset (series level)."""

    @field_validator("quality_flags", mode="before")
    @classmethod
    def _split_flags(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.split()
        return value

    @field_validator("quality_flags", mode="after")
    @classmethod
    def _sort_flags(cls, value: tuple[QualityFlag, ...]) -> tuple[QualityFlag, ...]:
        order = list(QualityFlag)
        return tuple(sorted(set(value), key=order.index))

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @model_validator(mode="after")
    def _bounds(self) -> Observation:
        if (
            self.lower_bound is not None
            and self.upper_bound is not None
            and self.lower_bound > self.upper_bound
        ):
            raise ValueError("LOWER_BOUND is above UPPER_BOUND")
        return self

    @property
    def series_key(self) -> tuple[str, ...]:
        """The values of the 20 dimensions, in key order."""
        return tuple(str(getattr(self, name)) for name in _DIMENSION_FIELDS)


_DIMENSION_FIELDS = tuple(Observation.model_fields)[:20]

"""Configuration of the derivation rules: thresholds are settings, not literals."""

from __future__ import annotations

from pydantic import Field, model_validator

from sdmx_cso.model._base import CsoModel

__all__ = ["DerivationConfig"]


class DerivationConfig(CsoModel):
    """Thresholds of the derivation rules (standard.md §8.4, §8.6).

    The defaults follow the DHS convention for reliability (50 and 25 unweighted cases) and
    the standard's defaults for disclosure control and response rates.
    """

    reliable_min: int = Field(default=50, ge=1)
    """Smallest SAMPLE_SIZE that is ``RELIABLE``."""
    caution_min: int = Field(default=25, ge=1)
    """Smallest SAMPLE_SIZE that is ``CAUTION``; below it, ``UNRELIABLE``."""
    primary_threshold: int = Field(default=5, ge=2)
    """Cells resting on a count 1 ≤ n < this (NUMERATOR, or SAMPLE_SIZE of a count) are
    primary-suppressed; the dataset's DISCLOSURE_CONTROL may only raise it."""
    sensitive_threshold: int = Field(default=10, ge=2)
    """The primary threshold for sensitive population groups (never below the primary one)."""
    protection_level: int | None = Field(default=None, ge=1)
    """Narrowest interval the disclosure audit may prove for a withheld count (default: the
    cell's threshold)."""
    withhold_unreliable: bool = False
    """Withhold values resting on a VERY_SMALL_SAMPLE (OBS_STATUS ``L``) rather than publish
    them with ``U``."""
    sensitive_area_level: str | None = "local"
    """Below which area sensitive population groups are not published (``GEO_COARSENED``):
    ``local`` (default) withholds them in every local area of the dataset (LOCAL_AREAS:
    wards, settlements, below the ISO 3166-2 subdivisions); a LEVEL (e.g. ``ward``) only
    in local areas of that level; ``None`` allows small-area release."""
    low_response_rate: float = Field(default=50.0, ge=0, le=100)
    """A RESPONSE_RATE (per cent) below this sets ``LOW_RESPONSE``."""
    estimate_for_population: bool = False
    """Whether values are presented as estimates for a population (``NON_PROBABILITY`` → ``E``)."""
    nso_publishes: bool = False
    """Whether the statistics office publishes the data it endorsed as official: NATURE ``C``
    for rows with VALIDATION_STATUS ``NSO_ENDORSED`` (otherwise NATURE is ``_X``)."""

    accept_personal_data: frozenset[str] = frozenset()
    """Personal-data findings the submitter has checked and accepts: ``ROW:COLUMN`` (e.g.
    ``12:COMMENT_OBS``) in the data, the field path (``DATA_COMP``) in the metadata. They
    are reported as warnings instead of errors."""

    @model_validator(mode="after")
    def _ordered(self) -> DerivationConfig:
        if self.caution_min > self.reliable_min:
            raise ValueError("caution_min must not exceed reliable_min")
        return self

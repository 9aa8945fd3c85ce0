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
    primary_threshold: int = Field(default=5, ge=1)
    """Cells with 1 ≤ NUMERATOR < this are primary-suppressed."""
    sensitive_threshold: int = Field(default=10, ge=1)
    """The primary threshold for sensitive population groups."""
    low_response_rate: float = Field(default=50.0, ge=0, le=100)
    """A RESPONSE_RATE (per cent) below this sets ``LOW_RESPONSE``."""
    estimate_for_population: bool = False
    """Whether values are presented as estimates for a population (``NON_PROBABILITY`` → ``E``)."""
    nso_publishes: bool = False
    """Whether the statistics office publishes the data it endorsed as official: NATURE ``C``
    for rows with VALIDATION_STATUS ``NSO_ENDORSED`` (otherwise NATURE is ``_X``)."""

    @model_validator(mode="after")
    def _ordered(self) -> DerivationConfig:
        if self.caution_min > self.reliable_min:
            raise ValueError("caution_min must not exceed reliable_min")
        return self

"""Proportions and their Wilson score intervals, with weights and a design effect.

Pure arithmetic, no file formats: the survey importer feeds it counts it has tallied.

The Wilson interval of a proportion ``p`` from ``n`` units at confidence ``1 - alpha`` is

    centre = (p + z²/2n) / (1 + z²/n)
    half   = z / (1 + z²/n) · sqrt(p(1 - p)/n + z²/4n²)

with ``z`` the ``1 - alpha/2`` quantile of the standard normal distribution (Wilson 1927;
the formula statsmodels' ``proportion_confint(method="wilson")`` implements). With weights,
``p`` is the weighted proportion and ``n`` Kish's effective sample size ``(Σw)² / Σw²``; a
design effect ``deff`` divides ``n`` further (``n / deff``), as the DHS and MICS do for
clustered samples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

__all__ = ["Tally", "wilson_interval"]


def wilson_interval(p: float, n: float, *, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of proportion ``p`` from an (effective) sample of ``n``.

    Examples:
        >>> [round(b, 4) for b in wilson_interval(0.5, 100)]
        [0.4038, 0.5962]
    """
    if n <= 0:
        raise ValueError("the sample size must be positive")
    if not 0.0 <= p <= 1.0:
        raise ValueError("a proportion lies between 0 and 1")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Tally:
    """Counts behind one proportion: unweighted and weighted.

    Attributes:
        sample: units in the denominator (unweighted: SAMPLE_SIZE).
        hits: units in the numerator (unweighted: NUMERATOR).
        weight: sum of the weights of the denominator.
        weight_squares: sum of the squared weights of the denominator.
        weight_hits: sum of the weights of the numerator.
    """

    sample: int = 0
    hits: int = 0
    weight: float = 0.0
    weight_squares: float = 0.0
    weight_hits: float = 0.0

    def add(self, hit: bool, weight: float = 1.0) -> None:
        """Count one unit of the denominator (and of the numerator when ``hit``)."""
        self.sample += 1
        self.weight += weight
        self.weight_squares += weight * weight
        if hit:
            self.hits += 1
            self.weight_hits += weight

    @property
    def proportion(self) -> float:
        """The (weighted) proportion; with unit weights, ``hits / sample``."""
        return self.weight_hits / self.weight if self.weight > 0 else 0.0

    def effective_size(self, design_effect: float = 1.0) -> float:
        """Kish's effective sample size ``(Σw)² / Σw²``, divided by the design effect."""
        if self.weight_squares <= 0:
            return 0.0
        return self.weight * self.weight / self.weight_squares / design_effect

    def interval(
        self, *, confidence: float = 0.95, design_effect: float = 1.0
    ) -> tuple[float, float]:
        """The Wilson interval of the proportion (see `wilson_interval`)."""
        return wilson_interval(
            self.proportion, self.effective_size(design_effect), confidence=confidence
        )

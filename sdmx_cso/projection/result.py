"""The result of a projection: projected rows, refused rows with their reasons, counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from sdmx_cso.projection.target import TargetStructure

__all__ = ["REASONS", "CustomBreakdown", "Projection", "Refusal"]

#: Why an observation is not projected (the ``REASON`` column of ``<stem>.refused.csv``).
REASONS: Mapping[str, str] = {
    "suppressed": "withheld by disclosure control (CONF_STATUS not F, OBS_STATUS Q or a "
    "SUPPRESSED_* flag): its value is never emitted",
    "no-value": "the observation has no value (withheld or missing in the submission)",
    "coalition-series": "a coalition CGD_* series: the target takes only its own series",
    "sub-national-area": "a sub-national area the target cannot hold, and no crosswalk "
    "entry maps it; percentages are not aggregated to the country",
    "coalition-dimension": "a coalition dimension (DISABILITY_TYPE, SERVICE, RESPONDENT_TYPE, "
    "SERVICE_POINT) that is not a total has no counterpart in the target",
    "pop-group": "a population group that cannot be expressed in the target's breakdowns",
    "outside-codelist": "a value outside the target's code list",
    "outside-content-constraint": "a dimension value or unit the target's content "
    "constraints do not admit for this series",
    "missing-attribute": "a mandatory attribute of the target has no value",
    "not-annual": "Open SDG reads annual data only (Year)",
    "no-indicator": "the series is linked to no SDG indicator, so it has no Open SDG file",
    "duplicate-key": "another observation already projected onto the same key",
}


@dataclass(frozen=True, slots=True)
class Refusal:
    """An observation that could not be projected.

    ``row`` is the spreadsheet row of the submission (header = 1) when the projection
    read the submission itself, else the observation's position in the dataset's key
    order plus one (as in a CSV of the dataset with its header).
    """

    row: int
    reason: str
    """One of `REASONS`."""
    detail: str
    """What exactly was refused, in words."""
    key: Mapping[str, str]
    """The observation's key in the coalition's DSD (dimensions and TIME_PERIOD)."""


@dataclass(frozen=True, slots=True)
class CustomBreakdown:
    """A population group expressed as a CUST_BREAKDOWN code in this export."""

    pop_group: str
    code: str
    label: str


@dataclass(frozen=True)
class Projection:
    """Observations projected onto a target DSD, and those refused.

    Every input observation is either in ``rows`` or in ``refused`` (never both, never
    neither): ``len(rows) + len(refused) == observations``.
    """

    target: TargetStructure
    rows: tuple[Mapping[str, str], ...]
    """Projected observations: target component ID → value (empty values left out)."""
    refused: tuple[Refusal, ...]
    observations: int
    """How many observations the dataset had."""
    custom_breakdowns: tuple[CustomBreakdown, ...] = ()
    """The POP_GROUP → CUST_BREAKDOWN mapping table of this export."""
    dataset_id: str = ""
    source_rows: tuple[int, ...] = field(default=())
    """The submission row of each projected row (same order as ``rows``)."""
    source_keys: tuple[Mapping[str, str], ...] = field(default=())
    """The coalition key of each projected row (same order as ``rows``)."""
    indicators: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Target series → the SDG indicators it informs (for Open SDG files)."""

    def refused_by_reason(self) -> dict[str, int]:
        """How many observations were refused for each reason."""
        return dict(sorted(Counter(r.reason for r in self.refused).items()))

    def summary(self) -> str:
        """One line per count, for a terminal."""
        lines = [
            f"{self.observations} observations: {len(self.rows)} projected onto "
            f"{self.target.ref}, {len(self.refused)} refused"
        ]
        lines += [f"  refused, {reason}: {n}" for reason, n in self.refused_by_reason().items()]
        return "\n".join(lines)

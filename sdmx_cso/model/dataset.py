"""A community dataset: metadata plus columnar observations."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pyarrow as pa
from pydantic import ConfigDict, Field, field_serializer, field_validator, model_validator

from sdmx_cso.model._base import CsoModel
from sdmx_cso.model.columns import (
    check_cells,
    normalize_table,
    rows_to_table,
    sort_observations,
)
from sdmx_cso.model.config import DerivationConfig
from sdmx_cso.model.derive_table import derive_table
from sdmx_cso.model.metadata import DatasetMetadata
from sdmx_cso.model.observation import Observation

__all__ = ["CommunityDataset"]

#: How many cell problems a ValueError from the model lists before "and N more".
_SHOW = 5


class CommunityDataset(CsoModel):
    """A coalition's dataset: its metadata and its observations.

    Observations are stored columnar, as a `pyarrow.Table` with one column per concept
    of the DSD (see `sdmx_cso.model.columns.canonical_schema`), so that a million rows
    fit in memory and checks run vectorised. `observations_iter` yields them as
    `Observation` models, one row at a time. In JSON, observations are a list of
    objects keyed by concept ID, with empty values left out.

    Building a dataset checks every cell against the standard (codes, numbers, time periods)
    and raises pydantic's ``ValidationError`` on the first problems; to get *every* problem of
    a submission, located by row and column, use `sdmx_cso.validate`.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    metadata: DatasetMetadata
    """The dataset metadata (standard.md §8.5)."""
    observations: pa.Table = Field(json_schema_extra={"type": "array", "items": {"type": "object"}})
    """The observations, one row per observation, one column per concept, in key order."""

    @field_validator("observations", mode="before")
    @classmethod
    def _to_table(cls, value: Any) -> pa.Table:
        if isinstance(value, pa.Table):
            return value
        if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
            rows = [
                v.model_dump(by_alias=True, exclude_none=True, mode="json")
                if isinstance(v, Observation)
                else v
                for v in value
            ]
            return rows_to_table(rows)
        raise ValueError("observations must be a pyarrow.Table or a list of rows")

    @model_validator(mode="after")
    def _check(self) -> CommunityDataset:
        problems = list(check_cells(self.observations, extensions=self.metadata.extensions))
        if problems:
            lines = [f"row {p.row}, {p.column}: {p.message}" for p in problems[:_SHOW]]
            if len(problems) > _SHOW:
                lines.append(f"and {len(problems) - _SHOW} more")
            raise ValueError("invalid observations: " + "; ".join(lines))
        table = sort_observations(normalize_table(self.observations))
        object.__setattr__(self, "observations", table)
        return self

    @field_serializer("observations", when_used="json")
    def _rows(self, table: pa.Table) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in row.items() if v is not None}
            for batch in table.to_batches()
            for row in batch.to_pylist()
        ]

    def __len__(self) -> int:
        return int(self.observations.num_rows)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CommunityDataset):
            return NotImplemented
        return self.metadata == other.metadata and self.observations.equals(other.observations)

    __hash__ = None  # type: ignore[assignment]

    def observations_iter(self) -> Iterator[Observation]:
        """The observations as `Observation` models, one row at a time."""
        context = {"extensions": self.metadata.extensions}
        for batch in self.observations.to_batches():
            for row in batch.to_pylist():
                yield Observation.model_validate(
                    {k: v for k, v in row.items() if v is not None}, context=context
                )

    def derived(self, config: DerivationConfig | None = None) -> CommunityDataset:
        """A copy with every derivable attribute filled in.

        RELIABILITY, QUALITY_FLAGS, OBS_STATUS, CONF_STATUS, COMMENT_OBS caveats,
        SOURCE_DETAIL, and the series attributes of coalition series.
        """
        table = derive_table(self.observations, self.metadata, config)
        return self.model_copy(update={"observations": table})

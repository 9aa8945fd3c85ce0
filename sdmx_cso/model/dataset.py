"""A community dataset: metadata plus columnar observations."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

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
from sdmx_cso.model.frames import is_frame, text_table, to_pandas
from sdmx_cso.model.metadata import DatasetMetadata
from sdmx_cso.model.observation import Observation

if TYPE_CHECKING:
    import pandas as pd

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
        if is_frame(value):
            table = text_table(value)
            return table.rename_columns([n.strip().upper() for n in table.column_names])
        if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
            rows = [
                v.model_dump(by_alias=True, exclude_none=True, mode="json")
                if isinstance(v, Observation)
                else v
                for v in value
            ]
            return rows_to_table(rows)
        raise ValueError(
            "observations must be a pyarrow.Table, a pandas.DataFrame or a list of rows"
        )

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

    @classmethod
    def from_pandas(
        cls, frame: pd.DataFrame, metadata: DatasetMetadata | Mapping[str, Any]
    ) -> CommunityDataset:
        """A dataset from a `pandas.DataFrame` of observations and its metadata.

        Columns are concept IDs (case and surrounding spaces ignored, as in a submission's
        header); values are taken as text as typed (``12.5`` stays ``12.5``; a blank, ``NaN``
        or ``pd.NA`` is an empty cell; ``120.0`` in ``SAMPLE_SIZE`` is ``120``). The cells are
        checked as in the constructor; to get every problem located by row and column, pass
        the frame to `sdmx_cso.validate` instead, and `sdmx_cso.load` derives the
        attributes the standard derives.

        Raises:
            pydantic.ValidationError: a cell or a metadata field breaks the standard.

        Examples:
            >>> import pandas as pd
            >>> from sdmx_cso import CommunityDataset, load
            >>> from sdmx_cso.examples import example_path
            >>> known = load(example_path("kenya-disability-survey"))
            >>> frame = known.to_pandas()
            >>> again = CommunityDataset.from_pandas(frame, known.metadata)
            >>> len(again) == len(known)
            True
        """
        md = (
            metadata
            if isinstance(metadata, DatasetMetadata)
            else DatasetMetadata.model_validate(metadata)
        )
        return cls(metadata=md, observations=frame)

    def to_pandas(self, *, labels: bool = False, all_columns: bool = False) -> pd.DataFrame:
        """The observations as a `pandas.DataFrame`, one row per observation.

        Only the columns that hold a value in some row (``all_columns=True`` keeps all 55),
        numbers typed: ``OBS_VALUE`` and its bounds as ``float64``, ``SAMPLE_SIZE`` and
        ``NUMERATOR`` as ``Int64``, ``DECIMALS`` and ``UNIT_MULT`` as ``Int64``; the other
        columns as the ``string`` dtype. With ``labels=True`` codes become their English
        names from the standard's code lists (the dataset's own series, areas and service
        points keep their codes).

        Examples:
            >>> from sdmx_cso import load
            >>> from sdmx_cso.examples import example_path
            >>> frame = load(example_path("kenya-disability-survey")).to_pandas()
            >>> str(frame["OBS_VALUE"].dtype), str(frame["SAMPLE_SIZE"].dtype)
            ('float64', 'Int64')
        """
        return to_pandas(self.observations, labels=labels, all_columns=all_columns)

    def derived(self, config: DerivationConfig | None = None) -> CommunityDataset:
        """A copy with every derivable attribute filled in.

        RELIABILITY, QUALITY_FLAGS, OBS_STATUS, CONF_STATUS, COMMENT_OBS caveats,
        SOURCE_DETAIL, and the series attributes of coalition series.
        """
        table = derive_table(self.observations, self.metadata, config)
        return self.model_copy(update={"observations": table})

"""Observations grouped by series, in key order, for writers that nest observations.

Series-level attributes are taken from the first observation of each series (validation
guarantees they agree within a series); dataset-level attributes from the first row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.errors import SdmxExportError
from sdmx_cso.model import CommunityDataset
from sdmx_cso.standard import DsdSpec

__all__ = ["Batches", "DatasetValues", "Layout", "Series", "iter_rows", "iter_series", "layout"]

#: Rows turned into Python objects at a time (8–16k keeps the peak low; see the
#: column-engine benchmark).
BATCH_ROWS = 8192


@dataclass(frozen=True)
class Layout:
    """Which columns are what, for one DSD."""

    dimensions: tuple[str, ...]
    time: str
    measure: str
    dataset_attributes: tuple[str, ...]
    series_attributes: tuple[str, ...]
    observation_attributes: tuple[str, ...]


def layout(dsd: DsdSpec) -> Layout:
    """The column roles of ``dsd``."""
    return Layout(
        dimensions=dsd.dimension_ids,
        time=dsd.time_dimension.id,
        measure=dsd.measure.id,
        dataset_attributes=tuple(a.id for a in dsd.attributes_at("dataset")),
        series_attributes=tuple(a.id for a in dsd.attributes_at("series")),
        observation_attributes=tuple(a.id for a in dsd.attributes_at("observation")),
    )


@dataclass(frozen=True)
class Batches:
    """A dataset's observations in key order, a table at a time, for the streaming writers.

    What a writer must know before the first observation comes with them: the values of the
    dataset-level attributes (written on the data set element). The batch pipeline
    (`sdmx_cso.io.spill`) hands its sorted partitions over so, without ever holding the
    whole dataset; `Batches.of` wraps a whole table.

    Attributes:
        tables: the observations, canonical schema, in key order; consecutive tables may
            continue the same series. Iterated once.
        dataset_values: dataset-level attribute → its value (absent when no row gives one).
        whole: the whole table, when there is one (writers that need every row at once,
            SDMX-JSON, use it rather than gathering the tables).
    """

    tables: Iterable[pa.Table]
    dataset_values: dict[str, str] = field(default_factory=dict)
    whole: pa.Table | None = None

    @classmethod
    def of(cls, table: pa.Table, dataset_values: dict[str, str]) -> Batches:
        """The observations of one whole table."""
        return cls(tables=(table,), dataset_values=dataset_values, whole=table)

    def gathered(self) -> pa.Table:
        """All the observations as one table (for writers that cannot stream)."""
        if self.whole is not None:
            return self.whole
        return pa.concat_tables(list(self.tables))


class DatasetValues:
    """The values of the dataset-level attributes, gathered over batches of observations.

    Raises:
        SdmxExportError: from `add`, when rows disagree on a dataset-level attribute.
    """

    def __init__(self, names: tuple[str, ...]) -> None:
        self._seen: dict[str, list[str]] = {name: [] for name in names}

    def add(self, table: pa.Table) -> None:
        """Take in the values of one table."""
        for name, seen in self._seen.items():
            if name not in table.column_names:
                continue
            for value in pc.unique(table.column(name)).to_pylist():
                if value not in (None, "") and str(value) not in seen:
                    seen.append(str(value))
            if len(seen) > 1:
                shown = ", ".join(repr(v) for v in seen[:3])
                raise SdmxExportError(
                    f"{name} is attached to the whole dataset, but rows give different "
                    f"values: {shown}"
                )

    def values(self) -> dict[str, str]:
        """Each dataset-level attribute that some row gives, with its value."""
        return {name: seen[0] for name, seen in self._seen.items() if seen}


@dataclass(frozen=True)
class Series:
    """One series: its key, its attributes, and its observations (time, value, attributes)."""

    key: dict[str, str]
    attributes: dict[str, Any]
    observations: list[dict[str, Any]]


def _sorted(table: pa.Table, lay: Layout) -> pa.Table:
    keys = [(name, "ascending") for name in (*lay.dimensions, lay.time)]
    return table.take(pc.sort_indices(table, sort_keys=keys))


def iter_rows(table: pa.Table, *, batch_rows: int = BATCH_ROWS) -> Iterator[dict[str, Any]]:
    """Rows as dicts, a batch at a time (null values included as ``None``)."""
    for batch in table.to_batches(max_chunksize=batch_rows):
        names = batch.schema.names
        columns = [col.to_pylist() for col in batch.columns]
        for values in zip(*columns, strict=True):
            yield dict(zip(names, values, strict=True))


def iter_series(
    dataset: CommunityDataset, dsd: DsdSpec, *, batch_rows: int = BATCH_ROWS
) -> Iterator[Series]:
    """The dataset's series in key order, each with its observations in time order."""
    lay = layout(dsd)
    current: Series | None = None
    current_key: tuple[str, ...] | None = None
    obs_columns = (lay.time, lay.measure, *lay.observation_attributes)
    for row in iter_rows(_sorted(dataset.observations, lay), batch_rows=batch_rows):
        key = tuple(row[d] for d in lay.dimensions)
        if key != current_key:
            if current is not None:
                yield current
            current_key = key
            current = Series(
                key=dict(zip(lay.dimensions, key, strict=True)),
                attributes={a: row[a] for a in lay.series_attributes},
                observations=[],
            )
        assert current is not None
        current.observations.append({c: row[c] for c in obs_columns})
    if current is not None:
        yield current

"""The streaming SDMX-JSON 2.0 writer: the same bytes however the observations come.

`data_json20.write` reads the observations twice (a survey for the header, then the series):
from a whole table, from tables that can be iterated again, or from tables that come once
(the pipeline's external sort), copied to a temporary file on the first pass.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest
from factories import metadata_dict, row
from hypothesis import given
from hypothesis import strategies as st
from strategies import datasets

from sdmx_cso import CommunityDataset, DatasetMetadata
from sdmx_cso.errors import SdmxExportError
from sdmx_cso.formats import data_json20
from sdmx_cso.formats.series import Batches
from sdmx_cso.model.columns import sort_observations
from sdmx_cso.model.structure import structure_for
from sdmx_cso.standard import get_standard

DSD = get_standard().dsd
KEY = [*DSD.dimension_ids, DSD.time_dimension.id]


def _build(meta: dict[str, Any], rows: list[dict[str, Any]]) -> CommunityDataset:
    dataset = CommunityDataset(
        metadata=DatasetMetadata.model_validate(meta), observations=rows
    ).derived()
    table = dataset.observations
    seen: set[tuple[Any, ...]] = set()
    keep = []
    for number, key in enumerate(zip(*(table.column(k).to_pylist() for k in KEY), strict=True)):
        if key not in seen:
            seen.add(key)
            keep.append(number)
    return CommunityDataset.model_construct(
        metadata=dataset.metadata, observations=table.take(keep)
    )


def _write(dataset: CommunityDataset, batches: Batches | None = None) -> bytes:
    out = io.BytesIO()
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    try:
        data_json20.write(dataset, out, structure=structure_for(dataset.metadata), batches=batches)
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    return out.getvalue()


def _pieces(table: pa.Table, size: int) -> list[pa.Table]:
    table = sort_observations(table)
    return [table.slice(start, size) for start in range(0, table.num_rows, size)]


def _once(tables: list[pa.Table]) -> Iterator[pa.Table]:
    yield from tables


@given(datasets(), st.integers(1, 5))
def test_streamed_batches_give_the_same_bytes(
    generated: tuple[dict[str, Any], list[dict[str, Any]]], size: int
) -> None:
    dataset = _build(*generated)
    whole = _write(dataset)
    pieces = _pieces(dataset.observations, size)
    assert _write(dataset, Batches(tables=_once(pieces))) == whole  # once: via a temporary file
    assert _write(dataset, Batches(tables=pieces)) == whole  # iterated twice
    chunked = pa.concat_tables(pieces)  # one table of many chunks
    assert _write(dataset, Batches(tables=_once([chunked]))) == whole
    json.loads(whole)


def _dataset(rows: list[dict[str, Any]]) -> CommunityDataset:
    return CommunityDataset(
        metadata=DatasetMetadata.model_validate(metadata_dict()),
        observations=[row(**r) for r in rows],
    ).derived()


def test_a_key_repeated_across_two_batches_is_refused_before_writing() -> None:
    dataset = _dataset([{}])
    table = dataset.observations
    twice = Batches(tables=_once([table, table]))
    with pytest.raises(SdmxExportError, match="1 series key"):
        data_json20.write(
            dataset, io.BytesIO(), structure=structure_for(dataset.metadata), batches=twice
        )


def test_a_series_attribute_that_changes_across_batches_sits_at_observation_level() -> None:
    rows = [
        {"REF_AREA": "KE-01", "TIME_PERIOD": "2022", "COMMENT_TS": "a"},
        {"REF_AREA": "KE-01", "TIME_PERIOD": "2023", "COMMENT_TS": "b"},
        {"REF_AREA": "KE-02", "TIME_PERIOD": "2023", "COMMENT_TS": "b"},
    ]
    dataset = _dataset(rows)
    assert "COMMENT_TS" in {a.id for a in DSD.attributes_at("series")}
    streamed = _write(dataset, Batches(tables=_once(_pieces(dataset.observations, 1))))
    assert streamed == _write(dataset)
    attributes = json.loads(streamed)["data"]["structures"][0]["attributes"]
    assert "COMMENT_TS" in [a["id"] for a in attributes["observation"]]
    agreeing = _dataset([{**r, "COMMENT_TS": "same"} for r in rows[:2]] + rows[2:])
    attributes = json.loads(_write(agreeing, Batches(tables=_once(_pieces(
        agreeing.observations, 1)))))["data"]["structures"][0]["attributes"]  # fmt: skip
    assert "COMMENT_TS" in [a["id"] for a in attributes["series"]]


def test_no_observations_give_a_message_with_no_series() -> None:
    dataset = _dataset([{}])
    empty = CommunityDataset.model_construct(
        metadata=dataset.metadata, observations=dataset.observations.slice(0, 0)
    )
    doc = json.loads(_write(empty, Batches(tables=_once([]))))
    assert doc["data"]["dataSets"][0]["series"] == {}
    assert doc["data"]["dataSets"][0]["attributes"] == []

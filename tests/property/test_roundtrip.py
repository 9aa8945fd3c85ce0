"""Model → JSON → model is lossless, for generated metadata and datasets."""

from __future__ import annotations

from hypothesis import given
from strategies import datasets, metadata

from sdmx_cso import CommunityDataset, DatasetMetadata


@given(metadata())
def test_metadata_json_round_trip(data):
    md = DatasetMetadata.model_validate(data)
    assert DatasetMetadata.model_validate_json(md.model_dump_json()) == md


@given(datasets())
def test_dataset_json_round_trip(generated):
    meta, rows = generated
    ds = CommunityDataset(metadata=DatasetMetadata.model_validate(meta), observations=rows)
    back = CommunityDataset.model_validate_json(ds.model_dump_json())
    assert back == ds
    # exact decimal text survives (observations are kept in key order, so compare as multisets)
    values = back.observations.column("OBS_VALUE").to_pylist()
    assert sorted(values, key=str) == sorted((r.get("OBS_VALUE") for r in rows), key=str)


@given(datasets())
def test_derived_dataset_json_round_trip(generated):
    meta, rows = generated
    ds = CommunityDataset(
        metadata=DatasetMetadata.model_validate(meta), observations=rows
    ).derived()
    assert CommunityDataset.model_validate_json(ds.model_dump_json()) == ds
    assert all(ds.observations.column("OBS_STATUS").to_pylist())


@given(datasets())
def test_observations_iter_round_trip(generated):
    meta, rows = generated
    ds = CommunityDataset(metadata=DatasetMetadata.model_validate(meta), observations=rows)
    again = CommunityDataset(metadata=ds.metadata, observations=list(ds.observations_iter()))
    assert again == ds

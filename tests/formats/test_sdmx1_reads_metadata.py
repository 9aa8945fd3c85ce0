"""sdmx1 (a third-party reader) reads the SDMX-ML 2.1 generic metadata we write.

sdmx1 2.28 reads generic metadata without the MSD, but not every kind of metadata target:
a ``gen:ObjectReference`` to a *maintainable* object (our dataflow) fails with
``AttributeError: 'DataflowDefinition' object has no attribute 'parent'``
(``sdmx/reader/xml/v21.py``, ``_rv``: it assumes the object is an item of a scheme).

The reference is valid SDMX 2.1 and is what the report is about (the dataflow whose dataset
it describes), so the whole message is an expected failure, and the reported attributes are
checked on a copy whose target keeps no reference value.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from sdmx_cso.formats import metadata_ml21
from sdmx_cso.io.metadata_file import read_metadata
from sdmx_cso.model.metadata import DatasetMetadata
from sdmx_cso.model.structure import structure_for

sdmx = pytest.importorskip("sdmx")


def _message(example_dir: Path) -> tuple[DatasetMetadata, bytes]:
    path = example_dir / "metadata.yaml"
    md = DatasetMetadata.model_validate(read_metadata(path.read_bytes(), path=str(path)))
    out = io.BytesIO()
    metadata_ml21.write(md, out, structure=structure_for(md))
    return md, out.getvalue()


def _without_target_references(data: bytes) -> bytes:
    root = etree.fromstring(data)
    for value in root.iter(f"{{{metadata_ml21.GEN}}}ReferenceValue"):
        value.getparent().remove(value)
    return etree.tostring(root)


def _flatten(attributes: list[Any], path: str = "") -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for attr in attributes:
        here = f"{path}{attr.value_for}"
        out.append((here, getattr(attr, "value", None)))
        out.extend(_flatten(list(getattr(attr, "child", None) or []), f"{here}."))
    return out


def test_sdmx1_finds_the_reported_attributes(example_dir: Path) -> None:
    md, data = _message(example_dir)
    message = sdmx.read_sdmx(io.BytesIO(_without_target_references(data)))
    assert type(message).__name__ == "MetadataMessage"
    (metadata_set,) = message.data
    assert metadata_set.structured_by.id == "CGD_MSD"
    (report,) = metadata_set.report
    found = dict(_flatten(list(report.metadata)))
    assert found["DATASET_ID"] == md.dataset_id
    assert found["TITLE"] == md.title
    assert found["COLL_METHOD.MODE"] == md.coll_method.mode
    assert found["CONSENT.TYPE"] == md.consent.type
    assert found["REF_PERIOD.START"] == md.ref_period.start.isoformat()
    values = _flatten(list(report.metadata))
    assert [v for k, v in values if k == "REF_AREA_COVERAGE"] == list(md.ref_area_coverage)
    assert [v for k, v in values if k == "DATA_SOURCE.ID"] == [p.id for p in md.data_source]


@pytest.mark.xfail(
    reason="sdmx1 2.28 cannot read a metadata target that references a dataflow "
    "(AttributeError on .parent)",
    raises=sdmx.exceptions.XMLParseError,
    strict=True,
)
def test_sdmx1_reads_the_whole_message(kenya: Path) -> None:
    _, data = _message(kenya)
    sdmx.read_sdmx(io.BytesIO(data))

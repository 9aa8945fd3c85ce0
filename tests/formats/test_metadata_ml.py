"""SDMX-ML 2.1 and 3.0 generic reference metadata: XSD-valid and lossless."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from factories import metadata_dict
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from metadata_cases import (
    FORMATS,
    PREPARED,
    assert_valid,
    full_metadata,
    load,
    write,
    xml_incompatible,
)
from strategies import SCRIPTS, TEXT, metadata

from sdmx_cso.errors import SdmxExportError
from sdmx_cso.formats import metadata_ml21, metadata_ml30
from sdmx_cso.model.metadata import DatasetMetadata
from sdmx_cso.model.structure import structure_for

# -- the bundled examples ------------------------------------------------------------------


@pytest.mark.parametrize(("module", "version"), FORMATS)
def test_examples_validate_and_round_trip(
    example_dir: Path, module: ModuleType, version: str
) -> None:
    md = load(example_dir / "metadata.yaml")
    data = write(module, md)
    assert_valid(data, version)
    back = module.read(data)
    assert back == md
    assert back.model_dump() == md.model_dump()


@pytest.mark.parametrize(("module", "version"), FORMATS)
def test_read_from_a_path(kenya: Path, tmp_path: Path, module: ModuleType, version: str) -> None:
    md = load(kenya / "metadata.yaml")
    path = tmp_path / f"metadata-{version}.xml"
    path.write_bytes(write(module, md))
    assert module.read(path) == md


# -- every field, awkward values -----------------------------------------------------------


@pytest.mark.parametrize(("module", "version"), FORMATS)
def test_every_field_round_trips(module: ModuleType, version: str) -> None:
    md = full_metadata()
    data = write(module, md)
    assert_valid(data, version)
    back = module.read(data)
    assert back == md
    assert back.description == md.description
    assert "\r\n" in (back.description or "")
    assert back.coll_method.enumerators is not None
    assert back.coll_method.enumerators.training_days == Decimal("10")
    assert back.coll_method.enumerators.community_members is False
    assert back.compiling_org == ""
    assert back.series[0].scale_min == Decimal("-1.50")
    assert [s.code for s in back.local_areas] == ["KE-30-W01", "KE-30-W01-S"]


@pytest.mark.parametrize(("module", "version"), FORMATS)
def test_empty_objects_round_trip(module: ModuleType, version: str) -> None:
    md = full_metadata(COLL_METHOD={"MODE": "PAPI", "ENUMERATORS": {}}, DISCLOSURE_CONTROL={})
    data = write(module, md)
    assert_valid(data, version)
    back = module.read(data)
    assert back == md
    assert back.disclosure_control is not None


@pytest.mark.parametrize(("module", "version"), FORMATS)
def test_minimal_metadata_round_trips(module: ModuleType, version: str) -> None:
    md = DatasetMetadata.model_validate(metadata_dict(SERIES=[]))
    data = write(module, md)
    assert_valid(data, version)
    assert module.read(data) == md


@st.composite
def rich_metadata(draw: st.DrawFn) -> dict[str, Any]:
    """The shared strategy, with more of the fields in Nepali, Bengali and Swahili."""
    raw = draw(metadata())
    lines = st.lists(st.one_of(SCRIPTS.map(str.strip), TEXT), min_size=1, max_size=3)
    raw.update(
        LANGUAGE=draw(st.sampled_from(["ne", "bn", "sw", "en", "bn-BD"])),
        CONTACT_ORGANISATION=draw(TEXT),
        STAT_POP=draw(lines.map("\n".join)),
        REC_USE_LIM=draw(lines.map("\r\n".join)),
        GROUP_ID_QUESTION=draw(st.none() | TEXT),
        DATA_SOURCE=[{"ID": "P1", "NAME": draw(TEXT)}, {"ID": "P2", "NAME": draw(TEXT)}],
        CONSENT={"TYPE": "INFORMED_VERBAL", "WITHDRAWAL": draw(st.none() | TEXT)},
        SAMPLE_SIZE_ACHIEVED=draw(st.none() | st.integers(0, 10**15)),
        META_LAST_UPDATE=draw(st.none() | st.dates().map(dt.date.isoformat)),
        COLL_METHOD={
            "MODE": "CAPI",
            "ENUMERATORS": {
                "COMMUNITY_MEMBERS": draw(st.none() | st.booleans()),
                "TRAINING_DAYS": draw(
                    st.none() | st.decimals(min_value=0, max_value=10**6, allow_nan=False)
                ),
                "CURRICULUM": draw(st.none() | TEXT),
            },
        },
    )
    raw = {k: v for k, v in raw.items() if v is not None}
    return raw


@pytest.mark.parametrize(("module", "version"), FORMATS)
@given(raw=rich_metadata())
def test_generated_metadata_round_trips(
    module: ModuleType, version: str, raw: dict[str, Any]
) -> None:
    md = DatasetMetadata.model_validate(raw)
    if xml_incompatible(md.model_dump()):  # pragma: no cover - depends on the draw
        with pytest.raises(SdmxExportError):
            write(module, md)
        return
    data = write(module, md)
    assert_valid(data, version)
    assert module.read(data) == md


# -- what the message says -----------------------------------------------------------------


def _xpath(data: bytes, path: str) -> list[str]:
    namespaces = {
        "mes21": metadata_ml21.MES,
        "com21": metadata_ml21.COM,
        "gen": metadata_ml21.GEN,
        "mes30": metadata_ml30.MES,
        "com30": metadata_ml30.COM,
        "md": metadata_ml30.MD,
    }
    return [str(v) for v in etree.fromstring(data).xpath(path, namespaces=namespaces)]


def test_21_report_targets_the_dataflow(kenya: Path) -> None:
    md = load(kenya / "metadata.yaml")
    data = write(metadata_ml21, md)
    flow = structure_for(md).dataflow_urn
    assert _xpath(data, "//mes21:Header/mes21:Structure/com21:Structure/URN/text()") == [
        "urn:sdmx:org.sdmx.infomodel.metadatastructure.MetadataStructure=LNOB:CGD_MSD(1.0.0)"
    ]
    assert _xpath(data, "//gen:Report/@id") == ["CGD_REPORT"]
    assert _xpath(data, "//gen:Target/@id") == ["DATASET_TARGET"]
    assert _xpath(data, "//gen:ReferenceValue[@id='DATAFLOW']/gen:ObjectReference/URN/text()") == [
        flow
    ]
    assert _xpath(data, "//gen:ReferenceValue/@id") == ["DATAFLOW"]
    # the dataset is named by the set ID and the reported DATASET_ID
    assert _xpath(data, "//mes21:MetadataSet/@setID") == [md.dataset_id]
    assert _xpath(data, "//gen:ReportedAttribute[@id='DATASET_ID']/@value") == [md.dataset_id]
    coverage = _xpath(data, "//gen:ReportedAttribute[@id='REF_AREA_COVERAGE']/@value")
    assert coverage == list(md.ref_area_coverage)
    # no XHTML, no com:Text: every value is a plain @value
    assert not _xpath(data, "//com21:StructuredText | //com21:Text")


def test_30_set_refers_to_metadataflow_and_targets_the_dataflow(kenya: Path) -> None:
    md = load(kenya / "metadata.yaml")
    data = write(metadata_ml30, md)
    assert _xpath(data, "//mes30:MetadataSet/md:Metadataflow/text()") == [
        "urn:sdmx:org.sdmx.infomodel.metadatastructure.Metadataflow=LNOB:MDF_CGD(1.0.0)"
    ]
    assert _xpath(data, "//mes30:MetadataSet/md:Target/text()") == [structure_for(md).dataflow_urn]
    assert _xpath(data, "//mes30:MetadataSet/@id") == [md.dataset_id]
    assert _xpath(data, "//mes30:MetadataSet/@version") == ["1.0"]
    assert _xpath(data, "//mes30:MetadataSet/com30:Name/text()") == [md.title]
    values = _xpath(data, "//md:Attribute[@id='REF_AREA_COVERAGE']/md:Value/text()")
    assert values == list(md.ref_area_coverage)
    assert not _xpath(data, "//md:Attribute[count(md:Value) > 1]")


@pytest.mark.parametrize(("module", "version"), FORMATS)
def test_output_is_deterministic(kenya: Path, module: ModuleType, version: str) -> None:
    md = load(kenya / "metadata.yaml")
    assert write(module, md) == write(module, md)
    assert b"2024-05-01T12:00:00+00:00" in write(module, md)


def test_agency_follows_the_structure() -> None:
    md = full_metadata()
    out = io.BytesIO()
    metadata_ml30.write(md, out, structure=structure_for(md, agency="KE1"), prepared=PREPARED)
    data = out.getvalue()
    assert_valid(data, "3.0")
    assert _xpath(data, "//mes30:MetadataSet/@agencyID") == ["KE1"]
    assert "KE1:MDF_CGD(1.0.0)" in _xpath(data, "//md:Metadataflow/text()")[0]
    assert metadata_ml30.read(data) == md


def test_30_reader_accepts_several_values_in_one_attribute() -> None:
    md = full_metadata()
    data = write(metadata_ml30, md)
    root = etree.fromstring(data)
    ns = {"md": metadata_ml30.MD}
    coverage = root.xpath("//md:Attribute[@id='REF_AREA_COVERAGE']", namespaces=ns)
    first = coverage[0]
    for other in coverage[1:]:
        first.append(other.find("md:Value", ns))
        other.getparent().remove(other)
    merged = etree.tostring(root)
    assert_valid(merged, "3.0")
    assert metadata_ml30.read(merged) == md

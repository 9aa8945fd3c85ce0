"""SDMX-ML 2.1 generic reference metadata: a dataset's metadata as a ``GenericMetadata`` message.

The message holds one metadata set of ``AGENCY:CGD_MSD`` with one report (report structure
``CGD_REPORT``) about the dataset::

    mes:GenericMetadata
      mes:Header            ID, Test, Prepared, Sender, Structure (structureID=CGD_MSD: the MSD URN)
      mes:MetadataSet       structureRef=CGD_MSD, setID=<DATASET_ID>, reporting dates = REF_PERIOD
        gen:Report id=CGD_REPORT
          gen:Target id=DATASET_TARGET
            gen:ReferenceValue id=DATAFLOW          gen:ObjectReference: the dataflow URN
          gen:AttributeSet
            gen:ReportedAttribute id=TITLE value="…"
            gen:ReportedAttribute id=COLL_METHOD    (presentational: children only)
              gen:AttributeSet
                gen:ReportedAttribute id=MODE value="CAPI"
            gen:ReportedAttribute id=REF_AREA_COVERAGE value="KE-30"   (one per code)
            gen:ReportedAttribute id=REF_AREA_COVERAGE value="KE-31"

Reported attributes follow `sdmx_cso.formats.msd.msd_tree`. Every value, text included, is
the plain-text ``value`` attribute, which SDMX 2.1 defines for any single, non-multilingual
value: no ``com:StructuredText`` (XHTML), so the message validates against the SDMX 2.1 XSDs
alone, and readers such as sdmx1 take every value. Line breaks and tabs survive (they are
escaped as character references).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from sdmx_cso.errors import ReadError
from sdmx_cso.formats._metadata_values import (
    Reported,
    message_header,
    metadata_from,
    parse_xml,
    reported,
    write_message,
)
from sdmx_cso.formats.msd import DATAFLOW_TARGET_OBJECT, msd_tree
from sdmx_cso.model.metadata import DatasetMetadata
from sdmx_cso.model.structure import DatasetStructure

__all__ = ["read", "write"]

_BASE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1"
MES = f"{_BASE}/message"
COM = f"{_BASE}/common"
GEN = f"{_BASE}/metadata/generic"
_NSMAP = {"mes": MES, "com": COM, "gen": GEN}


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def msd_urn(structure: DatasetStructure) -> str:
    """URN of the metadata structure ``AGENCY:CGD_MSD(version)``."""
    msd = structure.standard.msd
    return (
        "urn:sdmx:org.sdmx.infomodel.metadatastructure.MetadataStructure="
        f"{msd.agency}:{msd.id}({msd.version})"
    )


def write(
    metadata: DatasetMetadata,
    out: BinaryIO,
    *,
    structure: DatasetStructure,
    prepared: dt.datetime | None = None,
) -> None:
    """Write ``metadata`` to ``out`` as an SDMX-ML 2.1 generic metadata message.

    Args:
        metadata: the dataset's metadata.
        out: binary stream to write to.
        structure: the dataset's structures (from
            :func:`~sdmx_cso.model.structure.structure_for`): the report targets its dataflow.
        prepared: the header's preparation time (default: now, in UTC).

    Raises:
        SdmxExportError: a value holds characters that XML cannot carry.
    """
    when = prepared or dt.datetime.now(dt.UTC)
    write_message(lambda: _message(metadata, structure, when), out)


def _message(
    metadata: DatasetMetadata, structure: DatasetStructure, prepared: dt.datetime
) -> etree._Element:
    msd = structure.standard.msd
    root = etree.Element(_q(MES, "GenericMetadata"), nsmap=_NSMAP)
    head_structure = message_header(
        root, MES, f"MD_{metadata.dataset_id}", structure.agency, prepared, msd.id
    )
    ref = etree.SubElement(head_structure, _q(COM, "Structure"))
    etree.SubElement(ref, "URN").text = msd_urn(structure)

    mset = etree.SubElement(
        root,
        _q(MES, "MetadataSet"),
        structureRef=msd.id,
        setID=metadata.dataset_id,
        reportingBeginDate=metadata.ref_period.start.isoformat(),
        reportingEndDate=metadata.ref_period.end.isoformat(),
    )
    report = etree.SubElement(mset, _q(GEN, "Report"), id=msd.report_structure)
    target = etree.SubElement(report, _q(GEN, "Target"), id=msd.metadata_target)
    flow = etree.SubElement(target, _q(GEN, "ReferenceValue"), id=DATAFLOW_TARGET_OBJECT)
    etree.SubElement(
        etree.SubElement(flow, _q(GEN, "ObjectReference")), "URN"
    ).text = structure.dataflow_urn
    _attribute_set(report, reported(metadata, msd_tree(structure.standard)))
    return root


def _attribute_set(parent: etree._Element, nodes: tuple[Reported, ...]) -> None:
    attribute_set = etree.SubElement(parent, _q(GEN, "AttributeSet"))
    for node in nodes:
        if node.children or not node.values:
            element = etree.SubElement(attribute_set, _q(GEN, "ReportedAttribute"), id=node.id)
            if node.children:
                _attribute_set(element, node.children)
            continue
        for value in node.values:  # a repeating leaf: one reported attribute per value
            etree.SubElement(attribute_set, _q(GEN, "ReportedAttribute"), id=node.id, value=value)


def read(source: bytes | Path) -> DatasetMetadata:
    """The dataset metadata in an SDMX-ML 2.1 generic metadata message we wrote.

    Reads one metadata set with one report. A value may also be given as ``com:Text`` (the
    first one is taken); ``com:StructuredText`` (XHTML) is not read.

    Raises:
        ReadError: not such a message, or its metadata are not valid.
    """
    root = parse_xml(source, _q(MES, "GenericMetadata"))
    reports = root.findall(f"{_q(MES, 'MetadataSet')}/{_q(GEN, 'Report')}")
    if len(reports) != 1:
        raise ReadError(f"expected one metadata report, found {len(reports)}")
    attribute_set = reports[0].find(_q(GEN, "AttributeSet"))
    if attribute_set is None:  # pragma: no cover - required by the schema
        raise ReadError("the metadata report has no attribute set")
    return metadata_from(_nodes(attribute_set), msd_tree())


def _nodes(attribute_set: etree._Element) -> tuple[Reported, ...]:
    out = []
    for element in attribute_set.iterchildren(_q(GEN, "ReportedAttribute")):
        attribute_id = element.get("id", "")
        children = element.find(_q(GEN, "AttributeSet"))
        value = element.get("value")
        if value is None:
            text = element.find(_q(COM, "Text"))
            value = None if text is None else (text.text or "")
        out.append(
            Reported(
                attribute_id,
                () if value is None else (value,),
                () if children is None else _nodes(children),
            )
        )
    return tuple(out)

"""SDMX-ML 3.0 generic reference metadata: a dataset's metadata as a ``GenericMetadata`` message.

SDMX 3.0 has one metadata format, the generic one (``SDMXMetadataGeneric.xsd``): a metadata
set is a maintainable artefact reported against a metadataflow, targets identifiable objects
by URN, and holds nested ``Attribute`` elements directly (no report or attribute set)::

    mes:GenericMetadata
      mes:Header          ID, Test, Prepared, Sender, Structure (structureID=CGD_MSD: MSD URN)
      mes:MetadataSet     agencyID=<agency> id=<DATASET_ID> version=<VERSION or 1.0>,
                          reporting dates = REF_PERIOD
        com:Name xml:lang=<LANGUAGE>       TITLE
        md:Metadataflow                    urn:…Metadataflow=LNOB:MDF_CGD(1.0.0)
        md:Target                          the dataflow URN (…Dataflow=LNOB:DF_CGD_SURVEY(1.0.0))
        md:Attribute id=TITLE              md:Value
        md:Attribute id=COLL_METHOD        (presentational: child attributes only)
          md:Attribute id=MODE             md:Value
        md:Attribute id=REF_AREA_COVERAGE  md:Value   (one attribute per code)

URNs use the 3.0 semantic versions (``(1.0.0)``). SDMX 3.0 targets identifiable objects only,
so the set targets the dataset's dataflow and is identified by the ``DATASET_ID``. The metadata
set is maintained by the coalition's agency (its ``agencyID`` must be an agency ID, which a
data provider's ID need not be). Attributes follow `sdmx_cso.formats.msd.msd_tree`; each value
is one plain-text ``Value`` (not ``com:Text`` or XHTML): a repeating attribute is repeated
rather than given several values, as the 3.0.1 schemas require.
"""

from __future__ import annotations

import datetime as dt
import re
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
from sdmx_cso.formats.msd import msd_tree
from sdmx_cso.model.metadata import DatasetMetadata
from sdmx_cso.model.structure import DatasetStructure

__all__ = ["metadataflow_urn", "msd_urn", "read", "write"]

_BASE = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0"
MES = f"{_BASE}/message"
COM = f"{_BASE}/common"
MD = f"{_BASE}/metadata/generic"
_NSMAP = {"mes": MES, "com": COM, "md": MD}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# common:VersionType: a legacy version (1 or 1.0) or a plain semantic version (1.0.0)
_VERSION = re.compile(r"(0|[1-9]\d*)(\.(0|[1-9]\d*)){0,2}")


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def msd_urn(structure: DatasetStructure) -> str:
    """URN of the metadata structure, e.g. ``…MetadataStructure=LNOB:CGD_MSD(1.0.0)``."""
    msd = structure.standard.msd
    return (
        "urn:sdmx:org.sdmx.infomodel.metadatastructure.MetadataStructure="
        f"{msd.agency}:{msd.id}({msd.version})"
    )


def metadataflow_urn(structure: DatasetStructure) -> str:
    """URN of the metadataflow, e.g. ``…Metadataflow=LNOB:MDF_CGD(1.0.0)``."""
    msd = structure.standard.msd
    return (
        "urn:sdmx:org.sdmx.infomodel.metadatastructure.Metadataflow="
        f"{msd.agency}:{msd.metadataflow}({msd.version})"
    )


def set_version(metadata: DatasetMetadata) -> str:
    """Version of the metadata set: the dataset's VERSION when it is an SDMX version, else 1.0.

    Examples:
        >>> from types import SimpleNamespace as NS
        >>> set_version(NS(version="2.1")), set_version(NS(version="2024-03"))
        ('2.1', '1.0')
    """
    version = metadata.version
    return version if version and _VERSION.fullmatch(version) else "1.0"


def write(
    metadata: DatasetMetadata,
    out: BinaryIO,
    *,
    structure: DatasetStructure,
    prepared: dt.datetime | None = None,
) -> None:
    """Write ``metadata`` to ``out`` as an SDMX-ML 3.0 generic metadata message.

    Args:
        metadata: the dataset's metadata.
        out: binary stream to write to.
        structure: the dataset's structures (from
            :func:`~sdmx_cso.model.structure.structure_for`): the set targets its dataflow.
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
    etree.SubElement(head_structure, _q(COM, "Structure")).text = msd_urn(structure)

    mset = etree.SubElement(
        root,
        _q(MES, "MetadataSet"),
        id=metadata.dataset_id,
        version=set_version(metadata),
        agencyID=structure.agency,
        reportingBeginDate=metadata.ref_period.start.isoformat(),
        reportingEndDate=metadata.ref_period.end.isoformat(),
    )
    name = etree.SubElement(mset, _q(COM, "Name"))
    name.set(_XML_LANG, metadata.language)
    name.text = metadata.title
    etree.SubElement(mset, _q(MD, "Metadataflow")).text = metadataflow_urn(structure)
    etree.SubElement(mset, _q(MD, "Target")).text = structure.dataflow_urn
    _attributes(mset, reported(metadata, msd_tree(structure.standard)))
    return root


def _attributes(parent: etree._Element, nodes: tuple[Reported, ...]) -> None:
    for node in nodes:
        if node.children or not node.values:
            element = etree.SubElement(parent, _q(MD, "Attribute"), id=node.id)
            _attributes(element, node.children)
            continue
        for value in node.values:  # a repeating leaf: one attribute per value
            element = etree.SubElement(parent, _q(MD, "Attribute"), id=node.id)
            etree.SubElement(element, _q(MD, "Value")).text = value


def read(source: bytes | Path) -> DatasetMetadata:
    """The dataset metadata in an SDMX-ML 3.0 generic metadata message we wrote.

    Reads one metadata set. An attribute may give several ``Value`` elements (as the 3.0.0
    schemas allow) or a ``com:Text`` (the first one is taken); ``com:StructuredText``
    (XHTML) is not read.

    Raises:
        ReadError: not such a message, or its metadata are not valid.
    """
    root = parse_xml(source, _q(MES, "GenericMetadata"))
    sets = root.findall(_q(MES, "MetadataSet"))
    if len(sets) != 1:
        raise ReadError(f"expected one metadata set, found {len(sets)}")
    return metadata_from(_nodes(sets[0]), msd_tree())


def _nodes(parent: etree._Element) -> tuple[Reported, ...]:
    out = []
    for element in parent.iterchildren(_q(MD, "Attribute")):
        values = tuple(v.text or "" for v in element.iterchildren(_q(MD, "Value")))
        if not values:
            text = element.find(_q(COM, "Text"))
            values = () if text is None else (text.text or "",)
        out.append(Reported(element.get("id", ""), values, _nodes(element)))
    return tuple(out)

"""Writing a projection: SDMX-ML 2.1 structure-specific data, SDMX-CSV 1.0, refusals.

The SDMX-ML message has the shape of the KE1 sample in the corpus (a message from the
SDMX Converter that KNBS published): ``Series`` elements carrying every dimension and the
series-level attributes, ``Obs`` elements carrying TIME_PERIOD, OBS_VALUE and the
observation-level attributes, in the DSD-specific namespace
``urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=AGENCY:ID(VERSION):ObsLevelDim:TIME_PERIOD``.
`target_xsd` writes the DSD-specific schema that types it, so that the message validates
offline against the official SDMX 2.1 schemas plus the target's code lists.

The first column of SDMX-CSV 1.0, ``DATAFLOW``, holds the target DSD's reference: a DSD
given as a structure file has no dataflow we could name; SDMX-CSV 2.0 says so exactly
(``STRUCTURE`` ``datastructure``). SDMX-ML 2.1 generic data is written too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from sdmx_cso.errors import UnsupportedFormat
from sdmx_cso.formats.xsd import (
    LEVELS,
    SchemaComponent,
    SimpleType,
    XsdType,
    dsd_schema,
    structure_specific_xsd,
)
from sdmx_cso.io.atomic import atomic_output
from sdmx_cso.projection.opensdg import write_open_sdg
from sdmx_cso.projection.result import Projection
from sdmx_cso.projection.target import TargetStructure
from sdmx_cso.standard import get_standard

__all__ = [
    "PROJECTION_FORMATS",
    "refused_path_for",
    "target_xsd",
    "validate_projection",
    "write_projection",
]

#: The formats `write_projection` writes.
PROJECTION_FORMATS: tuple[str, ...] = (
    "sdmx-ml-2.1",
    "sdmx-ml-2.1-generic",
    "sdmx-csv-1.0",
    "sdmx-csv-2.0",
    "open-sdg",
)

_V21 = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/{}"
_MES, _COM, _SS = (
    _V21.format("message"),
    _V21.format("common"),
    _V21.format("data/structurespecific"),
)
_GEN = _V21.format("data/generic")
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_DOUBLE = {"OBS_VALUE", "UPPER_BOUND", "LOWER_BOUND"}


def namespace(target: TargetStructure) -> str:
    """The DSD-specific namespace of structure-specific data, observations by TIME_PERIOD."""
    return (
        "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure="
        f"{target.ref}:ObsLevelDim:{target.time_dimension}"
    )


def refused_path_for(output: str | Path) -> Path:
    """``<OUT stem>.refused.csv`` beside ``output`` (a file or an Open SDG folder)."""
    output = Path(output)
    return output.with_name(f"{output.stem}.refused.csv")


def _series_groups(
    projection: Projection,
) -> list[tuple[dict[str, str], list[Mapping[str, str]]]]:
    target = projection.target
    groups: dict[tuple[str, ...], tuple[dict[str, str], list[Mapping[str, str]]]] = {}
    series_attrs = [a.id for a in target.attributes_at("series")]
    for row in projection.rows:
        key = tuple(row.get(d, "") for d in target.dimensions)
        if key not in groups:
            head = {d: row[d] for d in target.dimensions}
            head.update({a: row[a] for a in series_attrs if a in row})
            groups[key] = (head, [])
        groups[key][1].append(row)
    return [groups[k] for k in sorted(groups)]


def _header(
    root: Any, projection: Projection, sender: str, prepared: dt.datetime, **structure: str
) -> tuple[str, str]:
    """The message header; returns the message's data set ID and structure ID."""
    target = projection.target
    structure_id = f"{target.agency}_{target.id}_{target.version}".replace(".", "_")
    header = etree.SubElement(root, f"{{{_MES}}}Header")
    ident = projection.dataset_id or "PROJECTION"
    etree.SubElement(header, f"{{{_MES}}}ID").text = f"{ident}_{target.agency}_{target.id}"[:255]
    etree.SubElement(header, f"{{{_MES}}}Test").text = "false"
    etree.SubElement(header, f"{{{_MES}}}Prepared").text = prepared.strftime("%Y-%m-%dT%H:%M:%SZ")
    etree.SubElement(header, f"{{{_MES}}}Sender", id=sender)
    attributes = {"structureID": structure_id, **structure}
    attributes["dimensionAtObservation"] = target.time_dimension
    struct = etree.SubElement(header, f"{{{_MES}}}Structure", attributes)
    common = etree.SubElement(struct, f"{{{_COM}}}Structure")
    etree.SubElement(common, "Ref", agencyID=target.agency, id=target.id, version=target.version)
    etree.SubElement(header, f"{{{_MES}}}DataSetAction").text = "Information"
    etree.SubElement(header, f"{{{_MES}}}DataSetID").text = ident
    return ident, structure_id


def _ml21(projection: Projection, sender: str, prepared: dt.datetime) -> bytes:
    target = projection.target
    ns = namespace(target)
    root = etree.Element(
        f"{{{_MES}}}StructureSpecificData",
        nsmap={"message": _MES, "common": _COM, "ss": _SS, "xsi": _XSI, "ns1": ns},
    )
    _, structure_id = _header(root, projection, sender, prepared, namespace=ns)
    dataset = etree.SubElement(
        root,
        f"{{{_MES}}}DataSet",
        {
            f"{{{_SS}}}dataScope": "DataStructure",
            f"{{{_XSI}}}type": "ns1:DataSetType",
            f"{{{_SS}}}structureRef": structure_id,
            f"{{{_SS}}}action": "Information",
        },
    )
    obs_attrs = [a.id for a in target.attributes_at("observation")]
    for head, rows in _series_groups(projection):
        series = etree.SubElement(dataset, "Series", head)
        for row in rows:
            obs = {target.time_dimension: row[target.time_dimension]}
            obs[target.measure] = row[target.measure]
            obs.update({a: row[a] for a in obs_attrs if a in row})
            etree.SubElement(series, "Obs", obs)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _values(parent: Any, tag: str, values: Mapping[str, str]) -> None:
    if values:
        holder = etree.SubElement(parent, f"{{{_GEN}}}{tag}")
        for concept, value in values.items():
            etree.SubElement(holder, f"{{{_GEN}}}Value", id=concept, value=value)


def _ml21_generic(projection: Projection, sender: str, prepared: dt.datetime) -> bytes:
    target = projection.target
    root = etree.Element(
        f"{{{_MES}}}GenericData", nsmap={"message": _MES, "common": _COM, "generic": _GEN}
    )
    _, structure_id = _header(root, projection, sender, prepared)
    dataset = etree.SubElement(
        root, f"{{{_MES}}}DataSet", structureRef=structure_id, action="Information"
    )
    obs_attrs = [a.id for a in target.attributes_at("observation")]
    for head, rows in _series_groups(projection):
        series = etree.SubElement(dataset, f"{{{_GEN}}}Series")
        _values(series, "SeriesKey", {d: head[d] for d in target.dimensions})
        _values(series, "Attributes", {k: v for k, v in head.items() if k not in target.dimensions})
        for row in rows:
            obs = etree.SubElement(series, f"{{{_GEN}}}Obs")
            etree.SubElement(obs, f"{{{_GEN}}}ObsDimension", value=row[target.time_dimension])
            etree.SubElement(obs, f"{{{_GEN}}}ObsValue", value=row[target.measure])
            _values(obs, "Attributes", {a: row[a] for a in obs_attrs if a in row})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def target_xsd(target: TargetStructure) -> bytes:
    """The DSD-specific XML schema of the target's structure-specific data (SDMX 2.1).

    Each coded component's values are the enumeration ``COMPONENT_Type`` (declared first,
    in the order of ``target.codes``); OBS_VALUE and the bounds are ``xs:double``.
    """
    enumerations = {
        component: SimpleType(f"{component}_Type", enumeration=tuple(codes))
        for component, codes in target.codes.items()
    }

    def typed(component: str) -> XsdType:
        if component in enumerations:
            return enumerations[component]
        return "xs:double" if component in _DOUBLE else "xs:string"

    return structure_specific_xsd(
        namespace(target),
        "2.1",
        dimensions=[SchemaComponent(dim, typed(dim)) for dim in target.dimensions],
        time_dimension=target.time_dimension,
        measure=target.measure,
        attributes={
            level: [
                SchemaComponent(a.id, typed(a.id), a.mandatory) for a in target.attributes_at(level)
            ]
            for level in LEVELS
        },
        declare_first=tuple(enumerations.values()),
    )


def validate_projection(message: bytes, target: TargetStructure) -> list[str]:
    """XSD problems of an SDMX-ML 2.1 projection (official schemas + `target_xsd`)."""
    schema = dsd_schema("2.1", target_xsd(target))
    doc = etree.fromstring(message, etree.XMLParser(resolve_entities=False, no_network=True))
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]  # type: ignore[attr-defined]


def _csv(projection: Projection, lead: Mapping[str, str]) -> bytes:
    """SDMX-CSV: the ``lead`` columns (1.0: DATAFLOW; 2.0: STRUCTURE, STRUCTURE_ID, ACTION)."""
    target = projection.target
    columns = [
        *target.dimensions,
        target.time_dimension,
        target.measure,
        *(a.id for a in target.attributes),
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*lead, *columns])
    for row in projection.rows:
        writer.writerow([*lead.values(), *(row.get(c, "") for c in columns)])
    return buffer.getvalue().encode("utf-8")


def refused_csv(projection: Projection) -> bytes:
    """The refusals as CSV: ``ROW``, ``REASON``, ``DETAIL`` and the key columns."""
    key_ids = (*get_standard().dsd.dimension_ids, "TIME_PERIOD")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["ROW", "REASON", "DETAIL", *key_ids])
    for refusal in projection.refused:
        writer.writerow(
            [
                refusal.row,
                refusal.reason,
                refusal.detail,
                *(refusal.key.get(k, "") for k in key_ids),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _write(path: Path, data: bytes) -> None:
    with atomic_output(path) as out:
        out.write(data)


def write_projection(
    projection: Projection,
    *,
    to: str,
    output: str | Path,
    sender: str = "LNOB",
    prepared: dt.datetime | None = None,
) -> list[Path]:
    """Write a projection as ``to`` (`PROJECTION_FORMATS`), and its refusals beside it.

    ``sdmx-ml-2.1`` and ``sdmx-csv-1.0`` write one file, ``output``; ``open-sdg`` writes
    ``indicator_X-Y-Z.csv`` files into the folder ``output``. The refusals go to
    `refused_path_for` ``(output)`` in every case (observations Open SDG cannot take,
    such as non-annual ones, are added there). Files are written atomically.

    Returns:
        The paths written, the refusals last.

    Raises:
        UnsupportedFormat: ``to`` is not one of `PROJECTION_FORMATS`.
    """
    if to not in PROJECTION_FORMATS:
        raise UnsupportedFormat(
            f"cannot write a projection as {to!r}; choose one of {', '.join(PROJECTION_FORMATS)}"
        )
    output = Path(output)
    written: list[Path] = []
    if to == "open-sdg":
        written, projection = write_open_sdg(projection, output, write=_write)
    else:
        moment = prepared or dt.datetime.now(dt.UTC).replace(microsecond=0)
        ref = projection.target.ref
        data = {
            "sdmx-ml-2.1": lambda: _ml21(projection, sender, moment),
            "sdmx-ml-2.1-generic": lambda: _ml21_generic(projection, sender, moment),
            "sdmx-csv-1.0": lambda: _csv(projection, {"DATAFLOW": ref}),
            "sdmx-csv-2.0": lambda: _csv(
                projection, {"STRUCTURE": "datastructure", "STRUCTURE_ID": ref, "ACTION": "I"}
            ),
        }[to]()
        _write(output, data)
        written.append(output)
    refused = refused_path_for(output)
    _write(refused, refused_csv(projection))
    return [*written, refused]

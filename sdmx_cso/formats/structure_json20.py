"""SDMX-JSON 2.0 structure messages, written directly (sdmx1 has no SDMX-JSON writer).

The content is the same as the SDMX-ML 3.0 structure message
(:func:`~sdmx_cso.formats.structure_ml30.structure_parts`, SDMX 3.0 information model): concept
schemes, code lists, the DSD (QUALITY_FLAGS multi-valued, ``maxOccurs: "unbounded"``),
dataflows, data providers, the MSD and its metadataflow. Names are written both as ``name``
and ``names`` (``{"en": …}``), as the official samples do.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any, BinaryIO

from sdmx_cso.codelists import Annotation, Code, Codelist, ReusedConceptScheme
from sdmx_cso.formats.msd import MetadataAttribute
from sdmx_cso.formats.structure_ml30 import (
    Component,
    Parts,
    Representation,
    foreign_scheme,
    maintainable_urn,
    structure_parts,
)
from sdmx_cso.formats.structure_split import Content, prune_json
from sdmx_cso.model.structure import Constraint, DatasetStructure
from sdmx_cso.standard import get_codelist

__all__ = ["SCHEMA", "write"]

#: The ``meta.schema`` of the messages: the official SDMX-JSON 2.0 structure schema.
SCHEMA = (
    "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/structure-message/tools/"
    "schemas/2.0.0/sdmx-json-structure-schema.json"
)

Json = dict[str, Any]


def _names(id_: str, name: str, description: str | None = None) -> Json:
    out: Json = {"id": id_, "name": name or id_, "names": {"en": name or id_}}
    if description:
        out["description"] = description
        out["descriptions"] = {"en": description}
    return out


def _maintainable(
    cls: str, agency: str, id_: str, version: str, name: str, description: str | None = None
) -> Json:
    out = _names(id_, name, description)
    urn = maintainable_urn(cls, agency, id_, version)
    out.update(version=version, agencyID=agency, isExternalReference=False)
    out["links"] = [{"rel": "self", "urn": urn, "type": cls.split(".")[-1].lower()}]
    return out


def _representation(rep: Representation, *, occurs: bool = True) -> Json:
    out: Json = {}
    if rep.codelist is not None:
        out["enumeration"] = rep.codelist.urn
    else:
        fmt: Json = {"dataType": rep.text_type}
        if rep.pattern is not None:
            fmt["pattern"] = rep.pattern
        for key, value in (("minValue", rep.min_value), ("maxValue", rep.max_value)):
            if value is not None:
                fmt[key] = int(value) if value.lstrip("-").isdigit() else float(value)
        out["format"] = fmt
    if occurs and rep.max_occurs != 1:
        out["minOccurs"] = 1
        out["maxOccurs"] = "unbounded" if rep.max_occurs is None else rep.max_occurs
    return out


def _annotations(annotations: tuple[Annotation, ...]) -> list[Json]:
    """SDMX-JSON annotations, in order: ``id``, ``title``, ``type``, ``text`` and ``texts``."""
    out = []
    for annotation in annotations:
        item: Json = {
            key: value
            for key, value in (
                ("id", annotation.id),
                ("title", annotation.title),
                ("type", annotation.type),
            )
            if value is not None
        }
        if annotation.text is not None:
            item["text"] = annotation.text
            item["texts"] = {"en": annotation.text}
        out.append(item)
    return out


def _code(code: Code, codelist: Codelist) -> Json:
    out = _names(code.id, code.name, code.description)
    if code.sdmx_annotations:
        out["annotations"] = _annotations(code.sdmx_annotations)
    if code.parent is not None and code.parent in codelist:
        out["parent"] = code.parent
    return out


def _codelist(cl: Codelist) -> Json:
    out = _maintainable("codelist.Codelist", cl.agency, cl.id, cl.version, cl.name, cl.description)
    out["codes"] = [_code(code, cl) for code in cl]
    return out


def _foreign_concepts(scheme: ReusedConceptScheme) -> Json:
    out = _maintainable(
        "conceptscheme.ConceptScheme",
        scheme.agency,
        scheme.id,
        scheme.version,
        scheme.name,
        scheme.description,
    )
    out["isPartial"] = False
    out["concepts"] = []
    for concept in scheme.concepts:
        item = _names(concept.id, concept.name, concept.description)
        if concept.annotations:
            item["annotations"] = _annotations(concept.annotations)
        if concept.text_type is not None:
            item["coreRepresentation"] = {"format": {"dataType": concept.text_type}}
        out["concepts"].append(item)
    return out


def _concept_schemes(parts: Parts) -> list[Json]:
    schemes = []
    for agency, id_, version, name, partial, concepts in parts.schemes:
        foreign = foreign_scheme(parts, agency, id_, version, concepts)
        if foreign is not None:
            schemes.append(_foreign_concepts(foreign))
            continue
        out = _maintainable("conceptscheme.ConceptScheme", agency, id_, version, name)
        if agency != parts.structure.agency:  # no copy of the source: an external reference
            out["isExternalReference"] = True
            schemes.append(out)
            continue
        out["isPartial"] = partial
        out["concepts"] = []
        for concept in concepts:
            item = _names(concept.id, concept.name, concept.description)
            if concept.core is not None:
                item["coreRepresentation"] = _representation(concept.core, occurs=False)
            out["concepts"].append(item)
        schemes.append(out)
    return schemes


def _component(comp: Component) -> Json:
    out: Json = {"id": comp.id, "conceptIdentity": comp.concept.urn}
    out["localRepresentation"] = _representation(comp.representation)
    return out


def _dsd(parts: Parts) -> Json:
    st = parts.structure
    version = st.label(st.dsd_version, "3.0")
    out = _maintainable(
        "datastructure.DataStructure", st.agency, st.dsd_id, version, st.standard.dsd.name
    )
    dims = [{**_component(c), "position": c.position} for c in parts.of_kind("dimension")]
    (time,) = parts.of_kind("time")
    attributes = []
    dim_ids = [c.id for c in parts.of_kind("dimension")]
    for comp in parts.of_kind("attribute"):
        item = _component(comp)
        item["usage"] = "mandatory" if comp.mandatory else "optional"
        if comp.level == "dataset":
            item["attributeRelationship"] = {"dataflow": {}}
        elif comp.level == "series":
            item["attributeRelationship"] = {"dimensions": dim_ids}
        else:
            item["attributeRelationship"] = {"observation": {}}
        attributes.append(item)
    out["dataStructureComponents"] = {
        "dimensionList": {
            "id": "DimensionDescriptor",
            "dimensions": dims,
            "timeDimension": _component(time),
        },
        "attributeList": {"id": "AttributeDescriptor", "attributes": attributes},
        "measureList": {
            "id": "MeasureDescriptor",
            "measures": [_component(c) for c in parts.of_kind("measure")],
        },
    }
    return out


def _msd_attribute(attr: MetadataAttribute, parts: Parts) -> Json:
    out: Json = {
        "id": attr.id,
        "conceptIdentity": parts.msd_concepts[attr.id].urn,
        "minOccurs": attr.min_occurs,
        "maxOccurs": "unbounded" if attr.max_occurs is None else attr.max_occurs,
    }
    if attr.presentational:
        out["isPresentational"] = True
    if attr.codelist is not None:
        cl = get_codelist(attr.codelist, agency=parts.structure.agency)
        out["localRepresentation"] = _representation(Representation(cl), occurs=False)
    elif attr.text_type is not None:
        rep = Representation(
            text_type=attr.text_type, min_value=attr.min_value, max_value=attr.max_value
        )
        out["localRepresentation"] = _representation(rep, occurs=False)
    if attr.children:
        out["metadataAttributes"] = [_msd_attribute(child, parts) for child in attr.children]
    return out


def structure_document(structure: DatasetStructure, *, content: Content = "all") -> Json:
    """The SDMX-JSON 2.0 structure message of ``structure``, as a JSON-ready dict.

    ``content``: ``all``, or only the ``data`` or ``metadata`` structures.
    """
    parts = structure_parts(structure, "3.0")
    st, msd = structure, structure.standard.msd
    flows = []
    for flow_id, name in parts.dataflows:
        version = st.label(st.dataflow_version, "3.0")
        flow = _maintainable("datastructure.Dataflow", st.agency, flow_id, version, name)
        flow["structure"] = st.dsd_urn_for("3.0")
        flows.append(flow)
    mdf = _maintainable(
        "metadatastructure.Metadataflow",
        st.agency,
        msd.metadataflow,
        msd.version,
        f"{msd.name} (metadataflow)",
    )
    mdf["structure"] = maintainable_urn(
        "metadatastructure.MetadataStructure", st.agency, msd.id, msd.version
    )
    mdf["targets"] = [f"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow={st.agency}:*(*)"]
    msd_json = _maintainable(
        "metadatastructure.MetadataStructure", st.agency, msd.id, msd.version, msd.name
    )
    msd_json["metadataStructureComponents"] = {
        "metadataAttributeList": {
            "id": "MetadataAttributeDescriptor",
            "metadataAttributes": [_msd_attribute(a, parts) for a in parts.msd],
        }
    }
    data: Json = {
        "codelists": [_codelist(cl) for cl in parts.codelists],
        "conceptSchemes": _concept_schemes(parts),
        "dataflows": flows,
        "dataStructures": [_dsd(parts)],
        "metadataflows": [mdf],
        "metadataStructures": [msd_json],
    }
    if st.constraint is not None:
        data["dataConstraints"] = [_data_constraint(st, st.constraint)]
    if parts.providers:
        scheme = _maintainable(
            "base.DataProviderScheme", st.agency, "DATA_PROVIDERS", "1.0", "Data providers"
        )
        del scheme["version"]
        scheme["dataProviders"] = [_names(p.id, p.name) for p in parts.providers]
        data["dataProviderSchemes"] = [scheme]
    prepared = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    meta: Json = {
        "schema": SCHEMA,
        "id": f"IREF{uuid.uuid4().hex[:16].upper()}",
        "test": False,
        "prepared": prepared,
        "contentLanguages": ["en"],
        "sender": {"id": st.agency},
    }
    prune_json(data, parts, content)
    return _mark_drafts({"meta": meta, "data": data}, st)


def _data_constraint(st: DatasetStructure, constraint: Constraint) -> Json:
    """The dataflow's allowed content constraint (role ``Allowed``)."""
    out = _maintainable(
        "registry.DataConstraint",
        st.agency,
        constraint.id,
        st.label(constraint.version, "3.0"),
        f"Allowed content of {st.dataflow_id}",
    )
    out["role"] = "Allowed"
    out["constraintAttachment"] = {"dataflows": [st.dataflow_urn_for("3.0")]}
    keys = [{"id": dim, "values": list(codes)} for dim, codes in constraint.allowed.items()]
    out["cubeRegions"] = [{"include": True, "keyValues": keys}]
    return out


def _mark_drafts(document: Json, st: DatasetStructure) -> Json:
    """Give the coalition code lists of a draft release the ``-draft`` version extension."""
    drafts = {cl.urn: cl for cl in st.own_codelists if not st.is_final(cl.version)}
    if not drafts:
        return document
    labels = {
        urn: urn.replace(f"({cl.version})", f"({st.label(cl.version, '3.0')})")
        for urn, cl in drafts.items()
    }

    def fix(value: Any) -> Any:
        if isinstance(value, str):
            return labels.get(value, value)
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            out = {k: fix(v) for k, v in value.items()}
            if out.get("urn") in labels.values() and "version" in out:
                out["version"] = st.label(out["version"], "3.0")
            return out
        return value

    fixed: Json = fix(document)
    return fixed


def write(structure: DatasetStructure, out: BinaryIO, *, content: Content = "all") -> None:
    """Write the structures of ``structure`` as an SDMX-JSON 2.0 structure message.

    Args:
        structure: the dataset's structures (`sdmx_cso.model.structure.structure_for`).
        out: a binary stream.
        content: ``all``, or only the ``data`` or ``metadata`` structures.
    """
    text = json.dumps(structure_document(structure, content=content), ensure_ascii=False, indent=1)
    out.write(text.encode("utf-8"))

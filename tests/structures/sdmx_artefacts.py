"""An independent reading of SDMX-ML 2.1 and 3.0 structure messages, for comparing artefacts.

Written for the tests from the SDMX-ML schemas, not from our writers: every maintainable
artefact of a message is reduced to its URN (as SDMX-ML 3.0 writes it; SDMX 2.1 references
``<Ref agencyID= id= version= package= class=/>`` are turned into the same URNs) and a
canonical content: its items with names, descriptions, parents and annotations in order, a
DSD's components with their concepts and representations, a dataflow's structure, a
constraint's attachment and cube region. Two messages that state the same artefact
differently give two contents for one URN, which is what a registry refuses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lxml import etree

_URN = "urn:sdmx:org.sdmx.infomodel."

#: SDMX 2.1 package/class of a maintainable element, when its URN is not written.
_CLASSES = {
    "Codelist": "codelist.Codelist",
    "ConceptScheme": "conceptscheme.ConceptScheme",
    "DataStructure": "datastructure.DataStructure",
    "Dataflow": "datastructure.Dataflow",
    "DataProviderScheme": "base.DataProviderScheme",
    "AgencyScheme": "base.AgencyScheme",
    "MetadataStructure": "metadatastructure.MetadataStructure",
    "Metadataflow": "metadatastructure.Metadataflow",
    "ContentConstraint": "registry.DataConstraint",
    "DataConstraint": "registry.DataConstraint",
}
_ITEMS = {"Code", "Concept", "DataProvider", "Agency"}

#: Components whose representation SDMX 2.1 cannot state as SDMX 3.0 does (standard.md §8.9:
#: QUALITY_FLAGS is a multi-valued coded attribute in 3.0, a checked string in 2.1).
MULTI_VALUED = {"QUALITY_FLAGS"}


def _local(elem: etree._Element) -> str:
    return etree.QName(elem).localname


def _children(elem: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in elem if isinstance(c.tag, str) and _local(c) == name]


def _text(elem: etree._Element, name: str) -> str | None:
    """The English (or only) text of a ``Name``/``Description`` child."""
    found = _children(elem, name)
    for child in found:
        if child.get("{http://www.w3.org/XML/1998/namespace}lang", "en") == "en":
            return (child.text or "").strip()
    return None


def _ref(elem: etree._Element | None) -> str | None:
    """A reference as a URN: 3.0 writes the URN as text, 2.1 a ``Ref`` (or ``URN``) child."""
    if elem is None:
        return None
    text = (elem.text or "").strip()
    if text.startswith("urn:"):
        return _plain(text)
    for child in elem.iter():
        if not isinstance(child.tag, str):
            continue
        if _local(child) == "URN" and child.text:
            return _plain(child.text.strip())
        if _local(child) == "Ref":
            cls = child.get("class", "")
            package = child.get("package", "")
            kind = _CLASSES.get(cls, f"{package}.{cls}")
            version = child.get("maintainableParentVersion") or child.get("version")
            owner = child.get("maintainableParentID") or child.get("id")
            base = f"{_URN}{kind}={child.get('agencyID')}:{owner}({version})"
            if child.get("maintainableParentID"):
                base += f".{child.get('id')}"
            return _plain(base)
    return None


def _plain(urn: str) -> str:
    """One spelling per URN: sdmx1 writes ``DataflowDefinition`` in a few places."""
    return urn.replace("ContentConstraint=", "DataConstraint=")


def _annotations(elem: etree._Element) -> list[tuple[str | None, ...]]:
    out = []
    for box in _children(elem, "Annotations"):
        for ann in _children(box, "Annotation"):
            texts = [(t.text or "").strip() for t in _children(ann, "AnnotationText")]
            out.append(
                (
                    ann.get("id"),
                    _first(ann, "AnnotationTitle"),
                    _first(ann, "AnnotationType"),
                    _first(ann, "AnnotationURL"),
                    *texts,
                )
            )
    return out


def _first(elem: etree._Element, name: str) -> str | None:
    found = _children(elem, name)
    return (found[0].text or "").strip() if found else None


def _parent(item: etree._Element) -> str | None:
    for parent in _children(item, "Parent"):
        if parent.text and parent.text.strip():
            return parent.text.strip()
        for ref in parent.iter():
            if isinstance(ref.tag, str) and _local(ref) == "Ref":
                return ref.get("id")
    return None


def _representation(elem: etree._Element | None) -> Any:
    if elem is None:
        return None
    enum = _children(elem, "Enumeration")
    if enum:
        return {"enumeration": _ref(enum[0])}
    fmt = _children(elem, "TextFormat")
    if fmt:
        return {"text": fmt[0].get("textType", "String"), "pattern": fmt[0].get("pattern")}
    return None


def _component(comp: etree._Element) -> Any:
    rep = _children(comp, "LocalRepresentation")
    concept = _children(comp, "ConceptIdentity")
    out = {
        "id": comp.get("id"),
        "kind": _local(comp),
        "concept": _ref(concept[0]) if concept else None,
        "representation": None
        if comp.get("id") in MULTI_VALUED
        else _representation(rep[0] if rep else None),
    }
    return out


def _content(elem: etree._Element) -> Any:
    kind = _local(elem)
    out: dict[str, Any] = {
        "name": _text(elem, "Name"),
        "description": _text(elem, "Description"),
        "annotations": _annotations(elem),
    }
    items = [c for c in elem if isinstance(c.tag, str) and _local(c) in _ITEMS]
    if items:
        out["items"] = [
            {
                "id": item.get("id"),
                "name": _text(item, "Name"),
                "description": _text(item, "Description"),
                "parent": _parent(item),
                "annotations": _annotations(item),
            }
            for item in items
        ]
    if kind == "DataStructure":
        out["components"] = sorted(
            (_component(c) for c in elem.iter()
             if isinstance(c.tag, str) and c.getparent() is not None
             and _local(c.getparent()) in {"DimensionList", "AttributeList", "MeasureList"}),
            key=lambda c: (c["kind"].replace("PrimaryMeasure", "Measure"), c["id"]),
        )  # fmt: skip
        for comp in out["components"]:
            comp["kind"] = comp["kind"].replace("PrimaryMeasure", "Measure")
    if kind in {"Dataflow", "Metadataflow"}:
        out["structure"] = _ref(_children(elem, "Structure")[0])
    if kind in {"ContentConstraint", "DataConstraint"}:
        out["role"] = (elem.get("role") or elem.get("type") or "").lower()
        attach = _children(elem, "ConstraintAttachment")
        out["attachment"] = [_ref(c) for c in attach[0]] if attach else []
        out["regions"] = [
            {
                kv.get("id"): [(v.text or "").strip() for v in _children(kv, "Value")]
                for kv in region
                if isinstance(kv.tag, str) and _local(kv) == "KeyValue"
            }
            for region in _children(elem, "CubeRegion")
        ]
    if kind == "MetadataStructure":
        out["attributes"] = sorted(
            c.get("id") for c in elem.iter()
            if isinstance(c.tag, str) and _local(c) == "MetadataAttribute"
        )  # fmt: skip
    return out


def artefacts(message: bytes) -> Iterator[tuple[str, bool, str]]:
    """``(URN, final, canonical JSON content)`` of every maintainable artefact of a message."""
    root = etree.fromstring(message, etree.XMLParser(resolve_entities=False, no_network=True))
    for structures in root.iter():
        if not isinstance(structures.tag, str) or _local(structures) != "Structures":
            continue
        for container in structures:
            for elem in container:
                if not isinstance(elem.tag, str) or elem.get("agencyID") is None:
                    continue
                if elem.get("isExternalReference") == "true":
                    continue  # a stub states no content
                urn = elem.get("urn")
                kind = _CLASSES.get(_local(elem))
                if urn is None and kind is not None:
                    version = elem.get("version") or "1.0"
                    urn = f"{_URN}{kind}={elem.get('agencyID')}:{elem.get('id')}({version})"
                final = elem.get("isFinal", "true") != "false" and "-draft" not in (urn or "")
                yield _plain(urn or ""), final, json.dumps(_content(elem), sort_keys=True)

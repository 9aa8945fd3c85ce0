"""SDMX-ML 3.0 structure messages, written directly (sdmx1 has no SDMX-ML 3.0 writer).

The message holds everything a receiver needs to load a dataset's data and metadata: the
concept schemes, every code list (reused ones under their own agency and version, the
coalition's under its agency), the DSD, the dataflows, the data providers and the metadata
structure ``AGENCY:CGD_MSD`` with its metadataflow. What goes in it is worked out once, for all
three structure formats, by :func:`structure_parts` (SDMX-ML 2.1 through sdmx1 in
:mod:`sdmx_cso.bridge`, SDMX-ML 3.0 here, SDMX-JSON 2.0 in
:mod:`sdmx_cso.formats.structure_json20`).

SDMX 3.0 specifics: QUALITY_FLAGS is a multi-valued coded attribute (its representation is
CL_CGD_FLAG with ``maxOccurs="unbounded"``); attribute relationships are ``Dataflow``
(dataset level), the dimensions (series level) or ``Observation``; the coalition's
artefacts have semantic versions (``1.0.0``), reused ones keep their own (``1.4``).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any, BinaryIO, Literal

from lxml import etree

from sdmx_cso.codelists import Annotation, Code, Codelist, ReusedConceptScheme
from sdmx_cso.formats.msd import MetadataAttribute, msd_tree, walk
from sdmx_cso.formats.structure_split import Content, prune_xml
from sdmx_cso.model.structure import Constraint, DatasetStructure
from sdmx_cso.standard import get_codelist, reused_concept_scheme
from sdmx_cso.standard.spec import AttributeSpec, DimensionSpec, MeasureSpec, TimeDimensionSpec

__all__ = [
    "Component",
    "Concept",
    "Parts",
    "Representation",
    "foreign_scheme",
    "source_order",
    "structure_parts",
    "write",
]

_URN = "urn:sdmx:org.sdmx.infomodel."
_Spec = DimensionSpec | TimeDimensionSpec | MeasureSpec | AttributeSpec
_Kind = Literal["dimension", "time", "measure", "attribute"]
_TEXT_TYPES = {
    "string": "String",
    "integer": "Integer",
    "decimal": "Double",
    "date": "GregorianDay",
    "code": "String",
}


@dataclass(frozen=True)
class Representation:
    """How a component's values are represented: a code list, or a text format."""

    codelist: Codelist | None = None
    text_type: str = "String"
    pattern: str | None = None
    min_value: str | None = None
    max_value: str | None = None
    max_occurs: int | None = 1
    """Values per occurrence (``None``: unbounded); more than 1 only in SDMX 3.0."""


@dataclass(frozen=True)
class Concept:
    """A concept, and the scheme it belongs to."""

    id: str
    name: str
    description: str
    scheme: str
    """``AGENCY:ID(VERSION)`` of the concept scheme."""
    core: Representation | None = None

    @property
    def urn(self) -> str:
        """The SDMX URN of the concept."""
        return f"{_URN}conceptscheme.Concept={self.scheme}.{self.id}"


@dataclass(frozen=True)
class Component:
    """A dimension, the time dimension, the measure or an attribute of the DSD."""

    id: str
    kind: _Kind
    concept: Concept
    representation: Representation
    position: int = 0
    level: str = ""
    """Attachment level of an attribute: ``dataset``, ``series`` or ``observation``."""
    mandatory: bool = False


@dataclass(frozen=True)
class Parts:
    """Everything a structure message of a dataset holds, in SDMX terms."""

    structure: DatasetStructure
    schemes: tuple[tuple[str, str, str, str, bool, tuple[Concept, ...]], ...]
    """Concept schemes: agency, ID, version, name, whether partial (reused), concepts."""
    codelists: tuple[Codelist, ...]
    components: tuple[Component, ...]
    dataflows: tuple[tuple[str, str], ...]
    """ID and name of each dataflow (all of the DSD's)."""
    providers: tuple[Code, ...]
    msd: tuple[MetadataAttribute, ...]
    msd_concepts: dict[str, Concept]
    """The concept of each metadata attribute ID."""

    def of_kind(self, kind: str) -> tuple[Component, ...]:
        """The components of one kind, in order."""
        return tuple(c for c in self.components if c.kind == kind)


def structure_parts(structure: DatasetStructure, version: Literal["2.1", "3.0"]) -> Parts:
    """What a structure message of ``structure`` holds, for SDMX ``version``.

    Args:
        structure: the dataset's structures.
        version: ``2.1`` (QUALITY_FLAGS a string) or ``3.0`` (a multi-valued coded attribute).
    """
    std = structure.standard
    scheme_ref = {s.id: f"{s.agency}:{s.id}({s.version})" for s in std.concept_schemes}
    ours = {s.id for s in std.concept_schemes if s.agency == std.agency}
    concepts: dict[str, list[Concept]] = {s.id: [] for s in std.concept_schemes}
    components: list[Component] = []

    own = {cl.urn for cl in structure.own_codelists}

    def add(comp_id: str, kind: _Kind, spec: _Spec, rep: Representation, **kw: Any) -> None:
        core: Representation | None = rep
        if rep.codelist is not None and rep.codelist.urn in own:
            # a concept scheme is shared by every dataset: the standard's representation
            ref = getattr(spec, "codelist", None)
            core = Representation(get_codelist(ref, agency=std.agency)) if ref else None
            core = core or Representation(pattern=getattr(spec, "pattern", None))
        if spec.scheme not in ours and rep.codelist is not None:
            core = None  # a reused concept: its owner's representation is not ours to state
        concept = Concept(comp_id, spec.name, spec.description, scheme_ref[spec.scheme], core)
        concepts[spec.scheme].append(concept)
        components.append(Component(comp_id, kind, concept, rep, **kw))

    for dim in std.dsd.dimensions:
        cl = structure.codelist(dim.id)
        rep = Representation(cl, pattern=None if cl else dim.pattern)
        add(dim.id, "dimension", dim, rep, position=dim.position)
    time = std.dsd.time_dimension
    add(
        time.id,
        "time",
        time,
        Representation(text_type="ObservationalTimePeriod"),
        position=time.position,
    )
    add(std.dsd.measure.id, "measure", std.dsd.measure, Representation(text_type="Double"))
    for attr in std.dsd.attributes:
        rep = _attribute_representation(structure, attr, version)
        add(attr.id, "attribute", attr, rep, level=attr.level, mandatory=attr.status == "mandatory")
    meta_ref = scheme_ref["CGD_META_CONCEPTS"]
    msd = msd_tree(std)
    msd_concepts: dict[str, Concept] = {}
    for _, attr_ in walk(msd):
        if attr_.id not in msd_concepts:
            concept = Concept(attr_.id, attr_.name, attr_.description or attr_.name, meta_ref)
            msd_concepts[attr_.id] = concept
            concepts["CGD_META_CONCEPTS"].append(concept)
    schemes = tuple(
        (s.agency, s.id, s.version, s.name, s.id not in ours, tuple(concepts[s.id]))
        for s in std.concept_schemes
        if concepts[s.id]
    )
    return Parts(
        structure=structure,
        schemes=schemes,
        codelists=_codelists(structure),
        components=tuple(components),
        dataflows=_dataflows(structure),
        providers=structure.providers,
        msd=msd,
        msd_concepts=msd_concepts,
    )


def _attribute_representation(
    structure: DatasetStructure, attr: AttributeSpec, version: str
) -> Representation:
    cl = structure.codelist(attr.id) if attr.type in ("code", "flags") else None
    if attr.id == "DATA_PRODUCER":  # the same DSD serves every dataset: providers vary
        cl = None
    if attr.type == "flags" and version == "2.1":
        return Representation(pattern=_flags_pattern(cl) if cl else None)
    if attr.type == "flags":
        return Representation(cl, max_occurs=None)
    low = None if attr.min is None else str(attr.min)
    return Representation(cl, _TEXT_TYPES.get(attr.type, "String"), min_value=low)


def _flags_pattern(codelist: Codelist) -> str:
    codes = "|".join(code.id for code in codelist)
    return f"({codes})( ({codes}))*"


def _codelists(structure: DatasetStructure) -> tuple[Codelist, ...]:
    """Every code list of the standard, the coalition's as its register has them."""
    std = structure.standard
    own = {cl.id: cl for cl in structure.own_codelists}
    found: dict[str, Codelist] = {}
    for ref in std.codelist_refs:
        cl = get_codelist(ref, agency=std.agency)
        if cl.agency == std.agency and cl.id in own:
            cl = own.pop(cl.id)
        found.setdefault(cl.urn, cl)
    for cl in own.values():
        found.setdefault(cl.urn, cl)
    return tuple(found.values())


def _dataflows(structure: DatasetStructure) -> tuple[tuple[str, str], ...]:
    if not structure.is_dataset_specific:
        return structure.standard_flows
    return ((structure.dataflow_id, structure.dataflow_name),)


def foreign_scheme(
    parts: Parts, agency: str, id_: str, version: str, concepts: tuple[Concept, ...]
) -> ReusedConceptScheme | None:
    """Another agency's concept scheme as its source publishes it, or ``None`` (no copy).

    A concept scheme of another agency (``IAEG-SDGs:SDG_CONCEPTS``) is written exactly as the
    packaged copy of its source, whole; without a copy (``SDMX:CROSS_DOMAIN_CONCEPTS``) it is
    written as an external reference, without concepts: the writers never put our names or
    descriptions under another agency's URN. ``None`` also for the coalition's own schemes.

    Raises:
        ValueError: the copy has another version, or lacks a concept that the DSD uses.
    """
    if agency == parts.structure.agency:
        return None
    scheme = reused_concept_scheme(agency, id_)
    if scheme is None:
        return None
    if scheme.version != version:
        raise ValueError(f"{agency}:{id_}({version}) is packaged at version {scheme.version}")
    missing = {c.id for c in concepts} - {c.id for c in scheme.concepts}
    if missing:
        raise ValueError(f"{scheme.urn} has no concept {', '.join(sorted(missing))}")
    return scheme


def source_order(parts: Parts, cl: Codelist) -> tuple[Code, ...]:
    """The codes of ``cl`` in the order they are written: another agency's in its source's order.

    The coalition's own lists put each parent just before its first child: sdmx1's reader
    turns a ``str:Parent`` reference to a later code into a stray code list of that ID (it
    does so reading the real ``IAEG-SDGs:CL_AREA(1.4)`` too, whose order is kept).
    """
    if cl.agency != parts.structure.agency:
        return cl.codes
    out: list[Code] = []
    placed: set[str] = set()

    def place(code: Code) -> None:
        if code.id in placed:
            return
        placed.add(code.id)  # before the parent: a cycle cannot recurse forever
        parent = cl.get(code.parent) if code.parent else None
        if parent is not None:
            place(parent)
        out.append(code)

    for code in cl:
        place(code)
    return tuple(out)


def maintainable_urn(cls: str, agency: str, id_: str, version: str) -> str:
    """The URN of a maintainable artefact, e.g. ``datastructure.DataStructure``."""
    return f"{_URN}{cls}={agency}:{id_}({version})"


# -- SDMX-ML 3.0 --------------------------------------------------------------------------------

_NS = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/{}"
MES, STR, COM = _NS.format("message"), _NS.format("structure"), _NS.format("common")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _el(
    parent: etree._Element, ns: str, tag: str, text: str | None = None, **attrib: str
) -> etree._Element:
    elem = etree.SubElement(parent, f"{{{ns}}}{tag}", attrib)
    if text is not None:
        elem.text = text
    return elem


def _named(
    parent: etree._Element,
    tag: str,
    id_: str,
    name: str,
    description: str | None = None,
    **attrib: str,
) -> etree._Element:
    elem = _el(parent, STR, tag, id=id_, **attrib)
    _el(elem, COM, "Name", name or id_).set(_XML_LANG, "en")
    if description:
        _el(elem, COM, "Description", description).set(_XML_LANG, "en")
    return elem


def _maintainable(
    parent: etree._Element,
    tag: str,
    cls: str,
    agency: str,
    id_: str,
    version: str,
    name: str,
    description: str | None = None,
    **attrib: str,
) -> etree._Element:
    urn = maintainable_urn(cls, agency, id_, version)
    elem = _el(
        parent,
        STR,
        tag,
        urn=urn,
        isExternalReference="false",
        agencyID=agency,
        id=id_,
        version=version,
        **attrib,
    )
    _el(elem, COM, "Name", name).set(_XML_LANG, "en")
    if description:
        _el(elem, COM, "Description", description).set(_XML_LANG, "en")
    return elem


def _annotations(elem: etree._Element, annotations: tuple[Annotation, ...]) -> None:
    """``com:Annotations`` as the first child of ``elem``, in order (the XSD's order within)."""
    if not annotations:
        return
    box = etree.Element(f"{{{COM}}}Annotations")
    for annotation in annotations:
        ann = _el(box, COM, "Annotation")
        if annotation.id is not None:
            ann.set("id", annotation.id)
        if annotation.title is not None:
            _el(ann, COM, "AnnotationTitle", annotation.title)
        if annotation.type is not None:
            _el(ann, COM, "AnnotationType", annotation.type)
        if annotation.text is not None:
            _el(ann, COM, "AnnotationText", annotation.text).set(_XML_LANG, "en")
    elem.insert(0, box)


#: What the SDMX-ML 3.0 XSD accepts as a ``str:Parent`` (``SingleNCNameIDType``).
_NCNAME = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")


def ml30_writable(cl: Codelist) -> bool:
    """Whether SDMX-ML 3.0 can carry the hierarchy of ``cl``.

    The SDMX-ML 3.0 XSD types ``str:Parent`` as an NCName, so a parent code that starts with a
    digit (M49 ``1``, ``404`` of ``IAEG-SDGs:CL_AREA``) makes the message invalid, although the
    code ID itself is valid (sdmx-twg/sdmx-ml#30, fixed in SDMX-ML 3.1, where ``Parent`` is an
    ``IDType``). Such a list is written as an external reference instead of with fewer parents
    than it has: one URN, one content.
    """
    return all(
        code.parent is None or code.parent not in cl or _NCNAME.fullmatch(code.parent)
        for code in cl
    )


def _codelist(parent: etree._Element, cl: Codelist, parts: Parts) -> None:
    elem = _maintainable(
        parent,
        "Codelist",
        "codelist.Codelist",
        cl.agency,
        cl.id,
        cl.version,
        cl.name,
        cl.description,
    )
    if not ml30_writable(cl):
        elem.set("isExternalReference", "true")
        return
    for code in source_order(parts, cl):
        item = _named(elem, "Code", code.id, code.name, code.description)
        _annotations(item, code.sdmx_annotations)
        if code.parent is not None and code.parent in cl:
            _el(item, STR, "Parent", code.parent)


def _representation(
    parent: etree._Element, tag: str, rep: Representation, multi: bool = True
) -> None:
    elem = _el(parent, STR, tag)
    if multi and rep.max_occurs != 1:
        elem.set("minOccurs", "1")
        elem.set("maxOccurs", "unbounded" if rep.max_occurs is None else str(rep.max_occurs))
    if rep.codelist is not None:
        _el(elem, STR, "Enumeration", rep.codelist.urn)
        return
    fmt = _el(elem, STR, "TextFormat", textType=rep.text_type)
    for key, value in (
        ("minValue", rep.min_value),
        ("maxValue", rep.max_value),
        ("pattern", rep.pattern),
    ):
        if value is not None:
            fmt.set(key, value)


def _foreign_concepts(parent: etree._Element, scheme: ReusedConceptScheme) -> None:
    elem = _maintainable(
        parent,
        "ConceptScheme",
        "conceptscheme.ConceptScheme",
        scheme.agency,
        scheme.id,
        scheme.version,
        scheme.name,
        scheme.description,
        isPartial="false",
    )
    for concept in scheme.concepts:
        item = _named(elem, "Concept", concept.id, concept.name, concept.description)
        _annotations(item, concept.annotations)
        if concept.text_type is not None:
            rep = Representation(text_type=concept.text_type)
            _representation(item, "CoreRepresentation", rep, multi=False)


def _concepts(parent: etree._Element, parts: Parts) -> None:
    for agency, id_, version, name, partial, concepts in parts.schemes:
        scheme = foreign_scheme(parts, agency, id_, version, concepts)
        if scheme is not None:
            _foreign_concepts(parent, scheme)
            continue
        if agency != parts.structure.agency:  # no copy of the source: an external reference
            stub = _maintainable(
                parent, "ConceptScheme", "conceptscheme.ConceptScheme", agency, id_, version, name
            )
            stub.set("isExternalReference", "true")
            continue
        elem = _maintainable(
            parent,
            "ConceptScheme",
            "conceptscheme.ConceptScheme",
            agency,
            id_,
            version,
            name,
            isPartial=str(partial).lower(),
        )
        for concept in concepts:
            item = _named(elem, "Concept", concept.id, concept.name, concept.description)
            if concept.core is not None:
                _representation(item, "CoreRepresentation", concept.core, multi=False)


def _dsd(parent: etree._Element, parts: Parts) -> None:
    st = parts.structure
    elem = _maintainable(
        parent,
        "DataStructure",
        "datastructure.DataStructure",
        st.agency,
        st.dsd_id,
        st.label(st.dsd_version, "3.0"),
        st.standard.dsd.name,
    )
    comps = _el(elem, STR, "DataStructureComponents")
    version = st.label(st.dsd_version, "3.0")
    base = f"{_URN}datastructure.{{}}={st.agency}:{st.dsd_id}({version}).{{}}"
    dims = _el(
        comps,
        STR,
        "DimensionList",
        id="DimensionDescriptor",
        urn=base.format("DimensionDescriptor", "DimensionDescriptor"),
    )
    for comp in parts.of_kind("dimension") + parts.of_kind("time"):
        tag = "Dimension" if comp.kind == "dimension" else "TimeDimension"
        item = _el(dims, STR, tag, id=comp.id, urn=base.format(tag, comp.id))
        if comp.kind == "dimension":
            item.set("position", str(comp.position))
        _el(item, STR, "ConceptIdentity", comp.concept.urn)
        _representation(item, "LocalRepresentation", comp.representation)
    attrs = _el(
        comps,
        STR,
        "AttributeList",
        id="AttributeDescriptor",
        urn=base.format("AttributeDescriptor", "AttributeDescriptor"),
    )
    for comp in parts.of_kind("attribute"):
        item = _el(
            attrs,
            STR,
            "Attribute",
            id=comp.id,
            urn=base.format("DataAttribute", comp.id),
            usage="mandatory" if comp.mandatory else "optional",
        )
        _el(item, STR, "ConceptIdentity", comp.concept.urn)
        _representation(item, "LocalRepresentation", comp.representation)
        rel = _el(item, STR, "AttributeRelationship")
        if comp.level == "dataset":
            _el(rel, STR, "Dataflow")
        elif comp.level == "series":
            for dim in parts.of_kind("dimension"):
                _el(rel, STR, "Dimension", dim.id)
        else:
            _el(rel, STR, "Observation")
    measures = _el(
        comps,
        STR,
        "MeasureList",
        id="MeasureDescriptor",
        urn=base.format("MeasureDescriptor", "MeasureDescriptor"),
    )
    for comp in parts.of_kind("measure"):
        item = _el(measures, STR, "Measure", id=comp.id, urn=base.format("Measure", comp.id))
        _el(item, STR, "ConceptIdentity", comp.concept.urn)
        _representation(item, "LocalRepresentation", comp.representation)


def _msd_attribute(parent: etree._Element, attr: MetadataAttribute, parts: Parts) -> None:
    item = _el(
        parent,
        STR,
        "MetadataAttribute",
        id=attr.id,
        minOccurs=str(attr.min_occurs),
        maxOccurs="unbounded" if attr.max_occurs is None else str(attr.max_occurs),
    )
    if attr.presentational:
        item.set("isPresentational", "true")
    _el(item, STR, "ConceptIdentity", parts.msd_concepts[attr.id].urn)
    if attr.codelist is not None:
        cl = get_codelist(attr.codelist, agency=parts.structure.agency)
        _representation(item, "LocalRepresentation", Representation(cl), multi=False)
    elif attr.text_type is not None:
        rep = Representation(
            text_type=attr.text_type, min_value=attr.min_value, max_value=attr.max_value
        )
        _representation(item, "LocalRepresentation", rep, multi=False)
    for child in attr.children:
        _msd_attribute(item, child, parts)


def _data_constraint(parent: etree._Element, st: DatasetStructure, constraint: Constraint) -> None:
    """The dataflow's allowed content constraint (role ``Allowed``), SDMX 3.0."""
    elem = _maintainable(
        parent,
        "DataConstraint",
        "registry.DataConstraint",
        st.agency,
        constraint.id,
        st.label(constraint.version, "3.0"),
        f"Allowed content of {st.dataflow_id}",
        role="Allowed",
    )
    attach = _el(elem, STR, "ConstraintAttachment")
    _el(attach, STR, "Dataflow", st.dataflow_urn_for("3.0"))
    region = _el(elem, STR, "CubeRegion", include="true")
    for dim, codes in constraint.allowed.items():
        key = _el(region, STR, "KeyValue", id=dim)
        for code in codes:
            _el(key, STR, "Value", code)


def _structures(root: etree._Element, parts: Parts) -> None:
    st, msd = parts.structure, parts.structure.standard.msd
    box = _el(root, MES, "Structures")
    codelists = _el(box, STR, "Codelists")
    for cl in parts.codelists:
        _codelist(codelists, cl, parts)
    _concepts(_el(box, STR, "ConceptSchemes"), parts)
    constraint = st.constraint
    if constraint is not None:
        _data_constraint(_el(box, STR, "DataConstraints"), st, constraint)
    flows = _el(box, STR, "Dataflows")
    dsd_urn = st.dsd_urn_for("3.0")
    for flow_id, name in parts.dataflows:
        flow = _maintainable(
            flows,
            "Dataflow",
            "datastructure.Dataflow",
            st.agency,
            flow_id,
            st.label(st.dataflow_version, "3.0"),
            name,
        )
        _el(flow, STR, "Structure", dsd_urn)
    if parts.providers:
        scheme = _maintainable(
            _el(box, STR, "DataProviderSchemes"),
            "DataProviderScheme",
            "base.DataProviderScheme",
            st.agency,
            "DATA_PROVIDERS",
            "1.0",
            "Data providers",
            isPartial="false",
        )
        del scheme.attrib["version"]  # fixed at 1.0 in SDMX 3.0: not written
        for provider in parts.providers:
            _named(
                scheme,
                "DataProvider",
                provider.id,
                provider.name,
                urn=f"{_URN}base.DataProvider={st.agency}:DATA_PROVIDERS(1.0).{provider.id}",
            )
    _dsd(_el(box, STR, "DataStructures"), parts)
    mdf = _maintainable(
        _el(box, STR, "Metadataflows"),
        "Metadataflow",
        "metadatastructure.Metadataflow",
        st.agency,
        msd.metadataflow,
        msd.version,
        f"{msd.name} (metadataflow)",
    )
    msd_urn = maintainable_urn(
        "metadatastructure.MetadataStructure", st.agency, msd.id, msd.version
    )
    _el(mdf, STR, "Structure", msd_urn)
    _el(mdf, STR, "Target", f"{_URN}datastructure.Dataflow={st.agency}:*(*)")
    elem = _maintainable(
        _el(box, STR, "MetadataStructures"),
        "MetadataStructure",
        "metadatastructure.MetadataStructure",
        st.agency,
        msd.id,
        msd.version,
        msd.name,
    )
    mlist = _el(
        _el(elem, STR, "MetadataStructureComponents"),
        STR,
        "MetadataAttributeList",
        id="MetadataAttributeDescriptor",
    )
    for attr in parts.msd:
        _msd_attribute(mlist, attr, parts)


def _mark_drafts(root: etree._Element, st: DatasetStructure) -> None:
    """Give the coalition code lists of a draft release the ``-draft`` version extension.

    SDMX 3.0 has no ``isFinal``: a version without extension is stable, so a draft's code
    lists (and every reference to them) carry ``X.Y.Z-draft``, as its DSD and dataflow do.
    """
    drafts = {cl.urn: cl for cl in st.own_codelists if not st.is_final(cl.version)}
    if not drafts:
        return
    for elem in root.iter(f"{{{STR}}}Codelist", f"{{{STR}}}Enumeration"):
        urn = elem.get("urn") if elem.tag.endswith("Codelist") else elem.text
        cl = drafts.get(urn or "")
        if cl is None:
            continue
        new = urn.replace(f"({cl.version})", f"({st.label(cl.version, '3.0')})")  # type: ignore[union-attr]
        if elem.tag.endswith("Codelist"):
            elem.set("urn", new)
            elem.set("version", st.label(cl.version, "3.0"))
        else:
            elem.text = new


def write(structure: DatasetStructure, out: BinaryIO, *, content: Content = "all") -> None:
    """Write the structures of ``structure`` as an SDMX-ML 3.0 structure message.

    Args:
        structure: the dataset's structures (`sdmx_cso.model.structure.structure_for`).
        out: a binary stream.
        content: ``all``, or only the ``data`` or the ``metadata`` structures
            (`sdmx_cso.formats.structure_split`).
    """
    root = etree.Element(f"{{{MES}}}Structure", nsmap={"mes": MES, "str": STR, "com": COM})
    header = _el(root, MES, "Header")
    _el(header, MES, "ID", f"IREF{uuid.uuid4().hex[:16].upper()}")
    _el(header, MES, "Test", "false")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    _el(header, MES, "Prepared", now)
    _el(header, MES, "Sender", id=structure.agency)
    parts = structure_parts(structure, "3.0")
    _structures(root, parts)
    _mark_drafts(root, structure)
    prune_xml(root, parts, content)
    out.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))

"""The standard's structures as sdmx1 objects, and SDMX-ML 2.1 structure messages.

:func:`to_sdmx1` builds, from a :class:`~sdmx_cso.model.structure.DatasetStructure`, the
sdmx1 (``sdmx.model.v21``) objects of everything
:func:`~sdmx_cso.formats.structure_ml30.structure_parts` lists: concept schemes, code lists,
the DSD, dataflows, the DataProviderScheme and the MSD with its metadataflow.
:func:`write_ml21` writes them through ``sdmx.to_xml`` and repairs what sdmx1 2.28 gets
wrong (see ``../research/sdmx1.md``):

- it sets what sdmx1 needs to write valid XML: booleans ``isFinal`` and
  ``isExternalReference`` (P1), URNs (P2), component-list IDs (P3), names (P4);
- text-format facets (``pattern``, ``minValue``) are not written by sdmx1: they are added;
- metadataflows are dropped by sdmx1: they are written here;
- ``mes:Structures`` children are put in the order of the XSD (sdmx1 writes
  ``MetadataStructures`` after ``DataStructures``);
- ``objectType="DataflowDefinition"`` is spelled ``Dataflow``, as the XSD requires.
"""

from __future__ import annotations

from typing import Any, BinaryIO

import sdmx
import sdmx.urn
from sdmx.message import Header, StructureMessage
from sdmx.model import common, v21

from sdmx_cso.bridge import _ml21
from sdmx_cso.codelists import Annotation, Codelist, ReusedConceptScheme
from sdmx_cso.formats.msd import DATAFLOW_TARGET_OBJECT, MetadataAttribute
from sdmx_cso.formats.structure_ml30 import (
    Concept,
    Parts,
    Representation,
    foreign_scheme,
    source_order,
    structure_parts,
)
from sdmx_cso.formats.structure_split import Content
from sdmx_cso.model.structure import DatasetStructure
from sdmx_cso.standard import get_codelist

__all__ = ["to_sdmx1", "write_ml21"]

_TYPES = {
    "String": common.FacetValueType.string,
    "Double": common.FacetValueType.double,
    "Integer": common.FacetValueType.integer,
    "Decimal": common.FacetValueType.decimal,
    "Boolean": common.FacetValueType.boolean,
    # sdmx1 writes FacetValueType.uri as textType="Uri" (XSD-invalid) and cannot read the
    # valid "URI" back (KeyError 'uRI'): in SDMX-ML 2.1, a URL is a String.
    "URI": common.FacetValueType.string,
    "GregorianDay": common.FacetValueType.gregorianDay,
    "ObservationalTimePeriod": common.FacetValueType.observationalTimePeriod,
}


_CONCEPT_URN = "urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept="

_URN_CLASS = {
    "DataflowDefinition": "Dataflow",
    "DataStructureDefinition": "DataStructure",
    "MetadataflowDefinition": "Metadataflow",
    "MetadataStructureDefinition": "MetadataStructure",
}


def _text_format(value_type: common.FacetValueType) -> common.Representation:
    return common.Representation(non_enumerated=[common.Facet(value_type=value_type)])


def _no_representation() -> common.Representation:
    """The core representation of a concept that has none, for sdmx1's sake.

    sdmx1 2.28's data reader looks up ``concept_identity.core_representation.enumerated`` of
    every attribute (``reader/xml/v21.py``), which fails on ``None``: an empty representation
    stands in, and :func:`sdmx_cso.bridge._ml21.fix_up` removes the empty
    ``str:CoreRepresentation`` that sdmx1 writes for it.
    """
    return common.Representation()


def _en(text: str | None) -> dict[str, str]:
    return {"en": text} if text else {}


def _annotations(annotations: tuple[Annotation, ...]) -> list[v21.Annotation]:
    """sdmx1 annotations, in order; an empty title or type is written as sdmx1 writes ``None``."""
    return [
        v21.Annotation(id=a.id, title=a.title, type=a.type, text=_en(a.text)) for a in annotations
    ]


class _Builder:
    def __init__(self, parts: Parts, *, writable: bool = False) -> None:
        self.parts = parts
        self.writable = writable
        self.agencies: dict[str, common.Agency] = {}
        self.codelists: dict[str, v21.Codelist] = {}
        self.concepts: dict[str, v21.Concept] = {}  # by URN
        self.message = StructureMessage(
            header=Header(id="STRUCTURES", sender=self.agency(parts.structure.agency))
        )

    @property
    def agency_id(self) -> str:
        return self.parts.structure.agency

    def agency(self, agency_id: str) -> common.Agency:
        if agency_id not in self.agencies:
            self.agencies[agency_id] = common.Agency(id=agency_id, name={"en": agency_id})
        return self.agencies[agency_id]

    def maintainable(
        self,
        cls: type[Any],
        agency: str,
        id_: str,
        version: str,
        name: str,
        description: str | None = None,
        **kw: Any,
    ) -> Any:
        obj = cls(
            id=id_,
            name=_en(name or id_),
            description=_en(description),
            version=version,
            maintainer=self.agency(agency),
            is_final=True,
            is_external_reference=False,
            **kw,
        )
        # sdmx1 names URN classes after its Python classes (DataflowDefinition…): fix them
        obj.urn = sdmx.urn.make(obj, klass=_URN_CLASS.get(cls.__name__, cls.__name__))
        self.message.add(obj)
        return obj

    def codelist(self, cl: Codelist) -> v21.Codelist:
        if cl.urn in self.codelists:
            return self.codelists[cl.urn]
        obj = self.maintainable(v21.Codelist, cl.agency, cl.id, cl.version, cl.name, cl.description)
        for code in source_order(self.parts, cl):
            obj.append(
                v21.Code(
                    id=code.id,
                    name=_en(code.name),
                    description=_en(code.description),
                    annotations=_annotations(code.sdmx_annotations),
                )
            )
        for code in cl:
            if code.parent is not None and code.parent in cl:
                obj[code.parent].append_child(obj[code.id])
        obj.is_final = self.parts.structure.is_final(cl.version) or cl.agency != self.agency_id
        self.codelists[cl.urn] = obj
        return obj

    def representation(self, rep: Representation | None) -> common.Representation | None:
        if rep is None:
            return None
        if rep.codelist is not None:
            return common.Representation(enumerated=self.codelist(rep.codelist))
        facet = common.Facet(value_type=_TYPES[rep.text_type])
        return common.Representation(non_enumerated=[facet])

    def foreign_concepts(self, scheme: ReusedConceptScheme) -> None:
        obj = self.maintainable(
            v21.ConceptScheme,
            scheme.agency,
            scheme.id,
            scheme.version,
            scheme.name,
            scheme.description,
            is_partial=False,
        )
        for concept in scheme.concepts:
            item = v21.Concept(
                id=concept.id,
                name=_en(concept.name),
                description=_en(concept.description),
                annotations=_annotations(concept.annotations),
            )
            item.core_representation = _no_representation()
            if concept.text_type is not None:
                item.core_representation = _text_format(
                    common.FacetValueType[concept.text_type[0].lower() + concept.text_type[1:]]
                )
            obj.append(item)
            item.urn = f"{_CONCEPT_URN}{scheme.agency}:{scheme.id}({scheme.version}).{item.id}"
            self.concepts[item.urn] = item

    def external_concepts(
        self, agency: str, id_: str, version: str, name: str, concepts: tuple[Concept, ...]
    ) -> None:
        """A scheme we have no copy of, as an external reference.

        sdmx1 does not write it, but needs its concepts to write the DSD's references
        (:func:`sdmx_cso.bridge._ml21.fix_up` writes the stub).
        """
        scheme = self.maintainable(v21.ConceptScheme, agency, id_, version, name)
        scheme.is_external_reference = True
        for concept in concepts:
            obj = v21.Concept(id=concept.id, name=_en(concept.id))
            obj.core_representation = _no_representation()
            scheme.append(obj)
            obj.urn = concept.urn
            self.concepts[concept.urn] = obj

    def concept_schemes(self) -> None:
        for agency, id_, version, name, partial, concepts in self.parts.schemes:
            foreign = foreign_scheme(self.parts, agency, id_, version, concepts)
            if foreign is not None:
                self.foreign_concepts(foreign)
                continue
            if agency != self.parts.structure.agency:
                self.external_concepts(agency, id_, version, name, concepts)
                continue
            scheme = self.maintainable(
                v21.ConceptScheme, agency, id_, version, name, is_partial=partial
            )
            for concept in concepts:
                obj = v21.Concept(
                    id=concept.id, name=_en(concept.name), description=_en(concept.description)
                )
                obj.core_representation = self.representation(concept.core)
                scheme.append(obj)
                obj.urn = concept.urn
                self.concepts[concept.urn] = obj

    def dsd(self) -> v21.DataStructureDefinition:
        st = self.parts.structure
        dsd: v21.DataStructureDefinition = self.maintainable(
            v21.DataStructureDefinition, st.agency, st.dsd_id, st.dsd_version, st.standard.dsd.name
        )
        dsd.is_final = st.is_final(st.dsd_version)
        dsd.dimensions.id = "DimensionDescriptor"
        dsd.attributes.id = "AttributeDescriptor"
        dsd.measures.id = "MeasureDescriptor"
        for comp in self.parts.components:
            kw = {
                "id": comp.id,
                "concept_identity": self.concepts[comp.concept.urn],
                "local_representation": self.representation(comp.representation),
            }
            if comp.kind == "dimension":
                dsd.dimensions.append(v21.Dimension(order=comp.position, **kw))
            elif comp.kind == "time":
                dsd.dimensions.append(v21.TimeDimension(order=comp.position, **kw))
            elif comp.kind == "measure":
                dsd.measures.append(v21.PrimaryMeasure(**kw))
        dims = [d for d in dsd.dimensions if not isinstance(d, v21.TimeDimension)]
        for comp in self.parts.of_kind("attribute"):
            related: Any
            if comp.level == "dataset":
                related = v21.NoSpecifiedRelationship()
            elif comp.level == "series":
                related = v21.DimensionRelationship(dimensions=dims)
            else:
                related = v21.PrimaryMeasureRelationship()
            status = (
                common.UsageStatus.mandatory if comp.mandatory else common.UsageStatus.conditional
            )
            dsd.attributes.append(
                common.DataAttribute(
                    id=comp.id,
                    concept_identity=self.concepts[comp.concept.urn],
                    local_representation=self.representation(comp.representation),
                    related_to=related,
                    usage_status=status,
                )
            )
        return dsd

    def dataflows(self, dsd: v21.DataStructureDefinition) -> None:
        st = self.parts.structure
        for flow_id, name in self.parts.dataflows:
            flow = self.maintainable(
                v21.DataflowDefinition,
                st.agency,
                flow_id,
                st.dataflow_version,
                name,
                structure=dsd,
            )
            flow.is_final = st.is_final(st.dataflow_version)
            if st.constraint is not None and flow_id == st.dataflow_id:
                self.constraint(flow, dsd)

    def constraint(self, flow: v21.DataflowDefinition, dsd: v21.DataStructureDefinition) -> None:
        """The dataflow's allowed content constraint (a ContentConstraint, role Allowed)."""
        st = self.parts.structure
        assert st.constraint is not None
        region = v21.CubeRegion(included=True)
        for dim_id, codes in st.constraint.allowed.items():
            dim = dsd.dimensions.get(dim_id)
            region.member[dim] = v21.MemberSelection(
                values_for=dim, values=[v21.MemberValue(value=c) for c in codes]
            )
        obj = self.maintainable(
            v21.ContentConstraint,
            st.agency,
            st.constraint.id,
            st.constraint.version,
            f"Allowed content of {st.dataflow_id}",
            role=common.ConstraintRole(role=common.ConstraintRoleType.allowable),
            content={flow},
            data_content_region=[region],
        )
        obj.is_final = st.is_final(st.constraint.version)

    def providers(self) -> None:
        if not self.parts.providers:
            return
        st = self.parts.structure
        scheme = self.maintainable(
            v21.DataProviderScheme,
            st.agency,
            "DATA_PROVIDERS",
            "1.0",
            "Data providers",
            is_partial=False,
        )
        scheme.is_final = False  # a DataProviderScheme is never final (SDMX 2.1)
        for provider in self.parts.providers:
            scheme.append(v21.DataProvider(id=provider.id, name=_en(provider.name)))

    def msd_attribute(self, attr: MetadataAttribute) -> v21.MetadataAttribute:
        rep: Representation | None = None
        if attr.codelist is not None:
            rep = Representation(get_codelist(attr.codelist, agency=self.parts.structure.agency))
        elif attr.text_type is not None:
            rep = Representation(text_type=attr.text_type)
        obj = v21.MetadataAttribute(
            id=attr.id,
            concept_identity=self.concepts[self.parts.msd_concepts[attr.id].urn],
            local_representation=self.representation(rep),
            min_occurs=attr.min_occurs,
            max_occurs=attr.max_occurs,
            is_presentational=attr.presentational or None,
        )
        for child in attr.children:
            sub = self.msd_attribute(child)
            sub.parent = obj
            obj.child.append(sub)
        return obj

    def msd(self) -> None:
        st, spec = self.parts.structure, self.parts.structure.standard.msd
        msd = self.maintainable(
            v21.MetadataStructureDefinition, st.agency, spec.id, spec.version, spec.name
        )
        # the report is about a data set of a dataflow, named by DATASET_ID (formats.msd)
        target = v21.MetadataTarget(id=spec.metadata_target)
        target.components.append(
            v21.IdentifiableObjectTarget(
                id=DATAFLOW_TARGET_OBJECT,
                object_type=v21.DataflowDefinition,
                local_representation=_text_format(common.FacetValueType.identifiableReference),
            )
        )
        msd.target[target.id] = target
        report = v21.ReportStructure(id=spec.report_structure, report_for=[target])
        for attr in self.parts.msd:
            report.components.append(self.msd_attribute(attr))
        msd.report_structure[report.id] = report
        self.maintainable(
            v21.MetadataflowDefinition,
            st.agency,
            spec.metadataflow,
            spec.version,
            f"{spec.name} (metadataflow)",
            structure=msd,
        )

    def build(self) -> StructureMessage:
        self.concept_schemes()
        for cl in self.parts.codelists:
            self.codelist(cl)
        self.dataflows(self.dsd())
        self.providers()
        self.msd()
        return self.message


def to_sdmx1(structure: DatasetStructure) -> StructureMessage:
    """The structures of ``structure`` as an sdmx1 structure message (SDMX 2.1 model).

    Args:
        structure: the dataset's structures (`sdmx_cso.model.structure.structure_for`).

    Returns:
        A ``sdmx.message.StructureMessage`` holding the concept schemes, every code list,
        the DSD, the dataflows, the DataProviderScheme (when the dataset names providers),
        the MSD and the metadataflow.
    """
    return _Builder(structure_parts(structure, "2.1")).build()


def write_ml21(structure: DatasetStructure, out: BinaryIO, *, content: Content = "all") -> None:
    """Write the structures of ``structure`` as an SDMX-ML 2.1 structure message.

    Written by ``sdmx.to_xml`` and repaired (:mod:`sdmx_cso.bridge._ml21`), so that it is
    valid against the official SDMX-ML 2.1 XSDs.

    Args:
        structure: the dataset's structures (`sdmx_cso.model.structure.structure_for`).
        out: a binary stream.
        content: ``all``, or only the ``data`` or ``metadata`` structures.
    """
    parts = structure_parts(structure, "2.1")
    _ml21.write(_Builder(parts, writable=True).build(), parts, out, content=content)

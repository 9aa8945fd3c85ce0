"""SDMX-ML 2.1 structure messages: written by ``sdmx.to_xml``, then repaired.

sdmx1 2.28 writes a structure message that the official XSDs reject or that loses content
(``../research/sdmx1.md`` §3, §4); each repair is one function here:

- :func:`_reorder`: ``mes:Structures`` children in the XSD's order (sdmx1 writes
  ``MetadataStructures`` after ``DataStructures``);
- :func:`_metadataflows`: sdmx1 drops metadataflows; they are written here;
- :func:`_spellings`: ``objectType="DataflowDefinition"`` → ``Dataflow``, as the XSD
  spells it;
- :func:`_facets`: sdmx1 writes only ``textType`` of a text format; the ``pattern``,
  ``minValue`` and ``maxValue`` facets are added;
- :func:`_occurrences`: an unbounded metadata attribute gets ``maxOccurs="unbounded"``
  (sdmx1 leaves it out, which means 1);
- :func:`_external_stubs`: sdmx1 does not write a maintainable that is an external
  reference: the concept scheme of another agency that we have no copy of
  (``SDMX:CROSS_DOMAIN_CONCEPTS``) is written here as a stub (``isExternalReference="true"``,
  its URN and name, no concepts: its content is its owner's);
- :func:`_empty_representations`: the empty ``str:CoreRepresentation`` that sdmx1 writes for
  a concept given an empty representation (``structures._no_representation``) is removed.
"""

from __future__ import annotations

from typing import BinaryIO

import sdmx
from lxml import etree

from sdmx_cso.formats.msd import MetadataAttribute
from sdmx_cso.formats.structure_ml30 import (
    Parts,
    Representation,
    foreign_scheme,
    maintainable_urn,
)
from sdmx_cso.formats.structure_split import Content, prune_xml

__all__ = ["fix_up", "to_bytes"]

_NS = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/{}"
MES, STR, COM = _NS.format("message"), _NS.format("structure"), _NS.format("common")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: The children of ``mes:Structures``, in the order of ``SDMXStructure.xsd``.
_ORDER = (
    "OrganisationSchemes",
    "Dataflows",
    "Metadataflows",
    "CategorySchemes",
    "Categorisations",
    "Codelists",
    "HierarchicalCodelists",
    "Concepts",
    "MetadataStructures",
    "DataStructures",
    "StructureSets",
    "ReportingTaxonomies",
    "Processes",
    "Constraints",
    "ProvisionAgreements",
)


def _s(tag: str) -> str:
    return f"{{{STR}}}{tag}"


def _reorder(structures: etree._Element) -> None:
    children = sorted(structures, key=lambda e: _ORDER.index(etree.QName(e).localname))
    structures[:] = children


def _metadataflows(structures: etree._Element, parts: Parts) -> None:
    st, msd = parts.structure, parts.structure.standard.msd
    box = etree.SubElement(structures, _s("Metadataflows"))
    flow = etree.SubElement(
        box,
        _s("Metadataflow"),
        {
            "urn": f"urn:sdmx:org.sdmx.infomodel.metadatastructure.Metadataflow="
            f"{st.agency}:{msd.metadataflow}({msd.version})",
            "isExternalReference": "false",
            "isFinal": "true",
            "agencyID": st.agency,
            "version": msd.version,
            "id": msd.metadataflow,
        },
    )
    name = etree.SubElement(flow, f"{{{COM}}}Name")
    name.set(_XML_LANG, "en")
    name.text = f"{msd.name} (metadataflow)"
    etree.SubElement(
        etree.SubElement(flow, _s("Structure")),
        "Ref",
        {
            "agencyID": st.agency,
            "id": msd.id,
            "version": msd.version,
            "package": "metadatastructure",
            "class": "MetadataStructure",
        },
    )


def _spellings(root: etree._Element) -> None:
    for target in root.iter(_s("IdentifiableObjectTarget")):
        if target.get("objectType") == "DataflowDefinition":
            target.set("objectType", "Dataflow")


def _set_facets(fmt: etree._Element | None, rep: Representation) -> None:
    if fmt is None:
        return
    for key, value in (
        ("pattern", rep.pattern),
        ("minValue", rep.min_value),
        ("maxValue", rep.max_value),
    ):
        if value is not None:
            fmt.set(key, value)


def _facets(root: etree._Element, parts: Parts) -> None:
    dsd = root.find(f".//{_s('DataStructure')}")
    assert dsd is not None
    by_id = {
        e.get("id"): e for lst in dsd.iterfind(f"{_s('DataStructureComponents')}/*") for e in lst
    }
    for comp in parts.components:
        path = f"{_s('LocalRepresentation')}/{_s('TextFormat')}"
        _set_facets(by_id[comp.id].find(path), comp.representation)
    for agency, scheme_id, _, _, _, concepts in parts.schemes:
        if agency != parts.structure.agency:  # another agency's scheme: as its source has it
            continue
        scheme = root.find(f".//{_s('ConceptScheme')}[@id='{scheme_id}']")
        assert scheme is not None
        for concept in concepts:
            if concept.core is not None:
                path = f"{_s('Concept')}[@id='{concept.id}']/{_s('CoreRepresentation')}"
                _set_facets(scheme.find(f"{path}/{_s('TextFormat')}"), concept.core)


def _empty_representations(root: etree._Element) -> None:
    for rep in list(root.iter(_s("CoreRepresentation"))):
        if len(rep) == 0:
            parent = rep.getparent()
            assert parent is not None
            parent.remove(rep)


def _external_stubs(structures: etree._Element, parts: Parts) -> None:
    box = structures.find(_s("Concepts"))
    assert box is not None
    for agency, id_, version, name, _, concepts in parts.schemes:
        if agency == parts.structure.agency:
            continue
        if foreign_scheme(parts, agency, id_, version, concepts) is not None:
            continue
        for old in box.findall(f"{_s('ConceptScheme')}[@id='{id_}'][@agencyID='{agency}']"):
            box.remove(old)
        stub = etree.SubElement(
            box,
            _s("ConceptScheme"),
            {
                "urn": maintainable_urn("conceptscheme.ConceptScheme", agency, id_, version),
                "isExternalReference": "true",
                "agencyID": agency,
                "id": id_,
                "isFinal": "true",
                "version": version,
            },
        )
        etree.SubElement(stub, f"{{{COM}}}Name", {_XML_LANG: "en"}).text = name


def _occurrences(parent: etree._Element, attrs: tuple[MetadataAttribute, ...]) -> None:
    for attr in attrs:
        elem = parent.find(f"{_s('MetadataAttribute')}[@id='{attr.id}']")
        assert elem is not None
        if attr.max_occurs is None:
            elem.set("maxOccurs", "unbounded")
        rep = Representation(min_value=attr.min_value, max_value=attr.max_value)
        _set_facets(elem.find(f"{_s('LocalRepresentation')}/{_s('TextFormat')}"), rep)
        _occurrences(elem, attr.children)


def fix_up(xml: bytes, parts: Parts) -> etree._Element:
    """Repair sdmx1's SDMX-ML 2.1 structure message ``xml`` of ``parts``."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(xml, parser)
    structures = root.find(f"{{{MES}}}Structures")
    assert structures is not None
    _metadataflows(structures, parts)
    _reorder(structures)
    _spellings(root)
    _facets(root, parts)
    _external_stubs(structures, parts)
    _empty_representations(root)
    report = root.find(f".//{_s('ReportStructure')}")
    assert report is not None
    _occurrences(report, parts.msd)
    return root


def to_bytes(message: object, parts: Parts, *, content: Content = "all") -> bytes:
    """The repaired SDMX-ML 2.1 of an sdmx1 structure message built from ``parts``."""
    root = fix_up(sdmx.to_xml(message), parts)
    prune_xml(root, parts, content)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write(message: object, parts: Parts, out: BinaryIO, *, content: Content = "all") -> None:
    """Write the repaired SDMX-ML 2.1 of an sdmx1 structure message to ``out``."""
    out.write(to_bytes(message, parts, content=content))

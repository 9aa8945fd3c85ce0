"""A KE1-like national SDG DSD, written as an SDMX-ML 2.1 structure message for tests.

Provenance: KNBS publishes SDG data against its national DSD ``KE1:SDG(1.0)``; the KE1
sample in the corpus (``../shared/corpus/sdg/KE1_kenya_SDG_data_sample_structurespecific.xml``)
shows its shape: the fifteen dimensions of ``IAEG-SDGs:SDG``, REPORTING_TYPE ``G``, local
series ``_L_KE_110101_01`` … ``_05`` and city areas ``KE_NBO``, ``KE_MBA``, ``KE_KIS``,
``KE_NUU`` in REF_AREA, and NATURE on every observation. The DSD itself is not published in
the corpus, so this one is built from the global DSD 1.4 (the bundled component and code-list
tables) with those KE1 codes added to CL_SERIES and CL_AREA, under agency KE1. One local
series, ``_L_KE_010301_01``, is ours: a test's stand-in for a local series an NSO would
open for a coalition's measure.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from sdmx_cso.projection import global_target

_V21 = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/{}"
MES, STR, COM = _V21.format("message"), _V21.format("structure"), _V21.format("common")

KE1_AREAS = {
    "KE_NBO": "Nairobi",
    "KE_MBA": "Mombasa",
    "KE_KIS": "Kisumu",
    "KE_NUU": "Nakuru",
}
KE1_SERIES = {
    **{f"_L_KE_110101_0{i}": f"Kenya local series 11.1.1 part {i}" for i in range(1, 6)},
    "_L_KE_010301_01": "Persons with disabilities holding a disability card [1.3.1]",
}
#: Coalition county → KE1 city area (ISO 3166-2:KE counties of the four cities).
CROSSWALK = "KE-30,KE_NBO\nKE-28,KE_MBA\nKE-17,KE_KIS\nKE-31,KE_NUU\n"


def write_ke1_structure(path: Path) -> Path:
    """Write the KE1-like DSD with its code lists to ``path``."""
    target = global_target()
    root = etree.Element(f"{{{MES}}}Structure", nsmap={"mes": MES, "str": STR, "com": COM})
    header = etree.SubElement(root, f"{{{MES}}}Header")
    etree.SubElement(header, f"{{{MES}}}ID").text = "KE1_SDG_TEST"
    etree.SubElement(header, f"{{{MES}}}Test").text = "true"
    etree.SubElement(header, f"{{{MES}}}Prepared").text = "2024-02-07T00:00:00Z"
    etree.SubElement(header, f"{{{MES}}}Sender", id="KE1")
    structures = etree.SubElement(root, f"{{{MES}}}Structures")
    codelists = etree.SubElement(structures, f"{{{STR}}}Codelists")
    for component, codes in target.codes.items():
        extra = {"SERIES": KE1_SERIES, "REF_AREA": KE1_AREAS}.get(component, {})
        cl = etree.SubElement(
            codelists,
            f"{{{STR}}}Codelist",
            agencyID="KE1",
            id=f"CL_{component}",
            version="1.0",
        )
        etree.SubElement(cl, f"{{{COM}}}Name").text = f"KE1 code list of {component}"
        for code, name in {**codes, **extra}.items():
            item = etree.SubElement(cl, f"{{{STR}}}Code", id=code)
            etree.SubElement(item, f"{{{COM}}}Name").text = name
    dsds = etree.SubElement(structures, f"{{{STR}}}DataStructures")
    dsd = etree.SubElement(dsds, f"{{{STR}}}DataStructure", agencyID="KE1", id="SDG", version="1.0")
    etree.SubElement(dsd, f"{{{COM}}}Name").text = "KE1 national SDG DSD (test)"
    comps = etree.SubElement(dsd, f"{{{STR}}}DataStructureComponents")
    dims = etree.SubElement(comps, f"{{{STR}}}DimensionList", id="DimensionDescriptor")

    def enumerated(node: etree._Element, component: str) -> None:
        if component in target.codes:
            rep = etree.SubElement(node, f"{{{STR}}}LocalRepresentation")
            enum = etree.SubElement(rep, f"{{{STR}}}Enumeration")
            etree.SubElement(
                enum,
                "Ref",
                agencyID="KE1",
                id=f"CL_{component}",
                version="1.0",
                **{"class": "Codelist"},
            )

    for position, dim_id in enumerate(target.dimensions, start=1):
        dim = etree.SubElement(dims, f"{{{STR}}}Dimension", id=dim_id, position=str(position))
        enumerated(dim, dim_id)
    etree.SubElement(dims, f"{{{STR}}}TimeDimension", id="TIME_PERIOD")
    attrs = etree.SubElement(comps, f"{{{STR}}}AttributeList", id="AttributeDescriptor")
    for attr in target.attributes:
        node = etree.SubElement(
            attrs,
            f"{{{STR}}}Attribute",
            id=attr.id,
            assignmentStatus="Mandatory" if attr.mandatory else "Conditional",
        )
        enumerated(node, attr.id)
        rel = etree.SubElement(node, f"{{{STR}}}AttributeRelationship")
        if attr.level == "observation":
            etree.SubElement(
                etree.SubElement(rel, f"{{{STR}}}PrimaryMeasure"), "Ref", id="OBS_VALUE"
            )
        else:
            for dim_id in target.dimensions:
                etree.SubElement(etree.SubElement(rel, f"{{{STR}}}Dimension"), "Ref", id=dim_id)
    measures = etree.SubElement(comps, f"{{{STR}}}MeasureList", id="MeasureDescriptor")
    etree.SubElement(measures, f"{{{STR}}}PrimaryMeasure", id="OBS_VALUE")
    path.write_bytes(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )
    return path

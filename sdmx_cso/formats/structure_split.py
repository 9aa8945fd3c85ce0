"""Which artefacts go in which structure message: the data structures, the metadata structures.

A structure message can hold everything a receiver needs (``all``), or be split in two, as
``sdmx-cso structures`` writes it by default:

- **data structures** (``data``): the code lists, the data concept schemes, the DSD, the
  dataflows and their content constraints — what a registry or a reader needs to load data;
- **metadata structures** (``metadata``): the dataset-metadata concept scheme, the code
  lists its fields use, the data-provider scheme, the MSD and its metadataflow.

Why split: pysdmx 1.21 reads an SDMX-ML 2.1 MSD as if it were SDMX 3.0 and fails
(``KeyError: 'MetadataAttributeList'``), and sdmx1 2.28 does not implement SDMX-ML 3.0
``DataProviderSchemes`` and cannot read a 3.0 metadataflow or a ``URI`` text type. With the
MSD and the providers in their own message, both read the data structures whole
(``docs/standard/implementation.md``, "Structure messages").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from lxml import etree

from sdmx_cso.formats.msd import walk
from sdmx_cso.standard import get_codelist

if TYPE_CHECKING:
    from sdmx_cso.formats.structure_ml30 import Parts

__all__ = ["CONTENTS", "Content", "prune_json", "prune_xml"]

Content = Literal["all", "data", "metadata"]
CONTENTS: tuple[Content, ...] = ("all", "data", "metadata")

_META_SCHEME = "CGD_META_CONCEPTS"
#: Containers of each message, by local name (SDMX-ML 2.1 and 3.0) or SDMX-JSON key.
_DATA_ONLY = {"DataStructures", "Dataflows", "Constraints", "DataConstraints",
              "dataStructures", "dataflows", "dataConstraints"}  # fmt: skip
_METADATA_ONLY = {"MetadataStructures", "Metadataflows", "DataProviderSchemes",
                  "OrganisationSchemes", "metadataStructures", "metadataflows",
                  "dataProviderSchemes"}  # fmt: skip


def _msd_codelists(parts: Parts) -> set[tuple[str, str]]:
    """(agency, ID) of the code lists the MSD's attributes are coded by."""
    agency = parts.structure.agency
    found = set()
    for _, attr in walk(parts.msd):
        if attr.codelist is not None:
            cl = get_codelist(attr.codelist, agency=agency)
            found.add((cl.agency, cl.id))
    return found


def _dsd_codelists(parts: Parts) -> set[tuple[str, str]]:
    """(agency, ID) of the code lists the DSD and its concepts are coded by."""
    found = set()
    for comp in parts.components:
        for rep in (comp.representation, comp.concept.core):
            if rep is not None and rep.codelist is not None:
                found.add((rep.codelist.agency, rep.codelist.id))
    return found


def _codelist_filter(parts: Parts, content: Content) -> set[tuple[str, str]]:
    """The code lists a message of ``content`` leaves out (by agency and ID).

    The metadata message holds every code list its MSD refers to, so that it can be read on
    its own; the data message every other one (lists used by both are in both, unchanged).
    """
    msd = _msd_codelists(parts)
    if content == "metadata":
        return {(cl.agency, cl.id) for cl in parts.codelists} - msd
    return msd - _dsd_codelists(parts)


def _keeps_scheme(scheme_id: str, content: Content) -> bool:
    return (scheme_id == _META_SCHEME) is (content == "metadata")


def _local(elem: etree._Element) -> str:
    return etree.QName(elem).localname


def prune_xml(root: etree._Element, parts: Parts, content: Content) -> None:
    """Keep in an SDMX-ML (2.1 or 3.0) structure message only the artefacts of ``content``."""
    if content == "all":
        return
    drop = _METADATA_ONLY if content == "data" else _DATA_ONLY
    left_out = _codelist_filter(parts, content)
    for structures in root.iter("{*}Structures"):
        for container in list(structures):
            name = _local(container)
            if name in drop:
                structures.remove(container)
                continue
            for artefact in list(container):
                if not isinstance(artefact.tag, str):
                    continue
                kind = _local(artefact)
                key = (artefact.get("agencyID") or "", artefact.get("id") or "")
                if (kind == "Codelist" and key in left_out) or (
                    kind == "ConceptScheme" and not _keeps_scheme(key[1], content)
                ):
                    container.remove(artefact)
            if len(container) == 0:
                structures.remove(container)


def prune_json(data: dict[str, Any], parts: Parts, content: Content) -> None:
    """Keep in an SDMX-JSON structure message's ``data`` only the artefacts of ``content``."""
    if content == "all":
        return
    drop = _METADATA_ONLY if content == "data" else _DATA_ONLY
    for key in [k for k in data if k in drop]:
        del data[key]
    left_out = _codelist_filter(parts, content)
    data["codelists"] = [
        cl for cl in data.get("codelists", []) if (cl["agencyID"], cl["id"]) not in left_out
    ]
    data["conceptSchemes"] = [
        s for s in data.get("conceptSchemes", []) if _keeps_scheme(s["id"], content)
    ]
    for key in [k for k, v in data.items() if v == []]:
        del data[key]

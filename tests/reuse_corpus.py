"""Other agencies' artefacts as the corpus publishes them, read by other parsers than ours.

The IAEG-SDGs and SDMX artefacts of the SDG DSD 1.4 message are read with sdmx1
(``sdmx.read_sdmx``), the statcodelists CSVs with the csv module: never with
``scripts/build_codelists.py``, so that a parsing mistake of the build script (such as the
lost ``str:Parent/Ref`` of ``IAEG-SDGs:CL_AREA(1.4)``) shows up as a difference. Every artefact
is brought into one plain form (`Items`) that the tests compare field for field, whatever
format it was read from.
"""

from __future__ import annotations

import csv
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(os.environ.get("SDMX_CSO_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared (as tests/conftest.py finds it), else the calling test skips."""
    path = SHARED.resolve().joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs ../shared ({path} not found; set SDMX_CSO_SHARED to point elsewhere)")
    return path


DSD = ("corpus", "sdg", "IAEG-SDGs_SDG_DSD_1.4_tajstat.xml")
CSV_DIR = ("corpus", "sdmx_codelists")
#: SDMX code lists packaged from the statcodelists CSVs: id -> version.
CSV_CODELISTS = {
    "CL_FREQ": "2.1",
    "CL_OBS_STATUS": "2.2",
    "CL_CONF_STATUS": "1.2",
    "CL_DECIMALS": "1.0",
}
FOREIGN = ("IAEG-SDGs", "SDMX")

#: One annotation: (id, title, type, English text).
Note = tuple[str | None, str | None, str | None, str | None]
#: One item (code or concept): (id, name, description, parent or text type, annotations).
Item = tuple[str, str | None, str | None, str | None, tuple[Note, ...]]
#: An item scheme: (name, description, items in order).
Items = tuple[str | None, str | None, tuple[Item, ...]]


def _en(text: Any) -> str | None:
    if text is None:
        return None
    value: str | None = text.localizations.get("en")
    return value


def _sdmx1_notes(obj: Any) -> tuple[Note, ...]:
    return tuple((a.id, a.title, a.type, _en(a.text)) for a in obj.annotations)


def sdmx1_codelist(cl: Any) -> Items:
    """A code list read by sdmx1, in the plain form."""
    items = []
    for code in cl:
        parent_id = code.parent.id if isinstance(code.parent, type(code)) else None
        items.append(
            (code.id, _en(code.name), _en(code.description), parent_id, _sdmx1_notes(code))
        )
    return _en(cl.name), _en(cl.description), tuple(items)


def sdmx1_concepts(scheme: Any) -> Items:
    """A concept scheme read by sdmx1, in the plain form (text type in place of the parent)."""
    items = []
    for concept in scheme:
        core = concept.core_representation
        text_type = None
        if core is not None and core.non_enumerated:
            name = core.non_enumerated[0].value_type.name
            text_type = name[0].upper() + name[1:]
        items.append(
            (
                concept.id,
                _en(concept.name),
                _en(concept.description),
                text_type,
                _sdmx1_notes(concept),
            )
        )
    return _en(scheme.name), _en(scheme.description), tuple(items)


#: A maintainable written as an external reference (``isExternalReference="true"``).
STUB = "external reference"
_PARSER_KW = {"resolve_entities": False, "no_network": True, "huge_tree": True}


def read_ml21(data: bytes) -> dict[str, Items | str]:
    """Every IAEG-SDGs / SDMX code list and concept scheme of an SDMX-ML 2.1 message, by URN.

    Content from sdmx1; the order of the items from the document (lxml): sdmx1 puts a parent
    that is referenced before it is defined first. External references are `STUB`.
    """
    import io

    import sdmx
    from lxml import etree

    msg = sdmx.read_sdmx(io.BytesIO(data))
    root = etree.fromstring(data, etree.XMLParser(**_PARSER_KW))
    out: dict[str, Items | str] = {}
    order = {}
    for elem in root.iter("{*}Codelist", "{*}ConceptScheme"):
        if elem.get("agencyID") not in FOREIGN:
            continue
        if elem.get("isExternalReference") == "true":
            out[elem.get("urn")] = STUB
        order[elem.get("urn")] = [item.get("id") for item in elem.xpath("./*[@id]")]
    found = [(*sdmx1_codelist(cl), cl.urn) for cl in msg.codelist.values() if cl.urn]
    found += [(*sdmx1_concepts(cs), cs.urn) for cs in msg.concept_scheme.values()]
    for name, description, items, key in found:
        if key not in order or key in out:
            continue
        by_id = {item[0]: item for item in items}
        assert sorted(by_id) == sorted(order[key]), key
        out[key] = (name, description, tuple(by_id[i] for i in order[key]))
    return out


def _xml_en(elem: Any, tag: str) -> str | None:
    for child in elem.findall(f"{{*}}{tag}"):
        if child.get("{http://www.w3.org/XML/1998/namespace}lang") == "en":
            return str(child.text or "")
    return None


def read_ml30(data: bytes) -> dict[str, Items | str]:
    """Every IAEG-SDGs / SDMX code list and concept scheme of an SDMX-ML 3.0 message (lxml)."""
    from lxml import etree

    root = etree.fromstring(data, etree.XMLParser(**_PARSER_KW))
    out: dict[str, Items | str] = {}
    for elem in root.iter("{*}Codelist", "{*}ConceptScheme"):
        if elem.get("agencyID") not in FOREIGN:
            continue
        if elem.get("isExternalReference") == "true":
            out[elem.get("urn")] = STUB
            continue
        items = []
        for item in elem.xpath("./*[@id]"):
            notes = tuple(
                (
                    a.get("id"),
                    a.findtext("{*}AnnotationTitle"),
                    a.findtext("{*}AnnotationType"),
                    _xml_en(a, "AnnotationText"),
                )
                for a in item.iterfind("{*}Annotations/{*}Annotation")
            )
            fmt = item.find("{*}CoreRepresentation/{*}TextFormat")
            extra = item.findtext("{*}Parent") if fmt is None else fmt.get("textType")
            items.append(
                (item.get("id"), _xml_en(item, "Name"), _xml_en(item, "Description"), extra, notes)
            )
        out[elem.get("urn")] = (_xml_en(elem, "Name"), _xml_en(elem, "Description"), tuple(items))
    return out


def read_json20(data: bytes) -> dict[str, Items | str]:
    """Every IAEG-SDGs / SDMX code list and concept scheme of an SDMX-JSON 2.0 message."""
    import json

    message = json.loads(data)["data"]
    out: dict[str, Items | str] = {}
    for kind, key in (("codelists", "codes"), ("conceptSchemes", "concepts")):
        for scheme in message.get(kind, []):
            if scheme["agencyID"] not in FOREIGN:
                continue
            (self_urn,) = [link["urn"] for link in scheme["links"] if link["rel"] == "self"]
            if scheme.get("isExternalReference"):
                out[self_urn] = STUB
                continue
            items = []
            for item in scheme.get(key, []):
                notes = tuple(
                    (a.get("id"), a.get("title"), a.get("type"), (a.get("texts") or {}).get("en"))
                    for a in item.get("annotations", [])
                )
                core = item.get("coreRepresentation", {}).get("format", {}).get("dataType")
                extra = item.get("parent") if key == "codes" else core
                items.append(
                    (
                        item["id"],
                        item.get("names", {}).get("en"),
                        item.get("descriptions", {}).get("en"),
                        extra,
                        notes,
                    )
                )
            out[self_urn] = (
                scheme.get("names", {}).get("en"),
                scheme.get("descriptions", {}).get("en"),
                tuple(items),
            )
    return out


@cache
def corpus() -> dict[str, Items]:
    """Every IAEG-SDGs / SDMX code list and concept scheme of the corpus DSD message, by URN."""
    found = read_ml21(shared_path(*DSD).read_bytes())
    out = {key: value for key, value in found.items() if not isinstance(value, str)}
    assert len(out) == len(found), "the corpus has no external references"
    return out


@cache
def csv_rows(cl_id: str) -> tuple[tuple[str, str, str | None], ...]:
    """(id, name, description) of each row of a statcodelists CSV, read by the csv module."""
    with shared_path(*CSV_DIR, f"{cl_id}.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(
            (row["id"].strip(), row["name"].strip(), row["description"].strip() or None)
            for row in csv.DictReader(handle)
        )


def csv_description_matches(written: str | None, csv_text: str | None) -> bool:
    """Whether ``written`` is the CSV description, or it with the first capital "B" restored.

    statcodelists' build turned the first capital "B" of each description into "b"
    (``EMbARGO_TIME``): the packaged lists restore it (scripts/build_codelists.py).
    """
    if written is None or csv_text is None:
        return written == csv_text
    if len(written) != len(csv_text):
        return False
    diff = [i for i, (a, b) in enumerate(zip(written, csv_text, strict=True)) if a != b]
    return not diff or (len(diff) == 1 and csv_text[diff[0]] == "b" and written[diff[0]] == "B")


def assert_matches_csv(cl_id: str, items: Items) -> None:
    """The code list of ``cl_id`` written as ``items`` has exactly the CSV's codes."""
    rows = csv_rows(cl_id)
    assert [i[0] for i in items[2]] == [r[0] for r in rows]
    assert [i[1] for i in items[2]] == [r[1] for r in rows]
    for item, row in zip(items[2], rows, strict=True):
        assert csv_description_matches(item[2], row[2]), (cl_id, item[0], item[2], row[2])
        assert item[3:] == (None, ()), (cl_id, item[0])


def urn(kind: str, agency: str, id_: str, version: str) -> str:
    """The URN of a code list (``kind`` codelist) or a concept scheme (``conceptscheme``)."""
    cls = "codelist.Codelist" if kind == "codelist" else "conceptscheme.ConceptScheme"
    return f"urn:sdmx:org.sdmx.infomodel.{cls}={agency}:{id_}({version})"

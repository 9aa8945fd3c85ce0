"""scripts/build_codelists.py reads any SDMX-ML 2.1 code list as sdmx1 does (hypothesis).

Generated code lists — parents written with an unqualified ``Ref`` (as the SDG DSD message
does) or a ``com:Ref``, parents before or after their children, descriptions equal to the
name or absent, annotations with any of ID, title, type and text — are parsed by the build
script and by sdmx1; both must give the same codes, names, descriptions, parents and
annotations in the same order. The script's old ``str:Parent/com:Ref`` lookup fails this.
(sdmx1 refuses a ``com:Ref``, which the XSD does not allow either; the script reads it too.)
"""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from reuse_corpus import Item, sdmx1_codelist

ROOT = Path(__file__).resolve().parents[2]
MES = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
STR = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
COM = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"


def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_codelists", ROOT / "scripts" / "build_codelists.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


BUILD = build_script()
TEXT = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=12)
IDS = st.lists(
    st.from_regex(r"[A-Z][A-Z0-9_]{0,5}", fullmatch=True), min_size=1, max_size=8, unique=True
)
NOTE = st.tuples(
    st.none() | st.from_regex(r"[a-z][a-z0-9]{0,4}", fullmatch=True),
    st.none() | TEXT,
    st.none() | TEXT,
    st.none() | TEXT,
).filter(lambda n: any(part is not None for part in n[1:]))


@st.composite
def codelists(draw: Any) -> list[Item]:
    ids = draw(IDS)
    items = []
    for code_id in ids:
        name = draw(TEXT)
        description = draw(st.sampled_from([None, name]) | TEXT)
        others = [i for i in ids if i != code_id]
        parent = draw(st.none() | st.sampled_from(others)) if others else None
        notes = tuple(draw(st.lists(NOTE, max_size=3)))
        items.append((code_id, name, description, parent, notes))
    # no cycles: a parent chain must end
    parents = {i[0]: i[3] for i in items}
    for item in items:
        seen, at = set(), item[0]
        while at is not None and at not in seen:
            seen.add(at)
            at = parents[at]
        if at is not None:
            parents[item[0]] = None
    items = [(i[0], i[1], i[2], parents[i[0]], i[4]) for i in items]
    return items


def message(items: list[Item], *, qualified: bool) -> bytes:
    ref = "com:Ref" if qualified else "Ref"
    codes = []
    for code_id, name, description, parent, notes in items:
        urn = f"urn:sdmx:org.sdmx.infomodel.codelist.Code=IAEG-SDGs:CL_T(1.0).{code_id}"
        xml = f'<str:Code urn="{urn}" id="{code_id}">'
        if notes:
            xml += "<com:Annotations>"
            for note_id, title, kind, text in notes:
                xml += "<com:Annotation" + (f' id="{note_id}"' if note_id else "") + ">"
                if title is not None:
                    xml += f"<com:AnnotationTitle>{escape(title)}</com:AnnotationTitle>"
                if kind is not None:
                    xml += f"<com:AnnotationType>{escape(kind)}</com:AnnotationType>"
                if text is not None:
                    xml += f'<com:AnnotationText xml:lang="en">{escape(text)}</com:AnnotationText>'
                xml += "</com:Annotation>"
            xml += "</com:Annotations>"
        xml += f'<com:Name xml:lang="en">{escape(name)}</com:Name>'
        if description is not None:
            xml += f'<com:Description xml:lang="en">{escape(description)}</com:Description>'
        if parent is not None:
            xml += f"<str:Parent><{ref} id={quoteattr(parent)}/></str:Parent>"
        codes.append(xml + "</str:Code>")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><mes:Structure xmlns:mes="{MES}" '
        f'xmlns:str="{STR}" xmlns:com="{COM}"><mes:Header><mes:ID>T</mes:ID>'
        "<mes:Test>false</mes:Test><mes:Prepared>2021-06-24T09:45:37Z</mes:Prepared>"
        '<mes:Sender id="T"/></mes:Header><mes:Structures><str:Codelists>'
        '<str:Codelist urn="urn:sdmx:org.sdmx.infomodel.codelist.Codelist=IAEG-SDGs:CL_T(1.0)" '
        'isExternalReference="false" agencyID="IAEG-SDGs" id="CL_T" isFinal="true" '
        'version="1.0"><com:Name xml:lang="en">T</com:Name>'
        + "".join(codes)
        + "</str:Codelist></str:Codelists></mes:Structures></mes:Structure>"
    ).encode()


def script_items(data: bytes) -> list[Item]:
    root = etree.fromstring(data)
    (cl,) = BUILD.dsd_codelists(root.iter(f"{{{STR}}}Codelist"))
    return [
        (
            c["id"],
            c["name"],
            c.get("description"),
            c.get("parent"),
            tuple(
                (a.get("id"), a.get("title"), a.get("type"), a.get("text"))
                for a in c.get("annotations", [])
            ),
        )
        for c in cl["codes"]
    ]


@settings(max_examples=30)
@given(codelists())
def test_the_build_script_reads_code_lists_as_sdmx1_does(items: list[Item]) -> None:
    import sdmx

    assert script_items(message(items, qualified=True)) == items  # tolerated, not SDMX
    data = message(items, qualified=False)  # as the XSD and the corpus write it
    assert script_items(data) == items
    read = sdmx.read_sdmx(io.BytesIO(data)).codelist["CL_T"]
    by_id = {item[0]: item for item in sdmx1_codelist(read)[2]}
    # sdmx1 2.28 keeps annotations in order only when their IDs are present and unique
    # (found by hypothesis): compare those codes' annotations as a multiset
    assert [_comparable(by_id[item[0]]) for item in items] == [_comparable(i) for i in items]


def _comparable(item: Item) -> Item:
    notes = item[4]
    ids = [note[0] for note in notes]
    if None in ids or len(set(ids)) < len(ids):
        notes = tuple(sorted(notes, key=repr))
    return (*item[:4], notes)

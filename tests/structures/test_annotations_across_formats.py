"""Code annotations survive every structure writer, in order (hypothesis).

A generated code list of another agency — codes with descriptions, parents and annotations
with any of ID, title, type and English text — is written by each structure writer and read
back by another reader (sdmx1 for SDMX-ML 2.1, lxml for 3.0, json for SDMX-JSON 2.0): the
codes, their order and every annotation field come back unchanged.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from reuse_corpus import Items, read_json20, read_ml21, read_ml30

from sdmx_cso.bridge.structures import _Builder
from sdmx_cso.codelists import Annotation, Code, Codelist
from sdmx_cso.formats import structure_json20, structure_ml30
from sdmx_cso.model.structure import structure_for

TEXT = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=10)
ANNOTATION = st.builds(
    Annotation,
    id=st.none() | st.from_regex(r"[a-z][a-z0-9]{0,4}", fullmatch=True),
    title=st.none() | TEXT,
    type=st.none() | TEXT,
    text=st.none() | TEXT,
).filter(lambda a: (a.title, a.type, a.text) != (None, None, None))


def _annotation_key(annotation: Any) -> object:
    """Annotations with an ID are unique by it; those without one are all distinct."""
    return annotation.id if annotation.id is not None else object()


@st.composite
def codelists(draw: Any) -> Codelist:
    ids = draw(
        st.lists(
            st.from_regex(r"[A-Z][A-Z0-9_]{0,4}", fullmatch=True),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    codes = []
    for i, code_id in enumerate(ids):
        name = draw(TEXT)
        codes.append(
            Code(
                id=code_id,
                name=name,
                description=draw(st.none() | st.just(name) | TEXT),
                parent=draw(st.none() | st.sampled_from(ids[:i])) if i else None,
                # an annotation's ID identifies it within its artefact: two annotations of one
                # code with the same ID are not kept in order by sdmx1 2.28 (found here)
                annotations=tuple(
                    draw(st.lists(ANNOTATION, max_size=3, unique_by=_annotation_key))
                ),
            )
        )
    return Codelist(agency="IAEG-SDGs", id="CL_T", version="1.0", name="T", codes=tuple(codes))


def expected(cl: Codelist) -> Items:
    items = tuple(
        (
            c.id,
            c.name,
            c.description,
            c.parent,
            tuple((a.id, a.title, a.type, a.text) for a in c.annotations),
        )
        for c in cl
    )
    return cl.name, cl.description, items


PARTS = structure_ml30.structure_parts(structure_for(), "3.0")


@settings(max_examples=25)
@given(codelists())
def test_annotations_survive_each_writer(cl: Codelist) -> None:
    import sdmx

    parts = dataclasses.replace(PARTS, codelists=(cl,))
    builder = _Builder(parts)
    builder.codelist(cl)
    ml21 = read_ml21(sdmx.to_xml(builder.message))
    assert ml21[cl.urn] == expected(cl)

    root = etree.Element("{http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message}Structure")
    structure_ml30._codelist(root, cl, parts)
    assert read_ml30(etree.tostring(root))[cl.urn] == expected(cl)

    message = {"data": {"codelists": [structure_json20._codelist(cl)]}}
    assert read_json20(json.dumps(message).encode())[cl.urn] == expected(cl)

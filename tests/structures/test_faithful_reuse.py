"""Our structure messages carry other agencies' artefacts exactly as the corpus publishes them.

Each message is parsed by another reader than our writers (sdmx1 for SDMX-ML 2.1, lxml for
SDMX-ML 3.0, json for SDMX-JSON 2.0; ``tests/reuse_corpus.py``) and every IAEG-SDGs / SDMX
code list and concept scheme in it is compared field for field with the corpus copy of the
same URN (read by sdmx1), or with the statcodelists CSV for the SDMX lists taken from there.
An artefact may instead be an external reference only where the source is not ours to copy
(``SDMX:CROSS_DOMAIN_CONCEPTS``, of which we have no copy) or where the format cannot carry it
(SDMX-ML 3.0 and a numeric parent code, sdmx-twg/sdmx-ml#30).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from reuse_corpus import (
    CSV_CODELISTS,
    STUB,
    Items,
    assert_matches_csv,
    corpus,
    read_json20,
    read_ml21,
    read_ml30,
    urn,
)
from structure_cases import CASE_IDS, CASES

pytestmark = pytest.mark.shared

Message = Callable[[str | None, str | None, str], bytes]
READERS = {"sdmx-ml-2.1": read_ml21, "sdmx-ml-3.0": read_ml30, "sdmx-json-2.0": read_json20}
CL_AREA = urn("codelist", "IAEG-SDGs", "CL_AREA", "1.4")
SDG_CONCEPTS = urn("conceptscheme", "IAEG-SDGs", "SDG_CONCEPTS", "1.0")
CROSS_DOMAIN = urn("conceptscheme", "SDMX", "CROSS_DOMAIN_CONCEPTS", "2.0")
CSV_URNS = {urn("codelist", "SDMX", cl, version): cl for cl, version in CSV_CODELISTS.items()}


def _strip(text: str | None) -> str | None:
    return None if text is None else text.strip()


def _numeric_parent(items: Items) -> bool:
    return any(item[3] is not None and not item[3][0].isalpha() for item in items[2])


@pytest.mark.parametrize("fmt", list(READERS))
@pytest.mark.parametrize(
    ("name", "agency"), [CASES[0], CASES[2], CASES[5]], ids=[CASE_IDS[0], CASE_IDS[2], CASE_IDS[5]]
)
def test_foreign_artefacts_equal_the_corpus(
    message: Message, name: str | None, agency: str | None, fmt: str
) -> None:
    found = READERS[fmt](message(name, agency, fmt))
    source = corpus()
    assert CL_AREA in found
    assert SDG_CONCEPTS in found
    assert found[SDG_CONCEPTS] == source[SDG_CONCEPTS]  # whole, as published
    assert found[CROSS_DOMAIN] == STUB  # no copy of the source: an external reference
    for key, content in found.items():
        if content == STUB:
            if key in source:  # only where the format cannot carry the source's content
                assert fmt == "sdmx-ml-3.0", key
                assert _numeric_parent(source[key]), key
            else:
                assert key == CROSS_DOMAIN
        elif key in CSV_URNS:
            assert isinstance(content, tuple)
            assert_matches_csv(CSV_URNS[key], content)
        else:
            assert content == source[key], key
    if fmt != "sdmx-ml-3.0":
        area = found[CL_AREA]
        assert isinstance(area, tuple)
        assert sum(1 for item in area[2] if item[3]) == 336


@pytest.mark.parametrize(("name", "agency"), [CASES[0], CASES[2]], ids=[CASE_IDS[0], CASE_IDS[2]])
def test_pysdmx_reads_the_30_message_whole_with_the_sources_content(
    message: Message, name: str | None, agency: str | None
) -> None:
    """pysdmx (which keeps no code parents) reads the whole SDMX-ML 3.0 message, as published."""
    from pysdmx.io import read_sdmx

    msg = read_sdmx(message(name, agency, "sdmx-ml-3.0").decode("utf-8"))
    source = corpus()
    compared = 0
    for cl in msg.get_codelists():
        if cl.agency not in ("IAEG-SDGs", "SDMX") or cl.is_external_reference:
            continue
        items = tuple(
            (
                c.id,
                c.name,
                c.description,
                tuple((getattr(a, "id", None), a.title, a.type, a.text) for a in c.annotations),
            )
            for c in cl.codes
        )
        if cl.urn in CSV_URNS:
            assert_matches_csv(
                CSV_URNS[cl.urn],
                (cl.name, cl.description, tuple((*i[:3], None, i[3]) for i in items)),
            )
        else:
            # pysdmx strips outer whitespace (the no-break spaces ending 12 SPAR_* names,
            # which lxml finds in our message): compared stripped on both sides
            expected = tuple((i[0], _strip(i[1]), _strip(i[2]), i[4]) for i in source[cl.urn][2])
            got = tuple((i[0], _strip(i[1]), _strip(i[2]), i[3]) for i in items)
            assert got == expected, cl.urn
        compared += 1
    assert compared >= 20
    schemes = {s.urn: s for s in msg.get_concept_schemes()}
    sdg = tuple((c.id, c.name, c.description) for c in schemes[SDG_CONCEPTS].concepts)
    assert sdg == tuple(i[:3] for i in source[SDG_CONCEPTS][2])
    assert schemes[CROSS_DOMAIN].is_external_reference

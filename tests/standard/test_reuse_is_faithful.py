"""The packaged copies of other agencies' artefacts equal the corpus, read by sdmx1 and csv.

An independent check of ``scripts/build_codelists.py``: its ``--check`` only compares the
packaged files with its own output, so it cannot see its own parsing mistakes. Here the corpus
is parsed by sdmx1 (``tests/reuse_corpus.py``) and every packaged IAEG-SDGs / SDMX code list
and the IAEG-SDGs concept scheme are compared with it field for field: code order, names,
descriptions (also those equal to the name), parents, annotations (ID, title, type, text,
in order). Before the parent fix, CL_AREA(1.4) had 0 parents here against the corpus's 336.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reuse_corpus import CSV_CODELISTS, Items, Note, assert_matches_csv, corpus, urn

from sdmx_cso.codelists import Annotation, Codelist
from sdmx_cso.standard import reused_concept_scheme

pytestmark = pytest.mark.shared

REUSED = Path(__file__).resolve().parents[2] / "sdmx_cso" / "codelists" / "data" / "reused"
PACKAGED = sorted(p.name for p in REUSED.glob("*.json") if not p.name.endswith(".scheme.json"))


def packaged(filename: str) -> Codelist:
    return Codelist.model_validate_json((REUSED / filename).read_text(encoding="utf-8"))


def notes(annotations: tuple[Annotation, ...]) -> tuple[Note, ...]:
    return tuple((a.id, a.title, a.type, a.text) for a in annotations)


def plain(cl: Codelist) -> Items:
    items = tuple((c.id, c.name, c.description, c.parent, notes(c.annotations)) for c in cl)
    return cl.name, cl.description, items


@pytest.mark.parametrize("filename", PACKAGED)
def test_packaged_codelist_equals_its_source(filename: str) -> None:
    cl = packaged(filename)
    assert cl.agency in ("IAEG-SDGs", "SDMX")
    if cl.agency == "SDMX" and cl.id in CSV_CODELISTS:
        assert cl.version == CSV_CODELISTS[cl.id]
        assert_matches_csv(cl.id, plain(cl))
        return
    assert plain(cl) == corpus()[cl.urn]


def test_every_foreign_codelist_of_the_corpus_is_packaged() -> None:
    written = {packaged(name).urn for name in PACKAGED}
    lists = {u for u in corpus() if ".Codelist=" in u}
    older = {
        urn("codelist", "SDMX", "CL_FREQ", "2.0"),
        urn("codelist", "SDMX", "CL_OBS_STATUS", "2.1"),
    }
    assert lists - written == older  # superseded by the CSVs' 2.1 and 2.2


def test_cl_area_has_its_336_parents() -> None:
    area = packaged("IAEG-SDGs.CL_AREA.json")
    assert sum(1 for c in area if c.parent) == 336
    assert sum(1 for i in corpus()[area.urn][2] if i[3]) == 336
    assert area["404"].parent == "14"


def test_cl_series_has_its_2531_annotations_and_no_others() -> None:
    series = packaged("IAEG-SDGs.CL_SERIES.json")
    assert sum(len(c.annotations) for c in series) == 2531
    assert {a.type for c in series for a in c.annotations} == {
        "Indicator",
        "IndicatorCode",
        "IndicatorTitle",
        "ORDER",
        "RetiredSeries",
    }
    code = series["SI_POV_DAY1"]
    assert code.annotation("IndicatorCode") is not None
    assert code.annotation("IndicatorCode").text == "C010101"  # type: ignore[union-attr]
    assert code.annotation("UNIT_MEASURE") is None  # the units are ours: sdg_series_units()


def test_sdg_concepts_equal_the_corpus_scheme() -> None:
    scheme = reused_concept_scheme("IAEG-SDGs", "SDG_CONCEPTS")
    assert scheme is not None
    items = tuple(
        (c.id, c.name, c.description, c.text_type, notes(c.annotations)) for c in scheme.concepts
    )
    assert (scheme.name, scheme.description, items) == corpus()[scheme.urn]
    assert reused_concept_scheme("SDMX", "CROSS_DOMAIN_CONCEPTS") is None  # no copy: a stub

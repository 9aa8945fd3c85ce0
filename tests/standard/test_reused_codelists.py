"""The reused SDMX / IAEG-SDGs code lists in sdmx_cso/codelists/data/reused/, and the ISO
3166-2 subdivisions of the coalition's CL_AREA_CGD (sdmx_cso/codelists/data/own/).

The tests that compare with the real artefacts parse them independently (lxml, csv) rather
than calling scripts/build_codelists.py, and are skipped when ../shared is absent;
test_reuse_is_faithful.py compares them field for field with sdmx1 reading the corpus.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

import sdmx_cso
import sdmx_cso.codelists
import sdmx_cso.standard
from sdmx_cso.codelists import Codelist

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SDMX_CSO_SHARED", ROOT.parent / "shared")).resolve()
REUSED = ROOT / "sdmx_cso" / "codelists" / "data" / "reused"
DSD = Path("corpus", "sdg", "IAEG-SDGs_SDG_DSD_1.4_tajstat.xml")
CSV_DIR = Path("corpus", "sdmx_codelists")

STR = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"
COM = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

IAEG_CODELISTS = (
    "CL_ACTIVITY",
    "CL_AGE",
    "CL_AREA",
    "CL_COMP_BREAKDOWN",
    "CL_CUST_BREAKDOWN",
    "CL_DISABILITY",
    "CL_EDUCATION_LEV",
    "CL_GEO_INFO_TYPE",
    "CL_NATURE",
    "CL_OCCUPATION",
    "CL_PRODUCT",
    "CL_QUANTILE",
    "CL_REPORTING_TYPE",
    "CL_SERIES",
    "CL_SEX",
    "CL_UNIT_MEASURE",
    "CL_URBANISATION",
)
#: SDMX code lists packaged from the CSVs, with their version (newer than the DSD's).
CSV_CODELISTS = {
    "CL_FREQ": "2.1",
    "CL_OBS_STATUS": "2.2",
    "CL_CONF_STATUS": "1.2",
    "CL_DECIMALS": "1.0",
}
#: Every code list of the DSD message, as (agency, id).
DSD_CODELISTS = (
    *(("IAEG-SDGs", cl) for cl in IAEG_CODELISTS),
    ("SDMX", "CL_FREQ"),
    ("SDMX", "CL_OBS_STATUS"),
    ("SDMX", "CL_UNIT_MULT"),
)
EXPECTED_FILES = sorted(
    [f"IAEG-SDGs.{cl}.json" for cl in IAEG_CODELISTS]
    + [f"SDMX.{cl}.json" for cl in (*CSV_CODELISTS, "CL_UNIT_MULT")]
)
#: M49 code (as IAEG-SDGs:CL_AREA writes it) of each coalition country.
M49 = {"BD": "50", "IN": "356", "KE": "404", "NP": "524", "VN": "704", "DK": "208", "MW": "454"}
ID_PATTERN = re.compile(r"^[A-Za-z0-9_@$\-]+$")


def shared_file(path: Path) -> Path:
    full = SHARED / path
    if not full.exists():
        pytest.skip(f"needs ../shared ({full} not found; set SDMX_CSO_SHARED to point elsewhere)")
    return full


@cache
def packaged(agency: str, cl_id: str) -> Codelist:
    path = REUSED / f"{agency}.{cl_id}.json"
    return Codelist.model_validate(json.loads(path.read_text(encoding="utf-8")))


@cache
def dsd_codelists() -> dict[tuple[str, str], tuple[str, list[tuple[str, str, str | None]]]]:
    """(agency, id) -> (version, [(code, English name, parent)]) straight from the DSD XML."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.parse(str(shared_file(DSD)), parser).getroot()
    out = {}
    for cl in root.iter(f"{STR}Codelist"):
        codes = []
        for code in cl.findall(f"{STR}Code"):
            (name,) = [n.text for n in code.findall(f"{COM}Name") if n.get(XML_LANG) == "en"]
            # the corpus writes <str:Parent><Ref id=".."/></str:Parent>: Ref unqualified
            refs = code.xpath("./*[local-name()='Parent']/*[local-name()='Ref']/@id")
            codes.append((code.get("id"), name, refs[0] if refs else None))
        out[cl.get("agencyID"), cl.get("id")] = (cl.get("version"), codes)
    return out


# ------------------------------------------------------------------ without ../shared


def test_packaged_files_are_exactly_the_expected_ones():
    files = sorted(p.name for p in REUSED.glob("*.json"))
    assert files == sorted([*EXPECTED_FILES, "IAEG-SDGs.SDG_CONCEPTS.scheme.json"])
    assert not list(REUSED.glob("ISO.*")), "ISO publishes no SDMX artefacts"


@pytest.mark.parametrize("filename", EXPECTED_FILES)
def test_every_file_loads_into_codelist(filename):
    agency, cl_id, _ = filename.rsplit(".", 2)
    codelist = packaged(agency, cl_id)
    assert (codelist.agency, codelist.id) == (agency, cl_id)
    assert codelist.codes, "empty code list"
    assert codelist.source
    ids = [code.id for code in codelist.codes]
    assert len(ids) == len(set(ids)), "duplicate code IDs"
    assert all(ID_PATTERN.match(i) for i in ids)
    assert {c.parent for c in codelist.codes if c.parent} <= set(ids)


@pytest.mark.parametrize("filename", EXPECTED_FILES)
def test_file_is_written_in_the_canonical_format(filename):
    text = (REUSED / filename).read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=1, ensure_ascii=False) + "\n"


def subdivisions() -> list[sdmx_cso.codelists.Code]:
    return [c for c in sdmx_cso.standard.get_codelist("CL_AREA_CGD") if "-" in c.id]


def test_kenya_counties_in_the_coalition_area_list():
    area = sdmx_cso.standard.get_codelist("CL_AREA_CGD")
    assert area.agency == sdmx_cso.standard.DEFAULT_AGENCY
    kenya = [code for code in subdivisions() if code.id.startswith("KE-")]
    assert [code.id for code in kenya] == [f"KE-{n:02d}" for n in range(1, 48)]
    assert {code.parent for code in kenya} == {"404"}
    assert {code.description for code in kenya} == {"County"}
    assert area["KE-30"].name == "Nairobi City"


def chain(area: Codelist, code_id: str) -> list[str]:
    out = [code_id]
    while (parent := area[out[-1]].parent) is not None:
        assert parent not in out, "a cycle"
        out.append(parent)
    return out


def test_subdivisions_roll_up_to_their_country_and_the_world():
    area = sdmx_cso.standard.get_codelist("CL_AREA_CGD")
    countries = [code.id.split("-")[0] for code in subdivisions()]
    assert list(dict.fromkeys(countries)) == list(M49)
    for code in subdivisions():
        path = chain(area, code.id)
        country = M49[code.id.split("-")[0]]
        assert country in path, path
        assert area[country].name == packaged("IAEG-SDGs", "CL_AREA")[country].name
        assert path[-1] == "1"  # World: CL_AREA's own hierarchy carries on above the country
    assert chain(area, "KE-30") == ["KE-30", "404", "14", "202", "2", "1"]
    # Bangladesh districts hang under divisions; divisions under the country.
    assert area["BD-13"].description == "District"
    assert chain(area, "BD-13")[1:3] == [area["BD-13"].parent, "50"]
    assert area["NP-P3"].parent == "524"


def test_every_cl_area_code_is_in_the_coalition_list_unchanged():
    area = sdmx_cso.standard.get_codelist("CL_AREA_CGD")
    iaeg = packaged("IAEG-SDGs", "CL_AREA")
    assert area.codes[: len(iaeg)] == iaeg.codes
    assert "ISO" not in " ".join(sdmx_cso.standard.list_codelists())


@pytest.mark.parametrize(
    ("cl_id", "version", "expected"),
    [
        ("CL_FREQ", "2.1", {"A", "M", "Q", "OA", "A2"}),
        ("CL_OBS_STATUS", "2.2", {"A", "E", "Q", "L", "U", "V", "O"}),
        ("CL_CONF_STATUS", "1.2", {"F", "A", "D"}),
        ("CL_DECIMALS", "1.0", {str(n) for n in range(16)}),
    ],
)
def test_sdmx_codelists_have_the_well_known_codes(cl_id, version, expected):
    codelist = packaged("SDMX", cl_id)
    assert codelist.version == version
    assert expected <= codelist.ids


def test_decimals_are_exactly_0_to_15():
    assert [code.id for code in packaged("SDMX", "CL_DECIMALS")] == [str(n) for n in range(16)]


def test_statcodelists_b_mangling_is_repaired():
    texts = [
        code.description or "" for cl_id in CSV_CODELISTS for code in packaged("SDMX", cl_id).codes
    ]
    assert not [t for t in texts if "COMMENT_ObS" in t or "EMbARGO" in t]
    assert "EMBARGO_TIME" in packaged("SDMX", "CL_CONF_STATUS")["E"].description
    assert "COMMENT_OBS" in packaged("SDMX", "CL_OBS_STATUS")["E"].description
    # "e.g. because" is not the start of a sentence: left alone
    assert "(e.g. because" in packaged("SDMX", "CL_OBS_STATUS")["O"].description


def test_sdg_codelists_have_the_known_codes():
    assert [c.id for c in packaged("IAEG-SDGs", "CL_SEX")] == [
        "_T",
        "F",
        "M",
        "_N",
        "_O",
        "_U",
        "_X",
    ]
    assert packaged("IAEG-SDGs", "CL_SEX").version == "1.1"
    assert "SI_POV_DAY1" in packaged("IAEG-SDGs", "CL_SERIES")
    assert packaged("SDMX", "CL_UNIT_MULT").version == "1.1"
    # as published: the trailing no-break space of the DSD is kept
    assert packaged("IAEG-SDGs", "CL_COMP_BREAKDOWN")["SPAR_04"].name == (
        "State Party Annual Report: Food safety\xa0"
    )
    # a description equal to the name is kept, as published
    assert (
        packaged("IAEG-SDGs", "CL_SEX")["F"].description
        == packaged("IAEG-SDGs", "CL_SEX")["F"].name
    )


# ------------------------------------------------------------------ against ../shared


@pytest.mark.shared
def test_dsd_holds_exactly_the_expected_codelists():
    assert sorted(dsd_codelists()) == sorted(DSD_CODELISTS)


@pytest.mark.shared
@pytest.mark.parametrize(("agency", "cl_id"), DSD_CODELISTS)
def test_packaged_codelist_matches_the_dsd(agency, cl_id):
    version, codes = dsd_codelists()[agency, cl_id]
    codelist = packaged(agency, cl_id)
    assert (codelist.agency, codelist.id) == (agency, cl_id)
    if agency == "SDMX" and cl_id in CSV_CODELISTS:
        # packaged at a newer version from the CSVs: every code of the DSD's version is kept
        assert codelist.version == CSV_CODELISTS[cl_id]
        assert tuple(map(int, codelist.version.split("."))) > tuple(map(int, version.split(".")))
        assert {code for code, _, _ in codes} <= codelist.ids
        return
    assert codelist.version == version
    assert [(c.id, c.name, c.parent) for c in codelist.codes] == codes


@pytest.mark.shared
@pytest.mark.parametrize("cl_id", list(CSV_CODELISTS))
def test_csv_codelists_keep_the_csv_order(cl_id):
    path = shared_file(CSV_DIR / f"{cl_id}.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codelist = packaged("SDMX", cl_id)
    assert [c.id for c in codelist.codes] == [row["id"] for row in rows]
    assert [c.name for c in codelist.codes] == [row["name"].strip() for row in rows]


@pytest.mark.shared
def test_build_script_check_passes():
    shared_file(DSD)
    pytest.importorskip("pycountry", reason="scripts/build_codelists.py needs pycountry")
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_codelists.py"),
            "--shared",
            str(SHARED),
            "--check",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr

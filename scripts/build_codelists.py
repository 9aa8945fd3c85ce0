"""Generate the reused SDMX / IAEG-SDGs code lists, and the standard's generated data.

Usage::

    .venv/bin/python scripts/build_codelists.py [--shared PATH] [--check]

Writes

- one JSON file per reused code list into ``sdmx_cso/codelists/data/reused/``, named
  ``{AGENCY}.{ID}.json``; each loads into :class:`sdmx_cso.codelists.Codelist`;
- ``sdmx_cso/codelists/data/reused/IAEG-SDGs.SDG_CONCEPTS.scheme.json``: the concept scheme
  ``IAEG-SDGs:SDG_CONCEPTS(1.0)`` of the SDG DSD message, as published;
- ``sdmx_cso/codelists/data/own/subdivisions.json``: the ISO 3166-2 subdivisions that the
  coalition's ``$AGENCY:CL_AREA_CGD`` adds to ``IAEG-SDGs:CL_AREA`` (source 3 below);
- ``sdmx_cso/standard/data/sdg_series_units.json``: the unit (``UNIT_MEASURE``,
  ``UNIT_MULT``) of each SDG series (source 4 below).

``--check`` regenerates everything in memory and exits 1 (listing the files that differ, are
missing or are stale) when the packaged files are not exactly what this script would write.
It cannot catch a parsing mistake of this script: the tests in
``tests/standard/test_reuse_is_faithful.py`` compare the packaged lists with the corpus read
by another parser (sdmx1).

Sources (``PATH`` defaults to ``<repo>/../shared``):

1. ``corpus/sdg/IAEG-SDGs_SDG_DSD_1.4_tajstat.xml`` (SDMX-ML 2.1 structure message of the
   global SDG DSD ``IAEG-SDGs:SDG(1.4)``, SDMX Global Registry export 2021-06-24): every
   ``IAEG-SDGs`` code list in it, plus ``SDMX:CL_UNIT_MULT(1.1)``, written exactly as the
   message publishes them: English (``xml:lang="en"``) names and descriptions verbatim (a
   description equal to the name, and the no-break spaces that end twelve
   ``CL_COMP_BREAKDOWN`` ``SPAR_*`` names, are kept), the parent of ``str:Parent/Ref`` (the
   message writes ``Ref`` unqualified; a ``com:Ref`` is read too), the annotations in order
   (``@id``, ``AnnotationTitle``, ``AnnotationType``, English ``AnnotationText``), codes in
   document order. The SDMX ``CL_FREQ(2.0)`` and ``CL_OBS_STATUS(2.1)`` of the message are
   *not* written (newer versions come from the CSVs below); they are only used to check the
   CSV repairs.
2. ``corpus/sdmx_codelists/{CL_FREQ,CL_OBS_STATUS,CL_CONF_STATUS,CL_DECIMALS}.csv``
   (R package statcodelists 0.9.2, downloaded from the SDMX Global Registry):
   ``SDMX:CL_FREQ(2.1)``, ``SDMX:CL_OBS_STATUS(2.2)``, ``SDMX:CL_CONF_STATUS(1.2)``,
   ``SDMX:CL_DECIMALS(1.0)``, in CSV row order; outer whitespace of a cell is stripped and an
   empty description is no description.
3. ``pycountry`` (ISO 3166-2): the subdivisions of BD, IN, KE, NP, VN, DK and MW (in that
   country order, then by code); name = subdivision name, description = subdivision type,
   parent = the parent subdivision if ISO gives one, else the country's code in
   ``IAEG-SDGs:CL_AREA``, in its M49 numeric form (``KE-30`` -> ``404``, ``BD-A`` -> ``50``:
   CL_AREA writes M49 codes without leading zeros; the build fails if CL_AREA lacks it).
   They are the coalition's codes, not an ISO artefact: ISO publishes no SDMX.
4. ``corpus/sdg/opensdg_sdmx_global_content_constraints.csv`` (open-sdg's copy of the global
   SDG content constraints): the ``UNIT_MEASURE`` and ``UNIT_MULT`` allowed for each series,
   used by validation to warn when a coalition series linked to an SDG series uses another
   unit. They are *not* written into ``IAEG-SDGs:CL_SERIES``, which stays as published.

Repair of the statcodelists CSV descriptions. The package's build scripts replaced the
*first* capital "B" of every description with "b" (``EMbARGO_TIME``, ``COMMENT_ObS``). So
the original description is the CSV text with at most one "b" turned back into "B", and that
"b" comes before any remaining capital "B". For each CSV description:

a. If the DSD XML has the same code with the same name in the same code list (``CL_FREQ``
   2.0, ``CL_OBS_STATUS`` 2.1) and the XML description equals the CSV description with one
   such "b" capitalised (or equals it unchanged), the XML description is used: it confirms
   the repair. When the XML description differs in any other way, it belongs to an older
   version of the code list and is *not* used (that would put 2.0/2.1 wording into 2.1/2.2);
   rule (b) applies instead.
b. Otherwise the repair is mechanical and conservative: the first "b" (before any capital
   "B") that either (i) sits inside an otherwise all-caps token of letters, digits and
   underscores, directly follows an uppercase letter or underscore and is followed by at
   least one more (uppercase) letter of the token (``COMMENT_ObS`` -> ``COMMENT_OBS``,
   ``EMbARGO_TIME`` -> ``EMBARGO_TIME``; not "Pb" or "kB"), or (ii) starts the description or
   a sentence (after ". ", "! " or "? ", but not after an abbreviation such as "e.g.",
   "i.e." or "etc.") is capitalised. Nothing else is changed: a "b" in
   ordinary lowercase words is left alone even if the original might have been capitalised.

Every repair is recorded in the code list's ``source`` string and printed with ``-v``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "sdmx_cso" / "codelists" / "data" / "reused"
#: Generated files outside OUT_DIR, by their name in `Build.files`.
OTHER_FILES = {
    "subdivisions.json": ROOT / "sdmx_cso" / "codelists" / "data" / "own" / "subdivisions.json",
    "sdg_series_units.json": ROOT / "sdmx_cso" / "standard" / "data" / "sdg_series_units.json",
}
SCHEME_SUFFIX = ".scheme.json"
DEFAULT_SHARED = ROOT.parent / "shared"

DSD_FILE = "corpus/sdg/IAEG-SDGs_SDG_DSD_1.4_tajstat.xml"
DSD_SOURCE = (
    "IAEG-SDGs:SDG(1.4) structure message, corpus/sdg/IAEG-SDGs_SDG_DSD_1.4_tajstat.xml "
    "(SDMX Global Registry export 2021-06-24)"
)
CSV_DIR = "corpus/sdmx_codelists"
CSV_SOURCE = (
    "{urn} from R package statcodelists 0.9.2 (SDMX Global Registry download), "
    "corpus/sdmx_codelists/{id}.csv"
)

NS = {
    "str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: SDMX code lists of the DSD message that are written from the XML.
XML_SDMX_CODELISTS = {"CL_UNIT_MULT"}


@dataclass(frozen=True)
class CsvCodelist:
    id: str
    version: str
    name: str


#: SDMX code lists written from corpus/sdmx_codelists/*.csv, in this order.
CSV_CODELISTS = (
    CsvCodelist("CL_FREQ", "2.1", "Frequency"),
    CsvCodelist("CL_OBS_STATUS", "2.2", "Observation status"),
    CsvCodelist("CL_CONF_STATUS", "1.2", "Confidentiality status"),
    CsvCodelist("CL_DECIMALS", "1.0", "Decimals"),
)

#: Coalition countries whose ISO 3166-2 subdivisions are in $AGENCY:CL_AREA_CGD, in this order.
ISO_COUNTRIES = ("BD", "IN", "KE", "NP", "VN", "DK", "MW")


@dataclass
class Repair:
    codelist: str
    code: str
    before: str
    after: str
    how: str


@dataclass
class Build:
    files: dict[str, str] = field(default_factory=dict)
    repairs: list[Repair] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers


def clean(text: str | None) -> str | None:
    """Strip outer whitespace (of CSV cells and pycountry names); empty becomes None."""
    if text is None:
        return None
    text = text.strip()
    return text or None


def code_dict(
    code_id: str,
    name: str,
    description: str | None,
    parent: str | None,
    annotations: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"id": code_id, "name": name}
    if description is not None:
        out["description"] = description
    if parent is not None:
        out["parent"] = parent
    if annotations:
        out["annotations"] = annotations
    return out


def codelist_dict(
    agency: str,
    cl_id: str,
    version: str,
    name: str,
    description: str | None,
    codes: list[dict[str, str]],
    source: str,
) -> dict[str, Any]:
    return {
        "agency": agency,
        "id": cl_id,
        "version": version,
        "name": name,
        "description": description,
        "codes": codes,
        "source": source,
    }


def english(element: etree._Element, tag: str) -> str | None:
    """The English text of a com:Name / com:Description child, verbatim (None: there is none)."""
    for child in element.findall(tag, NS):
        if child.get(XML_LANG) == "en":
            return child.text or ""
    return None


def xml_annotations(element: etree._Element) -> list[dict[str, str]]:
    """The com:Annotations of an item, in order, as `sdmx_cso.codelists.Annotation` fields."""
    out = []
    for ann in element.findall("com:Annotations/com:Annotation", NS):
        item = {"id": ann.get("id")}
        for key, tag in (("title", "AnnotationTitle"), ("type", "AnnotationType")):
            child = ann.find(f"com:{tag}", NS)
            item[key] = None if child is None else child.text or ""
        item["text"] = english(ann, "com:AnnotationText")
        if ann.find("com:AnnotationURL", NS) is not None:
            raise ValueError(f"{element.get('urn')}: AnnotationURL is not supported")
        texts = ann.findall("com:AnnotationText", NS)
        if len(texts) > (item["text"] is not None):
            raise ValueError(f"{element.get('urn')}: a non-English AnnotationText")
        out.append({k: v for k, v in item.items() if v is not None})
    return out


def parent_of(code: etree._Element) -> str | None:
    """The parent code ID: ``str:Parent/Ref`` (as the corpus writes it) or ``.../com:Ref``."""
    parent = code.find("str:Parent", NS)
    if parent is None:
        return None
    refs = [r for r in parent if etree.QName(r).localname == "Ref"]
    if len(refs) != 1 or not refs[0].get("id"):
        raise ValueError(f"{code.get('urn')}: a str:Parent without one Ref")
    return str(refs[0].get("id"))


# --------------------------------------------------------------------------- 1. DSD XML


def parse_dsd(path: Path) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.parse(str(path), parser)


def xml_codes(codelist: etree._Element) -> list[dict[str, str]]:
    codes = []
    for code in codelist.findall("str:Code", NS):
        name = english(code, "com:Name")
        if name is None:
            raise ValueError(f"{codelist.get('id')}.{code.get('id')} has no English name")
        codes.append(
            code_dict(
                code.get("id"),
                name,
                english(code, "com:Description"),
                parent_of(code),
                xml_annotations(code),
            )
        )
    return codes


def wanted_from_xml(codelist: etree._Element) -> bool:
    agency = codelist.get("agencyID")
    return agency == "IAEG-SDGs" or (agency == "SDMX" and codelist.get("id") in XML_SDMX_CODELISTS)


def dsd_codelists(elements: Iterable[etree._Element]) -> list[dict[str, Any]]:
    out = []
    for cl in elements:
        if not wanted_from_xml(cl):
            continue
        out.append(
            codelist_dict(
                cl.get("agencyID"),
                cl.get("id"),
                cl.get("version"),
                english(cl, "com:Name") or cl.get("id"),
                english(cl, "com:Description"),
                xml_codes(cl),
                f"{cl.get('agencyID')}:{cl.get('id')}({cl.get('version')}) from {DSD_SOURCE}",
            )
        )
    return out


# --------------------------------------------------------------------------- 2. CSV

_TOKEN = re.compile(r"[A-Za-z0-9_]+")
_SENTENCE_START = re.compile(r"(?:^|(\S*)[.!?] )b")
#: Words ending in "." that do not end a sentence ("e.g. because").
_ABBREVIATION = re.compile(
    r"(?:[A-Za-z]\.)*[A-Za-z]|etc|cf|vs|incl|approx|resp|no|art|para", re.IGNORECASE
)


def unmangle_candidates(text: str) -> list[str]:
    """Every text the mangled ``text`` can have come from (itself first)."""
    limit = text.find("B")
    limit = len(text) if limit < 0 else limit
    out = [text]
    out += [text[:i] + "B" + text[i + 1 :] for i in range(limit) if text[i] == "b"]
    return out


def mechanical_repair(text: str) -> str:
    """Capitalise the first "b" (before any "B") that clearly was a capital; see docstring."""
    limit = text.find("B")
    limit = len(text) if limit < 0 else limit
    positions = []
    for token in _TOKEN.finditer(text):
        word = token.group()
        for offset, char in enumerate(word):
            if char != "b" or offset == 0:
                continue
            others = word[:offset] + word[offset + 1 :]
            prev = word[offset - 1]
            after = word[offset + 1 :]
            if (
                (prev.isupper() or prev == "_")
                and others == others.upper()
                and any(c.isalpha() for c in after)
            ):
                positions.append(token.start() + offset)
    positions += [
        m.end() - 1
        for m in _SENTENCE_START.finditer(text)
        if not (m.group(1) and _ABBREVIATION.fullmatch(m.group(1).lstrip("(")))
    ]
    positions = sorted(p for p in positions if p < limit)
    if not positions:
        return text
    first = positions[0]
    return text[:first] + "B" + text[first + 1 :]


def repair_description(
    cl_id: str,
    code_id: str,
    name: str,
    description: str,
    xml_codes_by_id: dict[str, dict[str, str]],
    repairs: list[Repair],
) -> str:
    xml_code = xml_codes_by_id.get(code_id)
    if xml_code is not None and xml_code["name"] == name:
        xml_description = xml_code.get("description", xml_code["name"])
        if xml_description in unmangle_candidates(description):
            if xml_description != description:
                repairs.append(Repair(cl_id, code_id, description, xml_description, "XML"))
            return xml_description
    repaired = mechanical_repair(description)
    if repaired != description:
        repairs.append(Repair(cl_id, code_id, description, repaired, "mechanical"))
    return repaired


def csv_codelists(
    csv_dir: Path, dsd_elements: Iterable[etree._Element], repairs: list[Repair]
) -> list[dict[str, Any]]:
    xml_sdmx = {
        cl.get("id"): {c["id"]: c for c in xml_codes(cl)}
        for cl in dsd_elements
        if cl.get("agencyID") == "SDMX"
    }
    out = []
    for spec in CSV_CODELISTS:
        first_repair = len(repairs)
        codes = []
        with (csv_dir / f"{spec.id}.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                code_id = row["id"].strip()
                name = clean(row["name"])
                if not code_id or name is None:
                    raise ValueError(f"{spec.id}.csv: row without id or name: {row}")
                description = clean(row.get("description"))
                if description is not None:
                    description = repair_description(
                        spec.id, code_id, name, description, xml_sdmx.get(spec.id, {}), repairs
                    )
                codes.append(code_dict(code_id, name, description, None))
        urn = f"SDMX:{spec.id}({spec.version})"
        source = CSV_SOURCE.format(urn=urn, id=spec.id)
        fixed = repairs[first_repair:]
        if fixed:
            ids = ", ".join(f"{r.code} ({r.how})" for r in fixed)
            source += f"; first capital B of the description restored in: {ids}"
        out.append(codelist_dict("SDMX", spec.id, spec.version, spec.name, None, codes, source))
    return out


# --------------------------------------------------------------------------- 3. pycountry


def subdivisions(area: dict[str, Any]) -> dict[str, Any]:
    """The ISO 3166-2 subdivisions of `ISO_COUNTRIES`, under their country's M49 code."""
    import pycountry  # only needed here; not a runtime dependency of sdmx_cso

    match = re.match(r"\d+(?:\.\d+){0,2}", getattr(pycountry, "__version__", "") or "")
    if match is None:
        from importlib.metadata import version

        match = re.match(r"\d+(?:\.\d+){0,2}", version("pycountry"))
    if match is None:
        raise RuntimeError("cannot tell the pycountry version")
    pyc_version = match.group()
    area_ids = {code["id"] for code in area["codes"]}
    codes = []
    for country in ISO_COUNTRIES:
        m49 = str(int(pycountry.countries.get(alpha_2=country).numeric))
        if m49 not in area_ids:
            raise ValueError(f"IAEG-SDGs:CL_AREA has no M49 code {m49} for {country}")
        subs = pycountry.subdivisions.get(country_code=country) or []
        for sub in sorted(subs, key=lambda s: s.code):
            parent = sub.parent_code or m49
            codes.append(code_dict(sub.code, clean(sub.name) or sub.code, clean(sub.type), parent))
    return {
        "description": (
            "ISO 3166-2 subdivisions of "
            + ", ".join(ISO_COUNTRIES)
            + " in $AGENCY:CL_AREA_CGD. Description = subdivision type; parent = parent "
            "subdivision, else the country's M49 code in IAEG-SDGs:CL_AREA."
        ),
        "source": f"ISO 3166-2 via pycountry {pyc_version} (Debian iso-codes data)",
        "codes": codes,
    }


# --------------------------------------------------------------------------- 4. units

CONSTRAINTS_FILE = "corpus/sdg/opensdg_sdmx_global_content_constraints.csv"


def series_units(shared: Path, series: dict[str, Any]) -> dict[str, Any]:
    """UNIT_MEASURE and UNIT_MULT of each code of ``series`` (CL_SERIES) that has one."""
    ids = {code["id"] for code in series["codes"]}
    with (shared / CONSTRAINTS_FILE).open(encoding="utf-8", newline="") as handle:
        units = {
            row["SERIES"]: {"UNIT_MEASURE": row["UNIT_MEASURE"], "UNIT_MULT": row["UNIT_MULT"]}
            for row in csv.DictReader(handle)
            if row.get("UNIT_MEASURE") and row["SERIES"] in ids
        }
    return {
        "source": (
            f"{CONSTRAINTS_FILE} (open-sdg copy of the global SDG content constraints), "
            f"for the codes of {series['agency']}:{series['id']}({series['version']})"
        ),
        "units": units,
    }


# --------------------------------------------------------------------------- 5. concepts


def concept_scheme(dsd: etree._ElementTree, agency: str, scheme_id: str) -> dict[str, Any]:
    """A concept scheme of the DSD message, as published (text formats of core representations)."""
    (scheme,) = [
        s
        for s in dsd.iterfind(".//str:Concepts/str:ConceptScheme", NS)
        if (s.get("agencyID"), s.get("id")) == (agency, scheme_id)
    ]
    concepts = []
    for concept in scheme.findall("str:Concept", NS):
        name = english(concept, "com:Name")
        if name is None:
            raise ValueError(f"{concept.get('urn')} has no English name")
        item = code_dict(
            concept.get("id"),
            name,
            english(concept, "com:Description"),
            None,
            xml_annotations(concept),
        )
        core = concept.find("str:CoreRepresentation", NS)
        if core is not None:
            fmt = core.find("str:TextFormat", NS)
            if fmt is None or len(core) != 1 or set(fmt.attrib) != {"textType"}:
                raise ValueError(f"{concept.get('urn')}: only a bare TextFormat is supported")
            item["text_type"] = fmt.get("textType")
        for tag in ("Parent", "ISOConceptReference"):
            if concept.find(f"str:{tag}", NS) is not None:
                raise ValueError(f"{concept.get('urn')}: {tag} is not supported")
        concepts.append(item)
    version = scheme.get("version")
    return {
        "agency": agency,
        "id": scheme_id,
        "version": version,
        "name": english(scheme, "com:Name") or scheme_id,
        "description": english(scheme, "com:Description"),
        "concepts": concepts,
        "source": f"{agency}:{scheme_id}({version}) from {DSD_SOURCE}",
    }


# --------------------------------------------------------------------------- main


def render(codelist: dict[str, Any]) -> str:
    return json.dumps(codelist, indent=1, ensure_ascii=False) + "\n"


def validate(codelists: list[dict[str, Any]], scheme: dict[str, Any]) -> None:
    sys.path.insert(0, str(ROOT))
    from sdmx_cso.codelists.model import Codelist, ReusedConceptScheme

    for cl in codelists:
        model = Codelist.model_validate(cl)
        if len(model.ids) != len(model.codes):
            raise ValueError(f"{cl['agency']}:{cl['id']} has duplicate code IDs")
    ReusedConceptScheme.model_validate(scheme)


def build(shared: Path) -> Build:
    result = Build()
    dsd = parse_dsd(shared / DSD_FILE)
    elements = dsd.findall(".//str:Codelists/str:Codelist", NS)
    codelists = dsd_codelists(elements)
    codelists += csv_codelists(shared / CSV_DIR, elements, result.repairs)
    scheme = concept_scheme(dsd, "IAEG-SDGs", "SDG_CONCEPTS")
    validate(codelists, scheme)
    for cl in codelists:
        name = f"{cl['agency']}.{cl['id']}.json"
        if name in result.files:
            raise ValueError(f"two code lists would be written to {name}")
        result.files[name] = render(cl)
    result.files[f"{scheme['agency']}.{scheme['id']}{SCHEME_SUFFIX}"] = render(scheme)
    iaeg = {cl["id"]: cl for cl in codelists if cl["agency"] == "IAEG-SDGs"}
    result.files["subdivisions.json"] = render(subdivisions(iaeg["CL_AREA"]))
    result.files["sdg_series_units.json"] = render(series_units(shared, iaeg["CL_SERIES"]))
    return result


def target(name: str) -> Path:
    """Where the generated file ``name`` is packaged."""
    return OTHER_FILES.get(name, OUT_DIR / name)


def check(expected: dict[str, str]) -> list[str]:
    problems = []
    present = {p.name for p in OUT_DIR.glob("*.json")} if OUT_DIR.is_dir() else set()
    for name, text in expected.items():
        path = target(name)
        if not path.is_file():
            problems.append(f"missing: {path.relative_to(ROOT)}")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"differs: {path.relative_to(ROOT)}")
    problems += [
        f"stale (not generated): {(OUT_DIR / n).relative_to(ROOT)}"
        for n in sorted(present - set(expected))
    ]
    return problems


def write(expected: dict[str, str]) -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for stale in sorted({p.name for p in OUT_DIR.glob("*.json")} - set(expected)):
        (OUT_DIR / stale).unlink()
    for name, text in expected.items():
        path = target(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder")
    parser.add_argument("--check", action="store_true", help="only compare, exit 1 on changes")
    parser.add_argument("-v", "--verbose", action="store_true", help="print repairs")
    args = parser.parse_args(argv)
    if not (args.shared / DSD_FILE).is_file():
        parser.error(f"{args.shared / DSD_FILE} not found (use --shared)")
    result = build(args.shared)
    if args.verbose:
        for r in result.repairs:
            print(f"repaired {r.codelist}.{r.code} ({r.how}): {r.before!r} -> {r.after!r}")
    if args.check:
        problems = check(result.files)
        for problem in problems:
            print(problem)
        if problems:
            print("run scripts/build_codelists.py to regenerate", file=sys.stderr)
            return 1
        print(f"{len(result.files)} code lists up to date")
        return 0
    write(result.files)
    for name, text in result.files.items():
        data = json.loads(text)
        items = data.get("codes", data.get("concepts", data.get("units")))
        print(f"{name}: {len(items)} items, version {data.get('version', '-')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

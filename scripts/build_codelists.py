"""Generate the reused SDMX / IAEG-SDGs / ISO code lists from the real artefacts.

Usage::

    .venv/bin/python scripts/build_codelists.py [--shared PATH] [--check]

Writes one JSON file per code list into ``sdmx_cso/codelists/data/reused/``, named
``{AGENCY}.{ID}.json``; each loads into :class:`sdmx_cso.codelists.Codelist`. ``--check``
regenerates everything in memory and exits 1 (listing the files that differ, are missing or
are stale) when the packaged files are not exactly what this script would write.

Sources (``PATH`` defaults to ``<repo>/../shared``):

1. ``corpus/sdg/IAEG-SDGs_SDG_DSD_1.4_tajstat.xml`` (SDMX-ML 2.1 structure message of the
   global SDG DSD ``IAEG-SDGs:SDG(1.4)``, SDMX Global Registry export 2021-06-24): every
   ``IAEG-SDGs`` code list in it, plus ``SDMX:CL_UNIT_MULT(1.1)``. English (``xml:lang="en"``)
   names and descriptions, ``str:Parent/com:Ref/@id`` as parent, in document order. The
   SDMX ``CL_FREQ(2.0)`` and ``CL_OBS_STATUS(2.1)`` of the message are *not* written (newer
   versions come from the CSVs below); they are only used to check the CSV repairs.
2. ``corpus/sdmx_codelists/{CL_FREQ,CL_OBS_STATUS,CL_CONF_STATUS,CL_DECIMALS}.csv``
   (R package statcodelists 0.9.2, downloaded from the SDMX Global Registry):
   ``SDMX:CL_FREQ(2.1)``, ``SDMX:CL_OBS_STATUS(2.2)``, ``SDMX:CL_CONF_STATUS(1.2)``,
   ``SDMX:CL_DECIMALS(1.0)``, in CSV row order.
3. ``pycountry`` (ISO 3166-2): ``ISO:CL_ISO3166_2``, the subdivisions of BD, IN, KE, NP, VN,
   DK and MW (in that country order, then by code); name = subdivision name, description =
   subdivision type, parent = the parent subdivision if ISO gives one, else the country's
   alpha-2 code (which is *not* itself a code of the list). Version = pycountry's version.

Clean-up applied to all text (names and descriptions): leading/trailing whitespace,
including the no-break spaces that end twelve ``CL_COMP_BREAKDOWN`` ``SPAR_*`` names in the
DSD, is stripped; inner whitespace is kept. Empty descriptions and descriptions equal to the
name are omitted.

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

#: Coalition countries whose ISO 3166-2 subdivisions form ISO:CL_ISO3166_2, in this order.
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
    """Strip outer whitespace (incl. no-break spaces); empty becomes None."""
    if text is None:
        return None
    text = text.strip()
    return text or None


def code_dict(
    code_id: str, name: str, description: str | None, parent: str | None
) -> dict[str, str]:
    out = {"id": code_id, "name": name}
    if description is not None and description != name:
        out["description"] = description
    if parent is not None:
        out["parent"] = parent
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
    """The English text of a com:Name / com:Description child (None when there is none)."""
    for child in element.findall(tag, NS):
        if child.get(XML_LANG) == "en":
            return clean(child.text)
    return None


# --------------------------------------------------------------------------- 1. DSD XML


def parse_dsd(path: Path) -> list[etree._Element]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    tree = etree.parse(str(path), parser)
    return tree.findall(".//str:Codelists/str:Codelist", NS)


def xml_codes(codelist: etree._Element) -> list[dict[str, str]]:
    codes = []
    for code in codelist.findall("str:Code", NS):
        name = english(code, "com:Name")
        if name is None:
            raise ValueError(f"{codelist.get('id')}.{code.get('id')} has no English name")
        ref = code.find("str:Parent/com:Ref", NS)
        parent = ref.get("id") if ref is not None else None
        codes.append(code_dict(code.get("id"), name, english(code, "com:Description"), parent))
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


def iso_codelist() -> dict[str, Any]:
    import pycountry  # only needed here; not a runtime dependency of sdmx_cso

    match = re.match(r"\d+(?:\.\d+){0,2}", getattr(pycountry, "__version__", "") or "")
    if match is None:
        from importlib.metadata import version

        match = re.match(r"\d+(?:\.\d+){0,2}", version("pycountry"))
    if match is None:
        raise RuntimeError("cannot tell the pycountry version")
    pyc_version = match.group()
    codes = []
    for country in ISO_COUNTRIES:
        subdivisions = pycountry.subdivisions.get(country_code=country) or []
        for sub in sorted(subdivisions, key=lambda s: s.code):
            parent = sub.parent_code or country
            codes.append(code_dict(sub.code, clean(sub.name), clean(sub.type), parent))
    return codelist_dict(
        "ISO",
        "CL_ISO3166_2",
        pyc_version,
        "ISO 3166-2 subdivisions of the coalition countries",
        "First-level (and, for Bangladesh and Malawi, second-level) subdivisions of "
        + ", ".join(ISO_COUNTRIES)
        + ". Description = subdivision type; parent = parent subdivision, else the "
        "country's ISO 3166-1 alpha-2 code.",
        codes,
        f"ISO 3166-2 via pycountry {pyc_version} (Debian iso-codes data)",
    )


# --------------------------------------------------------------------------- main


def render(codelist: dict[str, Any]) -> str:
    return json.dumps(codelist, indent=1, ensure_ascii=False) + "\n"


def validate(codelists: list[dict[str, Any]]) -> None:
    sys.path.insert(0, str(ROOT))
    from sdmx_cso.codelists.model import Codelist

    for cl in codelists:
        model = Codelist.model_validate(cl)
        if len(model.ids) != len(model.codes):
            raise ValueError(f"{cl['agency']}:{cl['id']} has duplicate code IDs")


CONSTRAINTS_FILE = "corpus/sdg/opensdg_sdmx_global_content_constraints.csv"


def annotate_series_units(codelists: list[dict[str, Any]], shared: Path) -> None:
    """Give each IAEG-SDGs:CL_SERIES code the UNIT_MEASURE and UNIT_MULT that the global SDG
    content constraints allow for it (annotations), so that validation can warn when a
    coalition series linked to an SDG series uses another unit."""
    with (shared / CONSTRAINTS_FILE).open(encoding="utf-8", newline="") as handle:
        units = {
            row["SERIES"]: {"UNIT_MEASURE": row["UNIT_MEASURE"], "UNIT_MULT": row["UNIT_MULT"]}
            for row in csv.DictReader(handle)
            if row.get("UNIT_MEASURE")
        }
    for cl in codelists:
        if (cl["agency"], cl["id"]) != ("IAEG-SDGs", "CL_SERIES"):
            continue
        for code in cl["codes"]:
            if code["id"] in units:
                code["annotations"] = units[code["id"]]
        cl["source"] += f"; units from {CONSTRAINTS_FILE} (open-sdg)"


def build(shared: Path) -> Build:
    result = Build()
    dsd = parse_dsd(shared / DSD_FILE)
    codelists = dsd_codelists(dsd)
    annotate_series_units(codelists, shared)
    codelists += csv_codelists(shared / CSV_DIR, dsd, result.repairs)
    codelists.append(iso_codelist())
    validate(codelists)
    for cl in codelists:
        name = f"{cl['agency']}.{cl['id']}.json"
        if name in result.files:
            raise ValueError(f"two code lists would be written to {name}")
        result.files[name] = render(cl)
    return result


def check(expected: dict[str, str]) -> list[str]:
    problems = []
    present = {p.name for p in OUT_DIR.glob("*.json")} if OUT_DIR.is_dir() else set()
    for name, text in expected.items():
        path = OUT_DIR / name
        if name not in present:
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
        path = OUT_DIR / name
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
        print(f"{name}: {len(data['codes'])} codes, version {data['version']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

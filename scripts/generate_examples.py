"""Generate the ``data.csv`` of the bundled example submissions (synthetic data).

The examples in ``sdmx_cso/examples/data/<name>/`` are submission packages: ``data.csv`` (made
here), ``metadata.yaml`` and ``README.md`` (written by hand). All values are synthetic, drawn
from a seeded ``random.Random`` so that running this script again gives byte-identical files:

    python scripts/generate_examples.py            # write all four
    python scripts/generate_examples.py kenya-disability-survey

Each generator simulates respondents (or scoring groups) first and then aggregates, so totals
and breakdowns agree (the ``_T`` cell counts the respondents of its breakdown cells), values are
``NUMERATOR / SAMPLE_SIZE x 100`` rounded half-up to one decimal, and bounds contain the value.
The script reads the service points of the Nepal example from its ``metadata.yaml`` so that the
two files cannot disagree. It checks the invariants of each table before writing it.
"""

from __future__ import annotations

import csv
import math
import random
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1] / "sdmx_cso" / "examples" / "data"

Row = dict[str, str]

#: Dimension columns: a duplicate key over these (plus TIME_PERIOD) is an error.
DIMENSIONS = (
    "FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE", "URBANISATION",
    "INCOME_WEALTH_QUANTILE", "EDUCATION_LEV", "OCCUPATION", "CUST_BREAKDOWN",
    "COMPOSITE_BREAKDOWN", "DISABILITY_STATUS", "ACTIVITY", "PRODUCT", "POP_GROUP",
    "DISABILITY_TYPE", "SERVICE", "RESPONDENT_TYPE", "SERVICE_POINT", "TIME_PERIOD",
)  # fmt: skip


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def percent(numerator: int, denominator: int) -> str:
    """``numerator / denominator x 100``, rounded half-up to one decimal, as text."""
    value = Decimal(100 * numerator) / Decimal(denominator)
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def wilson(numerator: int, denominator: int, deff: float = 1.5, z: float = 1.96) -> tuple[str, str]:
    """Wilson 95 % interval in per cent with an effective sample size ``n / deff``.

    The lower bound is rounded down and the upper bound up to one decimal, so that the rounded
    value always lies between them.
    """
    n = denominator / deff
    p = numerator / denominator
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = max(0.0, centre - half) * 100
    high = min(1.0, centre + half) * 100
    tenth = Decimal("0.1")
    lower = Decimal(repr(low)).quantize(tenth, rounding=ROUND_FLOOR)
    upper = Decimal(repr(high)).quantize(tenth, rounding=ROUND_CEILING)
    return str(lower), str(min(upper, Decimal("100.0")))


def bernoulli(rng: random.Random, p: float) -> bool:
    return rng.random() < max(0.0, min(1.0, p))


def write_csv(path: Path, columns: list[str], rows: list[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def check(rows: list[Row], series: dict[str, dict[str, Any]] | None = None) -> None:
    """The invariants every example keeps (raises AssertionError)."""
    keys = Counter(tuple(row.get(d, "") for d in DIMENSIONS) for row in rows)
    dupes = [k for k, n in keys.items() if n > 1]
    assert not dupes, f"duplicate keys: {dupes[:3]}"
    for row in rows:
        value = row.get("OBS_VALUE", "")
        n, k = row.get("SAMPLE_SIZE", ""), row.get("NUMERATOR", "")
        if n and k:
            assert int(k) <= int(n), row
            if value:
                assert value == percent(int(k), int(n)), row
        if value and row.get("LOWER_BOUND"):
            assert Decimal(row["LOWER_BOUND"]) <= Decimal(value) <= Decimal(row["UPPER_BOUND"]), row
        declared = (series or {}).get(row["SERIES"])
        if value and declared and declared.get("SCALE_MIN") is not None:
            assert declared["SCALE_MIN"] <= Decimal(value) <= declared["SCALE_MAX"], row


def metadata(name: str) -> dict[str, Any]:
    with (ROOT / name / "metadata.yaml").open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


# ----------------------------------------------------------------------------------------------
# 1. Kenya: social-services survey of persons with disabilities, by county, 2022 and 2023
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class County:
    code: str
    producer: str
    n: tuple[int, int]  # respondents with disability in 2022, 2023
    cash: float  # share receiving a disability cash benefit among card holders
    card: float  # share holding an NCPWD card
    health: float  # share obtaining needed care


KE_COUNTIES = (
    County("KE-30", "TDA", (300, 318), 0.27, 0.48, 0.71),
    County("KE-31", "TDA", (231, 244), 0.25, 0.41, 0.66),
    County("KE-11", "TDA", (214, 226), 0.24, 0.35, 0.58),
    County("KE-17", "TDA", (190, 207), 0.26, 0.44, 0.63),
    County("KE-28", "PDBAN", (171, 178), 0.25, 0.39, 0.64),
    County("KE-18", "MPDF", (149, 161), 0.24, 0.30, 0.52),
    County("KE-06", "MPDF", (124, 137), 0.26, 0.37, 0.61),
    County("KE-43", "MPDF", (82, 62), 0.20, 0.18, 0.38),
)
KE_YEARS = ("2022", "2023")
#: Washington Group domain of each respondent (mutually exclusive; MULTIPLE = two or more).
KE_TYPES = {
    "SEEING": 0.17, "HEARING": 0.12, "MOBILITY": 0.31, "COGNITION": 0.09,
    "SELF_CARE": 0.04, "COMMUNICATION": 0.04, "MULTIPLE": 0.23,
}  # fmt: skip
KE_TYPES_PUBLISHED = ("SEEING", "HEARING", "MOBILITY", "COGNITION", "MULTIPLE")
KE_WITHHOLD_BELOW = 10
KE_COMMENTS = {
    ("SI_COV_DISAB", "KE-30", "_T", "_T", "2023"): (
        "Rise partly due to respondents enrolled in the national cash transfer during the 2023 "
        "registration drive."
    ),
    ("CGD_DIS_CARD", "KE-18", "_T", "_T", "2022"): (
        "Kadi za NCPWD zilitolewa Kitui mjini tu mwaka 2022 (cards issued only in Kitui town)."
    ),
    ("CGD_DIS_HEALTH_ACCESS", "KE-11", "_T", "HEARING", "2023"): (
        "No sign-language interpretation at the county referral hospital."
    ),
    ("CGD_DIS_CARD", "KE-28", "_T", "_T", "2023"): (
        "Mobile NCPWD assessment clinic held in Likoni and Kisauni in June 2023."
    ),
}


def _ke_person(rng: random.Random, county: County, year: int) -> dict[str, Any]:
    sex = "F" if bernoulli(rng, 0.56) else "M"
    kind = rng.choices(list(KE_TYPES), weights=list(KE_TYPES.values()))[0]
    card_p = county.card + 0.05 * year
    card_p *= {"MULTIPLE": 1.3, "SELF_CARE": 1.2, "COGNITION": 0.8}.get(kind, 1.0)
    card_p *= 0.9 if sex == "F" else 1.1
    card = bernoulli(rng, card_p)
    cash = bernoulli(rng, county.cash + 0.03 * year) if card else bernoulli(rng, 0.01)
    needed = bernoulli(rng, 0.8 if kind == "MULTIPLE" else 0.64)
    health_p = county.health * {"HEARING": 0.8, "MOBILITY": 0.9, "COMMUNICATION": 0.75}.get(
        kind, 1.0
    )
    obtained = needed and bernoulli(rng, health_p + 0.02 * year)
    return {"sex": sex, "type": kind, "card": card, "cash": cash, "needed": needed,
            "obtained": obtained}  # fmt: skip


#: series: (denominator filter, numerator filter)
KE_SERIES: dict[str, tuple[Callable[[dict[str, Any]], bool], Callable[[dict[str, Any]], bool]]] = {
    "SI_COV_DISAB": (lambda p: True, lambda p: p["cash"]),
    "CGD_DIS_HEALTH_ACCESS": (lambda p: p["needed"], lambda p: p["obtained"]),
    "CGD_DIS_CARD": (lambda p: True, lambda p: p["card"]),
}


def kenya() -> tuple[list[str], list[Row]]:
    rng = random.Random(20230601)
    rows: list[Row] = []
    for county in KE_COUNTIES:
        for y, year in enumerate(KE_YEARS):
            people = [_ke_person(rng, county, y) for _ in range(county.n[y])]
            cells: list[tuple[str, str, list[dict[str, Any]]]] = [
                ("_T", "_T", people),
                ("F", "_T", [p for p in people if p["sex"] == "F"]),
                ("M", "_T", [p for p in people if p["sex"] == "M"]),
            ]
            if year == "2023":
                cells += [
                    ("_T", t, [p for p in people if p["type"] == t]) for t in KE_TYPES_PUBLISHED
                ]
            for series, (denominator, numerator) in KE_SERIES.items():
                for sex, kind, group in cells:
                    base = [p for p in group if denominator(p)]
                    n, k = len(base), sum(1 for p in base if numerator(p))
                    row: Row = {
                        "SERIES": series, "REF_AREA": county.code, "SEX": sex, "AGE": "Y_GE18",
                        "DISABILITY_STATUS": "PD", "DISABILITY_TYPE": kind, "TIME_PERIOD": year,
                        "UNIT_MEASURE": "PT" if series == "SI_COV_DISAB" else "",
                        "SAMPLE_SIZE": str(n), "DATA_PRODUCER": county.producer,
                    }  # fmt: skip
                    if n >= KE_WITHHOLD_BELOW:
                        lower, upper = wilson(k, n)
                        row.update(OBS_VALUE=percent(k, n), NUMERATOR=str(k),
                                   LOWER_BOUND=lower, UPPER_BOUND=upper)  # fmt: skip
                    else:
                        row["COMMENT_OBS"] = (
                            f"Not published: fewer than {KE_WITHHOLD_BELOW} respondents."
                        )
                    if county.code == "KE-43" and year == "2023":
                        row["QUALITY_FLAGS"] = "PROVISIONAL"
                        if sex == "_T" and kind == "_T":
                            row["COMMENT_OBS"] = (
                                "Fieldwork in two of the sampled wards interrupted by insecurity; "
                                "provisional until the follow-up visits."
                            )
                    comment = KE_COMMENTS.get((series, county.code, sex, kind, year))
                    if comment:
                        row["COMMENT_OBS"] = comment
                    rows.append(row)
    columns = [
        "SERIES", "REF_AREA", "SEX", "AGE", "DISABILITY_STATUS", "DISABILITY_TYPE",
        "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "LOWER_BOUND", "UPPER_BOUND",
        "SAMPLE_SIZE", "NUMERATOR", "QUALITY_FLAGS", "COMMENT_OBS", "DATA_PRODUCER",
    ]  # fmt: skip
    return columns, rows


# ----------------------------------------------------------------------------------------------
# 2. Nepal: community scorecard of health posts and schools in Karnali, two rounds of 2023
# ----------------------------------------------------------------------------------------------

NP_ROUNDS = ("2023-S1", "2023-S2")
NP_SERIES = {
    "HEALTH": ("CGD_SC_STAFF_PRESENCE", "CGD_SC_DRUG_AVAIL"),
    "EDUCATION": ("CGD_SC_TEACHER_ATTEND", "CGD_SC_TOILET_FUNC"),
}
#: extra user groups of a population group: service point -> (POP_GROUP, SEX, DATA_PRODUCER)
NP_POP_GROUPS = {
    "HP-JUMLA-01": ("SINGLE_WOMAN", "F", "SSWC"),
    "HP-JUMLA-02": ("SINGLE_WOMAN", "F", "SSWC"),
    "HP-DAILEKH-01": ("DALIT", "_T", "BDRF"),
    "SCH-SURKHET-01": ("DALIT", "_T", "BDRF"),
    "SCH-DAILEKH-01": ("DALIT", "_T", "BDRF"),
}
#: group -> (offset from the facility's quality, participants min, max)
NP_GROUPS = {
    "SERVICE_USER": (0.0, 12, 25),
    "SERVICE_PROVIDER": (0.8, 5, 12),
    "JOINT": (0.35, 14, 28),
    "DALIT": (-0.45, 8, 15),
    "SINGLE_WOMAN": (-0.3, 8, 14),
}
#: (service point, respondent type, round) whose group did not meet
NP_NOT_HELD = {("SCH-JUMLA-03", "SERVICE_PROVIDER", "2023-S2")}
# fmt: off
NP_COMMENTS = {
    ("HP-JUMLA-02", "CGD_SC_DRUG_AVAIL", "SERVICE_USER", "_T", "2023-S1"):
        "औषधि सकिएको भन्दै निजी पसलबाट किन्न पठाइयो।",
    ("HP-SURKHET-02", "CGD_SC_STAFF_PRESENCE", "SERVICE_USER", "_T", "2023-S1"):
        "स्वास्थ्यकर्मी दिउँसो २ बजेपछि प्रायः अनुपस्थित हुन्छन्।",
    ("SCH-JUMLA-01", "CGD_SC_TOILET_FUNC", "SERVICE_USER", "_T", "2023-S1"):
        "छात्राहरूका लागि छुट्टै शौचालय छैन, पानीको व्यवस्था पनि छैन।",
    ("SCH-DAILEKH-01", "CGD_SC_TEACHER_ATTEND", "SERVICE_USER", "DALIT", "2023-S1"):
        "दलित अभिभावकहरूले विद्यालय व्यवस्थापन समितिमा आफ्नो प्रतिनिधित्व नभएको बताए।",
    ("HP-JUMLA-01", "CGD_SC_STAFF_PRESENCE", "JOINT", "_T", "2023-S2"):
        "अन्तरक्रिया बैठकमा कर्मचारीको हाजिरी सार्वजनिक गर्ने सहमति भयो।",
    ("SCH-SURKHET-01", "CGD_SC_TOILET_FUNC", "JOINT", "_T", "2023-S2"):
        "वडा कार्यालयले नयाँ शौचालय निर्माणका लागि बजेट छुट्यायो।",
    ("HP-DAILEKH-02", "CGD_SC_DRUG_AVAIL", "SERVICE_PROVIDER", "_T", "2023-S2"):
        "Buffer stock of free medicines received from the municipality in September.",
}
# fmt: on


def _score_text(rng: random.Random, latent: float) -> str:
    """A group score as a facilitator types it: whole points, or the mean of 2 or 4 sub-groups."""
    step = rng.choices((Decimal(1), Decimal("0.5"), Decimal("0.25")), weights=(6, 3, 1))[0]
    value = (Decimal(repr(latent)) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    value = min(max(value, Decimal(1)), Decimal(5))
    if value == value.to_integral_value():
        return str(int(value))
    text = format(value.normalize(), "f")
    if text.endswith(".5") and bernoulli(rng, 0.12):
        text += "0"  # typed as 3.50: the exact text must survive
    return text


def nepal() -> tuple[list[str], list[Row]]:
    rng = random.Random(20231124)
    meta = metadata("nepal-karnali-scorecard")
    rows: list[Row] = []
    for point in meta["SERVICE_POINTS"]:
        code, area, service = point["CODE"], point["AREA"], point["SERVICE"]
        jumla = "JUMLA" in code
        quality = {s: rng.uniform(1.5, 3.2 if jumla else 3.7) for s in NP_SERIES[service]}
        change = {s: rng.uniform(-0.1, 0.8) for s in NP_SERIES[service]}
        groups: list[tuple[str, str, str, str]] = [
            ("SERVICE_USER", "_T", "_T", ""),
            ("SERVICE_PROVIDER", "_T", "_T", ""),
            ("JOINT", "_T", "_T", ""),
        ]
        if code in NP_POP_GROUPS:
            pop, sex, producer = NP_POP_GROUPS[code]
            groups.insert(1, ("SERVICE_USER", pop, sex, producer))
        for r, period in enumerate(NP_ROUNDS):
            for respondent, pop, sex, producer in groups:
                offset, low, high = NP_GROUPS[pop if pop != "_T" else respondent]
                held = (code, respondent, period) not in NP_NOT_HELD
                participants = rng.randint(low, high)
                for series in NP_SERIES[service]:
                    row: Row = {
                        "FREQ": "S", "SERIES": series, "REF_AREA": area, "SEX": sex,
                        "POP_GROUP": pop, "SERVICE": service, "RESPONDENT_TYPE": respondent,
                        "SERVICE_POINT": code, "TIME_PERIOD": period, "DATA_PRODUCER": producer,
                    }  # fmt: skip
                    if held:
                        latent = quality[series] + offset + r * change[series]
                        row["OBS_VALUE"] = _score_text(rng, latent + rng.gauss(0, 0.35))
                        row["SAMPLE_SIZE"] = str(participants)
                    else:
                        row["COMMENT_OBS"] = (
                            "Teachers' self-assessment not held: the school closed early for "
                            "the winter break."
                        )
                    comment = NP_COMMENTS.get((code, series, respondent, pop, period))
                    if comment:
                        row["COMMENT_OBS"] = comment
                    rows.append(row)
    columns = [
        "FREQ", "SERIES", "REF_AREA", "SEX", "POP_GROUP", "SERVICE", "RESPONDENT_TYPE",
        "SERVICE_POINT", "TIME_PERIOD", "OBS_VALUE", "SAMPLE_SIZE", "COMMENT_OBS",
        "DATA_PRODUCER",
    ]  # fmt: skip
    return columns, rows


# ----------------------------------------------------------------------------------------------
# 3. Bangladesh: monthly COVID-19 dashboard, May-October 2020
# ----------------------------------------------------------------------------------------------

BD_MONTHS = ("2020-05", "2020-06", "2020-07", "2020-08", "2020-09", "2020-10")


@dataclass(frozen=True)
class BdCell:
    area: str
    group: str
    producer: str
    n: tuple[int, int]  # respondents per month, min and max
    first_month: int = 0


BD_CELLS = (
    BdCell("BD-C", "STREET_VENDOR", "FTSF", (70, 95)),
    BdCell("BD-C", "SEX_WORKER", "APWN", (12, 28)),
    BdCell("BD-C", "DALIT", "SDRP", (40, 60)),
    BdCell("BD-B", "INDIGENOUS", "HPIVF", (35, 55)),
    BdCell("BD-B", "STREET_VENDOR", "FTSF", (28, 45)),
    BdCell("BD-E", "INDIGENOUS", "HPIVF", (28, 45)),
    BdCell("BD-E", "DALIT", "SDRP", (22, 40)),
    BdCell("BD-G", "DALIT", "SDRP", (20, 35), first_month=3),
)
#: divisions with more than one group get a total (_T) row compiled by the secretariat
BD_TOTALS = ("BD-C", "BD-B", "BD-E")
#: group -> (skipped meals, food relief, cash support, refused care | sought), at May 2020
BD_RATES = {
    "STREET_VENDOR": (0.80, 0.24, 0.14, 0.22),
    "SEX_WORKER": (0.86, 0.09, 0.05, 0.46),
    "DALIT": (0.74, 0.34, 0.12, 0.31),
    "INDIGENOUS": (0.67, 0.27, 0.08, 0.26),
}
#: (SERIES, SERVICE, denominator, numerator)
BD_INDICATORS: tuple[tuple[str, str, str, str], ...] = (
    ("CGD_COVID_FOOD_SHORT", "_Z", "all", "food_short"),
    ("CGD_COVID_RELIEF_RECEIVED", "FOOD_ASSIST", "all", "food_relief"),
    ("CGD_COVID_RELIEF_RECEIVED", "CASH_TRANSFER", "all", "cash"),
    ("CGD_COVID_HEALTH_DENIED", "HEALTH", "sought", "denied"),
)
# fmt: off
BD_COMMENTS = {
    ("BD-C", "STREET_VENDOR", "CGD_COVID_FOOD_SHORT", "2020-05"):
        "লকডাউনে বেচাকেনা বন্ধ, সঞ্চয় শেষ।",
    ("BD-C", "SEX_WORKER", "FOOD_ASSIST", "2020-06"):
        "ত্রাণ তালিকায় নাম ওঠেনি, জাতীয় পরিচয়পত্র নেই।",
    ("BD-B", "INDIGENOUS", "HEALTH", "2020-07"):
        "কোভিড পরীক্ষার সনদ ছাড়া হাসপাতালে ভর্তি নেয়নি।",
    ("BD-E", "DALIT", "CASH_TRANSFER", "2020-09"):
        "নগদ সহায়তার টাকা মোবাইলে আসেনি।",
    ("BD-G", "DALIT", "CGD_COVID_FOOD_SHORT", "2020-08"):
        "Sylhet division added in August 2020 (tea-garden Dalit communities). "
        "চা বাগানে রেশন কমিয়ে দেওয়া হয়েছে।",
    ("BD-C", "_T", "FOOD_ASSIST", "2020-07"): "Eid al-Adha distributions in late July.",
    ("BD-C", "SEX_WORKER", "CASH_TRANSFER", "2020-07"):
        "One-off NGO cash grant to members of the sex workers' network before Eid.",
}
# fmt: on


def _bd_household(rng: random.Random, group: str, area: str, month: int) -> dict[str, bool]:
    short, food, cash, denied = BD_RATES[group]
    hills = area == "BD-B" and group == "INDIGENOUS"
    food_p = food * (1.15 if month <= 1 else 1 - 0.13 * (month - 1)) * (0.8 if hills else 1.0)
    cash_p = cash * (1.4 if month == 2 else 1.0)  # a cash round before Eid al-Adha
    sought = bernoulli(rng, 0.33)
    return {
        "all": True,
        "food_short": bernoulli(rng, short - 0.065 * month),
        "food_relief": bernoulli(rng, food_p),
        "cash": bernoulli(rng, cash_p),
        "sought": sought,
        "denied": sought and bernoulli(rng, denied - 0.025 * month),
    }


def _bd_rows(area: str, group: str, m: int, households: list[dict[str, bool]]) -> list[Row]:
    """The four indicator rows of one division, population group and month."""
    month = BD_MONTHS[m]
    producers = {(c.area, c.group): c.producer for c in BD_CELLS}
    rows: list[Row] = []
    for series, service, denominator, numerator in BD_INDICATORS:
        base = [h for h in households if h[denominator]]
        n, k = len(base), sum(1 for h in base if h[numerator])
        row: Row = {
            "FREQ": "M", "SERIES": series, "REF_AREA": area, "POP_GROUP": group,
            "SERVICE": service, "TIME_PERIOD": month, "SAMPLE_SIZE": str(n),
            "NUMERATOR": str(k), "DATA_PRODUCER": producers.get((area, group), "PRC"),
        }  # fmt: skip
        if n:
            row["OBS_VALUE"] = percent(k, n)
        else:
            row["COMMENT_OBS"] = "No household sought care at a public facility this month."
        if month == "2020-10":
            row["QUALITY_FLAGS"] = "PROVISIONAL"
        elif series == "CGD_COVID_HEALTH_DENIED" and m < 2:
            row["QUALITY_FLAGS"] = "EXPERIMENTAL"
        key = series if series == "CGD_COVID_FOOD_SHORT" else service
        comment = BD_COMMENTS.get((area, group, key, month))
        if comment:
            row["COMMENT_OBS"] = comment
        rows.append(row)
    return rows


def bangladesh() -> tuple[list[str], list[Row]]:
    rng = random.Random(20201112)
    rows: list[Row] = []
    for m in range(len(BD_MONTHS)):
        households: dict[tuple[str, str], list[dict[str, bool]]] = {}
        for cell in BD_CELLS:
            if m >= cell.first_month:
                n = rng.randint(*cell.n)
                households[(cell.area, cell.group)] = [
                    _bd_household(rng, cell.group, cell.area, m) for _ in range(n)
                ]
        for area in BD_TOTALS:
            households[(area, "_T")] = [
                h for (a, g), hs in households.items() if a == area and g != "_T" for h in hs
            ]
        for (area, group), hs in households.items():
            rows += _bd_rows(area, group, m, hs)
    order = {a: i for i, a in enumerate(("BD-B", "BD-C", "BD-E", "BD-G"))}
    groups = {
        g: i for i, g in enumerate(("_T", "DALIT", "INDIGENOUS", "SEX_WORKER", "STREET_VENDOR"))
    }
    indicators = {(s, v): i for i, (s, v, _, _) in enumerate(BD_INDICATORS)}
    rows.sort(
        key=lambda r: (
            order[r["REF_AREA"]], groups[r["POP_GROUP"]],
            indicators[(r["SERIES"], r["SERVICE"])], r["TIME_PERIOD"],
        )
    )  # fmt: skip
    columns = [
        "FREQ", "SERIES", "REF_AREA", "POP_GROUP", "SERVICE", "TIME_PERIOD", "OBS_VALUE",
        "SAMPLE_SIZE", "NUMERATOR", "QUALITY_FLAGS", "COMMENT_OBS", "DATA_PRODUCER",
    ]  # fmt: skip
    return columns, rows


# ----------------------------------------------------------------------------------------------
# kenya-transport-access: SP_TRN_PUBL (11.2.1) in the four counties of KE1's cities, 2019
# ----------------------------------------------------------------------------------------------

#: county, share of adults within walking distance of a stop, and the gap for persons with
#: disabilities (synthetic; the official KE1 values are 65.7, 19.2, 10.1 and 16.1 per cent)
TR_COUNTIES = (("KE-30", 0.62, 0.12, 620), ("KE-28", 0.23, 0.08, 410),
               ("KE-17", 0.14, 0.03, 520), ("KE-31", 0.18, 0.06, 360))  # fmt: skip


def transport() -> tuple[list[str], list[Row]]:
    rng = random.Random(20190601)
    rows: list[Row] = []
    for county, share, gap, n in TR_COUNTIES:
        people = []
        for _ in range(n):
            disabled = bernoulli(rng, 0.16)
            sex = "F" if bernoulli(rng, 0.52) else "M"
            near = bernoulli(rng, share - (gap if disabled else 0.0))
            people.append({"sex": sex, "pd": disabled, "near": near})
        for status, group in (("_T", people), ("PD", [p for p in people if p["pd"]])):
            for sex in ("_T", "F", "M"):
                cell = [p for p in group if sex == "_T" or p["sex"] == sex]
                k = sum(1 for p in cell if p["near"])
                lower, upper = wilson(k, len(cell), deff=1.2)
                rows.append({
                    "SERIES": "SP_TRN_PUBL", "REF_AREA": county, "SEX": sex, "AGE": "_T",
                    "DISABILITY_STATUS": status, "TIME_PERIOD": "2019", "UNIT_MEASURE": "PT",
                    "OBS_VALUE": percent(k, len(cell)), "LOWER_BOUND": lower,
                    "UPPER_BOUND": upper, "SAMPLE_SIZE": str(len(cell)), "NUMERATOR": str(k),
                })  # fmt: skip
    columns = ["SERIES", "REF_AREA", "SEX", "AGE", "DISABILITY_STATUS", "TIME_PERIOD",
               "OBS_VALUE", "UNIT_MEASURE", "LOWER_BOUND", "UPPER_BOUND", "SAMPLE_SIZE",
               "NUMERATOR"]  # fmt: skip
    return columns, rows


# ----------------------------------------------------------------------------------------------

EXAMPLES: dict[str, Callable[[], tuple[list[str], list[Row]]]] = {
    "kenya-transport-access": transport,
    "kenya-disability-survey": kenya,
    "nepal-karnali-scorecard": nepal,
    "bangladesh-covid-dashboard": bangladesh,
}


def _declared_series(name: str) -> dict[str, dict[str, Any]]:
    out = {}
    for s in metadata(name).get("SERIES", []):
        scale = {
            k: Decimal(str(s[k])) if s.get(k) is not None else None
            for k in ("SCALE_MIN", "SCALE_MAX")
        }
        out[s["CODE"]] = scale
    return out


def main(names: Iterable[str]) -> None:
    for name in names:
        columns, rows = EXAMPLES[name]()
        check(rows, _declared_series(name))
        write_csv(ROOT / name / "data.csv", columns, rows)
        print(f"{name}: {len(rows)} rows -> {ROOT / name / 'data.csv'}")


if __name__ == "__main__":
    main(sys.argv[1:] or list(EXAMPLES))

"""Generate a realistic civil-society data submission of any size, optionally with planted errors.

The output is a submission package folder, as ``sdmx-cso validate`` reads it::

    DIR/data.csv              one row per observation (20 columns)
    DIR/metadata.yaml         dataset metadata, with the coalition's series, local areas
                              and service points declared
    DIR/planted_errors.json   the planted errors, one entry per row (``[]`` without --errors)

What the data look like
-----------------------
* Dimensions of the standard with real code lists (``sdmx_cso.standard.get_codelist``): FREQ,
  SERIES, REF_AREA, SEX, AGE, POP_GROUP, DISABILITY_TYPE, SERVICE, RESPONDENT_TYPE,
  SERVICE_POINT and TIME_PERIOD. Absent dimensions take their default (``_T``) in the standard.
* REF_AREA mixes Kenyan counties (``KE-01`` … ``KE-47``), Karnali province of Nepal (``NP-P6``)
  with municipalities and wards declared as LOCAL_AREAS, and Bangladeshi divisions (``BD-A`` …
  ``BD-H``). Codes are drawn with skewed (Zipf-like) weights, as are POP_GROUP, SEX, AGE,
  DISABILITY_TYPE, SERVICE and SERVICE_POINT (facilities declared as SERVICE_POINTS, each with
  its area and service, which the rows that refer to it repeat).
* SERIES: coalition series (``CGD_*``) declared in the metadata with their unit (percentages,
  1-5 scorecard scores, counts) plus official SDG series, which carry UNIT_MEASURE in the data.
* Every series key is unique and observed over a run of consecutive periods; TIME_PERIOD has
  the form of FREQ (2021, 2021-S1, 2021-Q3, 2021-05) and lies in REF_PERIOD (2016-2024).

Shapes (``--shape``)
--------------------
``panel`` (the default) is the data described above: series keys observed over runs of 1 to
12 periods, about 3.7 observations per key. ``many-series`` is one survey round: every row
is a series key of its own, observed once, in one period per frequency (2023, 2023-S1,
2023-Q1, 2023-01), so that a million rows are a million series spread over many wards,
service points (one declared per 100 rows, up to 10,000) and breakdowns. It is the shape
of a blind 1,000,000-observation submission on which ``convert`` grew faster than linearly
(issue #16); ``benchmarks/convert_bench.py --shape many-series`` measures it.
* OBS_VALUE is decimal text (``12.5``, some ``12.50``); percentages are NUMERATOR / SAMPLE_SIZE
  and some have a confidence interval (LOWER_BOUND <= OBS_VALUE <= UPPER_BOUND); scores are
  quarter points of their declared 1-5 scale; counts are whole numbers.
* QUALITY_FLAGS on some rows, COMMENT_OBS on some rows (with Nepali and Bengali text, commas and
  quotes), DATA_PRODUCER for most series (constant within a series, as a series attribute).

Planted errors (``--errors RATE``)
----------------------------------
``round(RATE * rows)`` rows (at least one of each kind) get one error each, cycling through the
kinds below, at distinct rows and distinct series keys (so that errors do not interact). Each is
listed in ``planted_errors.json`` with its spreadsheet row (header = row 1), column, value and
the issue code ``sdmx-cso validate`` is expected to report:

=========================  =======================================================
bad_code                   a code outside its code list (REF_AREA KE-99, SEX Female…)
bad_number                 OBS_VALUE that is not a number (12,5  n/a  <5 …)
empty_dimension            an empty dimension cell (SEX, AGE, POP_GROUP…)
duplicate_key              a copy of an earlier row (same series key and TIME_PERIOD)
value_outside_bounds       OBS_VALUE outside LOWER_BOUND … UPPER_BOUND
bad_integer                SAMPLE_SIZE that is not a whole number (~30, 30.5 …)
numerator_exceeds_sample   NUMERATOR > SAMPLE_SIZE
percent_out_of_range       a percentage above 100
period_not_freq            TIME_PERIOD of the wrong form for FREQ (2021 for FREQ M)
bad_flag                   QUALITY_FLAGS with a flag outside CL_CGD_FLAG
=========================  =======================================================

Usage (with the project's environment, which has ``sdmx_cso``)::

    python benchmarks/generate.py --rows 100000 --out /tmp/sub100k
    python benchmarks/generate.py --rows 100000 --out /tmp/sub100k_err --errors 0.001 --seed 1
    python benchmarks/generate.py --rows 100000 --out /tmp/sub100k_ms --shape many-series

The same ``--rows`` and ``--seed`` always give the same files; ``--errors`` changes only the
rows it plants errors in.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import json
import math
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sdmx_cso.standard import get_codelist

COLUMNS = [
    "FREQ",
    "SERIES",
    "REF_AREA",
    "SEX",
    "AGE",
    "POP_GROUP",
    "DISABILITY_TYPE",
    "SERVICE",
    "RESPONDENT_TYPE",
    "SERVICE_POINT",
    "TIME_PERIOD",
    "OBS_VALUE",
    "UNIT_MEASURE",
    "LOWER_BOUND",
    "UPPER_BOUND",
    "SAMPLE_SIZE",
    "NUMERATOR",
    "QUALITY_FLAGS",
    "COMMENT_OBS",
    "DATA_PRODUCER",
]
C = {name: i for i, name in enumerate(COLUMNS)}
KEY_COLUMNS = COLUMNS[: C["TIME_PERIOD"]]  # the series key: every dimension but TIME_PERIOD

FIRST_YEAR, LAST_YEAR = 2016, 2024
PERIODS_PER_YEAR = {"A": 1, "S": 2, "Q": 4, "M": 12}
MAX_RUN = {"A": 6, "S": 6, "Q": 8, "M": 12}  # longest run of periods of one series key
SHAPES = ("panel", "many-series")


@dataclass(frozen=True)
class Series:
    """A series of the generated dataset and how its rows look."""

    code: str
    unit: str  # PT, SCORE or NUMBER
    freq: str
    weight: float
    name: str = ""
    sdg: bool = False  # an official SDG series (UNIT_MEASURE in the data)
    services: tuple[str, ...] = ()  # fixed SERVICE codes (drawn among them); () = any
    point_share: float = 0.0  # share of series keys about one service point
    point_services: tuple[str, ...] = ()  # services of the points it is observed at
    bounds_share: float = 0.0  # share of rows with LOWER_BOUND / UPPER_BOUND
    scorecard: bool = False  # RESPONDENT_TYPE varies (user / provider / joint scores)
    breakdowns: bool = True  # SEX, AGE, DISABILITY_TYPE vary
    extra: dict[str, Any] = field(default_factory=dict)


_SCALE = {"SCALE_MIN": 1, "SCALE_MAX": 5, "SCALE_LABELS": "1=very bad … 5=very good"}
SERIES = [
    Series(
        "CGD_DIS_HEALTH_ACCESS",
        "PT",
        "A",
        10,
        "Persons with disabilities who obtained the health care they needed",
        services=("HEALTH",),
        point_share=0.15,
        point_services=("HEALTH",),
        bounds_share=0.6,
        extra={"SDG_INDICATOR": "3.8.1"},
    ),
    Series(
        "CGD_DIS_CARD",
        "PT",
        "A",
        6,
        "Persons with disabilities holding a disability card",
        services=("CIVIL_REGISTRATION",),
        bounds_share=0.6,
        extra={
            "SDG_INDICATOR": "1.3.1",
            "LINKED_SERIES": "SI_COV_DISAB",
            "DEFINITION_DIFFERS": True,
        },
    ),
    Series(
        "CGD_COVID_FOOD_SHORT",
        "PT",
        "M",
        9,
        "Households that skipped meals for lack of food or money",
        services=("_Z",),
        breakdowns=False,
        extra={
            "SDG_INDICATOR": "2.1.2",
            "LINKED_SERIES": "AG_PRD_FIESMS",
            "DEFINITION_DIFFERS": True,
        },
    ),
    Series(
        "CGD_COVID_RELIEF_RECEIVED",
        "PT",
        "M",
        5,
        "Households that received relief",
        services=("FOOD_ASSIST", "CASH_TRANSFER"),
        breakdowns=False,
    ),
    Series(
        "CGD_WATER_POINT_FUNC",
        "PT",
        "Q",
        7,
        "Water points functional on the day of the visit",
        services=("WATER",),
        point_share=0.8,
        point_services=("WATER",),
        breakdowns=False,
    ),
    Series(
        "CGD_SC_STAFF_PRESENCE",
        "SCORE",
        "S",
        8,
        "Health staff present during opening hours (community score)",
        services=("HEALTH",),
        point_share=1.0,
        point_services=("HEALTH",),
        scorecard=True,
        breakdowns=False,
        extra={**_SCALE, "PERCEPTION": True},
    ),
    Series(
        "CGD_SC_TEACHER_ATTEND",
        "SCORE",
        "S",
        6,
        "Teachers present and teaching (community score)",
        services=("EDUCATION",),
        point_share=1.0,
        point_services=("EDUCATION",),
        scorecard=True,
        breakdowns=False,
        extra={**_SCALE, "PERCEPTION": True},
    ),
    Series(
        "CGD_SC_TOILET_FUNC",
        "SCORE",
        "S",
        4,
        "Functional separate toilets for girls (community score)",
        services=("EDUCATION",),
        point_share=1.0,
        point_services=("EDUCATION",),
        scorecard=True,
        breakdowns=False,
        extra={
            **_SCALE,
            "PERCEPTION": True,
            "LINKED_SERIES": "SE_ACS_SANIT",
            "DEFINITION_DIFFERS": True,
        },
    ),
    Series(
        "CGD_GBV_CASES_REFERRED",
        "NUMBER",
        "M",
        3,
        "Cases of gender-based violence referred to services",
        services=("JUSTICE_LEGAL", "HEALTH"),
        breakdowns=False,
    ),
    Series("SI_COV_DISAB", "PT", "A", 8, sdg=True, services=("CASH_TRANSFER",), bounds_share=0.6),
    Series("SH_SAN_SAFE", "PT", "A", 4, sdg=True, services=("SANITATION",), bounds_share=0.5),
    Series("SP_PSR_SATIS", "PT", "A", 5, sdg=True, bounds_share=0.5),
    Series(
        "SG_REG_BRTH", "PT", "A", 3, sdg=True, services=("CIVIL_REGISTRATION",), bounds_share=0.5
    ),
    Series(
        "SE_INF_DSBL",
        "PT",
        "A",
        2,
        sdg=True,
        services=("EDUCATION",),
        point_share=0.5,
        point_services=("EDUCATION",),
        breakdowns=False,
    ),
    Series("VC_VOV_GDSD", "PT", "A", 3, sdg=True, bounds_share=0.5),
]

SEX = ["_T", "F", "M"]
AGE = ["_T", "Y_GE18", "Y15T24", "Y18T29", "Y30T39", "Y40T49", "Y50T59", "Y_GE60", "Y0T4", "Y5T14"]
NEPAL_MUNICIPALITIES = [
    "BIRENDRANAGAR",
    "GURBHAKOT",
    "BHERIGANGA",
    "PANCHAPURI",
    "LEKBESI",
    "CHANDANNATH",
    "TILA",
    "SINJA",
    "NARAYAN",
    "DULLU",
    "SIMKOT",
    "CHHAYANATH",
]
PROVIDERS = {
    "KE": [
        ("TDA", "Tuinuane Disability Alliance"),
        ("MPDF", "Mashinani Persons with Disabilities Forum"),
        ("PDBAN", "Pwani Deaf and Blind Action Network"),
    ],
    "NP": [
        ("KCSN", "Karnali Citizens' Scorecard Network"),
        ("BDRF", "Bheri Dalit Rights Forum"),
        ("SSWC", "Sinja Single Women's Collective"),
    ],
    "BD": [
        ("PRC", "Prantojon Rights Coalition"),
        ("SDRP", "Samata Dalit Rights Platform"),
        ("HPIVF", "Hill and Plains Indigenous Voices Forum"),
    ],
}
POINT_KINDS = {
    "HEALTH": ("HP", "health post"),
    "EDUCATION": ("SCH", "community school"),
    "WATER": ("WP", "water point"),
}
FLAGS = [
    "PROVISIONAL",
    "SELF_REPORTED",
    "EXPERIMENTAL",
    "PROXY_REPORTED",
    "GEO_COARSENED",
    "REMOTE_MODE",
    "PROVISIONAL EXPERIMENTAL",
    "SELF_REPORTED PROVISIONAL",
]
COMMENTS = [
    "Estimate from the community scorecard",
    'Values verified by the "ward committee", 2 visits',
    "नमूना आकार सानो छ",  # Nepali: the sample size is small
    "स्वयंसेवकहरूद्वारा सङ्कलन गरिएको तथ्याङ्क",  # Nepali: data collected by volunteers
    "নমুনার আকার ছোট",  # Bengali: the sample size is small
    "স্বেচ্ছাসেবকদের দ্বারা সংগৃহীত তথ্য",  # Bengali: data collected by volunteers
    "Facility closed during part of the survey period; values from the second visit",
]

# --------------------------------------------------------------------------------------------
# Codes
# --------------------------------------------------------------------------------------------


def zipf(k: int, s: float = 1.1) -> list[float]:
    """Weights 1/rank**s for k codes: a few codes get most of the rows."""
    return [1.0 / rank**s for rank in range(1, k + 1)]


def cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def checked(ref: str, codes: Sequence[str]) -> list[str]:
    """``codes``, after checking that each is a code of ``ref``."""
    ids = get_codelist(ref).ids
    missing = [c for c in codes if c not in ids]
    if missing:
        raise SystemExit(f"not codes of {ref}: {', '.join(missing)}")
    return list(codes)


def local_areas() -> list[dict[str, str]]:
    """Municipalities of Karnali (NP-P6) and a few wards of each, as LOCAL_AREAS."""
    areas = []
    for i, name in enumerate(NEPAL_MUNICIPALITIES):
        code = f"NP-P6-{name}"
        areas.append(
            {
                "CODE": code,
                "NAME": f"{name.title()} Municipality",
                "PARENT": "NP-P6",
                "LEVEL": "municipality",
            }
        )
        for ward in range(1, 4 + i % 5):
            areas.append(
                {
                    "CODE": f"{code}-{ward:02d}",
                    "NAME": f"{name.title()} ward {ward}",
                    "PARENT": code,
                    "LEVEL": "ward",
                }
            )
    return areas


@dataclass
class Codes:
    """The code lists the rows are drawn from, with their (skewed) cumulative weights."""

    rng: random.Random
    n_rows: int
    shape: str = "panel"
    areas: list[str] = field(init=False)
    locals: list[dict[str, str]] = field(init=False)
    points: list[dict[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        area_ids = get_codelist("CL_AREA_CGD").ids
        kenya = sorted(c for c in area_ids if c.startswith("KE-") and len(c) == 5)
        bangladesh = sorted(c for c in area_ids if c.startswith("BD-") and c[3:].isalpha())
        self.locals = local_areas()
        nepal = ["NP-P6", *(a["CODE"] for a in self.locals)]
        self.areas = kenya + nepal + bangladesh
        self.rng.shuffle(self.areas)  # heavy areas in every country
        self.area_cum = cumulative(zipf(len(self.areas), 1.0))
        self.pop = checked("CL_POP_GROUP", [c.id for c in get_codelist("CL_POP_GROUP").codes])
        self.disability = [c.id for c in get_codelist("CL_DISABILITY_TYPE").codes]
        self.service = [c.id for c in get_codelist("CL_SERVICE").codes]
        self.sex, self.age = checked("CL_SEX", SEX), checked("CL_AGE", AGE)
        self.cum = {
            "SEX": cumulative([0.5, 0.25, 0.25]),
            "AGE": cumulative(zipf(len(self.age), 1.3)),
            "POP": cumulative(zipf(len(self.pop), 1.2)),
            "DIS": cumulative(zipf(len(self.disability), 1.2)),
            "SERVICE": cumulative(zipf(len(self.service), 0.9)),
            "SERIES": cumulative([s.weight for s in SERIES]),
        }
        self.points = self._service_points()

    def _service_points(self) -> list[dict[str, str]]:
        if self.shape == "many-series":
            count = min(10_000, max(60, self.n_rows // 100))
        else:
            count = min(2500, max(60, self.n_rows // 400))
        points = []
        services = list(POINT_KINDS)
        for i in range(count):
            service = services[i % len(services)]
            area = self.area()
            prefix, kind = POINT_KINDS[service]
            place = area.replace("-", "")[:12]
            points.append(
                {
                    "CODE": f"{prefix}-{place}-{i + 1:04d}",
                    "NAME": f"{kind.title()} no. {i + 1} ({area})",
                    "AREA": area,
                    "KIND": kind,
                    "SERVICE": service,
                }
            )
        self.point_cum = {
            s: (ps, cumulative(zipf(len(ps), 0.9)))
            for s in services
            if (ps := [p for p in points if p["SERVICE"] == s])
        }
        return points

    def pick(self, codes: Sequence[str], name: str) -> str:
        return self.rng.choices(codes, cum_weights=self.cum[name])[0]

    def area(self) -> str:
        return self.rng.choices(self.areas, cum_weights=self.area_cum)[0]

    def point(self, services: Sequence[str]) -> dict[str, str]:
        points, cum = self.point_cum[self.rng.choice(services)]
        return self.rng.choices(points, cum_weights=cum)[0]


def country(area: str) -> str:
    return area[:2]


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


def draw_key(codes: Codes, series: Series) -> tuple[list[str], bool]:
    """A series key (dimension codes, without TIME_PERIOD) and whether it is at a service point."""
    rng = codes.rng
    key = dict.fromkeys(KEY_COLUMNS, "_T")
    key["FREQ"], key["SERIES"] = series.freq, series.code
    at_point = rng.random() < series.point_share
    if at_point:
        point = codes.point(series.point_services)
        key["SERVICE_POINT"], key["REF_AREA"], key["SERVICE"] = (
            point["CODE"],
            point["AREA"],
            point["SERVICE"],
        )
    else:
        key["REF_AREA"] = codes.area()
        key["SERVICE"] = (
            rng.choice(series.services) if series.services else codes.pick(codes.service, "SERVICE")
        )
    if series.scorecard:
        key["RESPONDENT_TYPE"] = rng.choice(["SERVICE_USER", "SERVICE_PROVIDER", "JOINT"])
        key["POP_GROUP"] = rng.choices(["_T", "DALIT", "SINGLE_WOMAN"], [0.7, 0.2, 0.1])[0]
    else:
        key["POP_GROUP"] = codes.pick(codes.pop, "POP")
    if series.breakdowns and not at_point:
        key["SEX"] = codes.pick(codes.sex, "SEX")
        key["AGE"] = codes.pick(codes.age, "AGE")
        key["DISABILITY_TYPE"] = codes.pick(codes.disability, "DIS")
    return [key[c] for c in KEY_COLUMNS], at_point


#: The one period of every key in the ``many-series`` shape (one survey round).
ROUND_YEAR = 2023


def periods(rng: random.Random, freq: str, shape: str = "panel") -> list[str]:
    """A run of consecutive periods of ``freq`` inside FIRST_YEAR … LAST_YEAR.

    In the ``many-series`` shape: the first period of ROUND_YEAR alone.
    """
    per_year = PERIODS_PER_YEAR[freq]
    total = (LAST_YEAR - FIRST_YEAR + 1) * per_year
    if shape == "many-series":
        length, start = 1, (ROUND_YEAR - FIRST_YEAR) * per_year
    else:
        length = rng.randint(1, MAX_RUN[freq])
        start = rng.randrange(total - length + 1)
    out = []
    for index in range(start, start + length):
        year, sub = FIRST_YEAR + index // per_year, index % per_year + 1
        out.append(
            {
                "A": f"{year}",
                "S": f"{year}-S{sub}",
                "Q": f"{year}-Q{sub}",
                "M": f"{year}-{sub:02d}",
            }[freq]
        )
    return out


def tenths(value: int) -> str:
    return f"{value // 10}.{value % 10}"


def percent_cells(rng: random.Random, series: Series, level: float) -> dict[str, str]:
    """OBS_VALUE = NUMERATOR / SAMPLE_SIZE in per cent, with a confidence interval on some rows."""
    size = max(5, min(3000, int(rng.lognormvariate(4.3, 0.9))))
    p = min(1.0, max(0.0, rng.gauss(level, 0.08)))
    numerator = round(p * size)
    t = round(1000 * numerator / size)  # tenths of a per cent
    text = tenths(t)
    cells = {
        "OBS_VALUE": text + ("0" if rng.random() < 0.1 else ""),
        "SAMPLE_SIZE": str(size),
        "NUMERATOR": str(numerator),
    }
    if rng.random() < series.bounds_share:
        half = 1960 * math.sqrt(max(p * (1 - p), 0.0025) / size)  # in tenths
        cells["LOWER_BOUND"] = tenths(max(0, min(t, math.floor(t - half))))
        cells["UPPER_BOUND"] = tenths(min(1000, max(t, math.ceil(t + half))))
    return cells


def value_cells(rng: random.Random, series: Series, level: float) -> dict[str, str]:
    if series.unit == "PT":
        return percent_cells(rng, series, level)
    if series.unit == "SCORE":
        quarters = max(4, min(20, round(level * 16 + 4 + rng.gauss(0, 2))))
        score = f"{quarters / 4:g}"
        return {"OBS_VALUE": score, "SAMPLE_SIZE": str(rng.randint(5, 40))}
    return {"OBS_VALUE": str(max(0, int(rng.lognormvariate(2.5, 1.0))))}


def series_rows(codes: Codes, series: Series, key: list[str], producer: str) -> list[list[str]]:
    """The rows of one series key: one per period, values around a level of the key."""
    rng = codes.rng
    level = rng.betavariate(2, 2)
    rows = []
    for period in periods(rng, series.freq, codes.shape):
        cells = dict.fromkeys(COLUMNS[C["TIME_PERIOD"] :], "")
        cells["TIME_PERIOD"] = period
        cells.update(value_cells(rng, series, level))
        if series.sdg:
            cells["UNIT_MEASURE"] = series.unit
        if rng.random() < 0.07:
            cells["QUALITY_FLAGS"] = rng.choice(FLAGS)
        if rng.random() < 0.04:
            cells["COMMENT_OBS"] = rng.choice(COMMENTS)
        cells["DATA_PRODUCER"] = producer
        rows.append([*key, *cells.values()])
    return rows


@dataclass
class Generated:
    """The rows, and for each the index of its series key and whether it is at a point."""

    rows: list[list[str]]
    key_of_row: list[int]
    codes: Codes


def generate_rows(n_rows: int, seed: int, shape: str = "panel") -> Generated:
    """``n_rows`` rows with unique series keys (deterministic for a seed and shape)."""
    rng = random.Random(seed)
    codes = Codes(rng, n_rows, shape)
    rows: list[list[str]] = []
    key_of_row: list[int] = []
    seen: set[tuple[str, ...]] = set()
    while len(rows) < n_rows:
        series = rng.choices(SERIES, cum_weights=codes.cum["SERIES"])[0]
        key, _ = draw_key(codes, series)
        if tuple(key) in seen:
            continue
        seen.add(tuple(key))
        producers = PROVIDERS[country(key[C["REF_AREA"]])]
        producer = rng.choices(producers, [0.6, 0.25, 0.15])[0][0] if rng.random() < 0.75 else ""
        block = series_rows(codes, series, key, producer)
        key_of_row += [len(seen) - 1] * len(block)
        rows += block
    del rows[n_rows:], key_of_row[n_rows:]
    return Generated(rows, key_of_row, codes)


# --------------------------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------------------------


def series_declarations() -> list[dict[str, Any]]:
    out = []
    for s in SERIES:
        if s.sdg:
            continue
        out.append(
            {
                "CODE": s.code,
                "NAME": s.name,
                "DEFINITION": f"{s.name} (synthetic).",
                "UNIT": s.unit,
                "UNIT_MULT": "0",
                "PERCEPTION": False,
                "DEFINITION_DIFFERS": False,
                **s.extra,
            }
        )
    return out


def metadata(codes: Codes, n_rows: int) -> dict[str, Any]:
    """A complete, valid metadata file for the generated rows."""
    providers = [
        {"ID": pid, "NAME": name, "COUNTRY": cc}
        for cc, items in PROVIDERS.items()
        for pid, name in items
    ]
    top = sorted({a for a in codes.areas if not a.startswith("NP-P6-")})
    return {
        "DATASET_ID": f"SYNTH_CGD_{n_rows}",
        "TITLE": f"Synthetic coalition dataset of {n_rows:,} observations (benchmark)",
        "DESCRIPTION": "Synthetic data for benchmarks (benchmarks/generate.py); not real results.",
        "VERSION": "1.0",
        "LANGUAGE": "en",
        "DATASET_TYPE": "SURVEY",
        "CONTACT_ORGANISATION": "Benchmark Coalition",
        "CONTACT_EMAIL": "data@benchmark-coalition.example.org",
        "DATA_SOURCE": providers,
        "INITIATOR": "CSO",
        "PARTICIPATION_STAGES": ["DESIGN", "COLLECTION", "VALIDATION"],
        "STAT_POP": "Marginalised groups in the covered areas of Kenya, Nepal and Bangladesh.",
        "STAT_UNIT": "Person, household or service point",
        "GROUP_ID_METHOD": "SELF_ID",
        "REF_AREA_COVERAGE": top,
        "REF_PERIOD": {"START": dt.date(FIRST_YEAR, 1, 1), "END": dt.date(LAST_YEAR, 12, 31)},
        "COLL_PERIOD": {"START": dt.date(FIRST_YEAR, 3, 1), "END": dt.date(LAST_YEAR + 1, 3, 31)},
        "SOURCE_TYPE": "MIXED",
        "COLL_METHOD": {"MODE": "CAPI", "TOOL": "KOBOTOOLBOX", "LANGUAGES": ["en", "sw", "ne"]},
        "SAMPLING_METHOD": "NONPROB_QUOTA",
        "REPRESENTATIVENESS": "NOT_REP",
        "RESPONSE_MODE": "SELF",
        "VALIDATION_STATUS": "PEER_REVIEWED",
        "CONSENT": {"TYPE": "INFORMED_VERBAL"},
        "REC_USE_LIM": "Synthetic data: no limitation applies, and no conclusion may be drawn.",
        "LICENCE": "CC-BY-4.0",
        "ACCESS_RIGHTS": "PUBLIC",
        "SERIES": series_declarations(),
        "LOCAL_AREAS": codes.locals,
        "SERVICE_POINTS": codes.points,
    }


# --------------------------------------------------------------------------------------------
# Planted errors
# --------------------------------------------------------------------------------------------

BAD_CODES = {
    "REF_AREA": ["KE-99", "Nairobi", "ke-30", "NP-P6-BIRENDRANAGR"],
    "SEX": ["Female", "f", "W"],
    "AGE": ["15-24", "Y65+", "ADULT"],
    "POP_GROUP": ["REFUGEE", "DALITS", "Dalit"],
    "DISABILITY_TYPE": ["BLIND", "Seeing"],
    "SERVICE": ["WASH", "HEALTH_PRIMARY"],
}
BAD_NUMBERS = ["12,5", "n/a", "<5", "approx. 40", "..", "12.5%"]
BAD_INTEGERS = ["~{n}", "{n}+", "{n}.5", "n/a", "approx. {n}"]  # {n}: the true size
BAD_FLAGS = ["SMALL_N", "PROVISIONAL UNVERIFIED", "self_reported"]
EMPTY_COLUMNS = ["SEX", "AGE", "POP_GROUP", "DISABILITY_TYPE", "SERVICE", "REF_AREA"]
KINDS = {  # kind -> issue code sdmx-cso reports
    "bad_code": "code-not-in-codelist",
    "bad_number": "invalid-number",
    "empty_dimension": "missing-dimension-value",
    "duplicate_key": "duplicate-key",
    "value_outside_bounds": "value-outside-bounds",
    "bad_integer": "invalid-integer",
    "numerator_exceeds_sample": "numerator-exceeds-sample",
    "percent_out_of_range": "percent-out-of-range",
    "period_not_freq": "time-period-frequency",
    "bad_flag": "code-not-in-codelist",
}
SERIES_UNIT = {s.code: s.unit for s in SERIES}


def _eligible(kind: str, row: list[str]) -> bool:
    has_bounds = row[C["UPPER_BOUND"]] != ""
    if kind == "value_outside_bounds":
        return has_bounds and (row[C["UPPER_BOUND"]] != "100.0" or row[C["LOWER_BOUND"]] != "0.0")
    if kind == "percent_out_of_range":
        return SERIES_UNIT[row[C["SERIES"]]] == "PT" and not has_bounds
    if kind == "bad_integer":
        return row[C["SAMPLE_SIZE"]] != ""
    if kind == "numerator_exceeds_sample":
        return row[C["NUMERATOR"]] != ""
    if kind == "period_not_freq":
        return row[C["FREQ"]] != "A"
    return True


def _outside_bounds(rng: random.Random, row: list[str]) -> str:
    low = round(float(row[C["LOWER_BOUND"]]) * 10)
    high = round(float(row[C["UPPER_BOUND"]]) * 10)
    if high < 1000:
        return tenths(min(1000, high + rng.randint(1, 40)))
    return tenths(max(0, low - rng.randint(1, 40)))


def _mutate(kind: str, rng: random.Random, row: list[str]) -> tuple[str, str]:
    """Plant an error of ``kind`` in ``row``; return the column and the new value."""
    if kind == "bad_code":
        column = rng.choice(list(BAD_CODES))
        value = rng.choice(BAD_CODES[column])
    elif kind == "bad_number":
        column, value = "OBS_VALUE", rng.choice(BAD_NUMBERS)
    elif kind == "empty_dimension":
        column, value = rng.choice(EMPTY_COLUMNS), ""
    elif kind == "value_outside_bounds":
        column, value = "OBS_VALUE", _outside_bounds(rng, row)
    elif kind == "bad_integer":
        column = "SAMPLE_SIZE"
        value = rng.choice(BAD_INTEGERS).format(n=row[C["SAMPLE_SIZE"]])
    elif kind == "numerator_exceeds_sample":
        column = "NUMERATOR"
        value = str(int(row[C["SAMPLE_SIZE"]]) + rng.randint(1, 25))
    elif kind == "percent_out_of_range":
        column, value = "OBS_VALUE", tenths(rng.randint(1001, 2000))
    elif kind == "period_not_freq":
        column, value = "TIME_PERIOD", row[C["TIME_PERIOD"]][:4]
    else:  # bad_flag
        column, value = "QUALITY_FLAGS", rng.choice(BAD_FLAGS)
    row[C[column]] = value
    return column, value


def plant_errors(gen: Generated, rate: float, seed: int) -> list[dict[str, Any]]:
    """Plant errors at ``rate`` of the rows, in place; return what was planted where."""
    if rate <= 0:
        return []
    rng = random.Random(seed * 7919 + 17)
    rows, n = gen.rows, len(gen.rows)
    count = max(len(KINDS), round(rate * n))
    used_keys: set[int] = set()
    planted: list[dict[str, Any]] = []
    kinds = list(KINDS)
    for i in range(count):
        kind = kinds[i % len(kinds)]
        index = _free_row(rng, gen, used_keys, kind)
        if index is None:
            continue
        entry: dict[str, Any] = {"row": index + 2, "kind": kind, "issue": KINDS[kind]}
        if kind == "duplicate_key":
            source = _free_row(rng, gen, used_keys, kind, below=index)
            if source is None:
                continue
            rows[index] = list(rows[source])
            entry.update(column=None, value=None, duplicate_of=source + 2)
        else:
            original = list(rows[index])
            column, value = _mutate(kind, rng, rows[index])
            entry.update(column=column, value=value, was=original[C[column]])
        planted.append(entry)
    return sorted(planted, key=lambda e: e["row"])


def _free_row(
    rng: random.Random, gen: Generated, used_keys: set[int], kind: str, below: int | None = None
) -> int | None:
    """A random row of a series key without an error yet, eligible for ``kind``."""
    limit = len(gen.rows) if below is None else below
    for _ in range(10_000):
        if limit < 1:
            return None
        index = rng.randrange(limit)
        key = gen.key_of_row[index]
        if key in used_keys or not _eligible(kind, gen.rows[index]):
            continue
        used_keys.add(key)
        return index
    return None


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def write_submission(
    out: Path, n_rows: int, rate: float, seed: int, shape: str = "panel"
) -> dict[str, Any]:
    """Write data.csv, metadata.yaml and planted_errors.json into ``out``; return facts."""
    started = time.perf_counter()
    gen = generate_rows(n_rows, seed, shape)
    planted = plant_errors(gen, rate, seed)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "data.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(gen.rows)
    meta = metadata(gen.codes, n_rows)
    with open(out / "metadata.yaml", "w", encoding="utf-8") as f:
        f.write("# Synthetic metadata written by benchmarks/generate.py\n")
        yaml.safe_dump(meta, f, allow_unicode=True, sort_keys=False, width=100)
    (out / "planted_errors.json").write_text(json.dumps(planted, indent=1), encoding="utf-8")
    return {
        "rows": n_rows,
        "shape": shape,
        "series_keys": len(set(gen.key_of_row)),
        "planted": len(planted),
        "bytes": (out / "data.csv").stat().st_size,
        "service_points": len(gen.codes.points),
        "local_areas": len(gen.codes.locals),
        "seconds": round(time.perf_counter() - started, 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True, help="number of observations")
    parser.add_argument("--out", type=Path, required=True, help="submission folder to write")
    parser.add_argument(
        "--errors", type=float, default=0.0, help="share of rows with a planted error (e.g. 0.001)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--shape",
        choices=SHAPES,
        default="panel",
        help="panel: keys over runs of periods (default); many-series: one row per key",
    )
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    if not 0 <= args.errors < 0.5:
        parser.error("--errors must be in [0, 0.5)")
    facts = write_submission(args.out, args.rows, args.errors, args.seed, args.shape)
    print(json.dumps(facts), file=sys.stdout)


if __name__ == "__main__":
    main()

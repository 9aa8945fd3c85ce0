"""The survey import spec: which answers make which series, broken down how.

Built from the parsed YAML (a mapping) with every problem collected and named by its key,
so that one run of ``sdmx-cso import survey`` lists them all (`sdmx_cso.errors.SpecError`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "NON_ANSWERS",
    "WG_DOMAINS",
    "Breakdown",
    "Condition",
    "SeriesSpec",
    "SurveySpec",
    "WashingtonGroup",
    "parse_survey_spec",
]

#: Answers that are no answer: left out of every denominator unless a spec names them.
NON_ANSWERS = frozenset(
    {"dont_know", "don_t_know", "dk", "refused", "refuse", "rf", "no_answer",
     "prefer_not_to_say", "prefer_not_to_answer", "not_applicable"}
)  # fmt: skip

#: The Washington Group Short Set domains, in the WG order, with their DISABILITY_TYPE codes.
WG_DOMAINS = ("SEEING", "HEARING", "MOBILITY", "COGNITION", "SELF_CARE", "COMMUNICATION")
#: Answers at the WG cut-off ("a lot of difficulty", "cannot do at all"), as commonly named.
WG_DISABILITY = ("a_lot_of_difficulty", "a_lot", "lot_of_difficulty", "cannot_do_at_all",
                 "cannot_do", "cannot", "3", "4")  # fmt: skip
#: Answers below the cut-off ("no difficulty", "some difficulty").
WG_NO_DISABILITY = ("no_difficulty", "no", "some_difficulty", "some", "1", "2")

_TOP_KEYS = frozenset(
    {"series", "breakdowns", "time_period", "weight", "confidence", "design_effect",
     "decimals", "repeat", "where", "form", "freq", "non_answers"}
)  # fmt: skip
_SERIES_KEYS = frozenset({"code", "unit", "numerator", "denominator", "where", "decimals"})


@dataclass(frozen=True)
class Condition:
    """Respondents whose answer to ``question`` is one of ``values`` (any answer if empty).

    Attributes:
        question: the XLSForm name of the question (a group path may be given).
        values: choice names; for a select_multiple, any of them selected.
        key: where in the spec the condition is (for messages).
        multiple: the question is a select_multiple (also found from the export).
    """

    question: str
    values: frozenset[str]
    key: str
    multiple: bool = False


@dataclass(frozen=True)
class WashingtonGroup:
    """The Washington Group Short Set: six domains and the standard cut-off."""

    questions: tuple[str, ...]
    disability: frozenset[str]
    no_disability: frozenset[str]
    key: str


@dataclass(frozen=True)
class Breakdown:
    """How one dimension is filled: a constant code, a question mapped to codes, or the WG-SS.

    Attributes:
        dimension: the concept ID (``SEX``, ``REF_AREA``, ``DISABILITY_STATUS``…).
        key: where in the spec it is.
        constant: one code for every row (no breakdown, no total).
        question: the question whose answers are mapped.
        mapping: answer → code.
        total: the code of the total (``_T``; for REF_AREA only the area code the spec names).
        washington_group: the WG-SS domains (DISABILITY_STATUS, DISABILITY_TYPE).
    """

    dimension: str
    key: str
    constant: str | None = None
    question: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    total: str | None = "_T"
    washington_group: WashingtonGroup | None = None


@dataclass(frozen=True)
class SeriesSpec:
    """One series: a proportion, numerator over denominator."""

    code: str
    unit: str
    numerator: Condition
    denominator: Condition
    where: tuple[Condition, ...]
    decimals: int
    key: str


@dataclass(frozen=True)
class SurveySpec:
    """A whole survey import spec (see ``docs/guides/survey.md``)."""

    series: tuple[SeriesSpec, ...]
    breakdowns: tuple[Breakdown, ...]
    time_period: str
    freq: str = "A"
    weight: str | None = None
    confidence: float = 0.95
    design_effect: float = 1.0
    repeat: str | None = None
    where: tuple[Condition, ...] = ()
    form: str | None = None
    non_answers: frozenset[str] = NON_ANSWERS


class _Problems(list[tuple[str, str]]):
    def add(self, key: str, message: str) -> None:
        self.append((key, message))


def parse_survey_spec(raw: Mapping[Any, Any]) -> tuple[SurveySpec | None, list[tuple[str, str]]]:
    """The spec and its problems (``(key, message)``); the spec is ``None`` when any."""
    problems = _Problems()
    for key in raw:
        if str(key) not in _TOP_KEYS:
            problems.add(str(key), f"unknown key (known: {', '.join(sorted(_TOP_KEYS))})")
    decimals = _int(raw.get("decimals", 1), "decimals", problems)
    series = _series_list(raw.get("series"), decimals, problems)
    breakdowns = _breakdowns(raw.get("breakdowns"), problems)
    time_period = raw.get("time_period")
    if time_period is None or not str(time_period).strip():
        problems.add("time_period", 'required: the reference period, e.g. "2023"')
    confidence = _float(raw.get("confidence", 0.95), "confidence", problems)
    if confidence is not None and not 0 < confidence < 1:
        problems.add("confidence", f"{confidence} is not between 0 and 1 (e.g. 0.95)")
    deff = _float(raw.get("design_effect", 1.0), "design_effect", problems)
    if deff is not None and deff <= 0:
        problems.add("design_effect", f"{deff} is not positive (1.0: simple random sample)")
    weight = raw.get("weight")
    non_answers = raw.get("non_answers")
    where = tuple(_conditions(raw.get("where"), "where", problems))
    if problems or series is None or confidence is None or deff is None:
        return None, list(problems)
    return (
        SurveySpec(
            series=tuple(series),
            breakdowns=tuple(breakdowns),
            time_period=str(time_period).strip(),
            freq=str(raw.get("freq", "A")),
            weight=None if weight is None else str(weight),
            confidence=confidence,
            design_effect=deff,
            repeat=None if raw.get("repeat") is None else str(raw["repeat"]),
            where=where,
            form=None if raw.get("form") is None else str(raw["form"]),
            non_answers=NON_ANSWERS if non_answers is None else _strings(non_answers),
        ),
        [],
    )


def _strings(value: Any) -> frozenset[str]:
    items = value if isinstance(value, list | tuple) else [value]
    return frozenset(_text(v) for v in items)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _int(value: Any, key: str, problems: _Problems) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 15:
        return value
    problems.add(key, f"{value!r} is not a number of decimals (0 to 15)")
    return 1


def _float(value: Any, key: str, problems: _Problems) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    problems.add(key, f"{value!r} is not a number")
    return None


def _condition(value: Any, key: str, problems: _Problems) -> Condition | None:
    if not isinstance(value, Mapping) or "question" not in value:
        problems.add(key, "give {question: NAME, values: [CHOICE, …]}")
        return None
    unknown = set(map(str, value)) - {"question", "values", "multiple"}
    if unknown:
        problems.add(key, f"unknown keys {sorted(unknown)} (known: question, values, multiple)")
    values = value.get("values", [])
    return Condition(
        question=_text(value["question"]),
        values=_strings(values) if values is not None else frozenset(),
        key=key,
        multiple=bool(value.get("multiple", False)),
    )


def _conditions(value: Any, key: str, problems: _Problems) -> list[Condition]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    found = [_condition(item, f"{key}[{i}]", problems) for i, item in enumerate(items)]
    return [c for c in found if c is not None]


def _series_list(value: Any, decimals: int, problems: _Problems) -> list[SeriesSpec] | None:
    if not isinstance(value, list) or not value:
        problems.add("series", "required: a list of series, each {code, unit, numerator, …}")
        return None
    out = []
    for i, item in enumerate(value):
        key = f"series[{i}]"
        if not isinstance(item, Mapping):
            problems.add(key, "a series is a mapping {code, unit, numerator, denominator}")
            continue
        for name in item:
            if str(name) not in _SERIES_KEYS:
                problems.add(
                    f"{key}.{name}", f"unknown key (known: {', '.join(sorted(_SERIES_KEYS))})"
                )
        code = item.get("code")
        if not code:
            problems.add(f"{key}.code", "required: the series code (e.g. CGD_DIS_CARD)")
        unit = _text(item.get("unit", "PT"))
        if unit != "PT":
            problems.add(f"{key}.unit", f"{unit!r}: survey series are proportions, unit PT")
        numerator = _condition(item.get("numerator"), f"{key}.numerator", problems)
        denominator_raw = item.get("denominator")
        if denominator_raw is None and numerator is not None:
            denominator: Condition | None = Condition(
                numerator.question, frozenset(), f"{key}.numerator", numerator.multiple
            )
        else:
            denominator = _condition(denominator_raw, f"{key}.denominator", problems)
        where = _conditions(item.get("where"), f"{key}.where", problems)
        places = _int(item.get("decimals", decimals), f"{key}.decimals", problems)
        if code and numerator is not None and denominator is not None:
            out.append(
                SeriesSpec(
                    code=_text(code),
                    unit=unit,
                    numerator=numerator,
                    denominator=denominator,
                    where=tuple(where),
                    decimals=places,
                    key=key,
                )
            )
    return out


def _breakdowns(value: Any, problems: _Problems) -> list[Breakdown]:
    if value is None:
        return []
    if not isinstance(value, Mapping):
        problems.add("breakdowns", "a mapping of dimension ID → {question, map}")
        return []
    out = []
    for dimension, item in value.items():
        dim = str(dimension).strip().upper()
        key = f"breakdowns.{dimension}"
        if isinstance(item, str | int) and not isinstance(item, bool):
            out.append(Breakdown(dim, key, constant=_text(item), total=None))
            continue
        if not isinstance(item, Mapping):
            problems.add(key, "give a code, {question, map} or {washington_group: [...]}")
            continue
        if "washington_group" in item:
            wg = _washington_group(item["washington_group"], f"{key}.washington_group", problems)
            if wg is not None:
                out.append(Breakdown(dim, key, washington_group=wg))
            continue
        question, mapping = item.get("question"), item.get("map")
        if not question or not isinstance(mapping, Mapping) or not mapping:
            problems.add(key, "give {question: NAME, map: {CHOICE: CODE, …}}")
            continue
        total = item.get("total", None if dim == "REF_AREA" else "_T")
        out.append(
            Breakdown(
                dim,
                key,
                question=_text(question),
                mapping={_text(k): _text(v) for k, v in mapping.items()},
                total=None if total is None else _text(total),
            )
        )
    return out


def _washington_group(value: Any, key: str, problems: _Problems) -> WashingtonGroup | None:
    spec: Mapping[str, Any] = value if isinstance(value, Mapping) else {"questions": value}
    questions = spec.get("questions")
    if not isinstance(questions, list) or len(questions) != len(WG_DOMAINS):
        problems.add(
            key,
            "the six WG-SS questions, in the WG order: seeing, hearing, walking, remembering, "
            "self-care, communicating",
        )
        return None
    return WashingtonGroup(
        questions=tuple(_text(q) for q in questions),
        disability=_strings(spec.get("disability", list(WG_DISABILITY))),
        no_disability=_strings(spec.get("no_disability", list(WG_NO_DISABILITY))),
        key=key,
    )

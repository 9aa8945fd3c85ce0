"""Community scorecard sheets → the scorecard dataflow.

A scorecard sheet has one row per score: a criterion, a service point, a respondent group
(users, providers, the joint interface meeting), a round, and the score on a declared scale.
Two kinds are kept apart, because they are different statistics:

- ``consensus``: each score was agreed by a facilitated group. It is copied as it is (one
  row per criterion × service point × group × round; two for the same key are an error),
  with the group's participants as SAMPLE_SIZE, and never averaged with other groups.
- ``individual``: each row is one person's score. Scores are averaged per criterion ×
  service point × group × round (SAMPLE_SIZE = the scores averaged), and, when the spec asks,
  also over the groups of a service point (RESPONDENT_TYPE ``_T``).

REF_AREA and SERVICE come from the service point's entry in the metadata's SERVICE_POINTS
(``AREA``, ``SERVICE``) unless the spec gives them; the scale from the series' SCALE_MIN and
SCALE_MAX (or the spec's ``scale``). The dataset's RESPONSE_MODE is set to the kind.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sdmx_cso.errors import ReadError, SpecError
from sdmx_cso.field.columns import Columns, Unresolved
from sdmx_cso.field.exports import Sheet
from sdmx_cso.field.survey import SurveyTable

__all__ = ["KINDS", "ScorecardSpec", "parse_scorecard_spec", "tabulate_scorecard"]

#: Each kind of score and the RESPONSE_MODE it is.
KINDS = {"consensus": "GROUP_CONSENSUS", "individual": "SELF"}
_KEYS = frozenset({"kind", "criterion", "score", "criteria", "service_point", "group", "round",
                   "participants", "freq", "decimals", "scale", "ref_area", "service",
                   "totals", "breakdowns"})  # fmt: skip
#: Dimensions a scorecard group may also be broken down by (a group of Dalit women…).
BREAKDOWNS = ("SEX", "AGE", "POP_GROUP", "DISABILITY_STATUS")


@dataclass(frozen=True)
class ScorecardSpec:
    """A scorecard import spec (see the scorecard guide)."""

    kind: str
    criterion: str
    score: str
    criteria: Mapping[str, str]
    service_point: str
    group: str
    groups: Mapping[str, str]
    round: str
    rounds: Mapping[str, str]
    participants: str | None
    freq: str
    decimals: int
    scale: tuple[float, float] | None
    ref_area: str | None
    service: str | None
    totals: bool
    breakdowns: Mapping[str, tuple[str, Mapping[str, str]]]


def _column_map(raw: Mapping[Any, Any], key: str, problems: list[tuple[str, str]]) -> tuple[
    str, dict[str, str]
]:  # fmt: skip
    value = raw.get(key)
    if isinstance(value, str):
        return value, {}
    if isinstance(value, Mapping) and isinstance(value.get("column"), str):
        return value["column"], {str(k): str(v) for k, v in (value.get("map") or {}).items()}
    problems.append((key, "give a column name, or {column: NAME, map: {VALUE: CODE, …}}"))
    return "", {}


def parse_scorecard_spec(
    raw: Mapping[Any, Any],
) -> tuple[ScorecardSpec | None, list[tuple[str, str]]]:
    """The spec and its problems (``(key, message)``); ``None`` when there are any."""
    problems = [(str(k), f"unknown key (known: {', '.join(sorted(_KEYS))})") for k in raw
                if str(k) not in _KEYS]  # fmt: skip
    kind = str(raw.get("kind", ""))
    if kind not in KINDS:
        problems.append(("kind", "consensus (group-agreed scores) or individual (one per person)"))
    criteria = raw.get("criteria")
    if not isinstance(criteria, Mapping) or not criteria:
        problems.append(("criteria", "a mapping of criterion → series code"))
        criteria = {}
    group, groups = _column_map(raw, "group", problems)
    round_, rounds = _column_map(raw, "round", problems)
    scale = raw.get("scale")
    bounds = None
    if isinstance(scale, Mapping):
        bounds = (float(scale.get("min", math.nan)), float(scale.get("max", math.nan)))
        if not bounds[0] < bounds[1]:
            problems.append(("scale", "give {min: LOW, max: HIGH} with LOW below HIGH"))
    breakdowns = {}
    for dim, value in (raw.get("breakdowns") or {}).items():
        if str(dim).upper() not in BREAKDOWNS:
            problems.append((f"breakdowns.{dim}", f"one of {', '.join(BREAKDOWNS)}"))
            continue
        breakdowns[str(dim).upper()] = _column_map({"x": value}, "x", problems)
    if raw.get("totals") and kind == "consensus":
        problems.append(("totals", "a group-consensus score is never averaged with other groups"))
    if problems:
        return None, problems
    return (
        ScorecardSpec(
            kind=kind,
            criterion=str(raw.get("criterion", "criterion")),
            score=str(raw.get("score", "score")),
            criteria={str(k): str(v) for k, v in criteria.items()},
            service_point=str(raw.get("service_point", "service_point")),
            group=group,
            groups=groups,
            round=round_,
            rounds=rounds,
            participants=None if raw.get("participants") is None else str(raw["participants"]),
            freq=str(raw.get("freq", "A")),
            decimals=int(raw.get("decimals", 2)),
            scale=bounds,
            ref_area=None if raw.get("ref_area") is None else str(raw["ref_area"]),
            service=None if raw.get("service") is None else str(raw["service"]),
            totals=bool(raw.get("totals", False)),
            breakdowns=breakdowns,
        ),
        [],
    )


_Key = tuple[str, ...]  # series, service point, respondent type, period, breakdown codes


def tabulate_scorecard(
    sheet: Sheet,
    spec: ScorecardSpec,
    *,
    data_file: str,
    spec_file: str | None,
    metadata: Mapping[str, Any],
) -> SurveyTable:
    """The scorecard's observations.

    Raises:
        SpecError: a column, criterion, group or round the spec names is not found.
        ReadError: a score that is no number or outside the scale, a duplicate consensus
            score, a service point the metadata does not declare (file, row, column).
    """
    columns = Columns(sheet.headers, where=data_file)
    problems: list[tuple[str, str]] = []
    found: dict[str, str] = {}
    wanted = {f: getattr(spec, f) for f in ("criterion", "score", "service_point", "group",
                                            "round", "participants")}  # fmt: skip
    wanted |= {f"breakdowns.{d}": column for d, (column, _) in spec.breakdowns.items()}
    for field, name in wanted.items():
        if name is None:
            continue
        try:
            found[field] = columns.column(name)
        except Unresolved as exc:
            problems.append((field, str(exc)))
    if problems:
        raise SpecError(problems, path=spec_file)
    points = {str(p.get("CODE")): p for p in metadata.get("SERVICE_POINTS") or []
              if isinstance(p, Mapping)}  # fmt: skip
    scales = {str(s.get("CODE")): s for s in metadata.get("SERIES") or [] if isinstance(s, Mapping)}
    cells: dict[_Key, list[tuple[float, int | None, int]]] = {}
    for row, number in zip(sheet.rows, sheet.row_numbers, strict=True):
        key, score, participants = _read_row(row, number, spec, found, data_file, scales)
        if key is not None:
            cells.setdefault(key, []).append((score, participants, number))
    return _observations(cells, spec, points, data_file, len(sheet.rows))


def _read_row(
    row: Mapping[str, str | None],
    number: int,
    spec: ScorecardSpec,
    found: Mapping[str, str],
    path: str,
    scales: Mapping[str, Mapping[str, Any]],
) -> tuple[_Key | None, float, int | None]:
    def cell(key: str) -> str:
        return (row.get(found[key]) or "").strip()

    criterion, text = cell("criterion"), cell("score")
    if criterion not in spec.criteria or not text:
        return None, math.nan, None  # a criterion the spec leaves out, or no score
    series = spec.criteria[criterion]
    try:
        score = float(text)
    except ValueError:
        raise ReadError(f"the score {text!r} is not a number", path=path, row=number,
                        column=found["score"]) from None  # fmt: skip
    low, high = spec.scale or (
        float(scales.get(series, {}).get("SCALE_MIN", -math.inf)),
        float(scales.get(series, {}).get("SCALE_MAX", math.inf)),
    )
    if not low <= score <= high:
        raise ReadError(f"the score {text} is outside the scale {low:g}–{high:g} of {series}",
                        path=path, row=number, column=found["score"])  # fmt: skip
    group, round_ = cell("group"), cell("round")
    codes = tuple(
        mapping.get(cell(f"breakdowns.{dim}"), "_T")
        for dim, (_, mapping) in spec.breakdowns.items()
    )
    key = (series, cell("service_point"), spec.groups.get(group, group),
           spec.rounds.get(round_, round_), *codes)  # fmt: skip
    participants = int(cell("participants")) if "participants" in found and cell(
        "participants").isdigit() else None  # fmt: skip
    return key, score, participants


def _observations(
    cells: Mapping[_Key, list[tuple[float, int | None, int]]],
    spec: ScorecardSpec,
    points: Mapping[str, Mapping[str, Any]],
    path: str,
    units: int,
) -> SurveyTable:
    if spec.kind == "individual" and spec.totals:
        totals: dict[_Key, list[tuple[float, int | None, int]]] = {}
        for (series, point, _, period, *codes), scores in cells.items():
            totals.setdefault((series, point, "_T", period, *codes), []).extend(scores)
        cells = {**cells, **totals}
    rows = []
    dims = tuple(spec.breakdowns)
    for (series, point, group, period, *codes), scores in sorted(cells.items()):
        entry = points.get(point)
        if entry is None and spec.ref_area is None:
            raise ReadError(f"service point {point!r} is not declared in the metadata's "
                            "SERVICE_POINTS (its AREA gives REF_AREA)", path=path,
                            row=scores[0][2])  # fmt: skip
        if spec.kind == "consensus" and len(scores) > 1:
            rows_at = ", ".join(str(s[2]) for s in scores)
            where = ", ".join((series, point, group, period, *codes))
            raise ReadError(f"two consensus scores for {where} "
                            f"(rows {rows_at}): a group agrees one score", path=path,
                            row=scores[1][2])  # fmt: skip
        value = sum(s[0] for s in scores) / len(scores)
        size = scores[0][1] if spec.kind == "consensus" else len(scores)
        rows.append({
            "FREQ": spec.freq, "SERIES": series,
            "REF_AREA": spec.ref_area or str((entry or {}).get("AREA", "")),
            **dict(zip(dims, codes, strict=True)),
            "SERVICE": spec.service or str((entry or {}).get("SERVICE", "_T")),
            "RESPONDENT_TYPE": group, "SERVICE_POINT": point, "TIME_PERIOD": period,
            "OBS_VALUE": f"{value:.{spec.decimals}f}", "UNIT_MEASURE": "SCORE",
            "SAMPLE_SIZE": "" if size is None else str(size),
        })  # fmt: skip
    columns = (
        "FREQ", "SERIES", "REF_AREA", *dims, "SERVICE", "RESPONDENT_TYPE", "SERVICE_POINT",
        "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "SAMPLE_SIZE",
    )  # fmt: skip
    return SurveyTable(columns, tuple(rows), units, ())

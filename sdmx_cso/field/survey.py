"""Survey answers → the standard's rows: NUMERATOR, SAMPLE_SIZE, OBS_VALUE and Wilson bounds.

One unit (respondent, or member of a repeat group) counts in a series' denominator when it
is in the universe (every ``where``), answered the denominator question with one of its
values (any answer but a non-answer such as ``dont_know`` or ``refused`` when no values are
given), and in its numerator when it is in the denominator and answered the numerator
question with one of its values. Every breakdown is also tallied to its total (``_T``;
REF_AREA only to the area code the spec names); answers a breakdown does not map count in
the total only. NUMERATOR and SAMPLE_SIZE are unweighted counts; OBS_VALUE is the (weighted)
proportion in per cent, and the bounds its Wilson interval (`sdmx_cso.field.estimate`).

Nothing of a unit reaches the output but these counts: no column the spec does not name,
no meta column, no identifier.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sdmx_cso.codelists import Codelist
from sdmx_cso.errors import ReadError, SpecError
from sdmx_cso.field.columns import Answer, Columns, Unresolved
from sdmx_cso.field.estimate import Tally
from sdmx_cso.field.exports import Sheet
from sdmx_cso.field.spec import (
    WG_DOMAINS,
    Breakdown,
    Condition,
    SeriesSpec,
    SurveySpec,
    WashingtonGroup,
)
from sdmx_cso.standard import get_codelist, get_standard

__all__ = ["SurveyTable", "tabulate"]

#: Values of ``_validation_status`` (KoboToolbox) and ``ReviewState`` (ODK Central) of
#: submissions a reviewer rejected: never counted.
REJECTED = frozenset({"validation_status_not_approved", "rejected"})
_REVIEW_COLUMNS = ("_validation_status", "ReviewState")
#: Dimensions an import cannot break down (they come from the spec itself).
_NOT_BREAKDOWNS = frozenset({"SERIES", "FREQ", "TIME_PERIOD"})


@dataclass(frozen=True)
class SurveyTable:
    """The rows an import produced, with what was left out and why.

    Attributes:
        columns: the data columns (concept IDs), in order.
        rows: one mapping per observation, column → text.
        units: units (respondents, repeat rows) read.
        notes: what was left out, one sentence each (rejected submissions, units outside
            the universe).
    """

    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    units: int
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Resolved:
    where: tuple[tuple[Condition, Answer], ...]
    series: tuple[tuple[SeriesSpec, Answer, Answer, tuple[tuple[Condition, Answer], ...]], ...]
    breakdowns: tuple[tuple[Breakdown, tuple[Answer, ...]], ...]
    weight: str | None


def tabulate(
    sheet: Sheet,
    spec: SurveySpec,
    *,
    data_file: str,
    spec_file: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    multiple: frozenset[str] = frozenset(),
) -> SurveyTable:
    """Tally the units of ``sheet`` into the spec's series and breakdowns.

    Raises:
        SpecError: the spec does not fit the standard or the export (every problem named
            by its key).
        ReadError: a weight that is not a positive number (file, row, column).
    """
    problems = _check_standard(spec, metadata or {})
    resolved = _resolve(sheet, spec, data_file, problems, multiple)
    if problems or resolved is None:
        raise SpecError(problems, path=spec_file)
    tallies: dict[tuple[int, tuple[str, ...]], Tally] = {}
    rejected = outside = 0
    for row, number in zip(sheet.rows, sheet.row_numbers, strict=True):
        if any((row.get(c) or "").strip() in REJECTED for c in _REVIEW_COLUMNS):
            rejected += 1
        elif not all(_holds(c, a, row, spec) for c, a in resolved.where):
            outside += 1
        else:
            _count(row, _weight(row, resolved.weight, data_file, number), resolved, spec, tallies)
    dims = tuple(b.dimension for b, _ in resolved.breakdowns)
    columns, rows = _rows(spec, dims, tallies)
    notes = []
    if rejected:
        notes.append(f"{rejected} submissions rejected in review were left out")
    if outside:
        notes.append(f"{outside} units outside the spec's 'where' were left out")
    return SurveyTable(columns, tuple(rows), len(sheet.rows), tuple(notes))


def _count(
    row: Mapping[str, str | None],
    weight: float,
    resolved: _Resolved,
    spec: SurveySpec,
    tallies: dict[tuple[int, tuple[str, ...]], Tally],
) -> None:
    """Count one unit in every cell of every series it belongs to."""
    keys = list(itertools.product(*(_codes(b, a, row) for b, a in resolved.breakdowns)))
    for index, (series, num, den, where) in enumerate(resolved.series):
        if not all(_holds(c, a, row, spec) for c, a in where):
            continue
        if not _holds(series.denominator, den, row, spec):
            continue
        hit = _holds(series.numerator, num, row, spec)
        for key in keys:
            tallies.setdefault((index, key), Tally()).add(hit, weight)


def _check_standard(spec: SurveySpec, metadata: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems of the spec against the standard: series, dimensions and codes."""
    problems: list[tuple[str, str]] = []
    dsd = get_standard().dsd
    declared = {str(s.get("CODE")) for s in metadata.get("SERIES") or [] if isinstance(s, Mapping)}
    known_series = get_codelist("CL_SERIES_CGD")
    for series in spec.series:
        if series.code not in known_series and series.code not in declared:
            problems.append(
                (
                    f"{series.key}.code",
                    f"{series.code!r} is neither a series of the standard nor declared in the "
                    "metadata's SERIES",
                )
            )
    names = {b.dimension for b in spec.breakdowns}
    if "REF_AREA" not in names:
        problems.append(
            ("breakdowns.REF_AREA", "required: an area code (REF_AREA: KE) or {question, map}")
        )
    for breakdown in spec.breakdowns:
        problems += _check_breakdown(breakdown, dsd.dimension_ids, metadata)
    return problems


def _check_breakdown(
    breakdown: Breakdown, dimensions: Sequence[str], metadata: Mapping[str, Any]
) -> list[tuple[str, str]]:
    dim = breakdown.dimension
    if dim not in dimensions or dim in _NOT_BREAKDOWNS:
        usable = ", ".join(d for d in dimensions if d not in _NOT_BREAKDOWNS)
        return [(breakdown.key, f"{dim!r} is not a dimension to break down by ({usable})")]
    if breakdown.washington_group is not None and dim not in (
        "DISABILITY_STATUS",
        "DISABILITY_TYPE",
    ):
        return [(breakdown.key, "washington_group fills DISABILITY_STATUS or DISABILITY_TYPE")]
    extended = dim in ("REF_AREA", "SERVICE_POINT") and (
        metadata.get("LOCAL_AREAS") or metadata.get("SERVICE_POINTS")
    )
    ref = get_standard().dsd.dimension(dim).codelist
    if ref is None or extended:
        return []
    codelist = get_codelist(ref)
    codes = [breakdown.constant] if breakdown.constant is not None else []
    codes += list(breakdown.mapping.values())
    if breakdown.total is not None:
        codes.append(breakdown.total)
    return [(breakdown.key, _unknown(code, codelist)) for code in codes if code not in codelist]


def _unknown(code: str, codelist: Codelist) -> str:
    near = codelist.suggest(code)
    hint = f" (did you mean {', '.join(near)}?)" if near else ""
    return f"{code!r} is not a code of {codelist.id}{hint}"


def _resolve(
    sheet: Sheet,
    spec: SurveySpec,
    data_file: str,
    problems: list[tuple[str, str]],
    multiple: frozenset[str],
) -> _Resolved | None:
    where_name = (
        data_file
        if sheet.name == data_file.rsplit("/", 1)[-1]
        else (f"{data_file} (sheet {sheet.name!r})")
    )
    columns = Columns(sheet.headers, where=where_name, multiple=multiple)

    def answer(condition: Condition) -> Answer | None:
        try:
            return columns.resolve(condition.question, multiple=condition.multiple)
        except Unresolved as exc:
            problems.append((f"{condition.key}.question", str(exc)))
            return None

    def pairs(conditions: Sequence[Condition]) -> tuple[tuple[Condition, Answer], ...]:
        found = [(c, answer(c)) for c in conditions]
        return tuple((c, a) for c, a in found if a is not None)

    where = pairs(spec.where)
    series = []
    for item in spec.series:
        num, den = answer(item.numerator), answer(item.denominator)
        if num is not None and den is not None:
            series.append((item, num, den, pairs(item.where)))
    breakdowns = []
    for breakdown in spec.breakdowns:
        found = [answer(q) for q in _questions_of(breakdown)]
        breakdowns.append((breakdown, tuple(a for a in found if a is not None)))
    weight = None
    if spec.weight is not None:
        try:
            weight = columns.column(spec.weight)
        except Unresolved as exc:
            problems.append(("weight", str(exc)))
    if problems:
        return None
    return _Resolved(where, tuple(series), tuple(breakdowns), weight)


def _questions_of(breakdown: Breakdown) -> list[Condition]:
    """The questions a breakdown reads (none for a constant)."""
    if breakdown.question is not None:
        return [Condition(breakdown.question, frozenset(), breakdown.key)]
    if breakdown.washington_group is not None:
        wg = breakdown.washington_group
        return [Condition(q, frozenset(), f"{wg.key}[{i}]") for i, q in enumerate(wg.questions)]
    return []


def _holds(
    condition: Condition, answer: Answer, row: Mapping[str, str | None], spec: SurveySpec
) -> bool:
    """Whether the unit's answer is one of the condition's values (any answer if none)."""
    chosen = answer.choices(row)
    if chosen is None:
        return False
    if condition.values:
        return bool(chosen & condition.values)
    return bool(chosen - spec.non_answers)


def _weight(row: Mapping[str, str | None], column: str | None, path: str, number: int) -> float:
    if column is None:
        return 1.0
    text = row.get(column)
    try:
        value = float(text or "")
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ReadError(
            f"the weight {text!r} is not a positive number", path=path, row=number, column=column
        )
    return value


def _codes(
    breakdown: Breakdown, answers: tuple[Answer, ...], row: Mapping[str, str | None]
) -> list[str]:
    """The codes a unit counts under for one dimension: its own and the total."""
    if breakdown.constant is not None:
        return [breakdown.constant]
    if breakdown.washington_group is not None:
        code = _washington_group(breakdown, breakdown.washington_group, answers, row)
    else:
        chosen = answers[0].choices(row)
        code = None
        if chosen is not None and len(chosen) == 1:
            code = breakdown.mapping.get(next(iter(chosen)))
    codes = [] if code is None else [code]
    if breakdown.total is not None and breakdown.total != code:
        codes.append(breakdown.total)
    return codes


def _washington_group(
    breakdown: Breakdown,
    wg: WashingtonGroup,
    answers: tuple[Answer, ...],
    row: Mapping[str, str | None],
) -> str | None:
    """DISABILITY_STATUS (``PD``/``PWD``) or DISABILITY_TYPE of a unit by the WG-SS cut-off.

    With disability: "a lot of difficulty" or "cannot do at all" in any domain. Without: every
    domain answered below the cut-off. Otherwise (a domain missing or a non-answer, none at
    the cut-off) the unit is in the total only.
    """
    answered = [a.choices(row) or frozenset() for a in answers]
    at_cutoff = [i for i, chosen in enumerate(answered) if chosen & wg.disability]
    below = all(chosen & wg.no_disability for chosen in answered)
    if breakdown.dimension == "DISABILITY_STATUS":
        return "PD" if at_cutoff else ("PWD" if below else None)
    if not at_cutoff:
        return None
    return WG_DOMAINS[at_cutoff[0]] if len(at_cutoff) == 1 else "MULTIPLE"


def _rows(
    spec: SurveySpec,
    dims: tuple[str, ...],
    tallies: Mapping[tuple[int, tuple[str, ...]], Tally],
) -> tuple[tuple[str, ...], Iterator[dict[str, str]]]:
    order = get_standard().dsd.dimension_ids
    shown = sorted(dims, key=order.index)
    columns = (
        *(("FREQ",) if spec.freq != "A" else ()),
        "SERIES",
        *shown,
        "TIME_PERIOD",
        "OBS_VALUE",
        "UNIT_MEASURE",
        "NUMERATOR",
        "SAMPLE_SIZE",
        "LOWER_BOUND",
        "UPPER_BOUND",
    )

    def rows() -> Iterator[dict[str, str]]:
        for (index, key), tally in sorted(tallies.items(), key=lambda kv: _sort_key(*kv[0])):
            series = spec.series[index]
            places = series.decimals
            low, high = tally.interval(confidence=spec.confidence, design_effect=spec.design_effect)
            row = {"FREQ": spec.freq, "SERIES": series.code, **dict(zip(dims, key, strict=True))}
            row |= {
                "TIME_PERIOD": spec.time_period,
                "OBS_VALUE": f"{tally.proportion * 100:.{places}f}",
                "UNIT_MEASURE": series.unit,
                "NUMERATOR": str(tally.hits),
                "SAMPLE_SIZE": str(tally.sample),
                "LOWER_BOUND": f"{low * 100:.{places}f}",
                "UPPER_BOUND": f"{high * 100:.{places}f}",
            }
            yield {c: row[c] for c in columns}

    return columns, rows()


def _sort_key(index: int, key: tuple[str, ...]) -> tuple[int, tuple[tuple[bool, str], ...]]:
    """Series in spec order; within one, totals first, then codes in order."""
    return index, tuple((code != "_T", code) for code in key)

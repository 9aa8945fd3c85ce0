"""The disclosure auditor: what an attacker can prove about each withheld count.

For a group of related cells (see :mod:`sdmx_cso.model.disclosure`), every withheld cell's
count (NUMERATOR, or the count its percentage implies) and SAMPLE_SIZE are unknowns; every
published cell's count and size are known (a published percentage times a published sample
size gives the count, so they count as published even when NUMERATOR is not). The
attacker's knowledge is the set of linear relations among the cells:

* ``total = Σ parts`` where the true values add up exactly (a ``_T`` cell and its breakdown,
  an area and its child areas), ``total ≥ Σ parts`` where the parts fall short (a breakdown
  that does not cover every category);
* ``0 ≤ count ≤ size`` for every cell.

For each unknown the auditor solves two linear programs with HiGHS (through ``highspy``),
minimising and maximising it subject to these relations, and rounds the optimum inwards to
whole numbers: ``[lower, upper]`` is the interval it can *prove*. The count is protected
when ``upper − lower`` is at least its protection level.

The relations are taken from the true values (the protector knows them), so the true values
always satisfy them and the programs are feasible; an attacker who knows less proves less.
The programs are continuous relaxations: an attacker solving integer programs could at most
round the bounds inward, which the rounding already does for single variables.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

import highspy
import numpy as np

__all__ = ["Cell", "CellInterval", "Relation", "audit_group"]


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell of a group: its key (the dimensions that vary within the group) and counts."""

    key: tuple[str, ...]
    count: int | None
    size: int | None
    sensitive: bool = False


@dataclass(frozen=True, slots=True)
class Relation:
    """A total and its parts (indices of cells of the group)."""

    total: int
    parts: tuple[int, ...]


@dataclass(slots=True)
class CellInterval:
    """What the auditor can prove about one withheld count of one cell."""

    cell: int
    measure: str
    lower: float
    upper: float
    protection: int
    key: tuple[str, ...] = field(default=())

    @property
    def width(self) -> float:
        """``upper − lower`` (infinite when the count has no upper bound)."""
        return self.upper - self.lower

    @property
    def protected(self) -> bool:
        """Whether the interval is at least the protection level wide."""
        return self.width >= self.protection


_MEASURES = ("count", "size")

Row = tuple[dict[int, float], float, float]
"""A linear constraint: coefficients by variable, lower and upper bound."""


def audit_group(
    cells: list[Cell],
    hidden: list[bool],
    relations: list[Relation],
    protection: list[int],
    *,
    solved: dict[Any, list[tuple[float, float]]] | None = None,
) -> list[CellInterval]:
    """The interval the auditor can prove for each withheld count of the group.

    The unknowns fall apart into independent parts (those no relation links); each part's
    programs are solved on their own, and ``solved`` keeps their results by program (its
    unknowns' count and rows): secondary suppression audits again after each widening,
    where most parts do not change, and small programs recur from group to group.
    """
    counts = [cell.count for cell in cells]
    sizes = [cell.size for cell in cells]
    count_var = [-1] * len(cells)  # each withheld count's unknown
    size_var = [-1] * len(cells)
    names: list[tuple[int, str]] = []
    for i, withheld in enumerate(hidden):
        if withheld:
            if counts[i] is not None:
                count_var[i] = len(names)
                names.append((i, "count"))
            if sizes[i] is not None:
                size_var[i] = len(names)
                names.append((i, "size"))
    rows = [
        row
        for rel in relations
        for truth, var in ((counts, count_var), (sizes, size_var))
        if (row := _relation_row(rel, truth, var)) is not None
    ]
    for i in range(len(cells)):
        if count_var[i] >= 0 and size_var[i] >= 0:
            rows.append(({size_var[i]: 1.0, count_var[i]: -1.0}, 0.0, math.inf))
    solved = {} if solved is None else solved
    out: list[CellInterval] = []
    for part, part_rows in _parts(len(names), rows):
        local = {v: j for j, v in enumerate(part)}
        lp_rows = [({local[v]: c for v, c in co.items()}, lo, hi) for co, lo, hi in part_rows]
        # the program alone: the same program has the same optima, whichever cells it is of
        key = (len(part), tuple((tuple(co.items()), lo, hi) for co, lo, hi in lp_rows))
        if key not in solved:
            solved[key] = _solve(len(part), lp_rows)
        for v, (lower, upper) in zip(part, solved[key], strict=True):
            at, measure = names[v]
            out.append(CellInterval(at, measure, lower, upper, protection[at]))
    return sorted(out, key=lambda iv: (iv.cell, iv.measure))


def _parts(n: int, rows: list[Row]) -> list[tuple[list[int], list[Row]]]:
    """The unknowns in groups that no row links, each with its rows."""
    parent = list(range(n))

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for coeffs, _, _ in rows:
        first, *rest = coeffs
        for v in rest:
            parent[find(v)] = find(first)
    members: dict[int, list[int]] = {}
    for v in range(n):
        members.setdefault(find(v), []).append(v)
    by_root: dict[int, list[Row]] = {root: [] for root in members}
    for row in rows:
        by_root[find(next(iter(row[0])))].append(row)
    return [(members[root], by_root[root]) for root in sorted(members)]


def _relation_row(rel: Relation, truth: list[int | None], var: list[int]) -> Row | None:
    """``total − Σ parts = 0`` (or ``≥ 0``) over the withheld cells, published ones moved over.

    ``truth``: each cell's true value of the measure; ``var``: its unknown when withheld
    (else -1). None when the relation has no withheld member, or does not hold for these
    values.
    """
    members = (rel.total, *rel.parts)
    given = [truth[m] for m in members]
    if None in given:
        return None
    values = cast(list[int], given)
    total, parts = values[0], sum(values[1:])
    if parts > total:
        return None  # not a relation of these values
    coeffs: dict[int, float] = {}
    constant = 0.0
    sign = 1.0
    for m, value in zip(members, values, strict=True):
        v = var[m]
        if v >= 0:
            coeffs[v] = coeffs.get(v, 0.0) + sign
        else:
            constant += sign * value
        sign = -1.0
    if not coeffs:
        return None
    return coeffs, -constant, -constant if parts == total else math.inf


def _solve(n: int, rows: list[Row]) -> list[tuple[float, float]]:
    """The minimum and maximum of each of ``n`` unknowns (≥ 0) subject to ``rows``.

    Two programs per unknown at most; fewer are solved where a solution already settles
    one exactly: an unknown that is 0 in a feasible solution (found, or all zeros when the
    rows allow it) has minimum 0 (the unknowns are non-negative), and every unknown that
    grows along the ray of an unbounded maximisation is unbounded too (a ray of the whole
    system is one of each unknown). Programs of up to `_BUILT_POINTS_UP_TO` unknowns first
    try points and rays built by hand (`_settled_by_construction`); the solver gets what
    they leave.
    """
    if not rows or (_zero_feasible(rows) and _ones_a_ray(rows)):
        return [(0, math.inf)] * n
    low: list[float | None] = [None] * n
    high: list[float | None] = [None] * n
    if _zero_feasible(rows):
        low = [0.0] * n
    floor, ceiling = _propagated_bounds(n, rows)
    if n <= _BUILT_POINTS_UP_TO:
        _settled_by_construction(rows, low, high, floor, ceiling)
        if all(lo is not None for lo in low) and all(hi is not None for hi in high):
            return _rounded(low, high)
    h = _solver()
    _unbounded_by_a_ray(h, n, rows, high, ceiling)
    _load(h, n, rows)
    # the programs of a large part: the optima as arrays (NaN: not known yet), so that
    # settling by each solution costs numpy's time, not Python's, per unknown
    bounds = _Bounds(low, high, floor, ceiling)
    objective = _Objective(h, n)
    for v in range(n):
        if math.isnan(bounds.low[v]):
            bounds.low[v], point = _optimum(
                h, v, objective, highspy.ObjSense.kMinimize, n_rows=(n, rows)
            )
            bounds.settle(point)
        if math.isnan(bounds.high[v]):
            top, point = _optimum(h, v, objective, highspy.ObjSense.kMaximize, n_rows=(n, rows))
            bounds.high[v] = top
            if math.isinf(top):
                bounds.unbounded_along(h)
            bounds.settle(point)
    return _rounded(bounds.low.tolist(), bounds.high.tolist())


class _Bounds:
    """The optima known so far (NaN where not), and the propagated bounds, as arrays."""

    def __init__(
        self,
        low: list[float | None],
        high: list[float | None],
        floor: list[float],
        ceiling: list[float],
    ) -> None:
        self.low = np.array([math.nan if x is None else x for x in low], dtype=np.float64)
        self.high = np.array([math.nan if x is None else x for x in high], dtype=np.float64)
        self.floor = np.array(floor, dtype=np.float64)
        self.ceiling = np.array(ceiling, dtype=np.float64)
        self.whole_floor = self.floor == np.round(self.floor)
        finite = np.isfinite(self.ceiling)
        self.whole_ceiling = finite & (self.ceiling == np.where(finite, np.round(self.ceiling), 0))

    def settle(self, point: Any) -> None:
        """`_settled_by`, on arrays."""
        if point is None:
            return
        x = np.asarray(point, dtype=np.float64)
        self.low[np.isnan(self.low) & (x <= 1e-9)] = 0.0
        at_floor = np.isnan(self.low) & self.whole_floor & (np.abs(x - self.floor) <= 1e-7)
        self.low[at_floor] = self.floor[at_floor]
        at_ceiling = (
            np.isnan(self.high)
            & self.whole_ceiling
            & (np.abs(x - np.where(self.whole_ceiling, self.ceiling, 0)) <= 1e-7)
        )
        self.high[at_ceiling] = self.ceiling[at_ceiling]

    def unbounded_along(self, h: highspy.Highs) -> None:
        """Unknowns that grow along the primal ray of an unbounded program: unbounded above."""
        _, exists, ray = h.getPrimalRay()  # type: ignore[attr-defined]
        if exists:
            self.high[np.isnan(self.high) & (np.asarray(ray) > 1e-9)] = math.inf


class _Objective:
    """The solver's objective, one unknown's: changed two costs at a time, not ``n``."""

    def __init__(self, h: highspy.Highs, n: int) -> None:
        self.h, self.n, self.var = h, n, -1  # -1: all costs 0 (as after loading)

    def minimise_or_maximise(self, var: int, sense: highspy.ObjSense) -> None:
        if self.var != var:
            if self.var >= 0:
                self.h.changeColCost(self.var, 0.0)
            self.h.changeColCost(var, 1.0)
            self.var = var
        self.h.changeObjectiveSense(sense)

    def reset(self, var: int, sense: highspy.ObjSense) -> None:
        """Set every cost again (after the solver was cleared or the program reloaded)."""
        costs = np.zeros(self.n)
        costs[var] = 1.0
        self.h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), costs)
        self.h.changeObjectiveSense(sense)
        self.var = var


def _rounded(low: list[float | None], high: list[float | None]) -> list[tuple[float, float]]:
    """The optima rounded inwards to whole numbers (what an attacker can prove of counts)."""
    out: list[tuple[float, float]] = []
    for lo, hi in zip(low, high, strict=True):
        assert lo is not None
        assert hi is not None
        lower = math.ceil(lo - 1e-6)
        upper = hi if math.isinf(hi) else math.floor(hi + 1e-6)
        out.append((lower, upper))
    return out


#: Programs of up to this many unknowns first try points built by hand (see
#: `_settled_by_construction`); larger ones go to the solver at once (building a point
#: costs a pass over every row per repair).
_BUILT_POINTS_UP_TO = 40
_TOLERANCE = 1e-9


def _settled_by_construction(
    rows: list[Row],
    low: list[float | None],
    high: list[float | None],
    floor: list[float],
    ceiling: list[float],
) -> None:
    """Settle the optima that points built without a solver prove.

    The propagated bounds (`_propagated_bounds`) can never be passed; a feasible point
    that reaches one proves it the optimum (`_settled_by`). For each unknown not settled
    yet, a point is built with it at its floor (for the minimum) or ceiling (for the
    maximum) by repairing each row it breaks with the other unknowns, and kept only when
    every row then holds; where the ceiling is infinite, a ray of the rows that raises it
    is built the same way, which proves it unbounded (the rows hold for the true values,
    and along a ray they keep holding). What is not proved so is left to the solver. On
    the programs of a survey round most are small, and most of them are settled here:
    the same optima, without a solver's fixed cost per program.
    """
    n = len(low)
    terms = [([(j, c) for j, c in co.items() if c != 0], lo, hi) for co, lo, hi in rows]
    homogeneous: list[_Terms] | None = None
    for v in range(n):
        if low[v] is None and floor[v] == round(floor[v]):
            point = _point_with(v, floor[v], terms, floor, ceiling)
            _settled_by(point, low, high, floor, ceiling)
        if high[v] is not None:
            continue
        if math.isinf(ceiling[v]):
            if homogeneous is None:
                homogeneous = [
                    (
                        items,
                        0.0 if math.isfinite(lo) else -math.inf,
                        0.0 if math.isfinite(hi) else math.inf,
                    )
                    for items, lo, hi in terms
                ]
            ray = _point_with(v, 1.0, homogeneous, [0.0] * n, [math.inf] * n)
            for w, d in enumerate(ray or ()):
                if d > _TOLERANCE and high[w] is None:
                    high[w] = math.inf
        elif ceiling[v] == round(ceiling[v]):
            point = _point_with(v, ceiling[v], terms, floor, ceiling)
            _settled_by(point, low, high, floor, ceiling)


_Terms = tuple[list[tuple[int, float]], float, float]
"""A row as its non-zero terms ``(unknown, coefficient)``, lower and upper bound."""


def _point_with(
    v: int, value: float, rows: list[_Terms], floor: list[float], ceiling: list[float]
) -> list[float] | None:
    """A point with unknown ``v`` at ``value`` and every row holding, if repairs find one.

    Starts from every other unknown at its floor; a row that does not hold is repaired by
    moving its other unknowns, in order, within their bounds; a few passes, then the point
    is kept only if every row holds (``None`` otherwise).
    """
    x = list(floor)
    x[v] = value
    for _ in range(_REPAIR_PASSES):
        broken = False
        for items, lower, upper in rows:
            total = 0.0
            for j, c in items:
                total += c * x[j]
            if total < lower - _TOLERANCE:
                need, sign = lower - total, 1.0
            elif total > upper + _TOLERANCE:
                need, sign = total - upper, -1.0
            else:
                continue
            broken = True
            _repair(items, v, x, need, sign > 0, floor, ceiling)
        if not broken:
            return x
    return None


def _repair(
    items: list[tuple[int, float]],
    fixed: int,
    x: list[float],
    need: float,
    up: bool,
    floor: list[float],
    ceiling: list[float],
) -> None:
    """Move a row's unknowns but ``fixed``, in order and within their bounds.

    The row's value rises (``up``) or falls by ``need``, or as near as they can take it.
    """
    for j, c in items:
        if j == fixed:
            continue
        rise = (c > 0) == up  # raise x[j] to move the row the right way
        room = ceiling[j] - x[j] if rise else x[j] - floor[j]
        step = min(room, need / abs(c))
        if step <= 0:
            continue
        x[j] += step if rise else -step
        need -= abs(c) * step
        if need <= _TOLERANCE:
            return


#: Passes of repairs before a point is given up (measured: 3 find 99% of those 6 find).
_REPAIR_PASSES = 4


def _zero_feasible(rows: list[Row]) -> bool:
    """Whether all unknowns at 0 satisfy the rows (then every minimum is 0)."""
    return all(lower <= 0 <= upper for _, lower, upper in rows)


def _ones_a_ray(rows: list[Row]) -> bool:
    """Whether raising every unknown by the same amount keeps a solution one.

    Then every unknown is unbounded above (the rows' lower bounds are finite: a row bounded
    above only must not grow, an equality must not change).
    """
    for coeffs, _, upper in rows:
        total = sum(coeffs.values())
        if total < 0 or (total > 0 and not math.isinf(upper)):
            return False
    return True


def _unbounded_by_a_ray(
    h: highspy.Highs, n: int, rows: list[Row], high: list[float | None], ceiling: list[float]
) -> None:
    """Settle as unbounded every unknown that one ray of the rows raises.

    A ray is a direction ``d ≥ 0`` along which every solution stays one: ``a·d ≥ 0`` for a
    row bounded below, ``a·d = 0`` for an equality. One program, maximising ``Σ d`` with
    ``d ≤ 1``, finds one raising many unknowns at once, instead of one unbounded program
    each. Unknowns with a finite propagated ceiling are bounded: not asked.
    """
    if all(math.isfinite(c) or hi is not None for c, hi in zip(ceiling, high, strict=True)):
        return
    _load(h, n, [(coeffs, 0.0, 0.0 if math.isfinite(hi) else hi) for coeffs, _, hi in rows],
          upper=1.0)  # fmt: skip
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.ones(n))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return
    for w in np.flatnonzero(np.asarray(h.getSolution().col_value) > 1e-6):
        if high[w] is None:
            high[w] = math.inf


def _load(h: highspy.Highs, n: int, rows: list[Row], *, upper: float = math.inf) -> None:
    """Put the program (without objective) into the solver, replacing any before."""
    h.clearModel()
    inf = highspy.kHighsInf
    h.addVars(n, np.zeros(n), np.full(n, inf if math.isinf(upper) else upper))
    starts: list[int] = []
    index: list[int] = []
    values: list[float] = []
    for coeffs, _, _ in rows:
        starts.append(len(index))
        for i in sorted(coeffs):
            index.append(i)
            values.append(coeffs[i])
    h.addRows(
        len(rows),
        np.array([lower for _, lower, _ in rows], dtype=np.float64),
        np.array([inf if math.isinf(upper) else upper for _, _, upper in rows], dtype=np.float64),
        len(index),
        np.array(starts, dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.array(values, dtype=np.float64),
    )


def _propagated_bounds(n: int, rows: list[Row]) -> tuple[list[float], list[float]]:  # noqa: C901 (one loop, kept flat for speed)
    """Bounds each unknown cannot leave, from the rows one at a time (bound propagation).

    Valid, not always tight: a feasible solution that reaches one proves it the optimum.
    A few passes (each row tightens its unknowns from the others' current bounds).
    """
    floor, ceiling = [0.0] * n, [math.inf] * n
    terms = [
        ([(j, c) for j, c in coeffs.items() if c != 0], lower, upper)
        for coeffs, lower, upper in rows
    ]
    for _ in range(4):
        changed = False
        for items, lower, upper in terms:
            # each term's least and most (c·x for x in [floor, ceiling]): the least is finite
            # or -inf, the most finite or +inf; the row's sums as a finite part and a count
            # of infinite terms
            spans = [
                (j, c, c * floor[j], c * ceiling[j])
                if c > 0
                else (j, c, c * ceiling[j], c * floor[j])
                for j, c in items
            ]
            least = most = 0.0
            least_inf = most_inf = 0
            for _, _, own_least, own_most in spans:
                if own_least == -math.inf:
                    least_inf += 1
                else:
                    least += own_least
                if own_most == math.inf:
                    most_inf += 1
                else:
                    most += own_most
            for j, c, own_least, own_most in spans:
                # the rest of the row without this term: -inf (+inf) if another term is
                if own_least == -math.inf:
                    rest_least = -math.inf if least_inf > 1 else least
                else:
                    rest_least = -math.inf if least_inf else least - own_least
                if own_most == math.inf:
                    rest_most = math.inf if most_inf > 1 else most
                else:
                    rest_most = math.inf if most_inf else most - own_most
                # lower <= c·x + rest <= upper
                if c > 0:
                    top, bottom = (upper - rest_least) / c, (lower - rest_most) / c
                else:
                    top, bottom = (lower - rest_most) / c, (upper - rest_least) / c
                if top < ceiling[j]:
                    ceiling[j], changed = top, True
                if bottom > floor[j]:
                    floor[j], changed = bottom, True
        if not changed:
            break
    return floor, ceiling


def _settled_by(
    point: Any,
    low: list[float | None],
    high: list[float | None],
    floor: list[float],
    ceiling: list[float],
) -> None:
    """Settle the optima a feasible solution proves: it reaches a bound nothing can pass.

    At 0 (the unknowns are non-negative) or at its propagated floor, an unknown has that
    minimum; at its propagated ceiling, that maximum. Only whole bounds are used, which
    the rounding of the programs' optima gives the same.
    """
    if point is None:
        return
    values = np.asarray(point)
    for w in range(len(values)):
        x = float(values[w])
        if low[w] is None:
            if x <= 1e-9:
                low[w] = 0.0
            elif floor[w] == round(floor[w]) and abs(x - floor[w]) <= 1e-7:
                low[w] = floor[w]
        top = ceiling[w]
        if high[w] is None and math.isfinite(top) and top == round(top) and abs(x - top) <= 1e-7:
            high[w] = top


@cache
def _solver() -> highspy.Highs:
    """One silent HiGHS instance.

    Its constructor prints a banner on file descriptor 1 whatever the options (HiGHS issue
    #1702), which would corrupt the CLI's output: it is built once, with that descriptor
    pointing at the null device.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    # The programs are small and solved by the thousand, each warm-started from the last:
    # presolve costs more than it saves (a quarter of the audit's solver time, measured at
    # 100,000 observations of one survey round, with the same optima).
    h.setOptionValue("presolve", "off")
    return h


def _optimum(
    h: highspy.Highs,
    var: int,
    objective: _Objective,
    sense: highspy.ObjSense,
    *,
    n_rows: tuple[int, list[Row]],
) -> tuple[float, Any]:
    """The optimum of one unknown, and the solution found (``None`` when unbounded).

    A warm start from an unbounded program sometimes ends with status "unknown" (HiGHS
    1.16, seen at 300,000 observations of one survey round): the program is then solved
    again from scratch, and reloaded if that does not do either.
    """
    for attempt in range(3):
        if attempt == 0:
            objective.minimise_or_maximise(var, sense)
        else:
            if attempt == 1:
                h.clearSolver()
            else:
                _load(h, *n_rows)
            objective.reset(var, sense)
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            value = float(h.getInfo().objective_function_value)
            return value, h.getSolution().col_value
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return (math.inf if sense == highspy.ObjSense.kMaximize else 0.0), None
    raise RuntimeError(f"disclosure audit: HiGHS ended with {h.modelStatusToString(status)}")

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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, pairwise
from typing import Any

import highspy
import numpy as np

__all__ = [
    "Audited",
    "Cell",
    "CellInterval",
    "Relation",
    "Relations",
    "audit_group",
    "audited",
    "ranges",
]


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


class Relations:
    """Relations as arrays.

    ``members``: each relation's total then its parts, one relation after the other;
    ``starts``: where each begins (one more than there are relations). What secondary
    suppression and the auditor work on: a group of a million observations holds hundreds
    of thousands of relations, which as `Relation` objects cost more to build and to walk
    than everything done with them. ``repeats``: whether a relation may name a cell twice
    (an area that is its own parent), which the auditor then adds up. Iterating gives
    `Relation` objects.
    """

    __slots__ = ("_by_member", "_owners", "members", "repeats", "starts")

    def __init__(self, members: _Ints, starts: _Ints, *, repeats: bool = False) -> None:
        self.members, self.starts, self.repeats = members, starts, repeats
        self._owners: _Ints | None = None
        self._by_member: tuple[list[int], list[int]] | None = None

    @classmethod
    def of(cls, relations: Iterable[Relation]) -> Relations:
        """The arrays of `Relation` objects."""
        if isinstance(relations, Relations):
            return relations
        lists = [(rel.total, *rel.parts) for rel in relations]
        sizes = np.fromiter(map(len, lists), np.int64, len(lists))
        members = np.fromiter(chain.from_iterable(lists), np.int64, int(sizes.sum()))
        repeats = any(len(set(m)) < len(m) for m in lists)
        return cls(members, _starts(sizes), repeats=repeats)

    @classmethod
    def joined(cls, parts: Sequence[Relations]) -> Relations:
        """The relations of ``parts``, one after the other."""
        if not parts:
            return cls(np.zeros(0, np.int64), np.zeros(1, np.int64))
        members = np.concatenate([p.members for p in parts])
        sizes = np.concatenate([np.diff(p.starts) for p in parts])
        return cls(members, _starts(sizes), repeats=any(p.repeats for p in parts))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __iter__(self) -> Iterator[Relation]:
        members = self.members.tolist()
        for a, b in pairwise(self.starts.tolist()):
            yield Relation(total=members[a], parts=tuple(members[a + 1 : b]))

    @property
    def owners(self) -> _Ints:
        """The relation of each member."""
        if self._owners is None:
            self._owners = np.repeat(np.arange(len(self)), np.diff(self.starts))
        return self._owners

    def by_member(self, cells: int) -> tuple[list[int], list[int]]:
        """The relations each of ``cells`` cells is a member of, in order.

        A flat list, and where each cell's begin in it (``cells + 1`` of them).
        """
        if self._by_member is None:
            order = np.argsort(self.members, kind="stable")
            bounds = np.searchsorted(self.members[order], np.arange(cells + 1))
            self._by_member = (self.owners[order].tolist(), bounds.tolist())
        return self._by_member

    def select(self, keep: np.ndarray[Any, np.dtype[np.bool_]]) -> Relations:
        """The relations where ``keep`` is true, in order."""
        first, after = self.starts[:-1][keep], self.starts[1:][keep]
        members = self.members[ranges(first, after)]
        return Relations(members, _starts(after - first), repeats=self.repeats)

    def renumbered(self, cells: _Ints) -> Relations:
        """The relations with each member ``m`` replaced by ``cells[m]``."""
        return Relations(cells[self.members], self.starts, repeats=self.repeats)


_Ints = np.ndarray[Any, np.dtype[np.int64]]


def _starts(sizes: _Ints) -> _Ints:
    starts = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=starts[1:])
    return starts


def ranges(first: _Ints, after: _Ints) -> _Ints:
    """``first[0]…after[0]-1``, then ``first[1]…after[1]-1``, …, as one array."""
    lengths = after - first
    shift = first - (np.cumsum(lengths) - lengths)
    out: _Ints = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(shift, lengths)
    return out


def audit_group(
    cells: list[Cell],
    hidden: list[bool],
    relations: Iterable[Relation],
    protection: list[int],
    *,
    solved: dict[Any, list[tuple[float, float]]] | None = None,
) -> list[CellInterval]:
    """The interval the auditor can prove for each withheld count of the group.

    The unknowns fall apart into independent parts (those no relation links); each part's
    programs are solved on their own, and ``solved`` keeps their results by program (its
    unknowns' count and rows): secondary suppression audits again after each widening,
    where most parts do not change, and small programs recur from group to group.
    ``relations``: `Relation` objects or `Relations`.
    """
    return audited(cells, hidden, relations, protection, solved=solved).intervals()


@dataclass(slots=True)
class Audited:
    """`audit_group`'s intervals as arrays, in the order of the cells (count, then size)."""

    cell: np.ndarray[Any, np.dtype[np.int64]]
    is_size: np.ndarray[Any, np.dtype[np.bool_]]
    bounds: list[tuple[float, float]]
    """Each interval's ``(lower, upper)``: whole numbers, ``inf`` for no upper bound."""
    protection: np.ndarray[Any, np.dtype[np.int64]]

    @property
    def width(self) -> np.ndarray[Any, np.dtype[np.float64]]:
        """``upper − lower`` of each interval."""
        pairs = np.array(self.bounds, dtype=np.float64).reshape(-1, 2)
        out: np.ndarray[Any, np.dtype[np.float64]] = pairs[:, 1] - pairs[:, 0]
        return out

    @property
    def unprotected(self) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """Which intervals are narrower than their protection level."""
        out: np.ndarray[Any, np.dtype[np.bool_]] = self.width < self.protection
        return out

    def intervals(self, keys: Sequence[tuple[str, ...]] | None = None) -> list[CellInterval]:
        """As `CellInterval` objects (with each cell's key from ``keys``, when given)."""
        cells, sizes, levels = self.cell.tolist(), self.is_size.tolist(), self.protection.tolist()
        return [
            CellInterval(
                cell,
                "size" if size else "count",
                lower,
                upper,
                level,
                () if keys is None else keys[cell],
            )
            for cell, size, (lower, upper), level in zip(
                cells, sizes, self.bounds, levels, strict=True
            )
        ]


def audited(
    cells: list[Cell],
    hidden: list[bool],
    relations: Iterable[Relation],
    protection: list[int],
    *,
    solved: dict[Any, list[tuple[float, float]]] | None = None,
) -> Audited:
    """`audit_group`, as arrays (no object per withheld count).

    The programs are built with numpy, a row per relation and measure at once; a part's
    program is looked up by its bytes (each row's size, bounds, unknowns and
    coefficients), so the tens of thousands of small parts that recur in a survey round
    cost a dictionary lookup each, not a program built in Python.
    """
    relations = Relations.of(relations)
    program = _Program.build(cells, hidden, relations)
    solved = {} if solved is None else solved
    keys = program.parts()
    # the programs not solved before, each once; their bounds propagated all at once
    new = list({key: p for p, key in enumerate(keys) if key not in solved}.items())
    if new:
        floor, ceiling = program.propagated([p for _, p in new])
        for key, p in new:
            unknowns = program.unknowns_of(p)
            bounds = (floor[unknowns].tolist(), ceiling[unknowns].tolist())
            solved[key] = _solve(key[0], program.rows_of(p), propagated=bounds)
    results: list[tuple[float, float]] = []
    for key in keys:
        results += solved[key]
    at = program.part_position().tolist()
    levels = np.asarray(protection, dtype=np.int64)[program.var_cell]
    return Audited(program.var_cell, program.var_is_size, [results[i] for i in at], levels)


class _Program:
    """A group's program as arrays: its unknowns and rows.

    The unknowns are each withheld cell's count, then its size; a row is ``lower ≤ Σ
    coefficient × unknown ≤ upper``, stored by row (``row_ptr``, ``cols``, ``vals``).
    """

    def __init__(self) -> None:
        self.n = 0
        self.var_cell = np.zeros(0, np.int64)
        self.var_is_size = np.zeros(0, bool)
        self.row_ptr = np.zeros(1, np.int64)
        self.cols = np.zeros(0, np.int64)
        self.vals = np.zeros(0, np.float64)
        self.lower = np.zeros(0, np.float64)
        self.upper = np.zeros(0, np.float64)
        self._var_order = np.zeros(0, np.int64)  # set by parts()
        self._rows = np.zeros(0, np.int64)
        self._local = np.zeros(0, np.int64)
        self._part_rows = np.zeros(1, np.int64)
        self._part_start = np.zeros(1, np.int64)

    @classmethod
    def build(cls, cells: list[Cell], hidden: list[bool], relations: Relations) -> _Program:
        """The program of a group's withheld cells.

        ``total − Σ parts = 0`` (or ``≥ 0``) of each relation and measure whose true
        values add up so (published members moved to the bounds), in relation order, the
        count's row before the size's; then ``size − count ≥ 0`` of each cell with both.
        """
        self = cls()
        n_cells = len(cells)
        withheld = np.fromiter(hidden, bool, n_cells)
        truths = [_truth([c.count for c in cells]), _truth([c.size for c in cells])]
        has = [withheld & known for _, known in truths]
        per_cell = has[0].astype(np.int64) + has[1]
        first = np.cumsum(per_cell) - per_cell
        variables = [np.where(has[0], first, -1), np.where(has[1], first + has[0], -1)]
        self.n = int(per_cell.sum())
        self.var_cell = np.repeat(np.arange(n_cells, dtype=np.int64), per_cell)
        self.var_is_size = np.zeros(self.n, bool)
        self.var_is_size[variables[1][has[1]]] = True
        keys, row_lower, row_upper, e_key, e_var, e_val = [], [], [], [], [], []
        if len(relations):
            members, starts = relations.members, relations.starts[:-1]
            owner = relations.owners
            sign = np.full(len(members), -1, np.int64)
            sign[starts] = 1
            for measure, ((truth, known), var) in enumerate(zip(truths, variables, strict=True)):
                signed = truth[members] * sign
                gap = np.add.reduceat(signed, starts)  # total − Σ parts
                unknown = var[members]
                is_var = unknown >= 0
                kept = (
                    np.logical_and.reduceat(known[members], starts)
                    & np.asarray(gap >= 0, bool)
                    & np.logical_or.reduceat(is_var, starts)
                )
                constant = np.add.reduceat(np.where(is_var, 0, signed), starts)
                lower = -np.asarray(constant[kept], np.float64) + 0.0  # never -0.0
                equal = np.asarray(gap[kept] == 0, bool)
                keys.append(np.flatnonzero(kept) * 2 + measure)
                row_lower.append(lower)
                row_upper.append(np.where(equal, lower, np.inf))
                entry = kept[owner] & is_var
                e_key.append(owner[entry] * 2 + measure)
                e_var.append(unknown[entry])
                e_val.append(sign[entry].astype(np.float64))
        key = np.concatenate(keys) if keys else np.zeros(0, np.int64)
        order = np.argsort(key, kind="stable")
        entry_key = np.concatenate(e_key) if e_key else np.zeros(0, np.int64)
        entry_order = np.argsort(entry_key, kind="stable")  # rows in order, members in order
        row_of_entry = np.searchsorted(key[order], entry_key[entry_order])
        cols = np.concatenate(e_var)[entry_order] if e_var else np.zeros(0, np.int64)
        vals = np.concatenate(e_val)[entry_order] if e_val else np.zeros(0, np.float64)
        lower = np.concatenate(row_lower)[order] if row_lower else np.zeros(0)
        upper = np.concatenate(row_upper)[order] if row_upper else np.zeros(0)
        if relations.repeats:  # a cell twice in a relation: one term, coefficients added
            row_of_entry, cols, vals = _merged(row_of_entry, cols, vals, self.n)
        # size − count ≥ 0, for each cell with both unknowns
        both = has[0] & has[1]
        links = int(both.sum())
        link_rows = len(lower) + np.arange(links, dtype=np.int64)
        row_of_entry = np.concatenate([row_of_entry, np.repeat(link_rows, 2)])
        pairs = np.stack([variables[1][both], variables[0][both]], axis=1).ravel()
        cols = np.concatenate([cols, pairs])
        vals = np.concatenate([vals, np.tile([1.0, -1.0], links)])
        self.lower = np.concatenate([lower, np.zeros(links)])
        self.upper = np.concatenate([upper, np.full(links, np.inf)])
        self.row_ptr = np.searchsorted(row_of_entry, np.arange(len(self.lower) + 1))
        self.cols, self.vals = cols, vals
        return self

    def parts(self) -> list[tuple[int, bytes]]:
        """Each part (unknowns no row links): its size and its program as bytes.

        Splits the program into its parts, which `unknowns_of`, `rows_of`, `propagated`
        and `part_position` then refer to by number.

        Parts come in the order of their first unknown; a part's unknowns are numbered
        in their order, and its rows keep theirs, so equal programs give equal bytes.
        """
        n = self.n
        if not n:
            return []
        row_len = np.diff(self.row_ptr)
        label = _components(n, np.repeat(self.cols[self.row_ptr[:-1]], row_len), self.cols)
        self._var_order = var_order = np.argsort(label, kind="stable")
        new = np.r_[True, label[var_order][1:] != label[var_order][:-1]]
        part_start = np.flatnonzero(new)
        part_size = np.diff(np.r_[part_start, n])
        part_of = np.empty(n, np.int64)
        part_of[var_order] = np.repeat(np.arange(len(part_start)), part_size)
        local = np.empty(n, np.int64)
        local[var_order] = np.arange(n) - np.repeat(part_start, part_size)
        # rows by part (the part of a row's first unknown), in order within each
        row_part = part_of[self.cols[self.row_ptr[:-1]]]
        rows = np.argsort(row_part, kind="stable")
        nnz = row_len[rows]
        width = 3 + 2 * nnz
        at = np.cumsum(width) - width
        stream = np.empty(int(width.sum()), np.float64)
        stream[at] = nnz
        stream[at + 1] = self.lower[rows]
        stream[at + 2] = self.upper[rows]
        entries = ranges(self.row_ptr[rows], self.row_ptr[rows + 1])
        nth = np.arange(len(entries)) - np.repeat(np.cumsum(nnz) - nnz, nnz)
        base = np.repeat(at + 3, nnz) + nth
        stream[base] = local[self.cols[entries]]
        stream[base + np.repeat(nnz, nnz)] = self.vals[entries]
        part_rows = np.searchsorted(row_part[rows], np.arange(len(part_start) + 1))
        offsets = (np.r_[at, len(stream)][part_rows] * 8).tolist()
        data = stream.tobytes()
        self._rows, self._local = rows, local
        self._part_rows, self._part_start = part_rows, np.append(part_start, n)
        sizes = part_size.tolist()
        return [(size, data[offsets[p] : offsets[p + 1]]) for p, size in enumerate(sizes)]

    def unknowns_of(self, part: int) -> _Ints:
        """A part's unknowns, in their order."""
        return self._var_order[self._part_start[part] : self._part_start[part + 1]]

    def propagated(self, parts: list[int]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """`_propagated` bounds of the unknowns of ``parts`` (of the others: unbounded)."""
        chosen = np.array(parts, dtype=np.int64)
        rows = self._rows[ranges(self._part_rows[chosen], self._part_rows[chosen + 1])]
        entries = ranges(self.row_ptr[rows], self.row_ptr[rows + 1])
        sizes = self.row_ptr[rows + 1] - self.row_ptr[rows]
        return _propagated(
            self.n,
            _starts(sizes),
            self.cols[entries],
            self.vals[entries],
            self.lower[rows],
            self.upper[rows],
        )

    def rows_of(self, part: int) -> list[Row]:
        """A part's rows, its unknowns numbered within it."""
        out: list[Row] = []
        first, after = self._part_rows[part], self._part_rows[part + 1]
        for r in self._rows[first:after].tolist():
            a, b = int(self.row_ptr[r]), int(self.row_ptr[r + 1])
            local = self._local[self.cols[a:b]].tolist()
            coeffs = dict(zip(local, self.vals[a:b].tolist(), strict=True))
            out.append((coeffs, float(self.lower[r]), float(self.upper[r])))
        return out

    def part_position(self) -> _Ints:
        """Where each unknown's optima are in the parts' results, one after the other."""
        position = np.empty(self.n, np.int64)
        if self.n:
            position[self._var_order] = np.arange(self.n)
        return position


def _truth(values: list[int | None]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """A measure's true values (0 where unknown) and where they are known.

    int64 while sums of them cannot overflow; Python integers (an object array) beyond.
    """
    known = np.fromiter((v is not None for v in values), bool, len(values))
    plain = [0 if v is None else v for v in values]
    try:
        truth = np.array(plain, dtype=np.int64)
    except OverflowError:
        return np.array(plain, dtype=object), known
    if len(truth) and (truth.max() >= _EXACT or truth.min() <= -_EXACT):
        return np.array(plain, dtype=object), known
    return truth, known


#: Counts below this add up exactly in 64 bits, a million at a time.
_EXACT = 2**40


def _merged(
    rows: _Ints, cols: _Ints, vals: np.ndarray[Any, Any], n: int
) -> tuple[_Ints, _Ints, np.ndarray[Any, Any]]:
    """One term per unknown and row (coefficients added), in the order they first come."""
    key = rows * max(n, 1) + cols
    unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    summed = np.bincount(inverse.ravel(), weights=vals, minlength=len(unique))
    order = np.argsort(first, kind="stable")
    return rows[first[order]], cols[first[order]], summed[order]


def _components(n: int, u: _Ints, v: _Ints) -> _Ints:
    """Each of ``n`` unknowns' component (its least member), ``u[i]`` linked to ``v[i]``.

    Roots are hooked to the lesser root, then paths shortened, until no link crosses.
    """
    label = np.arange(n, dtype=np.int64)
    while True:
        lu, lv = label[u], label[v]
        crossing = lu != lv
        if not crossing.any():
            return label
        lu, lv = lu[crossing], lv[crossing]
        np.minimum.at(label, np.maximum(lu, lv), np.minimum(lu, lv))
        while True:
            up = label[label]
            if np.array_equal(up, label):
                break
            label = up


def _solve(
    n: int, rows: list[Row], *, propagated: tuple[list[float], list[float]] | None = None
) -> list[tuple[float, float]]:
    """The minimum and maximum of each of ``n`` unknowns (≥ 0) subject to ``rows``.

    Two programs per unknown at most; fewer are solved where a solution already settles
    one exactly: an unknown that is 0 in a feasible solution (found, or all zeros when the
    rows allow it) has minimum 0 (the unknowns are non-negative), and every unknown that
    grows along the ray of an unbounded maximisation is unbounded too (a ray of the whole
    system is one of each unknown). Programs of up to `_BUILT_POINTS_UP_TO` unknowns first
    try points and rays built by hand (`_settled_by_construction`); the solver gets what
    they leave. ``propagated``: the rows' `_propagated` bounds, when already worked out.
    """
    if not rows or (_zero_feasible(rows) and _ones_a_ray(rows)):
        return [(0, math.inf)] * n
    low: list[float | None] = [None] * n
    high: list[float | None] = [None] * n
    if _zero_feasible(rows):
        low = [0.0] * n
    floor, ceiling = _propagated_of(n, rows) if propagated is None else propagated
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
    _at_ceilings_together(h, bounds, objective)
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


def _at_ceilings_together(h: highspy.Highs, bounds: _Bounds, objective: _Objective) -> None:
    """Settle at once the maxima of unknowns that reach their ceilings together.

    Maximising the sum of the unknowns whose maximum is not known and whose propagated
    ceiling is whole: each unknown the solution puts at its ceiling has that maximum (no
    solution passes it). Repeated while a round settles a good share of those left.
    """
    while True:
        pending = np.flatnonzero(np.isnan(bounds.high) & bounds.whole_ceiling)
        if len(pending) < _TOGETHER_FROM:
            return
        costs = np.zeros(objective.n)
        costs[pending] = 1.0
        h.changeColsCost(objective.n, np.arange(objective.n, dtype=np.int32), costs)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        objective.var = -2  # several costs set: `reset` before the next single one
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return
        bounds.settle(h.getSolution().col_value)
        left = int((np.isnan(bounds.high) & bounds.whole_ceiling).sum())
        if left > len(pending) * _TOGETHER_KEEPS:
            return


#: Ceilings are tried together while at least this many are pending …
_TOGETHER_FROM = 2
#: … and a round leaves at most this share of them.
_TOGETHER_KEEPS = 0.9


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
        if self.var == -2:
            self.reset(var, sense)
            return
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

    The propagated bounds (`_propagated`) can never be passed; a feasible point
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


def _propagated_of(n: int, rows: list[Row]) -> tuple[list[float], list[float]]:
    """`_propagated` bounds of one program given by its rows."""
    sizes = np.fromiter((len(coeffs) for coeffs, _, _ in rows), np.int64, len(rows))
    floor, ceiling = _propagated(
        n,
        _starts(sizes),
        np.fromiter((j for coeffs, _, _ in rows for j in coeffs), np.int64, int(sizes.sum())),
        np.fromiter((c for coeffs, _, _ in rows for c in coeffs.values()), np.float64),
        np.array([lower for _, lower, _ in rows], dtype=np.float64),
        np.array([upper for _, _, upper in rows], dtype=np.float64),
    )
    return floor.tolist(), ceiling.tolist()


def _propagated(
    n: int,
    row_ptr: _Ints,
    cols: _Ints,
    vals: np.ndarray[Any, Any],
    lower: np.ndarray[Any, Any],
    upper: np.ndarray[Any, Any],
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Bounds each of ``n`` unknowns (≥ 0) cannot leave, by bound propagation.

    Valid, not always tight: a feasible solution that reaches one proves it the optimum.
    Each row ``lower ≤ Σ vals·x ≤ upper`` (stored by row: ``row_ptr``, ``cols``) bounds
    each of its unknowns by the least and most the rest of the row can be; all rows at
    once, in numpy (the programs of a whole group together), a few passes or until
    nothing changes.
    """
    floor, ceiling = np.zeros(n), np.full(n, np.inf)
    if not len(cols):
        return floor, ceiling
    starts = row_ptr[:-1]
    row = np.repeat(np.arange(len(starts)), np.diff(row_ptr))
    rising, none = vals > 0, vals == 0
    row_lower, row_upper = lower[row], upper[row]
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(_PROPAGATION_PASSES):
            at_floor, at_ceiling = vals * floor[cols], vals * ceiling[cols]
            least = np.where(none, 0.0, np.where(rising, at_floor, at_ceiling))
            most = np.where(none, 0.0, np.where(rising, at_ceiling, at_floor))
            rest_least = _rest(least, -np.inf, starts, row)
            rest_most = _rest(most, np.inf, starts, row)
            top = np.where(rising, row_upper - rest_least, row_lower - rest_most) / vals
            bottom = np.where(rising, row_lower - rest_most, row_upper - rest_least) / vals
            top[none], bottom[none] = np.inf, -np.inf
            new_ceiling, new_floor = ceiling.copy(), floor.copy()
            np.minimum.at(new_ceiling, cols, top)
            np.maximum.at(new_floor, cols, bottom)
            if np.array_equal(new_ceiling, ceiling) and np.array_equal(new_floor, floor):
                break
            floor, ceiling = new_floor, new_ceiling
    return floor, ceiling


def _rest(
    terms: np.ndarray[Any, Any], infinite: float, starts: _Ints, row: _Ints
) -> np.ndarray[Any, Any]:
    """Each term's row summed without it (``infinite`` when another term is)."""
    endless = terms == infinite
    total = np.add.reduceat(np.where(endless, 0.0, terms), starts)[row]
    count = np.add.reduceat(endless.astype(np.int64), starts)[row]
    without = np.where(endless, count > 1, count > 0)
    return np.where(without, infinite, np.where(endless, total, total - terms))


#: Passes of bound propagation at most (each row from the others' bounds of the last).
_PROPAGATION_PASSES = 8


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

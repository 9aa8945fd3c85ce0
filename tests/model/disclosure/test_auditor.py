"""The auditor's shortcuts prove exactly what solving every program would, and secondary
suppression's faster bookkeeping gives what the plain loops give (issue #16).

`sdmx_cso.model.audit._solve` skips programs whose optimum a solution already settles (an
unknown at 0 in a feasible solution has minimum 0; an unknown growing along the ray of an
unbounded program is unbounded) and solves again from scratch when a warm start ends with
status "unknown". The reference here solves both programs of every unknown, each in a
fresh HiGHS instance, and must agree on every interval, on random systems of the shape the
auditor builds (totals minus parts, equal or at least; size ≥ count).
"""

from __future__ import annotations

import math
import os

import highspy
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdmx_cso.model import audit
from sdmx_cso.model.audit import Cell, Relation, _solve
from sdmx_cso.model.disclosure import _complete_relations, _relations, _widen


def _fresh() -> highspy.Highs:
    saved = os.dup(1)  # the constructor prints a banner on descriptor 1 (HiGHS #1702)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
        h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def reference(n, rows):
    """Both bounds of each unknown, each from a program of its own."""
    if not rows:
        return [(0, math.inf)] * n
    out = []
    for v in range(n):
        bounds = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            h = _fresh()
            inf = highspy.kHighsInf
            h.addVars(n, np.zeros(n), np.full(n, inf))
            for coeffs, lower, upper in rows:
                idx = np.array(sorted(coeffs), dtype=np.int32)
                vals = np.array([coeffs[i] for i in idx], dtype=np.float64)
                h.addRow(lower, inf if math.isinf(upper) else upper, len(idx), idx, vals)
            costs = np.zeros(n)
            costs[v] = 1.0
            h.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
            h.changeObjectiveSense(sense)
            h.run()
            status = h.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                bounds.append(h.getInfo().objective_function_value)
            else:
                assert status in (
                    highspy.HighsModelStatus.kUnbounded,
                    highspy.HighsModelStatus.kUnboundedOrInfeasible,
                ), h.modelStatusToString(status)
                bounds.append(math.inf if sense == highspy.ObjSense.kMaximize else 0.0)
        low, high = bounds
        out.append((math.ceil(low - 1e-6), high if math.isinf(high) else math.floor(high + 1e-6)))
    return out


def _row(members, truth, hidden, variables, measure):
    """``total − Σ parts`` over the withheld members (None: the values do not add up)."""
    total, parts = members[0], members[1:]
    gap = truth[total] - sum(truth[p] for p in parts)
    coeffs, constant = {}, 0.0
    for m, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
        if hidden[m]:
            coeffs[variables[(m, measure)]] = sign
        else:
            constant += sign * truth[m]
    if gap < 0 or not coeffs:
        return None
    return coeffs, -constant, -constant if gap == 0 else math.inf


@st.composite
def systems(draw: st.DrawFn):
    """Withheld cells (count, size) in relations whose true values hold, as the auditor
    writes them: published members moved to the constant side."""
    cells = draw(st.integers(2, 7))
    sizes = [draw(st.integers(0, 40)) for _ in range(cells)]
    counts = [draw(st.integers(0, s)) for s in sizes]
    hidden = [True] + [draw(st.booleans()) for _ in range(cells - 1)]
    variables = {}
    for i in (i for i in range(cells) if hidden[i]):
        variables[(i, "count")] = len(variables)
        variables[(i, "size")] = len(variables)
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        members = draw(st.lists(st.integers(0, cells - 1), min_size=2, max_size=4, unique=True))
        for truth, measure in ((counts, "count"), (sizes, "size")):
            row = _row(members, truth, hidden, variables, measure)
            if row is not None:
                rows.append(row)
    for i, _ in (k for k in variables if k[1] == "count"):
        rows.append(({variables[(i, "size")]: 1.0, variables[(i, "count")]: -1.0}, 0.0, math.inf))
    return len(variables), rows


@pytest.fixture(params=["built points first", "solver only"])
def path(request, monkeypatch):
    """Both ways `_solve` proves optima: points built by hand, then the solver for what
    they leave (small programs), or the solver for everything (large ones)."""
    if request.param == "solver only":
        monkeypatch.setattr(audit, "_BUILT_POINTS_UP_TO", -1)
    return request.param


# the fixture only sets a module constant for the test: the same for every example
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(system=systems())
def test_shortcuts_prove_what_every_program_proves(path, system):
    n, rows = system
    assert _solve(n, rows) == reference(n, rows)


# A system from a 300,000-observation survey round (benchmarks/generate.py --shape
# many-series): warm-started after an unbounded maximisation, HiGHS 1.16 ended the last
# program with status "unknown" and convert failed with an internal error.
_UNKNOWN_AFTER_WARM_START = (
    18,
    [({12: -1.0, 4: -1.0}, -119.0, math.inf), ({10: 1.0, 8: -1.0}, 0.0, math.inf),
     ({11: 1.0, 9: -1.0}, 0.0, math.inf), ({6: 1.0, 4: -1.0, 0: -1.0}, 0.0, math.inf),
     ({7: 1.0, 5: -1.0, 1: -1.0}, 0.0, 0.0), ({12: 1.0, 8: -1.0}, 0.0, math.inf),
     ({13: 1.0, 9: -1.0}, 0.0, math.inf), ({16: 1.0, 14: -1.0}, 0.0, math.inf),
     ({17: 1.0, 15: -1.0}, 0.0, math.inf), ({16: 1.0, 4: -1.0, 2: -1.0}, 80.0, math.inf),
     ({17: 1.0, 5: -1.0, 3: -1.0}, 124.0, math.inf), ({1: 1.0, 0: -1.0}, 0.0, math.inf),
     ({3: 1.0, 2: -1.0}, 0.0, math.inf), ({5: 1.0, 4: -1.0}, 0.0, math.inf),
     ({7: 1.0, 6: -1.0}, 0.0, math.inf), ({9: 1.0, 8: -1.0}, 0.0, math.inf),
     ({11: 1.0, 10: -1.0}, 0.0, math.inf), ({13: 1.0, 12: -1.0}, 0.0, math.inf),
     ({15: 1.0, 14: -1.0}, 0.0, math.inf), ({17: 1.0, 16: -1.0}, 0.0, math.inf)],
)  # fmt: skip


def test_a_warm_start_ending_unknown_is_solved_again(path):
    n, rows = _UNKNOWN_AFTER_WARM_START
    assert _solve(n, rows) == reference(n, rows)


# --- secondary suppression's bookkeeping: the same outcome as the plain loops ------------


def plain_complete_relations(hidden, relations):
    """Full sweeps over every relation until one changes nothing (the definition)."""
    changed = True
    while changed:
        changed = False
        for rel in relations:
            members = (rel.total, *rel.parts)
            if sum(hidden[m] for m in members) != 1:
                continue
            published = [m for m in rel.parts if not hidden[m]] or [rel.total]
            hidden[min(published)] = True
            changed = True


def plain_relations(cells, parents, area):
    """Every bucket of cells equal but along one dimension, in key order (the definition)."""
    relations = []
    width = len(cells[0].key)
    for d in [d for d in range(width) if len({c.key[d] for c in cells}) > 1]:
        buckets = {}
        for i, cell in enumerate(cells):
            buckets.setdefault(cell.key[:d] + cell.key[d + 1 :], {})[cell.key[d]] = i
        for rest in sorted(buckets):
            bucket = buckets[rest]
            if d == area:
                for code in sorted(bucket):
                    parts = [bucket[c] for c in sorted(bucket) if parents.get(c) == code]
                    if parts:
                        relations.append(Relation(total=bucket[code], parts=tuple(parts)))
            elif "_T" in bucket and len(bucket) > 1:
                parts = [bucket[c] for c in sorted(bucket) if c != "_T"]
                relations.append(Relation(total=bucket["_T"], parts=tuple(parts)))
    return relations


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    n=st.integers(2, 30),
    data=st.data(),
)
def test_completing_relations_reaches_the_fixpoint_of_full_sweeps(n, data):
    member = st.integers(0, n - 1)
    groups = data.draw(st.lists(st.lists(member, min_size=2, max_size=5, unique=True), max_size=25))
    relations = [Relation(total=g[0], parts=tuple(g[1:])) for g in groups]
    hidden = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    fast, plain = list(hidden), list(hidden)
    _complete_relations([], fast, relations)
    plain_complete_relations(plain, relations)
    assert fast == plain


AREAS = ("KE", "KE-30", "KE-31", "KE-30-W1", "KE-30-W2", "KE-31-W1", "LOOP")
PARENTS = {"KE-30": "KE", "KE-31": "KE", "KE-30-W1": "KE-30", "KE-30-W2": "KE-30",
           "KE-31-W1": "KE-31", "LOOP": "LOOP"}  # fmt: skip


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.sets(
        st.tuples(
            st.just("x"),
            st.sampled_from(AREAS),
            st.sampled_from(("_T", "F", "M")),
            st.sampled_from(("_T", "Y1", "Y2", "Y3")),
        ),
        min_size=1,
        max_size=60,
    )
    .map(sorted)
    .flatmap(st.permutations)
)
def test_relations_are_those_of_the_plain_buckets(keys):
    cells = [Cell(key=k, count=1, size=2) for k in keys]
    assert _relations(cells, PARENTS, area=1) == plain_relations(cells, PARENTS, 1)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(
            st.just("x"),
            st.sampled_from(AREAS),
            st.sampled_from(("_T", "F", "M")),
            st.sampled_from(("_T", "Y1")),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_a_key_given_twice_counts_once_as_the_plain_buckets_do(keys):
    """Not a valid dataset, but `protect` may be given one: the last cell of a key counts."""
    cells = [Cell(key=k, count=1, size=2) for k in keys]
    assert _relations(cells, PARENTS, area=1) == plain_relations(cells, PARENTS, 1)


def test_the_common_small_programs_are_proved_without_the_solver(monkeypatch):
    """Two withheld cells of a breakdown that falls short of its total (the commonest part
    of a survey round), and a withheld total with one withheld part: built points and rays
    prove every optimum, and they are those the solver finds."""
    short = [
        ({0: -1.0, 2: -1.0}, -135.0, math.inf),  # counts: x0 + x2 ≤ 135
        ({1: -1.0, 3: -1.0}, -263.0, math.inf),  # sizes: y1 + y3 ≤ 263
        ({1: 1.0, 0: -1.0}, 0.0, math.inf),  # x0 ≤ y1
        ({3: 1.0, 2: -1.0}, 0.0, math.inf),  # x2 ≤ y3
    ]
    total = [
        ({2: 1.0, 0: -1.0}, 19.0, 19.0),  # the total's count is the part's plus 19
        ({3: 1.0, 1: -1.0}, 59.0, 59.0),
        ({1: 1.0, 0: -1.0}, 0.0, math.inf),
        ({3: 1.0, 2: -1.0}, 0.0, math.inf),
    ]
    expected = {id(short): reference(4, short), id(total): reference(4, total)}

    def no_solver():
        raise AssertionError("a program was given to the solver")

    monkeypatch.setattr(audit, "_solver", no_solver)
    assert _solve(4, short) == expected[id(short)] == [(0, 135), (0, 263), (0, 135), (0, 263)]
    assert _solve(4, total) == expected[id(total)]
    assert expected[id(total)][2] == (19, math.inf)  # a floor proved by a point, a ray


# --- the auditor's programs: built with numpy, the same as one row per relation ----------


def plain_audit(cells, hidden, relations, protection):  # noqa: C901 (the definition, whole)
    """One row per relation and measure, parts by union-find, each part solved (the
    definition the array-built programs must give)."""
    names, var = [], {}
    for i, cell in enumerate(cells):
        if hidden[i]:
            for measure in ("count", "size"):
                if getattr(cell, measure) is not None:
                    var[(i, measure)] = len(names)
                    names.append((i, measure))
    rows = []
    for rel in relations:
        members = (rel.total, *rel.parts)
        for measure in ("count", "size"):
            truth = [getattr(cells[m], measure) for m in members]
            if None in truth or truth[0] < sum(truth[1:]):
                continue
            coeffs, constant = {}, 0
            for k, m in enumerate(members):
                sign = 1.0 if k == 0 else -1.0
                if (m, measure) in var:
                    coeffs[var[(m, measure)]] = coeffs.get(var[(m, measure)], 0.0) + sign
                else:
                    constant += sign * getattr(cells[m], measure)
            if coeffs:
                exact = truth[0] == sum(truth[1:])
                rows.append((coeffs, float(-constant), float(-constant) if exact else math.inf))
    for i in range(len(cells)):
        if (i, "count") in var and (i, "size") in var:
            rows.append(({var[(i, "size")]: 1.0, var[(i, "count")]: -1.0}, 0.0, math.inf))
    parent = list(range(len(names)))

    def find(v):
        while parent[v] != v:
            v = parent[v]
        return v

    for coeffs, _, _ in rows:
        first, *rest = coeffs
        for v in rest:
            parent[find(v)] = find(first)
    out = {}
    for root in {find(v) for v in range(len(names))}:
        part = [v for v in range(len(names)) if find(v) == root]
        local = {v: j for j, v in enumerate(part)}
        own = [
            ({local[v]: c for v, c in co.items()}, lo, hi)
            for co, lo, hi in rows
            if find(next(iter(co))) == root
        ]
        for v, bounds in zip(part, _solve(len(part), own), strict=True):
            out[names[v]] = bounds
    return [(i, m, *out[(i, m)], protection[i]) for i, m in names]


@st.composite
def groups(draw: st.DrawFn):
    """Cells (some measures unknown, now and then counts beyond 64-bit sums), withheld
    ones, and relations among them: random, or of true totals, a cell now and then twice."""
    n = draw(st.integers(1, 12))
    big = draw(st.sampled_from([40, 40, 40, 2**45, 2**70]))
    sizes = [draw(st.one_of(st.none(), st.integers(0, big))) for _ in range(n)]
    counts = [
        draw(st.one_of(st.none(), st.integers(0, s if s is not None else big))) for s in sizes
    ]
    cells = [
        Cell(key=(str(i),), count=c, size=s)
        for i, (c, s) in enumerate(zip(counts, sizes, strict=True))
    ]
    relations = []
    for _ in range(draw(st.integers(0, 8))):
        members = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5))
        relations.append(Relation(total=members[0], parts=tuple(members[1:])))
    if n > 2:  # one relation whose total is the sum of its parts
        parts = draw(st.lists(st.integers(1, n - 1), min_size=1, max_size=3, unique=True))
        total = Cell(key=("T",), count=sum(counts[p] or 0 for p in parts),
                     size=sum(sizes[p] or 0 for p in parts))  # fmt: skip
        cells[0] = total
        relations.append(Relation(total=0, parts=tuple(parts)))
    hidden = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return cells, hidden, relations, [draw(st.integers(1, 10)) for _ in range(n)]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(group=groups())
def test_the_programs_built_as_arrays_are_those_of_each_relation(group):
    cells, hidden, relations, protection = group
    got = audit.audit_group(cells, hidden, relations, protection, solved={})
    assert [(i.cell, i.measure, i.lower, i.upper, i.protection) for i in got] == plain_audit(
        cells, hidden, relations, protection
    )
    # the same with the relations as arrays, and with programs solved before
    solved: dict = {}
    audit.audit_group(cells, hidden, relations, protection, solved=solved)
    again = audit.audit_group(
        cells, hidden, audit.Relations.of(relations), protection, solved=solved
    )
    assert [(i.cell, i.measure, i.lower, i.upper) for i in again] == [
        (i.cell, i.measure, i.lower, i.upper) for i in got
    ]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    relations=st.lists(
        st.lists(st.integers(0, 9), min_size=1, max_size=5).map(
            lambda m: Relation(total=m[0], parts=tuple(m[1:]))
        ),
        max_size=10,
    ),
    keep=st.lists(st.booleans(), min_size=10, max_size=10),
)
def test_relations_as_arrays_are_the_relations(relations, keep):
    table = audit.Relations.of(relations)
    assert list(table) == relations
    assert table.repeats == any(len({r.total, *r.parts}) < 1 + len(r.parts) for r in relations)
    chosen = np.array(keep[: len(relations)], dtype=bool)
    assert list(table.select(chosen)) == [r for r, k in zip(relations, chosen, strict=True) if k]
    owners, bounds = table.by_member(10)
    for cell in range(10):
        assert owners[bounds[cell] : bounds[cell + 1]] == [
            r for r, rel in enumerate(relations) for m in (rel.total, *rel.parts) if m == cell
        ]


def plain_widen(cell, hidden, relations):
    """The smallest published cell related to ``cell``, else to any withheld cell."""
    near = set()
    for rel in relations:
        members = (rel.total, *rel.parts)
        if cell in members:
            near.update(m for m in members if not hidden[m])
    if not near:
        for rel in relations:
            members = (rel.total, *rel.parts)
            if any(hidden[m] for m in members):
                near.update(m for m in members if not hidden[m])
    if not near:
        return False
    hidden[min(near)] = True
    return True


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    relations=st.lists(
        st.lists(st.integers(0, 9), min_size=2, max_size=5, unique=True).map(
            lambda m: Relation(total=m[0], parts=tuple(m[1:]))
        ),
        max_size=10,
    ),
    hidden=st.lists(st.booleans(), min_size=10, max_size=10),
    cell=st.integers(0, 9),
)
def test_widening_withholds_what_the_plain_loops_withhold(relations, hidden, cell):
    fast, plain = list(hidden), list(hidden)
    assert _widen(cell, [], fast, audit.Relations.of(relations)) == plain_widen(
        cell, plain, relations
    )
    assert fast == plain


@settings(max_examples=150, deadline=None, derandomize=True)
@given(system=systems())
def test_propagated_bounds_hold_every_optimum(system):
    """Bound propagation (all rows at once, in numpy) never passes an optimum: a point
    that reaches a propagated bound proves it only because of this."""
    n, rows = system
    floor, ceiling = audit._propagated_of(n, rows)
    for (low, high), f, c in zip(reference(n, rows), floor, ceiling, strict=True):
        assert f <= low + 1e-9
        assert high <= c + 1e-9

"""The relations among a group's cells: totals and their parts, areas and their children.

Two cells are related along a dimension when they agree on every other dimension: the one
whose code there is ``_T`` is the total of the others (a *bucket*), and along REF_AREA an
area is the total of its child areas present in the same bucket. Secondary suppression and
its auditor (:mod:`sdmx_cso.model.disclosure`, :mod:`sdmx_cso.model.audit`) work on these.

The relations come in a fixed order, which secondary suppression's outcome depends on: by
dimension (the DSD's order), then by bucket in the order of the other dimensions' codes,
then (along REF_AREA) by parent code; a relation's parts are in code order. They are found
by sorting the cells' codes with numpy (one sort per varying dimension), not by building a
dictionary of buckets per dimension in Python, which at a million observations took a
seventh of a conversion. ``tests/model/disclosure/test_auditor.py`` checks the outcome
against the plain definition.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from sdmx_cso.model.audit import Cell, Relation, Relations, ranges

__all__ = ["relations_among", "relations_of"]

_Ints = np.ndarray[tuple[int, ...], np.dtype[np.int64]]


def relations_of(cells: Sequence[Cell], parents: dict[str, str], *, area: int) -> list[Relation]:
    """Totals and their parts among ``cells`` (indices), along each dimension.

    ``area``: the position of REF_AREA in the cells' keys; ``parents``: each area's parent.
    """
    if not cells:
        return []
    codes: list[_Ints] = []
    words: list[list[str]] = []
    for d in range(len(cells[0].key)):
        column = [cell.key[d] for cell in cells]
        vocabulary = sorted(set(column))
        rank = {code: r for r, code in enumerate(vocabulary)}
        codes.append(np.fromiter((rank[c] for c in column), np.int64, len(column)))
        words.append(vocabulary)
    return list(relations_among(np.stack(codes, axis=1), words, parents, area=area))


def relations_among(
    codes: np.ndarray[Any, np.dtype[np.int64]],
    words: Sequence[Sequence[str]],
    parents: dict[str, str],
    *,
    area: int,
) -> Relations:
    """`relations_of` cells given by their codes, as arrays.

    ``codes[i, d]`` is the rank of cell ``i``'s code on dimension ``d`` in ``words[d]``,
    that dimension's codes in sorted order (which may hold codes no cell has).
    """
    none = Relations.joined([])
    if not len(codes):
        return none
    columns = [np.ascontiguousarray(codes[:, d]) for d in range(codes.shape[1])]
    varying = [d for d, c in enumerate(columns) if c.min() != c.max()]
    if not varying:
        return none
    kept = _last_of_each_key([columns[d] for d in varying])
    if kept is not None:  # the same key twice (not a valid dataset): the last one counts
        return relations_among(codes[kept], words, parents, area=area).renumbered(kept)
    out: list[Relations] = []
    for d in varying:
        others = [columns[o] for o in varying if o != d]
        if d == area:
            out.append(_area_relations(columns[d], others, list(words[d]), parents))
        else:
            out.append(_total_relations(columns[d], others, list(words[d])))
    return Relations.joined(out)


def _last_of_each_key(columns: list[_Ints]) -> _Ints | None:
    """The cells to keep when some share a key (the last of each), or None when none do."""
    order = np.lexsort(columns[::-1])  # stable: equal keys stay in cell order
    last = np.ones(len(order), dtype=bool)
    if len(order) > 1:
        same = np.ones(len(order) - 1, dtype=bool)
        for column in columns:
            sorted_column = column[order]
            same &= sorted_column[1:] == sorted_column[:-1]
        last[:-1] = ~same
    if last.all():
        return None
    return np.sort(order[last])


def _buckets(own: _Ints, others: list[_Ints]) -> tuple[_Ints, _Ints]:
    """The cells in bucket order (the other dimensions' codes, then ``own``), and bucket starts.

    The codes are combined into one number per cell (mixed radix: its order is that of
    the codes, dimension after dimension), sorted once; when the number would not fit in
    64 bits, the codes are sorted as they are (``numpy.lexsort``), in the same order.
    """
    radices = [int(column.max()) + 1 for column in (*others, own)]
    if math.prod(radices) < 2**62:
        rest = np.zeros(len(own), dtype=np.int64)
        for column, radix in zip(others, radices, strict=False):
            rest = rest * radix + column
        order = np.argsort(rest * radices[-1] + own, kind="stable")
        ranked = rest[order]
        new = np.r_[True, ranked[1:] != ranked[:-1]]
        return order, np.flatnonzero(new)
    order = np.lexsort([own, *others[::-1]])
    new = np.zeros(len(order), dtype=bool)
    new[0] = True
    for column in others:
        sorted_column = column[order]
        new[1:] |= sorted_column[1:] != sorted_column[:-1]
    return order, np.flatnonzero(new)


def _total_relations(own: _Ints, others: list[_Ints], words: list[str]) -> Relations:
    """Each bucket with a ``_T`` cell and another: the ``_T`` cell is the total of the rest."""
    if "_T" not in words:
        return Relations.joined([])
    order, starts = _buckets(own, others)
    ends = np.append(starts[1:], len(order))
    # the _T cells (one per bucket at most: keys are unique) in buckets of two or more
    total_at = np.flatnonzero(own[order] == words.index("_T"))
    bucket = np.searchsorted(starts, total_at, side="right") - 1
    wide = ends[bucket] - starts[bucket] > 1
    total_at, first, after = total_at[wide], starts[bucket[wide]], ends[bucket[wide]]
    # each bucket's cells, its total moved to the front
    at = ranges(first, after)
    length = after - first
    nth, total = at - np.repeat(first, length), np.repeat(total_at - first, length)
    place = np.repeat(np.cumsum(length) - length, length)
    place += np.where(nth == total, 0, np.where(nth < total, nth + 1, nth))
    members = np.empty(len(at), np.int64)
    members[place] = order[at]
    return Relations(members, np.append(np.cumsum(length) - length, len(at)))


def _area_relations(
    own: _Ints, others: list[_Ints], words: list[str], parents: dict[str, str]
) -> Relations:
    """Each area of a bucket with its child areas in the bucket, in code order."""
    position = {code: r for r, code in enumerate(words)}
    parent = np.array([position.get(parents.get(code, ""), -1) for code in words], np.int64)
    order, starts = _buckets(own, others)
    bucket = np.zeros(len(order), dtype=np.int64)
    bucket[starts[1:]] = 1
    bucket = np.cumsum(bucket)
    area = own[order]
    # each cell's place among (bucket, area) pairs, sorted; and its parent's, if present
    place = bucket * len(words) + area
    child = np.flatnonzero(parent[area] >= 0)
    wanted = bucket[child] * len(words) + parent[area[child]]
    found = np.minimum(np.searchsorted(place, wanted), len(place) - 1)
    present = place[found] == wanted
    child, found = child[present], found[present]
    if not len(child):
        return Relations.joined([])
    # relations by bucket, then parent code; children in code order
    by = np.lexsort([area[child], area[found], bucket[child]])
    child, found = child[by], found[by]
    new = np.r_[True, found[1:] != found[:-1]]
    relation = np.cumsum(new) - 1
    heads = np.flatnonzero(new)  # each relation's first child
    members = np.empty(len(child) + len(heads), np.int64)
    members[heads + np.arange(len(heads))] = order[found[heads]]
    members[np.arange(len(child)) + relation + 1] = order[child]
    starts = np.append(heads + np.arange(len(heads)), len(members))
    return Relations(members, starts, repeats=bool((child == found).any()))

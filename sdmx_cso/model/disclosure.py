"""Statistical disclosure control: primary and secondary cell suppression, and its audit.

The people behind community data are often those most exposed to harm, and a published count
of 2 in a county can identify someone. This module protects a table of derived observations
(canonical schema) before it is written (standard.md §8.4, §8.6; domain research §7):

* **Primary suppression** (`primary_mask`): a cell that rests on a count ``1 ≤ n < threshold``
  (NUMERATOR, or the count a percentage implies, ``OBS_VALUE × SAMPLE_SIZE / 100``; and
  SAMPLE_SIZE itself) is withheld. The threshold is the policy's primary threshold (default
  5), or its sensitive threshold (default 10) for population groups marked sensitive.
* **Secondary suppression** (`protect_table`): cells are related when one is the total
  (``_T``) of others along a dimension, or an area is the parent of others (ward → county →
  country, through the code list's and the metadata's parent links). Within each *group* of
  cells that can be related (same FREQ, REPORTING_TYPE, SERIES, TIME_PERIOD and top-level
  area), a relation with exactly one withheld cell would give it away, so the smallest
  published cell of that relation is withheld too (smallest SAMPLE_SIZE, then NUMERATOR,
  then key: deterministic). Then the auditor (:mod:`sdmx_cso.model.audit`) tries to recover
  every withheld count by linear programming over everything published; while it can narrow
  one below the protection level, the smallest published cell related to it is withheld as
  well.

A withheld cell keeps its key; its value, NUMERATOR, SAMPLE_SIZE, bounds and free text are
removed, RELIABILITY becomes ``_Z`` and the sample-size flags go (they tell the size apart);
QUALITY_FLAGS gains ``SUPPRESSED_PRIMARY`` or ``SUPPRESSED_SECONDARY``, and OBS_STATUS /
CONF_STATUS follow from the flags (``Q`` with ``A`` or ``D``).

The outcome depends only on the rows of each group, never on their order or on how the
table was cut into batches, so the streaming pipeline and the whole-table path give the
same bytes.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise, repeat
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from sdmx_cso.model._base import CsoModel
from sdmx_cso.model.audit import Audited, Cell, CellInterval, Relation, Relations, audited
from sdmx_cso.model.config import DerivationConfig
from sdmx_cso.model.derive import comment_for_flags, conf_status, obs_status
from sdmx_cso.model.flags import QualityFlag
from sdmx_cso.model.metadata import DatasetMetadata, DisclosureControl
from sdmx_cso.model.relations import relations_among, relations_of
from sdmx_cso.standard import get_codelist, get_standard

__all__ = [
    "GROUP_DIMENSIONS",
    "DisclosureAudit",
    "DisclosurePolicy",
    "disclosure_policy",
    "group_keys",
    "primary_mask",
    "protect_table",
    "with_disclosure_metadata",
]

#: The dimensions a group of related cells shares (with the top-level area of REF_AREA).
GROUP_DIMENSIONS = ("FREQ", "REPORTING_TYPE", "SERIES", "TIME_PERIOD")
#: Flags that tell sample sizes apart: dropped from withheld cells.
_SIZE_FLAGS = frozenset({QualityFlag.SMALL_SAMPLE.value, QualityFlag.VERY_SMALL_SAMPLE.value})
_FLAG_ORDER = {flag.value: i for i, flag in enumerate(QualityFlag)}
_SEP = "\x1f"
#: The auditor's programs of up to this many unknowns are kept from one group to the next.
_SHARED_PROGRAM_SIZE = 8
#: Columns emptied in a withheld cell (everything that reveals its count).
_REMOVED = ("OBS_VALUE", "NUMERATOR", "SAMPLE_SIZE", "LOWER_BOUND", "UPPER_BOUND")

SECONDARY_METHOD = (
    "sdmx_cso smallest-cell-first complementary suppression over totals (_T) and area "
    "hierarchies, verified by a linear-programming audit (HiGHS)"
)


class DisclosurePolicy(CsoModel):
    """The disclosure-control policy applied to a dataset (standard.md §8.6).

    Built by `disclosure_policy` from `DerivationConfig` and the dataset's
    ``DISCLOSURE_CONTROL`` metadata: a threshold the metadata declares applies when it is
    stricter than the configured one, never when it is looser.
    """

    primary_threshold: int = Field(ge=2)
    """Cells resting on a count ``1 ≤ n <`` this are withheld (``SUPPRESSED_PRIMARY``)."""
    sensitive_threshold: int = Field(ge=2)
    """The primary threshold for population groups marked sensitive in CL_POP_GROUP."""
    protection_level: int | None = Field(default=None, ge=1)
    """Narrowest interval the audit may prove for a withheld count; default: the cell's
    threshold."""
    withhold_unreliable: bool = False
    """Withhold values resting on a ``VERY_SMALL_SAMPLE`` (OBS_STATUS ``L``) instead of
    publishing them with ``U``."""
    sensitive_area_level: str | None = "local"
    """Sensitive groups are not published for local areas (``local``: all of the dataset's
    LOCAL_AREAS; a LEVEL such as ``ward``: those of that level; ``None``: allowed): their
    cells are withheld and flagged ``GEO_COARSENED``."""
    secondary_method: str = SECONDARY_METHOD
    """How complementary cells are chosen."""

    def threshold(self, sensitive: bool) -> int:
        """The primary threshold of a cell."""
        return self.sensitive_threshold if sensitive else self.primary_threshold


def disclosure_policy(
    metadata: DatasetMetadata | None, config: DerivationConfig | None = None
) -> DisclosurePolicy:
    """The policy for a dataset: the configured thresholds, or the metadata's if stricter.

    Examples:
        >>> disclosure_policy(None).primary_threshold
        5
    """
    config = config or DerivationConfig()
    declared = metadata.disclosure_control if metadata is not None else None
    primary, sensitive = config.primary_threshold, config.sensitive_threshold
    if declared is not None:
        primary = max(primary, declared.primary_threshold or 0)
        sensitive = max(sensitive, declared.sensitive_threshold or 0)
    return DisclosurePolicy(
        primary_threshold=primary,
        sensitive_threshold=max(sensitive, primary),
        protection_level=config.protection_level,
        withhold_unreliable=config.withhold_unreliable,
        sensitive_area_level=config.sensitive_area_level,
    )


@cache
def _sensitive_groups() -> pa.Array:
    codes = [c.id for c in get_codelist("CL_POP_GROUP").codes if c.sensitive]
    return pa.array(codes, pa.string())


def _implied_counts(table: pa.Table) -> tuple[pa.Array, pa.Array]:
    """Each row's count (NUMERATOR, else the count a percentage implies) and SAMPLE_SIZE.

    Rows whose value carries no count (scores, indices) have a null count.
    """
    size = table.column("SAMPLE_SIZE").combine_chunks()
    numerator = table.column("NUMERATOR").combine_chunks()
    value = table.column("OBS_VALUE").combine_chunks()
    value = pc.if_else(pc.equal(value, ""), pa.scalar(None, pa.string()), value)
    number = pc.cast(value, pa.float64(), safe=False)
    percent = pc.equal(pc.fill_null(table.column("UNIT_MEASURE").combine_chunks(), ""), "PT")
    implied = pc.round(pc.divide(pc.multiply(number, pc.cast(size, pa.float64())), 100.0))
    implied = pc.if_else(percent, pc.cast(implied, pa.int64()), pa.scalar(None, pa.int64()))
    return pc.coalesce(numerator, implied), size


def _small(counts: pa.Array, threshold: pa.Array) -> pa.Array:
    return pc.fill_null(pc.and_(pc.greater_equal(counts, 1), pc.less(counts, threshold)), False)


def _sensitive(table: pa.Table) -> pa.Array:
    """Which rows are about a population group marked sensitive."""
    return pc.is_in(table.column("POP_GROUP").combine_chunks(), value_set=_sensitive_groups())


def _thresholds(table: pa.Table, policy: DisclosurePolicy) -> pa.Array:
    return pc.if_else(_sensitive(table), policy.sensitive_threshold, policy.primary_threshold)


def primary_mask(
    table: pa.Table, policy: DisclosurePolicy, metadata: DatasetMetadata | None = None
) -> pa.Array:
    """Which rows are withheld by the threshold rule (``SUPPRESSED_PRIMARY``).

    A row is withheld when its count, or its SAMPLE_SIZE when the value rests on a count,
    is at least 1 and below the row's threshold. Vectorised; row-local. With ``metadata``,
    a missing UNIT_MEASURE is taken from the coalition series' declaration (as derivation
    does), for tables not derived yet.
    """
    if table.num_rows == 0:
        return pa.array([], pa.bool_())
    if metadata is not None and metadata.series:
        codes = pa.array([s.code for s in metadata.series], pa.string())
        units = pa.array([s.unit for s in metadata.series], pa.string())
        declared = pc.take(units, pc.index_in(table.column("SERIES"), value_set=codes))
        unit = pc.coalesce(table.column("UNIT_MEASURE"), declared)
        table = table.set_column(table.schema.get_field_index("UNIT_MEASURE"), "UNIT_MEASURE", unit)
    counts, sizes = _implied_counts(table)
    threshold = _thresholds(table, policy)
    bears_count = pc.is_valid(counts)
    small = pc.or_(_small(counts, threshold), pc.and_(bears_count, _small(sizes, threshold)))
    return pc.fill_null(small, False)


def _area_parents(metadata: DatasetMetadata | None) -> dict[str, str]:
    parents = {c.id: c.parent for c in get_codelist("CL_AREA_CGD").codes if c.parent}
    if metadata is not None:
        parents.update({a.code: a.parent for a in metadata.local_areas if a.parent})
    return parents


def _root(area: str, parents: dict[str, str]) -> str:
    seen = {area}
    while area in parents and parents[area] not in seen:
        area = parents[area]
        seen.add(area)
    return area


def group_keys(table: pa.Table, metadata: DatasetMetadata | None) -> pa.Array:
    """Each row's group: the cells that may be related by totals share it."""
    parents = _area_parents(metadata)
    areas = table.column("REF_AREA").combine_chunks().dictionary_encode()
    roots = pa.array([_root(a, parents) for a in areas.dictionary.to_pylist()], pa.string())
    root = pc.take(roots, areas.indices)
    parts = [pc.fill_null(table.column(n).combine_chunks(), "") for n in GROUP_DIMENSIONS]
    return pc.binary_join_element_wise(*parts, root, _SEP)


@dataclass
class DisclosureAudit:
    """What disclosure control did to a dataset, and what the auditor could prove.

    ``intervals`` holds, for each withheld count, the narrowest interval the auditor could
    prove for it from everything published (an infinite upper bound: unbounded); the
    streaming pipeline keeps only the counts (``examined``, ``narrowest``, ``unprotected``).
    """

    policy: DisclosurePolicy
    primary: int = 0
    secondary: int = 0
    coarsened: int = 0
    withheld_unreliable: int = 0
    groups: int = 0
    intervals: list[CellInterval] = field(default_factory=list)
    examined: int = 0
    """How many withheld counts the auditor examined (all of them, kept or not)."""
    narrowest: float | None = None
    """The narrowest interval width proved for any withheld count (``None``: none)."""
    unprotected: int = 0
    """How many withheld counts the auditor could narrow below the protection level."""

    @property
    def protected(self) -> bool:
        """Whether every withheld count is protected (its interval is wide enough)."""
        return self.unprotected == 0

    def add_intervals(self, intervals: list[CellInterval], *, keep: bool = True) -> None:
        """Count in the intervals of one group (and keep them, unless ``keep`` is false)."""
        self.examined += len(intervals)
        self.unprotected += sum(not i.protected for i in intervals)
        widths = [i.width for i in intervals]
        if self.narrowest is not None:
            widths.append(self.narrowest)
        self.narrowest = min(widths) if widths else None
        if keep:
            self.intervals += intervals

    def add_audited(self, found: Audited, keys: list[tuple[str, ...]] | None) -> None:
        """Count in the auditor's intervals of one group; with the cells' ``keys``, keep them."""
        if keys is not None:
            self.add_intervals(found.intervals(keys))
            return
        widths = found.width
        self.examined += len(widths)
        self.unprotected += int(found.unprotected.sum())
        if len(widths):
            least = float(widths.min())
            self.narrowest = least if self.narrowest is None else min(self.narrowest, least)

    def merge(self, other: DisclosureAudit, *, keep: bool = True) -> None:
        """Take in the audit of other groups (``keep``: their intervals too)."""
        self.primary += other.primary
        self.secondary += other.secondary
        self.coarsened += other.coarsened
        self.withheld_unreliable += other.withheld_unreliable
        self.groups += other.groups
        self.examined += other.examined
        self.unprotected += other.unprotected
        if other.narrowest is not None:
            mine = self.narrowest
            self.narrowest = other.narrowest if mine is None else min(mine, other.narrowest)
        if keep:
            self.intervals += other.intervals

    def summary(self) -> str:
        """One paragraph for the reference metadata and the report."""
        narrow = self.narrowest
        proved = (
            "no withheld count"
            if narrow is None
            else (
                f"{self.examined} withheld counts, the narrowest interval proved "
                f"{'unbounded' if math.isinf(narrow) else f'{narrow:g} wide'}"
            )
        )
        verdict = "all protected" if self.protected else "NOT all protected"
        return (
            f"Cells withheld: {self.primary} by the threshold rule (primary: counts 1 to "
            f"{self.policy.primary_threshold - 1}, 1 to {self.policy.sensitive_threshold - 1} "
            f"for sensitive groups), {self.secondary} to protect them (secondary), "
            f"{self.coarsened} for small-area sensitive groups (geographic coarsening), "
            f"{self.withheld_unreliable} for reliability. Audit by linear programming (HiGHS) "
            f"over {self.groups} groups of related cells: {proved}; {verdict}."
        )


def protect_table(
    table: pa.Table,
    metadata: DatasetMetadata | None,
    policy: DisclosurePolicy,
    *,
    groups: pa.Array | None = None,
    keep_intervals: bool = True,
) -> tuple[pa.Table, DisclosureAudit]:
    """``table`` with the policy applied, and the audit.

    Every group of related cells must be whole in ``table`` (the whole dataset, or the
    complete groups of the streaming pipeline). ``groups``: the rows' `group_keys`, when
    already computed. ``keep_intervals``: whether the audit keeps every withheld count's
    interval (`DisclosureAudit.intervals`), or only counts them (the streaming pipeline:
    they would grow with the data).
    """
    audit = DisclosureAudit(policy=policy)
    if table.num_rows == 0:
        return table, audit
    primary = primary_mask(table, policy)
    coarse = _coarsened_mask(table, metadata, policy)
    withheld = pc.or_(primary, coarse)
    if groups is None:
        groups = group_keys(table, metadata)
    groups = groups.combine_chunks() if isinstance(groups, pa.ChunkedArray) else groups
    to_check = pc.unique(pc.filter(groups, withheld))
    secondary = np.zeros(table.num_rows, dtype=bool)
    if len(to_check):
        rows = pc.indices_nonzero(pc.is_in(groups, value_set=to_check)).to_numpy()
        if len(rows) == table.num_rows:  # every group has a withheld cell: no copy
            sub, sub_groups, sub_withheld = table, groups, withheld
        else:
            taken = pa.array(rows)
            sub, sub_groups, sub_withheld = (
                table.take(taken),
                groups.take(taken),
                withheld.take(taken),
            )
        by_group = _rows_by_group(sub_groups)
        sub_withheld = sub_withheld.to_numpy(zero_copy_only=False)
        codes, words = _key_codes(sub)
        cells = _cells(sub, (codes, words), keys=keep_intervals)
        parents = _area_parents(metadata)
        solved: dict[Any, list[tuple[float, float]]] = {}  # programs solved, of any group
        for members in by_group:
            chosen, found, order = _protect_group(
                [cells[i] for i in members],
                [bool(sub_withheld[i]) for i in members],
                policy,
                parents,
                solved,
                (codes[members], words),
            )
            # keep the small programs (they recur across groups), not the large ones
            solved = {k: v for k, v in solved.items() if k[0] <= _SHARED_PROGRAM_SIZE}
            audit.groups += 1
            keys = [cells[members[i]].key for i in order] if keep_intervals else None
            audit.add_audited(found, keys)
            for local in chosen:
                secondary[rows[members[local]]] = True
    unreliable = _unreliable_mask(table, policy)
    primary_np = primary.to_numpy(zero_copy_only=False)
    coarse_np = coarse.to_numpy(zero_copy_only=False) & ~primary_np
    secondary &= ~(primary_np | coarse_np)
    unreliable_np = unreliable.to_numpy(zero_copy_only=False) & ~(
        primary_np | coarse_np | secondary
    )
    audit.primary = int(primary_np.sum())
    audit.secondary = int(secondary.sum())
    audit.coarsened = int(coarse_np.sum())
    audit.withheld_unreliable = int(unreliable_np.sum())
    out = _apply(table, primary_np, secondary, coarse_np, unreliable_np)
    return out, audit


def _rows_by_group(groups: pa.Array) -> list[list[int]]:
    """The rows of each group, groups in the order of their keys, rows in order."""
    encoded = pc.dictionary_encode(pc.fill_null(groups, ""))
    by_key = pc.array_sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(by_key), dtype=np.int64)
    rank[by_key] = np.arange(len(by_key))
    group_of = rank[encoded.indices.to_numpy(zero_copy_only=False)]
    order = np.argsort(group_of, kind="stable")
    bounds = np.searchsorted(group_of[order], np.arange(len(by_key) + 1)).tolist()
    rows = order.tolist()
    return [rows[a:b] for a, b in pairwise(bounds)]


def _unreliable_mask(table: pa.Table, policy: DisclosurePolicy) -> pa.Array:
    if not policy.withhold_unreliable:
        return pa.array(np.zeros(table.num_rows, dtype=bool))
    flags = pc.fill_null(table.column("QUALITY_FLAGS"), "")
    has = pc.match_substring_regex(flags, r"(^| )VERY_SMALL_SAMPLE( |$)")
    value = pc.fill_null(pc.not_equal(table.column("OBS_VALUE"), ""), False)
    return pc.and_(has, value).combine_chunks()


def _coarsened_mask(
    table: pa.Table, metadata: DatasetMetadata | None, policy: DisclosurePolicy
) -> pa.Array:
    """Sensitive groups in areas of the level the policy keeps them from."""
    level = policy.sensitive_area_level
    if level is None or metadata is None:
        return pa.array(np.zeros(table.num_rows, dtype=bool))
    small = pa.array(
        [
            a.code
            for a in metadata.local_areas
            if level == "local" or (a.level or "").lower() == level.lower()
        ],
        pa.string(),
    )
    sensitive = pc.is_in(table.column("POP_GROUP"), value_set=_sensitive_groups())
    inside = pc.is_in(table.column("REF_AREA"), value_set=small)
    mask = pc.and_(sensitive, inside)
    return mask.combine_chunks() if isinstance(mask, pa.ChunkedArray) else mask


# --- secondary suppression -------------------------------------------------------------


def _cells(
    table: pa.Table, codes: tuple[np.ndarray[Any, Any], list[list[str]]], *, keys: bool = True
) -> list[Cell]:
    """The cells of ``table`` as the auditor sees them (true counts, key, threshold).

    ``codes``: the rows' `_key_codes`; the keys are made of its words, one string object
    per code rather than one per row and dimension. Without ``keys``, each cell's key is
    empty (secondary suppression works on the codes; only kept intervals need keys).
    """
    counts, sizes = _implied_counts(table)
    sensitive = _sensitive(table).to_pylist()
    if keys:
        matrix, words = codes
        columns = [[words[d][c] for c in matrix[:, d].tolist()] for d in range(len(words))]
        cell_keys: Any = zip(*columns, strict=True)
    else:
        cell_keys = repeat(())
    facts = zip(counts.to_pylist(), sizes.to_pylist(), sensitive, strict=True)
    return [
        Cell(key=k, count=c, size=s, sensitive=bool(sen))
        for k, (c, s, sen) in zip(cell_keys, facts, strict=False)  # keys: maybe endless
    ]


def _key_dimensions() -> list[str]:
    """The dimensions of a cell's key: the DSD's, less those its group shares."""
    return [d for d in get_standard().dsd.dimension_ids if d not in GROUP_DIMENSIONS]


def _area_position() -> int:
    return _key_dimensions().index("REF_AREA")


def _key_codes(table: pa.Table) -> tuple[np.ndarray[Any, Any], list[list[str]]]:
    """The rows' keys as codes, and each key dimension's codes in sorted order.

    ``codes[i, d]`` is the rank of row ``i``'s code on the ``d``-th key dimension among
    that dimension's codes (``words[d]``, sorted as Python sorts strings: UTF-8 bytes sort
    in the same order).
    """
    columns: list[np.ndarray[Any, Any]] = []
    words: list[list[str]] = []
    for name in _key_dimensions():
        column = pc.fill_null(table.column(name).combine_chunks(), "")
        encoded = pc.dictionary_encode(column)
        by_code = pc.array_sort_indices(encoded.dictionary).to_numpy()
        rank = np.empty(len(by_code), dtype=np.int64)
        rank[by_code] = np.arange(len(by_code))
        columns.append(rank[encoded.indices.to_numpy(zero_copy_only=False)])
        words.append(encoded.dictionary.take(pa.array(by_code)).to_pylist())
    return np.stack(columns, axis=1), words


def _relations(
    cells: list[Cell], parents: dict[str, str], *, area: int | None = None
) -> list[Relation]:
    """Totals and their parts among ``cells`` (:func:`~sdmx_cso.model.relations.relations_of`).

    ``area``: the position of REF_AREA in the cells' keys (default: the DSD's, less the
    group dimensions before it).
    """
    return relations_of(cells, parents, area=_area_position() if area is None else area)


def _size_order(cell: Cell) -> tuple[int, int, tuple[str, ...]]:
    big = 1 << 62
    return (
        cell.size if cell.size is not None else big,
        cell.count if cell.count is not None else big,
        cell.key,
    )


def _by_size(cells: list[Cell], codes: np.ndarray[Any, Any] | None) -> list[int]:
    """The cells' indices, smallest first (`_size_order`); with the keys' ``codes``, by numpy.

    The codes sort as the keys do, so they stand for the keys (which the cells may lack).
    """
    if codes is None:
        return sorted(range(len(cells)), key=lambda i: _size_order(cells[i]))
    big = 1 << 62
    try:
        sizes = np.fromiter((big if c.size is None else c.size for c in cells), np.int64)
        counts = np.fromiter((big if c.count is None else c.count for c in cells), np.int64)
    except OverflowError:  # a count beyond 64 bits: Python's integers sort it
        rows = codes.tolist()
        return sorted(range(len(cells)), key=lambda i: (*_size_order(cells[i])[:2], rows[i]))
    keys = [codes[:, d] for d in reversed(range(codes.shape[1]))]
    return list(np.lexsort([*keys, counts, sizes]).tolist())


def _protect_group(
    cells: list[Cell],
    withheld: list[bool],
    policy: DisclosurePolicy,
    parents: dict[str, str],
    solved: dict[Any, list[tuple[float, float]]] | None = None,
    codes: tuple[np.ndarray[Any, Any], list[list[str]]] | None = None,
) -> tuple[list[int], Audited, list[int]]:
    """The cells to withhold besides ``withheld`` (indices), the final audit, and its order.

    The audit's cells are numbered smallest first: its ``i``-th is ``cells[order[i]]``.
    ``solved``: the auditor's programs already solved (`audit_group`), updated; ``codes``:
    the cells' keys as `_key_codes` gives them, when at hand.
    """
    order = _by_size(cells, None if codes is None else codes[0])
    cells = [cells[i] for i in order]
    hidden = [withheld[i] for i in order]
    if codes is None:
        relations = Relations.of(_relations(cells, parents))
    else:
        relations = relations_among(codes[0][order], codes[1], parents, area=_area_position())
    protection = [policy.protection_level or policy.threshold(c.sensitive) for c in cells]
    solved = {} if solved is None else solved
    while True:
        withheld_in = _complete_relations(cells, hidden, relations)
        live = relations.select(np.asarray(withheld_in, np.int64) > 0)
        found = audited(cells, hidden, live, protection, solved=solved)
        failing = np.unique(found.cell[found.unprotected]).tolist()
        widened = False
        for cell in failing:  # one more cell for each, then audit again
            widened = _widen(cell, cells, hidden, relations) or widened
        if not widened:
            break
    added = [order[i] for i in range(len(cells)) if hidden[i] and not withheld[order[i]]]
    return sorted(added), found, order


def _complete_relations(
    cells: list[Cell], hidden: list[bool], relations: Relations | list[Relation]
) -> list[int]:
    """Withhold the smallest published cell of each relation with exactly one withheld.

    Returns how many members of each relation are withheld then (the auditor needs only
    the relations with some).

    Sweeps the relations in order, again and again until a sweep changes nothing; a sweep
    looks only at the relations a cell withheld since their last look belongs to (the
    others would not act), in the same order, so the outcome is that of full sweeps in a
    time that grows with the relations, not with relations × sweeps. Each relation's count
    of withheld members is kept up to date, so looking at a relation of many parts (the
    service points of a county) does not count them again each time one is withheld.
    """
    relations = Relations.of(relations)
    if not len(relations):
        return []
    owners, bounds = relations.by_member(len(hidden))
    members, starts = relations.members.tolist(), relations.starts.tolist()
    is_hidden = np.fromiter(hidden, bool, len(hidden))
    # each relation's withheld members, kept up to date
    withheld: list[int] = np.add.reduceat(
        is_hidden[relations.members].astype(np.int64), relations.starts[:-1]
    ).tolist()
    # a heap of the relations to look at in this sweep (only one withheld can act)
    sweep = [r for r, n in enumerate(withheld) if n == 1]
    queued = set(sweep)
    later: set[int] = set()  # and in the next
    while sweep:
        while sweep:
            r = heapq.heappop(sweep)
            queued.discard(r)
            if withheld[r] != 1:
                continue
            total, first, after = members[starts[r]], starts[r] + 1, starts[r + 1]
            published = [m for m in members[first:after] if not hidden[m]] or [total]
            cell = min(published)  # cells are sorted smallest first
            hidden[cell] = True
            for other in owners[bounds[cell] : bounds[cell + 1]]:
                withheld[other] += 1
                if other <= r:
                    later.add(other)
                elif other not in queued:
                    heapq.heappush(sweep, other)
                    queued.add(other)
        sweep = sorted(later)
        queued, later = set(sweep), set()
    return withheld


def _widen(cell: int, cells: list[Cell], hidden: list[bool], relations: Relations) -> bool:
    """Withhold the smallest published cell related to ``cell`` or to a withheld neighbour."""
    members, owners = relations.members, relations.owners
    is_hidden = np.fromiter(hidden, bool, len(hidden))
    published = ~is_hidden[members]
    mine = np.zeros(len(relations), bool)
    mine[owners[members == cell]] = True
    near = members[mine[owners] & published]
    if not len(near):
        some = np.zeros(len(relations), bool)
        some[owners[~published]] = True
        near = members[some[owners] & published]
    if not len(near):
        return False
    hidden[int(near.min())] = True
    return True


# --- applying it -----------------------------------------------------------------------


def _flags_after(given: str | None, primary: bool, coarse: bool, hidden: bool) -> list[str]:
    """The QUALITY_FLAGS of a withheld (or reliability-withheld) cell, in canonical order."""
    present = set((given or "").split())
    if hidden:
        present -= _SIZE_FLAGS
        if primary:
            present.add(QualityFlag.SUPPRESSED_PRIMARY.value)
        elif coarse:
            present |= {QualityFlag.GEO_COARSENED.value, QualityFlag.SUPPRESSED_PRIMARY.value}
        else:
            present.add(QualityFlag.SUPPRESSED_SECONDARY.value)
    return sorted(present, key=lambda f: (_FLAG_ORDER.get(f, 99), f))


def _apply(
    table: pa.Table,
    primary: np.ndarray[Any, Any],
    secondary: np.ndarray[Any, Any],
    coarse: np.ndarray[Any, Any],
    unreliable: np.ndarray[Any, Any],
) -> pa.Table:
    hidden = primary | secondary | coarse
    touched = hidden | unreliable
    if not touched.any():
        return table
    rows = np.nonzero(touched)[0]
    idx = pa.array(rows)
    mask = pa.array(touched)
    cols: dict[str, Any] = {name: table.column(name) for name in table.column_names}
    flags = table.column("QUALITY_FLAGS").take(idx).to_pylist()
    statuses: list[str] = []
    confs: list[str | None] = []
    comments: list[str | None] = []
    reliab: list[str | None] = []
    new_flags: list[str | None] = []
    old_conf = table.column("CONF_STATUS").take(idx).to_pylist()
    old_rel = table.column("RELIABILITY").take(idx).to_pylist()
    old_comment = table.column("COMMENT_OBS").take(idx).to_pylist()
    # few distinct inputs (flags given × why withheld): each worked out once
    outcomes: dict[
        tuple[str | None, bool, bool, bool], tuple[str | None, str, str, str | None]
    ] = {}
    for j, row in enumerate(rows):
        given = (flags[j], bool(primary[row]), bool(coarse[row]), bool(hidden[row]))
        if (outcome := outcomes.get(given)) is None:
            ordered = _flags_after(*given)
            outcome = outcomes[given] = (
                " ".join(ordered) or None,
                obs_status(ordered, value_missing=True),
                conf_status(ordered),
                comment_for_flags(ordered),
            )
        new_flags.append(outcome[0])
        statuses.append(outcome[1])
        confs.append(outcome[2] if given[3] else old_conf[j])
        reliab.append("_Z" if given[3] else old_rel[j])
        comments.append(outcome[3] if given[3] else old_comment[j])

    def put(name: str, values: list[Any]) -> None:
        col = cols[name]
        col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        cols[name] = pc.replace_with_mask(col, mask, pa.array(values, col.type))

    put("QUALITY_FLAGS", new_flags)
    put("OBS_STATUS", statuses)
    put("CONF_STATUS", confs)
    put("RELIABILITY", reliab)
    put("COMMENT_OBS", comments)
    cleared = pa.array(hidden)
    withheld = pa.array(hidden | unreliable)
    for name in _REMOVED:  # a value withheld for reliability keeps its sample size
        col = cols[name]
        gone = cleared if name == "SAMPLE_SIZE" else withheld
        cols[name] = pc.if_else(gone, pa.scalar(None, col.type), col)
    detail = cols["SOURCE_DETAIL"]
    stripped = pc.replace_substring_regex(detail, r", n=[0-9]+$", "")
    cols["SOURCE_DETAIL"] = pc.if_else(cleared, stripped, detail)
    return pa.Table.from_arrays([cols[n] for n in table.column_names], schema=table.schema)


def with_disclosure_metadata(metadata: DatasetMetadata, audit: DisclosureAudit) -> DatasetMetadata:
    """``metadata`` whose ``DISCLOSURE_CONTROL`` states the policy applied and its audit.

    The thresholds become those applied; SECONDARY_METHOD keeps what the dataset declared
    and adds the method used and the audit's summary; GEO_COARSENING states the level
    withheld for sensitive groups when the policy sets one.
    """
    declared = metadata.disclosure_control or DisclosureControl()
    policy = audit.policy
    method = f"{policy.secondary_method}. {audit.summary()}"
    if declared.secondary_method:
        method = f"{declared.secondary_method.rstrip()} Applied: {method}"
    geo = declared.geo_coarsening
    if policy.sensitive_area_level and audit.coarsened:
        level = policy.sensitive_area_level
        where = "local areas" if level == "local" else f"local areas of level {level}"
        rule = f"Sensitive population groups are not published for {where}."
        geo = f"{geo.rstrip()} {rule}" if geo else rule
    control = declared.model_copy(
        update={
            "primary_threshold": policy.primary_threshold,
            "sensitive_threshold": policy.sensitive_threshold,
            "secondary_method": method,
            "geo_coarsening": geo,
        }
    )
    return metadata.model_copy(update={"disclosure_control": control})

"""Keys: duplicate observations, and series-level attributes that differ within a series.

Both checks compare rows across the whole submission, which the batch pipeline never holds:
`KeyIndex` remembers what they need in bounded structures instead of the rows. Per
observation it keeps a 64-bit hash of the key, the row number and a hash of OBS_VALUE
(24 bytes, however wide the key; `sdmx_cso.validation.rules.hashes`); per series and series
attribute, the first row and the value (as a small integer: these attributes have few
distinct values). Rows are added a batch at a time; the issues come at the end, in row
order. A whole table is simply one batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.standard import get_standard
from sdmx_cso.validation.report import Issue
from sdmx_cso.validation.rules.context import RuleContext
from sdmx_cso.validation.rules.hashes import combine, row_hashes, text_hashes

__all__ = ["KeyIndex", "check"]

Ints = np.ndarray[Any, np.dtype[np.int64]]


def check(ctx: RuleContext) -> Iterator[Issue]:
    """Duplicate keys and inconsistent series attributes of one whole table."""
    index = KeyIndex()
    index.add(ctx, ctx.spreadsheet_rows())
    yield from index.issues()


@dataclass(frozen=True)
class _Finding:
    """A series whose attribute differs: at ``row``, from the value of its ``first`` row."""

    row: int
    first: int
    text: str | None
    before: str | None

    def shifted(self, offset: int, first: int | None = None) -> _Finding:
        first = self.first + offset if first is None else first
        return _Finding(self.row + offset, first, self.text, self.before)


@dataclass
class _FirstValues:
    """For one series attribute: each series' first row and value, and series reported."""

    keys: np.ndarray[Any, np.dtype[np.uint64]] = field(
        default_factory=lambda: np.zeros(0, np.uint64)
    )
    rows: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    values: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    ids: dict[str | None, int] = field(default_factory=dict)
    texts: list[str | None] = field(default_factory=list)
    found: dict[int, _Finding] = field(default_factory=dict)

    def value_id(self, text: str | None) -> int:
        """The small integer that stands for ``text``."""
        if text not in self.ids:
            self.ids[text] = len(self.texts)
            self.texts.append(text)
        return self.ids[text]

    def value_ids(self, column: pa.Array) -> Ints:
        encoded = pc.dictionary_encode(column)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        local = [self.value_id(text) for text in encoded.dictionary.to_pylist()]
        mapping = np.array([*local, self.value_id(None)], dtype=np.int64)
        indices = np.asarray(encoded.indices.fill_null(len(local)), dtype=np.int64)
        return mapping[indices]


class KeyIndex:
    """Duplicate keys and series attributes across batches, without keeping the rows."""

    def __init__(self) -> None:
        self._observations: list[np.ndarray[Any, np.dtype[np.uint64]]] = []
        self._rows: list[Ints] = []
        self._values: list[np.ndarray[Any, np.dtype[np.uint64]]] = []
        self._first: dict[str, _FirstValues] = {}
        self._where: _Where | None = None

    def add(self, ctx: RuleContext, indices: Ints) -> None:
        """Take in one batch: ``ctx`` over its table, ``indices`` its spreadsheet rows."""
        self._where = self._where or _Where(ctx.data_file, dict(ctx.columns))
        dsd = get_standard().dsd
        if not {"SERIES", "REF_AREA", dsd.time_dimension.id} <= ctx.present:
            return  # a key column is missing: reported as missing-column
        table = ctx.table
        if table.num_rows == 0:
            return
        keep = _valid_rows(ctx)
        series = row_hashes([table.column(d) for d in dsd.dimension_ids])
        observation = combine(series, text_hashes(table.column(dsd.time_dimension.id)))
        self._observations.append(observation[keep])
        self._rows.append(indices[keep])
        self._values.append(text_hashes(table.column("OBS_VALUE"))[keep])
        for attr in (a.id for a in dsd.attributes_at("series")):
            if attr in ctx.present:
                self._series_attribute(ctx, attr, series[keep], indices[keep], keep)

    def issues(self) -> list[Issue]:
        """Every issue found, in row order (duplicates before attributes on a row)."""
        if self._where is None:
            return []
        found = [*self._duplicates(self._where), *self._attribute_issues(self._where)]
        found.sort(key=lambda pair: pair[0])
        return [issue for _, issue in found]

    def merge(self, other: KeyIndex, offset: int) -> None:
        """Take in the index of the rows that follow, numbered from their own file's start.

        ``offset`` (the rows before them) makes their row numbers this index's. The result
        is the index one pass over all the rows would have built.
        """
        self._where = self._where or other._where
        self._observations += other._observations
        self._rows += [rows + offset for rows in other._rows]
        self._values += other._values
        for attr, theirs in other._first.items():
            self._merge_attribute(self._first.setdefault(attr, _FirstValues()), theirs, offset)

    @staticmethod
    def _merge_attribute(mine: _FirstValues, theirs: _FirstValues, offset: int) -> None:
        position = np.searchsorted(mine.keys, theirs.keys)
        at = np.minimum(position, max(len(mine.keys) - 1, 0))
        known = np.zeros(len(theirs.keys), dtype=bool)
        if len(mine.keys):
            known = (position < len(mine.keys)) & (mine.keys[at] == theirs.keys)
        for j in np.flatnonzero(known).tolist():
            key, i = int(theirs.keys[j]), int(at[j])
            if key in mine.found:
                continue  # reported at an earlier row already
            before, text = mine.texts[mine.values[i]], theirs.texts[theirs.values[j]]
            first = int(mine.rows[i])
            if text != before:  # their first row already differs from our first row
                mine.found[key] = _Finding(int(theirs.rows[j]) + offset, first, text, before)
            elif key in theirs.found:  # a later row differs from their first, ours too
                mine.found[key] = theirs.found[key].shifted(offset, first)
        fresh = ~known
        for key in theirs.keys[fresh].tolist():
            if key in theirs.found:
                mine.found[key] = theirs.found[key].shifted(offset)
        ids = np.array([mine.value_id(text) for text in theirs.texts], dtype=np.int64)
        keys = np.concatenate([mine.keys, theirs.keys[fresh]])
        order = np.argsort(keys, kind="stable")
        mine.keys = keys[order]
        mine.rows = np.concatenate([mine.rows, theirs.rows[fresh] + offset])[order]
        values = ids[theirs.values[fresh]] if len(ids) else theirs.values[fresh]
        mine.values = np.concatenate([mine.values, values])[order]

    def _attribute_issues(self, ctx: _Where) -> Iterator[tuple[int, Issue]]:
        for attr, state in self._first.items():
            for finding in state.found.values():
                yield (
                    finding.row,
                    _issue(
                        ctx,
                        "series-attribute-differs",
                        f"{attr} is a series attribute: {finding.text!r} here, but "
                        f"{finding.before!r} in row {finding.first} of the same series",
                        row=finding.row,
                        column=attr,
                        value=finding.text,
                    ),
                )

    def _duplicates(self, ctx: _Where) -> Iterator[tuple[int, Issue]]:
        if not self._observations:
            return
        keys = np.concatenate(self._observations)
        self._observations = [keys]
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        repeated = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1  # equal to the one before
        del ordered
        if not len(repeated):
            return
        rows = np.concatenate(self._rows)
        values = np.concatenate(self._values)
        for position in repeated.tolist():
            start = position
            while start > 0 and keys[order[start - 1]] == keys[order[position]]:
                start -= 1
            first_at, at = order[start], order[position]
            first, row = int(rows[first_at]), int(rows[at])
            same = values[at] == values[first_at]
            verdict = "with the same OBS_VALUE" if same else "with a different OBS_VALUE"
            yield (
                row,
                _issue(
                    ctx,
                    "duplicate-key",
                    f"the same series key and TIME_PERIOD as row {first}, {verdict}",
                    row=row,
                ),
            )

    def _series_attribute(
        self,
        ctx: RuleContext,
        attr: str,
        series: np.ndarray[Any, np.dtype[np.uint64]],
        indices: Ints,
        keep: np.ndarray[Any, np.dtype[np.bool_]],
    ) -> None:
        state = self._first.setdefault(attr, _FirstValues())
        values = state.value_ids(pc.filter(ctx.table.column(attr), pa.array(keep)))
        # the first row and value of each series: known ones, then those new in this batch
        position = np.searchsorted(state.keys, series)
        known = position < len(state.keys)
        known[known] = state.keys[position[known]] == series[known]
        new_keys, first_in_batch, inverse = np.unique(
            series, return_index=True, return_inverse=True
        )
        at = np.minimum(position, max(len(state.keys) - 1, 0))
        before_rows = state.rows[at] if len(state.keys) else 0
        before_values = state.values[at] if len(state.keys) else 0
        first_row = np.where(known, before_rows, indices[first_in_batch][inverse])
        first_value = np.where(known, before_values, values[first_in_batch][inverse])
        for i in np.flatnonzero(values != first_value).tolist():
            key = int(series[i])
            if key not in state.found:
                text, before = state.texts[values[i]], state.texts[first_value[i]]
                state.found[key] = _Finding(int(indices[i]), int(first_row[i]), text, before)
        # the series new in this batch go in at their places (sorted, as np.unique gives
        # them): a merge, not a sort of every series seen for every batch, which grew as
        # batches × series on data of many series (issue #16)
        fresh = ~known[first_in_batch]
        at = np.searchsorted(state.keys, new_keys[fresh])
        state.keys = np.insert(state.keys, at, new_keys[fresh])
        state.rows = np.insert(state.rows, at, indices[first_in_batch][fresh])
        state.values = np.insert(state.values, at, values[first_in_batch][fresh])


@dataclass(frozen=True)
class _Where:
    """Where the issues are: the data file, and the headers as typed."""

    data_file: str
    columns: dict[str, str]


def _issue(
    ctx: RuleContext | _Where,
    code: str,
    message: str,
    *,
    row: int,
    column: str | None = None,
    value: str | None = None,
) -> Issue:
    """An issue at a spreadsheet ``row`` of the data file."""
    return Issue.make(
        code,
        message,
        file=ctx.data_file,
        row=row,
        column=None if column is None else ctx.columns.get(column, column),
        value=value,
    )


def _valid_rows(ctx: RuleContext) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """True for rows without cell errors (rules that compare rows leave the others out)."""
    keep = np.ones(ctx.table.num_rows, dtype=bool)
    if ctx.invalid_rows:
        keep[np.fromiter(ctx.invalid_rows, dtype=np.int64)] = False
    return keep

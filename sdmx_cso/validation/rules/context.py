"""What a rule sees: the table (text), typed numbers, the metadata, and row numbering."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.model import DatasetMetadata
from sdmx_cso.model.columns import DECIMAL_PATTERN
from sdmx_cso.model.register import Register
from sdmx_cso.validation.report import Issue

__all__ = ["RuleContext"]


@dataclass
class RuleContext:
    """The submission as rules see it.

    Attributes:
        table: text columns by concept ID, every column of the DSD present (defaults filled).
        metadata: the metadata model, or ``None`` when the metadata file is invalid.
        row_number: spreadsheet row number of a table row index.
        data_file: the data file, for issue locations.
        metadata_file: the metadata file.
        columns: concept ID → header as typed.
        invalid_rows: rows (table indices) with a cell that failed its own check; rules that
            compare rows leave them out, so that one mistake is reported once.
        rows: the spreadsheet row number of every table row, when the caller has them as an
            array (else `row_number` gives them one by one).
        register: the coalition's register (``None``: the one packaged for the agency).
        first_batch: whether the table is the first (or only) batch of the submission:
            checks of the metadata alone run then, not again for every batch.
    """

    table: pa.Table
    metadata: DatasetMetadata | None
    row_number: Callable[[int], int]
    data_file: str
    metadata_file: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    invalid_rows: frozenset[int] = frozenset()
    rows: np.ndarray[Any, np.dtype[np.int64]] | None = None
    register: Register | None = None
    first_batch: bool = True
    _numbers: dict[str, pa.Array] = field(default_factory=dict, repr=False)

    def number(self, name: str) -> pa.Array:
        """Column ``name`` as float64; null where empty or not a number."""
        if name not in self._numbers:
            col = self.table.column(name)
            if not pa.types.is_string(col.type):
                col = pc.cast(col, pa.string())
            ok = pc.fill_null(pc.match_substring_regex(col, DECIMAL_PATTERN), False)
            safe = pc.if_else(ok, col, None)
            self._numbers[name] = pc.cast(safe, pa.float64()).combine_chunks()
        return self._numbers[name]

    def spreadsheet_rows(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        """The spreadsheet row number of every table row, as an array."""
        if self.rows is None:
            n = self.table.num_rows
            self.rows = np.fromiter((self.row_number(i) for i in range(n)), np.int64, n)
        return self.rows

    @cached_property
    def present(self) -> frozenset[str]:
        """Columns the submission gave (not filled in by defaults)."""
        return frozenset(self.columns)

    def issue(self, code: str, message: str, *, row: int | None = None, column: str | None = None,
              value: object = None) -> Issue:  # fmt: skip
        """An issue located in the data file (``row`` is a table index)."""
        return Issue.make(
            code,
            message,
            file=self.data_file,
            row=None if row is None else self.row_number(row),
            column=None if column is None else self.columns.get(column, column),
            value=None if value is None else str(value),
        )

    def metadata_issue(self, code: str, message: str, *, column: str | None = None) -> Issue:
        """An issue located in the metadata file."""
        return Issue.make(code, message, file=self.metadata_file, column=column)

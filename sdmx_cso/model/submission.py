"""A raw submission: what a reader found, before validation.

Readers (`sdmx_cso.io`) turn files into a `RawSubmission`: a table of text
columns exactly as typed, the metadata mapping as parsed, and where each came from. The
validator turns it into a report, and a valid one into a `CommunityDataset`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

__all__ = ["RawSubmission", "ReadProblem"]


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """A problem a reader met in a file it could otherwise read (e.g. a ragged row)."""

    code: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    file: str | None = None
    severity: str = "error"


@dataclass(frozen=True)
class RawSubmission:
    """A submission as read: text columns, parsed metadata, and their sources.

    Attributes:
        table: one text column per header cell, named by the normalised concept ID
            (upper case, surrounding spaces removed); empty cells are null.
        metadata: the metadata file's mapping, keys upper-cased at every level.
        data_file: where the table came from (shown in messages).
        metadata_file: where the metadata came from.
        columns: normalised name → the header text as typed.
        first_row: the spreadsheet row number of the table's first data row (header = 1).
        row_numbers: spreadsheet row numbers of the table's rows when they are not
            consecutive (rows a reader dropped, e.g. blank or ragged ones).
        problems: problems found while reading.
    """

    table: pa.Table
    metadata: Mapping[str, Any]
    data_file: str
    metadata_file: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    first_row: int = 2
    row_numbers: tuple[int, ...] | None = None
    problems: tuple[ReadProblem, ...] = ()

    def row_number(self, index: int) -> int:
        """The spreadsheet row number (header = 1) of the table row at ``index``."""
        if self.row_numbers is not None:
            return self.row_numbers[index]
        return self.first_row + index

"""The fast path for clean CSV files: Arrow's parser, vectorised clean-up.

Used when every row has as many cells as the header and no row is blank; otherwise the
caller falls back to the exact row-by-row reader, which numbers ragged and blank rows as a
spreadsheet does. Both paths give the same table and the same warnings.
"""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from sdmx_cso.model.submission import ReadProblem

__all__ = ["clean_columns", "parse_text_csv", "read_clean_csv"]


def read_clean_csv(
    utf8: bytes, *, names: list[str], delimiter: str, path: str, free_text: frozenset[str]
) -> tuple[pa.Table, list[ReadProblem]] | None:
    """Parse ``utf8`` (header included) with Arrow; ``None`` when it is not clean.

    Args:
        utf8: the file as UTF-8 bytes, without a BOM.
        names: the normalised header names (unique, non-empty).
        delimiter: the delimiter.
        path: the file, for warnings.
        free_text: columns where surrounding spaces are not worth a warning.
    """
    parsed = parse_text_csv(io.BytesIO(utf8), names=names, delimiter=delimiter, skip_rows=1)
    if parsed is None:
        return None
    table, unclean = parsed
    if unclean:
        return None  # ragged or blank rows: the exact reader numbers them
    cleaned = clean_columns(table, names=names, path=path, free_text=free_text, first_row=2)
    if cleaned is None:
        return None
    columns, problems = cleaned
    return pa.Table.from_arrays(columns, names=names), problems


def parse_text_csv(
    source: object, *, names: list[str], delimiter: str, skip_rows: int = 0
) -> tuple[pa.Table, list[object]] | None:
    """Arrow's parse of CSV as text columns, cells as they are, and the rows it skipped.

    Line breaks may be inside quoted values; blank lines and rows of another width are
    skipped and returned (the exact reader numbers them). ``None`` when Arrow cannot parse
    it (invalid UTF-8, an unterminated quote…).
    """
    unclean: list[object] = []

    def skip(row: object) -> str:
        unclean.append(row)
        return "skip"

    # Without threads: when Arrow's threaded reader fails (a 50 MB row straddles its blocks),
    # its tasks still in flight can abort the interpreter's teardown ("terminate called
    # without an active exception", apache/arrow#43604): 6 of 226 refusals of a 50 MB cell
    # aborted with threads, none of 180 without (scripts/repro_teardown_abort.py). The
    # streamed blocks (2 MiB) are one Arrow block each, so threads did not make them faster.
    try:
        table = pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=skip_rows, block_size=1 << 22, use_threads=False
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=skip,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    return table, unclean


def clean_columns(
    table: pa.Table, *, names: list[str], path: str, free_text: frozenset[str], first_row: int
) -> tuple[list[pa.ChunkedArray], list[ReadProblem]] | None:
    """Trim every cell and make empty ones null; ``None`` if a row is blank.

    Surrounding spaces removed from a code column are a warning (``stray-whitespace``) at
    the cell's spreadsheet row (``first_row`` is the row of the table's first row).
    """
    problems: list[ReadProblem] = []
    columns = []
    for name in names:
        col = table.column(name)
        trimmed = pc.utf8_trim_whitespace(col)
        if name not in free_text:
            changed = pc.and_(pc.not_equal(trimmed, col), pc.not_equal(trimmed, ""))
            for row in pc.indices_nonzero(changed).to_pylist() if len(changed) else []:
                value = trimmed[row].as_py()
                problems.append(
                    ReadProblem(
                        "stray-whitespace",
                        f"spaces around {value!r} were removed",
                        row=row + first_row,
                        column=name,
                        value=value,
                        file=path,
                        severity="warning",
                    )
                )
        columns.append(pc.if_else(pc.equal(trimmed, ""), None, trimmed))
    if table.num_rows and _any_blank_row(columns):
        return None
    problems.sort(key=lambda p: p.row or 0)
    return columns, problems


def _any_blank_row(columns: list[pa.ChunkedArray]) -> bool:
    """Whether some row has no value at all (the exact reader numbers those)."""
    present = pc.is_valid(columns[0])
    for col in columns[1:]:
        present = pc.or_(present, pc.is_valid(col))
    return not pc.all(present).as_py()

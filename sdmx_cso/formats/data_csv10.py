"""SDMX-CSV 1.0 data messages, and the CSV engine shared with SDMX-CSV 2.0.

Layout written (``labels=id``, ``timeFormat=original``, the spec's defaults)::

    DATAFLOW,FREQ,REPORTING_TYPE,…,SERVICE_POINT,TIME_PERIOD,OBS_VALUE,OBS_STATUS,…,DATA_PRODUCER
    LNOB:DF_CGD_SURVEY(1.0.0),A,N,…,_T,2023,12.50,A,…,KE_ORG

- ``DATAFLOW`` first, valued ``AGENCY:DATAFLOW_ID(VERSION)`` (`DatasetStructure.dataflow_ref`);
  then every dimension in DSD order, ``TIME_PERIOD``, ``OBS_VALUE``, then **every** attribute
  of the DSD in DSD order, as the spec asks of streaming writers (columns of unused attributes
  are empty). Series- and dataset-level attributes are repeated on every row.
- UTF-8 without a byte-order mark; comma separator (the 9th character of the message);
  records end with CRLF, as RFC 4180 (which SDMX-CSV is based on) prescribes; fields are quoted
  only when they hold a comma, a double quote, CR or LF, and inner quotes are doubled.
- Values are written as they are stored: ``OBS_VALUE`` and the bounds keep their exact decimal
  text (``12.50``), SAMPLE_SIZE and NUMERATOR are whole numbers, and an absent value (or empty
  text) is an empty field.
- SDMX-CSV 1.0 goes with SDMX 2.1, whose attributes hold one value: ``QUALITY_FLAGS`` is the
  one space-separated string of codes (standard.md §8.1 rule 4).

Rows are written in the dataset's order, one record batch at a time (`series.BATCH_ROWS`
rows): each column becomes CSV field text vectorised (quoting included), the fields of a row
are joined in Arrow, and only whole lines reach Python; memory does not grow with the number
of observations beyond the table itself.

`read` reads SDMX-CSV 1.0 and 2.0 alike (the first header field tells them apart) and is also
used by :mod:`sdmx_cso.formats.data_csv20`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.errors import ReadError
from sdmx_cso.formats._buffers import any_bytes_in, utf8_of
from sdmx_cso.formats.neutral import to_canonical
from sdmx_cso.formats.series import BATCH_ROWS, Batches
from sdmx_cso.model import CommunityDataset
from sdmx_cso.model.structure import DatasetStructure
from sdmx_cso.standard import get_standard

__all__ = ["FLAGS", "read", "read_csv", "write", "write_csv"]

#: The multi-valued attribute of the standard (one space-separated string in the table).
FLAGS = "QUALITY_FLAGS"

#: RFC 4180 record separator.
_CRLF = "\r\n"

#: Characters that make a field quoted.
_SPECIAL = re.compile('[",\r\n]')
_SPECIAL_BYTES = b'",\r\n'

#: Columns of SDMX-CSV 2.0 that identify the message rather than an observation.
_V2_FRAME = frozenset({"STRUCTURE_ID", "ACTION", "SERIES_KEY", "OBS_KEY"})


def write(
    dataset: CommunityDataset,
    out: BinaryIO,
    *,
    structure: DatasetStructure,
    batches: Batches | None = None,
) -> None:
    """Write ``dataset`` to ``out`` as an SDMX-CSV 1.0 data message.

    Args:
        dataset: the observations to write.
        out: a binary stream; it is written to, never closed.
        structure: the structures the message refers to (its dataflow fills ``DATAFLOW``).
        batches: the observations a batch at a time, instead of ``dataset.observations``
            (see `sdmx_cso.formats.series.Batches`).
    """
    write_csv(
        dataset,
        out,
        structure=structure,
        lead=(("DATAFLOW", structure.dataflow_ref),),
        flags_separator=None,
        batches=batches,
    )


def read(source: bytes | Path, *, structure: DatasetStructure | None = None) -> pa.Table:
    """The observations of an SDMX-CSV 1.0 (or 2.0) data message.

    Args:
        source: the message, as bytes or a path.
        structure: the structures it refers to (for the DSD); the standard's by default.

    Returns:
        One column per concept of the DSD (text; integers for SAMPLE_SIZE and NUMERATOR; null
        for an empty field), then any custom columns of the message, as text.

    Raises:
        ReadError: the message is not SDMX-CSV that can be read.
    """
    return read_csv(source, structure=structure)


def write_csv(
    dataset: CommunityDataset,
    out: BinaryIO,
    *,
    structure: DatasetStructure,
    lead: Sequence[tuple[str, str]],
    flags_separator: str | None,
    batches: Batches | None = None,
) -> None:
    """Write the observations as SDMX-CSV: ``lead`` columns, then the DSD's components.

    Args:
        dataset: the observations.
        out: binary stream to write to.
        structure: the structures the message refers to (its DSD gives the columns).
        lead: ``(header, value)`` of the leading columns, the same on every row.
        flags_separator: ``None`` to write QUALITY_FLAGS as one space-separated string;
            otherwise the sub-field separator of a multi-valued ``QUALITY_FLAGS[]`` column.
        batches: the observations a batch at a time, instead of ``dataset.observations``.
    """
    columns = structure.standard.dsd.columns  # dimensions, TIME_PERIOD, OBS_VALUE, attributes
    headers = [h for h, _ in lead] + [
        f"{c}[]" if c == FLAGS and flags_separator else c for c in columns
    ]
    out.write((",".join(_quoted(h) for h in headers) + _CRLF).encode("utf-8"))
    prefix = "".join(_quoted(value) + "," for _, value in lead)
    tables = (dataset.observations,) if batches is None else batches.tables
    for table in tables:
        # quoting is decided per field; the check per column only skips the work
        quote = frozenset(
            name
            for name in table.column_names
            if pa.types.is_string(table.schema.field(name).type)
            and any_bytes_in(table.column(name), _SPECIAL_BYTES)
        )
        for batch in table.to_batches(max_chunksize=BATCH_ROWS):
            if not batch.num_rows:
                continue
            fields = [_fields(batch, name, flags_separator, name in quote) for name in columns]
            records = pc.binary_join_element_wise(*fields, ",")
            out.write(utf8_of(pc.binary_join_element_wise(prefix, records, _CRLF, "")))


def _quoted(text: str) -> str:
    """One field, RFC 4180 style: quoted (inner quotes doubled) only when it must be."""
    return '"' + text.replace('"', '""') + '"' if _SPECIAL.search(text) else text


def _fields(
    batch: pa.RecordBatch, name: str, flags_separator: str | None, may_quote: bool = True
) -> pa.Array:
    """The fields of one column of a batch, as CSV text (empty for an absent value).

    Vectorised: a value holding a comma, a double quote, CR or LF is quoted and its quotes
    doubled, exactly as `csv.QUOTE_MINIMAL` does, without a Python call per field.
    ``may_quote=False`` says the column holds none of these (checked on its bytes first).
    """
    if name not in batch.schema.names:
        return pa.array([""] * batch.num_rows, pa.string())
    col = batch.column(name)
    if not pa.types.is_string(col.type):
        return pc.fill_null(pc.cast(col, pa.string()), "")
    if name == FLAGS and flags_separator:
        col = pc.replace_substring(col, " ", flags_separator)
    if not may_quote:
        return pc.fill_null(col, "")
    escaped = pc.binary_join_element_wise('"', pc.replace_substring(col, '"', '""'), '"', "")
    special = pc.match_substring_regex(col, _SPECIAL.pattern)
    return pc.fill_null(pc.if_else(special, escaped, col), "")


# -- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    """What the header row of an SDMX-CSV message says."""

    delimiter: str
    sub_separator: str | None
    names: list[str]
    skip: frozenset[int]


def read_csv(source: bytes | Path, *, structure: DatasetStructure | None = None) -> pa.Table:
    """The observations of an SDMX-CSV 1.0 or 2.0 message, one column per concept.

    Columns of the DSD come first, in DSD order (absent ones are null); custom columns of the
    message follow as text. Empty fields are null. The values of a multi-valued
    ``QUALITY_FLAGS[]`` are joined with one space (the table's form); other multi-valued
    columns (not in our DSD) keep their text as written.

    Raises:
        ReadError: not SDMX-CSV, a ragged row, a deletion message, or a bad whole number.
    """
    dsd = structure.standard.dsd if structure else get_standard().dsd
    path = None if isinstance(source, bytes) else Path(source)
    with io.BytesIO(source) if isinstance(source, bytes) else Path(source).open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            header = _parse_header(text.readline().rstrip("\r\n"), path)
            rows = csv.reader(text, delimiter=header.delimiter, strict=True)
            batches = list(_batches(rows, header, path))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ReadError(f"not a readable SDMX-CSV message: {exc}", path=path) from exc
    table = pa.concat_tables(batches)
    if len(set(table.column_names)) != table.num_columns:
        raise ReadError("a column appears twice in the header", path=path, row=1)
    return to_canonical(table, dsd, path)


_STRUCTURE = re.compile(r"STRUCTURE(?:\[(?P<sub>.)\])?(?P<delimiter>.)")


def _parse_header(line: str, path: Path | None) -> _Header:
    if line.startswith("DATAFLOW") and len(line) > len("DATAFLOW"):
        delimiter, sub = line[len("DATAFLOW")], None
    elif match := _STRUCTURE.match(line):
        delimiter, sub = match["delimiter"], match["sub"]
    else:
        raise ReadError(
            "not SDMX-CSV: the header must start with DATAFLOW (1.0) or STRUCTURE (2.0) and "
            "a separator",
            path=path,
            row=1,
        )
    fields = next(csv.reader([line], delimiter=delimiter))
    if "STRUCTURE_NAME" in fields:
        raise ReadError("SDMX-CSV with labels=name is not supported", path=path, row=1)
    version2 = fields[0].startswith("STRUCTURE")
    names: list[str] = []
    for field in fields:
        name = field.split(": ", 1)[0].strip()  # labels=both: "ID: Name"
        if name.endswith("[]"):
            name = name[:-2]
            if sub is None:
                raise ReadError(
                    f"multi-valued column {field!r} but no sub-field separator in STRUCTURE[x]",
                    path=path,
                    row=1,
                )
        names.append(name)
    skip = {0} | {i for i, n in enumerate(names) if version2 and n in _V2_FRAME}
    return _Header(delimiter, sub, names, frozenset(skip))


def _batches(rows: Iterator[list[str]], header: _Header, path: Path | None) -> Iterator[pa.Table]:
    keep = [i for i in range(len(header.names)) if i not in header.skip]
    action = header.names.index("ACTION") if "ACTION" in header.names else None
    columns: list[list[str | None]] = [[] for _ in keep]
    for number, row in enumerate(rows, start=2):
        if not row:
            continue
        if len(row) != len(header.names):
            raise ReadError(
                f"{len(row)} fields where the header has {len(header.names)}",
                path=path,
                row=number,
            )
        if action is not None and row[action] == "D":
            raise ReadError(
                "a deletion (ACTION D) is not a dataset", path=path, row=number, column="ACTION"
            )
        for target, i in zip(columns, keep, strict=True):
            target.append(row[i] or None)
        if len(columns[0]) >= BATCH_ROWS:
            yield _text_table(header, keep, columns)
            columns = [[] for _ in keep]
    yield _text_table(header, keep, columns)


def _text_table(header: _Header, keep: list[int], columns: list[list[str | None]]) -> pa.Table:
    arrays = []
    for i, values in zip(keep, columns, strict=True):
        array = pa.array(values, pa.string())
        if header.names[i] == FLAGS and header.sub_separator and len(array):
            array = _join_multi(array, header.sub_separator)
        arrays.append(array)
    return pa.table(arrays, names=[header.names[i] for i in keep])


def _join_multi(array: pa.Array, separator: str) -> pa.Array:
    """``A;B`` → ``A B``: the values of a multi-valued field, space-separated."""
    joined = pc.binary_join(pc.split_pattern(array, separator), " ")
    joined = pc.utf8_trim_whitespace(pc.replace_substring_regex(joined, " +", " "))
    return pc.if_else(pc.equal(joined, ""), None, joined)

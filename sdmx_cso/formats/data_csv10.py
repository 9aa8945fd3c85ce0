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

`read` reads SDMX-CSV 1.0 and 2.0 alike with the one SDMX-CSV reader,
:func:`sdmx_cso.formats.read_csv.read_canonical`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.formats._buffers import any_bytes_in, utf8_of
from sdmx_cso.formats.read_csv import read_canonical
from sdmx_cso.formats.series import BATCH_ROWS, Batches
from sdmx_cso.model import CommunityDataset
from sdmx_cso.model.structure import DatasetStructure
from sdmx_cso.standard import get_standard

__all__ = ["FLAGS", "read", "write", "write_csv"]

#: The multi-valued attribute of the standard (one space-separated string in the table).
FLAGS = "QUALITY_FLAGS"

#: RFC 4180 record separator.
_CRLF = "\r\n"

#: Characters that make a field quoted.
_SPECIAL = re.compile('[",\r\n]')
_SPECIAL_BYTES = b'",\r\n'


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
    dsd = structure.standard.dsd if structure else get_standard().dsd
    return read_canonical(source if isinstance(source, bytes) else Path(source), dsd)


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

"""Read any SDMX data message, ours or others': `read` and the `DataMessage` it returns.

One verb for every data message an NSO or agency may hand over, in every format the
readers know (SDMX-ML 2.0 generic, 2.1 and 3.0; SDMX-JSON 1.0 and 2.0; SDMX-CSV 1.0 and
2.0). What comes back is one kind of result:

- a message of this standard (it refers to the standard's DSD or to a dataset's dataflow)
  with its reference metadata is read back as a `CommunityDataset`, checked against the
  standard: `DataMessage.dataset`, and its observations as `DataMessage.table`;
- one of ours without metadata gives the observations in the standard's columns, and
  ``dataset`` is ``None``;
- any other message gives the neutral table: one row per observation, one column per
  component ID (`sdmx_cso.formats.neutral`).

Whatever a reader could not keep is in `DataMessage.notes`: nothing is lost unsaid.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pyarrow as pa

from sdmx_cso.bridge.foreign import ForeignTable, own_message_format, read_foreign, stream_foreign
from sdmx_cso.errors import ReadError, SdmxCsoError
from sdmx_cso.formats import DATA_FORMATS, reader_for
from sdmx_cso.formats.neutral import Target, write_table
from sdmx_cso.io.atomic import atomic_output
from sdmx_cso.model import CommunityDataset, DatasetMetadata
from sdmx_cso.model.frames import to_pandas
from sdmx_cso.model.structure import structure_of
from sdmx_cso.output import metadata_path_for, read_dataset

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DataMessage", "read", "read_into"]


@dataclass(frozen=True)
class DataMessage:
    """A data message as read: its observations, what it is, and what was lost on the way.

    Attributes:
        table: one row per observation. For a message of the standard, the standard's
            columns (text as written; ``SAMPLE_SIZE`` and ``NUMERATOR`` integers); for
            others, one column per component ID (`sdmx_cso.formats.neutral`).
        format: the format read, e.g. ``sdmx-ml-2.1``, ``sdmx-json-2.0``, ``sdmx-csv-1.0``.
        structure_id: ``AGENCY:ID(VERSION)`` of the dataflow or DSD the message refers to,
            or ``None``.
        message_type: what the message is: ``GenericData``, ``StructureSpecificData``,
            ``DataMessage`` (SDMX-JSON), ``SDMX-CSV``, or ``CommunityDataset`` for one of
            ours read back whole.
        notes: what a reader should know: information the format lost or that was dropped,
            and how the message was read.
        dataset: the dataset, when the message is one of this standard's and its reference
            metadata was at hand; else ``None``.
    """

    table: pa.Table
    format: str
    structure_id: str | None
    message_type: str
    notes: tuple[str, ...] = ()
    dataset: CommunityDataset | None = None
    observations: int | None = None
    """Observations written by `read_into` when they streamed (``table`` then holds the
    columns and no row); ``None`` otherwise."""

    @property
    def num_rows(self) -> int:
        """Number of observations."""
        return int(self.table.num_rows) if self.observations is None else self.observations

    def to_pandas(self, *, labels: bool = False, all_columns: bool = False) -> pd.DataFrame:
        """The observations as a `pandas.DataFrame`, numbers typed.

        As `CommunityDataset.to_pandas`: only the columns that carry data unless
        ``all_columns``; with ``labels``, codes of the standard's code lists as names.
        """
        return to_pandas(self.table, labels=labels, all_columns=all_columns)

    def write(self, out: BinaryIO, *, to: Target = "csv", keep_formulas: bool = False) -> int:
        """Write the table to a binary stream as CSV (with a header) or a JSON list of rows.

        CSV cells that a spreadsheet would run as formulas get a leading ``'`` unless
        ``keep_formulas`` (`sdmx_cso.formats.neutral.write_table`); JSON is exact (lists
        stay arrays). Returns the number of CSV cells so changed.
        """
        return write_table(self.table, out, to=to, keep_formulas=keep_formulas)

    def save(self, path: str | Path, *, to: Target = "csv", keep_formulas: bool = False) -> int:
        """Write the table to ``path``, atomically (a failure leaves no partial file)."""
        with atomic_output(path) as out:
            return self.write(out, to=to, keep_formulas=keep_formulas)


def read(
    source: str | Path | bytes | BinaryIO,
    *,
    structure: str | Path | None = None,
    metadata: str | Path | DatasetMetadata | None = None,
) -> DataMessage:
    r"""Read an SDMX data message, ours or anyone's, in any format sdmx_cso reads.

    Args:
        source: the message: a path, its bytes, or a binary stream.
        structure: an SDMX-ML structure message holding the DSD (or dataflow) that the data
            refer to. SDMX-ML data use it to order the columns as the DSD does and, for
            structure-specific data, to tell series attributes from dimensions. Given, the
            message is read as any other, even one of ours.
        metadata: the reference metadata of one of our messages (a file, or a
            `DatasetMetadata`); by default ``<stem>.metadata.xml`` beside a file.

    Raises:
        ReadError: naming the file and why: not an SDMX data message (a structure message,
            reference metadata, an error message, a CSV that is not SDMX-CSV…), a version
            not supported, content that cannot be read, or a message that holds no data
            (its footer or errors are quoted).

    Examples:
        >>> from sdmx_cso import read
        >>> message = read(
        ...     b"STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,TIME_PERIOD,OBS_VALUE\n"
        ...     b"dataflow,ESTAT:NA_MAIN(1.6.0),I,KE,2023,12.50\n"
        ... )
        >>> message.num_rows, message.format, message.structure_id
        (1, 'sdmx-csv-2.0', 'ESTAT:NA_MAIN(1.6.0)')
        >>> message.to_pandas()["OBS_VALUE"].tolist()
        [12.5]
    """
    if isinstance(source, str | Path):
        return _read_path(Path(source), structure, metadata)
    folder = Path(tempfile.mkdtemp(prefix="sdmx-cso-read-"))
    try:  # the readers stream from a file: a stream is copied to one, a block at a time
        spooled = folder / "message"
        with spooled.open("wb") as copy:
            if isinstance(source, bytes):
                copy.write(source)
            else:
                shutil.copyfileobj(source, copy)
        return _read_path(spooled, structure, metadata, sidecar=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def read_into(
    source: str | Path,
    target: str | Path | BinaryIO,
    *,
    to: Target = "csv",
    structure: str | Path | None = None,
    keep_formulas: bool = False,
) -> tuple[DataMessage, int]:
    """Read a data message and write its observations to ``target`` as CSV or JSON.

    What `read` then `DataMessage.write` do, in bounded memory where the reader streams:
    another agency's SDMX-ML 2.1 or 3.0 data never are all in memory (a million observations
    in about 230 MiB; benchmarks/results/read.md). Other messages, and ours with their
    reference metadata (read back as a dataset), are read whole first.

    Nothing is written when the message holds no observation (``num_rows`` is 0): a file
    ``target`` is written atomically, and to a stream the output is held in a temporary file
    until the end.

    Returns:
        The message (for one that streamed, its ``table`` has the columns and no row, and
        ``num_rows`` counts what was written) and the number of CSV cells that got a
        leading ``'`` (see `DataMessage.write`).

    Raises:
        ReadError: as `read`; nothing is written then.
    """
    path = Path(source)
    if not path.is_file():
        raise ReadError("no such file", path=path)
    streams = structure is not None or own_message_format(path) is None
    if isinstance(target, str | Path):
        try:
            with atomic_output(target) as out:
                done = _into(path, out, to, structure, keep_formulas, streams)
                if not done[0].num_rows:
                    raise _NoData(done)
        except _NoData as empty:  # the output is discarded: no file for no data
            return empty.done
        return done
    with tempfile.TemporaryFile(prefix="sdmx-cso-read-") as held:
        done = _into(path, held, to, structure, keep_formulas, streams)
        if done[0].num_rows:
            held.seek(0)
            shutil.copyfileobj(held, target)
    return done


class _NoData(Exception):
    """Raised inside `atomic_output` to leave no file for a message without observations."""

    def __init__(self, done: tuple[DataMessage, int]) -> None:
        super().__init__("no observations")
        self.done = done


def _into(
    path: Path,
    out: BinaryIO,
    to: Target,
    structure: str | Path | None,
    keep_formulas: bool,
    streams: bool,
) -> tuple[DataMessage, int]:
    streamed = stream_foreign(path, out, to=to, structure=structure,
                              keep_formulas=keep_formulas) if streams else None  # fmt: skip
    if streamed is not None:
        foreign, rows, changed = streamed
        message = _foreign(foreign)
        return DataMessage(**{**vars(message), "observations": rows}), changed
    message = read(path, structure=structure)
    changed = message.write(out, to=to, keep_formulas=keep_formulas) if message.num_rows else 0
    return message, changed


def _read_path(
    path: Path,
    structure: str | Path | None,
    metadata: str | Path | DatasetMetadata | None,
    *,
    sidecar: bool = True,
) -> DataMessage:
    if not path.is_file():
        raise ReadError("no such file", path=path)
    fmt = None if structure is not None else own_message_format(path)
    if fmt is None:
        return _foreign(read_foreign(path, structure=structure))
    try:
        return _read_own(path, fmt, metadata, sidecar=sidecar)
    except SdmxCsoError as own:  # ours, but not readable as a dataset: read as any SDMX
        try:
            foreign = read_foreign(path)
        except SdmxCsoError:
            raise own from None  # what our own reader says is the more precise
        return _foreign(foreign, f"not read back as a dataset: {own}")


def _foreign(foreign: ForeignTable, *notes: str) -> DataMessage:
    return DataMessage(
        table=foreign.table,
        format=foreign.format,
        structure_id=foreign.structure_id,
        message_type=foreign.message_type,
        notes=(*notes, *foreign.notes),
    )


def _read_own(
    path: Path, fmt: str, metadata: str | Path | DatasetMetadata | None, *, sidecar: bool
) -> DataMessage:
    if isinstance(metadata, DatasetMetadata):
        table = reader_for(fmt)(path, structure=structure_of(metadata))
        dataset = CommunityDataset(metadata=metadata, observations=table)
    else:
        meta_path = Path(metadata) if metadata is not None else metadata_path_for(path)
        if metadata is None and (not sidecar or not meta_path.is_file()):
            table = reader_for(fmt)(path)
            return DataMessage(
                table=table,
                format=fmt,
                structure_id=None,
                message_type=DATA_FORMATS[fmt].title,
                notes=(
                    "a message of the standard without its reference metadata: the "
                    "observations are in the standard's columns, without the dataset's "
                    "metadata (give it with metadata=)",
                ),
            )
        dataset = read_dataset(path, metadata=meta_path)
    return DataMessage(
        table=dataset.observations,
        format=fmt,
        structure_id=structure_of(dataset).dataflow_ref,
        message_type="CommunityDataset",
        notes=("read back as a dataset of the standard, checked against it",),
        dataset=dataset,
    )

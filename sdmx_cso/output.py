"""The verbs that produce and read SDMX: write data, metadata and structures; convert; read.

Every output file is written atomically (a temporary file in the target folder, fsynced, then
renamed): on any error, nothing is left half-written and a previous file is intact.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.api import Metadata, Source, as_submission, check_in_batches
from sdmx_cso.errors import ReadError, SdmxCsoError, UnsupportedFormat
from sdmx_cso.formats import detect_format, reader_for, writer_for
from sdmx_cso.formats.series import Batches, DatasetValues, layout
from sdmx_cso.io.atomic import atomic_output
from sdmx_cso.io.csv_batches import BLOCK_BYTES, NotStreamable
from sdmx_cso.io.spill import MEMORY_ROWS, SortedSpill, row_keys
from sdmx_cso.io.write_submission import write_submission
from sdmx_cso.model import CommunityDataset, DatasetMetadata, DerivationConfig
from sdmx_cso.model.columns import canonical_schema
from sdmx_cso.model.disclosure import (
    GROUP_DIMENSIONS,
    DisclosureAudit,
    DisclosurePolicy,
    disclosure_policy,
    protect_table,
    with_disclosure_metadata,
)
from sdmx_cso.model.register import Register
from sdmx_cso.model.structure import structure_for, structure_of
from sdmx_cso.progress import Progress, ProgressWriter, notify
from sdmx_cso.standard import get_standard
from sdmx_cso.validation import Report, check_submission

__all__ = [
    "Conversion",
    "Protection",
    "convert",
    "metadata_path_for",
    "protect",
    "protect_submission",
    "read_dataset",
    "write",
    "write_batches",
    "write_data",
    "write_metadata",
]


#: Formats where QUALITY_FLAGS is a coded multi-valued attribute that a schema checks.
_MULTI_VALUED_ONLY = frozenset({"sdmx-ml-3.0", "sdmx-json-2.0"})


def _data_writer(format: str, *, flags_as_text: bool) -> Callable[..., None]:
    """The writer of a data format, with QUALITY_FLAGS as text if asked (and allowed).

    Raises:
        UnsupportedFormat: an unknown format, or ``flags_as_text`` where it cannot apply.
    """
    write = writer_for(format)
    if flags_as_text and format in _MULTI_VALUED_ONLY:
        raise UnsupportedFormat(
            f"flags_as_text applies to sdmx-csv-2.0: {format} declares QUALITY_FLAGS as a "
            "coded multi-valued attribute, which its schema checks"
        )
    if flags_as_text and format == "sdmx-csv-2.0":
        return partial(write, multi_valued_flags=False)
    return write


def write_data(
    dataset: CommunityDataset,
    path: str | Path,
    *,
    format: str = "sdmx-ml-2.1",
    agency: str | None = None,
    flags_as_text: bool = False,
    progress: Progress | None = None,
    register: Register | None = None,
) -> Path:
    """Write the dataset's observations as an SDMX data message.

    The observations are written as given: to publish, protect them first (:func:`protect`;
    :func:`convert` does).

    Args:
        dataset: the dataset.
        path: the file to write (replaced atomically).
        format: ``sdmx-ml-2.1`` (structure-specific), ``sdmx-ml-2.1-generic``,
            ``sdmx-ml-3.0``, ``sdmx-csv-1.0``, ``sdmx-csv-2.0`` or ``sdmx-json-2.0``.
        agency: the coalition's agency (default ``LNOB``).
        flags_as_text: write QUALITY_FLAGS of ``sdmx-csv-2.0`` as one space-separated value
            (as SDMX 2.1 does) instead of a multi-valued ``QUALITY_FLAGS[]`` column, for
            readers without multi-valued components (pysdmx 1.21). SDMX 2.1 and SDMX-CSV 1.0
            always write it so.
        progress: a callback for ``write`` `sdmx_cso.pipeline.ProgressEvent` events (bytes written).
        register: the coalition's register (default: the one packaged for the agency).

    Raises:
        UnsupportedFormat: an unknown format, or ``flags_as_text`` for ``sdmx-ml-3.0`` or
            ``sdmx-json-2.0``, whose schemas require the multi-valued form.
    """
    return _write_data(
        dataset, path, format=format, agency=agency, flags_as_text=flags_as_text,
        progress=progress, register=register,
    )  # fmt: skip


def _write_data(
    dataset: CommunityDataset,
    path: str | Path,
    *,
    format: str,
    agency: str | None,
    flags_as_text: bool,
    progress: Progress | None,
    batches: Batches | None = None,
    register: Register | None = None,
) -> Path:
    """`write_data`, with the observations from ``batches`` when given (the pipeline's)."""
    write = _data_writer(format, flags_as_text=flags_as_text)
    if batches is not None:
        write = partial(write, batches=batches)
    structure = structure_of(dataset, agency=agency, register=register)
    with atomic_output(path) as out:
        if progress is None:
            write(dataset, out, structure=structure)
        else:
            counted = ProgressWriter(out, progress, path)
            write(dataset, counted, structure=structure)
            counted.finish()
    return Path(path)


def write(
    dataset: CommunityDataset,
    target: str | Path | BinaryIO | None = None,
    *,
    format: str = "sdmx-ml-2.1",
    metadata: bool = True,
    agency: str | None = None,
    flags_as_text: bool = False,
    register: Register | None = None,
    config: DerivationConfig | None = None,
) -> Path | bytes | None:
    """Write a dataset as an SDMX data message, after disclosure control.

    Disclosure control is applied first, always (:func:`protect`; a dataset it has already
    protected is written as it is): the people in the data come before the caller's
    choices.

    Args:
        dataset: the dataset (e.g. from `sdmx_cso.load` or `CommunityDataset.from_pandas`).
        target: a file path (replaced atomically; the reference metadata is written beside
            it, ``<stem>.metadata.xml``, unless ``metadata`` is false), a binary stream
            (the data message only), or ``None`` to get the message's bytes.
        format: one of `sdmx_cso.pipeline.DATA_FORMATS` (default ``sdmx-ml-2.1``,
            structure-specific).
        metadata: with a path, also write the reference metadata beside the data (SDMX-ML
            3.0 for ``sdmx-ml-3.0``, SDMX-ML 2.1 otherwise), so that `sdmx_cso.read` gets
            the dataset back whole.
        agency: the coalition's agency (default ``LNOB``).
        flags_as_text: see `sdmx_cso.pipeline.write_data`.
        register: the coalition's register (default: the one packaged for the agency).
        config: may make disclosure control's thresholds stricter.

    Returns:
        The path written, the bytes (``target=None``), or ``None`` for a stream.

    Raises:
        UnsupportedFormat: an unknown format.

    Examples:
        >>> import io
        >>> from sdmx_cso import load, read, write
        >>> from sdmx_cso.examples import example_path
        >>> dataset = load(example_path("nepal-karnali-scorecard"))
        >>> out = io.BytesIO()
        >>> write(dataset, out, format="sdmx-csv-2.0")
        >>> message = read(out.getvalue())
        >>> message.format, message.num_rows == len(dataset)
        ('sdmx-csv-2.0', True)
    """
    protected = _protected(dataset, config)
    writer = _data_writer(format, flags_as_text=flags_as_text)
    structure = structure_of(protected, agency=agency, register=register)
    if target is None or not isinstance(target, str | Path):
        out = io.BytesIO() if target is None else target
        writer(protected, out, structure=structure)
        return out.getvalue() if target is None and isinstance(out, io.BytesIO) else None
    path = Path(target)
    with atomic_output(path) as stream:
        writer(protected, stream, structure=structure)
    if metadata:
        meta_format = "sdmx-ml-3.0" if format == "sdmx-ml-3.0" else "sdmx-ml-2.1"
        write_metadata(protected, metadata_path_for(path), format=meta_format, agency=agency,
                       register=register)  # fmt: skip
    return path


def _protected(dataset: CommunityDataset, config: DerivationConfig | None) -> CommunityDataset:
    """The dataset after disclosure control; itself when it was already protected."""
    protected, audit = protect(dataset, config=config)
    declared = dataset.metadata.disclosure_control
    already = declared is not None and audit.policy.secondary_method in (
        declared.secondary_method or ""
    )
    if already and protected.observations.equals(dataset.observations):
        return dataset
    return protected


def metadata_path_for(data_path: str | Path) -> Path:
    """Where the reference metadata of a data message is written: ``<stem>.metadata.xml``."""
    path = Path(data_path)
    return path.with_name(f"{path.stem}.metadata.xml")


def write_metadata(
    dataset: CommunityDataset | DatasetMetadata,
    path: str | Path,
    *,
    format: str = "sdmx-ml-2.1",
    agency: str | None = None,
    register: Register | None = None,
) -> Path:
    """Write the dataset metadata as SDMX reference metadata (2.1 generic or 3.0).

    The report targets the dataset's dataflow (of ``register``, default the packaged one).
    """
    metadata = dataset.metadata if isinstance(dataset, CommunityDataset) else dataset
    write = writer_for(format, kind="metadata")
    structure = structure_of(metadata, agency=agency, register=register)
    with atomic_output(path) as out:
        write(metadata, out, structure=structure)
    return Path(path)


@dataclass(frozen=True)
class Conversion:
    """The outcome of :func:`convert`: the report, and the files written (none if invalid)."""

    report: Report
    data: Path | None = None
    metadata: Path | None = None
    audit: DisclosureAudit | None = None
    """What disclosure control withheld, and what its auditor could prove."""


def convert(
    source: Source,
    *,
    to: str,
    output: str | Path,
    metadata: Metadata | None = None,
    agency: str | None = None,
    with_metadata: bool = True,
    config: DerivationConfig | None = None,
    flags_as_text: bool = False,
    progress: Progress | None = None,
    memory_rows: int = MEMORY_ROWS,
    block_bytes: int = BLOCK_BYTES,
    register: Register | None = None,
) -> Conversion:
    """Validate a submission and, if it is valid, write it as SDMX.

    Writes the data message to ``output`` and, unless ``with_metadata`` is false, the
    reference metadata beside it (:func:`metadata_path_for`: SDMX-ML 3.0 for
    ``sdmx-ml-3.0`` output, SDMX-ML 2.1 generic metadata otherwise). An invalid submission
    writes nothing: the returned report says why. ``flags_as_text``: see :func:`write_data`.
    ``progress`` receives `sdmx_cso.pipeline.ProgressEvent` events: ``read``, ``validate``,
    ``write`` (bytes of the data message) and ``done``.

    Disclosure control is always applied (:func:`protect`): cells resting on small counts
    are withheld, with the cells that would give them away, before anything is written;
    the policy and its audit go into the reference metadata's ``DISCLOSURE_CONTROL`` and
    ``Conversion.audit``. ``config`` may make its thresholds stricter.

    A CSV submission goes through the batch pipeline: read, checked and derived a block of
    ``block_bytes`` at a time, put in key order by an external sort that holds
    ``memory_rows`` observations at a time (`sdmx_cso.io.spill.SortedSpill`), and written
    as it comes; memory stays bounded however many observations there are (SDMX-JSON,
    which indexes every value up front, gathers them). A zip, a workbook, or a CSV file
    that is not plain UTF-8 is read whole; the output is the same either way.

    ``register`` is the coalition's register (default: the one packaged for the agency): the
    messages refer to the dataset's dataflow in it, and a registered dataset's rows must stay
    within its registered codes.

    Raises:
        ReadError: a file cannot be read at all.
        UnsupportedFormat: an unknown format (or ``flags_as_text`` for one that cannot).
    """
    _data_writer(to, flags_as_text=flags_as_text)  # fail on a bad format before any work
    if isinstance(source, str | Path) and (metadata is None or isinstance(metadata, str | Path)):
        try:
            with _Sorting(memory_rows, protection=True) as sorting:
                check, data_file = check_in_batches(
                    source, metadata=metadata, config=config, build=True, each=sorting.add,
                    progress=progress, block_bytes=block_bytes, register=register,
                )  # fmt: skip
                report = check.report(data_file)
                if not report.valid or check.metadata is None:
                    notify(progress, "done")
                    return Conversion(report=report)
                audit = sorting.protect(check.metadata, disclosure_policy(check.metadata, config))
                dataset = sorting.dataset(with_disclosure_metadata(check.metadata, audit))
                del check  # its key index is no longer needed while writing
                data_path = _write_data(
                    dataset, output, format=to, agency=agency, flags_as_text=flags_as_text,
                    progress=progress, batches=sorting.batches(), register=register,
                )  # fmt: skip
        except NotStreamable:
            pass  # read whole below
        else:
            return _finish(
                dataset, report, data_path, output, to, (agency, register), with_metadata,
                progress, audit,
            )  # fmt: skip
    raw = as_submission(source, metadata, progress=progress)
    report, whole = check_submission(raw, config=config, register=register)
    del raw  # the dataset holds what is written; the raw table can go
    if whole is None:
        notify(progress, "done")
        return Conversion(report=report)
    whole, audit = protect(whole, config=config)
    data_path = _write_data(
        whole, output, format=to, agency=agency, flags_as_text=flags_as_text, progress=progress,
        register=register,
    )  # fmt: skip
    return _finish(
        whole, report, data_path, output, to, (agency, register), with_metadata, progress,
        audit,
    )  # fmt: skip


@dataclass(frozen=True)
class Protection:
    """The outcome of :func:`protect_submission`."""

    report: Report
    """The validation report (nothing is protected when the submission is invalid)."""
    dataset: CommunityDataset | None = None
    """The protected dataset."""
    audit: DisclosureAudit | None = None
    """What was withheld and what the auditor could prove."""
    withheld: tuple[dict[str, str], ...] = ()
    """Each withheld cell: its key (the dimensions that are not ``_T`` or ``_Z``) and
    ``REASON``, the flag that withheld it."""
    files: tuple[Path, ...] = ()
    """The protected submission's files (``data.csv``, ``metadata.yaml``), if written."""


def protect_submission(
    source: Source,
    *,
    metadata: str | Path | None = None,
    output: str | Path | None = None,
    config: DerivationConfig | None = None,
) -> Protection:
    """Validate a submission and apply disclosure control to it (:func:`protect`).

    Returns the report, the protected dataset, its audit and the cells withheld with the
    reason; with ``output`` (a folder), writes the protected submission there as
    ``data.csv`` and ``metadata.yaml``, which validate and convert as they are.

    Raises:
        ReadError: a file cannot be read at all.
    """
    raw = as_submission(source, metadata)
    report, whole = check_submission(raw, config=config)
    if whole is None:
        return Protection(report=report)
    dataset, audit = protect(whole, config=config)
    withheld = _withheld(dataset, audit)
    files: tuple[Path, ...] = ()
    if output is not None:
        files = write_submission(dataset, output)
    return Protection(report, dataset, audit, withheld, files)


_REASONS = ("GEO_COARSENED", "SUPPRESSED_PRIMARY", "SUPPRESSED_SECONDARY")


def _withheld(dataset: CommunityDataset, audit: DisclosureAudit) -> tuple[dict[str, str], ...]:
    table = dataset.observations
    flags = pc.fill_null(table.column("QUALITY_FLAGS"), "")
    hidden = pc.match_substring_regex(flags, "SUPPRESSED_|GEO_COARSENED")
    dsd = get_standard().dsd
    names = [*dsd.dimension_ids, dsd.time_dimension.id]
    out = []
    for row in table.filter(hidden).select([*names, "QUALITY_FLAGS"]).to_pylist():
        present = set(row.pop("QUALITY_FLAGS").split())
        key = {k: v for k, v in row.items() if v not in ("_T", "_Z", None)}
        reason = next(r for r in _REASONS if r in present)
        out.append({**key, "REASON": reason})
    return tuple(out)


def protect(
    dataset: CommunityDataset, *, config: DerivationConfig | None = None
) -> tuple[CommunityDataset, DisclosureAudit]:
    """The dataset with disclosure control applied, and the audit of what was done.

    Cells resting on a count below the primary threshold (the sensitive threshold for
    sensitive population groups) are withheld, then the cells that would let them be
    recovered from totals, area hierarchies and published proportions; an auditor solves
    linear programs (HiGHS) to check that no withheld count can be narrowed below the
    protection level. The thresholds come from the dataset's ``DISCLOSURE_CONTROL``
    metadata when stricter than ``config``'s (the standard's 5 and 10 by default). The
    returned metadata's ``DISCLOSURE_CONTROL`` states the policy and the audit's summary.

    Examples:
        >>> from sdmx_cso import load, protect
        >>> from sdmx_cso.examples import example_path
        >>> protected, audit = protect(load(example_path("kenya-disability-survey")))
        >>> audit.primary > 0 and audit.protected
        True
    """
    policy = disclosure_policy(dataset.metadata, config)
    table, audit = protect_table(dataset.observations, dataset.metadata, policy)
    metadata = with_disclosure_metadata(dataset.metadata, audit)
    return CommunityDataset.model_construct(metadata=metadata, observations=table), audit


def write_batches(
    metadata: DatasetMetadata,
    tables: Iterable[pa.Table],
    path: str | Path,
    *,
    format: str = "sdmx-ml-2.1",
    agency: str | None = None,
    flags_as_text: bool = False,
    progress: Progress | None = None,
    memory_rows: int = MEMORY_ROWS,
    config: DerivationConfig | None = None,
    register: Register | None = None,
) -> Path:
    """Write observations that come a batch at a time, in any order, as an SDMX data message.

    The writing half of the batch pipeline, for observations checked and derived elsewhere
    (by `BatchCheck`, in Dask tasks for instance): they are put in key order by an external
    sort holding ``memory_rows`` at a time, protected by disclosure control as `convert`
    does (``config`` may make it stricter), then written. The bytes are those `convert`
    writes for the same submission.

    Args:
        metadata: the dataset metadata (`BatchCheck.metadata`).
        tables: the derived observations (what `BatchCheck.add` returns), any order.
        path: the file to write (replaced atomically).
        format: the data format (see `write_data`).
        agency: the coalition's agency (default ``LNOB``).
        flags_as_text: QUALITY_FLAGS of ``sdmx-csv-2.0`` as one value (see `write_data`).
        progress: a callback for ``write`` `sdmx_cso.pipeline.ProgressEvent` events.
        memory_rows: observations sorted in memory at a time.
        config: thresholds of disclosure control (stricter than the standard's, if given).
        register: the coalition's register (default: the one packaged for the agency).
    """
    _data_writer(format, flags_as_text=flags_as_text)
    with _Sorting(memory_rows, protection=True) as sorting:
        for table in tables:
            sorting.add(table)
        sorting.protect(metadata, disclosure_policy(metadata, config))
        return _write_data(
            sorting.dataset(metadata), path, format=format, agency=agency,
            flags_as_text=flags_as_text, progress=progress, batches=sorting.batches(),
            register=register,
        )  # fmt: skip


class _Sorting:
    """Derived observations on their way to a writer: sorted, and dataset values gathered.

    With ``protection``, the observations first go through disclosure control
    (`protect`): they are sorted by FREQ, REPORTING_TYPE, SERIES and TIME_PERIOD (an
    external sort, like the final one), so that every group of cells that totals relate
    arrives whole; each run of such slices is protected and handed to the key-order sort.
    Memory holds one part of the sort plus the largest slice.
    """

    def __init__(self, memory_rows: int, *, protection: bool = False) -> None:
        self._memory_rows = memory_rows
        self._spill = SortedSpill(memory_rows=memory_rows)
        self._grouping = (
            SortedSpill(memory_rows=memory_rows, key=_slice_order) if protection else None
        )
        self._values = DatasetValues(layout(get_standard().dsd).dataset_attributes)

    def __enter__(self) -> _Sorting:
        return self

    def __exit__(self, *exc: object) -> None:
        self._spill.close()
        if self._grouping is not None:
            self._grouping.close()

    def add(self, table: pa.Table) -> None:
        self._values.add(table)
        (self._grouping or self._spill).add(table)

    def protect(self, metadata: DatasetMetadata, policy: DisclosurePolicy) -> DisclosureAudit:
        """Apply disclosure control to everything added (slice by slice), and audit it."""
        audit = DisclosureAudit(policy=policy)
        if self._grouping is None:
            return audit
        # the rows of the last slice seen, which the next table may continue: kept as they
        # came, and slice keys computed once per row (a slice larger than a part of the
        # sort, one series and period of a survey round, is not gone over again per part)
        carry: list[pa.Table] = []
        for table in self._grouping.tables():
            slices = _slice_keys(table)
            whole = pc.not_equal(slices, slices[-1].as_py())
            done = table.filter(whole)
            if done.num_rows:  # the carried slice ends in this table: protect it with the rest
                self._protect(pa.concat_tables([*carry, done]), metadata, policy, audit)
                carry = []
            carry.append(table.filter(pc.invert(whole)))
        if carry:
            self._protect(pa.concat_tables(carry), metadata, policy, audit)
        self._grouping.close()
        self._grouping = None
        return audit

    def _protect(
        self,
        table: pa.Table,
        metadata: DatasetMetadata,
        policy: DisclosurePolicy,
        audit: DisclosureAudit,
    ) -> None:
        if table.num_rows:
            protected, found = protect_table(table, metadata, policy, keep_intervals=False)
            audit.merge(found, keep=False)  # the counts: intervals would grow with n
            self._spill.add(protected)

    def dataset(self, metadata: DatasetMetadata) -> CommunityDataset:
        """The dataset the writers see: the metadata, the observations' schema."""
        return CommunityDataset.model_construct(
            metadata=metadata, observations=canonical_schema().empty_table()
        )

    def batches(self) -> Batches:
        return Batches(tables=self._spill.tables(), dataset_values=self._values.values())


def _slice_keys(table: pa.Table) -> pa.Array:
    """Each row's slice: the dimensions that cells related by totals share."""
    parts = [pc.fill_null(table.column(n), "") for n in GROUP_DIMENSIONS]
    joined = pc.binary_join_element_wise(*parts, "\x1f")
    return joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined


def _slice_order(table: pa.Table) -> pa.ChunkedArray:
    """Sort key of the disclosure stage: the slice, then the observation's key."""
    return pc.binary_join_element_wise(_slice_keys(table), row_keys(table), "\x1e")


def _finish(
    dataset: CommunityDataset,
    report: Report,
    data_path: Path,
    output: str | Path,
    to: str,
    owner: tuple[str | None, Register | None],
    with_metadata: bool,
    progress: Progress | None,
    audit: DisclosureAudit | None = None,
) -> Conversion:
    """Write the reference metadata beside the data message (or remove the data on failure)."""
    meta_path = None
    if with_metadata:
        meta_format = "sdmx-ml-3.0" if to == "sdmx-ml-3.0" else "sdmx-ml-2.1"
        try:
            agency, register = owner
            meta_path = write_metadata(
                dataset, metadata_path_for(output), format=meta_format, agency=agency,
                register=register,
            )  # fmt: skip
        except BaseException:
            data_path.unlink(missing_ok=True)
            raise
    notify(progress, "done")
    if audit is not None:  # the report says what disclosure control did
        report = report.model_copy(update={"notes": (*report.notes, audit.summary())})
    return Conversion(report=report, data=data_path, metadata=meta_path, audit=audit)


def _metadata_format(path: Path) -> str:
    head = path.read_bytes()[:4096]
    return "sdmx-ml-3.0" if b"schemas/v3_0" in head else "sdmx-ml-2.1"


def read_dataset(
    path: str | Path,
    *,
    metadata: str | Path | None = None,
) -> CommunityDataset:
    """Read a data message written by sdmx_cso (any format) back into a dataset.

    `sdmx_cso.read` calls it for a message of the standard with its metadata.

    The reference metadata is read from ``metadata`` or from ``<stem>.metadata.xml`` beside
    the data file.

    Raises:
        ReadError: a file is missing or cannot be read.
        UnsupportedFormat: the file is not one of our data formats.
    """
    path = Path(path)
    if not path.is_file():
        raise ReadError("no such file", path=path)
    fmt = detect_format(path)
    meta_path = Path(metadata) if metadata is not None else metadata_path_for(path)
    if not meta_path.is_file():
        raise ReadError(
            "no reference metadata beside the data (give it with metadata=)", path=meta_path
        )
    try:
        md = reader_for(_metadata_format(meta_path), kind="metadata")(meta_path)
        structure = structure_for(md)
        table = reader_for(fmt)(path, structure=structure)
        return CommunityDataset(metadata=md, observations=table)
    except SdmxCsoError:
        raise
    except ValueError as exc:
        raise ReadError(f"not a valid {fmt} message: {exc}", path=path) from exc

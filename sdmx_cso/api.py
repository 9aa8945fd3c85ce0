"""The verbs of the public API: read, validate and load submissions."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import pyarrow as pa

from sdmx_cso.io import read_submission, submission_of_table
from sdmx_cso.io.csv_batches import BLOCK_BYTES, NotStreamable
from sdmx_cso.io.metadata_file import upper_keys
from sdmx_cso.io.submission import submission_batches
from sdmx_cso.model import CommunityDataset, DatasetMetadata, DerivationConfig
from sdmx_cso.model.frames import text_table
from sdmx_cso.model.register import CONSTRAINED_DIMENSIONS, Register, default_register
from sdmx_cso.model.submission import RawSubmission
from sdmx_cso.progress import Progress, notify
from sdmx_cso.standard import DEFAULT_AGENCY
from sdmx_cso.validation import Report, to_dataset, validate_submission
from sdmx_cso.validation.submission import BatchCheck

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Metadata", "Source", "as_submission", "check_in_batches", "load", "validate"]

#: A submission: a path (data file, folder or zip), a table of observations in memory
#: (`pandas.DataFrame`, `pyarrow.Table`, or a sequence of row mappings), or a raw submission.
Source: TypeAlias = (
    "str | Path | RawSubmission | pd.DataFrame | pa.Table | Sequence[Mapping[str, Any]]"
)
#: A submission's metadata: a file, a mapping of metadata fields, or a `DatasetMetadata`.
Metadata: TypeAlias = "str | Path | Mapping[str, Any] | DatasetMetadata"


def _metadata_fields(metadata: Mapping[str, Any] | DatasetMetadata) -> dict[str, Any]:
    if isinstance(metadata, DatasetMetadata):
        metadata = metadata.model_dump(by_alias=True, mode="json", exclude_none=True)
    fields: dict[str, Any] = upper_keys(metadata, "<metadata>")
    return fields


def as_submission(
    source: Source, metadata: Metadata | None = None, *, progress: Progress | None = None
) -> RawSubmission:
    """``source`` as a raw submission, reading it if it is a path.

    ``progress`` receives ``read`` before reading and ``validate`` with the rows read.
    """
    in_file = metadata if metadata is None or isinstance(metadata, str | Path) else None
    if isinstance(source, RawSubmission):
        raw = source
    elif isinstance(source, str | Path):
        notify(progress, "read", path=source)
        raw = read_submission(source, metadata=in_file)
    else:
        raw = submission_of_table(text_table(source), in_file, data_file="<table>")
    if metadata is not None and not isinstance(metadata, str | Path):
        raw = dataclasses.replace(
            raw, metadata=_metadata_fields(metadata), metadata_file="<metadata>"
        )
    notify(progress, "validate", raw.table.num_rows, raw.data_file)
    return raw


def check_in_batches(
    source: str | Path,
    *,
    metadata: str | Path | None = None,
    config: DerivationConfig | None = None,
    build: bool = False,
    each: Callable[[pa.Table], None] | None = None,
    progress: Progress | None = None,
    block_bytes: int = BLOCK_BYTES,
    register: Register | None = None,
) -> tuple[BatchCheck, str]:
    """Check a CSV submission a record batch at a time (the batch pipeline's front half).

    Reads, checks and (with ``build``) derives one block of the file at a time; each
    block's derived observations go to ``each`` while the submission is still valid.
    Returns the finished check (its `BatchCheck.report`) and the data file's name.

    Raises:
        NotStreamable: the submission must be read whole (a zip, a workbook, a file that
            is not plain UTF-8 CSV…); nothing has been handed to ``each`` that matters.
        ReadError: a file cannot be read at all.
    """
    opened = submission_batches(source, metadata=metadata, block_bytes=block_bytes)
    notify(progress, "read", path=source)
    check = BatchCheck(opened.first, config=config, build=build, register=register)
    for raw in opened.batches:
        derived = check.add(raw)
        if derived is not None and each is not None:
            each(derived)
        notify(progress, "validate", check.rows, opened.data_file)
    return check, opened.data_file


def validate(
    source: Source,
    *,
    metadata: Metadata | None = None,
    pick: Collection[str] = (),
    skip: Collection[str] = (),
    warnings_as_errors: bool = False,
    config: DerivationConfig | None = None,
    progress: Progress | None = None,
    register: Register | None = None,
) -> Report:
    """Check a submission against the standard; every problem is in the report.

    Never raises for invalid data: an unknown code, a bad number or a missing metadata field
    is an issue of the report, located by file, row and column. A CSV file is read and
    checked a block at a time (`check_in_batches`), in memory that does not grow with its
    rows; a zip, a workbook or a file that is not plain UTF-8 CSV is read whole.

    Args:
        source: a submission path (data file, folder or zip); observations in memory (a
            `pandas.DataFrame`, a `pyarrow.Table` or a sequence of row mappings, columns
            named by concept ID, located in the report as file ``<table>``, row 2 being the
            first); or a `RawSubmission`.
        metadata: the metadata: a file (when ``source`` is a data file or a table), a
            mapping of metadata fields, or a `DatasetMetadata`.
        pick: report only these issue codes or tags.
        skip: leave out these issue codes or tags.
        warnings_as_errors: treat warnings as errors.
        config: thresholds of the derivation rules.
        progress: a callback for `sdmx_cso.pipeline.ProgressEvent` events (``read``, ``validate``,
            ``done``).
        register: the coalition's register, which holds the dataflow and codes a registered
            dataset may use (default: the one packaged with the standard).

    Raises:
        ReadError: a file cannot be read at all.

    Examples:
        >>> from sdmx_cso import validate
        >>> from sdmx_cso.examples import example_path
        >>> validate(example_path("kenya-disability-survey")).valid
        True

        A table in memory, with its metadata:

        >>> import pandas as pd
        >>> frame = pd.DataFrame({"SERIES": ["CGD_DIS_CARD"], "REF_AREA": ["KE-06"],
        ...                       "TIME_PERIOD": ["2022"], "OBS_VALUE": ["forty"]})
        >>> report = validate(frame, metadata=example_path("kenya-disability-survey")
        ...                   / "metadata.yaml")
        >>> [(i.row, i.column, i.code) for i in report.issues if i.column == "OBS_VALUE"]
        [(2, 'OBS_VALUE', 'invalid-number')]
    """
    report: Report | None = None
    if isinstance(source, str | Path) and (metadata is None or isinstance(metadata, str | Path)):
        try:
            check, data_file = check_in_batches(
                source, metadata=metadata, config=config, progress=progress, register=register
            )
            report = check.report(data_file, pick=pick, skip=skip,
                                  warnings_as_errors=warnings_as_errors)  # fmt: skip
        except NotStreamable:
            report = None  # read whole below
    if report is None:
        raw = as_submission(source, metadata, progress=progress)
        report = validate_submission(
            raw,
            pick=pick,
            skip=skip,
            warnings_as_errors=warnings_as_errors,
            config=config,
            register=register,
        )
    notify(progress, "done")
    return report


def register_dataset(
    source: Source | CommunityDataset,
    *,
    metadata: Metadata | None = None,
    register: Register | None = None,
    agency: str | None = None,
    date: dt.date | None = None,
) -> Register:
    """The coalition's register with a dataset registered in a new release.

    The release adds what the dataset declares and the register lacks (coalition series,
    local areas, service points, data providers) and registers the dataset's dataflow with the
    SERIES, REF_AREA and SERVICE_POINT codes its observations use: that is its allowed content
    constraint. Registering a revision that uses more codes is how its new codes are
    accepted. A dataset already registered as it is leaves the register unchanged.

    Args:
        source: a submission (path or `RawSubmission`), or a dataset already loaded.
        metadata: the metadata file, when ``source`` is a data file.
        register: the register to add to (default: the one packaged for ``agency``).
        agency: the coalition's agency, when no register is given.
        date: the release date.

    Raises:
        InvalidSubmission: the submission has errors (codes outside its old registration
            are not among them: registering admits them).
        RegistrationError: a declaration contradicts a registered code of the same ID.

    Examples:
        >>> from sdmx_cso.examples import example_path
        >>> from sdmx_cso.structures import register_dataset, read_register
        >>> register_dataset(example_path("kenya-disability-survey")) == read_register()
        True
    """
    reg = register if register is not None else default_register(agency or DEFAULT_AGENCY)
    if isinstance(source, CommunityDataset):
        dataset = source
    else:
        raw = as_submission(source, metadata)
        dataset = to_dataset(raw, register=reg, skip=("outside-dataflow-constraint",))
    table = dataset.observations
    used = {dim: table.column(dim).unique().to_pylist() for dim in CONSTRAINED_DIMENSIONS}
    return reg.register(dataset.metadata, used, date=date)


def load(
    source: Source,
    *,
    metadata: Metadata | None = None,
    config: DerivationConfig | None = None,
    register: Register | None = None,
) -> CommunityDataset:
    """Read and check a submission, and return its dataset with derived attributes.

    Args:
        source: a submission path (data file, folder or zip), or a `RawSubmission`.
        metadata: the metadata file, when ``source`` is a data file.
        config: thresholds of the derivation rules.
        register: the coalition's register (default: the one packaged with the standard).

    Raises:
        ReadError: a file cannot be read at all.
        InvalidSubmission: the submission has errors; its ``report`` lists them all.
    """
    return to_dataset(as_submission(source, metadata), config=config, register=register)

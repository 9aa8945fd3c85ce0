"""The verbs of the public API: read, validate and load submissions."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from sdmx_cso.io import read_submission
from sdmx_cso.model import CommunityDataset, DerivationConfig
from sdmx_cso.model.submission import RawSubmission
from sdmx_cso.progress import Progress, notify
from sdmx_cso.validate import Report, to_dataset, validate_submission

__all__ = ["Source", "as_submission", "load", "validate"]

Source = str | Path | RawSubmission


def as_submission(
    source: Source, metadata: str | Path | None = None, *, progress: Progress | None = None
) -> RawSubmission:
    """``source`` as a raw submission, reading it if it is a path.

    ``progress`` receives ``read`` before reading and ``validate`` with the rows read.
    """
    if isinstance(source, RawSubmission):
        raw = source
    else:
        notify(progress, "read", path=source)
        raw = read_submission(source, metadata=metadata)
    notify(progress, "validate", raw.table.num_rows, raw.data_file)
    return raw


def validate(
    source: Source,
    *,
    metadata: str | Path | None = None,
    pick: Collection[str] = (),
    skip: Collection[str] = (),
    warnings_as_errors: bool = False,
    config: DerivationConfig | None = None,
    progress: Progress | None = None,
) -> Report:
    """Check a submission against the standard; every problem is in the report.

    Never raises for invalid data: an unknown code, a bad number or a missing metadata field
    is an issue of the report, located by file, row and column.

    Args:
        source: a submission path (data file, folder or zip), or a `RawSubmission`.
        metadata: the metadata file, when ``source`` is a data file.
        pick: report only these issue codes or tags.
        skip: leave out these issue codes or tags.
        warnings_as_errors: treat warnings as errors.
        config: thresholds of the derivation rules.
        progress: a callback for `sdmx_cso.ProgressEvent` events (``read``, ``validate``,
            ``done``).

    Raises:
        ReadError: a file cannot be read at all.

    Examples:
        >>> from sdmx_cso import example_path, validate
        >>> validate(example_path("kenya-disability-survey")).valid
        True
    """
    report = validate_submission(
        as_submission(source, metadata, progress=progress),
        pick=pick,
        skip=skip,
        warnings_as_errors=warnings_as_errors,
        config=config,
    )
    notify(progress, "done")
    return report


def load(
    source: Source,
    *,
    metadata: str | Path | None = None,
    config: DerivationConfig | None = None,
) -> CommunityDataset:
    """Read and check a submission, and return its dataset with derived attributes.

    Raises:
        ReadError: a file cannot be read at all.
        InvalidSubmission: the submission has errors; its ``report`` lists them all.
    """
    return to_dataset(as_submission(source, metadata), config=config)

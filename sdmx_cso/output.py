"""The verbs that produce and read SDMX: write data, metadata and structures; convert; read.

Every output file is written atomically (a temporary file in the target folder, fsynced, then
renamed): on any error, nothing is left half-written and a previous file is intact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sdmx_cso.api import Source, as_submission
from sdmx_cso.errors import ReadError, SdmxCsoError, UnsupportedFormat
from sdmx_cso.formats import detect_format, reader_for, writer_for
from sdmx_cso.io.atomic import atomic_output
from sdmx_cso.model import CommunityDataset, DatasetMetadata, DerivationConfig
from sdmx_cso.model.structure import DatasetStructure, structure_for
from sdmx_cso.progress import Progress, ProgressWriter, notify
from sdmx_cso.validate import Report, check_submission

__all__ = [
    "Conversion",
    "convert",
    "metadata_path_for",
    "read",
    "structure_of",
    "write_data",
    "write_metadata",
]


def structure_of(
    dataset: CommunityDataset | DatasetMetadata | None = None, *, agency: str | None = None
) -> DatasetStructure:
    """The SDMX structures a dataset's messages refer to (the standard's, or its own)."""
    metadata = dataset.metadata if isinstance(dataset, CommunityDataset) else dataset
    return structure_for(metadata, agency=agency)


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
) -> Path:
    """Write the dataset's observations as an SDMX data message.

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
        progress: a callback for ``write`` `sdmx_cso.ProgressEvent` events (bytes written).

    Raises:
        UnsupportedFormat: an unknown format, or ``flags_as_text`` for ``sdmx-ml-3.0`` or
            ``sdmx-json-2.0``, whose schemas require the multi-valued form.
    """
    write = _data_writer(format, flags_as_text=flags_as_text)
    structure = structure_of(dataset, agency=agency)
    with atomic_output(path) as out:
        if progress is None:
            write(dataset, out, structure=structure)
        else:
            counted = ProgressWriter(out, progress, path)
            write(dataset, counted, structure=structure)
            counted.finish()
    return Path(path)


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
) -> Path:
    """Write the dataset metadata as SDMX reference metadata (2.1 generic or 3.0)."""
    metadata = dataset.metadata if isinstance(dataset, CommunityDataset) else dataset
    write = writer_for(format, kind="metadata")
    structure = structure_of(metadata, agency=agency)
    with atomic_output(path) as out:
        write(metadata, out, structure=structure)
    return Path(path)


@dataclass(frozen=True)
class Conversion:
    """The outcome of :func:`convert`: the report, and the files written (none if invalid)."""

    report: Report
    data: Path | None = None
    metadata: Path | None = None


def convert(
    source: Source,
    *,
    to: str,
    output: str | Path,
    metadata: str | Path | None = None,
    agency: str | None = None,
    with_metadata: bool = True,
    config: DerivationConfig | None = None,
    flags_as_text: bool = False,
    progress: Progress | None = None,
) -> Conversion:
    """Validate a submission and, if it is valid, write it as SDMX.

    Writes the data message to ``output`` and, unless ``with_metadata`` is false, the
    reference metadata beside it (:func:`metadata_path_for`: SDMX-ML 3.0 for
    ``sdmx-ml-3.0`` output, SDMX-ML 2.1 generic metadata otherwise). An invalid submission
    writes nothing: the returned report says why. ``flags_as_text``: see :func:`write_data`.
    ``progress`` receives `sdmx_cso.ProgressEvent` events: ``read``, ``validate``, ``write``
    (bytes of the data message) and ``done``.

    Raises:
        ReadError: a file cannot be read at all.
        UnsupportedFormat: an unknown format (or ``flags_as_text`` for one that cannot).
    """
    _data_writer(to, flags_as_text=flags_as_text)  # fail on a bad format before any work
    raw = as_submission(source, metadata, progress=progress)
    report, dataset = check_submission(raw, config=config)
    del raw  # the dataset holds what is written; the raw table can go
    if dataset is None:
        notify(progress, "done")
        return Conversion(report=report)
    data_path = write_data(
        dataset,
        output,
        format=to,
        agency=agency,
        flags_as_text=flags_as_text,
        progress=progress,
    )
    meta_path = None
    if with_metadata:
        meta_format = "sdmx-ml-3.0" if to == "sdmx-ml-3.0" else "sdmx-ml-2.1"
        try:
            meta_path = write_metadata(
                dataset, metadata_path_for(output), format=meta_format, agency=agency
            )
        except BaseException:
            data_path.unlink(missing_ok=True)
            raise
    notify(progress, "done")
    return Conversion(report=report, data=data_path, metadata=meta_path)


def _metadata_format(path: Path) -> str:
    head = path.read_bytes()[:4096]
    return "sdmx-ml-3.0" if b"schemas/v3_0" in head else "sdmx-ml-2.1"


def read(
    path: str | Path,
    *,
    metadata: str | Path | None = None,
) -> CommunityDataset:
    """Read a data message written by sdmx_cso (any format) back into a dataset.

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

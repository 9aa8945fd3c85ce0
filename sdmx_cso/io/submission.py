"""Read a submission: a data file plus a metadata file, or a folder or zip holding both."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

import pyarrow as pa

from sdmx_cso.errors import ReadError, UnsupportedFormat
from sdmx_cso.io._limits import MAX_MEMBER_BYTES, check_member
from sdmx_cso.io.csv_batches import BLOCK_BYTES, NotStreamable, csv_header, csv_tables
from sdmx_cso.io.metadata_file import METADATA_SUFFIXES, read_metadata, upper_keys
from sdmx_cso.io.metadata_sheet import METADATA_SHEET, read_metadata_sheet
from sdmx_cso.io.tables import TableRead, read_csv, read_xlsx, xlsx_sheet_names
from sdmx_cso.model.submission import RawSubmission, ReadProblem

__all__ = [
    "DATA_SUFFIXES",
    "MAX_MEMBER_BYTES",
    "SubmissionBatches",
    "read_submission",
    "submission_batches",
    "submission_of_table",
]

DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


@dataclass(frozen=True)
class _Source:
    name: str
    data: bytes


def read_submission(
    path: str | Path,
    *,
    metadata: str | Path | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> RawSubmission:
    """Read a submission as it is, without judging it (see `sdmx_cso.validation`).

    Args:
        path: a data file (CSV or XLSX), or a folder or ``.zip`` submission package holding
            ``data.csv``/``data.xlsx`` and ``metadata.yaml``/``metadata.json``.
        metadata: the metadata file, when ``path`` is a data file. When omitted, a
            ``metadata.yaml``/``.yml``/``.json`` next to the data file is used.
        encoding: force the encoding of a CSV file (default: detected).
        delimiter: force the CSV delimiter (default: detected among ``, ; tab |``).
        sheet: the XLSX sheet (default: a sheet named ``data``, else the first).

    Raises:
        ReadError: a file is missing or cannot be read at all.
        UnsupportedFormat: the data file is of a kind sdmx_cso does not read.
    """
    path = Path(path)
    if not path.exists():
        raise ReadError("no such file or folder", path=path)
    if path.is_dir():
        data_src, meta_src = _from_folder(path)
    elif path.suffix.lower() == ".zip":
        data_src, meta_src = _from_zip(path)
    else:
        data_src = _Source(str(path), _read(path))
        meta_src = None
    if metadata is not None:
        meta_src = _Source(str(metadata), _read(Path(metadata)))
    elif meta_src is None and not path.is_dir() and path.suffix.lower() != ".zip":
        meta_src = _sibling_metadata(path)
    meta_problems: tuple[ReadProblem, ...] = ()
    if meta_src is not None:
        (fields, meta_problems), metadata_file = _metadata(meta_src), meta_src.name
    else:
        fields, metadata_file = _metadata_sheet(data_src, path)
    table = _table(data_src, encoding=encoding, delimiter=delimiter, sheet=sheet)
    return RawSubmission(
        table=table.table,
        metadata=fields,
        data_file=data_src.name,
        metadata_file=metadata_file,
        columns=table.columns,
        row_numbers=table.row_numbers,
        problems=(*meta_problems, *table.problems),
    )


def submission_of_table(
    table: pa.Table,
    metadata: str | Path | Mapping[str, Any] | None,
    *,
    data_file: str = "<table>",
) -> RawSubmission:
    """A submission held in memory: a table of text columns and its metadata.

    The header is normalised as a file's is (surrounding spaces and case ignored); the
    metadata is a file (read as `read_submission` reads it: a syntax error is a located
    problem of the report), a mapping of metadata fields (keys upper-cased at every level),
    or nothing (every mandatory field is then reported missing).

    Raises:
        ReadError: the metadata file cannot be opened.
    """
    names = list(table.column_names)
    normalised = [name.strip().lstrip("\ufeff").strip().upper() for name in names]
    problems: tuple[ReadProblem, ...] = ()
    metadata_file: str | None = None
    fields: dict[str, Any]
    if metadata is None:
        fields = {}
    elif isinstance(metadata, str | Path):
        metadata_file = str(metadata)
        fields, problems = _metadata(_Source(metadata_file, _read(Path(metadata))))
    else:
        metadata_file = "<metadata>"
        fields = upper_keys(metadata, metadata_file)
    return RawSubmission(
        table=table.rename_columns(normalised),
        metadata=fields,
        data_file=data_file,
        metadata_file=metadata_file,
        columns=dict(zip(normalised, names, strict=True)),
        problems=problems,
    )


@dataclass(frozen=True)
class SubmissionBatches:
    """A CSV submission read a record batch at a time (see `submission_batches`).

    Attributes:
        data_file: the data file.
        first: an empty batch carrying the header, metadata and files (for checks that
            need them before any row).
        batches: the rows, each batch a `RawSubmission` placed in the file by its
            ``first_row``. Iterating may raise `NotStreamable` (read the whole file
            instead) or `ReadError`.
    """

    data_file: str
    first: RawSubmission
    batches: Iterator[RawSubmission]


def submission_batches(
    path: str | Path,
    *,
    metadata: str | Path | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    block_bytes: int = BLOCK_BYTES,
) -> SubmissionBatches:
    """Open a submission whose data is a CSV file on disk, to read it a batch at a time.

    Takes the same submissions as `read_submission`, but only a data file that is CSV
    (alone, or in a folder); a zip or an XLSX workbook is read whole.

    Raises:
        NotStreamable: the submission must be read whole (`read_submission`).
        ReadError: a file is missing or cannot be read at all.
    """
    data_path, meta_src = _csv_parts(Path(path), metadata)
    try:
        header = csv_header(data_path, encoding=encoding, delimiter=delimiter)
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}", path=data_path) from exc
    parsed, meta_problems = _metadata(meta_src)
    data_file = str(data_path)

    def raw(table: pa.Table, first_row: int, problems: tuple[ReadProblem, ...]) -> RawSubmission:
        return RawSubmission(
            table=table,
            metadata=parsed,
            data_file=data_file,
            metadata_file=meta_src.name,
            columns=header.columns,
            first_row=first_row,
            problems=problems,
        )

    empty = pa.table({name: pa.array([], pa.string()) for name in header.names})

    def batches() -> Iterator[RawSubmission]:
        given = False
        for table, first_row, problems in csv_tables(data_path, header, block_bytes=block_bytes):
            # a metadata problem is the first batch's, so that it is reported once
            yield raw(table, first_row, (*(() if given else meta_problems), *problems))
            given = True
        if not given:
            yield raw(empty, 2, meta_problems)

    first = raw(empty, 2, meta_problems)
    return SubmissionBatches(data_file=data_file, first=first, batches=batches())


def _metadata(src: _Source) -> tuple[dict[str, Any], tuple[ReadProblem, ...]]:
    """The parsed metadata file, or nothing and the located problem that stopped it.

    A metadata file that is not YAML/JSON, or not a mapping, is a problem of the report
    (``metadata-syntax``, with its line), like any other mistake in a submission: the data
    are still checked, and the user sees every problem at once.
    """
    try:
        return read_metadata(src.data, path=src.name), ()
    except ReadError as exc:
        message = f"{PurePath(src.name).name}: {exc.reason}"
        return {}, (ReadProblem("metadata-syntax", message, row=exc.row, file=src.name),)


def _csv_parts(path: Path, metadata: str | Path | None) -> tuple[Path, _Source]:
    """The CSV data file of a submission (file or folder), and its metadata."""
    if not path.exists():
        raise ReadError("no such file or folder", path=path)
    meta_src: _Source | None
    if path.is_dir():
        names = [p.name for p in path.iterdir() if p.is_file()]
        data = _pick(names, "data", DATA_SUFFIXES, path)
        if data is None:
            raise ReadError("the folder holds no data.csv or data.xlsx", path=path)
        data_path = path / data
        meta = _pick(names, "metadata", METADATA_SUFFIXES, path)
        meta_src = None if meta is None else _Source(str(path / meta), _read(path / meta))
    else:
        data_path, meta_src = path, None
    if data_path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        raise NotStreamable("not a CSV file on disk")
    if metadata is not None:
        meta_src = _Source(str(metadata), _read(Path(metadata)))
    elif meta_src is None and not path.is_dir():
        meta_src = _sibling_metadata(path)
    if meta_src is None:
        raise ReadError(
            "no metadata file: give one with --metadata, or put metadata.yaml beside the data",
            path=path,
        )
    return data_path, meta_src


def _metadata_sheet(data_src: _Source, path: Path) -> tuple[dict[str, Any], str]:
    """The metadata of a workbook's ``metadata`` sheet, for a workbook without a metadata file.

    Raises:
        ReadError: no metadata file, and no metadata sheet with values.
    """
    found = None
    if PurePosixPath(data_src.name).suffix.lower() == ".xlsx":
        names = xlsx_sheet_names(data_src.data, path=data_src.name)
        found = read_metadata_sheet(data_src.data, path=data_src.name, names=names)
    if found is None:
        raise ReadError(
            "no metadata file: give one with --metadata, put metadata.yaml beside the data, "
            f"or fill the {METADATA_SHEET!r} sheet of an XLSX workbook (sdmx-cso template)",
            path=path,
        )
    return found, f"{data_src.name} (sheet {METADATA_SHEET!r})"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReadError("no such file", path=path) from None
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}", path=path) from exc


def _table(
    src: _Source, *, encoding: str | None, delimiter: str | None, sheet: str | None
) -> TableRead:
    suffix = PurePosixPath(src.name).suffix.lower()
    if suffix == ".xlsx":
        return _without_empty_columns(read_xlsx(src.data, path=src.name, sheet=sheet))
    if suffix in (".csv", ".tsv", ".txt"):
        delim = delimiter or ("\t" if suffix == ".tsv" else None)
        return read_csv(src.data, path=src.name, encoding=encoding, delimiter=delim)
    raise UnsupportedFormat(
        f"{src.name}: data files must be CSV or XLSX ({', '.join(DATA_SUFFIXES)})"
    )


def _without_empty_columns(read: TableRead) -> TableRead:
    """A workbook's table without the columns that are empty in every row.

    A template's sheet has a column for every breakdown its dataflow may have; one left
    empty is as if absent (``_T`` for a dimension), as in a CSV file without that column.
    """
    table = read.table
    if table.num_rows == 0:
        return read
    empty = [n for n in table.column_names if table.column(n).null_count == table.num_rows]
    if not empty:
        return read
    read.table = table.drop_columns(empty)
    read.columns = {k: v for k, v in read.columns.items() if k not in empty}
    return read


def _pick(names: list[str], stem: str, suffixes: tuple[str, ...], where: Path) -> str | None:
    found = [n for n in names if PurePosixPath(n).name.lower() in {stem + s for s in suffixes}]
    if len(found) > 1:
        raise ReadError(f"more than one {stem} file: {', '.join(sorted(found))}", path=where)
    return found[0] if found else None


def _from_folder(folder: Path) -> tuple[_Source, _Source | None]:
    names = [p.name for p in folder.iterdir() if p.is_file()]
    data = _pick(names, "data", DATA_SUFFIXES, folder)
    if data is None:
        raise ReadError("the folder holds no data.csv or data.xlsx", path=folder)
    meta = _pick(names, "metadata", METADATA_SUFFIXES, folder)
    meta_src = None if meta is None else _Source(str(folder / meta), _read(folder / meta))
    return _Source(str(folder / data), _read(folder / data)), meta_src


def _from_zip(path: Path) -> tuple[_Source, _Source | None]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if not i.is_dir()]
            unsafe = [i.filename for i in members if _unsafe(i.filename)]
            if unsafe:
                shown = ", ".join(repr(n) for n in unsafe[:3])
                raise ReadError(
                    f"the zip has members with unsafe paths ({shown}): refused. A "
                    "submission package holds data.csv (or data.xlsx) and metadata.yaml, "
                    "at the top or in one folder",
                    path=path,
                )
            top = [i.filename for i in members if _top_level(i.filename)]
            data = _pick(top, "data", DATA_SUFFIXES, path)
            if data is None:
                raise ReadError("the zip holds no data.csv or data.xlsx", path=path)
            meta = _pick(top, "metadata", METADATA_SUFFIXES, path)
            data_src = _Source(f"{path}!{data}", _member(archive, data, path))
            meta_src = (
                None if meta is None else _Source(f"{path}!{meta}", _member(archive, meta, path))
            )
            return data_src, meta_src
    except zipfile.BadZipFile as exc:
        raise ReadError(f"not a readable zip file: {exc}", path=path) from exc


def _unsafe(name: str) -> bool:
    """Whether a member name would escape the folder it would be extracted into.

    As ``../x``, ``/etc/x`` or ``C:/x`` (backslashes counted as slashes). sdmx_cso never
    extracts a zip, but only a crafted zip has such names.
    """
    posix = name.replace("\\", "/")
    return (
        posix.startswith("/")
        or ".." in PurePosixPath(posix).parts
        or (len(posix) > 1 and posix[1] == ":" and posix[0].isalpha())
        or "\0" in name
    )


def _top_level(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return len(parts) == 1 or (len(parts) == 2 and not parts[0].startswith("__"))


def _member(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    info = archive.getinfo(name)
    check_member(info, path=path)
    with archive.open(info) as handle:
        data = handle.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise ReadError(f"{name} is larger than {MAX_MEMBER_BYTES} bytes", path=path)
    return data


def _sibling_metadata(path: Path) -> _Source | None:
    for suffix in METADATA_SUFFIXES:
        candidate = path.with_name("metadata" + suffix)
        if candidate.is_file():
            return _Source(str(candidate), _read(candidate))
    return None

"""SDMX-CSV 1.0 and 2.0 data messages, ours and others', read into the neutral table.

One reader for every SDMX-CSV message: :func:`read_neutral` gives the neutral table
(:mod:`sdmx_cso.formats.neutral`) and :func:`read_canonical` turns one of the standard's own
messages into the standard's columns. SDMX-CSV needs no DSD: its header names the components.
What is understood (``conformance/specs/sdmx-csv/``):

- **1.0**: first column ``DATAFLOW`` (its values give the structure ID); the separator is the
  character right after ``DATAFLOW``.
- **2.0**: ``STRUCTURE`` or ``STRUCTURE[x]`` (``x`` = sub-field separator), ``STRUCTURE_ID``,
  optional ``STRUCTURE_NAME`` (``labels=name``: every component column is then followed by a
  name column, which is dropped), optional ``ACTION``, ``SERIES_KEY`` and ``OBS_KEY``. The
  separator is the character after ``STRUCTURE`` / ``STRUCTURE[x]``.
- ``labels=both``: headers ``ID: Name`` give the ID; in a column whose every value reads
  ``ID: Name`` (coded values), the ID is kept; other columns (free text) are kept whole.
- **Multi-valued** ``ATTR[]`` columns become ``list<string>`` columns: the values split on the
  sub-field separator (``;`` when the header declares none, with a note), empty ones left out.
- **Multilingual** ``ATTR[en;fr]`` columns (values ``en:Text;fr:Texte``) keep the English
  text, or else the first, in ``ATTR`` and every other language in ``ATTR.fr``, … Multilingual
  *multi-valued* values (nested quotes) and nested metadata attributes (``CONTACT[].NAME[]``)
  are kept as written, with a note.
- Structural columns (``STRUCTURE``, ``STRUCTURE_NAME``, ``SERIES_KEY``, ``OBS_KEY``) are
  dropped. ``STRUCTURE_ID``/``DATAFLOW`` becomes ``structure_id``, and stays a column only when
  rows refer to different structures. ``ACTION`` stays a column only when some row deletes
  (``D``): such rows are not observations, and a note says so.
- Custom columns (e.g. ``UPDATED``) are kept, as the message has them.

Reading streams: Arrow's CSV reader parses the rows after the header a block
(:data:`BLOCK_BYTES`) at a time into record batches, each turned into the neutral columns
before the next is read; no row is ever a Python object, except the values of multilingual
columns. A block must hold whole records: a record longer than a block (a long XHTML value)
makes the reader start again with blocks 8 times as large. A message in UTF-16 or UTF-32
(rare: SDMX-CSV is UTF-8) is transcoded whole first.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from sdmx_cso.errors import ReadError
from sdmx_cso.formats._head import encoding_of, head_text, read_head
from sdmx_cso.formats.neutral import Components, ParsedTable, to_canonical
from sdmx_cso.standard import DsdSpec

__all__ = ["BLOCK_BYTES", "handles", "read_canonical", "read_neutral", "structure_ref",
           "version_of"]  # fmt: skip

#: Bytes of the message parsed at a time (a record batch holds the rows of one block). Arrow's
#: streaming reader reads some 32 blocks ahead: this bounds the memory the reading takes.
BLOCK_BYTES = 1024 * 1024

#: Largest block tried for a record longer than BLOCK_BYTES (Arrow's blocks hold whole records).
_MAX_BLOCK = 1024 * 1024 * 1024
_HEAD = 64 * 1024
_MAX_HEADER = 16 * 1024 * 1024
_ID = r"[A-Za-z0-9_@$\-]+"
_LABELLED = rf"^{_ID}: "
_STRUCTURE_REF = re.compile(r"([^\s:]+:[^\s(:]+(?:\([^)\s]*\))?)(?:: .*)?$", re.DOTALL)
_DECIMAL_COMMA = r"^[+-]?\d+,\d+$"
#: The separator: the character after DATAFLOW or STRUCTURE[x] (no line end, no quote).
_HEADER_1 = re.compile(r'DATAFLOW(?P<sep>[^\w\[\r\n"])')
_HEADER_2 = re.compile(r'STRUCTURE(?:\[(?P<sub>[^\]\r\n"])\])?(?P<sep>[^\w\[\r\n"])')
_FRAME_2 = frozenset({"STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "SERIES_KEY",
                      "OBS_KEY"})  # fmt: skip
_RAGGED = re.compile(
    r"Row #(?P<row>\d+): Expected (?P<expected>\d+) columns, got (?P<got>\d+): (?P<text>.*)",
    re.DOTALL,
)
_LANG = r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*"


@dataclass(frozen=True)
class _Column:
    name: str
    """Component ID (labels and brackets removed), or the custom column's term."""
    kind: str
    """``keep``, ``multi``, ``lang``, ``drop``, ``structure``, ``action`` or ``nested``."""
    header: str
    """The header field as written."""


@dataclass(frozen=True)
class _Header:
    version: str
    separator: str
    declared_sub: str | None
    """The sub-field separator of ``STRUCTURE[x]``, or ``None`` when the header has none."""
    columns: list[_Column]

    @property
    def sub(self) -> str:
        return self.declared_sub or ";"


# -- which messages --------------------------------------------------------------------------


def handles(head: bytes) -> bool:
    """Whether a message beginning with ``head`` (its first 4 KiB) is SDMX-CSV."""
    return version_of(head) is not None


def version_of(head: bytes) -> Literal["1.0", "2.0"] | None:
    """The SDMX-CSV version of a message beginning with ``head``, from its header.

    ``1.0`` (``DATAFLOW``), ``2.0`` (``STRUCTURE``), or ``None`` when it is not SDMX-CSV.
    """
    text = head_text(head).lstrip()
    if _HEADER_1.match(text):
        return "1.0"
    return "2.0" if _HEADER_2.match(text) else None


def structure_ref(source: Path | bytes) -> str | None:
    """The structure the first row of an SDMX-CSV message refers to, from two lines.

    Raises:
        ReadError: not SDMX-CSV.
    """
    path = source if isinstance(source, Path) else None
    data = source if isinstance(source, bytes) else read_head(source, _HEAD)
    text = _decode(data, path, whole=False)
    header = _parse_header(text.split("\n", 1)[0].rstrip("\r"), path)
    rows = csv.reader(io.StringIO(text), delimiter=header.separator)
    next(rows, None)
    try:
        row = next(rows, [])
    except csv.Error:
        return None
    kinds = [c.kind for c in header.columns]
    at = kinds.index("structure") if "structure" in kinds else None
    return _structure_ref(row[at]) if at is not None and at < len(row) and row[at] else None


# -- reading ---------------------------------------------------------------------------------


def read_neutral(source: Path | bytes, *, components: Components | None = None) -> ParsedTable:
    """Read an SDMX-CSV 1.0 or 2.0 data message into the neutral table.

    Args:
        source: the message, as a path or bytes.
        components: the components of its DSD, when known: their columns come first, in
            DSD order (the message's order otherwise).

    Raises:
        ReadError: not UTF-8 (or UTF-16/32 with a byte-order mark), not SDMX-CSV, a column
            twice in the header, or a row whose length differs from the header's.
    """
    return _read(source, components)[0]


def read_canonical(source: Path | bytes, dsd: DsdSpec) -> pa.Table:
    """One of the standard's own SDMX-CSV messages, in the standard's columns.

    The neutral table (:func:`read_neutral`), refused where it is not a dataset (a row that
    deletes, a multi-valued column without a declared sub-field separator), then
    :func:`~sdmx_cso.formats.neutral.to_canonical`: columns of the DSD first, in DSD order,
    custom columns after, multi-valued values joined with one space (the form of
    ``QUALITY_FLAGS``).

    Raises:
        ReadError: naming the file, the row and the column.
    """
    path = source if isinstance(source, Path) else None
    parsed, header = _read(source, Components.of(dsd))
    if header.declared_sub is None:
        for column in header.columns:
            if column.kind == "multi":
                raise ReadError(
                    f"multi-valued column {column.header!r} but no sub-field separator in "
                    "STRUCTURE[x]",
                    path=path,
                    row=1,
                    column=column.name,
                )
    table = parsed.table
    if "ACTION" in table.column_names:
        index = pc.index(table.column("ACTION"), "D").as_py()
        raise ReadError(
            "a deletion (ACTION D) is not a dataset", path=path, row=index + 2, column="ACTION"
        )
    for column in header.columns:  # several structures: the column is not one of ours
        if column.kind == "structure" and column.name in table.column_names:
            table = table.drop_columns([column.name])
    return to_canonical(table, dsd, path)


def _read(source: Path | bytes, components: Components | None) -> tuple[ParsedTable, _Header]:
    path = source if isinstance(source, Path) else None
    data = source if isinstance(source, bytes) else read_head(source, _HEAD)
    if not _is_utf8(data):  # UTF-16 or UTF-32: transcoded whole
        whole = source if isinstance(source, bytes) else _read_bytes(source)
        data = source = _decode(whole, path, whole=True).encode("utf-8")
    data = data.removeprefix(codecs.BOM_UTF8)
    start = len(codecs.BOM_UTF8) if _starts_with_bom(source) else 0
    end = data.find(b"\n")
    while end < 0 and isinstance(source, Path) and len(data) < _MAX_HEADER:
        more = read_head(source, 4 * len(data) + start)[start:]
        if len(more) == len(data):
            break
        data = more
        end = data.find(b"\n")
    header_bytes = data if end < 0 else data[:end]
    try:
        line = header_bytes.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"not a readable SDMX-CSV message: the header is not UTF-8 ({exc.reason})",
            path=path,
            row=1,
        ) from exc
    header = _parse_header(line, path)
    names = [c.name for c in header.columns if c.kind not in ("drop", "nested")]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ReadError(
            f"column {repeated[0]} appears twice in the header", path=path, row=1,
            column=repeated[0],
        )  # fmt: skip
    body_start = start + (len(header_bytes) if end < 0 else end + 1)
    block = BLOCK_BYTES
    while True:
        try:
            tables = list(_tables(source, body_start, header, path, block))
            break
        except _RecordTooLong:  # a record longer than a block: read again with larger ones
            block *= 8
    return _to_parsed(header, tables, components), header


class _RecordTooLong(Exception):
    """A record does not fit in one block of Arrow's CSV reader."""


def _tables(
    source: Path | bytes, offset: int, header: _Header, path: Path | None, block: int
) -> Iterator[pa.Table]:
    """The rows after the header, a block at a time, as neutral columns."""
    raw: Any
    if isinstance(source, bytes):
        if offset >= len(source):
            return
        raw = pa.BufferReader(pa.py_buffer(source).slice(offset))
    else:
        raw = pa.OSFile(str(source), "rb")
        raw.seek(offset)
        if not raw.read(1):
            raw.close()
            return
        raw.seek(offset)
    names = [f"c{i}" for i in range(len(header.columns))]
    try:
        reader = pacsv.open_csv(
            raw,
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False, block_size=block),
            parse_options=pacsv.ParseOptions(
                delimiter=header.separator,
                newlines_in_values=True,
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=[
                    n for n, c in zip(names, header.columns, strict=True) if c.kind != "drop"
                ],
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )
        for batch in reader:
            yield _batch_table(batch, header)
    except pa.ArrowInvalid as exc:
        if "straddles" in str(exc) and block < _MAX_BLOCK:
            raise _RecordTooLong from exc
        raise _parse_error(str(exc), path) from exc
    finally:
        raw.close()


def _parse_error(message: str, path: Path | None) -> ReadError:
    """Arrow's parse error, located (its row numbers count records after the header)."""
    ragged = _RAGGED.search(message)
    if ragged is None:
        return ReadError(f"not a readable SDMX-CSV message: {message}", path=path)
    row = int(ragged["row"]) + 1
    if "\ufffd" in ragged["text"]:
        return ReadError("not a readable SDMX-CSV message: not UTF-8 text", path=path, row=row)
    return ReadError(
        f"{ragged['got']} fields where the header has {ragged['expected']}", path=path, row=row
    )


def _batch_table(batch: pa.RecordBatch, header: _Header) -> pa.Table:
    """One record batch of raw fields as the neutral columns of its rows."""
    columns: dict[str, pa.Array] = {}
    kept = [column for column in header.columns if column.kind != "drop"]
    for column, array in zip(kept, batch.columns, strict=True):
        if column.kind == "multi":
            columns[column.name] = _split(array, header.sub)
        elif column.kind == "lang":
            columns.update(_languages(column.name, array, header.sub))
        elif column.kind == "nested":
            columns[column.header] = array
        elif column.kind in ("structure", "action"):  # the same few values on every row
            columns[column.name] = pc.dictionary_encode(array)
        else:
            columns[column.name] = array
    return pa.table(columns) if columns else pa.table({"": pa.nulls(batch.num_rows, pa.string())})


def _split(array: pa.Array, sub: str) -> pa.Array:
    """``A;B`` → ``["A", "B"]``; empty values left out, a field without any → null."""
    sep = re.escape(sub)
    tidy = pc.replace_substring_regex(array, f"^(?:{sep})+|(?:{sep})+$", "")
    tidy = pc.replace_substring_regex(tidy, f"(?:{sep}){{2,}}", sub)
    tidy = pc.if_else(pc.equal(tidy, ""), pa.scalar(None, pa.string()), tidy)
    return pc.split_pattern(tidy, sub)


def _languages(name: str, array: pa.Array, sub: str) -> dict[str, pa.Array]:
    """``en:Text;fr:Texte`` → ``{name: Text, name.fr: Texte}`` (English, else the first)."""
    split = re.compile(rf"{re.escape(sub)}(?={_LANG}:)")
    tagged = re.compile(rf"({_LANG}):(.*)", re.DOTALL)
    main: list[str | None] = []
    others: dict[str, list[str | None]] = {}
    for number, value in enumerate(array.to_pylist()):
        texts: dict[str, str] = {}
        if value and not value.startswith('"'):
            for part in split.split(value):
                match = tagged.fullmatch(part)
                if match is None:
                    texts = {}
                    break
                texts.setdefault(match[1], match[2])
        first = _main_language(texts)
        main.append(value if first is None else texts[first])
        for lang, other in texts.items():
            if lang == first:
                continue
            column = others.setdefault(lang, [None] * number)
            column.append(other)
        for column in others.values():
            if len(column) <= number:
                column.append(None)
    arrays = {name: pa.array(main, pa.string())}
    arrays.update((f"{name}.{lang}", pa.array(v, pa.string())) for lang, v in others.items())
    return arrays


def _main_language(texts: dict[str, str]) -> str | None:
    """The language kept under the component's ID: English, else the first (as `localised`)."""
    english = [lang for lang in texts if lang == "en" or lang.startswith("en-")]
    return english[0] if english else next(iter(texts), None)


def _to_parsed(
    header: _Header, tables: list[pa.Table], components: Components | None
) -> ParsedTable:
    notes: list[str] = []
    table = _concat(header, tables)
    structure_id: str | None = None
    for column in header.columns:
        if column.kind == "structure":
            table, structure_id = _structures(table, column.name, notes)
        elif column.kind == "action":
            actions = pc.cast(table.column(column.name), pa.string())
            deletes = int(pc.sum(pc.equal(actions, "D")).as_py() or 0)
            if not deletes:
                table = table.drop_columns([column.name])
            else:
                notes.append(f"{deletes} rows delete data (ACTION D): they are not observations")
                at = table.column_names.index(column.name)
                table = table.set_column(at, column.name, actions)
        elif column.kind in ("keep", "multi"):
            at = table.column_names.index(column.name)
            table = table.set_column(at, column.name, _unlabelled(table.column(column.name)))
    notes.extend(_notes(header, table))
    if components is not None:
        first = [n for n in components.order() if n in table.column_names]
        table = table.select(first + [n for n in table.column_names if n not in set(first)])
    return ParsedTable(table, "SDMX-CSV", structure_id, f"sdmx-csv-{header.version}", tuple(notes))


def _structures(table: pa.Table, name: str, notes: list[str]) -> tuple[pa.Table, str | None]:
    """The structure all rows refer to (its column dropped), or the column of each row's."""
    column = table.column(name)  # dictionary-encoded: its values are few
    values = {v for chunk in column.chunks for v in chunk.dictionary.to_pylist() if v}
    found = {_structure_ref(v) for v in values}
    if len(found) <= 1:
        return table.drop_columns([name]), next(iter(found), None)
    refs = _structure_refs(pc.cast(column, pa.string()))
    notes.append(f"rows refer to {len(found)} structures: kept as column {name}")
    return table.set_column(table.column_names.index(name), name, refs), None


def _notes(header: _Header, table: pa.Table) -> Iterator[str]:
    """What a reader of the table should know of how the message was read."""
    if header.separator != "," and any(
        pa.types.is_string(col.type)
        and pc.any(pc.match_substring_regex(col, _DECIMAL_COMMA)).as_py()
        for col in table.columns
    ):
        yield "numbers with a decimal comma are kept as written (e.g. 12,4)"
    multi = [c.name for c in header.columns if c.kind == "multi"]
    if multi and header.declared_sub is None:
        yield (
            "the header declares no sub-field separator (STRUCTURE[x]): multi-valued "
            "columns are split on ;"
        )
    if multi:
        yield f"multi-valued columns ({', '.join(multi)}) are kept as lists of values"
    langs = [c.name for c in header.columns if c.kind == "lang"]
    if langs:
        extra = [n for n in table.column_names if any(n.startswith(f"{i}.") for i in langs)]
        yield (
            f"multilingual columns ({', '.join(langs)}) keep the English text (or the first "
            f"language) under their ID and the other languages in {', '.join(extra) or '(none)'}"
        )
        nested = [n for n in langs if pc.any(pc.starts_with(table.column(n), '"')).as_py()]
        if nested:
            yield f"multilingual multi-valued values of {', '.join(nested)} are kept as written"
    for column in header.columns:
        if column.kind == "nested":
            yield f"nested metadata attribute {column.header} is kept as written"


def _concat(header: _Header, tables: list[pa.Table]) -> pa.Table:
    if not tables:  # no rows: the columns all the same
        kept = [column for column in header.columns if column.kind != "drop"]
        empty = pa.RecordBatch.from_arrays(
            [pa.array([], pa.string()) for _ in kept], names=[f"c{i}" for i in range(len(kept))]
        )
        tables = [_batch_table(empty, header)]
    table = pa.concat_tables(tables, promote_options="default")
    return (
        table.drop_columns([""])
        if "" in table.column_names and not any(c.name == "" for c in header.columns)
        else table
    )


def _structure_refs(values: pa.ChunkedArray) -> pa.Array:
    """``AGENCY:ID(VERSION)`` of each value, names (``labels=both``) left out."""
    unique = pc.unique(values).drop_null()
    refs = pa.array([_structure_ref(v) for v in unique.to_pylist()], pa.string())
    return refs.take(pc.index_in(values, value_set=unique))


def _unlabelled(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A coded column under ``labels=both`` (every value ``ID: Name``) as its IDs."""
    values = column
    is_list = pa.types.is_list(column.type)
    if is_list:
        values = pc.list_flatten(column)
    matched = pc.match_substring_regex(values, _LABELLED)
    if not len(values) or not pc.all(matched).as_py() or pc.all(pc.is_null(values)).as_py():
        return column
    if not is_list:
        return pc.replace_substring_regex(column, rf"(?s)^({_ID}): .*$", r"\1")
    chunks = []
    for chunk in column.chunks:
        start, end = chunk.offsets[0].as_py(), chunk.offsets[-1].as_py()
        values = chunk.values.slice(start, end - start)
        flat = pc.replace_substring_regex(values, rf"(?s)^({_ID}): .*$", r"\1")
        offsets = pc.subtract(chunk.offsets, start)
        chunks.append(pa.ListArray.from_arrays(offsets, flat, mask=chunk.is_null()))
    return pa.chunked_array(chunks, column.type)


# -- the header ------------------------------------------------------------------------------


def _parse_header(line: str, path: Path | None) -> _Header:
    if match := _HEADER_1.match(line):
        version, separator, sub = "1.0", match["sep"], None
    elif match := _HEADER_2.match(line):
        version, separator, sub = "2.0", match["sep"], match["sub"]
    else:
        raise ReadError(
            "not SDMX-CSV: the header must start with DATAFLOW (1.0) or STRUCTURE (2.0) "
            "followed by the separator",
            path=path,
            row=1,
        )
    try:
        fields = next(csv.reader([line], delimiter=separator))
    except csv.Error as exc:
        raise ReadError(f"not a readable SDMX-CSV header: {exc}", path=path, row=1) from exc
    named = version == "2.0" and "STRUCTURE_NAME" in fields
    pending_name = False
    columns: list[_Column] = []
    for number, field in enumerate(fields):
        name = field.split(": ", 1)[0].strip()
        kind = "keep"
        if pending_name:  # labels=name: the name column after a component column
            kind, pending_name = "drop", False
        elif (number, version) == (0, "1.0") or (number, name) == (1, "STRUCTURE_ID"):
            kind = "structure"  # DATAFLOW (1.0) or STRUCTURE_ID (2.0)
        elif version == "2.0" and (number == 0 or name in _FRAME_2):
            kind = "action" if name == "ACTION" else "drop"
        elif "]." in name:  # nested metadata attribute: CONTACT[].NAME[]
            kind, pending_name = "nested", named
        elif bracket := re.fullmatch(r"(.+?)\[([^\]]*)\]", name):
            name, kind = bracket[1], "multi" if not bracket[2] else "lang"
            pending_name = named
        else:
            pending_name = named
        columns.append(_Column(name, kind, field))
    return _Header(version, separator, sub, columns)


def _structure_ref(value: str) -> str:
    match = _STRUCTURE_REF.match(value.strip())
    return match[1] if match else value.strip()


# -- bytes and text --------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:  # pragma: no cover (opened just before)
        raise ReadError(f"cannot be opened: {exc.strerror or exc}", path=path) from exc


def _starts_with_bom(source: Path | bytes) -> bool:
    head = source[:3] if isinstance(source, bytes) else read_head(source, 3)
    return head == codecs.BOM_UTF8


def _is_utf8(head: bytes) -> bool:
    return not head.startswith(
        (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    )


def _decode(data: bytes, path: Path | None, *, whole: bool) -> str:
    """Text of a message (or of its first bytes when not ``whole``)."""
    try:
        if whole:
            return data.decode(encoding_of(data))
        return codecs.getincrementaldecoder(encoding_of(data))().decode(data, final=False)
    except UnicodeDecodeError as exc:
        raise ReadError(f"not a readable SDMX-CSV message: {exc}", path=path) from exc

"""SDMX-JSON 2.0 data messages (time series), valid against the official 2.0.0 JSON Schema.

- ``meta``: schema URL, ``id``, ``prepared`` (UTC now, or ``SOURCE_DATE_EPOCH`` for
  reproducible output), the title as ``name``, the agency as ``sender``.
- ``data.structures[0]``: URN links to dataflow and DSD; the dimensions, the measure and the
  attributes used, with DSD names. Coded values carry code and name from the effective code
  list (`DatasetStructure.codelist`). Uncoded attributes (text, dates, numbers) have no
  ``values``: their values are inline (the 2.0 field guide allows either). That keeps text
  that differs on every row (COMMENT_OBS, SOURCE_DETAIL) out of the header, and avoids the
  schema's ``oneOf`` that rejects ``{"value": 5}`` (an integer *and* a number).
- A dimension with one value sits at ``dataSet`` level (as the field guide recommends), the
  others (and SERIES always, so a series key is never empty) at ``series`` level,
  TIME_PERIOD at ``observation`` level. Attribute ``relationship`` follows the DSD, but an
  attribute *sits* where its values are constant: ``dataSet`` (one value), ``series`` (a
  series- or dataset-level attribute that agrees within every series), else ``observation``
  (also for inline negative numbers: the schema sets a minimum of 0 on data-set and series
  entries). So the message is lossless even for data that breaks "one value per series".
- ``dataSets[0].series`` keyed ``"i:j"`` (indices of the series-level dimensions), with
  ``attributes`` and ``observations`` keyed by TIME_PERIOD index: ``[OBS_VALUE,
  attribute…]``, ``null`` when absent, trailing nulls left out. A key that occurs twice
  raises `SdmxExportError`.
- **QUALITY_FLAGS** is multi-valued (SDMX 3.0). As the 2.0 field guide has it for a
  component with ``maxOccurs`` > 1, each of its ``values`` holds a ``values`` array: one
  distinct *set* of flags (``{"values": ["SELF_REPORTED", "SMALL_SAMPLE"], "name": …}``),
  referred to by index. An array of code indices (``[0, 4]``) cannot be used: it matches
  both the integer and the number branch of the schema's ``valueArray`` ``oneOf`` and never
  validates (sdmx-json issues #116, #164).
- **Exact values.** OBS_VALUE, bounds and scale points are JSON number tokens copied verbatim
  from their decimal text (``12.50``, ``1E+10`` stay so); decimal text that is no JSON
  number (``+12``, ``007``, ``12.``, ``.5``) is a JSON string; SAMPLE_SIZE and NUMERATOR are
  integer tokens. `read` parses each number as its token text, so text round-trips exactly.
  A ``parse_float=decimal.Decimal`` reader keeps value and scale (``Decimal("12.50")``) but
  ``str()`` may respell it (``1E-7`` for ``0.0000001``); a float reader keeps only the
  number (``12.5``). Text and codes round-trip exactly (UTF-8); empty text is absent.

**Streaming.** The header needs the distinct codes of every coded column and the level
each attribute sits at, so the observations are read twice, in key order: a first pass
(`_Survey`, vectorised per batch) gathers the distinct codes, which attributes are used,
constant, or constant within every series (adjacent rows of one series, across batch
boundaries too) and checks the keys (duplicates are adjacent); the second encodes each batch
of `series.BATCH_ROWS` sorted rows to JSON text column-wise and streams it out
(`iter_rows`). The pipeline's sorted tables, which come once, are copied to a temporary
Arrow IPC stream (LZ4) on the first pass and read back on the second (`_Replay`); memory
holds a batch and the distinct codes, never the whole dataset (1,000,000 observations:
`benchmarks/results/json_write.md`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.errors import ReadError, SdmxExportError
from sdmx_cso.formats.neutral import Components, to_canonical
from sdmx_cso.formats.read_json import read_neutral
from sdmx_cso.formats.series import BATCH_ROWS, Batches, iter_rows
from sdmx_cso.model import CommunityDataset
from sdmx_cso.model.structure import DatasetStructure
from sdmx_cso.standard import AttributeSpec, DsdSpec, get_standard

__all__ = ["SCHEMA_URL", "read", "write"]

#: The official SDMX-JSON 2.0.0 data-message schema (as in the official samples).
SCHEMA_URL = (
    "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/data-message/tools/"
    "schemas/2.0.0/sdmx-json-data-schema.json"
)

_JSON_NUMBER = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"
_ROLES = frozenset({"FREQ", "REF_AREA", "TIME_PERIOD", "UNIT_MEASURE", "UNIT_MULT", "DECIMALS"})
_RELATIONSHIP: dict[str, Any] = {"dataset": {"dataflow": {}}, "observation": {"observation": {}}}
_DATA_TYPES = {"integer": "Integer", "decimal": "Decimal", "date": "GregorianDay"}


@dataclass
class _Component:
    """A component as the message presents it: its JSON description, and how to encode it."""

    id: str
    level: str
    info: dict[str, Any]
    encode: Callable[[Any], Any]
    """Column (of a batch) → one JSON token per row (``null`` when absent)."""


def write(
    dataset: CommunityDataset,
    out: BinaryIO,
    *,
    structure: DatasetStructure,
    batches: Batches | None = None,
) -> None:
    """Write ``dataset`` to ``out`` as an SDMX-JSON 2.0 data message, streaming.

    SDMX-JSON indexes every dimension's (and coded attribute's) values before the first
    observation, and an attribute sits at the level where its values are constant: so the
    observations are read twice, in key order. A first pass gathers what the header needs
    (`_Survey`: distinct codes, constancy, the key check); the second encodes and writes the
    series a batch at a time. ``batches`` that can be iterated only once (the pipeline's
    external sort) are copied to a temporary Arrow file on the first pass and read back from
    it on the second; memory holds a batch and the distinct codes, never the dataset.

    Args:
        dataset: the observations to write.
        out: a binary stream; it is written to, never closed.
        structure: the structures the message refers to (links, code lists, names).
        batches: the observations a batch at a time, in key order, instead of
            ``dataset.observations``.

    Raises:
        SdmxExportError: two observations have the same series key and TIME_PERIOD (before
            anything is written).
    """
    dsd = structure.standard.dsd
    with _Replay(dataset, batches, dsd) as replay:
        survey = _Survey(dsd, structure)
        for table in replay.first():
            survey.add(table)
        survey.check_unique()
        dims = [_dimension(survey, d.id, d.name, d.position - 1, structure) for d in dsd.dimensions]
        time = _dimension(survey, dsd.time_dimension.id, dsd.time_dimension.name, len(dims), None)
        time.level, time.info["format"] = "observation", {"dataType": "ObservationalTimePeriod"}
        attrs = [a for a in (_attribute(survey, spec, dsd, structure) for spec in dsd.attributes)
                 if a]  # fmt: skip
        links = [{"urn": structure.dataflow_urn, "rel": "dataflow"},
                 {"urn": structure.dsd_urn, "rel": "datastructure"}]  # fmt: skip
        shown = [d for d in (*dims, time) if d.info["values"]]
        measure = {"id": dsd.measure.id, "name": dsd.measure.name,
                   "format": {"dataType": "Decimal"}}  # fmt: skip
        head = {"links": links, "dimensions": _by_level(shown),
                "measures": {"observation": [measure]}, "attributes": _by_level(attrs),
                "dataSets": [0]}  # fmt: skip
        first = survey.first
        fixed = ",".join(
            a.encode(first.column(a.id))[0].as_py()
            for a in attrs
            if a.level == "dataSet" and first is not None
        )
        out.write(
            f'{{"meta":{_dumps(_meta(dataset, structure))},"data":{{"structures":[{_dumps(head)}],'
            f'"dataSets":[{{"structure":0,"links":{_dumps(links[:1])},"action":"Information",'
            f'"attributes":[{fixed}],"series":{{'.encode()
        )
        values = _Component(dsd.measure.id, "", {}, _tokens_decimal)
        series_dims = [d for d in shown if d.level == "series"]
        _write_series(out, replay.again(), series_dims, time, [values, *attrs])
    out.write(b"}}]}}")


class _Replay:
    """The observations in key order, twice: a first pass, then the same tables again.

    A whole table is sorted once (its sort order kept) and sliced; tables that can be
    iterated again are; tables that come once (an iterator: the pipeline's external sort)
    are copied to a temporary Arrow IPC stream (LZ4) as they pass, and read back from it.
    """

    def __init__(self, dataset: CommunityDataset, batches: Batches | None, dsd: DsdSpec) -> None:
        whole = dataset.observations if batches is None else batches.whole
        self._whole = whole
        self._order: pa.Array | None = None
        if whole is not None:
            keys = [(name, "ascending") for name in (*dsd.dimension_ids, dsd.time_dimension.id)]
            self._order = pc.sort_indices(whole, sort_keys=keys)
        self._tables = None if batches is None else batches.tables
        self._once = self._tables is not None and iter(self._tables) is self._tables
        self._file: Any = None

    def __enter__(self) -> _Replay:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()

    def _slices(self) -> Iterator[pa.Table]:
        assert self._whole is not None
        assert self._order is not None
        for start in range(0, self._whole.num_rows, BATCH_ROWS):
            yield self._whole.take(self._order.slice(start, BATCH_ROWS))

    def first(self) -> Iterator[pa.Table]:
        """The tables, for the first time."""
        if self._whole is not None:
            yield from self._slices()
            return
        assert self._tables is not None
        if not self._once:
            yield from self._tables
            return
        self._file = tempfile.TemporaryFile(prefix="sdmx-cso-json-")  # noqa: SIM115 (__exit__)
        writer = None
        schema = None
        try:
            for table in self._tables:
                if writer is None:
                    schema = table.schema
                    options = pa.ipc.IpcWriteOptions(compression="lz4")
                    writer = pa.ipc.new_stream(self._file, schema, options=options)
                writer.write_table(table if table.schema == schema else table.cast(schema))
                yield table
        finally:
            if writer is not None:
                writer.close()

    def again(self) -> Iterator[pa.Table]:
        """The same tables, in the same order."""
        if not self._once:
            yield from self.first()
            return
        self._file.seek(0)
        if not self._file.read(1):
            return
        self._file.seek(0)
        with pa.ipc.open_stream(self._file) as reader:
            for batch in reader:
                yield pa.Table.from_batches([batch])


_SEP = "\x1f"
_ABSENT = "\x00"


class _Survey:
    """What the message's header needs, gathered over the observations in key order.

    Per dimension the distinct values; per attribute whether it is used, whether it has a
    value on every row, its distinct values (all of them for coded attributes, two for the
    others: enough to tell a constant), whether it differs within a series (adjacent rows
    of one series, across table boundaries too) and, for numbers, whether one is negative;
    the key check (duplicates are adjacent in key order); the first observation.
    """

    def __init__(self, dsd: DsdSpec, structure: DatasetStructure) -> None:
        self.dims = list(dsd.dimension_ids)
        self.time = dsd.time_dimension.id
        self.coded = {
            a.id
            for a in dsd.attributes
            if a.type not in ("integer", "decimal")
            and (a.type in ("code", "flags") or structure.codelist(a.id) is not None)
        }
        self.numeric = {a.id for a in dsd.attributes if a.type in ("integer", "decimal")}
        self.by_series = {a.id for a in dsd.attributes if a.level in ("series", "dataset")}
        self.attributes = [a.id for a in dsd.attributes]
        self.distinct: dict[str, set[Any]] = {
            name: set() for name in (*self.dims, self.time, *self.attributes)
        }
        self.nulls = dict.fromkeys(self.attributes, 0)
        self.negative: set[str] = set()
        self.varies: set[str] = set()
        self.rows = 0
        self.first: pa.Table | None = None
        self._duplicates: set[str] = set()
        self._last_series: str | None = None
        self._last_key: str | None = None
        self._last_values: dict[str, str] = {}

    def add(self, table: pa.Table) -> None:
        """Take in one table of observations (in key order, after the tables before)."""
        if not table.num_rows:
            return
        if self.first is None:
            self.first = table.take([0])  # a copy: the table is not kept
        self.rows += table.num_rows
        for name in (*self.dims, self.time):
            self.distinct[name].update(_distinct(table.column(name)))
        series = pc.binary_join_element_wise(*(_keyed(table.column(d)) for d in self.dims), _SEP)
        key = pc.binary_join_element_wise(series, _keyed(table.column(self.time)), _SEP)
        self._check_keys(key)
        same = self._same_series(series)
        for name in self.attributes:
            self._attribute(name, table.column(name), series, same)
        self._last_series = series[-1].as_py()
        self._last_key = key[-1].as_py()

    def _check_keys(self, key: Any) -> None:
        previous = pa.array([self._last_key], pa.string())
        shifted = pa.concat_arrays([previous, *key.slice(0, len(key) - 1).chunks])
        twice = key.filter(pc.fill_null(pc.equal(key, shifted), False))
        if len(twice):
            self._duplicates.update(pc.unique(twice).to_pylist())

    def _same_series(self, series: Any) -> Any:
        """Per row: whether the row before (in this table or the one before) is of its series."""
        previous = pa.array([self._last_series], pa.string())
        shifted = pa.concat_arrays([previous, *series.slice(0, len(series) - 1).chunks])
        return pc.fill_null(pc.equal(series, shifted), False)

    def _attribute(self, name: str, col: Any, series: Any, same: Any) -> None:
        col = _blank(col)
        self.nulls[name] += col.null_count
        if col.null_count < len(col) and (name in self.coded or len(self.distinct[name]) < 2):
            values = _distinct(col)
            self.distinct[name].update(values if name in self.coded else values[:2])
        if name in self.numeric and name not in self.negative and len(col):
            text = pc.cast(col, pa.string())
            if pc.any(pc.starts_with(text, "-")).as_py():
                self.negative.add(name)
        if name in self.by_series and name not in self.varies:
            text = pc.fill_null(pc.cast(col, pa.string()), _ABSENT)
            previous = pa.array([self._last_values.get(name, _ABSENT)], pa.string())
            shifted = pa.concat_arrays([previous, *text.slice(0, len(text) - 1).chunks])
            if pc.any(pc.and_(same, pc.not_equal(text, shifted))).as_py():
                self.varies.add(name)
            self._last_values[name] = text[-1].as_py()

    def check_unique(self) -> None:
        """Raises SdmxExportError: a series key and TIME_PERIOD occur more than once."""
        if self._duplicates:
            example = min(self._duplicates).split(_SEP)
            raise SdmxExportError(
                f"{len(self._duplicates)} series key(s) and TIME_PERIOD occur more than once, "
                f"e.g. {'.'.join(example[:-1])} at {example[-1]}; SDMX-JSON holds one "
                "observation per key"
            )


def _keyed(col: Any) -> Any:
    """A key column as text, an absent value as a character no code holds."""
    return pc.fill_null(pc.cast(col, pa.string()), _ABSENT)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _meta(dataset: CommunityDataset, structure: DatasetStructure) -> dict[str, Any]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    prepared = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    message_id = re.sub(r"[^A-Za-z0-9_@$-]", "_", f"{structure.dataflow_id}-{prepared}")
    sender = {"id": structure.agency, "name": dataset.metadata.contact_organisation}
    return {"schema": SCHEMA_URL, "id": message_id, "test": False, "prepared": prepared,
            "contentLanguages": ["en"], "name": dataset.metadata.title,
            "sender": sender}  # fmt: skip


def _blank(col: Any) -> Any:
    """Empty text is an absent value in SDMX."""
    if pa.types.is_string(col.type) and len(col):
        return pc.if_else(pc.equal(col, ""), None, col)
    return col


def _distinct(col: Any) -> list[Any]:
    return [v for v in pc.unique(_blank(col)).to_pylist() if v is not None]


def _coded(
    distinct: Iterable[str], component: str, structure: DatasetStructure | None
) -> tuple[list[str], list[dict[str, str]]]:
    """Distinct codes in code-list order, and their ``values`` entries."""
    codelist = structure.codelist(component) if structure else None
    order = {code.id: i for i, code in enumerate(codelist.codes if codelist else ())}
    ids = sorted(distinct, key=lambda v: (order.get(v, len(order)), v))
    found = [codelist.get(v) if codelist else None for v in ids]
    return ids, [{"id": v, "name": c.name if c else v} for v, c in zip(ids, found, strict=True)]


def _indexer(values: list[str]) -> Callable[[Any], Any]:
    """Encoder: each value's index in ``values`` as a JSON token."""
    value_set = pa.array(values, pa.string())

    def encode(col: Any) -> Any:
        index = pc.index_in(_blank(col), value_set=value_set)
        return pc.fill_null(pc.cast(index, pa.string()), "null")

    return encode


def _dimension(
    survey: _Survey, dim: str, name: str, position: int, structure: DatasetStructure | None
) -> _Component:
    ids, values = _coded(survey.distinct[dim], dim, structure)
    level = "dataSet" if len(ids) == 1 and dim != "SERIES" else "series"
    info: dict[str, Any] = {"id": dim, "name": name, "keyPosition": position, "values": values}
    if dim in _ROLES:
        info["roles"] = [dim]
    return _Component(dim, level, info, _indexer(ids))


def _attribute(
    survey: _Survey, attr: AttributeSpec, dsd: DsdSpec, structure: DatasetStructure
) -> _Component | None:
    """An attribute used in the message, and the level it sits at; ``None`` when unused."""
    if survey.nulls[attr.id] == survey.rows:
        return None
    info: dict[str, Any] = {"id": attr.id, "name": attr.name}
    if attr.id in _ROLES:
        info["roles"] = [attr.id]
    info["isMandatory"] = attr.status == "mandatory"
    info["relationship"] = _RELATIONSHIP.get(attr.level) or {"dimensions": [*dsd.dimension_ids]}
    codelist = structure.codelist(attr.id)
    distinct = survey.distinct[attr.id]
    encode: Callable[[Any], Any]
    if attr.type in ("integer", "decimal"):  # inline numbers, without "values"
        info["format"] = {"dataType": _DATA_TYPES[attr.type]}
        encode = _tokens_decimal
    elif attr.type == "flags":  # one value per distinct set of flags: {"values": [codes…]}
        names = {c.id: c.name for c in codelist.codes} if codelist else {}
        sets = sorted(distinct)
        info["format"] = {"dataType": "String", "maxOccurs": "unbounded"}
        info["values"] = [{"values": text.split(), "name": "; ".join(names.get(c, c) for c in
                           text.split())} for text in sets]  # fmt: skip
        encode = _indexer(sets)
    elif attr.type == "code" or codelist is not None:
        ids, info["values"] = _coded(distinct, attr.id, structure)
        encode = _indexer(ids)
    else:  # text and dates: inline JSON strings
        info["format"] = {"dataType": _DATA_TYPES.get(attr.type, "String")}
        encode = _tokens_text
    if attr.id in survey.negative:  # the schema sets a minimum of 0 on data-set and series
        level = "observation"
    elif survey.nulls[attr.id] == 0 and len(distinct) == 1:
        level = "dataSet"
    elif attr.level in ("series", "dataset") and attr.id not in survey.varies:
        level = "series"  # it agrees within every series
    else:
        level = "observation"
    return _Component(attr.id, level, info, encode)


def _tokens_decimal(col: Any) -> Any:
    """Numbers as JSON number tokens of their exact text, else as JSON strings."""
    col = _blank(pc.cast(col, pa.string()))
    if not len(col):
        return col
    number = pc.match_substring_regex(col, _JSON_NUMBER)
    quoted = pc.binary_join_element_wise('"', col, '"', "")
    return pc.fill_null(pc.if_else(number, col, quoted), "null")


def _tokens_text(col: Any) -> Any:
    """Text as JSON strings (UTF-8 kept; quotes, backslashes and control characters escaped)."""
    col = _blank(col)
    if len(col) and pc.any(pc.match_substring_regex(col, "[\\x00-\\x1f]")).as_py():
        return pa.array([_dumps(v) if v is not None else "null" for v in col.to_pylist()])
    escaped = pc.replace_substring(pc.replace_substring(col, "\\", "\\\\"), '"', '\\"')
    return pc.fill_null(pc.binary_join_element_wise('"', escaped, '"', ""), "null")


def _by_level(components: list[_Component]) -> dict[str, list[dict[str, Any]]]:
    levels: dict[str, list[dict[str, Any]]] = {"dataSet": [], "series": [], "observation": []}
    for component in components:
        levels[component.level].append(component.info)
    return levels


def _bracket(parts: list[Any], *, trim: bool = False) -> Any:
    """``[a,b,…]`` per row (``trim``: without trailing nulls)."""
    joined = pc.binary_join_element_wise(*parts, ",")
    joined = pc.replace_substring_regex(joined, "(,null)+$", "") if trim else joined
    return pc.binary_join_element_wise("[", joined, "]", "")


def _write_series(
    out: BinaryIO,
    tables: Iterable[pa.Table],
    dims: list[_Component],
    time: _Component,
    attrs: list[_Component],
) -> None:
    """The series, from tables in key and time order, encoded a batch of rows at a time."""
    current = None
    for table in tables:
        for start in range(0, table.num_rows, BATCH_ROWS):
            parts: list[str] = []
            batch = table.slice(start, BATCH_ROWS)
            for row in iter_rows(_encoded(batch, dims, time, attrs)):
                if row["key"] == current:
                    parts.append(f',"{row["time"]}":{row["obs"]}')
                    continue
                parts.append("}}," if current is not None else "")
                current = row["key"]
                attributes = f'"attributes":{row["attributes"]},' if row["attributes"] else ""
                parts.append(
                    f'"{current}":{{{attributes}"observations":{{"{row["time"]}":{row["obs"]}'
                )
            out.write("".join(parts).encode("utf-8"))
    out.write(b"}}" if current is not None else b"")


def _encoded(
    batch: pa.Table, dims: list[_Component], time: _Component, attrs: list[_Component]
) -> pa.Table:
    """Per row: series key, series attributes, time index, observation array (JSON text).

    ``attrs`` starts with the measure.
    """

    def tokens(components: list[_Component]) -> list[Any]:
        return [c.encode(batch.column(c.id)) for c in components]

    series_attrs = [a for a in attrs if a.level == "series"]
    obs = [attrs[0], *(a for a in attrs[1:] if a.level == "observation")]
    return pa.table({
        "key": pc.binary_join_element_wise(*tokens(dims), ":"),
        "attributes": _bracket(tokens(series_attrs)) if series_attrs else pa.nulls(
            batch.num_rows, pa.string()),
        "time": time.encode(batch.column(time.id)),
        "obs": _bracket(tokens(obs), trim=True),
    })  # fmt: skip


# -- reading ------------------------------------------------------------------------------


def read(source: bytes | Path, *, structure: DatasetStructure | None = None) -> pa.Table:
    """The observations of an SDMX-JSON 2.0 data message of the standard.

    The message is read by the one SDMX-JSON reader (`read_json.read_neutral`: numbers as
    their exact token text, so decimal text written by `write` comes back unchanged;
    QUALITY_FLAGS as the multi-valued list it is in the message), then checked against the
    DSD and put in the standard's columns (`neutral.to_canonical`).

    Args:
        source: the message, as bytes or a path.
        structure: the structures it refers to (for the DSD); the standard's by default.

    Returns:
        One column per concept of the DSD (text; integers for SAMPLE_SIZE and NUMERATOR; null
        when absent), in series order.

    Raises:
        ReadError: not JSON, not an SDMX-JSON data message that can be read, or one with a
            component that is not in the DSD (named).
    """
    path = None if isinstance(source, bytes) else Path(source)
    dsd = structure.standard.dsd if structure else get_standard().dsd
    parsed = read_neutral(source if path is None else path, components=Components.of(dsd))
    known = {*dsd.dimension_ids, dsd.time_dimension.id, dsd.measure.id,
             *(a.id for a in dsd.attributes)}  # fmt: skip
    for name in parsed.table.column_names:
        if name.split(".")[0] not in known:
            raise ReadError(
                f"component {name} is not in the {dsd.id} data structure: not a message of "
                "the standard (read it as any SDMX message: sdmx-cso read, sdmx_cso.read)",
                path=path,
                column=name,
            )
    return to_canonical(parsed.table, dsd, path)

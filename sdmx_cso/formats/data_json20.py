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

The header needs only distinct codes per column (vectorised). The series are then written in
key order: rows are sorted as indices, and each batch of `series.BATCH_ROWS` sorted rows is
encoded to JSON text column-wise and streamed out (`iter_rows`); memory beyond the table is
a batch plus a few per-row work arrays (sort order, key check).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
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
_BY_SERIES = "series if constant"
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
    """Write ``dataset`` to ``out`` as an SDMX-JSON 2.0 data message.

    SDMX-JSON indexes every dimension's values before the first observation, so this
    writer holds all observations at once: ``batches`` (the pipeline's) are gathered.

    Args:
        dataset: the observations to write.
        out: a binary stream; it is written to, never closed.
        structure: the structures the message refers to (links, code lists, names).
        batches: the observations a batch at a time, instead of ``dataset.observations``.

    Raises:
        SdmxExportError: two observations have the same series key and TIME_PERIOD.
    """
    dsd = structure.standard.dsd
    table = dataset.observations if batches is None else batches.gathered()
    _check_unique(table, [*dsd.dimension_ids, dsd.time_dimension.id])
    dims = [_dimension(table, d.id, d.name, d.position - 1, structure) for d in dsd.dimensions]
    time = _dimension(table, dsd.time_dimension.id, dsd.time_dimension.name, len(dims), None)
    time.level, time.info["format"] = "observation", {"dataType": "ObservationalTimePeriod"}
    attrs = [a for a in (_attribute(table, spec, dsd, structure) for spec in dsd.attributes) if a]
    _place_by_series([a for a in attrs if a.level == _BY_SERIES], table, dsd)
    links = [{"urn": structure.dataflow_urn, "rel": "dataflow"},
             {"urn": structure.dsd_urn, "rel": "datastructure"}]  # fmt: skip
    shown = [d for d in (*dims, time) if d.info["values"]]
    measure = {"id": dsd.measure.id, "name": dsd.measure.name, "format": {"dataType": "Decimal"}}
    head = {"links": links, "dimensions": _by_level(shown), "measures": {"observation": [measure]},
            "attributes": _by_level(attrs), "dataSets": [0]}  # fmt: skip
    first = table.slice(0, 1)
    fixed = ",".join(a.encode(first.column(a.id))[0].as_py() for a in attrs if a.level == "dataSet")
    out.write(
        f'{{"meta":{_dumps(_meta(dataset, structure))},"data":{{"structures":[{_dumps(head)}],'
        f'"dataSets":[{{"structure":0,"links":{_dumps(links[:1])},"action":"Information",'
        f'"attributes":[{fixed}],"series":{{'.encode()
    )
    values = _Component(dsd.measure.id, "", {}, _tokens_decimal)
    _write_series(out, table, [d for d in shown if d.level == "series"], time, [values, *attrs])
    out.write(b"}}]}}")


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
    col: Any, component: str, structure: DatasetStructure | None
) -> tuple[list[str], list[dict[str, str]]]:
    """The distinct codes of a column, in code-list order, and their ``values`` entries."""
    codelist = structure.codelist(component) if structure else None
    order = {code.id: i for i, code in enumerate(codelist.codes if codelist else ())}
    ids = sorted(_distinct(col), key=lambda v: (order.get(v, len(order)), v))
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
    table: pa.Table, dim: str, name: str, position: int, structure: DatasetStructure | None
) -> _Component:
    ids, values = _coded(table.column(dim), dim, structure)
    level = "dataSet" if len(ids) == 1 and dim != "SERIES" else "series"
    info: dict[str, Any] = {"id": dim, "name": name, "keyPosition": position, "values": values}
    if dim in _ROLES:
        info["roles"] = [dim]
    return _Component(dim, level, info, _indexer(ids))


def _check_unique(table: pa.Table, key: list[str]) -> None:
    if not table.num_rows:
        return
    joined = pc.binary_join_element_wise(*(table.column(k) for k in key), "\x1f")
    if pc.count_distinct(joined).as_py() < table.num_rows:
        counts = pc.value_counts(joined)
        twice = counts.filter(pc.greater(counts.field("counts"), 1))
        example = twice[0]["values"].as_py().split("\x1f")
        raise SdmxExportError(
            f"{len(twice)} series key(s) and TIME_PERIOD occur more than once, e.g. "
            f"{'.'.join(example[:-1])} at {example[-1]}; SDMX-JSON holds one observation per key"
        )


def _attribute(
    table: pa.Table, attr: AttributeSpec, dsd: DsdSpec, structure: DatasetStructure
) -> _Component | None:
    """An attribute used in the message, and the level it sits at; ``None`` when unused."""
    col = _blank(table.column(attr.id))
    if col.null_count == len(col):
        return None
    info: dict[str, Any] = {"id": attr.id, "name": attr.name}
    if attr.id in _ROLES:
        info["roles"] = [attr.id]
    info["isMandatory"] = attr.status == "mandatory"
    info["relationship"] = _RELATIONSHIP.get(attr.level) or {"dimensions": [*dsd.dimension_ids]}
    codelist = structure.codelist(attr.id)
    encode: Callable[[Any], Any]
    if attr.type in ("integer", "decimal"):  # inline numbers, without "values"
        info["format"] = {"dataType": _DATA_TYPES[attr.type]}
        encode = _tokens_decimal
    elif attr.type == "flags":  # one value per distinct set of flags: {"values": [codes…]}
        names = {c.id: c.name for c in codelist.codes} if codelist else {}
        sets = sorted(_distinct(col))
        info["format"] = {"dataType": "String", "maxOccurs": "unbounded"}
        info["values"] = [{"values": text.split(), "name": "; ".join(names.get(c, c) for c in
                           text.split())} for text in sets]  # fmt: skip
        encode = _indexer(sets)
    elif attr.type == "code" or codelist is not None:
        ids, info["values"] = _coded(col, attr.id, structure)
        encode = _indexer(ids)
    else:  # text and dates: inline JSON strings
        info["format"] = {"dataType": _DATA_TYPES.get(attr.type, "String")}
        encode = _tokens_text
    numeric = attr.type in ("integer", "decimal")
    inline_negative = numeric and pc.any(pc.starts_with(pc.cast(col, pa.string()), "-")).as_py()
    if inline_negative:  # the schema sets a minimum of 0 on data-set and series entries
        level = "observation"
    elif col.null_count == 0 and pc.count_distinct(col).as_py() == 1:
        level = "dataSet"
    else:
        level = _BY_SERIES if attr.level in ("series", "dataset") else "observation"
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


def _place_by_series(candidates: list[_Component], table: pa.Table, dsd: DsdSpec) -> None:
    """Series level for the attributes that agree within every series, else observation."""
    if not candidates:
        return
    dims = list(dsd.dimension_ids)
    keyed = pa.table(
        [*(table.column(d) for d in dims), *(_blank(table.column(a.id)) for a in candidates)],
        names=[*dims, *(a.id for a in candidates)],
    )
    all_values = pc.CountOptions(mode="all")
    counts = keyed.group_by(dims).aggregate(
        [(a.id, "count_distinct", all_values) for a in candidates]
    )
    for attr in candidates:
        most = pc.max(counts.column(f"{attr.id}_count_distinct")).as_py()
        attr.level = "series" if most == 1 else "observation"


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
    table: pa.Table,
    dims: list[_Component],
    time: _Component,
    attrs: list[_Component],
) -> None:
    """The series in key and time order, encoded one batch of sorted rows at a time."""
    order = pc.sort_indices(table, sort_keys=[(c.id, "ascending") for c in (*dims, time)])
    current = None
    for start in range(0, table.num_rows, BATCH_ROWS):
        parts: list[str] = []
        for row in iter_rows(
            _encoded(table.take(order.slice(start, BATCH_ROWS)), dims, time, attrs)
        ):
            if row["key"] == current:
                parts.append(f',"{row["time"]}":{row["obs"]}')
                continue
            parts.append("}}," if current is not None else "")
            current = row["key"]
            attributes = f'"attributes":{row["attributes"]},' if row["attributes"] else ""
            parts.append(f'"{current}":{{{attributes}"observations":{{"{row["time"]}":{row["obs"]}')
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
                "the standard (read it as any SDMX message: sdmx-cso read, read_foreign)",
                path=path,
                column=name,
            )
    return to_canonical(parsed.table, dsd, path)

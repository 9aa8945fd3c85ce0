"""SDMX-JSON 1.0 and 2.0 data messages, ours and others', read into the neutral table.

One reader for every SDMX-JSON data message: those :mod:`~sdmx_cso.formats.data_json20`
writes (whose ``read`` is this reader, then the standard's checks) and those of other
agencies. sdmx1 reads only SDMX-JSON 1.0 data, loses series and data-set attributes doing so
(it gives every series the data set's attribute indices) and turns values into floats; so
both versions are read here, from the structure section the message carries.

- **1.0**: ``{"header", "structure", "dataSets"}``; **2.0**: ``{"meta", "data": {"structures",
  "dataSets"}}`` (a single ``data.structure`` object is accepted too), ``dataSet.structure``
  choosing the structure.
- Layouts: series (``dataSets[].series["0:1"].observations["0"]``) and flat
  (``dataSets[].observations["0:1:0"]``). Keys are indices into the values of the series-level
  and observation-level dimensions; a data-set-level dimension has a single value.
- An observation array holds the measure values (one per measure; ``OBS_VALUE`` when the
  structure declares none), then attribute values, then (2.0) annotation indices, which are
  not kept (a note says so). An attribute value is an index into the attribute's values, an
  array of indices (a multi-valued attribute), or (2.0) the value itself; 2.0
  ``dimensionGroupAttributes`` apply to every observation whose key matches.
- **Nothing lost unsaid.** Numbers keep the text they have in the file (``1.50`` stays
  ``1.50``). A multi-valued value (an array of indices, a ``values`` array, an inline array)
  makes its column ``list<string>``. A multilingual value (``{"en": …, "fr": …}``, or the
  ``names`` of a 1.0 uncoded value) keeps its English (else first) text in the column named
  by the component and each other language in ``ID.lang``. An SDMX-JSON series key that
  occurs twice (ILOSTAT writes 39 series objects on 3 keys) is merged, with a note; JSON
  parsers keep only the last member of a name, so members are read with
  ``object_pairs_hook``. A 1.0 attribute declared with no values cannot be referred to: it
  is left out of the attribute positions, as sdmx1 does (sdmx1 issue #64: OECD's
  ``TIME_FORMAT``), and a note says so.
- **Refusals** name the file, the component and the observation: an index outside a
  component's values (``series '0:1' observation '3': attribute OBS_STATUS index 7 is
  outside its 3 values``), a key with the wrong number of parts. Structure, metadata and
  error messages, and a message with ``errors`` or a header but no data, are refused saying
  what they are and what they say.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from sdmx_cso.errors import ReadError
from sdmx_cso.formats._head import head_text
from sdmx_cso.formats.neutral import Components, ParsedTable, localised

__all__ = [
    "MAX_JSON_BYTES",
    "handles",
    "load_json",
    "message_kind",
    "read_neutral",
    "structure_ref",
]

#: Largest SDMX-JSON message read (the whole document is held in memory).
MAX_JSON_BYTES = 512 * 1024 * 1024

_STRUCTURE_KEYS = frozenset(
    {"dataStructures", "dataflows", "codelists", "conceptSchemes", "categorySchemes",
     "agencySchemes", "dataConstraints", "contentConstraints", "metadataStructures",
     "hierarchies"}
)  # fmt: skip
_URN = re.compile(r"=([^:=]+):([^(]+)\(([^)]*)\)")
_REST = re.compile(r"/(?:dataflow|datastructure)/([^/]+)/([^/]+)/([^/?]+)")
_LEVELS = ("dataSet", "series", "observation")

Value = str | list[str] | dict[str, str] | None
"""A decoded value: text, a multi-valued list, a multilingual text (language → text)."""


def handles(head: bytes) -> bool:
    """Whether the first bytes of a file look like JSON (an object), as SDMX-JSON is.

    That is ``{`` after a byte-order mark (UTF-8, -16 or -32) and white space.
    """
    return head_text(head).lstrip().startswith("{")


class _Number(str):
    """A JSON number with a fraction or exponent, kept as the text it has in the file."""

    __slots__ = ()


class _Integer(int):
    """A JSON integer that keeps its token (``-0`` stays ``-0``); still an index."""

    token: str

    def __new__(cls, token: str) -> _Integer:
        number = super().__new__(cls, token)
        number.token = token
        return number

    def __str__(self) -> str:
        return self.token


class _Object(dict[str, Any]):
    """A JSON object that remembers every member when a name occurs more than once.

    JSON leaves repeated names to the reader, and Python keeps the last: an SDMX-JSON message
    that repeats a series key (ILOSTAT writes 39 series objects on 3 keys) would lose all
    but one series, silently. `pairs` holds them all, in order.
    """

    pairs: list[tuple[str, Any]] | None = None

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        if len(self) < len(pairs):
            self.pairs = pairs


def load_json(source: Path | bytes, path: Path | None = None) -> Any:
    """Parse a JSON message, within :data:`MAX_JSON_BYTES`, keeping numbers as written.

    Args:
        source: the file, or its bytes.
        path: the file named in errors, when ``source`` is bytes.

    Raises:
        ReadError: too large, not UTF-8, or not JSON.
    """
    if isinstance(source, Path):
        path = source
        size = source.stat().st_size
    else:
        size = len(source)
    if size > MAX_JSON_BYTES:
        raise ReadError(
            f"{size} bytes: larger than the {MAX_JSON_BYTES} bytes an SDMX-JSON message may "
            "have here",
            path=path,
        )
    try:
        raw = source.read_bytes() if isinstance(source, Path) else source
        text = raw.decode("utf-8-sig")
        return json.loads(text, parse_float=_Number, parse_int=_Integer, object_pairs_hook=_Object)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ReadError(f"not valid JSON: {exc}", path=path) from exc


def _members(obj: Any) -> Sequence[tuple[str, Any]]:
    """Every member of a JSON object, repeated names included."""
    if not isinstance(obj, Mapping):
        return []
    pairs = getattr(obj, "pairs", None)
    return pairs if pairs is not None else list(obj.items())


def message_kind(doc: Any) -> str:
    """``data-1.0``, ``data-2.0``, ``structure``, ``metadata``, ``error`` or ``unknown``."""
    if not isinstance(doc, dict):
        return "unknown"
    data = doc.get("data")
    if isinstance(data, dict):
        if "dataSets" in data:
            return "data-2.0"
        if "metadataSets" in data:
            return "metadata"
        if _STRUCTURE_KEYS & data.keys():
            return "structure"
    if "dataSets" in doc and "structure" in doc:
        return "data-1.0"
    if doc.get("errors") and not data:
        return "error"
    return "unknown"


def structure_ref(doc: Any) -> str | None:
    """``AGENCY:ID(VERSION)`` of the dataflow (else DSD) a data message links to, if any."""
    for structure in _structures(doc):
        links = structure.get("links") or []
        for rel in ("dataflow", "datastructure"):
            for link in links:
                if isinstance(link, dict) and link.get("rel") == rel:
                    match = _URN.search(str(link.get("urn") or "")) or _REST.search(
                        str(link.get("href") or "")
                    )
                    if match:
                        return f"{match[1]}:{match[2]}({match[3]})"
    return None


def read_neutral(
    source: Path | bytes, *, components: Components | None = None, path: Path | None = None
) -> ParsedTable:
    """Read an SDMX-JSON 1.0 or 2.0 data message into the neutral table.

    Args:
        source: the message: a file, or its bytes.
        components: the DSD's components, if known: they order the columns (the message's
            own order otherwise) and make the multi-valued ones ``list<string>`` throughout.
        path: the file named in errors, when ``source`` is bytes.

    Raises:
        ReadError: not an SDMX-JSON data message (saying what it is: a structure, metadata
            or error message), or data that contradict the message's structure section
            (naming the component and the observation).
    """
    if isinstance(source, Path):
        path = source
    doc = load_json(source, path)
    kind = message_kind(doc)
    if kind not in ("data-1.0", "data-2.0"):
        raise ReadError(_not_data(kind, doc), path=path)
    version = kind.removeprefix("data-")
    structures = _structures(doc)
    data = doc["data"] if kind == "data-2.0" else doc
    columns = _Columns()
    order: list[str] = []
    notes: list[str] = []
    datasets = data.get("dataSets") or []
    said = _errors(doc)
    if not datasets:
        what = f"; it says: {said}" if said else ""
        raise ReadError(f"an SDMX-JSON {version} data message with no data sets{what}", path=path)
    if said:
        notes.append(f"the message says: {said}")
    for number, dataset in enumerate(datasets):
        found = _read_dataset(number, dataset, structures, version, columns, notes, path)
        order += [name for name in found if name not in order]
    if components is not None:
        order = [*components.order(), *(c for c in order if c not in set(components.order()))]
    multi = components.multi_valued if components is not None else frozenset()
    table = columns.table(order, multi)
    lists = [f.name for f in table.schema if pa.types.is_list(f.type)]
    if lists:
        notes.append(
            f"multi-valued: {', '.join(lists)} hold lists of values (arrays in JSON output; "
            "in CSV output, the values joined with one space)"
        )
    return ParsedTable(table, "DataMessage", structure_ref(doc), f"sdmx-json-{version}",
                       tuple(dict.fromkeys(notes)))  # fmt: skip


def _read_dataset(
    number: int,
    dataset: Any,
    structures: list[dict[str, Any]],
    version: str,
    columns: _Columns,
    notes: list[str],
    path: Path | None,
) -> list[str]:
    """Add the rows of one data set to ``columns``; its columns' order."""
    try:
        index = int(dataset.get("structure", 0)) if version == "2.0" else 0
        reader = _Structure(structures[index], version, notes)
    except (IndexError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReadError(
            f"data set {number}: its structure section cannot be read: {type(exc).__name__}: {exc}",
            path=path,
        ) from exc
    if str(dataset.get("action") or "").lower() == "delete":
        notes.append(f"data set {number} has action Delete: its observations are deletions")
    try:
        for row in reader.rows(dataset):
            columns.add(row)
    except _Refusal as exc:
        raise ReadError(exc.message, path=path, column=exc.component) from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReadError(
            f"SDMX-JSON data that does not match its structure section: "
            f"{type(exc).__name__}: {exc}",
            path=path,
        ) from exc
    return reader.order


def _errors(doc: Mapping[str, Any]) -> str | None:
    """What the ``errors`` of a message say, or ``None``."""
    errors = doc.get("errors")
    if not errors:
        return None
    said = []
    for error in errors if isinstance(errors, list) else [errors]:
        if isinstance(error, Mapping):
            text = error.get("message") or error.get("title") or error.get("detail")
            text = localised(text) if isinstance(text, Mapping) else text
            code = error.get("code")
            said.append(f"{text}" + (f" (code {code})" if code is not None else ""))
        else:
            said.append(str(error))
    return "; ".join(said)


def _not_data(kind: str, doc: Any) -> str:
    if kind == "structure":
        data = doc["data"]
        listed = [f"{len(v)} {k}" for k, v in data.items() if isinstance(v, list) and v]
        return (
            f"this is an SDMX-JSON structure message, not data ({', '.join(listed)}); "
            "sdmx_cso reads structures as SDMX-ML only"
        )
    if kind == "metadata":
        return "this is an SDMX-JSON reference-metadata message, not data"
    if kind == "error":
        return f"this is an SDMX-JSON error message, not data: {_errors(doc)}"
    if isinstance(doc, dict) and ("meta" in doc or "header" in doc):
        said = _errors(doc)
        return "an SDMX-JSON message with a header but no data" + (
            f"; it says: {said}" if said else ""
        )
    return "JSON, but not an SDMX-JSON data message (no dataSets)"


def _structures(doc: Any) -> list[dict[str, Any]]:
    if not isinstance(doc, dict):
        return []
    data = doc.get("data")
    if isinstance(data, dict):
        found = data.get("structures") or data.get("structure") or []
        return [found] if isinstance(found, dict) else list(found)
    structure = doc.get("structure")
    return [structure] if isinstance(structure, dict) else []


# -- values ---------------------------------------------------------------------------------


class _Refusal(Exception):
    """Data that contradict the structure section, located (becomes a ReadError)."""

    def __init__(self, message: str, component: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.component = component


def _inline(item: Any) -> Value:
    """A value given as itself (not as an index)."""
    if item is None:
        return None
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, str | int):
        return str(item)
    if isinstance(item, list):
        return [t for t in (_scalar(i) for i in item) if t is not None]
    if isinstance(item, Mapping):
        if (
            item
            and all(isinstance(v, str) for v in item.values())
            and not ({"id", "value", "values", "name"} & item.keys())
        ):
            return dict(item)  # localisedText: language → text
        return _entry(item)
    return str(item)


def _scalar(item: Any) -> str | None:
    """One text of a list (a multilingual one gives its English text)."""
    value = _inline(item)
    if isinstance(value, list):
        return " ".join(value) or None
    if isinstance(value, dict):
        return localised(value)
    return value


def _entry(entry: Any) -> Value:
    """The value of one entry of a component's ``values``."""
    if not isinstance(entry, Mapping):
        return _inline(entry)
    if "id" in entry:
        return str(entry["id"])
    if "value" in entry:
        return _inline(entry["value"])
    if "values" in entry:  # one set of values of a multi-valued component (2.0)
        values = entry["values"]
        return _inline(values if isinstance(values, list) else [values])
    names = entry.get("names")
    if isinstance(names, Mapping) and names:  # 1.0 gives uncoded values as names
        return _inline(names)
    if "name" in entry:
        return _inline(entry["name"])
    return _inline(entry) if entry else None


class _Component:
    def __init__(self, spec: Mapping[str, Any], kind: str) -> None:
        self.id: str = str(spec["id"])
        self.kind = kind
        raw = spec.get("values")
        self.values: list[Value] = [_entry(v) for v in raw] if isinstance(raw, list) else []
        self.coded = bool(self.values)
        self.position = spec.get("keyPosition")
        self.default = _inline(spec.get("default"))

    def decode(self, item: Any, where: str) -> Value:
        """One value: an index (or array of indices) into ``values``, or the value itself."""
        if item is None:
            return self.default
        if self.coded and _is_index(item):
            return self._at(item, where)
        if self.coded and isinstance(item, list) and all(_is_index(i) for i in item):
            found: list[str] = []
            for i in item:
                value = self._at(i, where)
                if isinstance(value, list):
                    found += value
                elif value is not None:
                    found.append(value if isinstance(value, str) else str(localised(value)))
            return found
        return _inline(item)

    def _at(self, index: int, where: str) -> Value:
        if not 0 <= index < len(self.values):
            raise _Refusal(
                f"{where}: {self.kind} {self.id} index {index} is outside its "
                f"{len(self.values)} values",
                self.id,
            )
        return self.values[index]


def _is_index(item: Any) -> bool:
    return isinstance(item, int) and not isinstance(item, bool)


def _put(row: dict[str, Value], name: str, value: Value) -> None:
    """Set a value in a row; a multilingual one as ``name`` and ``name.lang`` columns."""
    if not isinstance(value, dict):
        row[name] = value
        return
    main = next((lang for lang in value if lang == "en" or lang.startswith("en-")), None)
    main = main or next(iter(value), None)
    row[name] = None if main is None else value[main]
    for lang, text in value.items():
        if lang != main:
            row[f"{name}.{lang}"] = text


class _Structure:
    """The structure section of one data set, and how to turn its arrays into rows."""

    def __init__(self, spec: Mapping[str, Any], version: str, notes: list[str]) -> None:
        dims = spec.get("dimensions") or {}
        attrs = spec.get("attributes") or {}
        self.notes = notes
        self.dims = {
            level: [_Component(c, "dimension") for c in dims.get(level) or []] for level in _LEVELS
        }
        self.attrs: dict[str, list[_Component]] = {}
        for level in (*_LEVELS, "dimensionGroup"):
            found = [_Component(c, "attribute") for c in attrs.get(level) or []]
            if version == "1.0":  # no inline values in 1.0: one without values is unusable
                dropped = [a.id for a in found if not a.coded]
                if dropped:
                    notes.append(
                        f"{level}-level attribute(s) {', '.join(dropped)} declared with no "
                        "values: no value can refer to them, so they were left out, as sdmx1 "
                        "does (the values that follow refer to the other attributes)"
                    )
                found = [a for a in found if a.coded]
            self.attrs[level] = found
        measures = (spec.get("measures") or {}).get("observation") or [{"id": "OBS_VALUE"}]
        self.measures = [_Component(m, "measure") for m in measures]
        all_dims = [d for level in _LEVELS for d in self.dims[level]]
        ordered = sorted(all_dims, key=lambda d: (d.position is None, d.position or 0))
        self.order = [d.id for d in ordered] + [m.id for m in self.measures]
        self._fixed = ["0"] * len(self.dims["dataSet"])  # data-set dimensions in a full key
        for level in ("dataSet", "dimensionGroup", "series", "observation"):
            self.order += [a.id for a in self.attrs[level]]
        self._width = len(self.measures) + len(self.attrs["observation"])

    def rows(self, dataset: Mapping[str, Any]) -> Iterator[dict[str, Value]]:
        """One row per observation of ``dataset``."""
        base: dict[str, Value] = {}
        for dim in self.dims["dataSet"]:
            _put(base, dim.id, dim.decode(0, "data set"))
        self._attributes(base, "dataSet", dataset.get("attributes"), "data set")
        groups = self._groups(dataset.get("dimensionGroupAttributes") or {})
        merged = _merge_series(_members(dataset.get("series")), self.notes)
        for key, (attributes, observations) in merged.items():
            where = f"series {key!r}"
            row = dict(base)
            self._key(row, "series", key, where)
            self._attributes(row, "series", attributes, where)
            yield from self._observations(row, observations, groups, key)
        observations = _merge_observations(_members(dataset.get("observations")), "")
        yield from self._observations(base, observations, groups, "")

    def _observations(
        self,
        base: dict[str, Value],
        observations: Mapping[str, Sequence[Any]],
        groups: list[tuple[list[str], Sequence[Any]]],
        series_key: str,
    ) -> Iterator[dict[str, Value]]:
        extra = 0
        for key, values in observations.items():
            where = f"series {series_key!r} observation {key!r}" if series_key else (
                f"observation {key!r}")  # fmt: skip
            row = dict(base)
            self._key(row, "observation", key, where)
            for measure, value in zip(self.measures, values, strict=False):
                _put(row, measure.id, measure.decode(value, where))
            rest = values[len(self.measures) : self._width]
            self._attributes(row, "observation", rest, where)
            extra += len(values) > self._width
            full = (series_key.split(":") if series_key else []) + (key.split(":") if key else [])
            for pattern, group_values in groups:
                if _matches(pattern, full) or _matches(pattern, self._fixed + full):
                    self._attributes(row, "dimensionGroup", group_values, where)
            yield row
        if extra:
            self.notes.append(
                "observations carry annotation references (after their attribute values): "
                "annotations are not kept"
            )

    def _key(self, row: dict[str, Value], level: str, key: str, where: str) -> None:
        dims = self.dims[level]
        parts = key.split(":") if key else []
        if len(parts) != len(dims):
            names = ", ".join(d.id for d in dims) or "none"
            raise _Refusal(
                f"{where}: the {level} key {key!r} has {len(parts)} parts for the "
                f"{len(dims)} {level}-level dimensions ({names})"
            )
        for dim, part in zip(dims, parts, strict=True):
            try:
                index = int(part)
            except ValueError:
                raise _Refusal(
                    f"{where}: {part!r} is no index of dimension {dim.id}", dim.id
                ) from None
            _put(row, dim.id, dim._at(index, where))

    def _attributes(
        self, row: dict[str, Value], level: str, values: Sequence[Any] | None, where: str
    ) -> None:
        values = values or []
        for number, attr in enumerate(self.attrs[level]):
            value = attr.decode(values[number] if number < len(values) else None, where)
            if value is not None:
                _put(row, attr.id, value)

    def _groups(self, groups: Mapping[str, Sequence[Any]]) -> list[tuple[list[str], Sequence[Any]]]:
        return [(key.split(":"), values) for key, values in _members(groups)]


def _merge_series(
    members: Sequence[tuple[str, Any]], notes: list[str]
) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Series by key, the observations of a repeated key merged (and said in ``notes``).

    Raises:
        _Refusal: a repeated series key with two different attribute sets, or one
            observation given twice with different values (naming the key).
    """
    out: dict[str, tuple[Any, dict[str, Any]]] = {}
    repeats: dict[str, int] = {}
    for key, series in members:
        attributes = series.get("attributes")
        observations = _merge_observations(_members(series.get("observations")), key)
        if key not in out:
            out[key] = (attributes, observations)
            continue
        repeats[key] = repeats.get(key, 1) + 1
        known_attributes, known = out[key]
        if (attributes or None) != (known_attributes or None):
            raise _Refusal(f"series key {key!r} is repeated with other series attributes")
        for obs_key, values in observations.items():
            if obs_key in known and known[obs_key] != values:
                raise _Refusal(
                    f"series key {key!r} is repeated, and its observation {obs_key!r} has two "
                    "different values"
                )
            known[obs_key] = values
    if repeats:
        listed = ", ".join(f"{k!r} ({n} times)" for k, n in list(repeats.items())[:5])
        more = f" and {len(repeats) - 5} more" if len(repeats) > 5 else ""
        notes.append(
            f"{len(repeats)} series keys are repeated in the message ({listed}{more}): their "
            "observations were merged"
        )
    return out


def _merge_observations(members: Sequence[tuple[str, Any]], series: str) -> dict[str, Any]:
    """Observations by key; one repeated with another value is refused, naming it."""
    out: dict[str, Any] = {}
    for key, values in members:
        if key in out and out[key] != values:
            where = f" of series {series!r}" if series else ""
            raise _Refusal(f"observation {key!r}{where} is given twice with different values")
        out[key] = values if isinstance(values, list) else [values]
    return out


def _matches(pattern: list[str], key: list[str]) -> bool:
    """Whether a dimension-group key (empty parts are wildcards) covers an observation key."""
    return len(pattern) == len(key) and all(p in ("", k) for p, k in zip(pattern, key, strict=True))


class _Columns:
    """Rows gathered column by column; a column holding a list becomes ``list<string>``."""

    def __init__(self) -> None:
        self._columns: dict[str, list[Value]] = {}
        self._lists: set[str] = set()
        self._rows = 0

    def add(self, row: Mapping[str, Value]) -> None:
        for name, value in row.items():
            column = self._columns.get(name)
            if column is None:
                column = self._columns[name] = [None] * self._rows
            if isinstance(value, list):
                self._lists.add(name)
            column.append(value)
        self._rows += 1
        for column in self._columns.values():
            if len(column) < self._rows:
                column.append(None)

    def table(self, order: Sequence[str], multi_valued: frozenset[str]) -> pa.Table:
        """The columns in ``order`` first (each ``ID.lang`` after its ``ID``), then others."""
        known = [name for name in order if name in self._columns]
        langs = {name: [c for c in self._columns if c.startswith(f"{name}.")] for name in known}
        first = [n for name in known for n in (name, *langs[name])]
        names = first + [name for name in self._columns if name not in set(first)]
        arrays = {}
        for name in names:
            values = self._columns[name]
            if name in self._lists or name in multi_valued:
                lists = [v if isinstance(v, list) or v is None else [str(v)] for v in values]
                arrays[name] = pa.array(lists, pa.list_(pa.string()))
            else:
                arrays[name] = pa.array(values, pa.string())
        return pa.table(arrays)

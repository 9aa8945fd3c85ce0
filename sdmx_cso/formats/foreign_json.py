"""SDMX-JSON 1.0 and 2.0 data messages written by others, read without sdmx1.

sdmx1 reads only SDMX-JSON 1.0 data, and loses series and data-set attributes doing so (it
gives every series the data set's attribute indices) and turns values into floats; so both
versions are read here, from the structure section the message carries.

- **1.0**: ``{"header", "structure", "dataSets"}``; **2.0**: ``{"meta", "data": {"structures",
  "dataSets"}}`` (a single ``data.structure`` object is accepted too), ``dataSet.structure``
  choosing the structure.
- Layouts: series (``dataSets[].series["0:1"].observations["0"]``) and flat
  (``dataSets[].observations["0:1:0"]``). Keys are indices into the values of the series-level
  and observation-level dimensions; a data-set-level dimension has a single value.
- An observation array holds the measure values (one per measure; ``OBS_VALUE`` when the
  structure declares none), then attribute values, then (2.0) annotation indices, which are
  ignored. An attribute value is an index into the attribute's values, or (2.0) the value
  itself; 2.0 ``dimensionGroupAttributes`` apply to every observation whose key matches.
- Numbers keep the text they have in the file (``1.50`` stays ``1.50``).
- Multilingual values keep the English text, or the first language; multi-valued ones are
  joined with one space.

Structure, metadata and error messages are recognised, so the caller can say what they are
(:func:`message_kind`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sdmx_cso.errors import ReadError
from sdmx_cso.formats.neutral import ParsedTable, TableBuilder, localised

__all__ = ["MAX_JSON_BYTES", "load_json", "message_kind", "read_sdmx_json", "structure_ref"]

#: Largest SDMX-JSON file read (the whole document is held in memory).
MAX_JSON_BYTES = 512 * 1024 * 1024

_STRUCTURE_KEYS = frozenset(
    {"dataStructures", "dataflows", "codelists", "conceptSchemes", "categorySchemes",
     "agencySchemes", "dataConstraints", "contentConstraints", "metadataStructures",
     "hierarchies"}
)  # fmt: skip
_URN = re.compile(r"=([^:=]+):([^(]+)\(([^)]*)\)")
_REST = re.compile(r"/(?:dataflow|datastructure)/([^/]+)/([^/]+)/([^/?]+)")
_LEVELS = ("dataSet", "series", "observation")


class _Number(str):
    """A JSON number, kept as the text it has in the file."""

    __slots__ = ()


def load_json(path: Path) -> Any:
    """Parse a JSON file, within :data:`MAX_JSON_BYTES`, keeping numbers as written.

    Raises:
        ReadError: too large, not UTF-8, or not JSON.
    """
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise ReadError(
            f"{size} bytes: larger than the {MAX_JSON_BYTES} bytes an SDMX-JSON message may "
            "have here",
            path=path,
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
        return json.loads(text, parse_float=_Number, object_pairs_hook=_Object)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ReadError(f"not valid JSON: {exc}", path=path) from exc


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


def _members(obj: Mapping[str, Any]) -> Sequence[tuple[str, Any]]:
    """Every member of a JSON object, repeated names included."""
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


def read_sdmx_json(path: Path, doc: Any | None = None) -> ParsedTable:
    """Read an SDMX-JSON 1.0 or 2.0 data message into the neutral table.

    Args:
        path: the file (named in errors).
        doc: the parsed document, if the caller has it already.

    Raises:
        ReadError: not an SDMX-JSON data message, or one that contradicts its structure.
    """
    if doc is None:
        doc = load_json(path)
    kind = message_kind(doc)
    if kind not in ("data-1.0", "data-2.0"):
        raise ReadError(f"not an SDMX-JSON data message ({kind})", path=path)
    structures = _structures(doc)
    data = doc["data"] if kind == "data-2.0" else doc
    builder = TableBuilder()
    order: list[str] = []
    notes: list[str] = []
    try:
        for dataset in data.get("dataSets") or []:
            index = int(dataset.get("structure", 0)) if kind == "data-2.0" else 0
            reader = _Structure(structures[index])
            order += [name for name in reader.order if name not in order]
            for row in reader.rows(dataset):
                builder.add(row)
            notes += reader.notes
    except (IndexError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReadError(
            f"SDMX-JSON data that does not match its structure section: {type(exc).__name__}: "
            f"{exc}",
            path=path,
        ) from exc
    version = kind.removeprefix("data-")
    return ParsedTable(builder.table(order), "DataMessage", structure_ref(doc),
                       f"sdmx-json-{version}", tuple(notes))  # fmt: skip


def _structures(doc: Any) -> list[dict[str, Any]]:
    if not isinstance(doc, dict):
        return []
    data = doc.get("data")
    if isinstance(data, dict):
        found = data.get("structures") or data.get("structure") or []
        return [found] if isinstance(found, dict) else list(found)
    structure = doc.get("structure")
    return [structure] if isinstance(structure, dict) else []


class _Component:
    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.id: str = str(spec["id"])
        self.values: list[Any] = list(spec.get("values") or [])
        self.position = spec.get("keyPosition")
        default = spec.get("default")
        self.default = None if default is None else _text(default)

    def value(self, item: Any, *, indexed: bool = True) -> str | None:
        """The text of one value: an index into ``values``, or (2.0) the value itself."""
        if item is None:
            return self.default
        if indexed and self.values and isinstance(item, int) and not isinstance(item, bool):
            return _text(self.values[item])
        return _text(item)


def _text(item: Any) -> str | None:
    if item is None:
        return None
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, str | int):
        return str(item)
    if isinstance(item, list):
        return " ".join(t for t in (_text(i) for i in item) if t) or None
    if isinstance(item, dict):
        for field in ("id", "value", "values"):
            if field in item:
                return _text(item[field])
        if "name" in item and not isinstance(item["name"], dict):
            return _text(item["name"])  # SDMX-JSON 1.0 gives uncoded values as names
        if item and all(isinstance(v, str) for v in item.values()):
            return localised(item)  # localisedText
    return str(item)


class _Structure:
    """The structure section of one data set, and how to turn its arrays into rows."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        dims = spec.get("dimensions") or {}
        attrs = spec.get("attributes") or {}
        self.dims = {level: [_Component(c) for c in dims.get(level) or []] for level in _LEVELS}
        self.attrs = {
            level: [_Component(c) for c in attrs.get(level) or []]
            for level in (*_LEVELS, "dimensionGroup")
        }
        measures = (spec.get("measures") or {}).get("observation") or [{"id": "OBS_VALUE"}]
        self.measures = [_Component(m) for m in measures]
        all_dims = [d for level in _LEVELS for d in self.dims[level]]
        ordered = sorted(all_dims, key=lambda d: (d.position is None, d.position or 0))
        self.order = [d.id for d in ordered] + [m.id for m in self.measures]
        self._fixed = ["0"] * len(self.dims["dataSet"])  # data-set dimensions in a full key
        for level in ("dataSet", "dimensionGroup", "series", "observation"):
            self.order += [a.id for a in self.attrs[level]]
        self.notes: list[str] = []

    def rows(self, dataset: Mapping[str, Any]) -> Iterator[dict[str, str | None]]:
        """One row per observation of ``dataset``."""
        base = {d.id: d.value(0) for d in self.dims["dataSet"]}
        base.update(self._attributes("dataSet", dataset.get("attributes")))
        groups = self._groups(dataset.get("dimensionGroupAttributes") or {})
        merged = _merge_series(_members(dataset.get("series") or {}), self.notes)
        for key, (attributes, observations) in merged.items():
            row = base | self._key("series", key)
            row.update(self._attributes("series", attributes))
            yield from self._observations(row, observations, groups, key)
        observations = _merge_observations(_members(dataset.get("observations") or {}), "")
        yield from self._observations(base, observations, groups, "")

    def _observations(
        self,
        base: dict[str, str | None],
        observations: Mapping[str, Sequence[Any]],
        groups: list[tuple[list[str], dict[str, str | None]]],
        series_key: str,
    ) -> Iterator[dict[str, str | None]]:
        attrs = self.attrs["observation"]
        for key, values in observations.items():
            row = base | self._key("observation", key)
            for measure, value in zip(self.measures, values, strict=False):
                row[measure.id] = measure.value(value, indexed=bool(measure.values))
            rest = list(values[len(self.measures) : len(self.measures) + len(attrs)])
            row.update(self._attributes("observation", rest))
            full = (series_key.split(":") if series_key else []) + (key.split(":") if key else [])
            for pattern, group_values in groups:
                if _matches(pattern, full) or _matches(pattern, self._fixed + full):
                    row.update(group_values)
            yield row

    def _key(self, level: str, key: str) -> dict[str, str | None]:
        dims = self.dims[level]
        parts = key.split(":") if key else []
        if len(parts) != len(dims):
            raise ValueError(f"{level} key {key!r} has {len(parts)} parts for {len(dims)} dims")
        return {d.id: d.value(int(p)) for d, p in zip(dims, parts, strict=True)}

    def _attributes(self, level: str, values: Sequence[Any] | None) -> dict[str, str | None]:
        values = values or []
        result: dict[str, str | None] = {}
        for number, attr in enumerate(self.attrs[level]):
            text = attr.value(values[number] if number < len(values) else None)
            if text is not None:
                result[attr.id] = text
        return result

    def _groups(
        self, groups: Mapping[str, Sequence[Any]]
    ) -> list[tuple[list[str], dict[str, str | None]]]:
        return [
            (key.split(":"), self._attributes("dimensionGroup", values))
            for key, values in groups.items()
        ]


def _merge_series(
    members: Sequence[tuple[str, Any]], notes: list[str]
) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Series by key, the observations of a repeated key merged (and said in ``notes``).

    Raises:
        ValueError: a repeated series key with two different attribute sets, or one
            observation given twice with different values (naming the key).
    """
    out: dict[str, tuple[Any, dict[str, Any]]] = {}
    repeats: dict[str, int] = {}
    for key, series in members:
        attributes = series.get("attributes")
        observations = _merge_observations(_members(series.get("observations") or {}), key)
        if key not in out:
            out[key] = (attributes, observations)
            continue
        repeats[key] = repeats.get(key, 1) + 1
        known_attributes, known = out[key]
        if (attributes or None) != (known_attributes or None):
            raise ValueError(f"series key {key!r} is repeated with other series attributes")
        for obs_key, values in observations.items():
            if obs_key in known and known[obs_key] != values:
                raise ValueError(
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
            raise ValueError(f"observation {key!r}{where} is given twice with different values")
        out[key] = values
    return out


def _matches(pattern: list[str], key: list[str]) -> bool:
    """Whether a dimension-group key (empty parts are wildcards) covers an observation key."""
    return len(pattern) == len(key) and all(p in ("", k) for p, k in zip(pattern, key, strict=True))

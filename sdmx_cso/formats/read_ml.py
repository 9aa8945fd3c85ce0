"""One streaming reader for SDMX-ML data messages, ours and others'.

:func:`read_neutral` reads every SDMX-ML data syntax into the neutral table
(:class:`~sdmx_cso.formats.neutral.ParsedTable`):

=======================================================  ============================
SDMX-ML 2.0 ``GenericData``                               ``sdmx-ml-2.0-generic``
SDMX-ML 2.1 ``GenericData``, ``GenericTimeSeriesData``    ``sdmx-ml-2.1-generic``
SDMX-ML 2.1 ``StructureSpecificData`` (and time series)   ``sdmx-ml-2.1``
SDMX-ML 3.0 ``StructureSpecificData``                     ``sdmx-ml-3.0``
=======================================================  ============================

How it reads:

- One pass of ``lxml.etree.iterparse`` on ``end`` events of the few elements that matter
  (``Obs``, ``Series``, ``Group``, ``DataSet``, ``Footer``), so that only these become
  Python objects; each observation is released once read (with the siblings before it),
  so the parsed tree never holds more than the current series. Rows become Arrow record
  batches every :data:`BATCH_ROWS` observations: memory holds the table being built and
  one batch of observations, never the document.
- Rows are gathered by column: each observation's own values (its XML attributes, read in
  one call), and the values its series shares once per series, repeated in Arrow (a
  ``take``), not merged into a dictionary per row.
- Dataset, group and series values are repeated on each of their observations; a group's
  attributes go to the series whose key matches the group's key (the group's values that
  the series also has; with ``components``, the group's dimensions).
- SDMX-ML 3.0 ``<Comp id="…"><Value>…</Value></Comp>``: a **multi-valued** value is a
  ``list<string>`` cell; a **multilingual** value (``common:Text xml:lang``; no
  ``xml:lang`` means English) keeps its English (else first) text in the column ``ID`` and
  each other language in ``ID.lang`` (``TITLE.fr``).
- Parsing is safe: no entity is resolved, no network used, libxml2's size limits kept
  (``huge_tree=False``), and a DOCTYPE is refused outright (no SDMX message has one).
- Footers (``footer:Footer``, e.g. Eurostat's code 413 "the response will be written to a
  file") are never unseen: with no data they are the :class:`ReadError`; with data, a note.

Without a DSD (``components``), structure-specific data cannot tell a series attribute from
a dimension (both are XML attributes of ``<Series>``): columns then come in the order they
are met, and a note says to give the structure (``--structure``, ``structure=``).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from io import BytesIO
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree

from sdmx_cso.errors import ReadError
from sdmx_cso.formats._doctype import refuse_doctype, syntax_error
from sdmx_cso.formats._head import HEAD_BYTES, head_text
from sdmx_cso.formats.neutral import (
    Components,
    ParsedTable,
    Target,
    localised,
    to_canonical,
    write_table,
)
from sdmx_cso.model.columns import canonical_flags
from sdmx_cso.standard import DsdSpec

__all__ = [
    "BATCH_ROWS",
    "DATA_ROOTS",
    "XmlInfo",
    "handles",
    "is_xml",
    "iter_batches",
    "read_neutral",
    "read_own",
    "refuse_if_not_data",
    "release",
    "sniff_xml",
    "structure_summary",
    "write_streamed",
]

#: Observations turned into one Arrow record batch at a time.
BATCH_ROWS = 8192

#: Root elements of the data messages read here (SDMX-ML 2.0: only ``GenericData``).
DATA_ROOTS = frozenset({"GenericData", "GenericTimeSeriesData", "StructureSpecificData",
                        "StructureSpecificTimeSeriesData"})  # fmt: skip
_DATA_ROOTS_20 = frozenset({"CompactData", "UtilityData", "CrossSectionalData"})
_METADATA_ROOTS = frozenset({"GenericMetadata", "StructureSpecificMetadata", "Metadata",
                             "MetadataMessage"})  # fmt: skip

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_VERSION = re.compile(r"/v(\d)_(\d)/", re.IGNORECASE)
_URN = re.compile(r"=([^:=]+):([^(]+)\(([^)]*)\)")
#: Artefacts named one by one in a structure summary; others are counted.
_NAMED = ("DataStructure", "Dataflow", "KeyFamily", "MetadataStructure")
#: The first element of a document, after the prolog (declaration, comments, PIs, DOCTYPE).
_FIRST_ELEMENT = re.compile(
    r"^(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:[\w.-]+:)?([\w.-]+)", re.DOTALL
)
_TAGS = ("{*}DataSet", "{*}Group", "{*}Series", "{*}Obs", "{*}Footer")


@dataclass(frozen=True)
class XmlInfo:
    """What the first elements of an SDMX-ML message say.

    Attributes:
        root: local name of the root element (``GenericData``, ``Structure``…).
        version: ``2.0``, ``2.1``, ``3.0``… from the root's namespace, or ``None`` if it is
            not an SDMX-ML namespace.
        structure_ref: ``AGENCY:ID(VERSION)`` the header refers to, or ``None``.
        dimension_at_observation: the header's ``dimensionAtObservation``, or ``None``.
    """

    root: str
    version: str | None
    structure_ref: str | None
    dimension_at_observation: str | None = None

    @property
    def format(self) -> str:
        """The format name (``sdmx-ml-2.1``, ``sdmx-ml-2.1-generic``, ``sdmx-ml-3.0``…).

        Meaningful for the data messages this reader reads (:func:`refuse_if_not_data`).
        """
        flavour = "-generic" if self.root.startswith("Generic") else ""
        return f"sdmx-ml-{self.version}{flavour}"


# -- what a file is ---------------------------------------------------------------------------


def is_xml(head: bytes) -> bool:
    """Whether ``head`` (the first bytes of a file) starts an XML document.

    That is: its first character, after a byte-order mark (UTF-8, -16 or -32) and white
    space, is ``<``. Every XML document is this reader's to read, or to refuse with the
    reason (a structure, reference-metadata or error message; an SDMX-ML version it does
    not read), so the reader of any SDMX message (`sdmx_cso.read`) dispatches XML here on
    this test, not on :func:`handles`.
    """
    return head_text(head).lstrip().startswith("<")


def handles(head: bytes) -> bool:
    """Whether ``head`` (the first 4 KiB of a file) starts an SDMX-ML data message."""
    text = head_text(head).lstrip()
    match = _FIRST_ELEMENT.match(text)
    return bool(match and match[1] in DATA_ROOTS and "sdmx" in text[:HEAD_BYTES].lower())


def _events(stream: BinaryIO, events: tuple[str, ...], tags: tuple[str, ...] = ()) -> Any:
    options: dict[str, Any] = {"tag": list(tags)} if tags else {}
    return etree.iterparse(
        stream, events=events, resolve_entities=False, no_network=True, load_dtd=False,
        huge_tree=False, remove_comments=True, remove_pis=True, **options,
    )  # fmt: skip


def _open(source: Path | bytes, stack: ExitStack) -> BinaryIO:
    if isinstance(source, Path):
        try:
            return stack.enter_context(source.open("rb"))
        except OSError as exc:
            raise ReadError(f"cannot be opened: {exc.strerror or exc}", path=source) from exc
    return BytesIO(source)


def _local(element: Any) -> str:
    """The local name of an element (with an undeclared prefix kept: ``p:Name``).

    Not ``etree.QName``: it raises ``ValueError`` on the tag lxml gives an element whose
    prefix is not declared (``p:Name``); the parser reports that error itself.
    """
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def sniff_xml(source: Path | bytes) -> XmlInfo:
    """Read the root and header of an XML message (a file or its bytes).

    Raises:
        ReadError: not well-formed, or it has a DOCTYPE.
    """
    path = source if isinstance(source, Path) else None
    root: Any = None
    parts: dict[str, str] = {}
    try:
        with ExitStack() as stack:
            for event, element in _events(_open(source, stack), ("start", "end")):
                if root is None:
                    root = element
                    refuse_doctype(element, path)
                    continue
                parent = element.getparent()
                if event == "start":
                    if parent is root and _local(element) != "Header":
                        break  # the body starts: the header is over
                    continue
                if parent is root:
                    break
                _header_part(element, parts)
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, source, path=path) from exc
    if root is None:
        raise ReadError("empty XML document", path=path)
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    match = _VERSION.search(namespace)
    version = f"{match[1]}.{match[2]}" if match and "sdmx" in root.tag.lower() else None
    return XmlInfo(_local(root), version, _ref(parts), parts.get("at"))


def _header_part(element: Any, parts: dict[str, str]) -> None:
    """Note what a header element says about the structure (the first mention wins)."""
    local = _local(element)
    if local in ("KeyFamilyRef", "KeyFamilyAgency") and element.text:  # SDMX-ML 2.0
        parts.setdefault(local, element.text.strip())
        return
    if not any(_local(a) == "Structure" for a in element.iterancestors()) and local != "Structure":
        return
    if local == "Structure" and element.get("dimensionAtObservation"):
        parts.setdefault("at", element.get("dimensionAtObservation"))
    if local == "Ref" and element.get("id"):
        version = element.get("version")
        ref = f"{element.get('agencyID', '')}:{element.get('id')}"
        parts.setdefault("ref", f"{ref}({version})" if version else ref)
    elif (text := (element.text or "").strip()) and (match := _URN.search(text)):
        parts.setdefault("ref", f"{match[1]}:{match[2]}({match[3]})")
    elif local == "Structure" and (match := _URN.search(element.get("namespace", ""))):
        parts.setdefault("namespace", f"{match[1]}:{match[2]}({match[3]})")


def _ref(parts: dict[str, str]) -> str | None:
    if "ref" in parts:
        return parts["ref"]
    if "namespace" in parts:
        return parts["namespace"]
    if "KeyFamilyRef" in parts:
        agency = parts.get("KeyFamilyAgency")
        return f"{agency}:{parts['KeyFamilyRef']}" if agency else parts["KeyFamilyRef"]
    return None


def refuse_if_not_data(info: XmlInfo, source: Path | bytes) -> None:
    """Raise the :class:`ReadError` that says what a message is when it is not data read here.

    A structure message lists its artefacts and says to give it as the structure.
    """
    path = source if isinstance(source, Path) else None
    label = f"SDMX-ML {info.version}" if info.version else "XML"
    if info.version is None:
        raise ReadError(f"XML, but not an SDMX-ML message (root <{info.root}>)", path=path)
    if info.root == "Structure":
        raise ReadError(
            f"this is an {label} structure message, not data: "
            f"{structure_summary(source, info.version)}. Give it as the structure "
            "(--structure, structure=) of a data message that refers to it",
            path=path,
        )
    if info.root in _METADATA_ROOTS:
        raise ReadError(f"this is an {label} reference-metadata message, not data", path=path)
    if info.root == "Error":
        raise ReadError(f"this is an {label} error message, not data", path=path)
    if info.version == "2.0" and info.root in _DATA_ROOTS_20:
        raise ReadError(f"{label} {info.root} is not supported (only GenericData)", path=path)
    if info.root not in DATA_ROOTS:
        raise ReadError(f"{label} <{info.root}> is not a data message", path=path)
    if info.version not in ("2.0", "2.1", "3.0"):
        raise ReadError(f"{label} is not supported (2.0 generic, 2.1 and 3.0 are)", path=path)
    if info.version == "2.0" and info.root != "GenericData":
        raise ReadError(f"{label} {info.root} is not supported (only GenericData)", path=path)


def structure_summary(source: Path | bytes, version: str | None) -> str:
    """The artefacts of a structure message, e.g. ``DataStructure ECB:EXR(1.0), 8 Codelists``.

    Raises:
        ReadError: not well-formed XML.
    """
    path = source if isinstance(source, Path) else None
    found: dict[str, list[str]] = {}
    depth, top = 0, ""
    artefact_depth = 3 if version == "2.0" else 4  # 2.0 has no <Structures> wrapper
    try:
        with ExitStack() as stack:
            for event, element in _events(_open(source, stack), ("start", "end")):
                if event == "start":
                    depth += 1
                    top = _local(element) if depth == 2 else top
                    if depth == artefact_depth and top != "Header":
                        found.setdefault(_local(element), []).append(_identity(element))
                    continue
                if depth >= artefact_depth:
                    element.clear()
                depth -= 1
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, source, path=path) from exc
    parts = []
    for kind, ids in found.items():
        if kind in _NAMED:
            shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
            parts.append(f"{kind} {shown}")
        else:
            parts.append(f"{len(ids)} {kind}{'' if len(ids) == 1 else 's'}")
    return ", ".join(parts) or "no artefacts"


def _identity(element: Any) -> str:
    ident = f"{element.get('agencyID', '?')}:{element.get('id', '?')}"
    version = element.get("version")
    return f"{ident}({version})" if version else ident


def _attributes(element: Any) -> Row:
    """An element's XML attributes, name to value.

    A ``zip`` of names and values: with lxml, faster than ``dict(element.attrib)`` or
    ``dict(element.items())``.
    """
    return dict(zip(element.keys(), element.values(), strict=True))


def release(element: Any) -> None:
    """Free a processed element and the siblings before it."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


# -- reading -----------------------------------------------------------------------------------

#: A cell: text, or the values of a multi-valued component.
Cell = str | list[str] | None
Row = dict[str, Cell]


@dataclass
class _Said:
    """What a read learnt besides the rows: the footer, what it could not keep."""

    footer: str | None = None
    deletions: int = 0
    annotations: int = 0
    groups_guessed: bool = False
    rows: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(eq=False)
class _Shared:
    """What the observations of one series (or flat data set) share.

    Their rows are ``head``, then the observation's own values, then ``tail`` (an earlier
    value of a name winning): ``values``, the shared values of each row, is ``head`` over
    ``tail`` wherever the observation has no value of its own of the name.
    """

    head: Row
    tail: Row
    values: Row = field(init=False)

    def __post_init__(self) -> None:
        self.values = {**self.tail, **self.head}


class _Rows:
    """The observations of one record batch, gathered by column rather than by row.

    Each observation's own values are kept, and the values its series shares once per run
    of observations of the series: in Arrow, a series' values are repeated by a ``take``,
    not copied into a dictionary per row.
    """

    def __init__(self) -> None:
        self.own: list[Row] = []
        self.shared: list[_Shared] = []
        self.counts: list[int] = []

    def __len__(self) -> int:
        return len(self.own)

    def add(self, shared: _Shared, own: Row) -> None:
        if self.shared and self.shared[-1] is shared:
            self.counts[-1] += 1
        else:
            self.shared.append(shared)
            self.counts.append(1)
        self.own.append(own)

    def rows(self) -> Iterator[tuple[_Shared, Row]]:
        """Each observation with what it shares, in order."""
        at = 0
        for shared, count in zip(self.shared, self.counts, strict=True):
            for own in self.own[at : at + count]:
                yield shared, own
            at += count

    def batch(self) -> pa.RecordBatch:
        """The rows as one record batch, as :func:`_batch` makes it of whole rows."""
        own_names = set(chain.from_iterable(self.own))
        shared_names = {n for s in dict.fromkeys(self.shared) for n in s.values}
        if own_names & shared_names:  # an observation's value overrides its series': by rows
            return _batch([_row(shared, own) for shared, own in self.rows()])
        names = self._names(len(own_names) + len(shared_names))
        own_struct = _struct(self.own, [n for n in names if n in own_names])
        shared = [s.values for s in self.shared]
        shared_struct = _struct(shared, [n for n in names if n in shared_names])
        repeated = np.repeat(np.arange(len(self.shared)), self.counts)
        columns = dict(zip(own_struct.type.names, own_struct.flatten(), strict=True))
        for name, column in zip(shared_struct.type.names, shared_struct.flatten(), strict=True):
            columns[name] = column.take(repeated)
        return pa.RecordBatch.from_arrays([columns[n] for n in names], names)

    def _names(self, total: int) -> list[str]:
        """The columns in the order first met in the rows (as :func:`_batch` orders them).

        The scan stops once all ``total`` names are met.
        """
        seen: Row = {}
        for shared, own in self.rows():
            seen.update(shared.head)
            seen.update(own)
            seen.update(shared.tail)
            if len(seen) == total:
                break
        return [n for n in seen if n[0] != "{"]


class _Reader:
    """The state of one read: the message's syntax and the current data set and series."""

    def __init__(self, info: XmlInfo, path: Path | None, components: Components | None) -> None:
        self.info = info
        self.path = path
        self.components = components
        self.generic = info.root.startswith("Generic")
        self.v20 = info.version == "2.0"
        self.at_observation = info.dimension_at_observation or "TIME_PERIOD"
        if self.at_observation == "AllDimensions":
            self.at_observation = "TIME_PERIOD"
        self.measure = "OBS_VALUE"
        if components is not None:
            self.measure = components.measures[0] if components.measures else "OBS_VALUE"
        self.dimensions = frozenset(components.dimensions) if components else frozenset()
        self.multi_valued = components.multi_valued if components else frozenset()
        self.said = _Said()
        self._dataset: Any = None
        self._dataset_values: Row = {}
        self._groups: list[tuple[Row, Row]] = []
        self._series: Any = None
        self._shared = _Shared({}, {})
        self._head: Row = {}
        self._delete = False

    # where an observation is

    def where(self, number: int) -> str:
        key = ", ".join(
            f"{k}={v}" for k, v in self._head.items() if isinstance(v, str) and k[0] != "{"
        )[:200]
        return f"observation {number}" + (f" (series {key})" if key else "")

    def shared(self, parent: Any) -> _Shared:
        """The values that observations of ``parent`` (a series or a flat data set) share.

        ``head`` (the series key; in structure-specific data every value of the series)
        comes before the observation's own values, ``tail`` (data-set, group and series
        attributes, the later winning) after them.
        """
        if parent is self._series:
            return self._shared
        self._head = {}  # not the last series' key in a refusal while this one is read
        local = _local(parent)
        if local == "DataSet":
            self._series, self._head = parent, {}
            self._shared = _Shared({}, self.dataset_values(parent))
            return self._shared
        dataset = parent.getparent()
        group_20: Row = {}
        if dataset is not None and _local(dataset) == "Group":  # SDMX-ML 2.0: groups hold series
            group_20 = self._values_20(dataset, "Attributes")
            dataset = dataset.getparent()
        head, attributes = self.series_values(parent)
        tail = dict(self.dataset_values(dataset)) if dataset is not None else {}
        for key, values in self._groups:
            if self._in_group(key, values, head):
                tail.update(values)
        tail.update(group_20)
        tail.update(attributes)
        self._series, self._head, self._shared = parent, head, _Shared(head, tail)
        return self._shared

    def own(self, obs: Any) -> Row:
        """An observation's own values (not those of its series, groups and data set)."""
        if self.generic:
            values = self._generic_observation(obs)
        else:
            values = _attributes(obs)
            if len(obs):
                self._children(obs, values)
        self.said.rows += 1
        if self._delete:
            self.said.deletions += 1
        return values

    def other(self, element: Any) -> None:
        """The end of an element other than ``Obs``: free it, or read the footer."""
        local = _local(element)
        if local == "Series" or (local == "Group" and self.v20):
            release(element)
        elif local == "DataSet":
            element.clear(keep_tail=False)
        elif local == "Footer":
            self.said.footer = _footer(element)

    def _in_group(self, key: Row, attributes: Row, own: Row) -> bool:
        if not key and not self.components:  # structure-specific, no DSD: values shared
            shared = [n for n in attributes if n in own]
            self.said.groups_guessed = True
            return bool(shared) and all(own[n] == attributes[n] for n in shared)
        return all(own.get(name) == value for name, value in key.items())

    def dataset_values(self, dataset: Any) -> Row:
        if dataset is self._dataset:
            return self._dataset_values
        self._dataset = dataset
        values: Row = {}
        self._groups = []
        if not self.generic:
            values.update((k, v) for k, v in dataset.attrib.items() if k[0] != "{")
        actions = [v for k, v in dataset.attrib.items() if k.rpartition("}")[2] == "action"]
        self._delete = bool(actions) and actions[0].lower() == "delete"
        for child in dataset:
            local = _local(child)
            if local == "Attributes":
                values.update(self._values_20(child) if self.v20 else self._values(child))
            elif local == "Comp":
                values.update(self._comp(child))
            elif local == "Group" and not self.v20:
                self._groups.append(self._group(child))
        self._dataset_values = values
        return values

    def _group(self, group: Any) -> tuple[Row, Row]:
        if self.generic:
            key: Row = {}
            attributes: Row = {}
            for child in group:
                if _local(child) == "GroupKey":
                    key.update(self._values(child))
                elif _local(child) == "Attributes":
                    attributes.update(self._values(child))
            return key, attributes
        values = self.element_values(group)
        if self.components:
            key = {k: v for k, v in values.items() if k in self.dimensions}
            return key, {k: v for k, v in values.items() if k not in self.dimensions}
        return {}, values

    def series_values(self, element: Any) -> tuple[Row, Row]:
        """A series' key and its attributes (structure-specific: all its values, no DSD)."""
        if not self.generic:
            return self.element_values(element), {}
        if self.v20:
            return self._values_20(element, "SeriesKey"), self._values_20(element, "Attributes")
        key: Row = {}
        attributes: Row = {}
        for child in element:
            local = _local(child)
            if local == "SeriesKey":
                key.update(self._values(child))
            elif local == "Attributes":
                attributes.update(self._values(child))
            elif local == "Annotations":
                self.said.annotations += 1
        return key, attributes

    def element_values(self, element: Any) -> Row:
        """The values of a structure-specific series or group: XML attributes and ``Comp``."""
        values = _attributes(element)
        self._children(element, values)
        return values

    def _children(self, element: Any, values: Row) -> None:
        """Add the ``Comp`` children of a structure-specific element to ``values``."""
        for child in element:
            if child.tag == "Comp":
                values.update(self._comp(child))
            elif _local(child) == "Annotations":
                self.said.annotations += 1

    def _generic_observation(self, element: Any) -> Row:
        values: Row = {}
        for child in element:
            local = _local(child)
            if local == "ObsDimension":
                values[child.get("id") or self.at_observation] = child.get("value")
            elif local == "Time":  # SDMX-ML 2.0
                values["TIME_PERIOD"] = (child.text or "").strip() or None
            elif local == "ObsValue":
                values[child.get("id") or self.measure] = child.get("value")
            elif local in ("ObsKey", "Attributes"):
                values.update(self._values_20(child) if self.v20 else self._values(child))
            elif local == "Annotations":
                self.said.annotations += 1
        return values

    def _values(self, element: Any) -> Row:
        """``generic:Value`` children (SDMX-ML 2.1): id → value."""
        values: Row = {}
        for value in element:
            if _local(value) != "Value":
                continue
            name = value.get("id")
            if name is None:
                raise ReadError(
                    f"{self.where(self.said.rows + 1)}: a generic:Value without an id "
                    f"(line {value.sourceline})",
                    path=self.path,
                )
            values[name] = value.get("value")
        return values

    def _values_20(self, element: Any, part: str | None = None) -> Row:
        """SDMX-ML 2.0 ``Value concept=… value=…`` children (of the child ``part``)."""
        if part is not None:
            found = [c for c in element if _local(c) == part]
            return {k: v for child in found for k, v in self._values_20(child).items()}
        return {
            value.get("concept"): value.get("value")
            for value in element
            if _local(value) == "Value" and value.get("concept")
        }

    def _comp(self, comp: Any) -> Row:
        """An SDMX-ML 3.0 ``Comp``: a list of values, or multilingual texts by language."""
        name = comp.get("id")
        if not name:
            raise ReadError(
                f"{self.where(self.said.rows + 1)}: a Comp without an id (line {comp.sourceline})",
                path=self.path,
            )
        plain: list[str] = []
        texts: list[dict[str, str]] = []
        for value in comp:
            if _local(value) != "Value":
                continue
            found = {
                t.get(_XML_LANG, "en"): (t.text or "").strip() for t in value if _local(t) == "Text"
            }
            if found:
                texts.append(found)
            elif value.text and value.text.strip():
                plain.append(value.text.strip())
        if not texts:
            if len(plain) == 1 and self.components and name not in self.multi_valued:
                return {name: plain[0]}
            return {name: plain or None}
        several = len(texts) > 1 or name in self.multi_valued
        first = [localised(t) or "" for t in texts]
        row: Row = {name: first if several else first[0]}
        english = {lang for t in texts for lang in t if lang == "en" or lang.startswith("en-")}
        main = "en" if english else next(iter(texts[0]))
        languages = dict.fromkeys(lang for t in texts for lang in t if lang != main)
        for lang in languages:
            if lang in english:
                continue
            column = [t.get(lang, "") for t in texts]
            row[f"{name}.{lang}"] = column if several else column[0]
        return row


def iter_batches(
    source: Path | bytes,
    *,
    components: Components | None = None,
    info: XmlInfo | None = None,
    said: list[_Said] | None = None,
) -> Iterator[pa.RecordBatch]:
    """The observations of an SDMX-ML data message, as record batches, streamed.

    One row per observation, up to :data:`BATCH_ROWS` rows a batch.

    Batches may differ in columns (a component first met later) and in the type of a column
    (``list<string>`` once a multi-valued value is met); :func:`read_neutral` unifies them.
    ``said`` receives what the read learnt besides rows (its footer, its losses).

    Raises:
        ReadError: not well-formed, not an SDMX-ML data message read here, or a value
            without its component's ID.
    """
    path = source if isinstance(source, Path) else None
    info = info or sniff_xml(source)
    refuse_if_not_data(info, source)
    reader = _Reader(info, path, components)
    if said is not None:
        said.append(reader.said)
    rows = _Rows()
    shared, own = reader.shared, reader.own
    try:
        with ExitStack() as stack:
            for _, element in _events(_open(source, stack), ("end",), _TAGS):
                if element.tag != "Obs" and _local(element) != "Obs":
                    reader.other(element)
                    continue
                rows.add(shared(element.getparent()), own(element))
                release(element)
                if len(rows.own) >= BATCH_ROWS:
                    yield rows.batch()
                    rows = _Rows()
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, source, path=path) from exc
    if len(rows):
        yield rows.batch()


def _footer(footer: Any) -> str:
    """What a footer says: its messages' texts, severity and code."""
    said = []
    for message in footer:
        if _local(message) != "Message":
            continue
        texts = {
            t.get(_XML_LANG, "en"): (t.text or "").strip() for t in message if _local(t) == "Text"
        }
        english = [t for lang, t in texts.items() if lang == "en" or lang.startswith("en-")]
        text = "; ".join(english) or localised(texts) or "(no text)"
        code = message.get("code")
        code = None if code is None else f"code {code}"
        labels = [p for p in (message.get("severity"), code) if p]
        said.append(f"{text} ({', '.join(labels)})" if labels else text)
    return "; ".join(said) or "(no text)"


def _row(shared: _Shared, own: Row) -> Row:
    """One observation's whole row: its series' key, its own values, the other shared ones."""
    row = dict(shared.head)
    row.update(own)
    for name, value in shared.tail.items():
        if name not in row:
            row[name] = value
    return row


def _batch(rows: list[Row]) -> pa.RecordBatch:
    """Rows of text (or lists of text) as one record batch, columns as first met."""
    shapes = dict.fromkeys(tuple(row) for row in rows)  # in the order met
    names = [n for n in dict.fromkeys(n for shape in shapes for n in shape) if n[0] != "{"]
    return pa.RecordBatch.from_struct_array(_struct(rows, names))


def _struct(rows: list[Row], names: list[str]) -> pa.StructArray:
    """Rows of text (or lists of text) as one struct array of the columns ``names``.

    Converted in C++ (several times faster than gathering each column in Python); a column
    that holds a list is ``list<string>``.
    """
    try:
        return pa.array(rows, pa.struct([(n, pa.string()) for n in names]))
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        listed = {n for n in names if any(isinstance(row.get(n), list) for row in rows)}
        rows = [{k: [v] if k in listed and isinstance(v, str) else v for k, v in row.items()}
                for row in rows]  # fmt: skip
        fields = [(n, _LIST if n in listed else pa.string()) for n in names]
        return pa.array(rows, pa.struct(fields))


_LIST = pa.list_(pa.string())


def _types(batch: pa.RecordBatch, types: dict[str, pa.DataType]) -> None:
    """Note the columns of ``batch`` and their types (a list in any batch: a list column)."""
    for f in batch.schema:
        if types.get(f.name) != _LIST:
            types[f.name] = f.type


def _schema(types: dict[str, pa.DataType], order: list[str]) -> pa.Schema:
    """The columns in ``order`` first, then the others as first met."""
    names = [n for n in order if n in types] + [n for n in types if n not in set(order)]
    return pa.schema([(n, types[n]) for n in names])


def _unified(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """``batch`` with the columns of ``schema``: absent ones null, text made a list if need be."""
    arrays = []
    for f in schema:
        index = batch.schema.get_field_index(f.name)
        if index < 0:
            arrays.append(pa.nulls(batch.num_rows, f.type))
            continue
        column = batch.column(index)
        if column.type != f.type:
            column = pa.array([None if v is None else [v] for v in column.to_pylist()], _LIST)
        arrays.append(column)
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def gather(batches: list[pa.RecordBatch], order: list[str]) -> pa.Table:
    """One table from batches of different columns and types.

    The columns in ``order`` come first, then the others as first met; a column with lists
    in any batch is ``list<string>``.
    """
    types: dict[str, pa.DataType] = {}
    for batch in batches:
        _types(batch, types)
    schema = _schema(types, order)
    return pa.Table.from_batches([_unified(b, schema) for b in batches], schema=schema)


def read_neutral(source: Path | bytes, *, components: Components | None = None) -> ParsedTable:
    """Read an SDMX-ML data message into the neutral table, streamed.

    SDMX-ML 2.0 generic, 2.1 generic or structure-specific, 3.0 structure-specific.

    Args:
        source: the message, as a file path or its bytes.
        components: the components of the DSD the data refer to (from a structure file):
            they order the columns and tell dimensions from attributes in groups.

    Raises:
        ReadError: naming the file (and the observation) and why: not well-formed, a
            DOCTYPE, not an SDMX-ML data message (a structure message lists its artefacts),
            a value without its component's ID, or a footer and no data.
    """
    return _read_neutral(source, sniff_xml(source), components)


def _read_neutral(
    source: Path | bytes, info: XmlInfo, components: Components | None
) -> ParsedTable:
    path = source if isinstance(source, Path) else None
    said: list[_Said] = []
    batches = list(iter_batches(source, components=components, info=info, said=said))
    what = said[0]
    if what.footer and not what.rows:
        raise ReadError(f"the message holds no data; its footer says: {what.footer}", path=path)
    table = gather(batches, components.order() if components else [])
    notes = _notes(info, what, components, table)
    return ParsedTable(table, info.root, info.structure_ref, info.format,
                       tuple(notes))  # fmt: skip


def _notes(info: XmlInfo, said: _Said, components: Components | None, table: pa.Table) -> list[str]:
    notes = []
    if components is None and "StructureSpecific" in info.root:
        notes.append(
            "structure-specific data read without its DSD: columns are named by component "
            "ID, but series attributes come among the dimensions (give the structure, "
            "--structure or structure=, to order them as the DSD does)"
        )
    if components is not None:
        known = set(components.order())
        unknown = [c for c in table.column_names if c.partition(".")[0] not in known]
        if unknown:
            notes.append(f"components not in the structure given: {', '.join(unknown)}")
    listed = [f.name for f in table.schema if f.type == _LIST]
    if listed:
        notes.append(
            f"multi-valued attributes kept as lists ({', '.join(listed)}); in CSV their "
            "values are joined with one space"
        )
    if said.groups_guessed:
        notes.append(
            "group attributes given to the series that share the group's values (give the "
            "structure, --structure or structure=, to match them by the group's dimensions)"
        )
    if said.deletions:
        notes.append(f"{said.deletions} observations are in data sets that delete data")
    if said.annotations:
        notes.append(f"{said.annotations} annotations of series or observations were not read")
    if said.footer:
        notes.append(f"the message's footer says: {said.footer}")
    return notes


class _Spilled:
    """Record batches spilled to a temporary file, read back one at a time.

    Each comes back with the columns of all of them, as
    :func:`~sdmx_cso.formats.neutral.write_table` needs (``column_names``, ``to_batches()``).
    """

    def __init__(self, spill: Any, parts: list[tuple[int, int]], schema: pa.Schema) -> None:
        self._spill, self._parts, self._schema = spill, parts, schema

    @property
    def column_names(self) -> list[str]:
        return list(self._schema.names)

    def to_batches(self, max_chunksize: int | None = None) -> Iterator[pa.RecordBatch]:
        for start, length in self._parts:  # batches of BATCH_ROWS rows: never larger
            self._spill.seek(start)
            batch = pa.ipc.open_stream(self._spill.read(length)).read_next_batch()
            yield _unified(batch, self._schema)


def write_streamed(
    source: Path | bytes,
    out: BinaryIO,
    *,
    components: Components | None = None,
    to: Target = "csv",
    keep_formulas: bool = False,
) -> tuple[ParsedTable, int, int]:
    """Read an SDMX-ML data message and write it as CSV or JSON, in bounded memory.

    As :func:`read_neutral` then :func:`~sdmx_cso.formats.neutral.write_table`, but the
    observations never are all in memory: each batch is spilled to a temporary file (Arrow
    IPC) as it is read, and written out, one batch at a time, once every column is known
    (a column met late, or a value that turns a column into a list, changes the header).

    Returns:
        The parsed table without its rows (``table`` holds the columns, no row), the number
        of observations written, and the number of CSV cells that got a leading ``'``.

    Raises:
        ReadError: as :func:`read_neutral`; nothing is written then.
    """
    path = source if isinstance(source, Path) else None
    info = sniff_xml(source)
    said: list[_Said] = []
    types: dict[str, pa.DataType] = {}
    parts: list[tuple[int, int]] = []
    with tempfile.TemporaryFile(prefix="sdmx-cso-read-") as spill:
        for batch in iter_batches(source, components=components, info=info, said=said):
            _types(batch, types)
            start = spill.tell()
            with pa.ipc.new_stream(spill, batch.schema) as writer:
                writer.write_batch(batch)
            parts.append((start, spill.tell() - start))
        what = said[0]
        if what.footer and not what.rows:
            raise ReadError(f"the message holds no data; its footer says: {what.footer}", path=path)
        schema = _schema(types, components.order() if components else [])
        spilled = _Spilled(spill, parts, schema)
        changed = write_table(spilled, out, to=to, keep_formulas=keep_formulas)
    empty = schema.empty_table()
    parsed = ParsedTable(empty, info.root, info.structure_ref, info.format,
                         tuple(_notes(info, what, components, empty)))  # fmt: skip
    return parsed, what.rows, changed


# -- our own messages --------------------------------------------------------------------------

_KINDS = {"sdmx-ml-2.1": "2.1 structure-specific", "sdmx-ml-2.1-generic": "2.1 generic",
          "sdmx-ml-3.0": "3.0 structure-specific"}  # fmt: skip


def read_own(source: Path | bytes, dsd: DsdSpec, fmt: str) -> pa.Table:
    """The observations of one of the standard's own messages, in the canonical schema.

    The neutral table (:func:`read_neutral`, with the DSD's components), refused if a column
    is not a component of the DSD, then :func:`~sdmx_cso.formats.neutral.to_canonical`. A
    dimension that no observation has takes its default (``_T``…), as an absent column of a
    submission does: messages for the SDG DSD lack the CGD dimensions.

    Args:
        source: the message, as bytes or a file path.
        dsd: the standard's DSD.
        fmt: the format the message must have: ``sdmx-ml-2.1``, ``sdmx-ml-2.1-generic`` or
            ``sdmx-ml-3.0``.

    Raises:
        ReadError: not well-formed, not a message of ``fmt``, a component outside the DSD
            (naming it and the first observation that has it), or a value that does not fit
            its column.
    """
    path = source if isinstance(source, Path) else None
    info = sniff_xml(source)
    if info.root not in DATA_ROOTS or info.format != fmt:
        raise ReadError(
            f"not an SDMX-ML {_KINDS[fmt]} data message (root element <{info.root}>"
            + (f", SDMX-ML {info.version})" if info.version else ")"),
            path=path,
        )
    table = _read_neutral(source, info, Components.of(dsd)).table
    known = set(dsd.columns)
    for name in table.column_names:
        if name not in known:
            first = pc.index(pc.is_valid(table.column(name)), True).as_py() + 1
            raise ReadError(
                f"observation {first}: {name} is not a component of {dsd.id}",
                path=path,
                column=name,
            )
    rows = table.num_rows
    try:
        table = to_canonical(table, dsd, path)
    except ReadError as exc:
        raise ReadError(f"values that do not fit the standard: {exc.reason}", path=path,
                        column=exc.column) from exc  # fmt: skip
    for dimension in dsd.dimensions:  # a dimension the message lacks: its default
        if rows and table.column(dimension.id).null_count == rows:
            default = pa.repeat(pa.scalar(dimension.default, pa.string()), rows)
            index = table.schema.get_field_index(dimension.id)
            table = table.set_column(index, dimension.id, default)
    flags = table.schema.get_field_index("QUALITY_FLAGS")
    if flags >= 0 and table.column(flags).null_count < rows:
        table = table.set_column(flags, "QUALITY_FLAGS", canonical_flags(table.column(flags)))
    return table

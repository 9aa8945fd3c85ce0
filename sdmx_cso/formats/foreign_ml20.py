"""SDMX-ML written by others, read without sdmx1.

SDMX-ML 2.0 generic data, and the help the sdmx1-based reader (:mod:`sdmx_cso.bridge.foreign`)
needs:

- :func:`sniff_xml` says what an SDMX-ML file is (root element, version, the structure its
  header refers to) from its first elements, and refuses a DOCTYPE (no SDMX message has one;
  refusing it rules out entity expansion before sdmx1, which parses with lxml's defaults,
  ever sees the file).
- :func:`structure_summary` lists the artefacts of a structure message, for the error that
  says it is not data.
- :func:`read_generic_20` reads SDMX-ML **2.0** ``GenericData`` (national SDG data such as
  Tajikistan's, made with the SDMX Converter), which sdmx1 cannot read ("Cannot determine
  SDMX-ML version"). The time dimension becomes ``TIME_PERIOD``, the value ``OBS_VALUE``.
- :func:`complex_values` reads the values of SDMX-ML **3.0** complex attributes
  (``<Comp id="…"><Value>…</Value></Comp>``), and :func:`without_complex` gives the message
  without them, for sdmx1 2.28, which gets them wrong: a plain ``<Value>A</Value>`` reads as
  an empty string, a ``Comp`` inside an ``Obs`` is attached to the series (every observation
  shows the last one's), and a second ``Obs`` with a ``Comp`` in a series without one raises
  ``KeyError: -1``.

Every parse is streaming (``iterparse``), never resolves entities, never uses the network
and keeps libxml2's size limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from sdmx_cso.errors import ReadError
from sdmx_cso.formats._doctype import refuse_doctype, syntax_error
from sdmx_cso.formats.neutral import ParsedTable, TableBuilder, localised

__all__ = [
    "XmlInfo",
    "complex_values",
    "read_generic_20",
    "sniff_xml",
    "structure_summary",
    "without_complex",
]

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_VERSION = re.compile(r"/v(\d)_(\d)/", re.IGNORECASE)
_URN = re.compile(r"=([^:=]+):([^(]+)\(([^)]*)\)")
#: Artefacts named one by one in a structure summary; others are counted.
_NAMED = ("DataStructure", "Dataflow", "KeyFamily", "MetadataStructure")


@dataclass(frozen=True)
class XmlInfo:
    """What the first elements of an SDMX-ML message say.

    Attributes:
        root: local name of the root element (``GenericData``, ``Structure``…).
        version: ``2.0``, ``2.1``, ``3.0``… from the root's namespace, or ``None`` if it is
            not an SDMX-ML namespace.
        structure_ref: ``AGENCY:ID(VERSION)`` the header refers to, or ``None``.
    """

    root: str
    version: str | None
    structure_ref: str | None


@contextmanager
def _events(path: Path, events: tuple[str, ...]) -> Iterator[Any]:
    with path.open("rb") as handle:
        yield etree.iterparse(
            handle, events=events, resolve_entities=False, no_network=True, load_dtd=False,
            huge_tree=False, remove_comments=True, remove_pis=True,
        )  # fmt: skip


def _local(element: Any) -> str:
    """The local name of an element (with an undeclared prefix kept: ``p:Name``).

    Not ``etree.QName``: it raises ``ValueError`` on the tag lxml gives an element whose
    prefix is not declared (``p:Name``); the parser reports that error itself.
    """
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def sniff_xml(path: Path) -> XmlInfo:
    """Read the root and header of an XML file.

    Raises:
        ReadError: not well-formed, or it has a DOCTYPE.
    """
    root: Any = None
    parts: dict[str, str] = {}
    try:
        with _events(path, ("start", "end")) as events:
            for event, element in events:
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
        raise syntax_error(exc, path, path=path) from exc
    if root is None:
        raise ReadError("empty XML document", path=path)
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    match = _VERSION.search(namespace)
    version = f"{match[1]}.{match[2]}" if match and "sdmx" in root.tag.lower() else None
    return XmlInfo(_local(root), version, _ref(parts))


def _header_part(element: Any, parts: dict[str, str]) -> None:
    """Note what a header element says about the structure (the first mention wins)."""
    local = _local(element)
    if local in ("KeyFamilyRef", "KeyFamilyAgency") and element.text:  # SDMX-ML 2.0
        parts.setdefault(local, element.text.strip())
        return
    if not any(_local(a) == "Structure" for a in element.iterancestors()) and local != "Structure":
        return
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


def structure_summary(path: Path, version: str | None) -> str:
    """The artefacts of a structure message, e.g. ``DataStructure ECB:EXR(1.0), 8 Codelists``.

    Raises:
        ReadError: not well-formed XML.
    """
    found: dict[str, list[str]] = {}
    depth, top = 0, ""
    artefact_depth = 3 if version == "2.0" else 4  # 2.0 has no <Structures> wrapper
    try:
        with _events(path, ("start", "end")) as events:
            for event, element in events:
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
        raise syntax_error(exc, path, path=path) from exc
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


def read_generic_20(path: Path, info: XmlInfo) -> ParsedTable:
    """Read an SDMX-ML 2.0 ``GenericData`` message into the neutral table.

    Attributes of the data set, its groups, each series and each observation are repeated on
    every row they apply to.

    Raises:
        ReadError: not well-formed XML.
    """
    builder = TableBuilder()
    dataset: dict[str, str | None] = {}
    group: dict[str, str | None] = {}
    try:
        with _events(path, ("end",)) as events:
            for _, element in events:
                local, parent = _local(element), element.getparent()
                above = "" if parent is None else _local(parent)
                if local == "Attributes" and above == "DataSet":
                    dataset = _values_20(element)
                elif local == "Attributes" and above == "Group":
                    group = _values_20(element)
                elif local == "Series":
                    above_series = dataset | group
                    for row in _series_20(element):
                        builder.add(row | {k: v for k, v in above_series.items() if k not in row})
                    _release(element)
                elif local == "Group":
                    group = {}
                    _release(element)
                elif local == "DataSet":
                    dataset = {}
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, path, path=path) from exc
    return ParsedTable(builder.table(), info.root, info.structure_ref, "sdmx-ml-2.0-generic")


def _values_20(element: Any) -> dict[str, str | None]:
    return {
        value.get("concept"): value.get("value")
        for value in element
        if _local(value) == "Value" and value.get("concept")
    }


def _series_20(series: Any) -> Iterator[dict[str, str | None]]:
    key: dict[str, str | None] = {}
    attributes: dict[str, str | None] = {}
    for child in series:
        local = _local(child)
        if local == "SeriesKey":
            key = _values_20(child)
        elif local == "Attributes":
            attributes = _values_20(child)
        elif local == "Obs":
            row = dict(key)
            obs_attributes: dict[str, str | None] = {}
            for part in child:
                name = _local(part)
                if name == "Time":
                    row["TIME_PERIOD"] = (part.text or "").strip() or None
                elif name == "ObsValue":
                    row["OBS_VALUE"] = part.get("value")
                elif name == "Attributes":
                    obs_attributes = _values_20(part)
            yield row | attributes | obs_attributes


def _release(element: Any) -> None:
    """Free a processed element and the siblings before it."""
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def complex_values(path: Path) -> list[list[dict[str, str]]]:
    """The complex attribute values of each observation, per data set, in document order.

    Each observation gets the ``Comp`` values of its data set, its series and its own
    (the innermost wins); the values of one ``Comp`` are joined with one space, and a
    multilingual value gives its English text (or its first language).

    Raises:
        ReadError: not well-formed XML.
    """
    datasets: list[list[dict[str, str]]] = []
    levels: dict[str, dict[str, str]] = {"DataSet": {}, "Series": {}, "Obs": {}}
    try:
        with _events(path, ("start", "end")) as events:
            for event, element in events:
                local = _local(element)
                if event == "start":
                    if local == "DataSet":
                        datasets.append([])
                    if local in levels:
                        levels[local] = {}
                    continue
                if local == "Comp":
                    parent = element.getparent()
                    level = _local(parent) if parent is not None else ""
                    if level in levels:
                        levels[level][element.get("id", "")] = _comp_text(element)
                elif local == "Obs" and datasets:
                    datasets[-1].append(levels["DataSet"] | levels["Series"] | levels["Obs"])
                    _release(element)
                elif local == "Series":
                    _release(element)
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, path, path=path) from exc
    return datasets


def _comp_text(comp: Any) -> str:
    values = []
    for value in comp:
        if _local(value) != "Value":
            continue
        texts = {t.get(_XML_LANG, "en"): (t.text or "") for t in value if _local(t) == "Text"}
        text = localised(texts) if texts else (value.text or "")
        if text and text.strip():
            values.append(text.strip())
    return " ".join(values)


def without_complex(path: Path) -> bytes:
    """The message without its ``Comp`` elements (read whole: use it only when it has some).

    Raises:
        ReadError: not well-formed XML.
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )  # fmt: skip
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, path, path=path) from exc
    comps = [e for e in tree.iter() if isinstance(e.tag, str) and _local(e) == "Comp"]
    for comp in comps:
        parent = comp.getparent()
        if parent is not None:
            parent.remove(comp)
    return bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))

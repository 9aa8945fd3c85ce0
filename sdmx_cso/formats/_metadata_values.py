"""Dataset metadata as a tree of reported values, and back (shared by the SDMX-ML writers).

`reported` lays a :class:`~sdmx_cso.model.metadata.DatasetMetadata` out along the
metadata structure (`sdmx_cso.formats.msd.msd_tree`) as `Reported` nodes whose values are
text; `metadata_from` turns such nodes, read from a message, back into the model. The XML
modules only decide which elements carry the nodes.

Values are written in their canonical lexical form, which the model reads back to the same
value: dates as ISO 8601 (``2024-03-12``), booleans as ``true``/``false``, decimals in plain
notation (``xs:decimal``: ``1E+2`` is written ``100``, an equal `~decimal.Decimal`), and
text exactly as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree
from pydantic import ValidationError

from sdmx_cso.errors import ReadError, SdmxExportError
from sdmx_cso.formats._doctype import refuse_doctype, syntax_error
from sdmx_cso.formats.msd import MetadataAttribute
from sdmx_cso.model.metadata import DatasetMetadata

__all__ = ["Reported", "metadata_from", "parse_xml", "reported", "to_text", "write_xml"]


@dataclass(frozen=True)
class Reported:
    """A reported metadata attribute: its ID, its values (a leaf) or its children.

    Attributes:
        id: the metadata attribute's ID.
        values: the value of a leaf, as text; several for a repeating leaf (one per code
            of ``REF_AREA_COVERAGE``); empty for a presentational attribute.
        children: the reported child attributes of a presentational attribute.
    """

    id: str
    values: tuple[str, ...] = ()
    children: tuple[Reported, ...] = ()


def to_text(value: object) -> str:
    """The canonical text of a model value.

    Examples:
        >>> to_text(True), to_text(Decimal("1E+2")), to_text(dt.date(2024, 3, 12))
        ('true', '100', '2024-03-12')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def reported(
    metadata: DatasetMetadata, tree: tuple[MetadataAttribute, ...]
) -> tuple[Reported, ...]:
    """The metadata as reported attributes, in the order of ``tree``; absent fields left out.

    Raises:
        RuntimeError: the model has a field that ``tree`` does not describe (it would be lost).
    """
    data = metadata.model_dump(mode="python", by_alias=True, exclude_none=True)
    return _nodes(tree, data, ())


def _nodes(
    tree: Sequence[MetadataAttribute], data: Mapping[str, Any], path: tuple[str, ...]
) -> tuple[Reported, ...]:
    unknown = set(data) - {a.id for a in tree}
    if unknown:
        where = ".".join(path) or "the dataset metadata"
        raise RuntimeError(f"{where} has fields outside the MSD: {', '.join(sorted(unknown))}")
    out: list[Reported] = []
    for attr in tree:
        if attr.id not in data:
            continue
        value = data[attr.id]
        here = (*path, attr.id)
        if attr.children:
            items: Iterable[Mapping[str, Any]] = value if attr.repeated else (value,)
            out.extend(
                Reported(attr.id, children=_nodes(attr.children, item, here)) for item in items
            )
        elif attr.repeated:
            if value:
                out.append(Reported(attr.id, tuple(to_text(v) for v in value)))
        else:
            out.append(Reported(attr.id, (to_text(value),)))
    return tuple(out)


def metadata_from(
    nodes: Sequence[Reported], tree: tuple[MetadataAttribute, ...]
) -> DatasetMetadata:
    """The dataset metadata reported by ``nodes``.

    Raises:
        ReadError: an attribute outside the MSD, a value where none is allowed (or the
            reverse), a single-valued attribute reported twice, or metadata the model refuses.
    """
    data = _collect(nodes, tree, ())
    try:
        return DatasetMetadata.model_validate(data)
    except ValidationError as exc:
        raise ReadError(f"the reported metadata are not valid: {exc}") from exc


def _collect(
    nodes: Sequence[Reported], tree: Sequence[MetadataAttribute], path: tuple[str, ...]
) -> dict[str, Any]:
    by_id = {a.id: a for a in tree}
    out: dict[str, Any] = {}
    for node in nodes:
        here = ".".join((*path, node.id))
        attr = by_id.get(node.id)
        if attr is None:
            raise ReadError(f"metadata attribute {here} is not in the metadata structure")
        if attr.children:
            if node.values:
                raise ReadError(f"metadata attribute {here} groups others and has no value")
            values: list[Any] = [_collect(node.children, attr.children, (*path, node.id))]
        elif node.children:
            raise ReadError(f"metadata attribute {here} has no child attributes")
        elif not node.values:
            raise ReadError(f"metadata attribute {here} has no value")
        else:
            values = list(node.values)
        if attr.repeated:
            out.setdefault(attr.id, []).extend(values)
        elif attr.id in out or len(values) > 1:
            raise ReadError(f"metadata attribute {here} has more than one value")
        else:
            out[attr.id] = values[0]
    return out


def parse_xml(source: bytes | Path, root_tag: str) -> etree._Element:
    """Parse an SDMX-ML message safely and check its root element.

    External entities are not resolved, the network is never used, libxml2's size limits are
    kept, and a DOCTYPE (which no SDMX message has) is refused.

    Raises:
        ReadError: not well-formed XML, or another kind of message.
    """
    path = source if isinstance(source, Path) else None
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        root = etree.fromstring(data, parser)
    except OSError as exc:
        raise ReadError(f"not a readable XML message: {exc}", path=path) from exc
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, source, path=path, prefix="not a readable XML message") from exc
    refuse_doctype(root, path)
    if root.tag != root_tag:
        raise ReadError(
            f"expected a {etree.QName(root_tag).localname} message, got {root.tag}", path=path
        )
    return root


def write_xml(root: etree._Element, out: BinaryIO) -> None:
    """Write ``root`` to ``out`` as UTF-8 with an XML declaration.

    Raises:
        SdmxExportError: a value holds characters XML cannot carry (controls, surrogates).
    """
    try:
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    except ValueError as exc:  # a lone surrogate (UnicodeEncodeError)
        raise SdmxExportError(f"the metadata cannot be written as XML: {exc}") from exc
    out.write(data)


def message_header(
    root: etree._Element, mes: str, message_id: str, agency: str, prepared: dt.datetime, msd_id: str
) -> etree._Element:
    """The header every metadata message starts with; returns its empty ``mes:Structure``.

    Args:
        root: the message element.
        mes: the message namespace of the SDMX-ML version.
        message_id: the message ID.
        agency: the sender (the coalition's agency).
        prepared: the preparation time.
        msd_id: the ID of the metadata structure the message refers to.
    """
    header = etree.SubElement(root, f"{{{mes}}}Header")
    etree.SubElement(header, f"{{{mes}}}ID").text = message_id
    etree.SubElement(header, f"{{{mes}}}Test").text = "false"
    etree.SubElement(header, f"{{{mes}}}Prepared").text = prepared.isoformat(timespec="seconds")
    etree.SubElement(header, f"{{{mes}}}Sender", id=agency)
    return etree.SubElement(header, f"{{{mes}}}Structure", structureID=msd_id)


def write_message(build: Callable[[], etree._Element], out: BinaryIO) -> None:
    """Build a message and write it; a value XML cannot carry becomes `SdmxExportError`."""
    try:
        root = build()
    except ValueError as exc:  # lxml refuses control characters
        raise SdmxExportError(f"the metadata cannot be written as XML: {exc}") from exc
    write_xml(root, out)

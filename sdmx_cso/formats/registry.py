"""The registry of SDMX formats: names, media types, and the functions that write and read them.

Modules are imported lazily, by name, so that using one format never loads the others.

A data **writer** is ``write(dataset, out, *, structure) -> None``: it writes the
:class:`~sdmx_cso.CommunityDataset` to the binary stream ``out`` as a message referring to
``structure`` (a :class:`~sdmx_cso.model.structure.DatasetStructure`), in bounded memory.
A data **reader** is ``read(source, *, structure=None) -> pyarrow.Table``: the observations
of a message we wrote, as columns named by concept ID in the canonical schema (the caller
builds the dataset). SDMX-ML 2.1 *structures* are written through sdmx1, so only
:func:`sdmx_cso.bridge.write_structures` writes them; :func:`writer_for` says so.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sdmx_cso.errors import UnsupportedFormat
from sdmx_cso.formats._head import read_head

__all__ = [
    "DATA_FORMATS",
    "METADATA_FORMATS",
    "STRUCTURE_FORMATS",
    "DataFormat",
    "detect_format",
    "reader_for",
    "writer_for",
]


@dataclass(frozen=True)
class DataFormat:
    """An SDMX message format."""

    name: str
    """Name used by the CLI's ``--to`` option, e.g. ``sdmx-ml-2.1``."""
    title: str
    """Human-readable name."""
    suffix: str
    """File suffix of its messages."""
    media_type: str
    """IANA media type."""
    module: str
    """Module (under ``sdmx_cso.formats``) holding ``write`` and ``read``."""


def _fmt(name: str, title: str, suffix: str, media: str, module: str) -> DataFormat:
    return DataFormat(name, title, suffix, media, module)


#: Data formats, by name.
DATA_FORMATS: dict[str, DataFormat] = {
    f.name: f
    for f in (
        _fmt("sdmx-ml-2.1", "SDMX-ML 2.1 structure-specific data", ".xml",
             "application/vnd.sdmx.structurespecificdata+xml;version=2.1", "data_ml21_ss"),
        _fmt("sdmx-ml-2.1-generic", "SDMX-ML 2.1 generic data", ".xml",
             "application/vnd.sdmx.genericdata+xml;version=2.1", "data_ml21_generic"),
        _fmt("sdmx-ml-3.0", "SDMX-ML 3.0 structure-specific data", ".xml",
             "application/vnd.sdmx.data+xml;version=3.0.0", "data_ml30"),
        _fmt("sdmx-csv-1.0", "SDMX-CSV 1.0", ".csv",
             "application/vnd.sdmx.data+csv;version=1.0.0", "data_csv10"),
        _fmt("sdmx-csv-2.0", "SDMX-CSV 2.0", ".csv",
             "application/vnd.sdmx.data+csv;version=2.0.0", "data_csv20"),
        _fmt("sdmx-json-2.0", "SDMX-JSON 2.0 data", ".json",
             "application/vnd.sdmx.data+json;version=2.0.0", "data_json20"),
    )
}  # fmt: skip

#: Structure formats, by name.
STRUCTURE_FORMATS: dict[str, DataFormat] = {
    f.name: f
    for f in (
        _fmt("sdmx-ml-2.1", "SDMX-ML 2.1 structure", ".xml",
             "application/vnd.sdmx.structure+xml;version=2.1", "structure_ml21"),
        _fmt("sdmx-ml-3.0", "SDMX-ML 3.0 structure", ".xml",
             "application/vnd.sdmx.structure+xml;version=3.0.0", "structure_ml30"),
        _fmt("sdmx-json-2.0", "SDMX-JSON 2.0 structure", ".json",
             "application/vnd.sdmx.structure+json;version=2.0.0", "structure_json20"),
    )
}  # fmt: skip

#: Reference-metadata formats, by name.
METADATA_FORMATS: dict[str, DataFormat] = {
    f.name: f
    for f in (
        _fmt("sdmx-ml-2.1", "SDMX-ML 2.1 generic metadata", ".xml",
             "application/vnd.sdmx.genericmetadata+xml;version=2.1", "metadata_ml21"),
        _fmt("sdmx-ml-3.0", "SDMX-ML 3.0 metadata", ".xml",
             "application/vnd.sdmx.metadata+xml;version=3.0.0", "metadata_ml30"),
    )
}  # fmt: skip


def _lookup(table: dict[str, DataFormat], name: str, kind: str) -> DataFormat:
    try:
        return table[name]
    except KeyError:
        known = ", ".join(table)
        raise UnsupportedFormat(f"unknown {kind} format {name!r} (known: {known})") from None


def _function(fmt: DataFormat, name: str) -> Callable[..., Any]:
    if fmt.module == "structure_ml21":
        raise UnsupportedFormat(
            "SDMX-ML 2.1 structures are written through sdmx1: use "
            "sdmx_cso.structures.write_structures() or sdmx_cso.structures.export_structures()"
        )
    module = importlib.import_module(f"sdmx_cso.formats.{fmt.module}")
    function: Callable[..., Any] = getattr(module, name)
    return function


def writer_for(name: str, *, kind: str = "data") -> Callable[..., Any]:
    """The ``write`` function of a format.

    Raises:
        UnsupportedFormat: no such format.
    """
    table = {"data": DATA_FORMATS, "structure": STRUCTURE_FORMATS, "metadata": METADATA_FORMATS}
    return _function(_lookup(table[kind], name, kind), "write")


def reader_for(name: str, *, kind: str = "data") -> Callable[..., Any]:
    """The ``read`` function of a format.

    Raises:
        UnsupportedFormat: no such format.
    """
    table = {"data": DATA_FORMATS, "metadata": METADATA_FORMATS}
    return _function(_lookup(table[kind], name, kind), "read")


def detect_format(path: str | Path, head: bytes | None = None) -> str:
    """The data format of a message we wrote, from its first bytes.

    Each syntax is recognised by its reader (``handles`` of
    :mod:`~sdmx_cso.formats.read_ml`, :mod:`~sdmx_cso.formats.read_json` and
    :mod:`~sdmx_cso.formats.read_csv`, which `sdmx_cso.read` dispatches on too): SDMX-ML's
    flavour and version come from the root and header (``read_ml.sniff_xml``), SDMX-CSV's
    version from its header; SDMX-JSON is ``sdmx-json-2.0``, the one we write.

    Args:
        path: the message.
        head: its first bytes (:data:`~sdmx_cso.formats._head.HEAD_BYTES`; for SDMX-ML,
            up to the end of the header), if already read; then ``path`` only names it.

    Raises:
        UnsupportedFormat: the file is not one of our data formats.
        ReadError: the file cannot be opened, or its SDMX-ML header is not well-formed.
    """
    from sdmx_cso.formats import read_csv, read_json, read_ml  # lazily: one format, one module

    source: Path | bytes = Path(path)
    if head is None:
        head = read_head(Path(path))
    else:
        source = head
    fmt = None
    if read_ml.handles(head):
        fmt = read_ml.sniff_xml(source).format
    elif read_json.handles(head):
        fmt = "sdmx-json-2.0"
    elif (version := read_csv.version_of(head)) is not None:
        fmt = f"sdmx-csv-{version}"
    if fmt in DATA_FORMATS:
        return fmt
    raise UnsupportedFormat(f"{path}: not an SDMX data message sdmx_cso reads")

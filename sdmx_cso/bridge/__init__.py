"""The SDMX bridge: SDMX structures of the standard and of a dataset, and sdmx1 objects.

The only package that imports sdmx1 (``sdmx``), and it does so lazily: importing
``sdmx_cso`` does not load sdmx1; writing SDMX-ML 2.1 structures or calling :func:`to_sdmx1`
does.

- :func:`write_structures` writes a structure message (SDMX-ML 2.1 through sdmx1, SDMX-ML 3.0
  and SDMX-JSON 2.0 directly) to a binary stream; :func:`export_structures` to a file.
- :func:`export_xsd` writes the DSD-specific XML schema of structure-specific data.
- :func:`to_sdmx1` gives the structures as an ``sdmx.message.StructureMessage``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, BinaryIO, Literal

from sdmx_cso.errors import UnsupportedFormat
from sdmx_cso.formats import STRUCTURE_FORMATS, writer_for
from sdmx_cso.formats.structure_split import CONTENTS, Content
from sdmx_cso.formats.xsd import dsd_xsd
from sdmx_cso.io.atomic import atomic_output
from sdmx_cso.model import CommunityDataset, DatasetMetadata
from sdmx_cso.model.register import Register
from sdmx_cso.model.structure import DatasetStructure, structure_of

__all__ = ["export_structures", "export_xsd", "to_sdmx1", "write_structures"]

_ML21 = "sdmx-ml-2.1"


def write_structures(
    structure: DatasetStructure, out: BinaryIO, *, format: str, content: Content = "all"
) -> None:
    """Write the SDMX structures of ``structure`` to a binary stream.

    With ``content="all"`` the message holds the concept schemes, every code list, the DSD,
    the dataflows and their constraints, the data providers, the MSD ``AGENCY:CGD_MSD`` and
    its metadataflow. ``data`` keeps what loading data needs (code lists, data concepts, DSD,
    dataflows, constraints), ``metadata`` what loading the reference metadata needs (its
    concepts and code lists, the providers, the MSD, the metadataflow): each is a message of
    its own that common readers read whole (`sdmx_cso.formats.structure_split`). Every
    format is valid against the official XSDs or JSON Schema.

    Args:
        structure: the structures (`sdmx_cso.structures.structure_of`).
        out: a binary stream.
        format: ``sdmx-ml-2.1``, ``sdmx-ml-3.0`` or ``sdmx-json-2.0``.
        content: ``all`` (default), ``data`` or ``metadata``.

    Raises:
        UnsupportedFormat: an unknown structure format.
    """
    _check_format(format)
    if content not in CONTENTS:
        raise ValueError(f"content must be one of {', '.join(CONTENTS)}, not {content!r}")
    if format == _ML21:  # through sdmx1: a bridge module, not a formats one
        _structures().write_ml21(structure, out, content=content)
        return
    writer_for(format, kind="structure")(structure, out, content=content)


def _check_format(format: str) -> None:
    if format not in STRUCTURE_FORMATS:
        known = ", ".join(STRUCTURE_FORMATS)
        raise UnsupportedFormat(f"unknown structure format {format!r} (known: {known})")


def export_structures(
    path: str | Path,
    *,
    format: str = _ML21,
    dataset: CommunityDataset | DatasetMetadata | None = None,
    agency: str | None = None,
    register: Register | None = None,
    content: Content = "all",
) -> Path:
    """Write the SDMX structures of the standard, or of a dataset, to a file (atomically).

    Args:
        path: the file to write (replaced only when writing succeeds).
        format: ``sdmx-ml-2.1`` (default), ``sdmx-ml-3.0`` or ``sdmx-json-2.0``.
        dataset: a dataset or its metadata: the one DSD, its code lists as the register holds
            them, the dataset's dataflow and its allowed content constraint; ``None``: the
            standard's structures (the register's latest release, a dataflow per type).
        agency: the coalition's agency (default ``LNOB``).
        register: the coalition's register (default: the one packaged for the agency).
        content: ``all`` (default), ``data`` or ``metadata`` structures (`write_structures`).

    Returns:
        The path written.

    Raises:
        UnsupportedFormat: an unknown structure format.

    Examples:
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "structures.json"
        >>> export_structures(out, format="sdmx-json-2.0").name
        'structures.json'
    """
    _check_format(format)  # before the target is touched
    structure = structure_of(dataset, agency=agency, register=register)
    with atomic_output(path) as out:
        write_structures(structure, out, format=format, content=content)
    return Path(path)


def export_xsd(
    path: str | Path,
    *,
    version: Literal["2.1", "3.0"] = "2.1",
    dataset: CommunityDataset | DatasetMetadata | None = None,
    agency: str | None = None,
    register: Register | None = None,
) -> Path:
    """Write the DSD-specific XML schema of structure-specific data to a file (atomically).

    The schema imports the official ``SDMXCommon.xsd`` and ``SDMXDataStructureSpecific.xsd``
    by file name: put it next to them.

    Args:
        path: the file to write.
        version: SDMX-ML ``2.1`` (default) or ``3.0``.
        dataset: a dataset or its metadata (its own code lists); ``None``: the standard's.
        agency: the coalition's agency (default ``LNOB``).
        register: the coalition's register (default: the one packaged for the agency).

    Returns:
        The path written.

    Raises:
        UnsupportedFormat: an unknown SDMX-ML version.
    """
    document = dsd_xsd(structure_of(dataset, agency=agency, register=register), version)
    with atomic_output(path) as out:
        out.write(document)
    return Path(path)


def to_sdmx1(structure: DatasetStructure) -> Any:
    """The structures of ``structure`` as sdmx1 objects (``sdmx.model.v21``).

    Args:
        structure: the structures (`sdmx_cso.structures.structure_of`).

    Returns:
        A ``sdmx.message.StructureMessage`` with the concept schemes, code lists, DSD,
        dataflows, data providers, MSD and metadataflow.
    """
    return _structures().to_sdmx1(structure)


def _structures() -> Any:
    """:mod:`sdmx_cso.bridge.structures`, imported on first use (it imports sdmx1)."""
    return importlib.import_module("sdmx_cso.bridge.structures")

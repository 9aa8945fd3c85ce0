"""Read SDMX data written by others into a neutral table.

:func:`read_foreign` takes any SDMX data message an NSO or agency publishes and returns a
:class:`ForeignTable`: one row per observation, one text column per component ID. Who reads
what:

=============================================  =============================================
SDMX-ML 2.0 generic, 2.1 generic and           :mod:`sdmx_cso.formats.read_ml`, one streaming
structure-specific, 3.0 structure-specific     reader (lxml ``iterparse``); with ``structure=``,
                                               sdmx1 loads the DSD, which orders the columns
SDMX-JSON 1.0 and 2.0 data                     own parser (sdmx1 reads only 1.0, and drops
                                               series and data-set attributes)
SDMX-CSV 1.0 and 2.0                           own parser (sdmx1 needs a DSD, reads no 1.0)
=============================================  =============================================

A structure message (SDMX-ML or SDMX-JSON) is not data: it raises :class:`ReadError`
saying so and listing its artefacts, so that the user can pass it as ``structure=``.
Reference-metadata and error messages raise a :class:`ReadError` of their own.

sdmx1 reads only the structure file given as ``structure=``; it is imported on first use, as
everywhere in the bridge (importing ``sdmx_cso`` does not load it). Until #16 it read the
data too, and lost values doing so: multi-valued and other-language values of SDMX-ML 3.0,
footers; it failed on a ``Comp`` in an ``Obs`` of a second series (``KeyError: -1``), and took
43 s and 2.1 GB for 1,000,000 observations. sdmx1 keeps reader state between calls: each
structure-specific 2.1 message adds its DSD-specific namespace to the 2.1 parser table, and
:mod:`sdmx.reader.xml.v30`, imported lazily by sdmx1 at the first 3.0 message, re-maps that
table at import and fails on such an entry, which breaks every later read
(``ValueError: urn:sdmx:…:ObsLevelDim:TIME_PERIOD``).
:func:`_sdmx1` therefore imports the 3.0 reader together with sdmx1, after dropping any such
entries if other code has already read structure-specific data (sdmx1 adds them again for
each message).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, BinaryIO

from sdmx_cso.errors import ReadError, UnsupportedFormat
from sdmx_cso.formats import read_csv, read_json, read_ml
from sdmx_cso.formats._head import read_head
from sdmx_cso.formats.neutral import Components, ParsedTable, Target, write_table
from sdmx_cso.formats.read_ml import (
    XmlInfo,
    read_neutral,
    refuse_if_not_data,
    sniff_xml,
    write_streamed,
)
from sdmx_cso.formats.registry import detect_format
from sdmx_cso.io.atomic import atomic_output
from sdmx_cso.standard import get_standard

__all__ = ["ForeignTable", "own_message_format", "read_foreign", "stream_foreign"]

_REF = re.compile(r"(?P<agency>[^:]+):(?P<id>[^(]+)(?:\((?P<version>[^)]*)\))?$")


@dataclass(frozen=True)
class ForeignTable(ParsedTable):
    """A data message written by others, as a neutral table.

    Attributes:
        table: one row per observation; text columns named by component ID: dimensions,
            the time dimension, the measure(s), then attributes of every level.
        message_type: ``GenericData``, ``StructureSpecificData``, ``DataMessage``
            (SDMX-JSON) or ``SDMX-CSV``.
        structure_id: ``AGENCY:ID(VERSION)`` the message refers to (e.g.
            ``IAEG-SDGs:SDG(1.8)``), or ``None``.
        format: e.g. ``sdmx-ml-2.1-generic``, ``sdmx-ml-3.0``, ``sdmx-json-2.0``,
            ``sdmx-csv-1.0``.
        notes: what was lost or dropped on the way, for the user.
    """

    def write(self, out: BinaryIO, *, to: Target = "csv", keep_formulas: bool = False) -> int:
        """Write the table to a binary stream as CSV (with a header) or a JSON list of rows.

        CSV cells that a spreadsheet would run as formulas get a leading ``'`` unless
        ``keep_formulas`` is true (:func:`~sdmx_cso.formats.neutral.write_table`); JSON is
        exact. Returns the number of cells so changed.
        """
        return write_table(self.table, out, to=to, keep_formulas=keep_formulas)

    def save(self, path: str | Path, *, to: Target = "csv", keep_formulas: bool = False) -> int:
        """Write the table to ``path``, atomically (a failure leaves no partial file).

        As :meth:`write`; returns the number of CSV cells that got a leading ``'``.
        """
        with atomic_output(path) as out:
            return self.write(out, to=to, keep_formulas=keep_formulas)


def _foreign(parsed: ParsedTable, *extra_notes: str) -> ForeignTable:
    values = {f.name: getattr(parsed, f.name) for f in fields(parsed)}
    values["notes"] = (*parsed.notes, *extra_notes)
    return ForeignTable(**values)


def read_foreign(path: str | Path, *, structure: str | Path | None = None) -> ForeignTable:
    r"""Read an SDMX data message written by others (any SDMX format) into a neutral table.

    Args:
        path: the message: SDMX-ML 2.0 (generic), 2.1 or 3.0, SDMX-JSON 1.0 or 2.0, or
            SDMX-CSV 1.0 or 2.0.
        structure: an SDMX-ML structure message holding the DSD (or dataflow) the data refer
            to. Only SDMX-ML data use it: it orders the columns as the DSD does and, for
            structure-specific data, tells series attributes from dimensions.

    Raises:
        ReadError: naming the file and why: not an SDMX data message (a structure message,
            reference metadata, an error message, a CSV that is not SDMX-CSV…), an SDMX
            version or flavour not supported, or content that cannot be read.

    Examples:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "data.csv"
        >>> _ = path.write_text(
        ...     "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,TIME_PERIOD,OBS_VALUE\n"
        ...     "dataflow,ESTAT:NA_MAIN(1.6.0),I,KE,2023,12.50\n"
        ... )
        >>> table = read_foreign(path)
        >>> table.num_rows, table.format, table.structure_id
        (1, 'sdmx-csv-2.0', 'ESTAT:NA_MAIN(1.6.0)')
        >>> table.table.column("OBS_VALUE").to_pylist()
        ['12.50']
    """
    path = Path(path)
    head = read_head(path)
    if read_ml.is_xml(head):  # every XML document: read_ml reads it or says what it is
        return _read_xml(path, None if structure is None else Path(structure))
    extra = () if structure is None else ("structure ignored: the message describes itself",)
    if read_json.handles(head):
        return _foreign(read_json.read_neutral(path), *extra)
    if read_csv.handles(head):
        return _read_csv(path, None if structure is None else Path(structure))
    raise ReadError(
        "not an SDMX data message (SDMX-ML, SDMX-JSON or SDMX-CSV); a coalition's own data "
        "table is checked with `sdmx-cso validate`",
        path=path,
    )


def _read_csv(path: Path, structure: Path | None) -> ForeignTable:
    """SDMX-CSV; with ``structure``, the columns of its DSD first, in DSD order."""
    if structure is None:
        return _foreign(read_csv.read_neutral(path))
    notes: list[str] = []
    info = XmlInfo("SDMX-CSV", None, read_csv.structure_ref(path))
    components = _components(_load_dsd(structure, info, notes))
    parsed = read_csv.read_neutral(path, components=components)
    unknown = [c for c in parsed.table.column_names if c.split(".", 1)[0] not in components.order()]
    if unknown:
        notes.append(f"components not in the structure given: {', '.join(unknown)}")
    return _foreign(parsed, *notes)


def _read_xml(path: Path, structure: Path | None) -> ForeignTable:
    info = sniff_xml(path)
    refuse_if_not_data(info, path)
    if info.version == "2.0":
        extra = () if structure is None else ("structure ignored for SDMX-ML 2.0",)
        return _foreign(read_neutral(path), *extra)
    notes: list[str] = []
    components = None if structure is None else _components(_load_dsd(structure, info, notes))
    return _foreign(read_neutral(path, components=components), *notes)


def stream_foreign(
    path: str | Path,
    out: BinaryIO,
    *,
    to: Target = "csv",
    structure: str | Path | None = None,
    keep_formulas: bool = False,
) -> tuple[ForeignTable, int, int] | None:
    """An SDMX-ML data message written to ``out`` as CSV or JSON in bounded memory.

    As :func:`read_foreign` then :meth:`ForeignTable.write`, without holding the table
    (`sdmx_cso.formats.read_ml.write_streamed`). Returns the table's columns (no row), the
    number of observations written and of CSV cells that got a leading ``'``; ``None`` when
    the message is not SDMX-ML 2.1 or 3.0 data (read it whole).

    Raises:
        ReadError: as :func:`read_foreign`; what was written to ``out`` is then incomplete.
    """
    path = Path(path)
    if not read_ml.is_xml(read_head(path)):
        return None
    info = sniff_xml(path)
    refuse_if_not_data(info, path)
    if info.version not in ("2.1", "3.0"):
        return None
    notes: list[str] = []
    components = None if structure is None else _components(_load_dsd(Path(structure), info, notes))
    parsed, rows, changed = write_streamed(
        path, out, components=components, to=to, keep_formulas=keep_formulas
    )
    return _foreign(parsed, *notes), rows, changed


# -- structures, through sdmx1 ------------------------------------------------------------


def _sdmx1() -> Any:
    """sdmx1, with its SDMX-ML 3.0 reader imported (the reader-state workaround).

    Imported by name, as the format registry imports format modules: the public package
    exports :func:`read_foreign`, and the CLI, which imports only the public package, must not
    depend on sdmx1 statically (import-linter contract "Only the bridge imports sdmx1").
    """
    sdmx = importlib.import_module("sdmx")
    if "sdmx.reader.xml.v30" not in sys.modules:
        v21 = importlib.import_module("sdmx.reader.xml.v21")
        known = set(v21.Reader.format.NS.values())
        for key in [k for k in v21.Reader.parser if k[0].namespace not in known]:
            del v21.Reader.parser[key]
        importlib.import_module("sdmx.reader.xml.v30")
    return sdmx


class _Sdmx1Log(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "got no structure" not in message:  # said better in our own note
            self.messages.append(message)


@contextlib.contextmanager
def _sdmx1_call(path: Path, what: str, notes: list[str]) -> Iterator[None]:
    """Run sdmx1: its warnings become notes, its failures a ReadError, its prints vanish."""
    handler = _Sdmx1Log()
    logger = logging.getLogger("sdmx")
    logger.addHandler(handler)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # sdmx1 prints the failing element
            yield
    except Exception as exc:
        cause = exc.__cause__ or exc
        detail = f"{type(cause).__name__}: {cause}".strip().rstrip(":")
        raise ReadError(f"sdmx1 could not read {what}: {detail}", path=path) from exc
    finally:
        logger.removeHandler(handler)
    notes.extend(f"sdmx1: {message}" for message in handler.messages)


def _load_dsd(structure: Path, info: XmlInfo, notes: list[str]) -> Any:
    """The DSD of ``structure`` that the data refer to (or its only one)."""
    about = sniff_xml(structure) if read_ml.is_xml(read_head(structure)) else None
    if about is None or about.root != "Structure" or about.version not in ("2.1", "3.0"):
        raise ReadError("not an SDMX-ML 2.1 or 3.0 structure message", path=structure)
    with (
        _sdmx1_call(structure, f"this SDMX-ML {about.version} structure", notes),
        structure.open("rb") as handle,
    ):
        message: Any = _sdmx1().read_sdmx(handle, format="XML")
    dsds = list(message.structure.values())
    wanted = _REF.match(info.structure_ref or "")
    if wanted:
        for flow in message.dataflow.values():
            if flow.id == wanted["id"] and flow.structure is not None and flow.structure.id:
                dsds = [message.structure.get(flow.structure.id, flow.structure)]
        dsds = [d for d in dsds if d.id == wanted["id"]] or dsds
    if len(dsds) != 1:
        found = ", ".join(d.id for d in dsds) or "none"
        raise ReadError(
            f"holds {len(dsds)} data structures ({found}); none is the "
            f"{info.structure_ref or 'unnamed'} structure the data refer to",
            path=structure,
        )
    dsd = dsds[0]
    given = f"{getattr(dsd.maintainer, 'id', '?')}:{dsd.id}({dsd.version or ''})"
    if wanted and (wanted["id"] != dsd.id or wanted["version"] not in (None, str(dsd.version))):
        notes.append(f"data refer to {info.structure_ref}; read with {given}")
    return dsd


def _components(dsd: Any) -> Components:
    """What the reader needs of an sdmx1 DSD: its components, in DSD order."""
    dimensions = list(dsd.dimensions)
    time = [d.id for d in dimensions if type(d).__name__ == "TimeDimension"]
    attributes = list(dsd.attributes)
    series = {
        a.id
        for a in attributes
        if type(a.related_to).__name__ in ("DimensionRelationship", "GroupRelationship")
    }
    return Components(
        dimensions=tuple(d.id for d in dimensions if d.id not in time),
        time_dimension=time[0] if time else None,
        measures=tuple(m.id for m in dsd.measures),
        attributes=tuple(a.id for a in attributes),
        series_attributes=frozenset(series),
    )


# -- our own messages -----------------------------------------------------------------------


def own_message_format(path: str | Path) -> str | None:
    r"""The format of ``path`` if it is a data message of this standard, else ``None``.

    A message is ours when its format is one ``sdmx_cso`` writes
    (:func:`sdmx_cso.formats.detect_format`) and it refers to the standard's DSD ``CGD``, one
    of its dataflows per dataset type (``DF_CGD_<TYPE>``) or a dataset's dataflow
    (``DF_<DATASET_ID>``), at any version (versions follow the coalition's register), whatever
    the agency. A foreign message that looks like this is still read as foreign when its
    reference metadata is missing or not ours.

    Examples:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "data.csv"
        >>> _ = path.write_text("DATAFLOW,REF_AREA,OBS_VALUE\nLNOB:DF_CGD_SURVEY(1.0.0),KE,1\n")
        >>> own_message_format(path)
        'sdmx-csv-1.0'
        >>> _ = path.write_text("DATAFLOW,REF_AREA,OBS_VALUE\nECB:EXR(1.0),KE,1\n")
        >>> own_message_format(path) is None
        True
    """
    path = Path(path)
    try:
        fmt = detect_format(path)
        ref = _structure_ref(path, fmt)
    except (OSError, UnsupportedFormat, ReadError):
        return None
    match = _REF.match(ref or "")
    if match is None:
        return None
    std = get_standard()
    ours = match["id"] == std.dsd.id or match["id"].startswith("DF_")
    return fmt if ours else None


def _structure_ref(path: Path, fmt: str) -> str | None:
    if fmt.startswith("sdmx-ml"):
        return sniff_xml(path).structure_ref
    if fmt.startswith("sdmx-json"):
        return read_json.structure_ref(read_json.load_json(path))
    return read_csv.structure_ref(path)

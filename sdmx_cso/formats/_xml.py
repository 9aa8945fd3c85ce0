"""What the SDMX-ML data writers share: namespaces, the header, text checks.

Writers stream with ``lxml.etree.xmlfile``, one series at a time; every SDMX-ML data
message, ours and others', is read by the one streaming reader :mod:`sdmx_cso.formats.read_ml`.

Conventions of all three formats:

- The header names the coalition agency as ``Sender``; ``Structure`` has a ``structureID``
  built from the structure's ``AGENCY_ID_VERSION`` (as the SDMX Converter does,
  ``KE1_SDG_1_0``), ``dimensionAtObservation="TIME_PERIOD"``, and, in structure-specific
  messages, the ``namespace`` of :meth:`DatasetStructure.ss_namespace`. SDMX-ML 2.1 refers to
  the DSD, SDMX-ML 3.0 to the dataflow (``common:StructureUsage``).
- An empty value (null or ``""``) is never written: an absent attribute, an absent
  ``OBS_VALUE`` for a withheld value. It reads back as null.
- Values are written as the exact text of the dataset (``12.50`` stays ``12.50``).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.errors import SdmxExportError
from sdmx_cso.formats._buffers import data_buffers
from sdmx_cso.formats.series import Batches, DatasetValues, Layout
from sdmx_cso.model import CommunityDataset
from sdmx_cso.model.structure import DatasetStructure

__all__ = [
    "GENERIC_21",
    "SS_21",
    "SS_30",
    "XSI",
    "Flavour",
    "as_text",
    "check_xml_text",
    "dataset_attributes",
    "dataset_values_of",
    "leaf",
    "prepared",
    "present",
    "structure_ref_id",
    "table_as_text",
    "text_batches",
    "whole_dataset",
    "write_header",
]

XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SDMX = "http://www.sdmx.org/resources/sdmxml/schemas"


@dataclass(frozen=True)
class Flavour:
    """One SDMX-ML data format: its version, namespaces and root element."""

    version: str
    """``2.1`` or ``3.0``."""
    message: str
    """Namespace of the message (root, header, ``DataSet``)."""
    common: str
    """Namespace of ``common`` (structure references)."""
    data: str
    """Namespace of the data set: structure-specific or generic."""
    structure_specific: bool
    """Whether the format is structure-specific (else generic)."""

    @property
    def root(self) -> str:
        """Clark name of the root element."""
        local = "StructureSpecificData" if self.structure_specific else "GenericData"
        return self.tag(local)

    def tag(self, local: str) -> str:
        """Clark name of a message-namespace element."""
        return f"{{{self.message}}}{local}"

    def nsmap(self, structure: DatasetStructure) -> dict[str | None, str]:
        """Prefixes declared on the root (those of the official samples)."""
        ns: dict[str | None, str] = {"message": self.message, "common": self.common}
        if self.structure_specific:
            ns["ss"] = self.data
            ns["ns1"] = structure.ss_namespace(self.version)
        else:
            ns["generic"] = self.data
        ns["xsi"] = XSI
        return ns


SS_21 = Flavour(
    "2.1", f"{_SDMX}/v2_1/message", f"{_SDMX}/v2_1/common", f"{_SDMX}/v2_1/data/structurespecific",
    structure_specific=True,
)  # fmt: skip
GENERIC_21 = Flavour(
    "2.1", f"{_SDMX}/v2_1/message", f"{_SDMX}/v2_1/common", f"{_SDMX}/v2_1/data/generic",
    structure_specific=False,
)  # fmt: skip
SS_30 = Flavour(
    "3.0", f"{_SDMX}/v3_0/message", f"{_SDMX}/v3_0/common", f"{_SDMX}/v3_0/data/structurespecific",
    structure_specific=True,
)  # fmt: skip

# ---------------------------------------------------------------------------------- writing

_NOT_ID = re.compile(r"[^A-Za-z0-9_\-]")

#: Rows turned into Python objects at a time while writing: a batch of 40 text columns costs
#: about 4 KiB of Python objects a row, so this keeps a writer's Python memory near 10 MiB.
BATCH_ROWS = 2048


def structure_ref_id(structure: DatasetStructure, flavour: Flavour) -> str:
    """The ``structureID`` of the header (an ``xs:ID``), e.g. ``LNOB_CGD_1_0_0``.

    SDMX-ML 2.1 messages refer to the DSD, 3.0 messages to the dataflow.
    """
    target = structure.dsd_id if flavour.version == "2.1" else structure.dataflow_id
    text = _NOT_ID.sub("_", f"{structure.agency}_{target}_{structure.version}")
    return text if text[0].isalpha() or text[0] == "_" else f"_{text}"


def write_header(
    xf: Any, dataset: CommunityDataset, structure: DatasetStructure, flavour: Flavour
) -> str:
    """Write ``message:Header`` and return the ``structureID`` the data set refers to.

    Args:
        xf: the open ``lxml.etree.xmlfile`` (inside the root element).
        dataset: the dataset (its ID becomes ``DataSetID``).
        structure: the structures the message refers to.
        flavour: the message format.
    """
    ref_id = structure_ref_id(structure, flavour)
    prepared = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    with xf.element(flavour.tag("Header")):
        leaf(xf, flavour.tag("ID"), f"IREF{uuid.uuid4().hex[:16].upper()}")
        leaf(xf, flavour.tag("Test"), "false")
        leaf(xf, flavour.tag("Prepared"), prepared)
        with xf.element(flavour.tag("Sender"), {"id": _NOT_ID.sub("_", structure.agency)}):
            pass
        attrib = {"structureID": ref_id}
        if flavour.structure_specific:
            attrib["namespace"] = structure.ss_namespace(flavour.version)
        attrib["dimensionAtObservation"] = structure.standard.dsd.time_dimension.id
        with xf.element(flavour.tag("Structure"), attrib):
            if flavour.version == "2.1":
                with xf.element(f"{{{flavour.common}}}Structure"):
                    ref = {"agencyID": structure.agency, "id": structure.dsd_id}
                    with xf.element("Ref", {**ref, "version": structure.version}):
                        pass
            else:
                leaf(xf, f"{{{flavour.common}}}StructureUsage", structure.dataflow_urn)
        leaf(xf, flavour.tag("DataSetAction"), "Information")
        leaf(xf, flavour.tag("DataSetID"), dataset.metadata.dataset_id)
    return ref_id


def leaf(xf: Any, tag: str, text: str) -> None:
    """Write ``<tag>text</tag>``."""
    with xf.element(tag):
        xf.write(text)


def present(values: Mapping[str, str | None]) -> dict[str, str]:
    """The non-empty values, in order (``None`` and ``""`` are left out).

    Values must be text already (see :func:`as_text`).
    """
    return {k: v for k, v in values.items() if v}


def as_text(dataset: CommunityDataset) -> CommunityDataset:
    """The dataset with every column as text (integers as their decimal digits).

    Writers then take values as they are and drop empty ones by truth value, which is
    much faster per observation than converting each value.
    """
    return dataset.model_copy(update={"observations": table_as_text(dataset.observations)})


def table_as_text(table: pa.Table) -> pa.Table:
    """``table`` with every column as text (see `as_text`)."""
    for index, field in enumerate(table.schema):
        if not pa.types.is_string(field.type):
            text = pc.cast(table.column(index), pa.string())
            table = table.set_column(index, field.name, text)
    return table


def dataset_attributes(dataset: CommunityDataset, lay: Layout) -> dict[str, str]:
    """The values of the dataset-level attributes (the same on every row that has one).

    Raises:
        SdmxExportError: rows disagree on a dataset-level attribute.
    """
    return dataset_values_of(dataset.observations, lay.dataset_attributes)


def dataset_values_of(table: pa.Table, names: tuple[str, ...]) -> dict[str, str]:
    """The value of each dataset-level attribute in ``names`` that ``table`` gives.

    Raises:
        SdmxExportError: rows disagree on a dataset-level attribute.
    """
    values = DatasetValues(names)
    values.add(table)
    return values.values()


#: Characters outside the XML 1.0 ``Char`` production (RE2 syntax).
_NOT_XML = r"[^\x{9}\x{A}\x{D}\x{20}-\x{D7FF}\x{E000}-\x{FFFD}\x{10000}-\x{10FFFF}]"
_NOT_XML_PY = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _maybe_not_xml(column: pa.Array | pa.ChunkedArray) -> bool:
    """False if the column certainly holds only characters XML can carry.

    Below 0x20 are the C0 controls (TAB, LF and CR are allowed, the exact check decides);
    0xEF leads U+FFFE and U+FFFF (and other characters from U+F000: the exact check decides).
    """
    return any(data.min() < 0x20 or data.max() >= 0xEF for data in data_buffers(column))


def check_xml_text(table: pa.Table, *, first_row: int = 1) -> None:
    """Refuse text that XML 1.0 cannot carry at all (control characters, U+FFFE, U+FFFF).

    Checked before anything is written, so that no partial message is produced (the
    streaming writers check each batch before writing it, into an atomic output).

    Raises:
        SdmxExportError: a cell holds such a character (row numbers are 1-based rows of
            the dataset in key order; ``first_row`` is the number of the table's first row).
    """
    for name in table.column_names:
        col = table.column(name)
        if not pa.types.is_string(col.type) or col.null_count == len(col):
            continue
        if not _maybe_not_xml(col):
            continue
        bad = pc.fill_null(pc.match_substring_regex(col, _NOT_XML), False)
        if pc.any(bad).as_py():
            row = pc.index(bad, True).as_py()
            match = _NOT_XML_PY.search(col[row].as_py())
            char = match.group() if match else "?"
            raise SdmxExportError(
                f"row {row + first_row}, {name}: the character U+{ord(char):04X} cannot be written "
                "in XML 1.0"
            )


def prepared(
    dataset: CommunityDataset, batches: Batches | None, lay: Layout
) -> tuple[Batches, bool]:
    """The observations a writer writes, and whether their text was already checked.

    The whole table of ``dataset`` is checked at once, before anything is written; the
    batches of the pipeline are checked one by one as they are written (`text_batches`).
    """
    if batches is not None:
        return batches, False
    check_xml_text(dataset.observations)
    values = dataset_values_of(dataset.observations, lay.dataset_attributes)
    return Batches.of(dataset.observations, values), True


def whole_dataset(
    dataset: CommunityDataset, batches: Batches, *, checked: bool
) -> CommunityDataset:
    """``dataset`` holding every observation of ``batches`` (for lxml's element writer)."""
    whole = batches.gathered()
    if not checked:
        check_xml_text(whole)
    return dataset.model_copy(update={"observations": whole})


def text_batches(tables: Iterable[pa.Table], *, checked: bool) -> Iterator[pa.Table]:
    """Each table as text, checked for characters XML cannot carry.

    ``checked``: they already were. Rows are numbered across the tables.
    """
    first_row = 1
    for table in tables:
        if not checked:
            check_xml_text(table, first_row=first_row)
        first_row += table.num_rows
        yield table_as_text(table)

"""SDMX-ML 2.1 structure-specific data (``mes:StructureSpecificData``), streamed.

The shape of the SDG messages of the Kenya National Bureau of Statistics (``KE1:SDG``)::

    <message:DataSet ss:dataScope="DataStructure" xsi:type="ns1:DataSetType"
                     ss:structureRef="LNOB_CGD_1_0_0" ss:action="Information" EMBARGO_TIME="…">
      <Series FREQ="A" … SERVICE_POINT="_T" UNIT_MEASURE="PT" …series attributes…>
        <Obs TIME_PERIOD="2023" OBS_VALUE="12.50" OBS_STATUS="U" …
             QUALITY_FLAGS="SELF_REPORTED SMALL_SAMPLE"></Obs>

- The header refers to the DSD (``common:Structure/Ref``); ``ns1`` is the DSD-specific
  namespace ``…DataStructure=AGENCY:CGD(1.0.0):ObsLevelDim:TIME_PERIOD``, whose schema
  ``sdmx_cso.formats.xsd`` generates.
- Dataset-level attributes are XML attributes of ``DataSet``; series-level ones of ``Series``;
  observation-level ones of ``Obs``.
- SDMX 2.1 attributes hold one value, so ``QUALITY_FLAGS`` is one XML attribute: the flag codes
  separated by one space (standard.md §8.1 rule 4, §8.9).
- Empty values are left out: a withheld value has no ``OBS_VALUE``. Values keep their exact
  text (``12.50``).

The structure-specific engine here also writes and reads SDMX-ML 3.0
(:mod:`sdmx_cso.formats.data_ml30`), which differs only in namespaces, the header's reference
and multi-valued attributes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
from lxml import etree

from sdmx_cso.formats._xml import (
    BATCH_ROWS,
    SS_21,
    XSI,
    Flavour,
    as_text,
    leaf,
    prepared,
    text_batches,
    whole_dataset,
    write_header,
)
from sdmx_cso.formats._xml_fragments import (
    PLACEHOLDER,
    body,
    structure_specific_markup,
    write_around,
)
from sdmx_cso.formats.read_ml import read_own
from sdmx_cso.formats.series import Batches, iter_series, layout
from sdmx_cso.model import CommunityDataset
from sdmx_cso.model.structure import DatasetStructure
from sdmx_cso.standard import DsdSpec, get_standard

__all__ = ["read", "write", "write_structure_specific"]


def write(
    dataset: CommunityDataset,
    out: BinaryIO,
    *,
    structure: DatasetStructure,
    batches: Batches | None = None,
) -> None:
    """Write the dataset as an SDMX-ML 2.1 structure-specific data message.

    Args:
        dataset: the dataset.
        out: a binary stream; the message is written to it series by series.
        structure: the structures the message refers to (DSD and its namespace).
        batches: the observations a batch at a time, instead of ``dataset.observations``
            (the batch pipeline's sorted partitions; each is checked as it is written).

    Raises:
        SdmxExportError: text that XML cannot carry, or rows that disagree on a
            dataset-level attribute.
    """
    write_structure_specific(dataset, out, structure, SS_21, batches=batches)


def read(source: bytes | Path, *, structure: DatasetStructure | None = None) -> pa.Table:
    """The observations of an SDMX-ML 2.1 structure-specific data message.

    Args:
        source: the message, as bytes or a file path.
        structure: the structures it refers to (default: the standard's).

    Returns:
        One row per observation in the canonical schema (text columns named by concept ID,
        integers for SAMPLE_SIZE and NUMERATOR); dataset and series attributes are repeated
        on each of their observations.

    Raises:
        ReadError: not well-formed, not this format, or components outside the DSD.
    """
    dsd = (structure.standard if structure else get_standard()).dsd
    return read_own(source, dsd, "sdmx-ml-2.1")


def multi_valued(dsd: DsdSpec) -> tuple[str, ...]:
    """Attributes that hold several codes (``QUALITY_FLAGS``), in DSD order."""
    return tuple(a.id for a in dsd.attributes if a.type == "flags")


def write_structure_specific(
    dataset: CommunityDataset,
    out: BinaryIO,
    structure: DatasetStructure,
    flavour: Flavour,
    *,
    by_element: bool = False,
    batches: Batches | None = None,
) -> None:
    """Write a structure-specific message (2.1 or 3.0), one series at a time.

    In SDMX-ML 3.0 the multi-valued attributes are ``Comp`` elements (see ``data_ml30``);
    in 2.1 they are one space-separated XML attribute. The series and observations are
    built column-wise (`sdmx_cso.formats._xml_fragments`) unless ``by_element`` asks for
    lxml's element writer (the reference the fast path is tested against, and the writer of
    multi-valued series attributes, which the standard does not have). ``batches``: see
    `write`.
    """
    dsd = structure.standard.dsd
    lay = layout(dsd)
    multi = multi_valued(dsd) if flavour.version != "2.1" else ()
    fast = not by_element and not set(multi) & set(lay.series_attributes)
    batches, checked = prepared(dataset, batches, lay)
    if not fast:
        dataset = whole_dataset(dataset, batches, checked=checked)
    dataset_values = batches.dataset_values
    ss = flavour.data
    head = io.BytesIO()
    with etree.xmlfile(head if fast else out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(flavour.root, nsmap=flavour.nsmap(structure)):
            ref_id = write_header(xf, dataset, structure, flavour)
            attrib = {f"{{{ss}}}dataScope": "DataStructure"} if flavour.version == "2.1" else {}
            attrib[f"{{{XSI}}}type"] = "ns1:DataSetType"
            attrib[f"{{{ss}}}structureRef"] = ref_id
            attrib[f"{{{ss}}}action"] = "Information"
            with xf.element(flavour.tag("DataSet"), {**attrib, **dataset_values}):
                if fast:  # a placeholder, replaced by the column-wise body below
                    xf.write(etree.Comment(PLACEHOLDER))
                else:
                    _write_series(xf, as_text(dataset), dsd, multi)
    if fast:
        markup = structure_specific_markup(
            series_columns=(*lay.dimensions, *lay.series_attributes),
            observation_columns=(lay.time, lay.measure, *lay.observation_attributes),
            multi_valued=multi,
        )
        tables = text_batches(batches.tables, checked=checked)
        blocks = body(tables, markup, dimensions=lay.dimensions)
        write_around(out, head.getvalue(), blocks)


def _write_series(xf: Any, dataset: CommunityDataset, dsd: DsdSpec, multi: tuple[str, ...]) -> None:
    for series in iter_series(dataset, dsd, batch_rows=BATCH_ROWS):
        values = {**series.key, **series.attributes}
        with xf.element("Series", _simple(values, multi)):
            _comps_of(xf, values, multi)
            for obs in series.observations:
                with xf.element("Obs", _simple(obs, multi)):
                    _comps_of(xf, obs, multi)


def _simple(values: Mapping[str, str | None], multi: tuple[str, ...]) -> dict[str, str]:
    """The non-empty values written as XML attributes (all but the multi-valued ones)."""
    if not multi:
        return {k: v for k, v in values.items() if v}
    return {k: v for k, v in values.items() if v and k not in multi}


def _comps_of(xf: Any, values: Mapping[str, str | None], multi: tuple[str, ...]) -> None:
    """SDMX-ML 3.0: a ``Comp`` element per multi-valued component, one ``Value`` per code."""
    for name in multi:
        codes = (values.get(name) or "").split()
        if codes:
            with xf.element("Comp", {"id": name, f"{{{XSI}}}type": f"ns1:{name}_ATTRIBUTE"}):
                for code in codes:
                    leaf(xf, "Value", code)

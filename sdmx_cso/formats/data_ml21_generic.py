"""SDMX-ML 2.1 generic data (``mes:GenericData``), streamed.

Generic data needs no DSD-specific schema: every message validates against the official
``SDMXMessage.xsd`` alone. The shape of the IAEG-SDGs samples::

    <message:DataSet structureRef="LNOB_CGD_1_0_0" action="Information">
      <generic:Attributes><generic:Value id="EMBARGO_TIME" value="…"/></generic:Attributes>
      <generic:Series>
        <generic:SeriesKey><generic:Value id="FREQ" value="A"/>…</generic:SeriesKey>
        <generic:Attributes><generic:Value id="UNIT_MEASURE" value="PT"/>…</generic:Attributes>
        <generic:Obs>
          <generic:ObsDimension value="2023"/>
          <generic:ObsValue value="12.50"/>
          <generic:Attributes><generic:Value id="OBS_STATUS" value="A"/>…</generic:Attributes>
        </generic:Obs>

- Dataset-level attributes are the ``generic:Attributes`` of ``DataSet``.
- ``QUALITY_FLAGS`` is one value, the flag codes separated by one space (SDMX 2.1 attributes
  hold one value; standard.md §8.9).
- Empty values are left out: a withheld value has no ``generic:ObsValue``; an ``Attributes``
  element without values is not written (the schema wants at least one ``Value``).
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
    GENERIC_21,
    as_text,
    prepared,
    present,
    text_batches,
    whole_dataset,
    write_header,
)
from sdmx_cso.formats._xml_fragments import PLACEHOLDER, body, generic_markup, write_around
from sdmx_cso.formats.read_ml import read_own
from sdmx_cso.formats.series import Batches, iter_series, layout
from sdmx_cso.model import CommunityDataset
from sdmx_cso.model.structure import DatasetStructure
from sdmx_cso.standard import DsdSpec, get_standard

__all__ = ["read", "write"]

_GEN = GENERIC_21.data
_SERIES = f"{{{_GEN}}}Series"
_SERIES_KEY = f"{{{_GEN}}}SeriesKey"
_ATTRIBUTES = f"{{{_GEN}}}Attributes"
_OBS = f"{{{_GEN}}}Obs"
_OBS_DIMENSION = f"{{{_GEN}}}ObsDimension"
_OBS_VALUE = f"{{{_GEN}}}ObsValue"
_VALUE = f"{{{_GEN}}}Value"


def write(
    dataset: CommunityDataset,
    out: BinaryIO,
    *,
    structure: DatasetStructure,
    by_element: bool = False,
    batches: Batches | None = None,
) -> None:
    """Write the dataset as an SDMX-ML 2.1 generic data message.

    Args:
        dataset: the dataset.
        out: a binary stream; the message is written to it series by series.
        structure: the structures the message refers to (the DSD).
        by_element: write series and observations with lxml's element writer (the
            reference the default column-wise writer, `sdmx_cso.formats._xml_fragments`,
            is tested against).
        batches: the observations a batch at a time, instead of ``dataset.observations``
            (see `sdmx_cso.formats.series.Batches`).

    Raises:
        SdmxExportError: text that XML cannot carry, or rows that disagree on a
            dataset-level attribute.
    """
    dsd = structure.standard.dsd
    lay = layout(dsd)
    batches, checked = prepared(dataset, batches, lay)
    if by_element:
        dataset = whole_dataset(dataset, batches, checked=checked)
    dataset_values = batches.dataset_values
    head = io.BytesIO()
    with etree.xmlfile(out if by_element else head, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(GENERIC_21.root, nsmap=GENERIC_21.nsmap(structure)):
            ref_id = write_header(xf, dataset, structure, GENERIC_21)
            attrib = {"structureRef": ref_id, "action": "Information"}
            with xf.element(GENERIC_21.tag("DataSet"), attrib):
                _values(xf, _ATTRIBUTES, dataset_values)
                if by_element:
                    _write_series(xf, as_text(dataset), dsd)
                else:  # a placeholder, replaced by the column-wise body below
                    xf.write(etree.Comment(PLACEHOLDER))
    if not by_element:
        markup = generic_markup(
            prefix=_PREFIX,
            dimensions=lay.dimensions,
            series_attributes=lay.series_attributes,
            time=lay.time,
            measure=lay.measure,
            observation_attributes=lay.observation_attributes,
        )
        tables = text_batches(batches.tables, checked=checked)
        write_around(out, head.getvalue(), body(tables, markup, dimensions=lay.dimensions))


#: The prefix of the generic data namespace in our messages (`Flavour.nsmap`).
_PREFIX = "generic"


def _write_series(xf: Any, dataset: CommunityDataset, dsd: DsdSpec) -> None:
    lay = layout(dsd)
    for series in iter_series(dataset, dsd, batch_rows=BATCH_ROWS):
        with xf.element(_SERIES):
            _values(xf, _SERIES_KEY, series.key)
            _values(xf, _ATTRIBUTES, series.attributes)
            for obs in series.observations:
                with xf.element(_OBS):
                    _value(xf, _OBS_DIMENSION, None, obs[lay.time])
                    if obs[lay.measure]:
                        _value(xf, _OBS_VALUE, None, obs[lay.measure])
                    attributes = {a: obs[a] for a in lay.observation_attributes}
                    _values(xf, _ATTRIBUTES, attributes)


def _values(xf: Any, tag: str, values: Mapping[str, str | None]) -> None:
    """``tag`` holding one ``generic:Value`` per non-empty value; nothing if there are none."""
    given = present(values)
    if not given:
        return
    with xf.element(tag):
        for name, value in given.items():
            _value(xf, _VALUE, name, value)


def _value(xf: Any, tag: str, name: str | None, value: str) -> None:
    attrib = {"id": name, "value": value} if name else {"value": value}
    with xf.element(tag, attrib):
        pass


def read(source: bytes | Path, *, structure: DatasetStructure | None = None) -> pa.Table:
    """The observations of an SDMX-ML 2.1 generic data message.

    Args:
        source: the message, as bytes or a file path.
        structure: the structures it refers to (default: the standard's).

    Returns:
        One row per observation in the canonical schema; dataset and series attributes are
        repeated on each of their observations.

    Raises:
        ReadError: not well-formed, not this format, or components outside the DSD.
    """
    dsd = (structure.standard if structure else get_standard()).dsd
    return read_own(source, dsd, "sdmx-ml-2.1-generic")

"""SDMX-ML 3.0 structure-specific data (``mes:StructureSpecificData``, 3.0 namespaces), streamed.

Like SDMX-ML 2.1 structure-specific data (:mod:`sdmx_cso.formats.data_ml21_ss`), with these
differences:

- The header refers to the **dataflow** (``common:StructureUsage`` holding its URN), as the
  official 3.0 samples do; ``ns1`` is ``…Dataflow=AGENCY:DF_CGD_…(1.0.0):ObsLevelDim:TIME_PERIOD``.
- ``DataSet`` has no ``ss:dataScope`` (3.0 dropped it). Dataset-level attributes stay XML
  attributes of ``DataSet`` (its type admits any unqualified attribute), as pysdmx writes them.
- ``QUALITY_FLAGS`` is a **multi-valued** coded attribute. SDMX-ML 3.0 cannot put several values
  in an XML attribute, so it is a ``Comp`` child of ``Obs``, one ``Value`` per flag, typed by
  the DSD-specific schema (``dsd:CompType`` restricted to ``QUALITY_FLAGS_ATTRIBUTE``), exactly
  as in the official ``ECB_EXR_CA`` sample (``SDMXDataStructureSpecific.xsd``)::

      <Obs TIME_PERIOD="2023" OBS_VALUE="12.50" OBS_STATUS="U">
        <Comp id="QUALITY_FLAGS" xsi:type="ns1:QUALITY_FLAGS_ATTRIBUTE">
          <Value>SELF_REPORTED</Value>
          <Value>SMALL_SAMPLE</Value>
        </Comp>
      </Obs>

  Flags are written in their canonical order (that of ``CL_CGD_FLAG``); an observation without
  flags has no ``Comp``. Reading joins the values with one space, the column's text form
  (:func:`sdmx_cso.formats.neutral.to_canonical`).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from sdmx_cso.formats._xml import SS_30
from sdmx_cso.formats.data_ml21_ss import write_structure_specific
from sdmx_cso.formats.read_ml import read_own
from sdmx_cso.formats.series import Batches
from sdmx_cso.model import CommunityDataset
from sdmx_cso.model.structure import DatasetStructure
from sdmx_cso.standard import get_standard

__all__ = ["read", "write"]


def write(
    dataset: CommunityDataset,
    out: BinaryIO,
    *,
    structure: DatasetStructure,
    batches: Batches | None = None,
) -> None:
    """Write the dataset as an SDMX-ML 3.0 structure-specific data message.

    Args:
        dataset: the dataset.
        out: a binary stream; the message is written to it series by series.
        structure: the structures the message refers to (dataflow and its namespace).
        batches: the observations a batch at a time, instead of ``dataset.observations``
            (see `sdmx_cso.formats.series.Batches`).

    Raises:
        SdmxExportError: text that XML cannot carry, or rows that disagree on a
            dataset-level attribute.
    """
    write_structure_specific(dataset, out, structure, SS_30, batches=batches)


def read(source: bytes | Path, *, structure: DatasetStructure | None = None) -> pa.Table:
    """The observations of an SDMX-ML 3.0 structure-specific data message.

    Args:
        source: the message, as bytes or a file path.
        structure: the structures it refers to (default: the standard's).

    Returns:
        One row per observation in the canonical schema; multi-valued attributes as their
        codes separated by one space.

    Raises:
        ReadError: not well-formed, not this format, or components outside the DSD.
    """
    dsd = (structure.standard if structure else get_standard()).dsd
    return read_own(source, dsd, "sdmx-ml-3.0")

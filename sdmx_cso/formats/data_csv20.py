"""SDMX-CSV 2.0 data messages (SDMX 3.0), with QUALITY_FLAGS as a multi-valued attribute.

Layout written (``labels=id``, ``timeFormat=original``, ``key=none``)::

    STRUCTURE[;],STRUCTURE_ID,ACTION,FREQ,…,SERVICE_POINT,TIME_PERIOD,OBS_VALUE,OBS_STATUS,…,QUALITY_FLAGS[],…
    dataflow,LNOB:DF_CGD_SURVEY(1.0.0),I,A,…,_T,2023,12.50,U,…,SELF_REPORTED;SMALL_SAMPLE,…

- ``STRUCTURE`` is ``dataflow`` and ``STRUCTURE_ID`` the dataflow's ``AGENCY:ID(VERSION)``
  (`DatasetStructure.dataflow_ref`); ``ACTION`` is ``I`` (information) on every row. The
  column is optional in the spec, but sdmx1 2.28 fails without it.
- Then every dimension in DSD order, ``TIME_PERIOD``, ``OBS_VALUE`` and every attribute in DSD
  order (services write components grouped and in DSD order; columns of unused attributes are
  empty, as a streaming writer's may be). Series- and dataset-level attributes are repeated.
- **Multi-valued QUALITY_FLAGS** (standard.md §8.1 rule 4: in SDMX 3.0 it is a multi-valued
  coded attribute). The 2.0 field guide, "Multi-valued components": the values are separated
  by a sub-field separator, which "has to be defined as first character in the squared
  bracket term of the header field of the first column", and the component's header is its
  ID followed by empty brackets. The first header field "must be extended" with the separator
  "in case the message contains multi-valued … values". Our column *is* multi-valued whatever
  the rows hold, and a streaming writer fixes its header before it sees the rows, so the
  header is always ``STRUCTURE[;]`` … ``QUALITY_FLAGS[]`` and the flags of a row are written
  ``SELF_REPORTED;SMALL_SAMPLE`` (the codes of the canonical space-separated string, in the
  same order). ``;`` is the spec's own example and never occurs in a code.
- UTF-8 without BOM, comma separator, CRLF records, minimal RFC 4180 quoting, exact decimal
  text: as for SDMX-CSV 1.0 (:mod:`sdmx_cso.formats.data_csv10`, whose CSV engine this
  module uses).

Known reader limitations (tested in ``tests/formats/test_data_tabular.py``): pysdmx 1.21 does
not implement multi-valued components and does not recognise a ``STRUCTURE[;]`` header at
all (for it, ``write(..., multi_valued_flags=False)`` writes the compatibility form: a plain
``STRUCTURE`` header and QUALITY_FLAGS as one space-separated value, which it reads);
sdmx1 2.28 reads the file with a DSD but keeps ``SELF_REPORTED;SMALL_SAMPLE`` as one
unsplit value, and splits records on every Unicode line boundary (``str.splitlines``), so
text holding a line break breaks its parse.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from sdmx_cso.formats.data_csv10 import read as read_csv10
from sdmx_cso.formats.data_csv10 import write_csv
from sdmx_cso.formats.series import Batches
from sdmx_cso.model import CommunityDataset
from sdmx_cso.model.structure import DatasetStructure

__all__ = ["ACTION", "STRUCTURE_TYPE", "SUB_SEPARATOR", "read", "write"]

#: Sub-field separator of multi-valued components, declared as ``STRUCTURE[;]``.
SUB_SEPARATOR = ";"

#: Value of the STRUCTURE column: the messages refer to a dataflow.
STRUCTURE_TYPE = "dataflow"

#: Value of the ACTION column: information (loaded as an append).
ACTION = "I"


def write(
    dataset: CommunityDataset,
    out: BinaryIO,
    *,
    structure: DatasetStructure,
    multi_valued_flags: bool = True,
    batches: Batches | None = None,
) -> None:
    """Write ``dataset`` to ``out`` as an SDMX-CSV 2.0 data message.

    Args:
        dataset: the observations to write.
        out: a binary stream; it is written to, never closed.
        structure: the structures the message refers to (its dataflow is ``STRUCTURE_ID``).
        multi_valued_flags: ``True`` (the standard's form): QUALITY_FLAGS is the multi-valued
            ``QUALITY_FLAGS[]`` column under a ``STRUCTURE[;]`` header. ``False``: the
            compatibility form for readers without multi-valued components (pysdmx 1.21):
            a plain ``STRUCTURE`` header and QUALITY_FLAGS as one space-separated value, as
            in SDMX 2.1 and SDMX-CSV 1.0.
        batches: the observations a batch at a time, instead of ``dataset.observations``
            (see `sdmx_cso.formats.series.Batches`).
    """
    first = f"STRUCTURE[{SUB_SEPARATOR}]" if multi_valued_flags else "STRUCTURE"
    write_csv(
        dataset,
        out,
        structure=structure,
        lead=(
            (first, STRUCTURE_TYPE),
            ("STRUCTURE_ID", structure.dataflow_ref),
            ("ACTION", ACTION),
        ),
        flags_separator=SUB_SEPARATOR if multi_valued_flags else None,
        batches=batches,
    )


def read(source: bytes | Path, *, structure: DatasetStructure | None = None) -> pa.Table:
    """The observations of an SDMX-CSV 2.0 (or 1.0) data message.

    Multi-valued fields (``QUALITY_FLAGS[]``) are split on the sub-field separator of
    ``STRUCTURE[x]`` and joined with one space, the table's form of QUALITY_FLAGS.

    Args:
        source: the message, as bytes or a path.
        structure: the structures it refers to (for the DSD); the standard's by default.

    Returns:
        One column per concept of the DSD (text; integers for SAMPLE_SIZE and NUMERATOR; null
        for an empty field), then any custom columns of the message, as text.

    Raises:
        ReadError: the message is not SDMX-CSV that can be read, or it deletes data.
    """
    return read_csv10(source, structure=structure)

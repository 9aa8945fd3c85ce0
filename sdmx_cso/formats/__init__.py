"""SDMX messages written and read directly, streaming: data, structures, reference metadata.

Each format is one module; :mod:`sdmx_cso.formats.registry` maps format names
(``sdmx-ml-2.1``, ``sdmx-csv-2.0``…) to them and imports a module only when it is used.
"""

from sdmx_cso.formats.registry import (
    DATA_FORMATS,
    METADATA_FORMATS,
    STRUCTURE_FORMATS,
    DataFormat,
    detect_format,
    reader_for,
    writer_for,
)

__all__ = [
    "DATA_FORMATS",
    "METADATA_FORMATS",
    "STRUCTURE_FORMATS",
    "DataFormat",
    "detect_format",
    "reader_for",
    "writer_for",
]

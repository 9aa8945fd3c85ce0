"""The batch pipeline and the lower-level readers and writers `convert` is made of.

`sdmx_cso.convert` and `sdmx_cso.validation` stream a CSV submission through these pieces: read
and check a block at a time (`check_in_batches`, `BatchCheck`), sort and write
(`write_batches`); the guide "Convert on a cluster (Dask)" drives them from a distributed
engine. `write_data` and `write_metadata` write a dataset *as given* (protect it first:
`sdmx_cso.protect`); `sdmx_cso.write` does both after disclosure control. `read_into` reads
a data message straight into CSV or JSON, in bounded memory where the reader streams.
"""

from sdmx_cso.api import check_in_batches
from sdmx_cso.formats import DATA_FORMATS, METADATA_FORMATS, DataFormat
from sdmx_cso.io import read_submission
from sdmx_cso.message import read_into
from sdmx_cso.model.submission import RawSubmission
from sdmx_cso.output import (
    Protection,
    metadata_path_for,
    protect_submission,
    write_batches,
    write_data,
    write_metadata,
)
from sdmx_cso.progress import Progress, ProgressEvent
from sdmx_cso.validation import BatchCheck

__all__ = [
    "DATA_FORMATS",
    "METADATA_FORMATS",
    "BatchCheck",
    "DataFormat",
    "Progress",
    "ProgressEvent",
    "Protection",
    "RawSubmission",
    "check_in_batches",
    "metadata_path_for",
    "protect_submission",
    "read_into",
    "read_submission",
    "write_batches",
    "write_data",
    "write_metadata",
]

"""sdmx_cso: an SDMX-compatible standard for civil-society (citizen-generated) data.

Typed models of community datasets, their metadata and quality flags; validation that
locates every problem by file, row and column; and (from the SDMX bridge) SDMX structures,
data and reference metadata that national statistical offices can load next to their
official SDG series.
"""

from sdmx_cso._version import __version__
from sdmx_cso.api import check_in_batches, load, validate
from sdmx_cso.bridge import export_structures, export_xsd, to_sdmx1, write_structures
from sdmx_cso.bridge.foreign import ForeignTable, own_message_format, read_foreign
from sdmx_cso.codelists import Code, Codelist
from sdmx_cso.errors import (
    CodelistNotFound,
    ExampleNotFound,
    ReadError,
    SchemaInvalid,
    SdmxCsoError,
    SdmxExportError,
    UnsupportedFormat,
)
from sdmx_cso.examples import Example, example_path, list_examples, write_example
from sdmx_cso.formats import DATA_FORMATS, METADATA_FORMATS, STRUCTURE_FORMATS
from sdmx_cso.formats.xsd import dsd_xsd, validate_json, validate_message
from sdmx_cso.io import read_submission
from sdmx_cso.model import (
    CoalitionSeries,
    CommunityDataset,
    DataProvider,
    DatasetMetadata,
    DerivationConfig,
    LocalArea,
    Observation,
    QualityFlag,
    ServicePoint,
)
from sdmx_cso.model.disclosure import DisclosureAudit, DisclosurePolicy
from sdmx_cso.model.submission import RawSubmission
from sdmx_cso.output import (
    Conversion,
    Protection,
    convert,
    metadata_path_for,
    protect,
    protect_submission,
    read,
    structure_of,
    write_batches,
    write_data,
    write_metadata,
)
from sdmx_cso.progress import Progress, ProgressEvent
from sdmx_cso.schema import json_schema, write_schemas
from sdmx_cso.standard import (
    DEFAULT_AGENCY,
    STANDARD_VERSION,
    Standard,
    get_codelist,
    get_standard,
    list_codelists,
)
from sdmx_cso.validate import CATALOGUE, BatchCheck, InvalidSubmission, Issue, Report, render_html

__all__ = [
    "CATALOGUE",
    "DATA_FORMATS",
    "DEFAULT_AGENCY",
    "METADATA_FORMATS",
    "STANDARD_VERSION",
    "STRUCTURE_FORMATS",
    "BatchCheck",
    "CoalitionSeries",
    "Code",
    "Codelist",
    "CodelistNotFound",
    "CommunityDataset",
    "Conversion",
    "DataProvider",
    "DatasetMetadata",
    "DerivationConfig",
    "DisclosureAudit",
    "DisclosurePolicy",
    "Example",
    "ExampleNotFound",
    "ForeignTable",
    "InvalidSubmission",
    "Issue",
    "LocalArea",
    "Observation",
    "Progress",
    "ProgressEvent",
    "Protection",
    "QualityFlag",
    "RawSubmission",
    "ReadError",
    "Report",
    "SchemaInvalid",
    "SdmxCsoError",
    "SdmxExportError",
    "ServicePoint",
    "Standard",
    "UnsupportedFormat",
    "__version__",
    "check_in_batches",
    "convert",
    "dsd_xsd",
    "example_path",
    "export_structures",
    "export_xsd",
    "get_codelist",
    "get_standard",
    "json_schema",
    "list_codelists",
    "list_examples",
    "load",
    "metadata_path_for",
    "own_message_format",
    "protect",
    "protect_submission",
    "read",
    "read_foreign",
    "read_submission",
    "render_html",
    "structure_of",
    "to_sdmx1",
    "validate",
    "validate_json",
    "validate_message",
    "write_batches",
    "write_data",
    "write_example",
    "write_metadata",
    "write_schemas",
    "write_structures",
]

"""sdmx_cso: an SDMX-compatible standard for civil-society (citizen-generated) data.

Typed models of community datasets, their metadata and quality flags; validation that
locates every problem by file, row and column; and (from the SDMX bridge) SDMX structures,
data and reference metadata that national statistical offices can load next to their
official SDG series.
"""

from sdmx_cso._version import __version__
from sdmx_cso.api import check_in_batches, load, register_dataset, validate
from sdmx_cso.bridge import export_structures, export_xsd, to_sdmx1, write_structures
from sdmx_cso.bridge.foreign import ForeignTable, own_message_format, read_foreign
from sdmx_cso.codelists import Code, Codelist
from sdmx_cso.errors import (
    CodelistNotFound,
    ExampleNotFound,
    ReadError,
    RegistrationError,
    SchemaInvalid,
    SdmxCsoError,
    SdmxExportError,
    SpecError,
    UnsupportedFormat,
)
from sdmx_cso.examples import Example, example_path, list_examples, write_example
from sdmx_cso.field import SurveyImport, aggregate, aggregate_scorecard, read_survey_spec
from sdmx_cso.field.template import write_template
from sdmx_cso.field.toolkit import write_codelists
from sdmx_cso.formats import DATA_FORMATS, METADATA_FORMATS, STRUCTURE_FORMATS
from sdmx_cso.formats.xsd import dsd_xsd, validate_json, validate_message
from sdmx_cso.io import read_submission
from sdmx_cso.io.register_file import read_register, write_register
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
from sdmx_cso.model.register import Register
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
from sdmx_cso.projection import (
    PROJECTION_FORMATS,
    Comparison,
    Projection,
    TargetStructure,
    compare,
    project,
    read_target,
    write_comparison,
    write_projection,
)
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
    "PROJECTION_FORMATS",
    "STANDARD_VERSION",
    "STRUCTURE_FORMATS",
    "BatchCheck",
    "CoalitionSeries",
    "Code",
    "Codelist",
    "CodelistNotFound",
    "CommunityDataset",
    "Comparison",
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
    "Projection",
    "Protection",
    "QualityFlag",
    "RawSubmission",
    "ReadError",
    "Register",
    "RegistrationError",
    "Report",
    "SchemaInvalid",
    "SdmxCsoError",
    "SdmxExportError",
    "ServicePoint",
    "SpecError",
    "Standard",
    "SurveyImport",
    "TargetStructure",
    "UnsupportedFormat",
    "__version__",
    "aggregate",
    "aggregate_scorecard",
    "check_in_batches",
    "compare",
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
    "project",
    "protect",
    "protect_submission",
    "read",
    "read_foreign",
    "read_register",
    "read_submission",
    "read_survey_spec",
    "read_target",
    "register_dataset",
    "render_html",
    "structure_of",
    "to_sdmx1",
    "validate",
    "validate_json",
    "validate_message",
    "write_batches",
    "write_codelists",
    "write_comparison",
    "write_data",
    "write_example",
    "write_metadata",
    "write_projection",
    "write_register",
    "write_schemas",
    "write_structures",
    "write_template",
]

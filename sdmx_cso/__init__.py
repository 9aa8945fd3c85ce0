"""sdmx_cso: an SDMX-compatible standard for civil-society (citizen-generated) data.

Typed models of community datasets, their metadata and quality flags; validation that
locates every problem by file, row and column; and SDMX structures, data and reference
metadata that national statistical offices can load next to their official SDG series.

The verbs, one per job: `validate` a submission (a path, a `pandas.DataFrame`, a
`pyarrow.Table` or rows), `load` it as a `CommunityDataset`, `convert` it to SDMX files,
`protect` the people in it, `write` a dataset to a path, a stream or bytes, `read` any SDMX
data message (ours or anyone's), `project` it onto the SDG DSD or a national DSD and
`compare` it with official values. Everything else lives in a public submodule:
`sdmx_cso.model`, `sdmx_cso.pipeline`, `sdmx_cso.structures`, `sdmx_cso.schemas`,
`sdmx_cso.reports`, `sdmx_cso.field`, `sdmx_cso.projection`, `sdmx_cso.examples`,
`sdmx_cso.standard`, `sdmx_cso.codelists` and `sdmx_cso.errors`.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

from sdmx_cso._version import __version__
from sdmx_cso.api import load, validate
from sdmx_cso.errors import ReadError, SdmxCsoError
from sdmx_cso.message import DataMessage, read
from sdmx_cso.model import CommunityDataset, DatasetMetadata, DerivationConfig, Observation
from sdmx_cso.output import Conversion, convert, protect, write
from sdmx_cso.projection import compare, project
from sdmx_cso.standard import get_standard
from sdmx_cso.validation import InvalidSubmission, Issue, Report

__all__ = [
    "CommunityDataset",
    "Conversion",
    "DataMessage",
    "DatasetMetadata",
    "DerivationConfig",
    "InvalidSubmission",
    "Issue",
    "Observation",
    "ReadError",
    "Report",
    "SdmxCsoError",
    "__version__",
    "compare",
    "convert",
    "get_standard",
    "load",
    "project",
    "protect",
    "read",
    "validate",
    "write",
]

#: The public submodules: each is documented in the API reference, and reachable as an
#: attribute once ``sdmx_cso`` is imported (``sdmx_cso.pipeline.write_batches``).
PUBLIC_MODULES: tuple[str, ...] = (
    "codelists",
    "errors",
    "examples",
    "field",
    "model",
    "pipeline",
    "projection",
    "reports",
    "schemas",
    "standard",
    "structures",
)

#: Names sdmx_cso 0.x exported at the top before the API was made small, and where each
#: lives now. They still work, with a `DeprecationWarning` naming the replacement, and will
#: be removed in 1.0 (see the changelog).
MOVED: dict[str, str] = {
    "CATALOGUE": "sdmx_cso.reports",
    "DATA_FORMATS": "sdmx_cso.pipeline",
    "DEFAULT_AGENCY": "sdmx_cso.standard",
    "METADATA_FORMATS": "sdmx_cso.pipeline",
    "PROJECTION_FORMATS": "sdmx_cso.projection",
    "STANDARD_VERSION": "sdmx_cso.standard",
    "STRUCTURE_FORMATS": "sdmx_cso.structures",
    "BatchCheck": "sdmx_cso.pipeline",
    "CoalitionSeries": "sdmx_cso.model",
    "Code": "sdmx_cso.codelists",
    "Codelist": "sdmx_cso.codelists",
    "CodelistNotFound": "sdmx_cso.errors",
    "Comparison": "sdmx_cso.projection",
    "DataProvider": "sdmx_cso.model",
    "DisclosureAudit": "sdmx_cso.model",
    "DisclosurePolicy": "sdmx_cso.model",
    "Example": "sdmx_cso.examples",
    "ExampleNotFound": "sdmx_cso.errors",
    "LocalArea": "sdmx_cso.model",
    "Progress": "sdmx_cso.pipeline",
    "ProgressEvent": "sdmx_cso.pipeline",
    "Projection": "sdmx_cso.projection",
    "Protection": "sdmx_cso.pipeline",
    "QualityFlag": "sdmx_cso.model",
    "RawSubmission": "sdmx_cso.pipeline",
    "Register": "sdmx_cso.structures",
    "RegistrationError": "sdmx_cso.errors",
    "SchemaInvalid": "sdmx_cso.errors",
    "SdmxExportError": "sdmx_cso.errors",
    "ServicePoint": "sdmx_cso.model",
    "SpecError": "sdmx_cso.errors",
    "Standard": "sdmx_cso.standard",
    "SurveyImport": "sdmx_cso.field",
    "TargetStructure": "sdmx_cso.projection",
    "UnsupportedFormat": "sdmx_cso.errors",
    "aggregate": "sdmx_cso.field",
    "aggregate_scorecard": "sdmx_cso.field",
    "check_in_batches": "sdmx_cso.pipeline",
    "dsd_xsd": "sdmx_cso.schemas",
    "example_path": "sdmx_cso.examples",
    "export_structures": "sdmx_cso.structures",
    "export_xsd": "sdmx_cso.schemas",
    "get_codelist": "sdmx_cso.standard",
    "json_schema": "sdmx_cso.schemas",
    "list_codelists": "sdmx_cso.standard",
    "list_examples": "sdmx_cso.examples",
    "metadata_path_for": "sdmx_cso.pipeline",
    "protect_submission": "sdmx_cso.pipeline",
    "read_register": "sdmx_cso.structures",
    "read_submission": "sdmx_cso.pipeline",
    "read_survey_spec": "sdmx_cso.field",
    "read_target": "sdmx_cso.projection",
    "register_dataset": "sdmx_cso.structures",
    "render_html": "sdmx_cso.reports",
    "structure_of": "sdmx_cso.structures",
    "to_sdmx1": "sdmx_cso.structures",
    "validate_json": "sdmx_cso.schemas",
    "validate_message": "sdmx_cso.schemas",
    "write_batches": "sdmx_cso.pipeline",
    "write_codelists": "sdmx_cso.field",
    "write_comparison": "sdmx_cso.projection",
    "write_data": "sdmx_cso.pipeline",
    "write_example": "sdmx_cso.examples",
    "write_metadata": "sdmx_cso.pipeline",
    "write_projection": "sdmx_cso.projection",
    "write_register": "sdmx_cso.structures",
    "write_schemas": "sdmx_cso.schemas",
    "write_structures": "sdmx_cso.structures",
    "write_template": "sdmx_cso.field",
}

#: Names sdmx_cso 0.x exported that are gone, and what does their job now.
REPLACED: dict[str, tuple[str, str]] = {
    "ForeignTable": ("sdmx_cso.bridge.foreign", "sdmx_cso.DataMessage"),
    "read_foreign": ("sdmx_cso.bridge.foreign", "sdmx_cso.read"),
    "own_message_format": ("sdmx_cso.bridge.foreign", "sdmx_cso.read (which tells ours)"),
}


def __getattr__(name: str) -> Any:
    """A public submodule, or an old top-level name (with a warning naming its new home)."""
    if name in PUBLIC_MODULES:
        return importlib.import_module(f"sdmx_cso.{name}")
    if name in MOVED:
        module = MOVED[name]
        warnings.warn(
            f"sdmx_cso.{name} moved to {module}.{name} (the top level keeps only the verbs "
            "and the main models); import it from there",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(module), name)
    if name in REPLACED:
        module, instead = REPLACED[name]
        warnings.warn(
            f"sdmx_cso.{name} is deprecated: use {instead}", DeprecationWarning, stacklevel=2
        )
        return getattr(importlib.import_module(module), name)
    raise AttributeError(f"module 'sdmx_cso' has no attribute {name!r}")

"""Validation: every problem of a submission as a `Report` of located `Issue`."""

from sdmx_cso.validation.html import render_html
from sdmx_cso.validation.issues import CATALOGUE, IssueType
from sdmx_cso.validation.report import Issue, Report, Stats
from sdmx_cso.validation.submission import (
    BatchCheck,
    InvalidSubmission,
    check_submission,
    to_dataset,
    validate_submission,
)

__all__ = [
    "CATALOGUE",
    "BatchCheck",
    "InvalidSubmission",
    "Issue",
    "IssueType",
    "Report",
    "Stats",
    "check_submission",
    "render_html",
    "to_dataset",
    "validate_submission",
]

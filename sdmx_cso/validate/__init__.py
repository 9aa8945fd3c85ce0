"""Validation: every problem of a submission as a `Report` of located `Issue`."""

from sdmx_cso.validate.html import render_html
from sdmx_cso.validate.issues import CATALOGUE, IssueType
from sdmx_cso.validate.report import Issue, Report, Stats
from sdmx_cso.validate.submission import (
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

"""Validation reports: what `sdmx_cso.validation` returns, the catalogue of issue codes, HTML.

A `Report` says whether a submission is valid and lists every `Issue`, located by file, row
and column; `CATALOGUE` documents each issue code; `render_html` gives a report as a page
for people who do not use a terminal.
"""

from sdmx_cso.validation import CATALOGUE, InvalidSubmission, Issue, Report, render_html
from sdmx_cso.validation.report import Stats

__all__ = ["CATALOGUE", "InvalidSubmission", "Issue", "Report", "Stats", "render_html"]

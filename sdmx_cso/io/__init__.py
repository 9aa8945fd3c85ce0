"""Readers of submissions: CSV/XLSX data and YAML/JSON metadata, folders and zips."""

from sdmx_cso.io.submission import DATA_SUFFIXES, read_submission, submission_of_table

__all__ = ["DATA_SUFFIXES", "read_submission", "submission_of_table"]

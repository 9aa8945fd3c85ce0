"""The invalid-submission corpus: each planted error is reported with the right code, row and
column, and nothing else is reported for it. Every catalogue code is triggered here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import sdmx_cso
from sdmx_cso.reports import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "invalid"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))


def test_base_submission_is_valid_without_warnings():
    report = sdmx_cso.validate(CORPUS / "_valid")
    assert report.valid
    assert report.issues == ()


@pytest.mark.parametrize("case", CASES)
def test_planted_error_is_reported_exactly(case):
    expected = json.loads((CORPUS / case / "expected.json").read_text("utf-8"))
    report = sdmx_cso.validate(CORPUS / case)
    assert report.flatten(["code", "row", "column"]) == expected
    severity = CATALOGUE[case].severity
    assert report.valid is (severity == "warning")
    for issue in report.issues:
        assert issue.file is not None
        assert issue.message
        assert issue.url.endswith(f"#{case}")


def test_every_catalogue_code_has_a_case():
    """Codes tagged ``#message`` are found in SDMX messages, not submissions: they are
    triggered by the schema validators' tests (tests/formats/test_xsd.py)."""
    submission = {code for code, entry in CATALOGUE.items() if "#message" not in entry.tags}
    assert set(CASES) == submission


def test_every_code_in_the_source_is_in_the_catalogue():
    source = "\n".join(p.read_text("utf-8") for p in (ROOT / "sdmx_cso").rglob("*.py"))
    used = set(
        re.findall(r'(?:Issue\.make|\.issue|\.metadata_issue|ReadProblem)\(\s*"([a-z-]+)"', source)
    )
    used |= set(re.findall(r'CellProblem\(\s*"([a-z-]+)"', source))
    used |= set(re.findall(r'code="([a-z-]+)"', source))
    assert used, "no issue codes found in the source"
    assert used <= set(CATALOGUE), used - set(CATALOGUE)


def test_catalogue_entries_are_documented():
    for code, entry in CATALOGUE.items():
        assert entry.code == code
        for part in (entry.title, entry.description, entry.example, entry.fix):
            assert part, code
        assert entry.severity in ("error", "warning")
        assert entry.tags, code


def test_issues_outside_the_catalogue_cannot_be_made():
    with pytest.raises(ValueError, match="not an issue code"):
        sdmx_cso.Issue(code="made-up", severity="error", message="x")

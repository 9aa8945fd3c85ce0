"""Small valid objects to start tests from."""

from __future__ import annotations

from typing import Any


def metadata_dict(**changes: Any) -> dict[str, Any]:
    """A minimal valid metadata mapping (keys are field IDs)."""
    base: dict[str, Any] = {
        "DATASET_ID": "KE-TEST-2023",
        "TITLE": "Test survey",
        "DATASET_TYPE": "SURVEY",
        "CONTACT_ORGANISATION": "Test Coalition",
        "CONTACT_EMAIL": "data@coalition.example.org",
        "DATA_SOURCE": [{"ID": "TESTORG", "NAME": "Test Organisation", "COUNTRY": "KE"}],
        "STAT_POP": "Persons with disabilities aged 18+",
        "REF_AREA_COVERAGE": ["KE"],
        "REF_PERIOD": {"START": "2023-01-01", "END": "2023-12-31"},
        "COLL_PERIOD": "2023-03-01/2023-04-15",
        "SOURCE_TYPE": "COMMUNITY_SURVEY",
        "COLL_METHOD": {"MODE": "CAPI", "TOOL": "KOBOTOOLBOX"},
        "SAMPLING_METHOD": "PROB",
        "REPRESENTATIVENESS": "REP_TARGET_POP",
        "RESPONSE_MODE": "SELF",
        "VALIDATION_STATUS": "INTERNAL_QA",
        "CONSENT": {"TYPE": "INFORMED_VERBAL"},
        "REC_USE_LIM": "Covers registered members only.",
        "LICENCE": "CC-BY-4.0",
        "ACCESS_RIGHTS": "PUBLIC",
        "SERIES": [
            {
                "CODE": "CGD_TEST_SHARE",
                "NAME": "Test share",
                "DEFINITION": "Share of respondents with the characteristic",
                "UNIT": "PT",
            }
        ],
    }
    base.update(changes)
    return base


def row(**changes: Any) -> dict[str, Any]:
    """A minimal valid observation row."""
    base: dict[str, Any] = {
        "SERIES": "CGD_TEST_SHARE",
        "REF_AREA": "KE-01",
        "TIME_PERIOD": "2023",
        "OBS_VALUE": "12.50",
        "SAMPLE_SIZE": 80,
    }
    base.update(changes)
    return base

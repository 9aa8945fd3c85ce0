"""Shared cases for the reference-metadata tests: formats, helpers, metadata with every field."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from factories import metadata_dict

from sdmx_cso.formats import metadata_ml21, metadata_ml30
from sdmx_cso.formats.xsd import validate_message
from sdmx_cso.io.metadata_file import read_metadata
from sdmx_cso.model.metadata import DatasetMetadata
from sdmx_cso.model.structure import structure_for

FORMATS = [
    pytest.param(metadata_ml21, "2.1", id="2.1"),
    pytest.param(metadata_ml30, "3.0", id="3.0"),
]
PREPARED = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)

#: Characters that XML 1.0 cannot carry (besides surrogates, which the strategies never make).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_incompatible(value: object) -> bool:
    """Whether any text inside ``value`` (a dumped model) has a character XML cannot carry."""
    if isinstance(value, str):
        return NOT_XML.search(value) is not None
    if isinstance(value, dict):
        return any(xml_incompatible(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(xml_incompatible(v) for v in value)
    return False


def load(path: Path) -> DatasetMetadata:
    return DatasetMetadata.model_validate(read_metadata(path.read_bytes(), path=str(path)))


def write(module: ModuleType, md: DatasetMetadata) -> bytes:
    out = io.BytesIO()
    module.write(md, out, structure=structure_for(md), prepared=PREPARED)
    return out.getvalue()


def assert_valid(data: bytes, version: str) -> None:
    report = validate_message(data, version=version)  # type: ignore[arg-type]
    assert report.valid, "\n".join(f"line {i.row}: {i.message}" for i in report.issues[:10])


def full_metadata(**changes: Any) -> DatasetMetadata:
    """Every field given, with awkward values: unicode, line breaks, decimals, booleans."""
    raw = metadata_dict(
        DESCRIPTION="स्वास्थ्य चौकी\r\nখাদ্য সহায়তা\n\tHuduma za afya <&> \"quotes\" 'apostrophes'",
        VERSION="2.0",
        LANGUAGE="ne",
        CONTACT_NAME="Sita Kumari Nepali",
        DATA_SOURCE=[
            {"ID": "KCSN", "NAME": "कर्णाली नागरिक समाज सञ्जाल", "COUNTRY": "NP", "AGENCY": "KCSN"},
            {"ID": "BD-1", "NAME": "খাদ্য অধিকার বাংলাদেশ", "COUNTRY": "BD"},
            {"ID": "KE_2", "NAME": "Muungano wa Wanawake"},
        ],
        COMPILING_ORG="",
        INITIATOR="COMMUNITY",
        PARTICIPATION_STAGES=["DESIGN", "COLLECTION", "USE"],
        SDG_GOAL="1, 3",
        SDG_TARGET="1.3",
        SDG_INDICATOR="1.3.1",
        SDG_SERIES_DESCR="x",
        COMPARABILITY="y",
        STAT_CONC_DEF="z",
        CLASS_SYSTEM="WG-SS",
        UNIT_MEASURE="Per cent",
        STAT_UNIT="Person",
        GROUP_ID_METHOD="SELF_ID",
        GROUP_ID_QUESTION="तपाईं कुन समुदायको हुनुहुन्छ?",
        REF_AREA_COVERAGE=["KE-30", "KE-30-W01", "NP", "BD-A"],
        COLL_METHOD={
            "MODE": "CAPI",
            "TOOL": "KOBOTOOLBOX",
            "FORM_ID": "aB3x",
            "FORM_VERSION": "v3 (2023-09-18)",
            "QUESTIONNAIRE_URL": "https://example.org/स्वास्थ्य/q.pdf?a=1&b=2",
            "LANGUAGES": ["ne", "bn-BD", "sw"],
            "ENUMERATORS": {
                "NUMBER": 0,
                "COMMUNITY_MEMBERS": False,
                "COMMUNITY_SHARE": "99.95",
                "TRAINING_DAYS": "1E+1",
                "CURRICULUM": "multi\nline",
                "SUPERVISION": "   ",
            },
        },
        SAMPLE_FRAME="lists",
        SAMPLE_SIZE_PLANNED=10**12,
        SAMPLE_SIZE_ACHIEVED=0,
        RESPONSE_RATE="0.001",
        WEIGHTING="none",
        CONSENT={"TYPE": "INFORMED_WRITTEN", "WITHDRAWAL": "Kujiondoa wakati wowote"},
        ETHICS_REVIEW="none",
        CONF_POLICY="policy",
        DISCLOSURE_CONTROL={"PRIMARY_THRESHOLD": 5, "SENSITIVE_THRESHOLD": 10},
        NONSAMPLING_ERR="a",
        DATA_COMP="b",
        DATA_VALIDATION="c",
        QUALITY_ASSURE="d",
        QUALITY_ASSMNT={
            "NSO": "Kenya National Bureau of Statistics",
            "FRAMEWORK": "KeSQAF",
            "DATE": "2024-02-29",
            "OUTCOME": "FIT_WITH_CAVEATS",
            "REFERENCE": "REF/7",
        },
        CITATION="cite",
        FUNDING="fund",
        META_LAST_UPDATE="2024-03-20",
        SERIES=[
            {
                "CODE": "CGD_SCORE",
                "NAME": "सेवा सन्तुष्टि",
                "DEFINITION": "Score on a 1-5 scale",
                "UNIT": "SCORE",
                "UNIT_MULT": "3",
                "SCALE_MIN": "-1.50",
                "SCALE_MAX": "5",
                "SCALE_LABELS": "1=very bad … 5=very good",
                "SDG_INDICATOR": "16.b.1",
                "LINKED_SERIES": "SI_COV_DISAB",
                "PERCEPTION": True,
                "DEFINITION_DIFFERS": True,
            },
            {"CODE": "CGD_SHARE", "NAME": "Share", "DEFINITION": "d", "UNIT": "PT"},
        ],
        SERVICE_POINTS=[
            {
                "CODE": "HP-01",
                "NAME": "Birendranagar HP",
                "AREA": "KE-30-W01",
                "KIND": "health post",
                "SERVICE": "HEALTH",
            },
            {"CODE": "SCH_2", "NAME": "School"},
        ],
        LOCAL_AREAS=[
            {"CODE": "KE-30-W01", "NAME": "Ward 1", "PARENT": "KE-30", "LEVEL": "ward"},
            {"CODE": "KE-30-W01-S", "NAME": "Settlement", "PARENT": "KE-30-W01"},
        ],
    )
    raw.update(changes)
    return DatasetMetadata.model_validate(raw)

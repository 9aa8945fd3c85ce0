"""The published JSON Schemas: versioned, and they accept the bundled examples."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

import sdmx_cso
import sdmx_cso.schemas
import sdmx_cso.standard
from sdmx_cso import DatasetMetadata, Observation
from sdmx_cso.schemas import json_schema

SNAPSHOTS = Path(__file__).parent / "snapshots"


def validator(model):
    schema = json_schema(model)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_ids_carry_the_standard_version():
    assert json_schema(DatasetMetadata)["$id"].endswith(
        f"/{sdmx_cso.standard.STANDARD_VERSION}/metadata.schema.json"
    )
    assert json_schema(Observation)["$id"].endswith(
        f"/{sdmx_cso.standard.STANDARD_VERSION}/observation.schema.json"
    )


def test_metadata_schema_validates_the_examples_metadata(example_dir):
    data = yaml.safe_load((example_dir / "metadata.yaml").read_text("utf-8"))
    errors = sorted(
        validator(DatasetMetadata).iter_errors(json.loads(json.dumps(data, default=str))), key=str
    )
    assert errors == []


def test_metadata_schema_rejects_what_the_model_rejects(example_dir):
    data = json.loads(
        json.dumps(yaml.safe_load((example_dir / "metadata.yaml").read_text("utf-8")), default=str)
    )
    check = validator(DatasetMetadata)
    assert not check.is_valid({**data, "SAMPLING_METHOD": "RANDOM"})
    assert not check.is_valid({k: v for k, v in data.items() if k != "LICENCE"})
    assert not check.is_valid({**data, "UNKNOWN_FIELD": 1})


def test_row_schema_validates_the_examples_rows(example_dir):
    check = validator(Observation)
    with (example_dir / "data.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            # cells as the CSV gives them: text, and null when empty (issue #18: "200" is an
            # integer as a CSV or KoboToolbox export delivers it)
            cleaned = {k: (None if v == "" else v) for k, v in row.items()}
            problems = [
                e.message
                for e in check.iter_errors(cleaned)
                if "SERIES" not in [*list(e.path), ""]
                and "REF_AREA" not in list(e.path)
                and "SERVICE_POINT" not in list(e.path)
            ]
            assert problems == [], row


def test_row_schema_rejects_bad_codes():
    check = validator(Observation)
    assert not check.is_valid(
        {"SERIES": "SI_COV_DISAB", "REF_AREA": "KE", "TIME_PERIOD": "2023", "SEX": "X"}
    )
    assert not check.is_valid(
        {"SERIES": "SI_COV_DISAB", "REF_AREA": "KE", "TIME_PERIOD": "2023/24"}
    )


@pytest.mark.parametrize("name", ["metadata.schema.json", "observation.schema.json"])
def test_schema_snapshot(name, tmp_path):
    """Any change to the standard's schemas is a deliberate, reviewed diff.

    After an intended change: ``sdmx-cso schema -o tests/schema/snapshots``.
    """
    (written,) = [p for p in sdmx_cso.schemas.write_schemas(tmp_path) if p.name == name]
    assert json.loads(written.read_text("utf-8")) == json.loads(
        (SNAPSHOTS / name).read_text("utf-8")
    )

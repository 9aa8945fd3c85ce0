"""The Frictionless Table Schema and Data Package descriptor of the data table."""

from __future__ import annotations

import csv
import json
import re

import sdmx_cso
import sdmx_cso.standard
from sdmx_cso.schema import data_package, table_schema
from sdmx_cso.standard import get_standard


def test_every_concept_is_a_field_and_the_key_is_every_dimension():
    schema = table_schema()
    dsd = get_standard().dsd
    assert [f["name"] for f in schema["fields"]] == list(dsd.columns)
    assert schema["primaryKey"] == [*dsd.dimension_ids, "TIME_PERIOD"]
    sex = next(f for f in schema["fields"] if f["name"] == "SEX")
    assert sex["constraints"]["enum"] == [c.id for c in sdmx_cso.standard.get_codelist("CL_SEX")]
    package = data_package()
    assert package["resources"][0]["schema"] == schema
    json.dumps(package)  # plain JSON


def test_the_examples_meet_the_table_schema(example_dir):
    with (example_dir / "data.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    schema = table_schema(list(rows[0]))
    fields = {f["name"]: f for f in schema["fields"]}
    assert set(fields) == set(rows[0])
    keys = set()
    for row in rows:
        for name, value in row.items():
            if value in schema["missingValues"]:
                assert not fields[name].get("constraints", {}).get("required"), name
                continue
            rules = fields[name].get("constraints", {})
            if "enum" in rules and name != "QUALITY_FLAGS":
                assert value in rules["enum"], (name, value)
            if "pattern" in rules:
                assert re.fullmatch(rules["pattern"].strip("^$"), value), (name, value)
            if fields[name]["type"] == "integer":
                assert int(value) >= rules.get("minimum", 0)
            if fields[name]["type"] == "number":
                float(value)
        keys.add(tuple(row.get(k, "_T") for k in schema["primaryKey"]))
    assert len(keys) == len(rows)

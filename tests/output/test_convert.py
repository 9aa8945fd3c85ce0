"""sdmx-cso convert on every bundled example in every format: valid SDMX, lossless read-back,
and nothing written for an invalid submission."""

from __future__ import annotations

import csv
import io
import json

import pytest

import sdmx_cso
import sdmx_cso.errors
import sdmx_cso.examples
import sdmx_cso.pipeline
import sdmx_cso.schemas
import sdmx_cso.structures
from sdmx_cso import Issue
from sdmx_cso.cli import main

FORMATS = sorted(sdmx_cso.pipeline.DATA_FORMATS)


def _validate(path, fmt: str, dataset) -> tuple[Issue, ...]:
    structure = sdmx_cso.structures.structure_of(dataset)
    if fmt == "sdmx-json-2.0":
        return sdmx_cso.schemas.validate_json(path, kind="data").issues
    if fmt.startswith("sdmx-csv"):
        return ()  # no schema exists for SDMX-CSV; the header rules are tested per format
    version = "3.0" if fmt == "sdmx-ml-3.0" else "2.1"
    generic = fmt.endswith("generic")
    return sdmx_cso.schemas.validate_message(
        path, version=version, structure=None if generic else structure
    ).issues


@pytest.mark.parametrize("fmt", FORMATS)
def test_convert_every_example_to_every_format(example_dir, tmp_path, fmt, capsys):
    out = tmp_path / f"out-{fmt}.data"
    assert main(["convert", str(example_dir), "--to", fmt, "-o", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    meta = sdmx_cso.pipeline.metadata_path_for(out)
    assert printed == [str(out), str(meta)]
    dataset, _ = sdmx_cso.protect(sdmx_cso.load(example_dir))
    assert _validate(out, fmt, dataset) == ()
    meta_version = "3.0" if fmt == "sdmx-ml-3.0" else "2.1"
    assert sdmx_cso.schemas.validate_message(meta, version=meta_version).issues == ()
    back = sdmx_cso.read(out).dataset
    assert back == dataset  # observations (exact text), attributes and metadata
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_invalid_submission_is_refused_and_nothing_is_written(kenya, tmp_path, capsys):
    text = (kenya / "data.csv").read_text("utf-8").replace(",F,", ",Q,", 1)
    (kenya / "data.csv").write_text(text, encoding="utf-8")
    target = tmp_path / "out"
    target.mkdir()
    out = target / "out.xml"
    assert main(["convert", str(kenya), "--to", "sdmx-ml-2.1", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "code-not-in-codelist" in err
    assert "SEX: 'Q'" in err
    assert list(target.iterdir()) == []


def test_failed_conversion_keeps_the_previous_output(kenya, tmp_path):
    out = tmp_path / "out.xml"
    out.write_bytes(b"previous")
    text = (kenya / "data.csv").read_text("utf-8").replace(",F,", ",Q,", 1)
    (kenya / "data.csv").write_text(text, encoding="utf-8")
    assert main(["convert", str(kenya), "--to", "sdmx-ml-2.1", "-o", str(out)]) == 1
    assert out.read_bytes() == b"previous"


def test_convert_api_returns_the_report_and_paths(kenya, tmp_path):
    result = sdmx_cso.convert(kenya, to="sdmx-csv-2.0", output=tmp_path / "k.csv")
    assert result.report.valid
    assert result.data == tmp_path / "k.csv"
    assert result.metadata == tmp_path / "k.metadata.xml"
    no_meta = sdmx_cso.convert(
        kenya, to="sdmx-csv-2.0", output=tmp_path / "m.csv", with_metadata=False
    )
    assert no_meta.metadata is None


def test_unknown_format_is_a_usage_error(kenya, tmp_path):
    assert main(["convert", str(kenya), "--to", "sdmx-ml-9", "-o", str(tmp_path / "x")]) == 2
    with pytest.raises(sdmx_cso.errors.UnsupportedFormat):
        sdmx_cso.convert(kenya, to="sdmx-ml-9", output=tmp_path / "x")


def test_flags_as_text_writes_csv20_for_single_valued_readers(example_dir, tmp_path):
    out = tmp_path / "k.csv"
    assert (
        main(
            ["convert", str(example_dir), "--to", "sdmx-csv-2.0", "--flags-as-text", "-o", str(out)]
        )
        == 0
    )
    header = out.read_bytes().split(b"\r\n", 1)[0]
    assert header.startswith(b"STRUCTURE,")
    assert b"QUALITY_FLAGS," in header + b","
    assert sdmx_cso.read(out).dataset == sdmx_cso.protect(sdmx_cso.load(example_dir))[0]


@pytest.mark.parametrize("fmt", ["sdmx-ml-3.0", "sdmx-json-2.0"])
def test_flags_as_text_is_refused_where_the_schema_wants_multiple_values(kenya, tmp_path, fmt):
    out = tmp_path / "x"
    assert main(["convert", str(kenya), "--to", fmt, "--flags-as-text", "-o", str(out)]) == 2
    with pytest.raises(sdmx_cso.errors.UnsupportedFormat, match=r"sdmx-csv-2\.0"):
        sdmx_cso.convert(kenya, to=fmt, output=out, flags_as_text=True)
    assert not out.exists()


def test_read_command_gives_one_row_per_observation(kenya, tmp_path, capsys):
    out = tmp_path / "k.xml"
    assert main(["convert", str(kenya), "--to", "sdmx-ml-2.1", "-o", str(out)]) == 0
    capsys.readouterr()
    table = tmp_path / "k.csv"
    assert main(["read", str(out), "--to", "csv", "-o", str(table)]) == 0
    rows = list(csv.DictReader(io.StringIO(table.read_text("utf-8"))))
    dataset = sdmx_cso.load(kenya)
    assert len(rows) == len(dataset)
    for column in ("SERIES", "REF_AREA", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "QUALITY_FLAGS"):
        assert column in rows[0]
    assert main(["read", str(out), "--to", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == len(dataset)


def test_own_codes_keep_their_names_after_another_conversion(tmp_path):
    """Regression: after converting a dataset without local areas, those of the next lost
    their names.

    The first conversion looked codes up in the standard's CL_AREA, caching its index; the
    next dataset's CL_AREA extended with its local areas was a copy that kept that index.
    """

    def names(example: str) -> dict[str, str]:
        source = sdmx_cso.examples.write_example(example, tmp_path / example)
        out = sdmx_cso.convert(source, to="sdmx-json-2.0", output=tmp_path / f"{example}.json")
        assert out.data is not None
        message = json.loads(out.data.read_text("utf-8"))
        (area,) = [
            d for d in message["data"]["structures"][0]["dimensions"]["series"]
            if d["id"] == "REF_AREA"
        ]  # fmt: skip
        return {v["id"]: v["name"] for v in area["values"]}

    assert "Embu" in names("kenya-disability-survey").values()
    assert names("nepal-karnali-scorecard")["NP-P6-BIRENDRANAGAR-06"] == "Birendranagar ward 6"

"""The batch pipeline gives what the whole-table path gives: the same reports and the same
bytes in every format, however the file is cut into blocks and however the sort spills.

The whole-table path is the reference: a `RawSubmission` (read whole) is never streamed.
Tiny blocks (a few rows) and a tiny in-memory sort (a few observations, so every example
spills several runs to disk) make each batch boundary and each run boundary show.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import sdmx_cso
import sdmx_cso.examples
import sdmx_cso.pipeline
from sdmx_cso.api import as_submission, check_in_batches
from sdmx_cso.io.csv_batches import NotStreamable

FORMATS = sorted(sdmx_cso.pipeline.DATA_FORMATS)
INVALID = Path(__file__).parent.parent / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if (p / "data.csv").is_file())


def _comparable(path: Path, fmt: str) -> object:
    """The message without what differs between any two runs (header ID and time)."""
    data = path.read_bytes()
    if fmt == "sdmx-json-2.0":
        return json.loads(data)["data"]
    return re.sub(rb"<(\w+:)?Header>.*?</(\w+:)?Header>", b"", data, flags=re.S)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("block_bytes", "memory_rows"), [(300, 7), (2000, 50), (1 << 20, 5)])
def test_streamed_conversion_is_byte_identical(
    example_dir, tmp_path, fmt, block_bytes, memory_rows
):
    streamed = sdmx_cso.convert(
        example_dir, to=fmt, output=tmp_path / "streamed.out",
        block_bytes=block_bytes, memory_rows=memory_rows,
    )  # fmt: skip
    whole = sdmx_cso.convert(as_submission(example_dir), to=fmt, output=tmp_path / "whole.out")
    assert streamed.report == whole.report
    assert streamed.data is not None
    assert whole.data is not None
    assert _comparable(streamed.data, fmt) == _comparable(whole.data, fmt)
    assert streamed.metadata is not None
    assert whole.metadata is not None


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("block_bytes", [60, 400, 1 << 20])
def test_streamed_reports_are_the_whole_reports(case, block_bytes, tmp_path):
    folder = INVALID / case
    whole = sdmx_cso.validate(as_submission(folder))
    try:
        check, data_file = check_in_batches(folder, block_bytes=block_bytes)
    except NotStreamable:
        pytest.skip("read whole: nothing streamed to compare")
    assert check.report(data_file) == whole
    # and the public verb, whichever path it takes, says the same
    assert sdmx_cso.validate(folder) == whole


def test_duplicates_and_series_attributes_are_found_across_blocks(tmp_path):
    """Rows far apart, in different blocks, that only the bounded key index can compare."""
    src = sdmx_cso.examples.write_example("kenya-disability-survey", tmp_path)
    lines = (src / "data.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    unit = header.index("UNIT_MEASURE") if "UNIT_MEASURE" in header else None
    first = lines[1]
    changed = first.split(",")
    if unit is not None:
        changed[unit] = "NUMBER" if changed[unit] != "NUMBER" else "PERCENT"
    (src / "data.csv").write_text("\n".join([*lines, first, ",".join(changed)]) + "\n", "utf-8")
    whole = sdmx_cso.validate(as_submission(src))
    check, data_file = check_in_batches(src, block_bytes=200)
    streamed = check.report(data_file)
    assert streamed == whole
    codes = {i.code for i in streamed.issues}
    assert "duplicate-key" in codes
    copied = len(lines) + 1  # the spreadsheet row of the copy (the header is row 1)
    assert any(i.code == "duplicate-key" and i.row == copied for i in streamed.issues)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("stray-quote", "SERIES,REF_AREA,TIME_PERIOD,OBS_VALUE\n" + 'X,KE,2020,5" tall\n' * 50),
        ("cp1252", "SERIES,REF_AREA,TIME_PERIOD,OBS_VALUE,COMMENT_OBS\nX,KE,2020,1,caf\xe9\n"),
        ("ragged", "SERIES,REF_AREA,TIME_PERIOD,OBS_VALUE\nX,KE,2020\n"),
        ("blank-row", "SERIES,REF_AREA,TIME_PERIOD,OBS_VALUE\n\nX,KE,2020,1\n"),
    ],
)
def test_files_the_blocks_cannot_take_are_read_whole(name, content, tmp_path, kenya):
    """Such files fall back to the whole-file reader: the report is the same."""
    shutil.copy(kenya / "metadata.yaml", tmp_path / "metadata.yaml")
    data = tmp_path / "data.csv"
    data.write_bytes(content.encode("cp1252" if name == "cp1252" else "utf-8"))
    with pytest.raises(NotStreamable):
        check_in_batches(tmp_path, block_bytes=64)
    assert sdmx_cso.validate(tmp_path) == sdmx_cso.validate(as_submission(tmp_path))


def _split(folder: Path, into: Path, parts: int) -> list[Path]:
    """The submission's data as consecutive part files, each with the header."""
    header, *rows = (folder / "data.csv").read_text(encoding="utf-8").splitlines()
    size = max(1, -(-len(rows) // parts))
    into.mkdir()
    paths = []
    for n in range(parts):
        path = into / f"part-{n}.csv"
        path.write_text("\n".join([header, *rows[n * size : (n + 1) * size]]) + "\n", "utf-8")
        paths.append(path)
    return paths


def _facts(report: sdmx_cso.Report) -> list[tuple[object, ...]]:
    """What an issue says, but its file (the parts are files of their own)."""
    return [(i.code, i.severity, i.row, i.column, i.value, i.message) for i in report.issues]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("parts", [2, 3])
def test_merged_checks_of_parts_are_the_check_of_the_whole(case, parts, tmp_path):
    """What Dask tasks do: check consecutive parts apart, then merge the checks in order."""
    folder = INVALID / case
    try:
        whole, data_file = check_in_batches(folder)
        pieces = _split(folder, tmp_path / "parts", parts)
        checks = [check_in_batches(p, metadata=folder / "metadata.yaml")[0] for p in pieces]
    except NotStreamable:
        pytest.skip("read whole: no parts to check apart")
    merged = checks[0]
    for more in checks[1:]:
        merged.merge(more)
    assert _facts(merged.report(data_file)) == _facts(whole.report(data_file))
    assert merged.rows == whole.rows

"""Reading submissions: encodings, delimiters, XLSX, folders, zips, metadata files."""

from __future__ import annotations

import codecs
import json
import zipfile
from pathlib import Path

import pytest
import yaml
from factories import metadata_dict

import sdmx_cso
from sdmx_cso import ReadError
from sdmx_cso.errors import UnsupportedFormat
from sdmx_cso.pipeline import read_submission

ROWS = [
    ["SERIES", "REF_AREA", "TIME_PERIOD", "OBS_VALUE", "COMMENT_OBS", "SAMPLE_SIZE"],
    ["CGD_TEST_SHARE", "KE-01", "2023", "12.50", "Café ñandú", "80"],
    ["CGD_TEST_SHARE", "KE-02", "2023", "7", "", "41"],
]


def write_csv(path: Path, *, delimiter: str = ",", encoding: str = "utf-8", rows=ROWS) -> Path:
    text = "\r\n".join(delimiter.join(r) for r in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def meta(tmp_path: Path) -> Path:
    path = tmp_path / "metadata.yaml"
    path.write_text(yaml.safe_dump(metadata_dict(), allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_csv_encodings_and_delimiters_are_detected(tmp_path, meta, delimiter, encoding):
    data = write_csv(tmp_path / "data.csv", delimiter=delimiter, encoding=encoding)
    raw = read_submission(data)  # metadata.yaml beside it
    assert raw.table.column_names == ROWS[0]
    assert raw.table.column("COMMENT_OBS").to_pylist() == ["Café ñandú", None]
    assert raw.table.column("OBS_VALUE").to_pylist() == ["12.50", "7"]
    assert sdmx_cso.validate(raw).valid


def test_header_is_case_insensitive_and_trimmed(tmp_path, meta):
    rows = [
        [" series ", "Ref_Area", "time_period", "obs_value"],
        ["CGD_TEST_SHARE", "KE-01", "2023", "1"],
    ]
    raw = read_submission(write_csv(tmp_path / "d.csv", rows=rows), metadata=meta)
    assert raw.table.column_names == ["SERIES", "REF_AREA", "TIME_PERIOD", "OBS_VALUE"]
    assert raw.columns["SERIES"] == "series"


def test_ragged_and_blank_rows_keep_spreadsheet_row_numbers(tmp_path, meta):
    rows = [
        ROWS[0],
        ROWS[1],
        [""],
        ["CGD_TEST_SHARE", "KE-01"],
        ["CGD_TEST_SHARE", "KE-03", "2023", "x", "", "5"],
    ]
    report = sdmx_cso.validate(write_csv(tmp_path / "d.csv", rows=rows), metadata=meta)
    assert report.flatten(["row", "column", "code"]) == [
        [3, None, "empty-row"],
        [4, None, "ragged-row"],
        [5, "OBS_VALUE", "invalid-number"],
    ]


def test_xlsx(tmp_path, meta):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(ROWS[0])
    sheet.append(["CGD_TEST_SHARE", "KE-01", 2023, 12.5, "नेपाली", 80])
    sheet.append(["CGD_TEST_SHARE", "KE-02", "2023", 7.0, None, 41.0])
    book.save(tmp_path / "data.xlsx")
    raw = read_submission(tmp_path / "data.xlsx", metadata=meta)
    assert raw.table.column("TIME_PERIOD").to_pylist() == ["2023", "2023"]
    assert raw.table.column("OBS_VALUE").to_pylist() == ["12.5", "7"]
    assert raw.table.column("SAMPLE_SIZE").to_pylist() == ["80", "41"]
    assert sdmx_cso.validate(raw).valid


def test_folder_and_zip_packages(tmp_path, kenya):
    assert sdmx_cso.validate(kenya).valid
    archive = tmp_path / "kenya.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in kenya.iterdir():
            zf.write(item, f"kenya/{item.name}")
    report = sdmx_cso.validate(archive)
    assert report.valid
    assert report.stats.rows == sdmx_cso.validate(kenya).stats.rows


def test_zip_path_traversal_members_are_refused(tmp_path, kenya):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(kenya / "metadata.yaml", "metadata.yaml")
        zf.writestr("../data.csv", (kenya / "data.csv").read_text("utf-8"))
    with pytest.raises(ReadError, match=r"unsafe paths \('\.\./data\.csv'\)"):
        read_submission(archive)
    assert not (tmp_path.parent / "data.csv").exists()


def test_json_metadata_and_explicit_metadata_option(tmp_path):
    data = write_csv(tmp_path / "anything.csv")
    meta = tmp_path / "meta.json"
    meta.write_text(
        json.dumps({k.lower(): v for k, v in metadata_dict().items()}), encoding="utf-8"
    )
    assert sdmx_cso.validate(data, metadata=meta).valid


def test_yaml_keeps_norway_and_refuses_duplicate_keys(tmp_path):
    data = write_csv(tmp_path / "d.csv")
    meta = tmp_path / "m.yaml"
    text = yaml.safe_dump(metadata_dict(DATA_SOURCE=[{"ID": "N1", "NAME": "x", "COUNTRY": "NO"}]))
    meta.write_text(text.replace("'NO'", "NO"), encoding="utf-8")
    assert read_submission(data, metadata=meta).metadata["DATA_SOURCE"][0]["COUNTRY"] == "NO"
    meta.write_text("TITLE: a\nTITLE: b\n", encoding="utf-8")
    problem = metadata_problem(read_submission(data, metadata=meta))
    assert "duplicate key 'TITLE'" in problem.message
    assert problem.file == str(meta)


def metadata_problem(raw):
    """The one problem of a submission whose metadata file could not be read.

    A broken metadata file is a located issue of the report (``metadata-syntax``), not an
    exception: the data are still checked, and every problem is shown at once.
    """
    (problem,) = [p for p in raw.problems if p.code == "metadata-syntax"]
    assert raw.metadata == {}
    report = sdmx_cso.validate(raw)
    assert [i.code for i in report.issues][:1] == ["metadata-syntax"]
    assert not report.valid
    return problem


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x00\x01\xff\xfe\x00garbage\x00", "NUL"), (b"TITLE: [unclosed\n", None)],
)
def test_unreadable_files_raise_read_error_naming_the_file(tmp_path, meta, content, message):
    data = tmp_path / "data.csv"
    data.write_bytes(content)
    if message is None:  # broken metadata instead
        data = write_csv(data)
        bad = tmp_path / "bad.yaml"
        bad.write_bytes(content)
        problem = metadata_problem(read_submission(data, metadata=bad))
        assert (problem.file, problem.row) == (str(bad), 2)  # where YAML finds it unclosed
        return
    with pytest.raises(ReadError, match=message) as exc:
        read_submission(data, metadata=meta)
    assert "data.csv" in str(exc.value)


def test_missing_metadata_and_unsupported_formats(tmp_path):
    data = write_csv(tmp_path / "d.csv")
    with pytest.raises(ReadError, match="no metadata file"):
        read_submission(data)
    other = tmp_path / "data.ods"
    other.write_bytes(b"x")
    (tmp_path / "metadata.yaml").write_text("TITLE: x\n", encoding="utf-8")
    with pytest.raises(UnsupportedFormat, match="CSV or XLSX"):
        read_submission(other)
    with pytest.raises(ReadError, match="no such file"):
        read_submission(tmp_path / "absent.csv")


def _both_paths(data: bytes, monkeypatch):
    """The table and problems read by the fast path and by the exact reader."""
    from sdmx_cso.io import tables

    fast = tables.read_csv(data, path="x.csv")
    monkeypatch.setattr(tables, "_fast", lambda *a, **k: None)
    slow = tables.read_csv(data, path="x.csv")
    return fast, slow


@pytest.mark.parametrize(
    "text",
    [
        "SERIES,REF_AREA,TIME_PERIOD,OBS_VALUE,COMMENT_OBS\n"
        'CGD_A, KE-01 ,2023,1.50," hi "\n'
        'CGD_A,KE-02,2023,,"multi\nline"\n',
        "SERIES;REF_AREA;TIME_PERIOD;OBS_VALUE\r\nCGD_A;KE-01;2023;12.50\r\n",
        "SERIES,REF_AREA,TIME_PERIOD,OBS_VALUE\nCGD_A,KE-01,2023,1\n\nCGD_A,KE-02,2023,2\n",
        "SERIES,REF_AREA,TIME_PERIOD,OBS_VALUE\nCGD_A,KE-01,2023\nCGD_A,KE-02,2023,2\n",
        "SERIES,REF_AREA,TIME_PERIOD,OBS_VALUE\n",
    ],
)
def test_fast_and_exact_csv_readers_agree(text, monkeypatch):
    fast, slow = _both_paths(text.encode("utf-8"), monkeypatch)
    assert fast.table.to_pylist() == slow.table.to_pylist()
    assert fast.row_numbers == slow.row_numbers
    assert [(p.code, p.row, p.column) for p in fast.problems] == [
        (p.code, p.row, p.column) for p in slow.problems
    ]


def test_fast_and_exact_readers_agree_on_the_examples(example_dir, monkeypatch):
    fast, slow = _both_paths((example_dir / "data.csv").read_bytes(), monkeypatch)
    assert fast.table.equals(slow.table)
    assert fast.problems == slow.problems == []


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    bomb = tmp_path / "metadata.yaml"
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = write_csv(tmp_path / "data.csv")
    assert "alias expansion bomb" in metadata_problem(read_submission(data, metadata=bomb)).message


def test_yaml_with_a_few_aliases_is_read(tmp_path):
    text = yaml.safe_dump(metadata_dict())
    text = text.replace(
        "COLL_PERIOD: 2023-03-01/2023-04-15", "COLL_PERIOD: &p 2023-03-01/2023-04-15"
    )
    text += "REF_PERIOD_COPY: *p\n"
    meta = tmp_path / "metadata.yaml"
    meta.write_text(text, encoding="utf-8")
    raw = read_submission(write_csv(tmp_path / "data.csv"), metadata=meta)
    assert raw.metadata["REF_PERIOD_COPY"] == "2023-03-01/2023-04-15"


def test_deeply_nested_json_metadata_is_refused(tmp_path):
    meta = tmp_path / "metadata.json"
    meta.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    data = write_csv(tmp_path / "data.csv")
    problem = metadata_problem(read_submission(data, metadata=meta))
    assert "nested too deeply" in problem.message or "mapping" in problem.message


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8], ids=["plain", "bom"])
def test_a_non_ascii_header_is_reported_where_it_is(kenya, bom):
    """A header with non-ASCII names (more bytes than characters) is a located report.

    The streaming reader cut the header line at a byte offset in decoded text: `validate`
    exited 3 with "Internal error: new-line character seen in unquoted field".
    """
    path = kenya / "data.csv"
    lines = path.read_text("utf-8").splitlines()
    lines = [lines[0] + ",ÉÉÉ,Ñandú"] + [line + ",," for line in lines[1:]]
    path.write_bytes(bom + ("\n".join(lines) + "\n").encode("utf-8"))
    report = sdmx_cso.validate(kenya)
    assert report.flatten(["code", "row", "column"]) == [
        ["unknown-column", 1, "ÉÉÉ"],
        ["unknown-column", 1, "Ñandú"],
    ]

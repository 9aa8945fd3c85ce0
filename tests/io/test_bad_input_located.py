"""A header with a BOM, a header ending in non-ASCII names and a broken YAML metadata file
each give a located report (file, row or line, column), on every path a submission takes:
``sdmx-cso validate`` (exit 1, never 3), ``sdmx_cso.validate`` on a path (streamed, a block at
a time), ``check_in_batches`` with small blocks, and ``validate`` of a submission read whole.

Issue #16: ``SERIES,…,OBS_VALUE,ÉÉÉ`` made ``validate`` exit 3 with "Internal error: new-line
character seen in unquoted field" (a byte offset used in decoded text), and broken YAML gave
exit 3 and one line instead of a report with the line number.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sdmx_cso
from sdmx_cso.api import check_in_batches
from sdmx_cso.cli import main
from sdmx_cso.io.submission import read_submission

BOM = codecs.BOM_UTF8


def _rewrite(folder: Path, edit: Callable[[list[str]], list[str]], prefix: bytes = b"") -> Path:
    data = folder / "data.csv"
    lines = edit(data.read_text("utf-8").splitlines())
    data.write_bytes(prefix + ("\n".join(lines) + "\n").encode("utf-8"))
    return data


def _non_ascii_header(folder: Path) -> list[list[object]]:
    """The issue's header: SERIES,…,OBS_VALUE,ÉÉÉ (the last name non-ASCII)."""
    _rewrite(folder, lambda lines: [lines[0] + ",ÉÉÉ"] + [f"{line}," for line in lines[1:]])
    return [["unknown-column", "data.csv", 1, "ÉÉÉ"]]


def _bom_header(folder: Path) -> list[list[object]]:
    """A BOM before the header: not part of the first name; rows keep their numbers."""

    def edit(lines: list[str]) -> list[str]:
        header = lines[0].split(",")
        at = header.index("REF_AREA")
        fields = lines[3].split(",")
        fields[at] = "ZZ-99"  # an unknown area on row 4
        return [lines[0], lines[1], lines[2], ",".join(fields), *lines[4:]]

    _rewrite(folder, edit, prefix=BOM)
    return [["code-not-in-codelist", "data.csv", 4, "REF_AREA"]]


def _bom_and_non_ascii(folder: Path) -> list[list[object]]:
    _rewrite(folder, lambda lines: [lines[0] + ",Ñandú"] + [f"{line}," for line in lines[1:]], BOM)
    return [["unknown-column", "data.csv", 1, "Ñandú"]]


def _broken_yaml(folder: Path) -> list[list[object]]:
    meta = folder / "metadata.yaml"
    lines = meta.read_text("utf-8").splitlines()
    lines.insert(4, "TITLE: [unclosed")
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [["metadata-syntax", "metadata.yaml"]]  # the line: checked in _check


CASES = {
    "non-ascii-header": _non_ascii_header,
    "bom-header": _bom_header,
    "bom-and-non-ascii-header": _bom_and_non_ascii,
    "broken-yaml": _broken_yaml,
}


@pytest.fixture(params=sorted(CASES))
def case(request: pytest.FixtureRequest, kenya: Path) -> tuple[Path, list[list[object]]]:
    return kenya, CASES[request.param](kenya)


def _check(issues: list[object], wanted: list[list[object]]) -> None:
    got = [
        [i["code"], Path(str(i["file"])).name, i["row"], i["column"]]
        if isinstance(i, dict)
        else [i.code, Path(str(i.file)).name, i.row, i.column]  # type: ignore[attr-defined]
        for i in issues
    ]
    for want in wanted:
        if want[0] == "metadata-syntax":
            (found,) = [g for g in got if g[0] == "metadata-syntax"]
            assert found[1] == "metadata.yaml"
            assert found[2] in (5, 6), found  # the line where the parser stopped
        else:
            assert want in got, got


def test_cli_validate_gives_a_located_report(case, capsys) -> None:
    folder, wanted = case
    assert main(["validate", str(folder), "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert "Internal error" not in captured.err
    _check(json.loads(captured.out)["issues"], wanted)


def test_validate_streamed_gives_a_located_report(case) -> None:
    folder, wanted = case
    report = sdmx_cso.validate(folder)
    assert not report.valid
    _check(list(report.issues), wanted)


def test_check_in_batches_in_small_blocks_gives_a_located_report(case) -> None:
    folder, wanted = case
    check, data_file = check_in_batches(folder, block_bytes=512)
    report = check.report(data_file)
    assert not report.valid
    _check(list(report.issues), wanted)


def test_validate_of_a_submission_read_whole_gives_a_located_report(case) -> None:
    folder, wanted = case
    report = sdmx_cso.validate(read_submission(folder))
    assert not report.valid
    _check(list(report.issues), wanted)


NAMES = st.lists(
    st.text(st.characters(categories=["Lu", "Ll", "Lo", "Mn"]), min_size=1, max_size=6).map(
        lambda name: "Ñ" + name
    ),
    min_size=1,
    max_size=3,
    unique_by=str.upper,
)


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=NAMES, bom=st.booleans())
def test_any_non_ascii_header_is_located_streamed_and_whole(
    kenya: Path, names: list[str], bom: bool
) -> None:
    """Names of any script (more bytes than characters, combining marks) at the end of the
    header, with or without a BOM: unknown columns on row 1, on both paths, never a crash."""
    data = kenya / "data.csv"
    original = data.read_bytes()
    try:
        extra = "," * len(names)
        _rewrite(kenya, lambda lines: [f"{lines[0]},{','.join(names)}"]
                 + [line + extra for line in lines[1:]], BOM if bom else b"")  # fmt: skip
        for report in (sdmx_cso.validate(kenya), sdmx_cso.validate(read_submission(kenya))):
            unknown = [i for i in report.issues if i.code == "unknown-column"]
            assert [(i.row, Path(str(i.file)).name) for i in unknown] == [(1, "data.csv")] * len(
                names
            )
    finally:
        data.write_bytes(original)

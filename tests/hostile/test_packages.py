"""Hostile XLSX workbooks, submission zips and metadata files.

XLSX: text cells are data, read exactly; formulas are never evaluated (the value the
spreadsheet saved is read; none saved, or an error value, is refused); links to other
workbooks are never followed; macros, DOCTYPEs and zip bombs are refused. Zips: bombs and
unsafe member paths are refused; nothing is ever extracted. Metadata: YAML is loaded safely,
alias bombs, duplicate keys (also differing in case only) and deep nesting are refused.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import Formula, submission, write_xlsx, zip_with

import sdmx_cso
from sdmx_cso.io import read_submission
from tests.hostile.conftest import Base, Listener, Run, refuses_to_convert, run_bounded

SECRET = "TOPSECRET-8f14e45fceea"


def _workbook(base: Base, tmp_path: Path, rows: list[list[str | Formula | None]], **kw) -> Path:
    folder = submission(tmp_path / "wb", b"", base.metadata, data_name="unused")
    (folder / "unused").unlink()
    write_xlsx(folder / "data.xlsx", rows, **kw)
    return folder


def _obs(rows: list[list[str]], changes: dict[tuple[int, str], str | Formula]) -> list:
    out: list[list[str | Formula | None]] = [list(r) for r in rows]
    for (i, column), value in changes.items():
        out[i][rows[0].index(column)] = value
    return out


def test_xlsx_text_that_looks_like_a_formula_is_read_exactly(
    base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    texts = ["=1+2", "+SUM(A1)", "-x", "@cmd"]
    changes = {(i + 1, "COMMENT_OBS"): t for i, t in enumerate(texts)}
    folder = _workbook(base, tmp_path, _obs(base.rows, changes))
    assert read_submission(folder).table.column("COMMENT_OBS").to_pylist()[:4] == texts
    target = tmp_path / "out.xml"
    assert cli("convert", folder, "--to", "sdmx-ml-2.1", "-o", target).code == 0
    assert set(texts) <= set(
        sdmx_cso.read(target).dataset.observations.column("COMMENT_OBS").to_pylist()
    )


def test_xlsx_formulas_give_their_saved_value_and_are_never_evaluated(
    base: Base, tmp_path: Path, listener: Listener
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    link = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/externalLinkPath" '
        f'Target="{listener.url}/book.xlsx" TargetMode="External"/></Relationships>'
    ).encode()
    parts = {
        "xl/externalLinks/externalLink1.xml": b'<?xml version="1.0"?><externalLink xmlns='
        b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
        "xl/externalLinks/_rels/externalLink1.xml.rels": link,
    }
    changes = {
        (1, "OBS_VALUE"): Formula("1+1", "14.0"),  # evaluated it would be 2
        (2, "OBS_VALUE"): Formula("[1]Sheet1!A1", "9.3"),  # another workbook's cell
        (3, "COMMENT_OBS"): Formula(f'WEBSERVICE("{listener.url}")', "offline"),
    }
    folder = _workbook(base, tmp_path, _obs(base.rows, changes), extra_parts=parts)
    raw = read_submission(folder)
    assert raw.table.column("OBS_VALUE").to_pylist()[:2] == ["14", "9.3"]
    assert raw.table.column("COMMENT_OBS")[2].as_py() == "offline"
    assert sdmx_cso.validate(raw).valid
    assert listener.connections == 0


@pytest.mark.parametrize(
    ("formula", "words"),
    [(Formula("1+1"), "no saved value"), (Formula("1/0", "#DIV/0!"), "#DIV/0!")],
)
def test_xlsx_formulas_without_a_usable_saved_value_are_refused(
    formula: Formula, words: str, base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    folder = _workbook(base, tmp_path, _obs(base.rows, {(2, "OBS_VALUE"): formula}))
    run = refuses_to_convert(cli, folder, 3, tmp_path)
    assert "cell H3" in run.err
    assert words in run.err


def test_macro_workbooks_are_refused(base: Base, tmp_path: Path, cli: Callable[..., Run]) -> None:
    vba = {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run"}
    folder = _workbook(base, tmp_path, list(base.rows), extra_parts=vba, macro_enabled=True)
    assert "macros" in refuses_to_convert(cli, folder, 3, tmp_path).err
    xlsm = folder / "data.xlsm"
    (folder / "data.xlsx").rename(xlsm)
    run = cli("validate", xlsm, "--metadata", folder / "metadata.yaml")
    assert run.code == 3
    assert "CSV or XLSX" in run.err


@pytest.mark.parametrize("attack", ["xxe", "billion-laughs"])
def test_xlsx_parts_with_a_doctype_are_refused(
    attack: str, base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    prolog = (
        f'<!DOCTYPE worksheet [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
        if attack == "xxe"
        else '<!DOCTYPE worksheet [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY e "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    rows = _obs(base.rows, {(1, "COMMENT_OBS"): "see"})
    folder = _workbook(base, tmp_path, rows, sheet_prolog=prolog)
    run = refuses_to_convert(cli, folder, 3, tmp_path)
    assert "DOCTYPE" in run.err
    assert SECRET not in run.text


def test_an_xlsx_zip_bomb_is_refused(base: Base, tmp_path: Path) -> None:
    bomb = {"xl/media/padding.xml": b"<a>" + b" " * 200_000_000 + b"</a>"}
    folder = _workbook(base, tmp_path, list(base.rows), extra_parts=bomb)
    run = run_bounded("validate", folder)
    assert run.code == 3
    assert "zip bomb" in run.err


def test_a_submission_zip_bomb_is_refused(base: Base, tmp_path: Path) -> None:
    archive = zip_with(
        tmp_path / "bomb.zip",
        [("data.csv", base.csv + b"\n" * 500_000_000), ("metadata.yaml", base.metadata)],
    )
    assert archive.stat().st_size < 2_000_000
    target = tmp_path / "out.xml"
    run = run_bounded("convert", archive, "--to", "sdmx-ml-2.1", "-o", target)
    assert run.code == 3
    assert "zip bomb" in run.err
    assert not target.exists()


@pytest.mark.parametrize(
    "name", ["../evil.csv", "../../data.csv", "/tmp/data.csv", "C:\\data.csv", "a/../../x"]
)
def test_zip_members_with_unsafe_paths_are_refused(
    name: str, base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    inside = tmp_path / "in"
    inside.mkdir()
    archive = zip_with(
        inside / "sub.zip",
        [("data.csv", base.csv), ("metadata.yaml", base.metadata), (name, b"owned")],
    )
    before = sorted(p for p in tmp_path.rglob("*"))
    run = refuses_to_convert(cli, archive, 3, tmp_path)
    assert "unsafe paths" in run.err
    assert sorted(p for p in tmp_path.rglob("*") if "converted" not in p.parts) == before
    assert not Path("/tmp/data.csv").exists() or Path("/tmp/data.csv").read_bytes() != b"owned"


def _meta_case(base: Base, tmp_path: Path, text: bytes, name: str = "metadata.yaml") -> Path:
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "data.csv").write_bytes(base.csv)
    (folder / name).write_bytes(text)
    return folder


BOMB = "\n".join(
    ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
)
MERGE_BOMB = "b0: &b0 {x: 1}\n" + "\n".join(
    f"b{i}: &b{i} {{<<: [{', '.join([f'*b{i - 1}'] * 9)}], y{i}: 1}}" for i in range(1, 12)
)


@pytest.mark.parametrize(
    ("case", "suffix", "extra", "words"),
    [
        ("alias-bomb", "yaml", BOMB, "alias expansion bomb"),
        ("merge-bomb", "yaml", MERGE_BOMB, "alias expansion bomb"),
        ("duplicate-key", "yaml", "TITLE: again", "duplicate key 'TITLE'"),
        ("duplicate-key-case", "yaml", "title: again", "duplicate key 'TITLE'"),
        ("python-tag", "yaml", "X: !!python/object/apply:os.system ['touch PWNED']", "tag"),
    ],
)
def test_hostile_yaml_metadata_is_refused(
    case: str, suffix: str, extra: str, words: str, base: Base, tmp_path: Path,
    cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    folder = _meta_case(base, tmp_path, base.metadata + b"\n" + extra.encode() + b"\n")
    # a metadata file that cannot be read is an issue of the report (exit 1), located
    run = refuses_to_convert(cli, folder, 1, tmp_path)
    assert words in run.err
    assert "metadata-syntax" in run.err
    assert "metadata.yaml" in run.err
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize(
    ("case", "text", "words"),
    [
        ("duplicate-key", '{"TITLE": "a", "TITLE": "b"}', "duplicate key 'TITLE'"),
        ("duplicate-key-case", '{"TITLE": "a", "title": "b"}', "duplicate key 'TITLE'"),
        ("deep", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_hostile_json_metadata_is_refused(
    case: str, text: str, words: str, base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    folder = _meta_case(base, tmp_path, text.encode(), "metadata.json")
    run = refuses_to_convert(cli, folder, 1, tmp_path)
    assert words in run.err
    assert "metadata-syntax" in run.err


@pytest.mark.parametrize(
    ("case", "size", "words"),
    [
        ("over-the-limit", 6 * 1024 * 1024, "larger than 5242880 bytes"),
        ("under-the-limit", 4 * 1024 * 1024, "must hold a mapping"),
        ("deep-yaml", 0, "nesting depth"),
        ("empty", -1, "must hold a mapping"),
    ],
)
def test_a_metadata_file_that_is_one_huge_scalar_or_nothing_is_refused(
    case: str, size: int, words: str, base: Base, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    text = (
        b'"' + b"x" * size + b'"\n'
        if size > 0
        else (b"[" * 100_000 + b"]" * 100_000 if size == 0 else b"")
    )
    folder = _meta_case(base, tmp_path, text)
    run = refuses_to_convert(cli, folder, 1, tmp_path)
    assert words in run.err
    assert "metadata-syntax" in run.err


def test_json_metadata_is_not_given_yaml_powers(base: Base, tmp_path: Path) -> None:
    text = json.dumps({"TITLE": "&a x", "X": "*a"}).encode()
    folder = _meta_case(base, tmp_path, text, "metadata.json")
    assert read_submission(folder).metadata["TITLE"] == "&a x"


def test_forged_zip_sizes_cannot_inflate_a_member(base: Base, tmp_path: Path) -> None:
    # The central directory claims 1 KB for a member that inflates to 50 MB: zipfile stops at
    # the declared size and fails its CRC check, so the ratio check on declared sizes holds.
    archive = zip_with(
        tmp_path / "forged.zip", [("data.csv", b"a" * 50_000_000), ("metadata.yaml", base.metadata)]
    )
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("data.csv")
    real = info.file_size.to_bytes(4, "little")
    data = bytearray(bytes(data).replace(real, (1000).to_bytes(4, "little")))
    archive.write_bytes(bytes(data))
    run = run_bounded("validate", archive)
    assert run.code == 3

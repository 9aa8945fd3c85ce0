"""``sdmx-cso read``: every note said, lists kept, an exit code that says when no data came,
and refusals that name the file, the row or observation, the component and the fix."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import sdmx_cso
from sdmx_cso.cli import main
from tests.conftest import shared_path

SPECIMENS = Path(__file__).resolve().parents[1] / "specimens"

MULTI = (
    "STRUCTURE[;],STRUCTURE_ID,ACTION,DIM_1,OBS_VALUE,ATTR_1[],ATTR_2[en;fr;km]\r\n"
    'dataflow,ESTAT:NA_MAIN(1.6.0),I,A,12.4,"M, N;P",en:Health;fr:Santé;km:សុខភាព\r\n'
    "dataflow,ESTAT:NA_MAIN(1.6.0),I,B,10.8,,\r\n"
)


@pytest.fixture
def multi(tmp_path: Path) -> Path:
    path = tmp_path / "multi.csv"
    path.write_text(MULTI, encoding="utf-8")
    return path


def test_lists_are_arrays_in_json(multi: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "rows.json"
    assert main(["read", str(multi), "--to", "json", "-o", str(out)]) == 0
    rows = json.loads(out.read_text("utf-8"))
    assert rows[0] == {"DIM_1": "A", "OBS_VALUE": "12.4", "ATTR_1": ["M, N", "P"],
                       "ATTR_2": "Health", "ATTR_2.fr": "Santé", "ATTR_2.km": "សុខភាព"}  # fmt: skip
    assert rows[1]["ATTR_1"] is None
    err = capsys.readouterr().err
    assert f"{out}: 2 observations (sdmx-csv-2.0, ESTAT:NA_MAIN(1.6.0))" in err
    assert "note: multi-valued columns (ATTR_1) are kept as lists of values" in err
    assert "note: multilingual columns (ATTR_2) keep the English text" in err
    assert "joined with one space" not in err  # JSON keeps them


def test_lists_are_joined_in_csv_and_said(multi: Path, capsys) -> None:
    assert main(["read", str(multi), "--to", "csv"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "DIM_1,OBS_VALUE,ATTR_1,ATTR_2,ATTR_2.fr,ATTR_2.km"
    assert lines[1] == 'A,12.4,"M, N P",Health,Santé,សុខភាព'
    assert (
        "note: in this CSV the values of the multi-valued columns ATTR_1 are joined with one "
        "space (--to json keeps them as arrays)"
    ) in captured.err


@pytest.mark.parametrize(
    "text",
    [
        "STRUCTURE,STRUCTURE_ID,ACTION,DIM_1,OBS_VALUE\r\n",  # a header alone
        "DATAFLOW,DIM_1,OBS_VALUE",  # not even a line end
    ],
)
def test_no_observation_is_no_data(text: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["read", str(path), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"Error: {path}: no data came: the message holds no observations (sdmx-csv-" in err
    assert not out.exists()  # nothing written


def test_a_refusal_names_the_file_and_the_row(tmp_path: Path, capsys) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("DATAFLOW,DIM_1,OBS_VALUE\r\nX:Y(1.0),A,1\r\nX:Y(1.0),B\r\n", "utf-8")
    assert main(["read", str(path)]) == 3
    err = capsys.readouterr().err
    assert f"Error: {path}, row 3: 2 fields where the header has 3" in err
    assert "Traceback" not in err


def test_data_without_its_dsd_are_read_and_the_note_suggests_structure(
    tmp_path: Path, capsys
) -> None:
    """sdmx1 refused structure-specific data whose structure it could not find ("No DSD when
    creating DataSet"); our reader reads them, and the note says which option gives a DSD."""
    path = tmp_path / "ss.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><message:StructureSpecificData xmlns:message='
        '"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" xmlns:ss="http://www.sdmx'
        '.org/resources/sdmxml/schemas/v2_1/data/structurespecific" xmlns:xsi="http://www.w3.'
        'org/2001/XMLSchema-instance"><message:Header><message:ID>X</message:ID><message:Test>'
        "false</message:Test><message:Prepared>2024-01-01T00:00:00</message:Prepared><message:"
        'Sender id="A"/></message:Header><message:DataSet ss:structureRef="NOPE" ss:dataScope='
        '"DataStructure"><Obs TIME_PERIOD="2020" OBS_VALUE="1"/></message:DataSet>'
        "</message:StructureSpecificData>",
        encoding="utf-8",
    )
    assert main(["read", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["TIME_PERIOD,OBS_VALUE", "2020,1"]
    assert "--structure" in captured.err


@pytest.mark.shared
def test_a_structure_orders_sdmx_csv_columns_as_its_dsd(tmp_path: Path, capsys) -> None:
    structure = shared_path(
        "conformance", "specimens", "sdmx-ml-2.1", "sdmx-twg_ECB_EXR_NG_structure-full.xml"
    )
    path = tmp_path / "ecb.csv"
    path.write_text(
        "DATAFLOW,OBS_VALUE,TIME_PERIOD,CURRENCY,FREQ,NOTE\r\nECB:ECB_EXR_NG(1.0),1.5,2020,USD,"
        "A,hi\r\n",
        encoding="utf-8",
    )
    assert main(["read", str(path), "--structure", str(structure)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == "FREQ,CURRENCY,TIME_PERIOD,OBS_VALUE,NOTE"
    assert "note: components not in the structure given: NOTE" in captured.err


def test_sdmx_ml_streams_and_writes_nothing_when_no_observation_came(tmp_path: Path) -> None:
    """Another agency's SDMX-ML goes through the streamed path (`read_into`): an empty data
    set exits 1 and leaves no file; observations give the same bytes as reading whole."""
    empty = tmp_path / "empty.xml"
    empty.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><message:StructureSpecificData xmlns:message='
        '"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" xmlns:ss="http://www.sdmx'
        '.org/resources/sdmxml/schemas/v2_1/data/structurespecific"><message:Header><message:ID>'
        "X</message:ID><message:Test>false</message:Test><message:Prepared>2024-01-01T00:00:00"
        '</message:Prepared><message:Sender id="A"/></message:Header><message:DataSet '
        'ss:structureRef="NOPE" ss:dataScope="DataStructure"/></message:StructureSpecificData>',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert main(["read", str(empty), "-o", str(out)]) == 1
    assert not out.exists()
    message = SPECIMENS / "sdmx-ml-2.1" / "IAEG-SDGs_SDG_1-1-1_structurespecific.xml"
    assert main(["read", str(message), "-o", str(out)]) == 0
    whole = io.BytesIO()
    sdmx_cso.read(message).write(whole)
    assert out.read_bytes() == whole.getvalue()

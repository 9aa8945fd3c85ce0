"""Reading SDMX written by others: every official specimen and SDG message, and the edges.

Each file of ``../shared/conformance/specimens/`` and ``../shared/corpus/sdg/*.xml`` either
reads with the number of observations in EXPECTED (checked against an independent count of
``<Obs>`` elements, JSON observation keys or CSV rows) or fails with the expected clear error.
The rest runs on ``tests/specimens/`` (see its README) and on messages written here.
"""

from __future__ import annotations

import csv
import doctest
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

import sdmx_cso
import sdmx_cso.examples
from sdmx_cso import ReadError
from sdmx_cso.bridge import foreign
from sdmx_cso.bridge.foreign import own_message_format, read_foreign
from sdmx_cso.cli import main
from sdmx_cso.formats import neutral, read_csv, read_json, read_ml
from tests.conftest import SHARED

HERE = Path(__file__).resolve().parents[1] / "specimens"
STRUCTURE = "structure message, not data"

_CSV = "conformance/specimens/sdmx-csv/sdmx-csv-"
_JSON = "conformance/specimens/sdmx-json/"
_ML21 = "conformance/specimens/sdmx-ml-2.1/"
_ML30 = "conformance/specimens/sdmx-ml-3.0/"
_SDG = "corpus/sdg/"

#: Observations per file (int), or a part of the error it must raise (str).
EXPECTED: dict[str, int | str] = {
    f"{_CSV}1.0_labels-both.csv": 1,
    f"{_CSV}2.0_example-01_ordinary.csv": 2,
    f"{_CSV}2.0_example-04_labels-both_semicolon_keys-both.csv": 2,
    f"{_CSV}2.0_example-06_labels-name.csv": 2,
    f"{_CSV}2.0_example-07_multi-valued.csv": 2,
    f"{_JSON}ECB_EXR_structure-2.0.json": "SDMX-JSON " + STRUCTURE,
    f"{_JSON}ECB_EXR_time-series_data-1.0.json": 4,
    f"{_JSON}sdmx-twg_constructed-sample_structure-2.0.json": STRUCTURE,
    f"{_JSON}sdmx-twg_exr-flat_data-2.0.json": 4,
    f"{_JSON}sdmx-twg_exr-time-series_data-2.0.json": 4,
    f"{_ML21}ECB_EXR1_structure.xml": "SDMX-ML 2.1 " + STRUCTURE,
    f"{_ML21}ECB_EXR_M.USD.EUR.SP00.A_generic.xml": 252,
    f"{_ML21}ESTAT_NRG_BAL_S_structure.xml": STRUCTURE,
    f"{_ML21}ESTAT_NRG_BAL_S_structurespecific.xml": 33,
    f"{_ML21}IAEG-SDGs_SDG-1.14_structure.xml": "DataStructure IAEG-SDGs:SDG(1.14)",
    f"{_ML21}IAEG-SDGs_SDG_1-1-1_generic.xml": 6,
    f"{_ML21}IAEG-SDGs_SDG_1-1-1_structurespecific.xml": 6,
    f"{_ML21}UNICEF_GLOBAL_DATAFLOW_structure.xml": STRUCTURE,
    f"{_ML21}sdmx-twg_ECB_EXR_NG_generic-flat.xml": 12,
    f"{_ML21}sdmx-twg_ECB_EXR_NG_structure-full.xml": STRUCTURE,
    f"{_ML21}sdmx-twg_ECB_EXR_NG_structurespecific-flat.xml": 12,
    f"{_ML30}ESTAT_CL_FREQ_codelist.xml": "SDMX-ML 3.0 " + STRUCTURE,
    f"{_ML30}sdmx-twg_ECB_EXR_CA_structure.xml": STRUCTURE,
    f"{_ML30}sdmx-twg_ECB_EXR_CA_structurespecific.xml": 3,
    f"{_ML30}sdmx-twg_ECB_EXR_structure.xml": STRUCTURE,
    f"{_ML30}sdmx-twg_ECB_EXR_structurespecific.xml": 116,
    f"{_SDG}IAEG-SDGs_SDG_DSD_1.4_tajstat.xml": "DataStructure IAEG-SDGs:SDG(1.4)",
    f"{_SDG}IAEG-SDGs_SDG_MSD_meta_concepts_0.3_ghana.xml": "MetadataStructure",
    f"{_SDG}KE1_kenya_SDG_data_sample_structurespecific.xml": 68,
    f"{_SDG}TAJSTAT_SDG_data_sample_sdmx20_generic.xml": 188,
    f"{_SDG}opensdg_SDG1.8_generic_sample_1-1-1.xml": 6,
    f"{_SDG}opensdg_SDG1.8_structurespecific_sample_1-1-1.xml": 6,
}


def _shared_files() -> list[str]:
    found = [*SHARED.glob("conformance/specimens/**/*"), *SHARED.glob("corpus/sdg/*.xml")]
    return sorted(p.relative_to(SHARED).as_posix() for p in found if p.is_file())


SHARED_FILES = _shared_files() or ["(../shared absent)"]


def count_independently(path: Path) -> int:
    """Observations counted without the code under test."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".xml":
        return len(re.findall(r"<(?:\w+:)?Obs[\s/>]", text))
    if path.suffix == ".json":
        doc = json.loads(text)
        sets = doc.get("data", doc)["dataSets"]
        flat = sum(len(ds.get("observations", {})) for ds in sets)
        return flat + sum(
            len(s["observations"]) for ds in sets for s in ds.get("series", {}).values()
        )
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return sum(1 for row in csv.reader(io.StringIO(text), delimiter=delimiter) if row) - 1


@pytest.mark.shared
@pytest.mark.parametrize("relative", SHARED_FILES)
def test_every_shared_specimen_reads_or_fails_clearly(relative: str) -> None:
    if not SHARED.is_dir():
        pytest.skip(f"needs ../shared ({SHARED} not found; set SDMX_CSO_SHARED)")
    path = SHARED / relative
    expected = EXPECTED.get(relative)
    assert expected is not None, f"new specimen {relative}: add it to EXPECTED"
    if isinstance(expected, int):
        assert count_independently(path) == expected
        result = read_foreign(path)
        assert result.num_rows == expected
        texts = (pa.string(), pa.list_(pa.string()))  # lists: multi-valued attributes
        assert all(t in texts for t in result.table.schema.types)
        assert "OBS_VALUE" in result.table.column_names
        if "sdmx-csv-2.0" not in relative:  # the spec examples call their time DIM_3
            assert "TIME_PERIOD" in result.table.column_names
    else:
        with pytest.raises(ReadError) as raised:
            read_foreign(path)
        assert expected in str(raised.value)
        assert str(path) in str(raised.value)


def test_every_expectation_names_a_shared_file() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"needs ../shared ({SHARED} not found; set SDMX_CSO_SHARED)")
    assert sorted(EXPECTED) == SHARED_FILES


# -- the same observations in every format ---------------------------------------------------


def rows(path: Path, structure: Path | None = None) -> list[dict[str, str | None]]:
    return sorted(read_foreign(path, structure=structure).table.to_pylist(), key=canonical)


def canonical(row: dict[str, str | None]) -> str:
    """A row's text whatever the order of its columns."""
    return repr(sorted(row.items()))


def test_generic_and_structure_specific_give_the_same_rows() -> None:
    ml21 = HERE / "sdmx-ml-2.1"
    generic = rows(ml21 / "IAEG-SDGs_SDG_1-1-1_generic.xml")
    assert generic == rows(ml21 / "IAEG-SDGs_SDG_1-1-1_structurespecific.xml")
    assert (generic[0]["UNIT_MEASURE"], generic[0]["OBS_STATUS"]) == ("PT", "A")


def test_json_series_and_flat_layouts_give_the_same_rows() -> None:
    json20 = HERE / "sdmx-json"
    series = rows(json20 / "sdmx-twg_exr-time-series_data-2.0.json")
    assert series == rows(json20 / "sdmx-twg_exr-flat_data-2.0.json")
    assert {
        "FREQ": "D", "CURRENCY": "NZD", "CURRENCY_DENOM": "EUR", "EXR_TYPE": "SP00",
        "EXR_SUFFIX": "A", "TIME_PERIOD": "2013-01-18", "OBS_VALUE": "1.5931",
        "TIME_FORMAT": "P1D", "TITLE": "New Zealand dollar (NZD)", "OBS_STATUS": "A",
    } in series  # fmt: skip


def test_every_sdmx_csv_example_gives_the_same_table() -> None:
    tables = [read_foreign(p) for p in sorted((HERE / "sdmx-csv").glob("sdmx-csv-2.0_*"))]
    ids = {"DIM_1", "DIM_2", "DIM_3", "OBS_VALUE", "ATTR_1", "ATTR_2", "ATTR_3"}
    for table in tables:
        assert table.structure_id == "ESTAT:NA_MAIN(1.6.0)"
        assert ids <= set(table.table.column_names)
        assert table.table.column("DIM_1").to_pylist() == ["A", "A"]
        assert table.table.column("DIM_3").to_pylist() == ["2014-01", "2014-02"]
    labels_both = tables[1].table.to_pylist()
    assert labels_both[0]["ATTR_2"] == "Y"  # "Y: Oui", a coded column
    assert labels_both[0]["ATTR_3"] == "Normal, special and other values"  # free text
    assert labels_both[0]["OBS_VALUE"] == "12,4"  # as written, and noted
    assert "decimal comma" in " ".join(tables[1].notes)
    assert "Dimension 1" not in tables[2].table.column_names  # labels=name
    multi = tables[3].table.to_pylist()
    assert [r["ATTR_3"] for r in multi] == [["A", "B", "C"], ["A", "C"]]  # kept, not joined
    assert multi[0]["ATTR_2"] == ["M, N & O", "P & Q"]
    assert "multi-valued columns (ATTR_1, ATTR_2, ATTR_3) are kept as lists" in tables[3].notes[0]
    one = read_foreign(HERE / "sdmx-csv" / "sdmx-csv-1.0_labels-both.csv")
    assert one.table.to_pylist() == [{"DIM1": "A", "DIM2": "B", "ATT1": "C", "ATT2": "D",
                                      "OBS_VALUE": "1", "TIME_PERIOD": "2020"}]  # fmt: skip
    assert (one.format, one.structure_id) == ("sdmx-csv-1.0", "MD:MD_TEST(1.0)")


def test_sdmx_ml_20_generic_reads_without_sdmx1() -> None:
    result = read_foreign(HERE / "sdmx-ml-2.0" / "TAJSTAT_SDG_data_excerpt_sdmx20_generic.xml")
    assert (result.num_rows, result.format) == (10, "sdmx-ml-2.0-generic")
    assert result.structure_id == "IAEG-SDGs:SDG"
    first = result.table.to_pylist()[0]
    assert (first["REF_AREA"], first["TIME_PERIOD"]) == ("TJ", "2015")
    assert (first["OBS_VALUE"], first["UNIT_MEASURE"], first["NATURE"]) == ("4.81", "PERCENT", "C")


def test_sdmx_ml_20_data_set_and_group_attributes_are_repeated(tmp_path) -> None:
    ns = 'xmlns:m="http://www.SDMX.org/resources/SDMXML/schemas/v2_0/message" xmlns:g="' + (
        'http://www.SDMX.org/resources/SDMXML/schemas/v2_0/generic"'
    )
    series = (
        '<g:Series><g:SeriesKey><g:Value concept="AREA" value="{}"/></g:SeriesKey>'
        '<g:Obs><g:Time>2020</g:Time><g:ObsValue value="1"/></g:Obs></g:Series>'
    )
    path = tmp_path / "ml20.xml"
    path.write_text(
        f"<m:GenericData {ns}><m:Header><m:KeyFamilyRef>X</m:KeyFamilyRef></m:Header>"
        '<m:DataSet><g:KeyFamilyRef>X</g:KeyFamilyRef><g:Attributes><g:Value concept="SRC" '
        'value="census"/></g:Attributes><g:Group type="G"><g:GroupKey><g:Value concept="AREA" '
        'value="KE"/></g:GroupKey><g:Attributes><g:Value concept="NOTE" value="n"/>'
        f"</g:Attributes>{series.format('KE')}</g:Group>{series.format('NP')}</m:DataSet>"
        "</m:GenericData>"
    )
    result = read_foreign(path)
    assert result.structure_id == "X"
    assert result.table.to_pylist() == [
        {"AREA": "KE", "TIME_PERIOD": "2020", "OBS_VALUE": "1", "SRC": "census", "NOTE": "n"},
        {"AREA": "NP", "TIME_PERIOD": "2020", "OBS_VALUE": "1", "SRC": "census", "NOTE": None},
    ]
    assert result.table.column_names == ["AREA", "TIME_PERIOD", "OBS_VALUE", "SRC", "NOTE"]


# -- sdmx1: what it gets wrong, and the structure -----------------------------------------------


def test_structure_orders_columns_and_names_what_it_lacks() -> None:
    ml21 = HERE / "sdmx-ml-2.1"
    data = ml21 / "sdmx-twg_ECB_EXR_NG_structurespecific-flat.xml"
    alone = read_foreign(data)
    assert "without its DSD" in alone.notes[0]
    with_dsd = read_foreign(data, structure=ml21 / "sdmx-twg_ECB_EXR_NG_structure-full.xml")
    assert with_dsd.table.column_names[:7] == [
        "FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_VAR", "TIME_PERIOD", "OBS_VALUE"
    ]  # fmt: skip
    assert with_dsd.notes == ()
    assert rows(data) == sorted(with_dsd.table.to_pylist(), key=canonical)
    other = read_foreign(
        ml21 / "IAEG-SDGs_SDG_1-1-1_generic.xml",
        structure=ml21 / "sdmx-twg_ECB_EXR_NG_structure-full.xml",
    )
    assert any("not in the structure given: REPORTING_TYPE" in n for n in other.notes)


@pytest.mark.parametrize(
    "structure", ["sdmx-ml-2.1/ESTAT_NRG_BAL_S_structurespecific.xml", "sdmx-csv/"
                  "sdmx-csv-1.0_labels-both.csv"]
)  # fmt: skip
def test_a_structure_that_is_not_one_is_refused_by_name(structure: str) -> None:
    data = HERE / "sdmx-ml-2.1" / "IAEG-SDGs_SDG_1-1-1_generic.xml"
    with pytest.raises(ReadError, match=r"/sdmx-.*: not an SDMX-ML 2.1 or 3.0 structure"):
        read_foreign(data, structure=HERE / structure)


def test_complex_attributes_of_sdmx_ml_30_are_read_right() -> None:
    """Multi-valued values are kept as lists, other-language texts in ``ID.lang`` columns
    (they were joined, and French dropped, when sdmx1 read the data)."""
    ml30 = HERE / "sdmx-ml-3.0"
    for structure in (None, ml30 / "sdmx-twg_ECB_EXR_CA_structure.xml"):
        result = read_foreign(
            ml30 / "sdmx-twg_ECB_EXR_CA_structurespecific.xml", structure=structure
        )
        table = result.table.to_pylist()
        assert [r["OBS_STATUS"] for r in table] == [["A", "F"], ["J", "U", "N"], ["A"]]
        assert all(r["SOURCE_AGENCY"] == ["4F0", "4D0", "CZ2"] for r in table)
        assert table[0]["TITLE"] == [
            "Some English Text", "Additional English Text where lang defaults to en"
        ]  # fmt: skip
        french = ["Quelques textes en anglais", "Texte anglais supplémentaire"]
        assert table[0]["TITLE.fr"] == french
        assert any("kept as lists" in note and "OBS_STATUS" in note for note in result.notes)
    out = io.BytesIO()
    result.write(out, to="csv")
    assert "A F" in out.getvalue().decode("utf-8").splitlines()[1]


SS30 = """<?xml version="1.0" encoding="UTF-8"?>
<m:StructureSpecificData xmlns:m="http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message"
  xmlns:c="http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common"
  xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v3_0/data/structurespecific"
  xmlns:ns1="urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=X:DF(1.0):ObsLevelDim:TIME_PERIOD">
 <m:Header><m:ID>T</m:ID><m:Test>true</m:Test><m:Prepared>2024-01-01T00:00:00</m:Prepared>
  <m:Sender id="X"/><m:Structure structureID="S" dimensionAtObservation="TIME_PERIOD"
  namespace="urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=X:DF(1.0):ObsLevelDim:TIME_PERIOD">
  <c:StructureUsage>urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=X:DF(1.0)</c:StructureUsage>
 </m:Structure></m:Header>
 <m:DataSet ss:structureRef="S"><Series REF_AREA="KE">
  <Obs TIME_PERIOD="2022" OBS_VALUE="1.50" OBS_STATUS="A">
   <Comp id="FLAGS"><Value>A</Value><Value>B</Value></Comp></Obs>
  <Obs TIME_PERIOD="2023" OBS_VALUE="2" OBS_STATUS="E">
   <Comp id="FLAGS"><Value>C</Value></Comp></Obs>
  <Obs TIME_PERIOD="2024" OBS_VALUE="3"/>
 </Series><Series REF_AREA="NP">
  <Obs TIME_PERIOD="2022" OBS_VALUE="4"><Comp id="FLAGS"><Value>D</Value></Comp></Obs>
 </Series></m:DataSet>
</m:StructureSpecificData>"""


def test_comp_in_two_series_is_read(tmp_path: Path) -> None:
    """sdmx1 2.28 fails on this message (a Comp in an Obs of a second series)."""
    path = tmp_path / "ss30.xml"
    path.write_text(SS30, encoding="utf-8")
    sdmx = foreign._sdmx1()
    with path.open("rb") as handle, pytest.raises(Exception, match="-1"):
        sdmx.read_sdmx(handle)  # the sdmx1 2.28 bug worked around
    table = read_foreign(path).table.to_pylist()
    assert [(r["REF_AREA"], r["OBS_VALUE"], r["FLAGS"]) for r in table] == [
        ("KE", "1.50", ["A", "B"]), ("KE", "2", ["C"]), ("KE", "3", None), ("NP", "4", ["D"])
    ]  # fmt: skip
    assert read_foreign(path).structure_id == "X:DF(1.0)"


def test_sdmx1_reading_json_10_loses_series_attributes() -> None:
    """Why SDMX-JSON 1.0 is read without sdmx1 (title: a series attribute)."""
    path = SHARED / "conformance/specimens/sdmx-json/ECB_EXR_time-series_data-1.0.json"
    if not path.is_file():
        pytest.skip("needs ../shared")
    with path.open("rb") as handle:
        message = foreign._sdmx1().read_sdmx(handle)
    assert all("TITLE" not in obs.attrib for obs in message.data[0].obs)  # sdmx1's loss
    ours = read_foreign(path).table.to_pylist()
    assert [r["TITLE"] for r in ours[::2]] == ["New Zealand dollar (NZD)", "Russian rouble (RUB)"]
    assert ours[-1]["OBS_VALUE"] == "40.3000"  # as written; sdmx1 gives the float 40.3
    theirs = sorted((str(o.key.values["TIME_PERIOD"].value), o.value) for o in message.data[0].obs)
    assert theirs == sorted((r["TIME_PERIOD"], float(r["OBS_VALUE"])) for r in ours)


def test_reader_state_is_repaired_when_sdmx1_was_used_first() -> None:
    """sdmx1 used first, without the workaround, then read_foreign: one fresh process."""
    first = str(HERE / "sdmx-ml-2.1" / "IAEG-SDGs_SDG_1-1-1_structurespecific.xml")
    then = str(HERE / "sdmx-ml-3.0" / "sdmx-twg_ECB_EXR_CA_structurespecific.xml")
    script = (
        "import sdmx\n"
        f"with open({first!r}, 'rb') as f:\n    sdmx.read_sdmx(f)\n"
        "from sdmx_cso.bridge.foreign import read_foreign\n"
        f"print(read_foreign({then!r}).num_rows)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["3"]


def test_sdmx1_failures_are_read_errors_and_print_nothing(tmp_path, capsys) -> None:
    text = (HERE / "sdmx-ml-2.1" / "IAEG-SDGs_SDG_1-1-1_structurespecific.xml").read_text("utf-8")
    path = tmp_path / "truncated.xml"
    path.write_text(text[: text.index("<Obs") + 20], encoding="utf-8")
    with pytest.raises(ReadError, match=r"truncated.xml: not well-formed XML: .* line 21"):
        read_foreign(path)
    structure = tmp_path / "structure.xml"  # sdmx1 still reads structures
    structure.write_text(
        (HERE / "sdmx-ml-2.1" / "sdmx-twg_ECB_EXR_NG_structure-full.xml")
        .read_text("utf-8")
        .replace("<structure:Dimension ", '<structure:Dimension position="x" ', 1),
        encoding="utf-8",
    )
    data = HERE / "sdmx-ml-2.1" / "sdmx-twg_ECB_EXR_NG_structurespecific-flat.xml"
    with pytest.raises(ReadError, match=r"structure.xml: sdmx1 could not read .*int\(\)"):
        read_foreign(data, structure=structure)
    assert capsys.readouterr().out == ""  # sdmx1 prints the failing element


# -- what is not data, or not SDMX -------------------------------------------------------------


_NS = "http://www.sdmx.org/resources/sdmxml/schemas"
_NS20 = "http://www.SDMX.org/resources/SDMXML/schemas/v2_0"
_O = '{"meta": {}, "data": {"structures": [{"dimensions": {"observation": []}}], "dataSets": '


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>', "DOCTYPE"),
        ("b.xml", "<root><child/></root>", "not an SDMX-ML message (root <root>)"),
        ("c.xml", "<m:GenericData xmlns:m='x", "not well-formed XML"),
        (
            "d.xml",
            f'<m:CompactData xmlns:m="{_NS20}/message"/>',
            "2.0 CompactData is not supported",
        ),
        ("e.xml", f'<m:GenericMetadata xmlns:m="{_NS}/v2_1/message"/>', "metadata message, not"),
        ("f.xml", f'<m:Error xmlns:m="{_NS}/v2_1/message"/>', "error message, not data"),
        ("g.xml", f'<m:GenericData xmlns:m="{_NS}/v3_1/message"/>', "SDMX-ML 3.1 is not supported"),
        ("h.json", '{"data": {"metadataSets": []}}', "reference-metadata message"),
        ("i.json", '{"errors": [{"code": 150, "message": "bad key"}]}', "not data: bad key"),
        ("j.json", '{"some": "json"}', "not an SDMX-JSON data message"),
        ("k.json", '{"data": ', "not valid JSON"),
        ("l.csv", "REF_AREA,OBS_VALUE\nKE,1\n", "not an SDMX data message"),
        ("m.csv", "STRUCTURE,STRUCTURE_ID,A\ndataflow,X:Y(1.0)\n", "row 2: 2 fields where the"),
        ("n.csv", b"DATAFLOW,A\nX:Y(1.0),\xe9t\xe9\n", "not a readable SDMX-CSV message"),
        ("o.json", _O + '[{"observations": {"0": [1]}}]}}', "observation key '0' has 1 parts"),
    ],
)
def test_what_cannot_be_read_says_why(tmp_path, name, content, message) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(ReadError, match=re.escape(message)) as raised:
        read_foreign(path)
    assert str(raised.value).startswith(str(path))


def test_a_json_file_too_large_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(read_json, "MAX_JSON_BYTES", 10)
    path = tmp_path / "big.json"
    path.write_text('{"data": {"dataSets": []}}')
    with pytest.raises(ReadError, match="larger than the 10 bytes"):
        read_foreign(path)


def test_structure_messages_list_their_artefacts() -> None:
    with pytest.raises(ReadError) as raised:
        read_foreign(HERE / "sdmx-ml-2.1" / "sdmx-twg_ECB_EXR_NG_structure-full.xml")
    assert "8 Codelists, 2 ConceptSchemes, DataStructure ECB:ECB_EXR_NG(1.0)" in str(raised.value)
    assert "--structure" in str(raised.value)


# -- the formats' corners, on messages written here --------------------------------------------


def test_json_20_groups_inline_values_measures_and_defaults(tmp_path) -> None:
    structure = {
        "links": [{"rel": "datastructure", "urn": "urn:sdmx:org.sdmx.infomodel."
                   "datastructure.DataStructure=A:DSD(2.0)"}],
        "dimensions": {
            "series": [{"id": "AREA", "keyPosition": 0, "values": [{"id": "KE"}, {"id": "NP"}]}],
            "observation": [{"id": "TIME_PERIOD", "keyPosition": 1, "values": [{"id": "2023"}]}],
        },
        "measures": {"observation": [{"id": "COUNT"}, {"id": "SHARE"}]},
        "attributes": {
            "dataSet": [{"id": "SOURCE", "relationship": {}, "default": "survey"}],
            "dimensionGroup": [
                {"id": "NOTE", "relationship": {}, "values": [{"value": {"fr": "Ça", "en": "Hi"}}]}
            ],
            "series": [{"id": "DECIMALS", "relationship": {}}],
            "observation": [
                {"id": "FLAGS", "relationship": {}, "values": [{"values": ["A", "B"]}]}
            ],
        },
    }  # fmt: skip
    dataset = {
        "structure": 0, "dimensionGroupAttributes": {"1:": [0]},
        "series": {"0": {"attributes": [1], "observations": {"0": [12, 0.25, 0, 7]}},
                   "1": {"attributes": [None], "observations": {"0": [3, None]}}},
    }  # fmt: skip
    path = tmp_path / "data.json"
    message = {"meta": {}, "data": {"structures": [structure], "dataSets": [dataset]}}
    path.write_text(json.dumps(message).replace("0.25", "0.250"))  # a number as written
    result = read_foreign(path)
    assert result.structure_id == "A:DSD(2.0)"
    assert result.table.to_pylist() == [
        {"AREA": "KE", "TIME_PERIOD": "2023", "COUNT": "12", "SHARE": "0.250", "SOURCE": "survey",
         "NOTE": None, "NOTE.fr": None, "DECIMALS": "1", "FLAGS": ["A", "B"]},
        {"AREA": "NP", "TIME_PERIOD": "2023", "COUNT": "3", "SHARE": None, "SOURCE": "survey",
         "NOTE": "Hi", "NOTE.fr": "Ça", "DECIMALS": None, "FLAGS": None},
    ]  # fmt: skip


def test_csv_actions_structures_languages_and_encodings(tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "STRUCTURE[;],STRUCTURE_ID,ACTION,DIM_1,OBS_VALUE,ATTR_1[en;fr],NOTE: Note\n"
        "dataflow,ESTAT:NA_MAIN(1.6.0),I,A,1,en:Any;fr:N'importe,Some note: free text\n"
        'datastructure,ESTAT:DSD(1.7.0),D,B,-,"fr:Valeur ""X"";en:Value ""X""",\n'
    )
    result = read_foreign(path)
    assert result.structure_id is None
    assert result.table.to_pylist() == [
        {"STRUCTURE_ID": "ESTAT:NA_MAIN(1.6.0)", "ACTION": "I", "DIM_1": "A", "OBS_VALUE": "1",
         "ATTR_1": "Any", "ATTR_1.fr": "N'importe", "NOTE": "Some note: free text"},
        {"STRUCTURE_ID": "ESTAT:DSD(1.7.0)", "ACTION": "D", "DIM_1": "B", "OBS_VALUE": "-",
         "ATTR_1": 'Value "X"', "ATTR_1.fr": 'Valeur "X"', "NOTE": None},
    ]  # fmt: skip
    assert any("1 rows delete data" in n for n in result.notes)
    utf16 = tmp_path / "b.csv"
    utf16.write_text("DATAFLOW;REF_AREA;OBS_VALUE\r\nX:Y(1.0);KÉ;1\r\n", encoding="utf-16")
    assert read_foreign(utf16).table.to_pylist() == [{"REF_AREA": "KÉ", "OBS_VALUE": "1"}]


def test_write_table_as_csv_and_json() -> None:
    table = pa.table({"A": ["x", None], "N": [1, 2], "B": [True, False], "L": [["p", "q"], []]})
    out = io.BytesIO()
    neutral.write_table(table, out, to="csv")
    assert out.getvalue() == b"A,N,B,L\r\nx,1,true,p q\r\n,2,false,\r\n"
    out = io.BytesIO()
    neutral.write_table(table, out, to="json")
    assert json.loads(out.getvalue()) == [  # multi-valued: arrays in JSON, joined in CSV
        {"A": "x", "N": "1", "B": "true", "L": ["p", "q"]},
        {"A": None, "N": "2", "B": "false", "L": []},
    ]
    with pytest.raises(ValueError, match="unknown output format"):
        neutral.write_table(table, io.BytesIO(), to="xlsx")  # type: ignore[arg-type]


def test_own_messages_are_recognised(tmp_path) -> None:
    package = sdmx_cso.examples.write_example("nepal-karnali-scorecard", tmp_path)
    written = sdmx_cso.convert(package, to="sdmx-ml-2.1", output=tmp_path / "out.xml")
    assert written.data is not None
    assert own_message_format(written.data) == "sdmx-ml-2.1"
    assert own_message_format(HERE / "sdmx-ml-2.1" / "IAEG-SDGs_SDG_1-1-1_generic.xml") is None
    assert own_message_format(tmp_path / "missing.xml") is None
    assert read_foreign(written.data).num_rows == len(sdmx_cso.read(written.data).dataset)


def test_docstring_examples() -> None:
    for module in (foreign, neutral, read_csv, read_json, read_ml):
        assert doctest.testmod(module).failed == 0


# -- the command ------------------------------------------------------------------------------


def test_cli_reads_to_csv_on_stdout(capsys) -> None:
    assert main(["read", str(HERE / "sdmx-json" / "sdmx-twg_exr-flat_data-2.0.json")]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split(",") == [
        "FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_SUFFIX", "TIME_PERIOD",
        "OBS_VALUE", "TIME_FORMAT", "TITLE", "OBS_STATUS",
    ]  # fmt: skip
    assert lines[1] == "D,NZD,EUR,SP00,A,2013-01-18,1.5931,P1D,New Zealand dollar (NZD),A"
    assert len(lines) == 5
    assert captured.err == (  # the sample's observations refer to annotations
        "note: observations carry annotation references (after their attribute values): "
        "annotations are not kept\n"
    )


def test_cli_writes_json_to_a_file_and_notes_to_stderr(tmp_path, capsys) -> None:
    out = tmp_path / "rows.json"
    data = HERE / "sdmx-ml-3.0" / "sdmx-twg_ECB_EXR_CA_structurespecific.xml"
    assert main(["read", str(data), "--to", "json", "-o", str(out)]) == 0
    rows = json.loads(out.read_text("utf-8"))
    assert [r["OBS_STATUS"] for r in rows] == [["A", "F"], ["J", "U", "N"], ["A"]]
    assert rows[0]["TITLE.fr"][0] == "Quelques textes en anglais"
    err = capsys.readouterr().err
    assert f"{out}: 3 observations (sdmx-ml-3.0, ECB:EXR(1.0))" in err
    assert "note: multi-valued attributes kept as lists (" in err


def test_cli_with_structure_and_refusals(tmp_path, capsys) -> None:
    ml21 = HERE / "sdmx-ml-2.1"
    args = ["read", str(ml21 / "sdmx-twg_ECB_EXR_NG_structurespecific-flat.xml"),
            "--structure", str(ml21 / "sdmx-twg_ECB_EXR_NG_structure-full.xml")]  # fmt: skip
    assert main(args) == 0
    assert capsys.readouterr().out.startswith("FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_VAR,")
    assert main(["read", str(HERE / "sdmx-ml-3.0" / "ESTAT_CL_FREQ_codelist.xml")]) == 3
    err = capsys.readouterr().err
    assert "structure message, not data: 1 Codelist" in err
    assert "Traceback" not in err
    out = tmp_path / "kept.csv"
    out.write_text("previous")
    assert (
        main(["read", str(HERE / "sdmx-ml-3.0" / "ESTAT_CL_FREQ_codelist.xml"), "-o", str(out)])
        == 3
    )
    assert out.read_text() == "previous"


def test_cli_reads_own_messages_back_as_datasets(tmp_path, capsys) -> None:
    package = sdmx_cso.examples.write_example("kenya-disability-survey", tmp_path)
    written = sdmx_cso.convert(package, to="sdmx-csv-2.0", output=tmp_path / "out.csv")
    assert main(["read", str(written.data)]) == 0
    captured = capsys.readouterr()
    assert "note: read back as a dataset of the standard" in captured.err
    assert len(captured.out.splitlines()) == len(sdmx_cso.read(written.data).dataset) + 1
    written.data.write_text(written.data.read_text("utf-8").replace(",KE-06,", ",ZZ-99,"))
    assert main(["read", str(written.data)]) == 0  # not valid: read like any SDMX, and said
    assert "note: not read back as a dataset: " in capsys.readouterr().err
    assert written.metadata is not None
    written.metadata.unlink()  # without its metadata: read like any SDMX
    assert main(["read", str(written.data)]) == 0
    assert "read back" not in capsys.readouterr().err


def test_cli_as_installed(tmp_path) -> None:
    exe = Path(sys.executable).with_name("sdmx-cso")
    data = HERE / "sdmx-csv" / "sdmx-csv-2.0_example-07_multi-valued.csv"
    done = subprocess.run([str(exe), "read", str(data), "--to", "csv"], capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == 'A,B,2014-01,12.4,Value X Value Y,"M, N & O P & Q",A B C'


def _repeated_series_message(observation_values: list[list[object]]) -> str:
    """An SDMX-JSON 2.0 data message whose series object repeats its keys, as ILOSTAT writes:
    3 series keys, 13 series objects each, one observation per object (39 in all)."""
    structure = {
        "dimensions": {
            "dataSet": [],
            "series": [{"id": "REF_AREA", "values": [{"id": "KE"}, {"id": "NP"}, {"id": "BD"}]}],
            "observation": [
                {"id": "TIME_PERIOD", "values": [{"id": str(2000 + y)} for y in range(13)]}
            ],
        },
        "measures": {"observation": [{"id": "OBS_VALUE"}]},
        "attributes": {"dataSet": [], "series": [], "observation": []},
    }
    members = [
        f'"{area}": {{"observations": {{"{year}": {json.dumps(observation_values[area])}}}}}'
        for year in range(13)
        for area in range(3)
    ]
    head = json.dumps({"meta": {"schema": "https://json.sdmx.org/2.0.0/sdmx-json-data-schema.json",
                                "id": "ILO", "prepared": "2024-01-01T00:00:00Z"}})[:-1]  # fmt: skip
    series = "{" + ", ".join(members) + "}"
    data = json.dumps({"structures": [structure]})[:-1]
    return f'{head}, "data": {data}, "dataSets": [{{"structure": 0, "series": {series}}}]}}}}'


def test_repeated_series_keys_of_sdmx_json_are_merged_and_said(tmp_path: Path) -> None:
    """ILOSTAT repeats series keys (39 series objects on 3 keys): Python's json keeps the last
    member of a name, so 3 observations were read instead of 39, exit 0, no word."""
    path = tmp_path / "ilo.json"
    path.write_text(_repeated_series_message([[1.5], [2.5], [3.5]]), encoding="utf-8")
    assert len(json.loads(path.read_text("utf-8"))["data"]["dataSets"][0]["series"]) == 3
    result = read_foreign(path)
    assert result.num_rows == 39
    rows = result.table.to_pylist()
    assert {(r["REF_AREA"], r["OBS_VALUE"]) for r in rows} == {("KE", "1.5"), ("NP", "2.5"),
                                                               ("BD", "3.5")}  # fmt: skip
    assert len({(r["REF_AREA"], r["TIME_PERIOD"]) for r in rows}) == 39
    assert any("3 series keys are repeated" in note for note in result.notes)


def test_a_repeated_observation_with_two_values_is_refused_by_key(tmp_path: Path) -> None:
    path = tmp_path / "ilo.json"
    text = _repeated_series_message([[1.5], [2.5], [3.5]])
    # the same observation of series "0" twice, with another value the second time
    once = '"0": {"observations": {"0": [1.5]}}'
    text = text.replace(once, once + ', "0": {"observations": {"0": [9]}}', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError, match="'0' is repeated, and its observation '0' has two"):
        read_foreign(path)


_FOOTER = (
    '<footer:Footer xmlns:footer="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message/'
    'footer" xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">'
    '<footer:Message code="413" severity="Infomation"><common:Text xml:lang="en">Due to the '
    "large query the response will be written to a file which will be located under URL: "
    "https://ec.europa.eu/eurostat/SDMX/diss-web/file/abc</common:Text></footer:Message>"
    "</footer:Footer>"
)


def test_a_footer_is_never_unseen(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Eurostat answers a large query with a footer (code 413: 'response will be written to a
    file') and no data: it was read as an empty table, exit 0, the message unseen."""
    empty = tmp_path / "async.xml"
    empty.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><message:GenericData xmlns:message='
        '"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"><message:Header>'
        "<message:ID>ASYNC</message:ID><message:Test>false</message:Test><message:Prepared>"
        '2024-01-01T00:00:00Z</message:Prepared><message:Sender id="ESTAT"/></message:Header>'
        f"{_FOOTER}</message:GenericData>",
        encoding="utf-8",
    )
    with pytest.raises(ReadError, match=r"holds no data; its footer says: Due to .* code 413"):
        read_foreign(empty)
    assert main(["read", str(empty), "--to", "csv"]) == 3
    assert "diss-web/file/abc" in capsys.readouterr().err
    # with data, the footer is a note
    package = sdmx_cso.examples.write_example("kenya-disability-survey", tmp_path)
    out = tmp_path / "kenya.xml"
    sdmx_cso.convert(package, to="sdmx-ml-2.1-generic", output=out, with_metadata=False)
    text = out.read_text("utf-8")
    closing = text.rindex("</")
    out.write_text(text[:closing] + _FOOTER + text[closing:], encoding="utf-8")
    result = read_foreign(out)
    assert result.num_rows == 264
    assert any("footer says: Due to the large query" in note for note in result.notes)

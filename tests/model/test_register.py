"""The coalition's register: releases only add, versions follow content, files round-trip."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import sdmx_cso
import sdmx_cso.errors
import sdmx_cso.examples
import sdmx_cso.structures
from sdmx_cso.bridge import write_structures
from sdmx_cso.cli import main
from sdmx_cso.model import CoalitionSeries, LocalArea, ServicePoint
from sdmx_cso.model.register import Register, RegisterRelease, default_register
from sdmx_cso.model.structure import structure_for

KENYA_ID = "TDA_PWD_SOCIAL_SERVICES_2022_2023"


def test_packaged_register_holds_the_examples() -> None:
    register = sdmx_cso.structures.read_register()
    assert register.agency == "LNOB"
    assert register.version == "1.0.0"
    ids = {f.dataset_id for r in register.releases for f in r.dataflows}
    assert ids == {
        sdmx_cso.load(e.path).metadata.dataset_id for e in sdmx_cso.examples.list_examples()
    }
    # registering a bundled example again changes nothing
    for example in sdmx_cso.examples.list_examples():
        assert sdmx_cso.structures.register_dataset(example.path) == register
    # another agency starts empty: none of its artefacts holds codes it never registered
    other = sdmx_cso.structures.read_register(agency="KE_CSO")
    assert other.agency == "KE_CSO"
    assert other.series() == other.local_areas() == ()


def test_a_release_only_adds() -> None:
    register = default_register("LNOB")
    kenya = sdmx_cso.load(sdmx_cso.examples.example_path("kenya-disability-survey")).metadata
    changed = kenya.series[0].model_copy(update={"unit": "NUMBER"})
    metadata = kenya.model_copy(update={"series": (changed, *kenya.series[1:])})
    with pytest.raises(
        sdmx_cso.errors.RegistrationError, match="registered with another definition"
    ):
        register.register(metadata, {})
    # nor can a register file say it twice
    release = RegisterRelease(version="1.1.0", series=(changed,))
    with pytest.raises(ValueError, match="only ever adds codes"):
        Register(agency="LNOB", releases=(*register.releases, release))
    with pytest.raises(ValueError, match="does not come after"):
        Register(agency="LNOB", releases=(*register.releases, RegisterRelease(version="1.0.0")))


def test_versions_follow_the_release_that_changed_each_artefact() -> None:
    register = default_register("LNOB")
    area = LocalArea(code="KE-30-KIBRA", name="Kibra", parent="KE-30", level="ward")
    point = ServicePoint(code="KE-MFL-13001", name="Kibra health centre", area="KE-30-KIBRA")
    grown = Register(
        agency="LNOB",
        releases=(
            *register.releases,
            RegisterRelease(version="1.1.0", local_areas=(area,)),
            RegisterRelease(version="1.2.0", service_points=(point,)),
        ),
    )
    assert grown.codelist_version("series") == "1.0.0"
    assert grown.codelist_version("area") == "1.1.0"
    assert grown.codelist_version("point") == "1.2.0"
    assert grown.dsd_version() == "1.2.0"
    standard = structure_for(register=grown)
    versions = {cl.id: cl.version for cl in standard.own_codelists}
    assert versions == {
        "CL_SERIES_CGD": "1.0.0",
        "CL_AREA_CGD": "1.1.0",
        "CL_SERVICE_POINT": "1.2.0",
    }
    assert standard.codelist("REF_AREA")["KE-30-KIBRA"].parent == "KE-30"
    # a registered example keeps the structures of the release it was registered in
    kenya = sdmx_cso.load(sdmx_cso.examples.example_path("kenya-disability-survey")).metadata
    before = structure_for(kenya, register=grown)
    assert (before.dsd_version, before.dataflow_version) == ("1.0.0", "1.0.0")
    assert "KE-30-KIBRA" not in before.codelist("REF_AREA")


def test_an_unregistered_dataset_gets_draft_structures() -> None:
    kenya = sdmx_cso.load(sdmx_cso.examples.example_path("kenya-disability-survey")).metadata
    new = CoalitionSeries(
        code="CGD_DIS_SIGN_LANGUAGE", name="Sign language at the clinic",
        definition="Share of deaf respondents served in sign language.", unit="PT",
    )  # fmt: skip
    metadata = kenya.model_copy(update={"dataset_id": "TDA_NEW_2024", "series": (new,)})
    st_ = structure_for(metadata)
    assert st_.draft_version == "1.1.0"
    assert (st_.dsd_version, st_.dataflow_version) == ("1.1.0", "1.1.0")
    assert st_.constraint is None
    assert "CGD_DIS_SIGN_LANGUAGE" in st_.codelist("SERIES")
    ml21, ml30 = io.BytesIO(), io.BytesIO()
    write_structures(st_, ml21, format="sdmx-ml-2.1")
    write_structures(st_, ml30, format="sdmx-ml-3.0")
    finals = {
        e.get("id"): e.get("isFinal")
        for e in etree.fromstring(ml21.getvalue()).iter("{*}DataStructure", "{*}Codelist")
        if e.get("agencyID") == "LNOB"
    }
    assert finals["CGD"] == finals["CL_SERIES_CGD"] == "false"
    assert finals["CL_POP_GROUP"] == "true"  # not changed by the draft
    versions = {
        e.get("id"): e.get("version") for e in etree.fromstring(ml30.getvalue()).iter("{*}Codelist")
    }
    assert versions["CL_SERIES_CGD"] == "1.1.0-draft"
    assert versions["CL_AREA_CGD"] == "1.0.0"


_CODE = st.from_regex(r"CGD_[A-Z][A-Z0-9_]{0,10}", fullmatch=True)
_TEXT = (
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)


@st.composite
def registers(draw: st.DrawFn) -> Register:
    codes = draw(st.lists(_CODE, min_size=1, max_size=6, unique=True))
    cut = draw(st.integers(0, len(codes)))
    releases = []
    for n, chunk in enumerate((codes[:cut], codes[cut:])):
        series = tuple(
            CoalitionSeries(code=c, name=draw(_TEXT), definition=draw(_TEXT), unit="PT")
            for c in chunk
        )
        releases.append(RegisterRelease(version=f"1.{n}.0", series=series))
    return Register(agency=draw(st.sampled_from(["LNOB", "KE_CSO"])), releases=tuple(releases))


@settings(max_examples=40, deadline=None)
@given(register=registers())
def test_register_files_round_trip(
    register: Register, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("register") / "register.yaml"
    sdmx_cso.structures.write_register(register, path)
    assert sdmx_cso.structures.read_register(path) == register


def test_a_broken_register_file_is_located(tmp_path: Path) -> None:
    path = tmp_path / "register.yaml"
    path.write_text(
        "AGENCY: LNOB\nRELEASES:\n- VERSION: 1.0.0\n  SERIES:\n  - CODE: CGD_X\n    NAME: X\n"
        "    DEFINITION: X\n    UNIT: PERCENT\n",
        encoding="utf-8",
    )
    with pytest.raises(sdmx_cso.ReadError) as info:
        sdmx_cso.structures.read_register(path)
    assert info.value.path == str(path)
    assert info.value.column == "RELEASES[1].SERIES[1].UNIT"


def test_cli_registers_a_revision(
    kenya: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register = tmp_path / "register.yaml"
    assert main(["register", str(kenya), "-o", str(register)]) == 0
    assert "unchanged" in capsys.readouterr().err
    with (kenya / "data.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with (kenya / "data.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.DictWriter(handle, fieldnames=list(rows[0])).writerow({**rows[0], "REF_AREA": "KE-22"})
    assert main(["validate", str(kenya)]) == 1
    assert "outside-dataflow-constraint" in capsys.readouterr().out
    assert main(["register", str(kenya), "--register", str(register), "-o", str(register)]) == 0
    assert "release 1.1.0 adds 1 dataflows" in capsys.readouterr().err
    assert main(["validate", str(kenya), "--register", str(register)]) == 0
    out = tmp_path / "kenya.csv"
    args = ["convert", str(kenya), "--register", str(register), "--to", "sdmx-csv-1.0"]
    assert main([*args, "-o", str(out)]) == 0
    first = out.read_text("utf-8").splitlines()[1]
    assert first.startswith(f"LNOB:DF_{KENYA_ID}(1.1.0),")
    structures = tmp_path / "structures.xml"
    args = ["structures", "-s", str(kenya), "--register", str(register), "--to", "sdmx-ml-3.0"]
    assert main([*args, "-o", str(structures)]) == 0
    constraint = next(etree.parse(str(structures)).getroot().iter("{*}DataConstraint"))
    assert constraint.get("version") == "1.1.0"
    assert "KE-22" in {v.text for v in constraint.iter("{*}Value")}


def test_nature_keeps_the_provenance_of_coalition_data(kenya: Path) -> None:
    """NATURE is _X, unless the NSO endorsed the rows and publishes them (then C)."""
    dataset = sdmx_cso.load(kenya)
    assert set(dataset.observations.column("NATURE").to_pylist()) == {"_X"}
    meta = kenya / "metadata.yaml"
    text = meta.read_text("utf-8")
    assert "VALIDATION_STATUS: NSO_REVIEWED" in text
    meta.write_text(text.replace("VALIDATION_STATUS: NSO_REVIEWED",
                                 "VALIDATION_STATUS: NSO_ENDORSED"), "utf-8")  # fmt: skip
    assert set(sdmx_cso.load(kenya).observations.column("NATURE").to_pylist()) == {"_X"}
    config = sdmx_cso.DerivationConfig(nso_publishes=True)
    published = sdmx_cso.load(kenya, config=config)
    assert set(published.observations.column("NATURE").to_pylist()) == {"C"}

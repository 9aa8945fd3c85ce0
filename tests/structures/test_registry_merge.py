"""A registry that holds IAEG-SDGs:SDG can load every structure message we write, without conflict.

Collects every structure message the tool writes — the standard's, each bundled example's, a
revision of an example with one added series, an example under another agency — in SDMX-ML
2.1 and 3.0, together with the real SDG DSD 1.4 message of the corpus, reads them all with
an independent reader (``sdmx_artefacts``) and requires every URN to carry one content.
"""

from __future__ import annotations

import io
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from sdmx_artefacts import artefacts
from structure_cases import structure_of

import sdmx_cso
import sdmx_cso.examples
import sdmx_cso.structures
from sdmx_cso.bridge import write_structures
from sdmx_cso.model import CoalitionSeries
from sdmx_cso.model.register import Register, default_register
from sdmx_cso.model.structure import DatasetStructure, structure_for

EXAMPLES = (
    "kenya-disability-survey",
    "nepal-karnali-scorecard",
    "bangladesh-covid-dashboard",
    "kenya-transport-access",
)
NEW_SERIES = CoalitionSeries(
    code="CGD_DIS_ASSISTIVE_DEVICE",
    name="Persons with disabilities who have the assistive device they need",
    definition="Share of respondents with a disability who own and use the device they need.",
    unit="PT",
    sdg_indicator="3.8.1",
)


@cache
def revision() -> tuple[DatasetStructure, Register]:
    """The Kenyan example, revised: one more series, registered in a new release."""
    dataset = sdmx_cso.load(sdmx_cso.examples.example_path("kenya-disability-survey"))
    metadata = dataset.metadata.model_copy(
        update={"series": (*dataset.metadata.series, NEW_SERIES), "version": "2.0"}
    )
    register = default_register("LNOB")
    flow, _ = register.dataflow(metadata.dataset_id) or (None, None)
    assert flow is not None
    used = {
        "SERIES": (*flow.series, NEW_SERIES.code),
        "REF_AREA": flow.ref_area,
        "SERVICE_POINT": flow.service_point,
    }
    revised = register.register(metadata, used)
    return structure_for(metadata, register=revised), revised


def _write(structure: DatasetStructure, fmt: str) -> bytes:
    out = io.BytesIO()
    write_structures(structure, out, format=fmt)
    return out.getvalue()


@cache
def messages() -> dict[str, bytes]:
    """Every structure message the tool writes for the cases, by a readable name."""
    cases: dict[str, DatasetStructure] = {
        "standard": structure_of(None, None),
        "standard-KE_CSO": structure_of(None, "KE_CSO"),
        **{name: structure_of(name, None) for name in EXAMPLES},
        "kenya-revised": revision()[0],
        "nepal-KE_CSO": structure_of("nepal-karnali-scorecard", "KE_CSO"),
    }
    return {
        f"{name} {fmt}": _write(structure, fmt)
        for name, structure in cases.items()
        for fmt in ("sdmx-ml-2.1", "sdmx-ml-3.0")
    }


@pytest.mark.shared
@pytest.mark.slow
def test_every_urn_carries_one_content(shared: Path) -> None:
    sdg = (shared / "corpus/sdg/IAEG-SDGs_SDG_DSD_1.4_tajstat.xml").read_bytes()
    seen: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, message in {**messages(), "IAEG-SDGs:SDG(1.4) corpus": sdg}.items():
        for urn, _final, content in artefacts(message):
            # drafts too: a draft may be replaced in a registry, but within one release of
            # the tool it has one content
            seen[urn][content].append(name)
    assert len(seen) > 60
    # the 17 re-published IAEG-SDGs code lists, SDG_CONCEPTS and SDMX:CL_UNIT_MULT are the
    # corpus's own artefacts (IAEG-SDGs:CL_AREA only in 2.1: see test_faithful_reuse.py)
    shared = [urn for urn, contents in seen.items() if any(
        "corpus" in n for names in contents.values() for n in names) and sum(
        len(names) for names in contents.values()) > 1]  # fmt: skip
    assert len(shared) == 19
    conflicts = {
        urn: [sorted(names) for names in contents.values()]
        for urn, contents in seen.items()
        if len(contents) > 1
    }
    assert conflicts == {}


def test_a_revision_versions_exactly_what_changed() -> None:
    revised, register = revision()
    before = structure_of("kenya-disability-survey", None)
    assert register.version == "1.1.0"
    own = {cl.id: cl.version for cl in revised.own_codelists}
    assert own == {"CL_SERIES_CGD": "1.1.0", "CL_AREA_CGD": "1.0.0", "CL_SERVICE_POINT": "1.0.0"}
    assert (revised.dsd_version, before.dsd_version) == ("1.1.0", "1.0.0")
    assert (revised.dataflow_version, before.dataflow_version) == ("1.1.0", "1.0.0")
    assert revised.constraint is not None
    assert before.constraint is not None
    assert revised.constraint.version == "1.1.0"
    assert NEW_SERIES.code in revised.constraint.allowed["SERIES"]
    assert NEW_SERIES.code not in before.constraint.allowed["SERIES"]
    # the other examples keep their dataflows and the DSD they were registered with
    nepal = structure_for(
        sdmx_cso.load(sdmx_cso.examples.example_path("nepal-karnali-scorecard")).metadata,
        register=register,
    )
    assert (nepal.dsd_version, nepal.dataflow_version) == ("1.0.0", "1.0.0")
    assert nepal.codelist("SERIES") == before.codelist("SERIES")


def test_all_examples_share_one_dsd() -> None:
    refs = {structure_of(name, None).dsd_urn for name in EXAMPLES}
    assert refs == {structure_of(None, None).dsd_urn}
    flows = [structure_of(name, None) for name in EXAMPLES]
    assert len({f.dataflow_id for f in flows}) == len(EXAMPLES)
    assert all(f.constraint is not None and f.draft_version is None for f in flows)


@pytest.mark.slow
def test_all_examples_load_into_one_table_with_sdmx1() -> None:
    """sdmx1 (not our reader) reads every example's data with the one DSD of the standard's
    structure message, and the data sets stack into one table keyed by that DSD."""
    import pandas as pd
    import sdmx

    from sdmx_cso.formats import writer_for

    standard = sdmx.read_sdmx(io.BytesIO(_write(structure_of(None, None), "sdmx-ml-2.1")))
    dsd = standard.structure["CGD"]
    frames = []
    for name in EXAMPLES:
        dataset = sdmx_cso.load(sdmx_cso.examples.example_path(name))
        st = sdmx_cso.structures.structure_of(dataset)
        out = io.BytesIO()
        writer_for("sdmx-ml-2.1")(dataset, out, structure=st)
        message = sdmx.read_sdmx(io.BytesIO(out.getvalue()), structure=dsd)
        assert message.structure.urn == dsd.urn  # each message refers to the one DSD
        frame = sdmx.to_pandas(message.data[0])
        assert len(frame) == dataset.observations.num_rows
        frames.append(frame)
        csv = io.BytesIO()
        writer_for("sdmx-csv-1.0")(dataset, csv, structure=st)
        first_row = csv.getvalue().decode("utf-8").splitlines()[1]
        assert first_row.startswith(f"LNOB:DF_{dataset.metadata.dataset_id}(1.0.0),")
    table = pd.concat(frames)
    assert list(table.index.names) == [d.id for d in dsd.dimensions.components]
    assert table.index.is_unique
    assert len(table) == sum(len(f) for f in frames)

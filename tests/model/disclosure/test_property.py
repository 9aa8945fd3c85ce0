"""Property: whatever the table, no withheld count leaks into any of the six data formats,
and the auditor, given everything published, cannot narrow any of them below the
protection level.

Tables are generated bottom-up (wards × sex × disability type), so their totals (`_T` along
both breakdowns) and the area hierarchy (ward → county → Kenya) add up exactly.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sdmx_cso
import sdmx_cso.examples
import sdmx_cso.pipeline
from sdmx_cso.model.audit import Cell, audit_group
from sdmx_cso.model.disclosure import _area_parents, _relations

SEXES = ("F", "M")
TYPES = ("SEEING", "HEARING")
COUNTIES = ("KE-30", "KE-31")
HEADER = (
    "SERIES,REF_AREA,SEX,AGE,DISABILITY_STATUS,DISABILITY_TYPE,TIME_PERIOD,OBS_VALUE,"
    "UNIT_MEASURE,LOWER_BOUND,UPPER_BOUND,SAMPLE_SIZE,NUMERATOR,COMMENT_OBS,DATA_PRODUCER"
)
REMOVED = ("OBS_VALUE", "NUMERATOR", "SAMPLE_SIZE", "LOWER_BOUND", "UPPER_BOUND")


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[str, int], dict[tuple[str, str, str], tuple[int, int]]]:
    wards = {c: draw(st.integers(1, 3)) for c in COUNTIES}
    leaves: dict[tuple[str, str, str], tuple[int, int]] = {}
    for county, count in wards.items():
        for w in range(1, count + 1):
            for sex, kind in itertools.product(SEXES, TYPES):
                size = draw(st.integers(1, 30))
                leaves[(f"{county}-W{w}", sex, kind)] = (draw(st.integers(0, size)), size)
    return wards, leaves


def _cells(wards: dict[str, int], leaves: dict[tuple[str, str, str], tuple[int, int]]):
    """Every cell of the table with its true (count, size), totals included."""
    parent = {f"{c}-W{w}": c for c, n in wards.items() for w in range(1, n + 1)}
    cells: dict[tuple[str, str, str], list[int]] = {}
    for (ward, sex, kind), (x, n) in leaves.items():
        for area in (ward, parent[ward], "KE"):
            for s, k in itertools.product((sex, "_T"), (kind, "_T")):
                total = cells.setdefault((area, s, k), [0, 0])
                total[0] += x
                total[1] += n
    return {key: (x, n) for key, (x, n) in cells.items()}


def _submission(folder: Path, wards: dict[str, int], cells) -> Path:
    folder.mkdir()
    kenya = sdmx_cso.examples.write_example("kenya-disability-survey", folder / "src")
    meta = (kenya / "metadata.yaml").read_text("utf-8")
    # a dataset of its own (the registered Kenyan one may not report unregistered wards)
    meta = meta.replace("DATASET_ID: TDA_PWD_SOCIAL_SERVICES_2022_2023", "DATASET_ID: TDA_GEN")
    areas = [
        f"  - {{CODE: {c}-W{w}, NAME: Ward {w} of {c}, PARENT: {c}, LEVEL: ward}}"
        for c, n in wards.items()
        for w in range(1, n + 1)
    ]
    (folder / "metadata.yaml").write_text(meta + "\nLOCAL_AREAS:\n" + "\n".join(areas) + "\n")
    lines = [HEADER]
    for (area, sex, kind), (x, n) in sorted(cells.items()):
        value = 100 * x / n
        low, high = max(0.0, value - 5), min(100.0, value + 5)
        lines.append(
            f"SI_COV_DISAB,{area},{sex},Y_GE18,PD,{kind},2022,{value:.1f},PT,{low:.1f},"
            f"{high:.1f},{n},{x},Tally {x} of {n} in {area} {sex} {kind},TDA"
        )
    (folder / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=tables())
def test_no_withheld_count_leaks_or_can_be_narrowed(table, tmp_path_factory):
    wards, leaves = table
    truth = _cells(wards, leaves)
    folder = _submission(tmp_path_factory.mktemp("sub") / "p", wards, truth)
    policy_level = 5
    for fmt in sorted(sdmx_cso.pipeline.DATA_FORMATS):
        out = folder.parent / f"out-{fmt}"
        result = sdmx_cso.convert(folder, to=fmt, output=out)
        assert result.report.valid, result.report
        text = out.read_text("utf-8")
        back = {
            (r["REF_AREA"], r["SEX"], r["DISABILITY_TYPE"]): r
            for r in sdmx_cso.read(out).dataset.observations.to_pylist()
        }
        assert set(back) == set(truth)  # every cell keeps its key
        hidden = {
            key
            for key, r in back.items()
            if {"SUPPRESSED_PRIMARY", "SUPPRESSED_SECONDARY"}
            & set((r["QUALITY_FLAGS"] or "").split())
        }
        for key, (x, n) in truth.items():
            row = back[key]
            if key in hidden:
                assert all(row[c] is None for c in REMOVED), (fmt, key, row)
                assert row["OBS_STATUS"] == "Q"
                assert row["CONF_STATUS"] in ("A", "D")
                assert "Tally {} of {} in {} {} {},".format(x, n, *key) not in text
            else:  # what is published is the truth
                assert (row["NUMERATOR"], row["SAMPLE_SIZE"]) == (x, n)
            if 1 <= x < policy_level or 1 <= n < policy_level:
                assert key in hidden, (fmt, key, x, n)
    # the auditor, from what was read back, with every relation of the true values
    keys = sorted(truth)
    cells = [
        Cell(
            key=(area, sex, kind),
            count=truth[(area, sex, kind)][0],
            size=truth[(area, sex, kind)][1],
        )
        for area, sex, kind in keys
    ]
    md = sdmx_cso.read(out).dataset.metadata
    relations = _relations(cells, _area_parents(md), area=0)
    intervals = audit_group(
        cells, [k in hidden for k in keys], relations, [policy_level] * len(cells)
    )
    assert {(keys[i.cell]) for i in intervals} == hidden
    for interval in intervals:
        assert interval.width >= policy_level, (keys[interval.cell], interval)

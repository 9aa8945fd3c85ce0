"""Survey exports → the standard's rows: counts, proportions and bounds against references."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest
from openpyxl import load_workbook
from statsmodels.stats.proportion import proportion_confint

import sdmx_cso
import sdmx_cso.field
from sdmx_cso.errors import SpecError
from sdmx_cso.field import aggregate
from sdmx_cso.io.metadata_file import parse_mapping

EXPORTS = Path(__file__).parent / "exports"
SPEC = EXPORTS / "spec.yaml"
META = EXPORTS / "metadata.yaml"
WG = ("seeing", "hearing", "walking", "remembering", "selfcare", "communicating")
SEVERE = {"a_lot_of_difficulty", "cannot_do_at_all"}
BELOW = {"no_difficulty", "some_difficulty"}


def _last(header: str) -> str:
    return header.replace("-", "/").rsplit("/", 1)[-1]


def kobo_rows() -> list[dict[str, str]]:
    """kobo.csv read with the csv module, keyed by the question's name (no group path)."""
    with (EXPORTS / "kobo.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader)
        rows = []
        for cells in reader:
            row = {}
            for h, v in zip(header, cells, strict=True):
                if h == "benefits/services":
                    row["services"] = v
                elif h.startswith("benefits/services/"):
                    continue
                else:
                    row[_last(h)] = v
            rows.append(row)
    return rows


def _status(row: dict[str, str]) -> str | None:
    answers = [row[d] for d in WG]
    if any(a in SEVERE for a in answers):
        return "PD"
    return "PWD" if all(a in BELOW for a in answers) else None


def reference(rows: list[dict[str, str]]) -> dict[tuple[str, ...], tuple[int, int]]:
    """(series, REF_AREA, SEX, DISABILITY_STATUS) → (numerator, sample): a plain recount."""
    areas = {"nairobi": "KE-30", "mombasa": "KE-28"}
    sexes = {"female": "F", "male": "M"}
    out: dict[tuple[str, ...], tuple[int, int]] = {}
    kept = [
        r
        for r in rows
        if r["consent"] == "yes" and r["_validation_status"] != ("validation_status_not_approved")
    ]
    for area, sex, status in itertools.product(
        ["KE", "KE-30", "KE-28"], ["_T", "F", "M"], ["_T", "PD", "PWD"]
    ):
        cell = [
            r
            for r in kept
            if (area == "KE" or areas.get(r["county"]) == area)
            and (sex == "_T" or sexes.get(r["sex"]) == sex)
            and (status == "_T" or _status(r) == status)
        ]
        card = [r for r in cell if r["has_card"] in ("yes", "no")]
        out[("CGD_DIS_CARD", area, sex, status)] = (
            sum(r["has_card"] == "yes" for r in card),
            len(card),
        )
        out[("CGD_DIS_HEALTH_SERVICE", area, sex, status)] = (
            sum("health" in r["services"].split() for r in cell),
            len(cell),
        )
    return {k: v for k, v in out.items() if v[1] > 0}


def table(result: sdmx_cso.field.SurveyImport) -> dict[tuple[str, ...], dict[str, str]]:
    return {
        (r["SERIES"], r["REF_AREA"], r["SEX"], r["DISABILITY_STATUS"]): r for r in result.table.rows
    }


def test_kobo_csv_counts_equal_a_plain_recount():
    got = table(aggregate(EXPORTS / "kobo.csv", SPEC, metadata=META))
    expected = reference(kobo_rows())
    assert {k: (int(r["NUMERATOR"]), int(r["SAMPLE_SIZE"])) for k, r in got.items()} == expected
    for key, (hits, sample) in expected.items():
        assert got[key]["OBS_VALUE"] == f"{100 * hits / sample:.1f}"
        assert got[key]["AGE"] == "Y_GE18"


def test_hand_counted_cells():
    """Counted by hand from kobo.csv: 40 rows, 2 without consent, 1 rejected in review."""
    got = table(aggregate(EXPORTS / "kobo.csv", SPEC, metadata=META))
    # 37 kept; has_card yes 13, no 13, dont_know/refused/missing 11
    card = got[("CGD_DIS_CARD", "KE", "_T", "_T")]
    assert (card["NUMERATOR"], card["SAMPLE_SIZE"], card["OBS_VALUE"]) == ("13", "26", "50.0")
    assert (card["LOWER_BOUND"], card["UPPER_BOUND"]) == ("32.1", "67.9")
    health = got[("CGD_DIS_HEALTH_SERVICE", "KE", "_T", "_T")]
    assert health["SAMPLE_SIZE"] == "37"


@pytest.mark.parametrize(
    ("export", "form"),
    [("odk.csv", None), ("kobo_labels.csv", "form.xlsx")],
    ids=["odk-central-csv", "kobo-label-headers"],
)
def test_every_export_layout_gives_the_same_table(export, form):
    kobo = aggregate(EXPORTS / "kobo.csv", SPEC, metadata=META).table
    other = aggregate(
        EXPORTS / export, SPEC, metadata=META, form=None if form is None else EXPORTS / form
    ).table
    assert other.rows == kobo.rows
    assert other.columns == kobo.columns


def test_bounds_equal_statsmodels_wilson():
    rows = aggregate(EXPORTS / "kobo.csv", SPEC, metadata=META).table.rows
    for row in rows:
        low, high = proportion_confint(
            int(row["NUMERATOR"]), int(row["SAMPLE_SIZE"]), alpha=0.05, method="wilson"
        )
        assert (row["LOWER_BOUND"], row["UPPER_BOUND"]) == (f"{100 * low:.1f}", f"{100 * high:.1f}")


def _spec(**changes) -> dict:
    """The fixture spec, read as sdmx_cso reads it (YAML 1.2: ``yes`` is a string)."""
    spec = parse_mapping(SPEC.read_bytes(), path=str(SPEC))
    spec.update(changes)
    return spec


def test_design_effect_and_confidence_widen_the_interval_as_statsmodels():
    rows = aggregate(
        EXPORTS / "kobo.csv",
        _spec(design_effect=1.5, confidence=0.9, decimals=3),
        metadata=META,
    ).table.rows
    for row in rows:
        x, n = int(row["NUMERATOR"]), int(row["SAMPLE_SIZE"])
        low, high = proportion_confint(x / 1.5, n / 1.5, alpha=0.1, method="wilson")
        assert (row["LOWER_BOUND"], row["UPPER_BOUND"]) == (f"{100 * low:.3f}", f"{100 * high:.3f}")


def test_weights_give_the_weighted_proportion_and_kish_effective_size():
    result = aggregate(EXPORTS / "kobo.csv", _spec(weight="wt", decimals=2), metadata=META)
    rows = kobo_rows()
    kept = [
        r
        for r in rows
        if r["consent"] == "yes"
        and r["_validation_status"] != "validation_status_not_approved"
        and r["has_card"] in ("yes", "no")
    ]
    w = [float(r["wt"]) for r in kept]
    p = sum(wi for wi, r in zip(w, kept, strict=True) if r["has_card"] == "yes") / sum(w)
    n_eff = sum(w) ** 2 / sum(wi * wi for wi in w)
    low, high = proportion_confint(p * n_eff, n_eff, alpha=0.05, method="wilson")
    row = table(result)[("CGD_DIS_CARD", "KE", "_T", "_T")]
    assert row["SAMPLE_SIZE"] == str(len(kept))  # unweighted
    assert row["OBS_VALUE"] == f"{100 * p:.2f}"
    assert (row["LOWER_BOUND"], row["UPPER_BOUND"]) == (f"{100 * low:.2f}", f"{100 * high:.2f}")
    assert "wt" in result.metadata["WEIGHTING"]
    assert "Kish" in result.metadata["DATA_COMP"]


def test_repeat_group_members_joined_to_their_household():
    result = aggregate(EXPORTS / "households.xlsx", EXPORTS / "households.yaml", metadata=META)
    book = load_workbook(EXPORTS / "households.xlsx", read_only=True)
    main, members = [list(book[name].iter_rows(values_only=True)) for name in book.sheetnames]
    book.close()
    head = {row[main[0].index("_index")]: dict(zip(main[0], row, strict=True)) for row in main[1:]}
    people = [dict(zip(members[0], row, strict=True)) for row in members[1:]]
    kept = [
        m
        for m in people
        if head[m["_parent_index"]]["consent"] == "yes"
        and head[m["_parent_index"]]["_validation_status"] == "validation_status_approved"
    ]
    areas = {"nairobi": "KE-30", "mombasa": "KE-28"}
    got = table(result)
    for area in ("KE-30", "KE-28"):
        cell = [m for m in kept if areas[head[m["_parent_index"]]["hh/county"]] == area]
        card = [m for m in cell if m["members/has_card"] in ("yes", "no")]
        row = got[("CGD_DIS_CARD", area, "_T", "_T")]
        assert (int(row["NUMERATOR"]), int(row["SAMPLE_SIZE"])) == (
            sum(m["members/has_card"] == "yes" for m in card),
            len(card),
        )
        health = got[("CGD_DIS_HEALTH_SERVICE", area, "_T", "_T")]
        assert (int(health["NUMERATOR"]), int(health["SAMPLE_SIZE"])) == (
            sum(m["members/services/health"] == 1 for m in cell),
            len(cell),
        )
    # REF_AREA has no total unless the spec names its area code
    assert {k[1] for k in got} == {"KE-30", "KE-28"}


def test_answers_a_breakdown_does_not_map_count_in_the_total_only():
    got = table(aggregate(EXPORTS / "kobo.csv", SPEC, metadata=META))
    for series in ("CGD_DIS_CARD", "CGD_DIS_HEALTH_SERVICE"):
        total = int(got[(series, "KE", "_T", "_T")]["SAMPLE_SIZE"])
        by_area = sum(int(got[(series, a, "_T", "_T")]["SAMPLE_SIZE"]) for a in ("KE-30", "KE-28"))
        by_sex = sum(int(got[(series, "KE", s, "_T")]["SAMPLE_SIZE"]) for s in ("F", "M"))
        assert by_area < total  # Kisumu is in KE only
        assert by_sex <= total  # "other" is in _T only


def _problems(excinfo: pytest.ExceptionInfo[SpecError]) -> dict[str, str]:
    return dict(excinfo.value.problems)


def test_ambiguous_question_names_its_candidates(tmp_path):
    data = tmp_path / "export.csv"
    data.write_text(
        "consent,mother/sex,child/sex,has_card,county,_uuid\nyes,female,male,yes,nairobi,u1\n"
    )
    with pytest.raises(SpecError) as excinfo:
        aggregate(
            data,
            _spec(
                breakdowns={"SEX": {"question": "sex", "map": {"female": "F"}}, "REF_AREA": "KE"}
            ),
            metadata=META,
        )
    message = _problems(excinfo)["breakdowns.SEX.question"]
    assert "'mother/sex'" in message
    assert "'child/sex'" in message
    # named by its group path, it is found
    spec = _spec(
        breakdowns={"SEX": {"question": "child/sex", "map": {"male": "M"}}, "REF_AREA": "KE"},
        series=_spec()["series"][:1],
    )
    assert any(r["SEX"] == "M" for r in aggregate(data, spec, metadata=META).table.rows)


def test_spec_errors_name_the_file_and_every_key(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text(
        "series:\n  - code: NOT_A_SERIES\n    unit: NUMBER\n    numerator: {question: _uuid, "
        "values: [x]}\nbreakdowns:\n  SEX: {question: sexx, map: {female: FEMALE}}\n"
        "  REF_AREA: KE\ncolour: blue\n"
    )
    with pytest.raises(SpecError) as excinfo:
        aggregate(EXPORTS / "kobo.csv", spec)
    problems = _problems(excinfo)
    assert set(problems) >= {"colour", "series[0].unit", "time_period"}
    assert str(spec) in str(excinfo.value)
    spec.write_text(
        spec.read_text().replace("colour: blue", "time_period: 2023").replace("NUMBER", "PT")
    )
    with pytest.raises(SpecError) as excinfo:
        aggregate(EXPORTS / "kobo.csv", spec)
    problems = _problems(excinfo)
    assert "NOT_A_SERIES" in problems["series[0].code"]
    assert "'FEMALE' is not a code of CL_SEX" in problems["breakdowns.SEX"]
    assert "meta column" in problems["series[0].numerator.question"]
    assert "closest: sex" in problems["breakdowns.SEX.question"]


def test_a_bad_weight_is_located_by_row_and_column(tmp_path):
    data = tmp_path / "export.csv"
    data.write_text("consent,has_card,wt\nyes,yes,1.5\nyes,no,-1\n")
    spec = _spec(weight="wt", breakdowns={"REF_AREA": "KE"}, series=_spec()["series"][:1])
    with pytest.raises(sdmx_cso.ReadError) as excinfo:
        aggregate(data, spec, metadata=META)
    assert (excinfo.value.row, excinfo.value.column) == (3, "wt")


def test_the_spec_can_name_the_form_beside_it(tmp_path):
    (tmp_path / "form.xlsx").write_bytes((EXPORTS / "form.xlsx").read_bytes())
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.read_text("utf-8") + "form: form.xlsx\n", "utf-8")
    labels = aggregate(EXPORTS / "kobo_labels.csv", spec, metadata=META).table
    assert labels.rows == aggregate(EXPORTS / "kobo.csv", SPEC, metadata=META).table.rows
    # without the form, label headers are not question names: a message naming the spec key
    with pytest.raises(SpecError) as excinfo:
        aggregate(EXPORTS / "kobo_labels.csv", SPEC, metadata=META)
    assert "series[0].numerator.question" in _problems(excinfo)


def test_disability_type_is_the_one_domain_at_the_cut_off_or_multiple():
    domains = ("SEEING", "HEARING", "MOBILITY", "COGNITION", "SELF_CARE", "COMMUNICATION")
    wg = ["seeing", "hearing", "walking", "remembering", "selfcare", "communicating"]
    spec = _spec(
        series=_spec()["series"][:1],
        breakdowns={"REF_AREA": "KE", "DISABILITY_TYPE": {"washington_group": wg}},
    )
    got = {
        r["DISABILITY_TYPE"]: r
        for r in aggregate(EXPORTS / "kobo.csv", spec, metadata=META).table.rows
    }
    kept = [r for r in kobo_rows() if r["consent"] == "yes" and r["_validation_status"] !=
            "validation_status_not_approved" and r["has_card"] in ("yes", "no")]  # fmt: skip
    expected: dict[str, int] = {}
    for r in kept:
        severe = [d for d, q in zip(domains, WG, strict=True) if r[q] in SEVERE]
        if severe:
            code = severe[0] if len(severe) == 1 else "MULTIPLE"
            expected[code] = expected.get(code, 0) + 1
    assert {k: int(v["SAMPLE_SIZE"]) for k, v in got.items() if k != "_T"} == expected
    assert int(got["_T"]["SAMPLE_SIZE"]) == len(kept)

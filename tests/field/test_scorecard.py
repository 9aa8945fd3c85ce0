"""Community scorecard sheets → the scorecard dataflow: consensus copied, individual averaged."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from openpyxl import Workbook

import sdmx_cso
import sdmx_cso.examples
from sdmx_cso import ReadError
from sdmx_cso.cli import main
from sdmx_cso.errors import SpecError
from sdmx_cso.field import aggregate_scorecard

GROUPS = {"SERVICE_USER": "users", "SERVICE_PROVIDER": "providers", "JOINT": "interface"}
SOCIAL = {"_T": "", "DALIT": "dalit", "SINGLE_WOMAN": "single women", "INDIGENOUS": "janajati"}
ROUNDS = {"2023-S1": "Round 1", "2023-S2": "Round 2"}


def _example_rows(nepal: Path) -> list[dict[str, str]]:
    with (nepal / "data.csv").open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["OBS_VALUE"]]


def _criteria(rows):
    return {r["SERIES"].removeprefix("CGD_SC_").lower(): r["SERIES"] for r in rows}


def _spec(rows, **changes):
    spec = {
        "kind": "consensus",
        "criterion": "Criterion",
        "score": "Score",
        "criteria": _criteria(rows),
        "service_point": "Facility",
        "group": {"column": "Group", "map": {v: k for k, v in GROUPS.items()}},
        "round": {"column": "Round", "map": {v: k for k, v in ROUNDS.items()}},
        "participants": "Participants",
        "freq": "S",
        "breakdowns": {
            "POP_GROUP": {"column": "Social group", "map": {v: k for k, v in SOCIAL.items() if v}},
            "SEX": {"column": "Sex", "map": {"women": "F", "men": "M"}},
        },
    }
    return spec | changes


def _sheet(path: Path, records: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "scores"
    sheet.append(["Round", "Facility", "Group", "Criterion", "Score", "Participants",
                  "Facilitator", "Social group", "Sex"])  # fmt: skip
    for record in records:
        sheet.append(record)
    book.save(path)
    return path


def _consensus_records(rows):
    return [
        [ROUNDS[r["TIME_PERIOD"]], r["SERVICE_POINT"], GROUPS[r["RESPONDENT_TYPE"]],
         r["SERIES"].removeprefix("CGD_SC_").lower(), float(r["OBS_VALUE"]),
         int(r["SAMPLE_SIZE"]) if r["SAMPLE_SIZE"] else None, "Sita Sharma",
         SOCIAL[r["POP_GROUP"]], {"F": "women", "M": "men"}.get(r["SEX"], "")]
        for r in rows
    ]  # fmt: skip


def _key(row):
    return (row["SERIES"], row["SERVICE_POINT"], row["RESPONDENT_TYPE"], row["TIME_PERIOD"],
            row["POP_GROUP"], row["SEX"])  # fmt: skip


def test_consensus_scores_are_copied_as_agreed(tmp_path):
    nepal = sdmx_cso.examples.write_example("nepal-karnali-scorecard", tmp_path)
    rows = _example_rows(nepal)
    sheet = _sheet(tmp_path / "scores.xlsx", _consensus_records(rows))
    result = aggregate_scorecard(sheet, _spec(rows), metadata=nepal / "metadata.yaml")
    got = {_key(r): r for r in result.table.rows}
    assert len(got) == len(rows)
    for row in rows:
        out = got[_key(row)]
        assert float(out["OBS_VALUE"]) == float(row["OBS_VALUE"])
        assert out["SAMPLE_SIZE"] == row["SAMPLE_SIZE"]
        assert (out["REF_AREA"], out["SERVICE"]) == (row["REF_AREA"], row["SERVICE"])
    assert result.metadata["RESPONSE_MODE"] == "GROUP_CONSENSUS"
    package = result.write(tmp_path / "pkg")
    assert "Sita" not in (package / "data.csv").read_text("utf-8")
    report = sdmx_cso.validate(package)
    assert report.valid, report.issues[:3]
    target = tmp_path / "out.xml"
    assert sdmx_cso.convert(package, to="sdmx-ml-2.1", output=target).report.valid


def test_individual_scores_are_averaged_per_group_and_kept_apart(tmp_path):
    nepal = sdmx_cso.examples.write_example("nepal-karnali-scorecard", tmp_path)
    rows = [r for r in _example_rows(nepal) if r["RESPONDENT_TYPE"] != "JOINT"]
    rng = random.Random(18)
    records, expected = [], {}
    for r in rows:
        scores = [rng.randint(1, 5) for _ in range(rng.randint(2, 6))]
        expected[_key(r)] = (sum(scores) / len(scores), len(scores))
        for score in scores:
            records.append([ROUNDS[r["TIME_PERIOD"]], r["SERVICE_POINT"],
                            GROUPS[r["RESPONDENT_TYPE"]],
                            r["SERIES"].removeprefix("CGD_SC_").lower(), score, None, "x",
                            SOCIAL[r["POP_GROUP"]], {"F": "women"}.get(r["SEX"], "")])  # fmt: skip
    sheet = _sheet(tmp_path / "individual.xlsx", records)
    meta = tmp_path / "meta.yaml"
    meta.write_text(
        (nepal / "metadata.yaml")
        .read_text("utf-8")
        .replace("RESPONSE_MODE: GROUP_CONSENSUS", "RESPONSE_MODE: SELF"),
        "utf-8",
    )
    result = aggregate_scorecard(
        sheet, _spec(rows, kind="individual", participants=None, totals=True), metadata=meta
    )
    got = {_key(r): r for r in result.table.rows}
    for key, (mean, n) in expected.items():
        assert got[key]["OBS_VALUE"] == f"{mean:.2f}"
        assert got[key]["SAMPLE_SIZE"] == str(n)
    # the totals over the groups of a service point average every individual score
    for (series, point, group, period, *codes), out in got.items():
        if group == "_T":
            parts = [v for k, v in expected.items() if (k[0], k[1], k[3], *k[4:]) == (
                series, point, period, *codes)]  # fmt: skip
            total = sum(m * n for m, n in parts) / sum(n for _, n in parts)
            assert out["OBS_VALUE"] == f"{total:.2f}"
    assert result.metadata["RESPONSE_MODE"] == "SELF"
    assert sdmx_cso.validate(result.write(tmp_path / "pkg")).valid


def test_consensus_and_individual_scores_are_not_mixed(tmp_path):
    nepal = sdmx_cso.examples.write_example("nepal-karnali-scorecard", tmp_path)
    rows = _example_rows(nepal)
    sheet = _sheet(tmp_path / "s.xlsx", _consensus_records(rows))
    with pytest.raises(SpecError, match="never averaged"):
        aggregate_scorecard(sheet, _spec(rows, totals=True), metadata=nepal / "metadata.yaml")
    with pytest.raises(SpecError, match="import each kind as its own dataset"):
        aggregate_scorecard(sheet, _spec(rows, kind="individual"), metadata=nepal / "metadata.yaml")
    twice = _sheet(tmp_path / "t.xlsx", _consensus_records(rows) + _consensus_records(rows[:1]))
    with pytest.raises(ReadError, match="two consensus scores") as excinfo:
        aggregate_scorecard(twice, _spec(rows), metadata=nepal / "metadata.yaml")
    assert excinfo.value.row == len(rows) + 2


def test_a_score_outside_its_scale_is_located(tmp_path, capsys):
    nepal = sdmx_cso.examples.write_example("nepal-karnali-scorecard", tmp_path)
    rows = _example_rows(nepal)
    records = _consensus_records(rows)
    records[2][4] = 7
    sheet = _sheet(tmp_path / "s.xlsx", records)
    spec = tmp_path / "spec.yaml"
    import yaml

    spec.write_text(yaml.safe_dump(_spec(rows)), "utf-8")
    code = main(["import", "scorecard", str(sheet), "--spec", str(spec), "--metadata",
                 str(nepal / "metadata.yaml"), "-o", str(tmp_path / "pkg")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 3
    assert "row 4, column Score: the score 7 is outside the scale 1–5" in err

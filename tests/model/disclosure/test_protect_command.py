"""``sdmx-cso protect`` and `protect_submission`; `validate` notes what will be withheld."""

from __future__ import annotations

import sdmx_cso
import sdmx_cso.pipeline
from sdmx_cso.cli import main


def test_protect_lists_the_cells_and_writes_a_submission_that_converts(kenya, tmp_path, capsys):
    out = tmp_path / "protected"
    assert main(["protect", str(kenya), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    reasons = [line.split("\t")[0] for line in lines]
    assert "SUPPRESSED_PRIMARY" in reasons
    assert "SUPPRESSED_SECONDARY" in reasons
    assert set(reasons) <= {"SUPPRESSED_PRIMARY", "SUPPRESSED_SECONDARY", "GEO_COARSENED"}
    assert "all protected" in captured.err
    assert sorted(p.name for p in out.iterdir()) == ["data.csv", "metadata.yaml"]
    report = sdmx_cso.validate(out)
    assert report.valid
    assert report.notes == ()  # nothing left to withhold
    _, audit = sdmx_cso.protect(sdmx_cso.load(out))
    assert (audit.primary, audit.secondary) == (0, 0)  # protecting twice changes nothing
    first = sdmx_cso.pipeline.protect_submission(kenya)
    assert first.audit is not None
    assert len(first.withheld) == len(lines) == first.audit.primary + first.audit.secondary


def test_protect_refuses_an_invalid_submission(kenya, capsys):
    text = (kenya / "data.csv").read_text("utf-8").replace(",F,", ",Q,", 1)
    (kenya / "data.csv").write_text(text, encoding="utf-8")
    assert main(["protect", str(kenya)]) == 1
    assert "code-not-in-codelist" in capsys.readouterr().err


def test_validate_notes_what_would_be_withheld(kenya, capsys):
    report = sdmx_cso.validate(kenya)
    assert report.valid
    assert len(report.notes) == 1
    assert "withhold 26 cells" in report.notes[0]
    assert report.stats.warnings == 0  # information, not a warning
    assert main(["validate", str(kenya)]) == 0
    assert "disclosure control will withhold" in capsys.readouterr().out


def test_the_metadata_states_the_policy_and_the_audit(kenya, tmp_path):
    result = sdmx_cso.convert(kenya, to="sdmx-ml-3.0", output=tmp_path / "k.xml")
    control = sdmx_cso.read(tmp_path / "k.xml").dataset.metadata.disclosure_control
    assert control is not None
    assert (control.primary_threshold, control.sensitive_threshold) == (5, 10)
    method = control.secondary_method or ""
    assert method.startswith("Complementary suppression of the smallest cell")  # as declared
    assert result.audit is not None
    assert result.audit.summary() in method
    assert result.audit.summary() in result.report.notes  # and the report says it too
    assert f"{result.audit.primary} by the threshold rule" in method

"""The personal-data guard: planted phone numbers, e-mails and ID numbers are found at their
row and column, masked; ordinary numbers are not; conversion refuses unless accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sdmx_cso
from sdmx_cso.cli import main
from sdmx_cso.validation.rules.personal import find_personal_data

PLANTED = {
    "Kenyan mobile": ("Call the chair on 0712 345 678 after 5 pm.", "phone number"),
    "Kenyan international": ("Helpline +254 722 000 111", "phone number"),
    "Nepali mobile": ("सम्पर्क 9841234567", "phone number"),
    "Indian mobile": ("whatsapp 98765 43210", "phone number"),
    "Bangladeshi mobile": ("ফোন 01712-345678", "phone number"),
    "personal e-mail": ("Reported by grace.achieng@gmail.com", "e-mail address"),
    "Kenyan ID": ("Respondent ID no. 23456789 withdrew", "national ID number"),
    "Nepali citizenship": ("citizenship 27-01-71-05846", "national ID number"),
    "Indian Aadhaar": ("Aadhaar 2345 6789 0123 seen", "national ID number"),
    "Bangladeshi NID": ("NID 1990123456789 checked", "national ID number"),
    "Danish CPR": ("CPR 010190-1234", "national ID number"),
    "name with title": ("Follow-up with Mrs Wanjiru Kamau", "person's name"),
}


def _plant(folder: Path, texts: list[str]) -> list[int]:
    """Put each text in COMMENT_OBS of a row of the Kenyan example; their row numbers."""
    lines = (folder / "data.csv").read_text("utf-8").splitlines()
    header = lines[0].split(",")
    col = header.index("COMMENT_OBS")
    rows = []
    for i, text in enumerate(texts):
        row = 3 + 7 * i
        cells = lines[row - 1].split(",")
        cells[col] = '"' + text + '"'
        lines[row - 1] = ",".join(cells)
        rows.append(row)
    (folder / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rows


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_planted_personal_data_is_found_at_its_row_and_column(kenya, case):
    text, kind = PLANTED[case]
    (row,) = _plant(kenya, [text])
    report = sdmx_cso.validate(kenya)
    found = [i for i in report.issues if i.code == "personal-data"]
    assert [(i.row, i.column) for i in found] == [(row, "COMMENT_OBS")]
    assert kind in found[0].message
    assert not report.valid
    match = next(f for f in find_personal_data(text))
    secret = text[match.start : match.end]
    assert secret not in found[0].message  # shown masked, never in full
    assert found[0].value is not None
    assert secret not in found[0].value


def test_conversion_refuses_until_the_finding_is_accepted(kenya, tmp_path, capsys):
    (row,) = _plant(kenya, ["Helpline of the coalition: +254 722 000 111"])
    out = tmp_path / "k.xml"
    assert main(["convert", str(kenya), "--to", "sdmx-ml-2.1", "-o", str(out)]) == 1
    assert "personal-data" in capsys.readouterr().err
    assert not out.exists()
    accept = ["--accept-personal-data", f"{row}:COMMENT_OBS"]
    assert main(["convert", str(kenya), "--to", "sdmx-ml-2.1", "-o", str(out), *accept]) == 0
    assert out.exists()
    report = sdmx_cso.validate(
        kenya, config=sdmx_cso.DerivationConfig(accept_personal_data={f"{row}:COMMENT_OBS"})
    )
    assert report.valid
    assert [i.severity for i in report.issues if i.code == "personal-data"] == ["warning"]


def test_metadata_text_is_scanned_but_the_contact_address_is_allowed(kenya):
    meta = (kenya / "metadata.yaml").read_text("utf-8")
    meta = meta.replace(
        "ETHICS_REVIEW: >-\n", "ETHICS_REVIEW: >-\n  Queries to peter.mwangi@yahoo.com.\n", 1
    )
    (kenya / "metadata.yaml").write_text(meta, encoding="utf-8")
    report = sdmx_cso.validate(kenya)
    found = [i for i in report.issues if i.code == "personal-data"]
    assert [(i.row, i.column) for i in found] == [(None, "ETHICS_REVIEW")]
    assert found[0].file is not None
    assert found[0].file.endswith("metadata.yaml")


def test_the_bundled_examples_have_no_false_positives(example_dir):
    report = sdmx_cso.validate(example_dir)
    assert [i for i in report.issues if i.code == "personal-data"] == []


ORDINARY = st.one_of(
    st.integers(1900, 2100).map(str),  # years
    st.integers(0, 10**6).map(str),  # counts
    st.decimals(0, 100, places=2, allow_nan=False).map(str),  # values
    st.dates().map(str),  # dates
    st.from_regex(r"KE-[0-4][0-9]|NP-P[1-7]|BD-[A-H]|CGD_[A-Z]{3,8}", fullmatch=True),  # codes
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(1990, 2030), st.integers(1, 12)),
)


@given(st.lists(ORDINARY, min_size=1, max_size=6))
def test_ordinary_numbers_are_not_personal_data(parts):
    text = "Values " + ", ".join(parts) + f" (n={len(parts)}), 12.5 % since 2021."
    assert find_personal_data(text) == []

"""Write the survey export fixtures of tests/field/exports/ (synthetic, seeded).

One synthetic disability survey of 40 respondents in three Kenyan counties, exported as
KoboToolbox and ODK Central would: a KoboToolbox CSV (``;``, ``/`` group paths, XML names,
select_multiple as a summary column and split 0/1 columns), the same with labels as headers,
an ODK Central CSV (``-`` group paths, summary select_multiple only), and a KoboToolbox XLSX
of a household survey whose members are a repeat group on their own sheet (split
select_multiple columns only). Names and phone numbers are invented identifiers that must
never reach an output. The XLSForm of the CSV exports is written too.

Run: python scripts/make_survey_exports.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from openpyxl import Workbook

OUT = Path(__file__).resolve().parents[1] / "tests" / "field" / "exports"
WG = ("seeing", "hearing", "walking", "remembering", "selfcare", "communicating")
WG_ANSWERS = ("no_difficulty", "some_difficulty", "a_lot_of_difficulty", "cannot_do_at_all",
              "dont_know", "refused")  # fmt: skip
WG_WEIGHTS = (60, 20, 10, 5, 3, 2)
CHOICES = {
    "yes_no": [("yes", "Yes"), ("no", "No"), ("dont_know", "Don't know"), ("refused", "Refused")],
    "sex": [("female", "Female"), ("male", "Male"), ("other", "Other")],
    "county": [("nairobi", "Nairobi"), ("mombasa", "Mombasa"), ("kisumu", "Kisumu")],
    "wg": [("no_difficulty", "No difficulty"), ("some_difficulty", "Some difficulty"),
           ("a_lot_of_difficulty", "A lot of difficulty"),
           ("cannot_do_at_all", "Cannot do at all"), ("dont_know", "Don't know"),
           ("refused", "Refused")],
    "services": [("health", "Health care"), ("education", "Education"), ("cash", "Cash transfer")],
}  # fmt: skip
LABELS = {
    "consent": "Do you agree to take part?", "respondent": "Respondent",
    "name": "Name", "phone": "Phone number", "sex": "Sex", "age": "Age in years",
    "location": "Location", "county": "County", "wg": "Functioning",
    "seeing": "Difficulty seeing", "hearing": "Difficulty hearing",
    "walking": "Difficulty walking", "remembering": "Difficulty remembering",
    "selfcare": "Difficulty with self-care", "communicating": "Difficulty communicating",
    "benefits": "Benefits", "has_card": "Do you hold an NCPWD card?",
    "services": "Services received", "wt": "Weight",
}  # fmt: skip
FIRST = ("Achieng", "Wanjiru", "Otieno", "Kamau", "Mwende", "Mohamed", "Amina", "Kiptoo")
LAST = ("Odhiambo", "Njoroge", "Mutua", "Hassan", "Chebet", "Wekesa", "Ali", "Korir")


def respondents(rng: random.Random, n: int) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        row = {
            "consent": "no" if i in (7, 23) else "yes",
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "phone": f"+2547{rng.randrange(10**8):08d}",
            "sex": rng.choices(("female", "male", "other"), (48, 48, 4))[0],
            "age": str(rng.randrange(18, 80)),
            "county": rng.choices(("nairobi", "mombasa", "kisumu"), (45, 35, 20))[0],
        }
        for domain in WG:
            row[domain] = rng.choices(WG_ANSWERS, WG_WEIGHTS)[0]
        row["has_card"] = rng.choices(("yes", "no", "dont_know", "refused", ""),
                                      (40, 40, 8, 6, 6))[0]  # fmt: skip
        row["services"] = " ".join(s for s in ("health", "education", "cash") if rng.random() < 0.4)
        row["wt"] = f"{rng.choice((0.8, 1.0, 1.25, 1.6, 2.0))}"
        row["uuid"] = f"{rng.getrandbits(128):032x}"
        rows.append(row)
    return rows


def kobo_header(labels: bool) -> list[str]:
    def name(path: str) -> str:
        if not labels:
            return path
        return "/".join(LABELS.get(p, p) for p in path.split("/"))

    questions = [
        "consent", "respondent/name", "respondent/phone", "respondent/sex", "respondent/age",
        "location/county", *(f"wg/{d}" for d in WG), "benefits/has_card", "benefits/services",
    ]  # fmt: skip
    split = [f"benefits/services/{s}" for s, _ in CHOICES["services"]]
    head = ["start", "end", "today", "deviceid"]
    tail = ["wt", "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
            "_submitted_by", "__version__", "_tags", "_index"]  # fmt: skip
    out = [*head, *(name(q) for q in questions)]
    for s, label in CHOICES["services"]:
        out.append(f"{name('benefits/services')}/{label}" if labels else f"benefits/services/{s}")
    del split
    return out + tail


def label_of(list_name: str, value: str) -> str:
    return dict(CHOICES[list_name]).get(value, value)


def kobo_row(i: int, r: dict[str, str], labels: bool) -> list[str]:
    def v(list_name: str, value: str) -> str:
        return label_of(list_name, value) if labels and value else value

    status = "validation_status_not_approved" if i == 11 else (
        "validation_status_approved" if i % 3 else "")  # fmt: skip
    chosen = set(r["services"].split())
    return [
        f"2023-09-{1 + i % 28:02d}T09:{i % 60:02d}:00.000+03:00",
        f"2023-09-{1 + i % 28:02d}T09:{(i + 17) % 60:02d}:00.000+03:00",
        f"2023-09-{1 + i % 28:02d}", f"collect:{r['uuid'][:16]}",
        v("yes_no", r["consent"]), r["name"], r["phone"], v("sex", r["sex"]), r["age"],
        v("county", r["county"]), *(v("wg", r[d]) for d in WG), v("yes_no", r["has_card"]),
        r["services"] if not labels else " ".join(label_of("services", s) for s in chosen),
        *("1" if s in chosen else "0" for s, _ in CHOICES["services"]),
        r["wt"], str(400100 + i), r["uuid"], f"2023-09-{1 + i % 28:02d}T10:00:00",
        status, "", "submitted_via_web", "enumerator_" + str(i % 4), "vGk3kLm2",
        "", str(i + 1),
    ]  # fmt: skip


def odk_rows(rows: list[dict[str, str]]) -> list[list[str]]:
    questions = [
        "consent", "respondent-name", "respondent-phone", "respondent-sex", "respondent-age",
        "location-county", *(f"wg-{d}" for d in WG), "benefits-has_card", "benefits-services",
        "wt",
    ]  # fmt: skip
    header = ["SubmissionDate", *questions, "meta-instanceID", "KEY", "SubmitterID",
              "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
              "ReviewState", "DeviceID", "Edits", "FormVersion"]  # fmt: skip
    out = [header]
    for i, r in enumerate(rows):
        values = [r["consent"], r["name"], r["phone"], r["sex"], r["age"], r["county"],
                  *(r[d] for d in WG), r["has_card"], r["services"], r["wt"]]  # fmt: skip
        out.append([
            f"2023-09-{1 + i % 28:02d}T10:00:00.000Z", *values, f"uuid:{r['uuid']}",
            f"uuid:{r['uuid']}", str(5 + i % 4), f"enumerator_{i % 4}", "0", "0", "",
            "rejected" if i == 11 else ("approved" if i % 3 else ""), f"collect:{i}", "0",
            "2023091801",
        ])  # fmt: skip
    return out


def write_csv(path: Path, rows: list[list[str]], delimiter: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)


def write_form(path: Path) -> None:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::English (en)", "required", "relevant"])
    survey.append(["start", "start", "", "", ""])
    survey.append(["end", "end", "", "", ""])
    survey.append(["today", "today", "", "", ""])
    survey.append(["deviceid", "deviceid", "", "", ""])
    survey.append(["select_one yes_no", "consent", LABELS["consent"], "yes", ""])
    survey.append(["begin_group", "respondent", LABELS["respondent"], "", "${consent} = 'yes'"])
    survey.append(["text", "name", LABELS["name"], "", ""])
    survey.append(["text", "phone", LABELS["phone"], "", ""])
    survey.append(["select_one sex", "sex", LABELS["sex"], "yes", ""])
    survey.append(["integer", "age", LABELS["age"], "yes", ""])
    survey.append(["end_group", "", "", "", ""])
    survey.append(["begin_group", "location", LABELS["location"], "", ""])
    survey.append(["select_one county", "county", LABELS["county"], "yes", ""])
    survey.append(["end_group", "", "", "", ""])
    survey.append(["begin_group", "wg", LABELS["wg"], "", ""])
    for domain in WG:
        survey.append(["select_one wg", domain, LABELS[domain], "yes", ""])
    survey.append(["end_group", "", "", "", ""])
    survey.append(["begin_group", "benefits", LABELS["benefits"], "", ""])
    survey.append(["select_one yes_no", "has_card", LABELS["has_card"], "", ""])
    survey.append(["select_multiple services", "services", LABELS["services"], "", ""])
    survey.append(["end_group", "", "", "", ""])
    survey.append(["decimal", "wt", LABELS["wt"], "", ""])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)"])
    for list_name, items in CHOICES.items():
        for name, label in items:
            choices.append([list_name, name, label])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["PWD social services 2023", "pwd_social_services", "2023091801",
                     "English (en)"])  # fmt: skip
    book.save(path)


def write_households(path: Path, rng: random.Random) -> None:
    """A KoboToolbox XLSX export: households (main sheet) and members (a repeat group)."""
    book = Workbook()
    main = book.active
    main.title = "PWD household survey 2023"
    main.append(["start", "end", "consent", "hh/head_name", "hh/phone", "hh/county",
                 "_id", "_uuid", "_submission_time", "_validation_status", "_index"])  # fmt: skip
    members = book.create_sheet("members")
    members.append(["members/member_name", "members/sex",
                    *(f"members/wg/{d}" for d in WG), "members/has_card",
                    *(f"members/services/{s}" for s, _ in CHOICES["services"]),
                    "_index", "_parent_table_name", "_parent_index", "_submission__id",
                    "_submission__uuid", "_submission__submission_time",
                    "_submission__validation_status"])  # fmt: skip
    member_index = 0
    for h in range(12):
        uuid = f"{rng.getrandbits(128):032x}"
        consent = "no" if h == 5 else "yes"
        status = "validation_status_not_approved" if h == 9 else "validation_status_approved"
        county = ("nairobi", "mombasa")[h % 2]
        main.append(["2023-10-02T08:00:00", "2023-10-02T08:40:00", consent,
                     f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"+2547{rng.randrange(10**8):08d}",
                     county, 500 + h, uuid, "2023-10-02T09:00:00", status, h + 1])  # fmt: skip
        for _ in range(rng.randrange(1, 5)):
            member_index += 1
            answers = [rng.choices(WG_ANSWERS, WG_WEIGHTS)[0] for _ in WG]
            card = rng.choices(("yes", "no", "dont_know", None), (40, 40, 10, 10))[0]
            services = [1 if rng.random() < 0.4 else 0 for _ in CHOICES["services"]]
            members.append([f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                            rng.choice(("female", "male")), *answers, card, *services,
                            member_index, "PWD household survey 2023", h + 1, 500 + h, uuid,
                            "2023-10-02T09:00:00", status])  # fmt: skip
    book.save(path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(18)
    rows = respondents(rng, 40)
    write_csv(
        OUT / "kobo.csv",
        [kobo_header(False)] + [kobo_row(i, r, False) for i, r in enumerate(rows)],
        ";",
    )
    write_csv(
        OUT / "kobo_labels.csv",
        [kobo_header(True)] + [kobo_row(i, r, True) for i, r in enumerate(rows)],
        ";",
    )
    write_csv(OUT / "odk.csv", odk_rows(rows), ",")  # fmt: skip
    write_form(OUT / "form.xlsx")
    write_households(OUT / "households.xlsx", rng)


if __name__ == "__main__":
    main()

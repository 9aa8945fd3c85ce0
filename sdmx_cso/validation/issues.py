"""The catalogue of validation issues: one entry per stable issue code.

Every issue a validator reports has a ``code`` from this catalogue. Each entry has a title,
a description, an example and how to fix it; the docs page ``reference/issues.md`` is
generated from it, and tests check that every code is documented and triggered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CATALOGUE", "DOCS_URL", "IssueType", "Severity", "issue_url"]

Severity = Literal["error", "warning"]

#: Base address of the documentation; issue links point at ``reference/issues/#<code>``.
DOCS_URL = "https://sdmx-cso.readthedocs.io/en/latest"


@dataclass(frozen=True, slots=True)
class IssueType:
    """A kind of issue: what it means and how to fix it."""

    code: str
    title: str
    severity: Severity
    tags: tuple[str, ...]
    description: str
    example: str
    fix: str


def issue_url(code: str) -> str:
    """Link to the docs entry of an issue code."""
    return f"{DOCS_URL}/reference/issues/#{code}"


_ENTRIES = (
    IssueType(
        "unknown-column", "Unknown column", "error", ("#table", "#header"),
        "A header cell is not a concept ID of the standard.",
        "Header `SEXE` in a data file.",
        "Rename the column to a concept ID (the message suggests the closest), or remove it.",
    ),
    IssueType(
        "duplicate-column", "Duplicate column", "error", ("#table", "#header"),
        "Two header cells name the same concept (header names ignore case and spaces).",
        "Headers `SEX` and ` sex `.",
        "Keep one of the two columns.",
    ),
    IssueType(
        "missing-column", "Missing mandatory column", "error", ("#table", "#header"),
        "A column the standard needs is absent: SERIES, REF_AREA, TIME_PERIOD and OBS_VALUE "
        "have no default.",
        "A data file without a TIME_PERIOD column.",
        "Add the column. Other dimension columns may be left out: they default to `_T`.",
    ),
    IssueType(
        "no-observations", "No observations", "error", ("#table",),
        "The data file has a header but no data rows: there is nothing to submit.",
        "A CSV file with only its header line.",
        "Add the observations, or check that the right file was sent.",
    ),
    IssueType(
        "ragged-row", "Row with the wrong number of cells", "error", ("#table", "#row"),
        "A row has more or fewer cells than the header, so its values cannot be matched to "
        "columns.",
        "A row `KE-01,2023` under a header of five columns.",
        "Fix the row in the spreadsheet; look for a stray delimiter or a missing quote.",
    ),
    IssueType(
        "missing-dimension-value", "Empty dimension value", "error", ("#row", "#cell"),
        "A dimension cell is empty. Every observation needs a value for every dimension.",
        "An empty SEX cell in a row.",
        "Fill in the code; use `_T` for no breakdown, `_Z` for not applicable.",
    ),
    IssueType(
        "code-not-in-codelist", "Code not in its code list", "error", ("#row", "#cell"),
        "A coded cell holds a value that is not a code of the column's code list (or of the "
        "dataset's own declared codes for SERIES, REF_AREA, SERVICE_POINT and DATA_PRODUCER).",
        "`SEX = X`, or `REF_AREA = KE-99`.",
        "Use a code of the list (the message names the closest ones), or declare a coalition "
        "series, local area or service point in the metadata file.",
    ),
    IssueType(
        "outside-dataflow-constraint", "Outside the dataflow's registered content", "error",
        ("#row", "#cell"),
        "The dataset is registered as a dataflow of the one DSD, restricted to the series, "
        "areas and service points its registration lists (an allowed content constraint). This "
        "row uses another one, which a registry that checks uploads would refuse.",
        "`REF_AREA = KE-01` in a dataset registered for KE-30 and KE-28 only.",
        "Register the dataset's revision (`sdmx-cso register`), which adds the code to a new "
        "version of its constraint, or correct the row.",
    ),
    IssueType(
        "invalid-number", "Not a number", "error", ("#row", "#cell"),
        "A numeric cell (OBS_VALUE, bounds, scale) does not hold a decimal number.",
        "`OBS_VALUE = 12,5%`.",
        "Write the number with a point as decimal mark and no unit: `12.5`.",
    ),
    IssueType(
        "invalid-integer", "Not a whole number", "error", ("#row", "#cell"),
        "SAMPLE_SIZE and NUMERATOR must be whole numbers of zero or more.",
        "`SAMPLE_SIZE = 12.5` or `-3`.",
        "Give the unweighted count of respondents or units.",
    ),
    IssueType(
        "invalid-date", "Not a date", "error", ("#row", "#cell"),
        "A date cell is not a calendar date in the form YYYY-MM-DD.",
        "`DATA_LAST_UPDATE = 31/02/2023`.",
        "Write the date as YYYY-MM-DD.",
    ),
    IssueType(
        "invalid-time-period", "Not an SDMX time period", "error", ("#row", "#cell"),
        "TIME_PERIOD must be an SDMX observational time period: a year (`2023`), a month "
        "(`2023-05`), a date (`2023-05-31`) or a reporting period (`2023-Q2`, `2023-S1`…).",
        "`TIME_PERIOD = 2023/24`.",
        "Use one period per observation; put ranges in TIME_DETAIL.",
    ),
    IssueType(
        "missing-mandatory-attribute", "Missing mandatory attribute", "error", ("#row", "#cell"),
        "A mandatory attribute (e.g. UNIT_MEASURE) is empty and nothing derives it.",
        "A row of an SDG series with no UNIT_MEASURE.",
        "Fill the column, or declare the unit on the coalition series in the metadata file.",
    ),
    IssueType(
        "duplicate-key", "Duplicate observation", "error", ("#row", "#key"),
        "Two rows have the same series key (all dimensions) and TIME_PERIOD. The message says "
        "whether their values agree or contradict each other.",
        "Two rows for KE-30, F, 2023 of the same series.",
        "Keep one row; if the values differ, find out which is right, or add the dimension "
        "that tells them apart (e.g. DISABILITY_TYPE or SERVICE_POINT).",
    ),
    IssueType(
        "series-attribute-differs", "Series attribute differs within a series", "error",
        ("#row", "#key"),
        "A series-level attribute (e.g. UNIT_MEASURE, SAMPLING_METHOD) has different values in "
        "rows of the same series; SDMX attaches it once per series.",
        "UNIT_MEASURE PT in one row of a series and NUMBER in another.",
        "Use one value per series, or split the series with a dimension.",
    ),
    IssueType(
        "value-outside-bounds", "Value outside its bounds", "error", ("#row", "#cell", "#quality"),
        "LOWER_BOUND ≤ OBS_VALUE ≤ UPPER_BOUND must hold.",
        "OBS_VALUE 12.5 with UPPER_BOUND 10.",
        "Check the value and its confidence interval; the bounds may be swapped.",
    ),
    IssueType(
        "numerator-exceeds-sample", "Numerator larger than the sample", "error",
        ("#row", "#cell", "#quality"),
        "NUMERATOR counts respondents with the characteristic among SAMPLE_SIZE respondents, "
        "so it cannot be larger.",
        "NUMERATOR 60 with SAMPLE_SIZE 40.",
        "Check both counts; NUMERATOR and SAMPLE_SIZE may be swapped.",
    ),
    IssueType(
        "percent-out-of-range", "Percentage outside 0–100", "error", ("#row", "#cell", "#quality"),
        "A value in per cent (UNIT_MEASURE PT, given or declared for the series) is below 0 or "
        "above 100.",
        "OBS_VALUE 0.45 was meant as 45 %, or 145 was typed for 14.5.",
        "Give percentages from 0 to 100; use UNIT_MEASURE for shares of 1 if that is meant.",
    ),
    IssueType(
        "value-disagrees-with-counts", "Percentage disagrees with its counts", "warning",
        ("#row", "#cell", "#quality"),
        "A value in per cent (UNIT_MEASURE PT, given or declared for the series) differs from "
        "NUMERATOR / SAMPLE_SIZE × 100 by more than rounding to the decimals given. Not "
        "checked when the metadata's WEIGHTING describes weights (a weighted share differs "
        "from the unweighted counts).",
        "OBS_VALUE 90 with NUMERATOR 123 and SAMPLE_SIZE 200 (61.5); or 0.615, a spreadsheet's "
        "percentage format turning 61.5 % into a share of 1.",
        "Recompute OBS_VALUE from the counts, or correct the counts; keep percentage cells as "
        "text or plain numbers.",
    ),
    IssueType(
        "score-out-of-scale", "Score outside its scale", "error", ("#row", "#cell", "#quality"),
        "A scorecard value lies outside SCALE_MIN…SCALE_MAX (given, or declared for the series).",
        "A score of 7 on a 1–5 scale.",
        "Check the score, or the scale declared for the series in the metadata.",
    ),
    IssueType(
        "time-period-frequency", "Time period does not fit the frequency", "error",
        ("#row", "#cell"),
        "TIME_PERIOD must have the form of FREQ: a year for A, a half-year for S, a quarter for "
        "Q, a month for M, a week for W, a date for D.",
        "FREQ M with TIME_PERIOD 2023.",
        "Fix FREQ or TIME_PERIOD so that they agree.",
    ),
    IssueType(
        "period-outside-reference", "Time period outside the reference period", "warning",
        ("#row", "#metadata", "#quality"),
        "A TIME_PERIOD lies outside the REF_PERIOD of the metadata.",
        "TIME_PERIOD 2021 in a dataset whose REF_PERIOD is 2023.",
        "Widen REF_PERIOD in the metadata, or correct the row.",
    ),
    IssueType(
        "period-mismatch", "Reference period after the fieldwork", "warning",
        ("#metadata", "#quality"),
        "REF_PERIOD starts after COLL_PERIOD ends: data cannot describe a time after they were "
        "collected.",
        "REF_PERIOD 2024, COLL_PERIOD March 2023.",
        "Check the two periods in the metadata.",
    ),
    IssueType(
        "contradictory-metadata", "Contradictory metadata", "error", ("#metadata", "#quality"),
        "Two metadata fields claim incompatible things: a statistically representative dataset "
        "(REP_TARGET_POP) from a non-probability sample, or an NSO review without the NSO's "
        "QUALITY_ASSMNT.",
        "REPRESENTATIVENESS REP_TARGET_POP with SAMPLING_METHOD NONPROB_SNOWBALL.",
        "Correct the claim: REP_COVERED_COMMUNITY or NOT_REP for non-probability samples; give "
        "QUALITY_ASSMNT when an NSO reviewed the data.",
    ),
    IssueType(
        "flag-contradicts-metadata", "Flag contradicts the metadata", "error",
        ("#row", "#cell", "#quality"),
        "A row's QUALITY_FLAGS or VALIDATION_STATUS claims something the metadata does not "
        "support (NSO_ENDORSED without an NSO assessment; NON_PROBABILITY in a probability "
        "sample).",
        "QUALITY_FLAGS NSO_ENDORSED without QUALITY_ASSMNT in the metadata.",
        "Remove the flag, or add what the metadata is missing.",
    ),
    IssueType(
        "unit-differs-from-sdg", "Unit differs from the SDG series", "warning",
        ("#row", "#metadata", "#quality"),
        "A coalition series linked to an SDG series (LINKED_SERIES), or a row of an SDG series, "
        "uses another unit than the SDG series (from the global SDG content constraints), so its "
        "values cannot be compared with the official ones as they are.",
        "CGD_DIS_CARD linked to SI_COV_DISAB (PT) but declared in NUMBER.",
        "Use the SDG series' unit, or drop LINKED_SERIES and explain the link in COMPARABILITY.",
    ),
    IssueType(
        "reliability-mismatch", "Reliability differs from the sample size", "warning",
        ("#row", "#cell", "#quality"),
        "RELIABILITY was given, but the value derived from SAMPLE_SIZE (50 and 25 by default) "
        "differs. The given value is kept.",
        "RELIABILITY RELIABLE with SAMPLE_SIZE 12.",
        "Leave RELIABILITY empty to have it derived, or check SAMPLE_SIZE.",
    ),
    IssueType(
        "stray-whitespace", "Spaces around a value", "warning", ("#row", "#cell"),
        "A cell starts or ends with spaces. They were removed before checking.",
        "`KE-30 ` in REF_AREA.",
        "Remove the spaces in the spreadsheet.",
    ),
    IssueType(
        "mixed-encoding", "Mixed text encodings", "warning", ("#row", "#table"),
        "Some lines of the file are UTF-8 and others are in a legacy encoding (cp1252), as "
        "happens when a spreadsheet is edited on two machines. Each line was read in its own "
        "encoding, so no text is garbled; check the names on the lines listed.",
        "Row 5 has `Muranga` typed on Windows (cp1252), the rest is UTF-8 with Nepali text.",
        "Save the file once as UTF-8 (in Excel: CSV UTF-8).",
    ),
    IssueType(
        "empty-row", "Empty row", "warning", ("#row", "#table"),
        "A row between data rows is empty; it was skipped.",
        "A blank line in the middle of data.csv.",
        "Delete the row.",
    ),
    IssueType(
        "metadata-syntax", "Metadata file not readable as YAML or JSON", "error",
        ("#metadata",),
        "The metadata file is not valid YAML or JSON (a tab where spaces are expected, an "
        "unclosed quote, a key given twice), or does not hold a mapping of field IDs. Its "
        "fields cannot be checked until it is; the data are still checked.",
        "`TITLE: \"Survey` (the quote is not closed) on line 2.",
        "Correct the file at the line named (a YAML linter helps), or start again from a "
        "bundled example's metadata.yaml.",
    ),
    IssueType(
        "metadata-missing-field", "Missing metadata field", "error", ("#metadata",),
        "A field the standard requires is absent from the metadata file.",
        "A metadata file without LICENCE.",
        "Add the field; see the metadata reference for what it holds.",
    ),
    IssueType(
        "metadata-unknown-field", "Unknown metadata field", "error", ("#metadata",),
        "A key of the metadata file is not a field of the standard.",
        "`CONTACT_MAIL: …` instead of `CONTACT_EMAIL`.",
        "Rename the key (the message suggests the closest) or remove it.",
    ),
    IssueType(
        "metadata-invalid-value", "Invalid metadata value", "error", ("#metadata",),
        "A metadata field has a value of the wrong kind or outside its code list, or text "
        "holding a character that is no text (a control character other than tab, LF and CR; "
        "U+FFFE, U+FFFF), which SDMX-ML cannot carry.",
        "`CONTACT_EMAIL: not-an-address`, or `SAMPLING_METHOD: RANDOM`.",
        "Correct the value as the message says.",
    ),
    IssueType(
        "personal-data", "Personal data in free text", "error", ("#row", "#cell", "#privacy"),
        "A free-text attribute (COMMENT_OBS, SOURCE_DETAIL…) or a metadata text holds what "
        "looks like personal data: a phone number, a person's e-mail address, a national ID "
        "number (Kenya, Nepal, India, Bangladesh, Vietnam, Malawi, Denmark formats) or a name "
        "next to a title. The message says which kind and shows the match masked, never in "
        "full. Conversion refuses until it is removed or accepted.",
        "`COMMENT_OBS: Call Mr Otieno on 0712 345 678`.",
        "Remove the personal data. If it may be published (an organisation's helpline, a "
        "public official), accept that finding: `--accept-personal-data ROW:COLUMN` (or "
        "`FIELD` for the metadata), `DerivationConfig(accept_personal_data=...)` in Python; "
        "it is then reported as a warning.",
    ),
    # -- SDMX messages against the official schemas (sdmx_cso.schemas.validate_message and
    #    validate_json), not submissions: tagged #message, tested in tests/formats/test_xsd.py
    IssueType(
        "xml-syntax", "SDMX-ML message not well-formed", "error", ("#message",),
        "The SDMX-ML message is not well-formed XML (an unclosed element, a stray `&`, bytes "
        "that are not in its encoding), so it cannot be checked against the schemas. The "
        "issue names the line of the first such error.",
        "`<mes:Header>` never closed, reported on the last line.",
        "Correct the file at the line named, or write the message again with the tool "
        "that made it.",
    ),
    IssueType(
        "xml-schema", "SDMX-ML message not valid against the schemas", "error",
        ("#message",),
        "An element or attribute of the SDMX-ML message breaks the official SDMX-ML schemas "
        "(XSD) or, for structure-specific data, the DSD-specific schema: a code outside its "
        "code list, a missing mandatory attribute, a value of the wrong type. One issue per "
        "schema error, at its line; a long code list in the message is shortened to its size.",
        "`OBS_STATUS=\"Z\"` on line 12: not an element of the code list.",
        "Correct the value or element named at that line (`sdmx-cso xsd` writes the "
        "DSD-specific schema, to check with any XML editor).",
    ),
    IssueType(
        "json-schema", "SDMX-JSON message not valid against the schema", "error",
        ("#message",),
        "A member of the SDMX-JSON 2.0 message breaks the official SDMX-JSON JSON Schema: "
        "a required member missing, a value of the wrong type. One issue per schema error, "
        "located by the JSON pointer of the offending value (the issue's `column`, e.g. "
        "`/meta/schema`; empty for the whole message).",
        "`\"schema\": 1` where the schema wants a URL: `/meta/schema`.",
        "Correct the member the pointer names.",
    ),
)  # fmt: skip

CATALOGUE: dict[str, IssueType] = {entry.code: entry for entry in _ENTRIES}
"""Every issue code, with its documentation."""

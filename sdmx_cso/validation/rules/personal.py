"""The personal-data guard: phone numbers, e-mail addresses, national IDs and names in free text.

Free-text attributes (COMMENT_OBS, COMMENT_TS, SOURCE_DETAIL, TIME_DETAIL and the labels) and
the free text of the metadata are scanned. A finding is an error (``personal-data``) located
by file, row and column, naming what kind of personal data it looks like and showing the
match only masked (``+2••••••••78``), never in full. A submitter who has checked a finding
(a published helpline number, say) accepts it with `DerivationConfig.accept_personal_data`
(``--accept-personal-data ROW:COLUMN`` on the command line; ``FIELD`` for the metadata):
it is then a warning.

What is looked for (the coalition countries' formats):

* phone numbers: ``+`` and a country code with 8 to 14 more digits; national mobile numbers
  of Kenya (``07…``/``01…``, 10 digits), Nepal (``97…``/``98…``, 10), India (``6…``–``9…``,
  10), Bangladesh (``01[3-9]…``, 11), Vietnam (``0[35789]…``, 10) and Malawi (``0[89]…``,
  10), with spaces, dots or dashes between groups;
* e-mail addresses, except the metadata's CONTACT_EMAIL and role addresses (``info@``,
  ``data@``…);
* national ID numbers: India's Aadhaar (12 digits, ``dddd dddd dddd``) and PAN, Kenya's KRA
  PIN, Nepal's citizenship number (``dd-dd-dd-ddddd``), Bangladesh's NID (13 or 17 digits),
  Vietnam's citizen ID (12 digits from ``0``), Denmark's CPR (``ddmmyy-dddd``), and any run
  of 6 or more digits right after an identifying word (ID, NID, citizenship, Aadhaar, CPR,
  passport…), which covers Kenya's and Malawi's ID cards;
* names next to identifying words: a capitalised name after a title or "name"
  (``Mr``, ``Mrs``, ``Ms``, ``Dr``, ``Shri``, ``Smt``, ``Md``, ``Bwana``, ``named``…).

Years, counts, codes, decimal values and dates are none of these (the bundled examples are
tested for false positives).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow.compute as pc

from sdmx_cso.validation.report import Issue
from sdmx_cso.validation.rules.context import RuleContext

__all__ = ["FREE_TEXT_COLUMNS", "Finding", "check", "find_personal_data", "mask"]

#: The free-text attributes of the DSD that are scanned.
FREE_TEXT_COLUMNS = (
    "COMMENT_OBS",
    "COMMENT_TS",
    "SOURCE_DETAIL",
    "TIME_DETAIL",
    "CUST_BREAKDOWN_LB",
    "POP_GROUP_LB",
    "SCALE_LABELS",
)
#: Metadata fields that hold a person's contact by design.
_CONTACT_FIELDS = frozenset({"CONTACT_NAME", "CONTACT_EMAIL"})
_ROLES = frozenset(
    {
        "info", "data", "contact", "office", "admin", "support", "secretariat", "hello",
        "team", "research", "stats", "statistics", "enquiries", "inquiries", "noreply",
        "no-reply", "mail", "communications",
    }
)  # fmt: skip
_SEP = r"[ .\-]?"
_ID_WORDS = (
    r"(?:national\s+id|nid|id\s*(?:card|no\.?|number|#)?|identity\s+card|citizenship(?:\s+no\.?)?"
    r"|aadhaa?r|cpr|passport(?:\s+no\.?)?|kitambulisho|nagarikta|cccd|cmnd|pan)"
)
_TITLES = (
    r"(?:Mr|Mrs|Ms|Miss|Dr|Shri|Smt|Sri|Md|Mohd|Bwana|Mzee|Mama|Baba|Bi|Ndugu|Sushri)\.?"
    r"|(?:named|name\s+is|name:|called|son\s+of|daughter\s+of|wife\s+of|s/o|d/o|w/o)"
)
_NAME = r"[A-Z][a-z]+(?:[ \-][A-Z][a-z]+)?"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("e-mail address", re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")),
    (
        "national ID number",  # any number after an identifying word (Kenya, Malawi…)
        re.compile(
            rf"(?<![A-Za-z])(?i:{_ID_WORDS})\s*[:#.]?\s*"
            r"(?:\d[\d \-/]{4,18}\d|(?=[A-Z]*\d)(?=\d*[A-Z])[A-Z0-9]{8})(?![A-Za-z0-9])"
        ),
    ),
    ("national ID number", re.compile(r"\b[2-9]\d{3}[ \-]\d{4}[ \-]\d{4}\b")),  # Aadhaar
    ("national ID number", re.compile(r"\b[A-Z]{5}\d{4}[A-Z]\b")),  # India PAN
    ("national ID number", re.compile(r"\b[AP]\d{9}[A-Z]\b")),  # Kenya KRA PIN
    ("national ID number", re.compile(r"\b\d{2}-\d{2}-\d{2}-\d{5}\b")),  # Nepal citizenship
    ("national ID number", re.compile(r"(?<![\d.])(?:\d{13}|\d{17})(?![\d.])")),  # Bangladesh
    ("national ID number", re.compile(r"(?<![\d.])0\d{11}(?![\d.])")),  # Vietnam CCCD
    (
        "national ID number",  # Denmark CPR
        re.compile(r"(?<![\d.\-])(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}-\d{4}(?![\d\-])"),
    ),
    ("phone number", re.compile(rf"(?<![\w+])\+\d{{1,3}}(?:{_SEP}\(?\d\)?){{8,14}}(?!\d)")),
    (
        "phone number",
        re.compile(
            r"(?<![\d.\-/])(?:"
            rf"0[17]\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{3}}"  # Kenya
            rf"|9[78]\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{3}}"  # Nepal (and India)
            rf"|[6-9]\d{{4}}{_SEP}\d{{5}}"  # India
            rf"|01[3-9]\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{3}}"  # Bangladesh
            rf"|0[35789]\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{3}}"  # Vietnam, Malawi
            r")(?![\d.\-/])"
        ),
    ),
    ("person's name", re.compile(rf"(?<![A-Za-z])(?:{_TITLES})\s+{_NAME}")),
)
#: A cheap filter: text with none of these cannot hold a finding.
_MAYBE = r"@|\d{5}|\d{3}[ .\-]\d|[A-Z]{5}\d|[A-Z][a-z]*\.? +[A-Z][a-z]|name|called|/o"


@dataclass(frozen=True, slots=True)
class Finding:
    """Personal data found in a text: its kind and where (character offsets)."""

    kind: str
    start: int
    end: int


def mask(text: str) -> str:
    """A match shown without giving it away: its first two and last two characters.

    Examples:
        >>> mask("+254 712 345 678")
        '+2••••••••••••78'
    """
    if len(text) <= 6:
        return text[0] + "•" * (len(text) - 1)
    return text[:2] + "•" * (len(text) - 4) + text[-2:]


def find_personal_data(text: str, *, allowed: Iterable[str] = ()) -> list[Finding]:
    """The personal data in ``text`` (``allowed``: e-mail addresses that may appear).

    Examples:
        >>> [f.kind for f in find_personal_data("Call Mr Kamau on 0712 345 678")]
        ['phone number', "person's name"]
        >>> find_personal_data("Rise of 12.5 % since 2021-03-01, n=412 (KE-30)")
        []
    """
    allow = {a.lower() for a in allowed}
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(start < e and s < end for s, e in taken):
                continue
            if kind == "e-mail address":
                address = m.group(0).lower()
                if address in allow or address.split("@")[0] in _ROLES:
                    continue
            found.append(Finding(kind, start, end))
            taken.append((start, end))
    return sorted(found, key=lambda f: f.start)


def check(ctx: RuleContext) -> Iterator[Issue]:
    """Personal data in the free-text columns (by row) and in the metadata (once)."""
    allowed = [str(ctx.metadata.contact_email)] if ctx.metadata is not None else []
    for column in FREE_TEXT_COLUMNS:
        if column not in ctx.present or not ctx.table.num_rows:
            continue
        values = ctx.table.column(column).combine_chunks()
        maybe = pc.fill_null(pc.match_substring_regex(values, _MAYBE), False)
        rows = pc.indices_nonzero(maybe).to_pylist()
        if not rows:
            continue
        texts = values.take(rows).to_pylist()
        for row, text in zip(rows, texts, strict=True):
            for f in find_personal_data(text, allowed=allowed):
                yield ctx.issue(
                    "personal-data",
                    _message(f, text),
                    row=row,
                    column=column,
                    value=mask(text[f.start : f.end]),
                )
    if ctx.metadata is not None and ctx.first_batch:  # once: its cost grows with the
        yield from _metadata(ctx, allowed)  # metadata (service points), not with the batch


def _message(f: Finding, text: str) -> str:
    return (
        f"looks like a {f.kind} ({mask(text[f.start : f.end])}); remove it, or if it may be "
        "published (an organisation's helpline, say) accept this finding with "
        "--accept-personal-data ROW:COLUMN (FIELD in the metadata)"
    )


def _metadata(ctx: RuleContext, allowed: list[str]) -> Iterator[Issue]:
    assert ctx.metadata is not None
    data = ctx.metadata.model_dump(mode="json", by_alias=True, exclude_none=True)
    for name, text in _texts(data, ""):
        if name.split(".")[0].split("[")[0] in _CONTACT_FIELDS:
            continue
        for f in find_personal_data(text, allowed=allowed):
            issue = ctx.metadata_issue("personal-data", _message(f, text), column=name)
            yield issue.model_copy(update={"value": mask(text[f.start : f.end])})


def _texts(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every text of a metadata dump, with its field path (``COLL_METHOD.FORM_ID``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, f"{path}[{i}]")

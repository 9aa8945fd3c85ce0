"""XLSForms (the ``survey`` and ``choices`` sheets): labels back to names, select types.

An export made with labels as headers (KoboToolbox's "Labels" export) is read through its
form: each header (or each segment of a group path) that is a question, group or choice
label becomes that name, and each answer that is a choice label becomes the choice name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sdmx_cso.errors import ReadError
from sdmx_cso.field.exports import Sheet
from sdmx_cso.io.tables import read_xlsx, xlsx_sheet_names

__all__ = ["XlsForm", "read_form"]


@dataclass(frozen=True)
class XlsForm:
    """What an import needs of an XLSForm.

    Attributes:
        labels: any label (every language) of a question or group → its name.
        lists: question name → its choice list name (select_one and select_multiple).
        multiple: names of the select_multiple questions.
        choices: list name → {choice label → choice name}.
    """

    labels: Mapping[str, str]
    lists: Mapping[str, str]
    multiple: frozenset[str]
    choices: Mapping[str, Mapping[str, str]]

    def named(self, sheet: Sheet) -> Sheet:
        """``sheet`` with label headers and label answers turned into names."""
        headers = {h: self._header(h) for h in sheet.headers}
        rows = tuple(
            {headers[h]: self._answer(headers[h], v) for h, v in row.items()} for row in sheet.rows
        )
        return Sheet(sheet.name, tuple(headers.values()), rows, sheet.row_numbers)

    def _header(self, header: str) -> str:
        if header in self.labels:
            return self.labels[header]
        parts = header.split("/")
        named = [self.labels.get(p.strip(), p) for p in parts]
        if len(parts) > 1:  # a split select_multiple: "Question label/Choice label"
            question = named[-2].replace("-", "/").rsplit("/", 1)[-1]
            options = self.choices.get(self.lists.get(question, ""), {})
            named[-1] = options.get(parts[-1].strip(), named[-1])
        return "/".join(named)

    def _answer(self, header: str, value: str | None) -> str | None:
        if value is None:
            return None
        question = header.replace("-", "/").rsplit("/", 1)[-1]
        options = self.choices.get(self.lists.get(question, ""), {})
        return options.get(value.strip(), value)


def read_form(path: str | Path) -> XlsForm:
    """Read an XLSForm's ``survey`` and ``choices`` sheets.

    Raises:
        ReadError: not readable, or without a ``survey`` sheet with ``type`` and ``name``.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read the form: {exc.strerror or exc}", path=path) from exc
    survey = list(_records(data, str(path), "survey"))
    if not survey or "type" not in survey[0] or "name" not in survey[0]:
        raise ReadError("an XLSForm needs a survey sheet with type and name columns", path=path)
    labels, lists, multiple = _questions(survey)
    choices: dict[str, dict[str, str]] = {}
    for row in _records(data, str(path), "choices", required=False):
        list_name, name = row.get("list_name"), row.get("name")
        if list_name and name:
            for label in _labels_of(row):
                choices.setdefault(list_name, {}).setdefault(label, name)
    return XlsForm(labels, lists, frozenset(multiple), choices)


def _labels_of(row: dict[str, Any]) -> list[str]:
    """The labels of a survey or choices row, in every language."""
    return [v.strip() for k, v in row.items() if k.split("::")[0] == "label" and v]


def _questions(
    survey: list[dict[str, Any]],
) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """Labels → names, question → choice list, and the select_multiple questions."""
    labels: dict[str, str] = {}
    lists: dict[str, str] = {}
    multiple: set[str] = set()
    for row in survey:
        kind, name = (row.get("type") or "").split(), row.get("name")
        if not kind or not name:
            continue
        for label in _labels_of(row):
            labels.setdefault(label, name)
        if kind[0] in ("select_one", "select_multiple") and len(kind) > 1:
            lists[name] = kind[1]
            if kind[0] == "select_multiple":
                multiple.add(name)
    return labels, lists, multiple


def _records(
    data: bytes, path: str, sheet: str, *, required: bool = True
) -> Iterator[dict[str, Any]]:
    if sheet not in xlsx_sheet_names(data, path=path):
        if required:
            raise ReadError(f"the form has no {sheet!r} sheet", path=path)
        return
    read = read_xlsx(data, path=path, sheet=sheet)
    for row in read.table.to_pylist():
        yield {read.columns[k].strip(): v for k, v in row.items()}

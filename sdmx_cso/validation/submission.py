"""Validate a raw submission: header, metadata and every cell, in one pass."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.codelists import closest_codes
from sdmx_cso.errors import SdmxCsoError
from sdmx_cso.model import CommunityDataset, DatasetMetadata, DerivationConfig
from sdmx_cso.model.columns import check_cells, normalize_table, sort_observations, true_rows
from sdmx_cso.model.derive_table import Derived, derive_table
from sdmx_cso.model.disclosure import DisclosurePolicy, disclosure_policy, primary_mask
from sdmx_cso.model.register import Register
from sdmx_cso.model.submission import RawSubmission
from sdmx_cso.standard import get_standard
from sdmx_cso.validation._metadata import check_metadata, lenient_extensions
from sdmx_cso.validation.report import Issue, Report
from sdmx_cso.validation.rules import RULES, RuleContext, keys
from sdmx_cso.validation.rules.keys import KeyIndex

__all__ = [
    "MANDATORY_COLUMNS",
    "BatchCheck",
    "InvalidSubmission",
    "check_submission",
    "to_dataset",
    "validate_submission",
]

#: Columns without a default: a submission must have them.
MANDATORY_COLUMNS = ("SERIES", "REF_AREA", "TIME_PERIOD", "OBS_VALUE")


class InvalidSubmission(SdmxCsoError):
    """A submission with errors was asked to become a dataset; ``report`` says why."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(f"the submission is invalid ({report.stats.errors} errors)")


def validate_submission(
    raw: RawSubmission,
    *,
    pick: Collection[str] = (),
    skip: Collection[str] = (),
    warnings_as_errors: bool = False,
    config: DerivationConfig | None = None,
    register: Register | None = None,
) -> Report:
    """Every problem of ``raw``, located by file, row and column, in one report.

    Args:
        raw: the submission as read.
        pick: report only these issue codes or tags (e.g. ``#metadata``).
        skip: leave out these issue codes or tags.
        warnings_as_errors: count warnings as errors (the report is then invalid).
        config: thresholds of the derivation rules.
        register: the coalition's register (default: the packaged one).
    """
    check = BatchCheck(raw, config=config, build=False, register=register)
    check.add(raw)
    return check.report(raw.data_file, pick=pick, skip=skip, warnings_as_errors=warnings_as_errors)


def check_submission(
    raw: RawSubmission,
    *,
    config: DerivationConfig | None = None,
    register: Register | None = None,
) -> tuple[Report, CommunityDataset | None]:
    """The full report of ``raw`` and, when it is valid, its dataset (one pass)."""
    issues, dataset, notes = _check(raw, config, register=register)
    report = Report.from_issues(
        issues, rows=raw.table.num_rows, observations=raw.table.num_rows, notes=notes
    )
    return report, dataset if report.valid else None


def to_dataset(
    raw: RawSubmission,
    *,
    config: DerivationConfig | None = None,
    register: Register | None = None,
    skip: Collection[str] = (),
) -> CommunityDataset:
    """The dataset of a valid submission, with every derivable attribute filled in.

    Args:
        raw: the submission as read.
        config: thresholds of the derivation rules.
        register: the coalition's register (default: the packaged one).
        skip: issue codes not to check (``outside-dataflow-constraint`` when registering
            a revision).

    Raises:
        InvalidSubmission: the submission has errors (its ``report`` lists them).
    """
    issues, dataset, _ = _check(raw, config, register=register, skip=skip)
    if dataset is None or any(i.severity == "error" for i in issues):
        raise InvalidSubmission(Report.from_issues(issues, rows=raw.table.num_rows))
    return dataset


def _selected(issue: Issue, pick: Collection[str], skip: Collection[str]) -> bool:
    keys = {issue.code, *issue.tags}
    if pick and not keys & set(pick):
        return False
    return not keys & set(skip)


class BatchCheck:
    """The validation of one submission, a record batch at a time, in bounded memory.

    Each call of `add` checks one batch: its cells, the rules that look at one row at a
    time, and the keys (through `sdmx_cso.validation.rules.keys.KeyIndex`, which keeps hashes,
    not rows). While no error has been found, it also returns the batch's observations
    with every derivable attribute filled in (`derive_table`), for the writers; `issues`
    gives the whole report's issues at the end, in the same order whatever the batches.
    A whole table is checked as one batch (`validate_submission`).

    Args:
        first: the first batch (its table may be empty); its header, metadata and files
            stand for the whole submission.
        config: thresholds of the derivation rules.
        build: derive the observations of valid batches (``False``: only check).
        register: the coalition's register (default: the packaged one).
        skip: issue codes not to check at all.
    """

    def __init__(
        self,
        first: RawSubmission,
        *,
        config: DerivationConfig | None = None,
        build: bool = True,
        register: Register | None = None,
        skip: Collection[str] = (),
    ) -> None:
        self._config = config
        self._build = build
        self._register = register
        self._skip = frozenset(skip)
        self._header = list(_header(first))
        unparsed = any(p.code == "metadata-syntax" for p in first.problems)
        self.metadata, self._meta_issues = (
            (None, []) if unparsed else check_metadata(first.metadata, first.metadata_file)
        )
        self._extensions = (
            self.metadata.extensions if self.metadata else lenient_extensions(first.metadata)
        )
        self._read: list[Issue] = []
        self._cells: list[Issue] = []
        self._rules: list[list[Issue]] = [[] for _ in _ROW_RULES]
        self._keys = KeyIndex()
        self._mandatory: list[Issue] = []
        self._batches = 0
        self._derived: dict[str, Derived] = {}
        self._withheld: list[int] = []
        self._disclosure: DisclosurePolicy | None = None
        self.rows = 0
        self._failed = unparsed or _has_error(self._header) or _has_error(self._meta_issues)
        self._unparsed = unparsed

    def _accepted(self, issue: Issue) -> Issue:
        """A personal-data finding the submitter accepted, as a warning."""
        accepted = self._config.accept_personal_data if self._config else frozenset()
        if issue.code != "personal-data" or not accepted:
            return issue
        where = issue.column if issue.row is None else f"{issue.row}:{issue.column}"
        if where not in accepted:
            return issue
        return issue.model_copy(
            update={"severity": "warning", "message": f"{issue.message} (accepted)"}
        )

    @property
    def failed(self) -> bool:
        """Whether an error has been found so far (derived batches are then not returned)."""
        return self._failed

    def add(self, raw: RawSubmission) -> pa.Table | None:
        """Check one batch; return its derived observations while the submission is valid.

        ``raw`` is the batch as read (its ``first_row`` or ``row_numbers`` place it in the
        file); its problems are the reader's for these rows.
        """
        read = [
            Issue.make(
                p.code,
                p.message,
                file=p.file or raw.data_file,
                row=p.row,
                column=raw.columns.get(p.column, p.column) if p.column else None,
                value=p.value,
            )
            for p in raw.problems
        ]
        known = [n for n in raw.table.column_names if n in get_standard().dsd.columns]
        table = raw.table.select(known)
        cells = list(_cells(raw, table, self._extensions))
        if self._unparsed:  # the metadata's own codes are unknown: do not call them wrong
            declarable = {raw.columns.get(c, c) for c in _DECLARABLE}
            cells = [
                i for i in cells
                if not (i.code == "code-not-in-codelist" and i.column in declarable)
            ]  # fmt: skip
        failed = {i.row for i in cells if i.row is not None}
        ctx = RuleContext(
            table=normalize_table(table, typed=False),
            metadata=self.metadata,
            row_number=raw.row_number,
            data_file=raw.data_file,
            metadata_file=raw.metadata_file,
            columns={name: raw.columns.get(name, name) for name in table.column_names},
            invalid_rows=_indices_of(raw, failed, table.num_rows),
            rows=_row_array(raw),
            register=self._register,
            first_batch=not self._batches,
        )
        rules = []
        for found, rule in zip(self._rules, _ROW_RULES, strict=True):
            found_issues = (i for i in rule(ctx) if i.code not in self._skip)
            issues = sorted(map(self._accepted, found_issues), key=_by_row)
            if self._batches:  # issues of the metadata (no row) are reported once
                issues = [i for i in issues if i.row is not None]
            found.extend(issues)
            rules += issues
        self._keys.add(ctx, ctx.spreadsheet_rows())
        self._read += read
        self._cells += cells
        self._batches += 1
        self.rows += raw.table.num_rows
        self._failed = self._failed or any(map(_has_error, (read, cells, rules)))
        if self.metadata is not None and not self._failed:
            # only reported when nothing else is wrong: not worth checking otherwise
            mandatory = list(_mandatory(raw, table, self.metadata))
            self._mandatory += mandatory
            self._failed = _has_error(mandatory)
        if self._failed or self.metadata is None or not table.num_rows:
            return None
        typed = normalize_table(table)
        withheld = primary_mask(typed, self._policy(), self.metadata)
        self._withheld.extend(ctx.spreadsheet_rows()[withheld.to_numpy(zero_copy_only=False)])
        if not self._build:
            return None
        return derive_table(typed, self.metadata, self._config, cache=self._derived)

    def _policy(self) -> DisclosurePolicy:
        if self._disclosure is None:
            self._disclosure = disclosure_policy(self.metadata, self._config)
        return self._disclosure

    def notes(self) -> list[str]:
        """What disclosure control will withhold, for the report (information)."""
        if not self._withheld or self._failed:
            return []
        rows = sorted(int(r) for r in self._withheld)
        shown = ", ".join(map(str, rows[:20])) + (" …" if len(rows) > 20 else "")
        policy = self._policy()
        return [
            f"disclosure control will withhold {len(rows)} cells resting on counts below "
            f"{policy.primary_threshold} ({policy.sensitive_threshold} for sensitive groups), "
            f"rows {shown} (primary suppression), and on conversion the cells that would give "
            f"them away (secondary suppression); `sdmx-cso protect` shows which and why"
        ]

    def issues(self, data_file: str) -> list[Issue]:
        """Every issue of the submission, once all batches are added."""
        issues = [*self._read, *self._header, *self._meta_issues, *self._cells]
        issues += self._keys.issues()
        for found in self._rules:
            issues += found
        if self.rows == 0:
            issues.append(
                Issue.make("no-observations", "the data file has no observations", file=data_file)
            )
        if not _has_error(issues) and self.metadata is not None:
            issues += self._mandatory  # only reported once nothing else is wrong
        return issues

    def merge(self, other: BatchCheck) -> None:
        """Take in the check of the rows that follow, made elsewhere (a Dask task, say).

        ``other`` checked the next part of the same submission (same header and metadata)
        as if it were a file of its own, its first row numbered 2; its rows are renumbered
        to follow this check's. Merging the checks of consecutive parts in order gives the
        check of the whole: duplicate keys and series attributes are compared across parts.
        """
        offset = self.rows

        def shifted(issues: list[Issue]) -> list[Issue]:
            return [
                i if i.row is None else i.model_copy(update={"row": i.row + offset}) for i in issues
            ]

        # a metadata file's problem is the whole submission's, once (its row is a line of
        # the metadata file, not of the data)
        self._read += shifted([i for i in other._read if i.code != "metadata-syntax"])
        self._cells += shifted(other._cells)
        for mine, theirs in zip(self._rules, other._rules, strict=True):
            mine += shifted([i for i in theirs if i.row is not None])
        self._keys.merge(other._keys, offset)
        self._mandatory += shifted(other._mandatory)
        self._withheld += [r + offset for r in other._withheld]
        self._batches += other._batches
        self.rows += other.rows
        self._failed = self._failed or other._failed

    def report(
        self,
        data_file: str,
        *,
        pick: Collection[str] = (),
        skip: Collection[str] = (),
        warnings_as_errors: bool = False,
    ) -> Report:
        """The report, once all batches are added (``pick``, ``skip``: issue codes or tags)."""
        selected = [i for i in self.issues(data_file) if _selected(i, pick, skip)]
        return Report.from_issues(
            selected,
            rows=self.rows,
            observations=self.rows,
            warnings_as_errors=warnings_as_errors,
            notes=self.notes(),
        )


#: The rules checked a batch at a time (keys are checked across batches by `KeyIndex`).
_ROW_RULES = tuple(rule for rule in RULES if rule is not keys.check)
#: Columns whose codes a metadata file may declare (coalition series, local areas, service
#: points, data providers): not checked when the metadata file cannot be read.
_DECLARABLE = ("SERIES", "REF_AREA", "SERVICE_POINT", "DATA_PRODUCER")


def _by_row(issue: Issue) -> tuple[bool, int]:
    return (issue.row is not None, issue.row or 0)


def _has_error(issues: list[Issue]) -> bool:
    return any(i.severity == "error" for i in issues)


def _row_array(raw: RawSubmission) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The spreadsheet row number of each row of ``raw``'s table."""
    if raw.row_numbers is not None:
        return np.array(raw.row_numbers, dtype=np.int64)
    return np.arange(raw.first_row, raw.first_row + raw.table.num_rows, dtype=np.int64)


def _check(
    raw: RawSubmission,
    config: DerivationConfig | None,
    *,
    build: bool = True,
    register: Register | None = None,
    skip: Collection[str] = (),
) -> tuple[list[Issue], CommunityDataset | None, list[str]]:
    check = BatchCheck(raw, config=config, build=build, register=register, skip=skip)
    derived = check.add(raw)
    issues = check.issues(raw.data_file)
    notes = check.notes()
    if _has_error(issues) or check.metadata is None or not build:
        return issues, None, notes
    if derived is None:  # no observations (an error) or nothing to derive
        return issues, None, notes
    dataset = CommunityDataset.model_construct(
        metadata=check.metadata, observations=sort_observations(derived)
    )
    return issues, dataset, notes


def _indices_of(raw: RawSubmission, rows: set[int], n: int) -> frozenset[int]:
    """Table indices of the given spreadsheet row numbers."""
    if not rows:
        return frozenset()
    if raw.row_numbers is None:
        return frozenset(r - raw.first_row for r in rows if 0 <= r - raw.first_row < n)
    return frozenset(i for i, number in enumerate(raw.row_numbers) if number in rows)


def _header(raw: RawSubmission) -> Iterator[Issue]:
    dsd = get_standard().dsd
    columns = set(dsd.columns)
    names = raw.table.column_names
    for name in names:
        if name not in columns:
            typed = raw.columns.get(name, name)
            hint = closest_codes(name, columns)
            extra = f"; did you mean {', '.join(hint)}?" if hint else ""
            yield Issue.make(
                "unknown-column",
                f"column {typed!r} is not a concept of the standard{extra}",
                file=raw.data_file,
                row=1,
                column=typed,
            )
    for name in MANDATORY_COLUMNS:
        if name not in names:
            yield Issue.make(
                "missing-column",
                f"the mandatory column {name} is missing",
                file=raw.data_file,
                row=1,
                column=name,
            )


def _cells(
    raw: RawSubmission, table: pa.Table, extensions: dict[str, frozenset[str]]
) -> Iterator[Issue]:
    problems = sorted(
        check_cells(table, extensions=extensions),
        key=lambda p: (p.row, table.column_names.index(p.column)),
    )
    for p in problems:
        yield Issue.make(
            p.code,
            p.message,
            file=raw.data_file,
            row=raw.row_number(p.row),
            column=raw.columns.get(p.column, p.column),
            value=p.value,
        )


def _mandatory(raw: RawSubmission, table: pa.Table, metadata: DatasetMetadata) -> Iterable[Issue]:
    """Mandatory attributes that stay empty after derivation.

    OBS_STATUS is always derived and UNIT_MULT defaults to ``0``; UNIT_MEASURE is the one
    mandatory attribute that only the submission or a coalition series declaration can give.
    """
    n = table.num_rows
    unit = table.column("UNIT_MEASURE") if "UNIT_MEASURE" in table.column_names else None
    if unit is None:
        unit = pa.nulls(n, pa.string())
    if metadata.series:
        codes = pa.array([s.code for s in metadata.series], pa.string())
        units = pa.array([s.unit for s in metadata.series], pa.string())
        declared = pc.take(units, pc.index_in(table.column("SERIES"), value_set=codes))
        unit = pc.coalesce(unit, declared)
    for row in true_rows(pc.is_null(unit)):
        yield Issue.make(
            "missing-mandatory-attribute",
            "UNIT_MEASURE is mandatory and empty, and no coalition series declares it",
            file=raw.data_file,
            row=raw.row_number(row),
            column="UNIT_MEASURE",
        )

"""Validate a raw submission: header, metadata and every cell, in one pass."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.codelists import closest_codes
from sdmx_cso.errors import SdmxCsoError
from sdmx_cso.model import CommunityDataset, DatasetMetadata, DerivationConfig
from sdmx_cso.model.columns import check_cells, normalize_table, sort_observations, true_rows
from sdmx_cso.model.derive_table import derive_table
from sdmx_cso.model.submission import RawSubmission
from sdmx_cso.standard import get_standard
from sdmx_cso.validate._metadata import check_metadata, lenient_extensions
from sdmx_cso.validate.report import Issue, Report
from sdmx_cso.validate.rules import RuleContext, run_rules

__all__ = [
    "MANDATORY_COLUMNS",
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
) -> Report:
    """Every problem of ``raw``, located by file, row and column, in one report.

    Args:
        raw: the submission as read.
        pick: report only these issue codes or tags (e.g. ``#metadata``).
        skip: leave out these issue codes or tags.
        warnings_as_errors: count warnings as errors (the report is then invalid).
        config: thresholds of the derivation rules.
    """
    issues, _ = _check(raw, config, build=False)
    selected = [i for i in issues if _selected(i, pick, skip)]
    observations = raw.table.num_rows
    return Report.from_issues(
        selected,
        rows=raw.table.num_rows,
        observations=observations,
        warnings_as_errors=warnings_as_errors,
    )


def check_submission(
    raw: RawSubmission, *, config: DerivationConfig | None = None
) -> tuple[Report, CommunityDataset | None]:
    """The full report of ``raw`` and, when it is valid, its dataset (one pass)."""
    issues, dataset = _check(raw, config)
    report = Report.from_issues(issues, rows=raw.table.num_rows, observations=raw.table.num_rows)
    return report, dataset if report.valid else None


def to_dataset(raw: RawSubmission, *, config: DerivationConfig | None = None) -> CommunityDataset:
    """The dataset of a valid submission, with every derivable attribute filled in.

    Raises:
        InvalidSubmission: the submission has errors (its ``report`` lists them).
    """
    issues, dataset = _check(raw, config)
    if dataset is None or any(i.severity == "error" for i in issues):
        raise InvalidSubmission(Report.from_issues(issues, rows=raw.table.num_rows))
    return dataset


def _selected(issue: Issue, pick: Collection[str], skip: Collection[str]) -> bool:
    keys = {issue.code, *issue.tags}
    if pick and not keys & set(pick):
        return False
    return not keys & set(skip)


def _check(
    raw: RawSubmission, config: DerivationConfig | None, *, build: bool = True
) -> tuple[list[Issue], CommunityDataset | None]:
    issues = [
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
    issues += _header(raw)
    metadata, meta_issues = check_metadata(raw.metadata, raw.metadata_file)
    issues += meta_issues
    extensions = metadata.extensions if metadata else lenient_extensions(raw.metadata)
    known = [n for n in raw.table.column_names if n in get_standard().dsd.columns]
    table = raw.table.select(known)
    cell_issues = list(_cells(raw, table, extensions))
    issues += cell_issues
    failed = {i.row for i in cell_issues if i.row is not None}
    issues += run_rules(
        RuleContext(
            table=normalize_table(table, typed=False),
            metadata=metadata,
            row_number=raw.row_number,
            data_file=raw.data_file,
            metadata_file=raw.metadata_file,
            columns={name: raw.columns.get(name, name) for name in table.column_names},
            invalid_rows=_indices_of(raw, failed, table.num_rows),
        )
    )
    if raw.table.num_rows == 0:
        issues.append(
            Issue.make("no-observations", "the data file has no observations", file=raw.data_file)
        )
    if any(i.severity == "error" for i in issues) or metadata is None:
        return issues, None
    issues += _mandatory(raw, table, metadata)
    if not build or any(i.severity == "error" for i in issues):
        return issues, None
    derived = derive_table(sort_observations(normalize_table(table)), metadata, config)
    dataset = CommunityDataset.model_construct(metadata=metadata, observations=derived)
    return issues, dataset


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

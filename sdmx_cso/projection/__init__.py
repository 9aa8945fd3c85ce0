"""Projection of a coalition dataset onto the SDG DSD or a national DSD (standard.md §8.7).

`project` applies the rules of `sdmx_cso.projection.rules` and returns a `Projection`:
the projected rows, the refused ones with their reasons, and the counts.
`write_projection` writes it as SDMX-ML 2.1 structure-specific data (the shape of the
KE1 sample), SDMX-CSV 1.0 or Open SDG's ``indicator_X-Y-Z.csv`` files, with
``<stem>.refused.csv`` beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sdmx_cso.api import Source, as_submission, load
from sdmx_cso.bridge.foreign import read_foreign
from sdmx_cso.io.atomic import atomic_output
from sdmx_cso.model import CommunityDataset, DerivationConfig
from sdmx_cso.model.disclosure import disclosure_policy, protect_table, with_disclosure_metadata
from sdmx_cso.model.register import Register
from sdmx_cso.model.submission import RawSubmission
from sdmx_cso.projection.areas import read_crosswalk
from sdmx_cso.projection.comparison import COMPARISON_COLUMNS, Comparison, compare_tables
from sdmx_cso.projection.comparison import write_comparison as _write_comparison
from sdmx_cso.projection.result import REASONS, CustomBreakdown, Projection, Refusal
from sdmx_cso.projection.rules import project_dataset
from sdmx_cso.projection.target import TargetStructure, global_target, read_target
from sdmx_cso.projection.write import PROJECTION_FORMATS, refused_path_for, write_projection
from sdmx_cso.standard import get_standard

__all__ = [
    "COMPARISON_COLUMNS",
    "PROJECTION_FORMATS",
    "REASONS",
    "Comparison",
    "CustomBreakdown",
    "Projection",
    "Refusal",
    "TargetStructure",
    "compare",
    "global_target",
    "project",
    "read_crosswalk",
    "read_target",
    "refused_path_for",
    "write_comparison",
    "write_projection",
]

_DEFAULTS = {"FREQ": "A", "REPORTING_TYPE": "N"}


def _row_numbers(raw: RawSubmission, dataset: CommunityDataset) -> list[int] | None:
    """The submission row of each observation of ``dataset`` (in its key order)."""
    key_ids = (*get_standard().dsd.dimension_ids, "TIME_PERIOD")
    table = raw.table
    columns = {k: table.column(k).to_pylist() for k in key_ids if k in table.column_names}
    where: dict[tuple[str, ...], int] = {}
    for index in range(table.num_rows):
        key = tuple(
            (columns[k][index] if k in columns else None) or _DEFAULTS.get(k, "_T") for k in key_ids
        )
        where[tuple(str(v).strip() for v in key)] = raw.row_number(index)
    numbers: list[int] = []
    for batch in dataset.observations.select(list(key_ids)).to_batches():
        for row in batch.to_pylist():
            found = where.get(tuple(str(row[k]) for k in key_ids))
            if found is None:
                return None
            numbers.append(found)
    return numbers


def _mapping(value: Mapping[str, str] | str | Path | None) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str | Path):
        return read_crosswalk(value)
    return dict(value)


def _dataset(
    source: CommunityDataset | Source,
    metadata: str | Path | None,
    config: DerivationConfig | None,
    register: Register | None,
) -> tuple[CommunityDataset, list[int] | None]:
    if isinstance(source, CommunityDataset):
        return _protected(source.derived(config), config), None  # idempotent when loaded
    raw = as_submission(source, metadata)
    dataset = _protected(load(raw, config=config, register=register), config)
    return dataset, _row_numbers(raw, dataset)


def _protected(dataset: CommunityDataset, config: DerivationConfig | None) -> CommunityDataset:
    """The dataset with disclosure control applied, as every conversion applies it.

    A projection is an output like any other: the cells that primary and secondary
    suppression withhold (and geographic coarsening) come out withheld, so the rules refuse
    them (reason ``suppressed``) and no value of theirs is ever projected. Protecting a
    protected dataset changes nothing.
    """
    policy = disclosure_policy(dataset.metadata, config)
    table, audit = protect_table(dataset.observations, dataset.metadata, policy)
    metadata = with_disclosure_metadata(dataset.metadata, audit)
    return CommunityDataset.model_construct(metadata=metadata, observations=table)


def project(
    source: CommunityDataset | Source,
    *,
    target: TargetStructure | str | Path | None = None,
    area_map: Mapping[str, str] | str | Path | None = None,
    series_map: Mapping[str, str] | str | Path | None = None,
    metadata: str | Path | None = None,
    config: DerivationConfig | None = None,
    register: Register | None = None,
) -> Projection:
    """Project a submission or dataset onto the global SDG DSD or a national DSD.

    Args:
        source: a `CommunityDataset`, or a submission (path or `RawSubmission`), which is
            loaded (checked and derived) first.
        target: the target DSD: the bundled ``IAEG-SDGs:SDG(1.4)`` by default, a
            `TargetStructure`, or the path of an SDMX-ML 2.1 structure file holding a
            national DSD and its code lists (read with `read_target`).
        area_map: area crosswalk, ours → theirs (``{"KE-30": "KE_NBO"}``) or a CSV file.
        series_map: series crosswalk, ours → theirs (``{"CGD_X": "_L_KE_010101"}``) or a
            CSV file; for national DSDs with local series.
        metadata: the metadata file, when ``source`` is a data file.
        config: thresholds of the derivation rules.
        register: the coalition's register (default: the one packaged with the standard).

    Returns:
        The projection: rows, refusals (each with the submission's row number and a
        reason) and counts.

    Raises:
        ReadError: a file cannot be read.
        InvalidSubmission: the submission has errors.
    """
    if isinstance(target, str | Path):
        target = read_target(target)
    target = target or global_target()
    dataset, numbers = _dataset(source, metadata, config, register)
    return project_dataset(
        dataset,
        target,
        area_map=_mapping(area_map),
        series_map=_mapping(series_map),
        row_numbers=numbers,
    )


def compare(
    source: CommunityDataset | Source,
    *,
    official: str | Path,
    official_structure: str | Path | None = None,
    area_map: Mapping[str, str] | str | Path | None = None,
    metadata: str | Path | None = None,
    config: DerivationConfig | None = None,
    register: Register | None = None,
) -> Comparison:
    """Compare a submission's values with official SDG data.

    Args:
        source: a `CommunityDataset`, or a submission (path or `RawSubmission`).
        official: official SDG data in any format `sdmx_cso.read_foreign` reads.
        official_structure: the structure message of the official data (SDMX-ML only).
        area_map: area crosswalk, ours → theirs, or a CSV file.
        metadata: the metadata file, when ``source`` is a data file.
        config: thresholds of the derivation rules.
        register: the coalition's register (default: the one packaged with the standard).

    Returns:
        The matched pairs (see `sdmx_cso.projection.comparison`) and the coverage gap.

    Raises:
        ReadError: a file cannot be read.
        InvalidSubmission: the submission has errors.
    """
    dataset, _ = _dataset(source, metadata, config, register)
    table = read_foreign(official, structure=official_structure).table
    rows = [row for batch in table.to_batches() for row in batch.to_pylist()]
    return compare_tables(dataset, rows, area_map=_mapping(area_map))


def write_comparison(
    comparison: Comparison, output: str | Path, *, title: str = "Coalition and official values"
) -> list[Path]:
    """Write ``comparison.csv``, ``gap.csv`` and a self-contained ``report.html`` into ``output``.

    Files are written atomically; returns their paths.
    """

    def write(path: Path, data: bytes) -> None:
        with atomic_output(path) as out:
            out.write(data)

    return _write_comparison(comparison, Path(output), title=title, write=write)

"""Projection of a coalition dataset onto the SDG DSD or a national DSD (standard.md §8.7).

`project` applies the rules of `sdmx_cso.project.rules` and returns a `Projection`:
the projected rows, the refused ones with their reasons, and the counts.
`write_projection` writes it as SDMX-ML 2.1 structure-specific data (the shape of the
KE1 sample), SDMX-CSV 1.0 or Open SDG's ``indicator_X-Y-Z.csv`` files, with
``<stem>.refused.csv`` beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sdmx_cso.api import Source, as_submission, load
from sdmx_cso.model import CommunityDataset, DerivationConfig
from sdmx_cso.model.register import Register
from sdmx_cso.model.submission import RawSubmission
from sdmx_cso.project.areas import read_crosswalk
from sdmx_cso.project.result import REASONS, CustomBreakdown, Projection, Refusal
from sdmx_cso.project.rules import project_dataset
from sdmx_cso.project.target import TargetStructure, global_target, read_target
from sdmx_cso.project.write import PROJECTION_FORMATS, refused_path_for, write_projection
from sdmx_cso.standard import get_standard

__all__ = [
    "PROJECTION_FORMATS",
    "REASONS",
    "CustomBreakdown",
    "Projection",
    "Refusal",
    "TargetStructure",
    "global_target",
    "project",
    "read_crosswalk",
    "read_target",
    "refused_path_for",
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
    numbers: list[int] | None = None
    if isinstance(source, CommunityDataset):
        dataset = source.derived(config)  # idempotent on a loaded dataset
    else:
        raw = as_submission(source, metadata)
        dataset = load(raw, config=config, register=register)
        numbers = _row_numbers(raw, dataset)
    return project_dataset(
        dataset,
        target,
        area_map=_mapping(area_map),
        series_map=_mapping(series_map),
        row_numbers=numbers,
    )

"""Consistency with the metadata: contradictory claims, flags, and reliability."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.model import DatasetMetadata
from sdmx_cso.model.columns import true_rows
from sdmx_cso.model.derive import reliability
from sdmx_cso.standard import sdg_series_units
from sdmx_cso.validation.report import Issue
from sdmx_cso.validation.rules.context import RuleContext

_NONPROB = ("NONPROB_PURPOSIVE", "NONPROB_SNOWBALL", "NONPROB_CONVENIENCE", "NONPROB_QUOTA",
            "PARTICIPATORY_GROUP")  # fmt: skip
_NSO = frozenset({"NSO_REVIEWED", "NSO_ENDORSED"})


def check(ctx: RuleContext) -> Iterator[Issue]:
    """Claims that contradict each other, in the metadata and in the rows."""
    if ctx.metadata is None:
        return
    yield from _metadata(ctx, ctx.metadata)
    yield from _linked_units(ctx, ctx.metadata)
    yield from _row_flags(ctx, ctx.metadata)
    yield from _row_units(ctx)
    yield from _reliability(ctx)


def _sdg_units() -> dict[str, str]:
    """UNIT_MEASURE of each SDG series (from the global SDG content constraints)."""
    return {series: units["UNIT_MEASURE"] for series, units in sdg_series_units().items()}


def _linked_units(ctx: RuleContext, md: DatasetMetadata) -> Iterator[Issue]:
    units = _sdg_units()
    for i, series in enumerate(md.series, 1):
        official = units.get(series.linked_series or "")
        if official and official != series.unit:
            yield ctx.metadata_issue(
                "unit-differs-from-sdg",
                f"{series.code} is linked to {series.linked_series}, measured in {official}, "
                f"but its UNIT is {series.unit}: the values are not comparable as they are",
                column=f"SERIES[{i}].UNIT",
            )


def _row_units(ctx: RuleContext) -> Iterator[Issue]:
    if "UNIT_MEASURE" not in ctx.present:
        return
    units = _sdg_units()
    codes = pa.array(list(units), pa.string())
    official = pc.take(
        pa.array(list(units.values()), pa.string()),
        pc.index_in(ctx.table.column("SERIES"), value_set=codes),
    )
    given = ctx.table.column("UNIT_MEASURE")
    for row in true_rows(pc.not_equal(given, official)):
        yield ctx.issue(
            "unit-differs-from-sdg",
            f"UNIT_MEASURE {given[row].as_py()} differs from {official[row].as_py()}, the unit "
            f"of the SDG series {ctx.table.column('SERIES')[row].as_py()}",
            row=row, column="UNIT_MEASURE", value=given[row].as_py(),
        )  # fmt: skip


def _metadata(ctx: RuleContext, md: DatasetMetadata) -> Iterator[Issue]:
    if md.representativeness == "REP_TARGET_POP" and md.sampling_method in _NONPROB:
        yield ctx.metadata_issue(
            "contradictory-metadata",
            f"REPRESENTATIVENESS REP_TARGET_POP claims statistical representativeness, but "
            f"SAMPLING_METHOD {md.sampling_method} is not a probability sample",
            column="REPRESENTATIVENESS",
        )
    if md.validation_status in _NSO and md.quality_assmnt is None:
        yield ctx.metadata_issue(
            "contradictory-metadata",
            f"VALIDATION_STATUS {md.validation_status} needs the NSO's QUALITY_ASSMNT "
            "(office, framework, date, outcome)",
            column="VALIDATION_STATUS",
        )


def _has(flags: pa.ChunkedArray, flag: str) -> pa.ChunkedArray:
    return pc.fill_null(pc.match_substring_regex(flags, rf"(^|[\s,;]){flag}($|[\s,;])"), False)


def _row_flags(ctx: RuleContext, md: DatasetMetadata) -> Iterator[Issue]:
    flags = ctx.table.column("QUALITY_FLAGS")
    status = ctx.table.column("VALIDATION_STATUS")
    if md.quality_assmnt is None:
        for flag in sorted(_NSO):
            claimed = pc.or_(_has(flags, flag), pc.fill_null(pc.equal(status, flag), False))
            for row in true_rows(claimed):
                yield ctx.issue(
                    "flag-contradicts-metadata",
                    f"{flag} is claimed but the metadata has no QUALITY_ASSMNT by the NSO",
                    row=row, column="QUALITY_FLAGS", value=flag,
                )  # fmt: skip
    sampling = ctx.table.column("SAMPLING_METHOD")
    effective = pc.fill_null(sampling, md.sampling_method)
    probability = pc.is_in(effective, value_set=pa.array(["PROB", "CENSUS"]))
    for row in true_rows(pc.and_(_has(flags, "NON_PROBABILITY"), probability)):
        yield ctx.issue(
            "flag-contradicts-metadata",
            f"NON_PROBABILITY contradicts SAMPLING_METHOD {effective[row].as_py()}",
            row=row, column="QUALITY_FLAGS", value="NON_PROBABILITY",
        )  # fmt: skip


def _reliability(ctx: RuleContext) -> Iterator[Issue]:
    if "RELIABILITY" not in ctx.present:
        return
    given = ctx.table.column("RELIABILITY").to_pylist()
    sizes = ctx.number("SAMPLE_SIZE").to_pylist()
    modes = ctx.table.column("RESPONSE_MODE").to_pylist()
    default_mode = ctx.metadata.response_mode if ctx.metadata else None
    for row, (value, size, mode) in enumerate(zip(given, sizes, modes, strict=True)):
        if value is None:
            continue
        consensus = (mode or default_mode) == "GROUP_CONSENSUS"
        expected = reliability(None if size is None else int(size), group_consensus=consensus)
        if value != expected:
            yield ctx.issue(
                "reliability-mismatch",
                f"RELIABILITY {value} was given, but SAMPLE_SIZE {_size(size)} gives {expected}",
                row=row, column="RELIABILITY", value=value,
            )  # fmt: skip


def _size(size: float | None) -> str:
    return "(none)" if size is None else str(int(size))

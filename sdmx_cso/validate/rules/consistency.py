"""Consistency with the metadata: contradictory claims, flags, and reliability."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.model import DatasetMetadata
from sdmx_cso.model.columns import true_rows
from sdmx_cso.model.derive import reliability
from sdmx_cso.validate.report import Issue
from sdmx_cso.validate.rules.context import RuleContext

_NONPROB = ("NONPROB_PURPOSIVE", "NONPROB_SNOWBALL", "NONPROB_CONVENIENCE", "NONPROB_QUOTA",
            "PARTICIPATORY_GROUP")  # fmt: skip
_NSO = frozenset({"NSO_REVIEWED", "NSO_ENDORSED"})


def check(ctx: RuleContext) -> Iterator[Issue]:
    """Claims that contradict each other, in the metadata and in the rows."""
    if ctx.metadata is None:
        return
    yield from _metadata(ctx, ctx.metadata)
    yield from _row_flags(ctx, ctx.metadata)
    yield from _reliability(ctx)


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

"""Apply the derivation rules to a whole table of observations.

Fills what the submission left out (standard.md §1, §8.3, §8.6): series attributes from the
coalition series declarations and the dataset metadata, RELIABILITY from SAMPLE_SIZE, the
implied QUALITY_FLAGS, then OBS_STATUS, CONF_STATUS, the COMMENT_OBS caveats and
SOURCE_DETAIL. Values the submission gives are kept; flags are only ever added.

DEFINITION_DIFFERS comes from the coalition series declaration for ``CGD_*`` series, and from
the metadata's COMPARABILITY (deviations from the SDG definition) for official SDG series.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pyarrow as pa

from sdmx_cso.model.config import DerivationConfig
from sdmx_cso.model.derive import (
    comment_for_flags,
    conf_status,
    flags_from_metadata,
    flags_from_sample,
    obs_status,
    reliability,
    source_detail,
)
from sdmx_cso.model.flags import QualityFlag
from sdmx_cso.model.metadata import DatasetMetadata
from sdmx_cso.standard import get_codelist

__all__ = ["derive_table"]

_FLAG_ORDER = {flag.value: i for i, flag in enumerate(QualityFlag)}
_FROM_METADATA = (
    "SAMPLING_METHOD",
    "REPRESENTATIVENESS",
    "RESPONSE_MODE",
    "GROUP_ID_METHOD",
    "VALIDATION_STATUS",
)


def derive_table(
    table: pa.Table, metadata: DatasetMetadata, config: DerivationConfig | None = None
) -> pa.Table:
    """``table`` (canonical schema) with every derivable attribute filled in."""
    config = config or DerivationConfig()
    cols: dict[str, list[Any]] = {
        name: table.column(name).to_pylist() for name in table.column_names
    }
    n = table.num_rows
    _fill_from_series(cols, metadata, n)
    _fill_from_metadata(cols, metadata, n)
    series = metadata.series_by_code()
    meta_flags = _metadata_flag_fn(metadata, config)
    names = {p.id: p.name for p in metadata.data_source}
    producer = metadata.data_source[0].id
    method = get_codelist("CL_COLL_MODE")[metadata.coll_method.mode].name
    official_differs = bool(metadata.comparability)
    for i in range(n):
        size = cols["SAMPLE_SIZE"][i]
        consensus = cols["RESPONSE_MODE"][i] == "GROUP_CONSENSUS"
        if cols["RELIABILITY"][i] is None:
            cols["RELIABILITY"][i] = reliability(size, group_consensus=consensus, config=config)
        declared = series.get(cols["SERIES"][i])
        flags = set((cols["QUALITY_FLAGS"][i] or "").split())
        flags |= meta_flags(
            cols["SAMPLING_METHOD"][i],
            cols["REPRESENTATIVENESS"][i],
            cols["RESPONSE_MODE"][i],
            cols["GROUP_ID_METHOD"][i],
            cols["VALIDATION_STATUS"][i],
            cols["POP_GROUP"][i],
            bool(declared and declared.perception) or cols["UNIT_MEASURE"][i] == "SCORE",
            declared.definition_differs if declared else official_differs,
        )
        flags |= flags_from_sample(size, group_consensus=consensus, config=config)
        ordered = sorted(flags, key=lambda f: _FLAG_ORDER.get(f, 99))
        cols["QUALITY_FLAGS"][i] = " ".join(ordered) or None
        missing = cols["OBS_VALUE"][i] in (None, "")
        if cols["OBS_STATUS"][i] is None:
            cols["OBS_STATUS"][i] = obs_status(ordered, value_missing=missing, config=config)
        if cols["CONF_STATUS"][i] is None:
            cols["CONF_STATUS"][i] = conf_status(ordered)
        caveat = comment_for_flags(ordered)
        if caveat:
            given = cols["COMMENT_OBS"][i]
            if not given:
                cols["COMMENT_OBS"][i] = caveat
            elif caveat not in given:
                cols["COMMENT_OBS"][i] = f"{given} {caveat}"
        if cols["SOURCE_DETAIL"][i] is None:
            org = names.get(cols["DATA_PRODUCER"][i] or producer, producer)
            cols["SOURCE_DETAIL"][i] = source_detail(org, metadata.title, method, size)
    return pa.Table.from_pydict(cols, schema=table.schema)


def _fill(cols: dict[str, list[Any]], name: str, i: int, value: Any) -> None:
    if cols[name][i] is None and value is not None:
        cols[name][i] = str(value)


def _fill_from_series(cols: dict[str, list[Any]], metadata: DatasetMetadata, n: int) -> None:
    series = metadata.series_by_code()
    if not series:
        return
    for i in range(n):
        declared = series.get(cols["SERIES"][i])
        if declared is None:
            continue
        _fill(cols, "UNIT_MEASURE", i, declared.unit)
        _fill(cols, "UNIT_MULT", i, declared.unit_mult)
        _fill(cols, "SCALE_MIN", i, declared.scale_min)
        _fill(cols, "SCALE_MAX", i, declared.scale_max)
        _fill(cols, "SCALE_LABELS", i, declared.scale_labels)


def _fill_from_metadata(cols: dict[str, list[Any]], metadata: DatasetMetadata, n: int) -> None:
    values = {name: getattr(metadata, name.lower()) for name in _FROM_METADATA}
    values["DATA_PRODUCER"] = metadata.data_source[0].id
    values["UNIT_MULT"] = "0"
    for name, value in values.items():
        if value is None:
            continue
        column = cols[name]
        for i in range(n):
            if column[i] is None:
                column[i] = value


def _metadata_flag_fn(metadata: DatasetMetadata, config: DerivationConfig) -> Any:
    rate = metadata.response_rate
    mode = metadata.coll_method.mode

    @lru_cache(maxsize=4096)
    def flags(*args: Any) -> frozenset[str]:
        sm, rep, rm, gid, vs, pop, perception, differs = args
        found = flags_from_metadata(
            sampling_method=sm,
            representativeness=rep,
            response_mode=rm,
            group_id_method=gid,
            validation_status=vs,
            response_rate=rate,
            coll_mode=mode,
            pop_group=pop,
            perception=perception,
            definition_differs=differs,
            config=config,
        )
        return frozenset(f.value for f in found)

    return flags

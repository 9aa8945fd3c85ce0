"""Apply the derivation rules to a whole table of observations, vectorised.

Fills what the submission left out (standard.md §1, §8.3, §8.6): series attributes from the
coalition series declarations and the dataset metadata, RELIABILITY from SAMPLE_SIZE, the
implied QUALITY_FLAGS, then OBS_STATUS, CONF_STATUS, the COMMENT_OBS caveats and
SOURCE_DETAIL. Values the submission gives are kept; flags are only ever added.

DEFINITION_DIFFERS comes from the coalition series declaration for ``CGD_*`` series, and from
the metadata's COMPARABILITY (deviations from the SDG definition) for official SDG series.

The rules themselves are the pure functions of :mod:`sdmx_cso.model.derive`. They are applied
once per *distinct combination* of the columns they depend on (a few hundred in a national
dataset), and the results are mapped back to the rows with Arrow kernels, so the cost per row
is a handful of vectorised operations rather than Python code.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.model.config import DerivationConfig
from sdmx_cso.model.derive import (
    comment_for_flags,
    conf_status,
    flags_from_metadata,
    flags_from_sample,
    obs_status,
    reliability,
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
#: Columns whose distinct combinations decide the derived attributes.
_DECIDING = (
    *_FROM_METADATA,
    "POP_GROUP",
    "SERIES",
    "UNIT_MEASURE",
    "QUALITY_FLAGS",
    "RELIABILITY",
    "OBS_STATUS",
    "CONF_STATUS",
)
_SEP = "\x1f"
_NULL = "\x00"


#: What `_derive_combinations` gives for one combination: RELIABILITY, QUALITY_FLAGS,
#: OBS_STATUS, CONF_STATUS, COMMENT_OBS.
Derived = tuple[str | None, str | None, str | None, str | None, str | None]
_DERIVED = ("RELIABILITY", "QUALITY_FLAGS", "OBS_STATUS", "CONF_STATUS", "COMMENT_OBS")


def derive_table(
    table: pa.Table,
    metadata: DatasetMetadata,
    config: DerivationConfig | None = None,
    *,
    cache: dict[str, Derived] | None = None,
) -> pa.Table:
    """``table`` (canonical schema) with every derivable attribute filled in.

    ``cache`` keeps the derived attributes of each distinct combination of the deciding
    columns between calls with the same ``metadata`` and ``config`` (the batches of one
    submission share most of their combinations).
    """
    config = config or DerivationConfig()
    if table.num_rows == 0:
        return table
    cols: dict[str, Any] = {name: table.column(name) for name in table.column_names}
    _fill_from_series(cols, metadata)
    _fill_from_metadata(cols, metadata)
    size_class = _size_class(cols["SAMPLE_SIZE"], config)
    missing = pc.or_kleene(pc.is_null(cols["OBS_VALUE"]), pc.equal(cols["OBS_VALUE"], ""))
    missing = pc.fill_null(missing, True)
    parts = [pc.fill_null(cols[name], _NULL) for name in _DECIDING]
    parts += [size_class, pc.if_else(missing, "1", "0")]
    combo = pc.binary_join_element_wise(*parts, _SEP).combine_chunks().dictionary_encode()
    combos = combo.dictionary.to_pylist()
    cache = {} if cache is None else cache
    missing_combos = [c for c in combos if c not in cache]
    if missing_combos:
        cache.update(_derive_combinations(missing_combos, metadata, config))
    rows = [cache[c] for c in combos]
    for i, name in enumerate(_DERIVED):
        values = [r[i] for r in rows]
        mapped = pc.take(pa.array(values, pa.string()), combo.indices)
        if name == "COMMENT_OBS":
            cols[name] = _merge_comments(cols[name], mapped)
        elif name == "QUALITY_FLAGS":
            cols[name] = mapped
        else:
            cols[name] = pc.coalesce(cols[name], mapped)
    cols["SOURCE_DETAIL"] = pc.coalesce(cols["SOURCE_DETAIL"], _source_detail(cols, metadata))
    cols["NATURE"] = pc.coalesce(cols["NATURE"], _nature(cols, config))
    return pa.Table.from_arrays([cols[n] for n in table.column_names], schema=table.schema)


def _nature(cols: dict[str, Any], config: DerivationConfig) -> Any:
    """NATURE (IAEG-SDGs CL_NATURE): ``_X``, or ``C`` where the NSO publishes what it endorsed.

    Coalition data is not country data until the statistics office says so: only rows it
    endorsed (VALIDATION_STATUS ``NSO_ENDORSED``), and only when it opts in
    (`DerivationConfig.nso_publishes`), are ``C``; every other row is ``_X`` (standard.md
    §8.3, §8.6), so the provenance survives projection onto the SDG DSD.
    """
    if not config.nso_publishes:
        return pa.scalar("_X", pa.string())
    endorsed = pc.fill_null(pc.equal(cols["VALIDATION_STATUS"], "NSO_ENDORSED"), False)
    return pc.if_else(endorsed, "C", "_X")


def _size_class(sizes: Any, config: DerivationConfig) -> Any:
    """``_`` (no size), ``R`` (≥ reliable_min), ``C`` (≥ caution_min) or ``U`` per row."""
    cls = pc.if_else(
        pc.greater_equal(sizes, config.reliable_min),
        "R",
        pc.if_else(pc.greater_equal(sizes, config.caution_min), "C", "U"),
    )
    return pc.fill_null(cls, "_")


def _derive_combinations(
    combos: list[str], metadata: DatasetMetadata, config: DerivationConfig
) -> dict[str, Derived]:
    """The derived attributes of each distinct combination of the deciding columns."""
    series = metadata.series_by_code()
    differs_official = bool(metadata.comparability)
    # a representative sample size for each size class, so the pure functions decide
    sizes = {"_": None, "R": config.reliable_min, "C": config.caution_min, "U": 0}
    out: dict[str, Derived] = {}
    for combo in combos:
        fields = [None if v == _NULL else v for v in combo.split(_SEP)]
        sm, rep, rm, gid, vs, pop, code, unit, given, rel, status, conf, size_cls, miss = fields
        size = sizes[size_cls or "_"]
        consensus = rm == "GROUP_CONSENSUS"
        declared = series.get(code or "")
        flags = set((given or "").split())
        flags |= {
            f.value
            for f in flags_from_metadata(
                sampling_method=sm,
                representativeness=rep,
                response_mode=rm,
                group_id_method=gid,
                validation_status=vs,
                response_rate=metadata.response_rate,
                coll_mode=metadata.coll_method.mode,
                pop_group=pop,
                perception=bool(declared and declared.perception) or unit == "SCORE",
                definition_differs=declared.definition_differs if declared else differs_official,
                config=config,
            )
        }
        flags |= {
            f.value for f in flags_from_sample(size, group_consensus=consensus, config=config)
        }
        ordered = sorted(flags, key=lambda f: (_FLAG_ORDER.get(f, 99), f))
        out[combo] = (
            rel or reliability(size, group_consensus=consensus, config=config),
            " ".join(ordered) or None,
            status or obs_status(ordered, value_missing=miss == "1", config=config),
            conf or conf_status(ordered),
            comment_for_flags(ordered),
        )
    return out


def _merge_comments(given: Any, caveat: Any) -> Any:
    """COMMENT_OBS: the caveat where none was given; appended where it is not there yet."""
    merged = pc.coalesce(given, caveat)
    both = pc.and_(pc.is_valid(given), pc.is_valid(caveat))
    rows = pc.indices_nonzero(pc.fill_null(both, False)).to_pylist() if len(merged) else []
    if not rows:
        return merged
    values = merged.to_pylist()
    for row in rows:
        text, extra = given[row].as_py(), caveat[row].as_py()
        if extra not in text:
            values[row] = f"{text} {extra}"
    return pa.array(values, pa.string())


def _fill_from_series(cols: dict[str, Any], metadata: DatasetMetadata) -> None:
    if not metadata.series:
        return
    codes = pa.array([s.code for s in metadata.series], pa.string())
    index = pc.index_in(cols["SERIES"], value_set=codes)
    for name, attr in (
        ("UNIT_MEASURE", "unit"),
        ("UNIT_MULT", "unit_mult"),
        ("SCALE_MIN", "scale_min"),
        ("SCALE_MAX", "scale_max"),
        ("SCALE_LABELS", "scale_labels"),
    ):
        values = [getattr(s, attr) for s in metadata.series]
        text = pa.array([None if v is None else str(v) for v in values], pa.string())
        cols[name] = pc.coalesce(cols[name], pc.take(text, index))


def _fill_from_metadata(cols: dict[str, Any], metadata: DatasetMetadata) -> None:
    values = {name: getattr(metadata, name.lower()) for name in _FROM_METADATA}
    values["DATA_PRODUCER"] = metadata.data_source[0].id
    values["UNIT_MULT"] = "0"
    for name, value in values.items():
        if value is not None:
            cols[name] = pc.fill_null(cols[name], str(value))


def _source_detail(cols: dict[str, Any], metadata: DatasetMetadata) -> Any:
    """``<provider name>, <title>, <collection mode>, n=<SAMPLE_SIZE>`` per row."""
    method = get_codelist("CL_COLL_MODE")[metadata.coll_method.mode].name
    ids = pa.array([p.id for p in metadata.data_source], pa.string())
    prefixes = pa.array(
        [f"{p.name}, {metadata.title}, {method}" for p in metadata.data_source], pa.string()
    )
    prefix = pc.take(prefixes, pc.index_in(cols["DATA_PRODUCER"], value_set=ids))
    prefix = pc.fill_null(prefix, prefixes[0])
    size = pc.cast(cols["SAMPLE_SIZE"], pa.string())
    with_n = pc.binary_join_element_wise(prefix, pc.binary_join_element_wise("n=", size, ""), ", ")
    return pc.coalesce(with_n, prefix)

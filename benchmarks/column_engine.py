"""Benchmark: which column engine should hold a dataset's observations?

``sdmx_cso`` keeps observations columnar: a pydantic ``Observation`` is the API
for one row, not the storage for a million.  This script compares the three
candidate engines -- **pyarrow**, **polars** and **pandas** (with
pyarrow-backed strings) -- on the operations the library actually performs on
a civil-society data submission.

What it does
------------
1. Generates, for each requested size, a seeded and deterministic submission
   CSV into a temporary directory: 22 columns (11 dimensions incl.
   ``TIME_PERIOD``, numeric-looking text such as ``12.50``, attributes, a
   free-text ``COMMENT_OBS`` with some Nepali/Bengali text and CSV quoting),
   skewed (Zipf-like) code distributions, and a few deliberate errors
   (invalid codes, non-numeric values, a unit that changes within a series)
   so that every check has something to find.
2. Times, per engine, these steps (each engine gets the same inputs and must
   find the same rows; the script cross-checks the results):

   1a. read the CSV with every column as string, in streaming batches of
       64k rows (``pyarrow.csv.open_csv`` with 1 MiB blocks re-chunked
       zero-copy into 64k-row tables, ``polars.scan_csv().collect_batches``,
       ``pandas.read_csv(chunksize=...)``);
   1a'. pyarrow ``open_csv`` with ``block_size`` sized for 64k rows (~7 MiB):
       shows that its read-ahead makes memory grow with the block size;
   1b. read the whole file (all strings; exact text kept: ``12.50`` stays
       ``12.50``, verified);
   1c. read the whole file with the code columns dictionary-encoded on read;
   1d. pandas only: ``read_csv(engine="pyarrow")`` (no chunksize support);
   2.  code-list membership of 8 coded columns against Python sets
       (vectorised ``is_in``/``isin``), returning the failing row indices;
   3.  cast ``OBS_VALUE`` (float) and ``SAMPLE_SIZE`` (int) to numbers,
       locating rows that fail the cast, without raising;
   4.  group by the series key (all dimensions except ``TIME_PERIOD``) and
       count distinct ``UNIT_MEASURE`` per series (the "series-level attribute
       differs within a series" check);
   5a. iterate row by row as Python dicts, per 64k-row batch, with the
       engine's own row API (``RecordBatch.to_pylist``,
       ``DataFrame.iter_rows(named=True)``, ``itertuples`` zipped with the
       column names) -- what a streaming XML writer consumes;
   5b. the same, building the dicts from per-column Python lists
       (``dict(zip(names, row))``);
   6.  in-memory size of the table (``nbytes``, ``estimated_size``,
       ``memory_usage(deep=True)``), plain and with code columns
       dictionary-encoded (the time column is the time to encode).

How it measures
---------------
* Every (engine, step, size, run) happens in a fresh subprocess of this
  script (``--worker``), so peak memory is per operation.  Steps 2, 3, 4 and
  6 first load the whole table (untimed).
* Before measuring, each worker runs the same step once on the first 2,000
  rows (untimed), so one-off lazy initialisation inside the engine (pyarrow's
  first compute call costs ~0.2 s) does not count as per-row work.
* Time is wall-clock (``time.perf_counter``), the median of ``--repeat`` runs.
* Peak memory is ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` after the step
  minus the resident size just before it.  Before the step the worker resets
  the kernel's high-water mark (``/proc/self/clear_refs``, Linux), so the
  figure is the step's own peak on top of what was already resident: for the
  reads that is the import baseline, for steps 2-4 and 6 it is the loaded
  table.  Without ``clear_refs`` the peak of the load would mask the step's.
* Import time is measured in each worker (median over all of them, after one
  untimed warm-up import that compiles ``.pyc`` files); installed size is the
  sum of the files recorded for each distribution, alone and with its
  required (non-extra) dependencies.
* "Cast failure" follows each engine's parser: polars and pandas accept
  ``1e3``/``nan``/``inf``, and pyarrow (which has no non-raising cast) uses a
  decimal regular expression first.  The injected errors (``n/a``, ``12,5``,
  ``<5``, ``~30``...) fail everywhere, so the counts agree.

Usage (in a venv that has pyarrow, polars, pandas; psutil is not needed)::

    python benchmarks/column_engine.py                      # 100k and 1M rows, 3 runs
    python benchmarks/column_engine.py --sizes 100000 500000 --repeat 3

It prints a markdown report and writes it to
``benchmarks/results/column_engine.md``; a ``## Decision`` section already at
the end of that file is kept.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.metadata as metadata
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ENGINES = ("pyarrow", "polars", "pandas")
BATCH_ROWS = 65_536
STREAM_BLOCK_BYTES = 1 << 20  # pyarrow open_csv block size when streaming
HEAD_ROWS = 2_000  # rows of the warm-up file
SEED = 20240611
RESULTS_FILE = Path(__file__).resolve().parent / "results" / "column_engine.md"

# --------------------------------------------------------------------------
# The submission: columns and code lists
# --------------------------------------------------------------------------

DIMENSIONS = [
    "FREQ",
    "REPORTING_TYPE",
    "SERIES",
    "REF_AREA",
    "SEX",
    "AGE",
    "POP_GROUP",
    "DISABILITY_TYPE",
    "SERVICE",
    "RESPONDENT_TYPE",
    "SERVICE_POINT",
    "TIME_PERIOD",
]
SERIES_KEY = [d for d in DIMENSIONS if d != "TIME_PERIOD"]
MEASURES_AND_ATTRIBUTES = [
    "OBS_VALUE",
    "SAMPLE_SIZE",
    "NUMERATOR",
    "LOWER_BOUND",
    "UPPER_BOUND",
    "UNIT_MEASURE",
    "UNIT_MULT",
    "OBS_STATUS",
    "COMMENT_OBS",
    "QUALITY_FLAGS",
]
COLUMNS = DIMENSIONS + MEASURES_AND_ATTRIBUTES  # 22 columns
# Columns checked against code lists in step 2.
CODED_COLUMNS = [
    "SERIES",
    "REF_AREA",
    "SEX",
    "AGE",
    "POP_GROUP",
    "DISABILITY_TYPE",
    "SERVICE",
    "SERVICE_POINT",
]
# Low-cardinality columns that are dictionary-encoded in steps 1c and 6.
DICTIONARY_COLUMNS = [*DIMENSIONS, "UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "QUALITY_FLAGS"]

SERIES_UNITS = {  # series code -> (UNIT_MEASURE, UNIT_MULT)
    "SI_COV_DISAB": ("PT", "0"),
    "SI_POV_DAY1": ("PT", "0"),
    "SI_POV_NAHC": ("PT", "0"),
    "SH_STA_STNT": ("PT", "0"),
    "SH_STA_WAST": ("PT", "0"),
    "SH_H2O_SAFE": ("PT", "0"),
    "SH_SAN_SAFE": ("PT", "0"),
    "SH_ACS_UNHC": ("PT", "0"),
    "SE_TOT_CPLR": ("PT", "0"),
    "SE_ACS_ELECT": ("PT", "0"),
    "SE_INF_DSBL": ("PT", "0"),
    "SP_ACS_BSRVH2O": ("PT", "0"),
    "SP_ACS_BSRVSAN": ("PT", "0"),
    "SG_REG_BRTH": ("PT", "0"),
    "VC_VOV_GDSD": ("PT", "0"),
    "VC_DSR_MISS": ("NUMBER", "0"),
    "VC_DSR_AFFCT": ("NUMBER", "3"),
    "SP_PSR_SATIS": ("PT", "0"),
    "SL_TLF_UEM": ("PT", "0"),
    "SI_COV_SOCAST": ("PT", "0"),
    "CGD_HEALTH_ACCESS": ("PT", "0"),
    "CGD_HEALTH_WAIT": ("MINUTES", "0"),
    "CGD_WATER_POINT_FUNC": ("PT", "0"),
    "CGD_SCHOOL_ATTEND": ("PT", "0"),
    "CGD_SCHOOL_RAMP": ("PT", "0"),
    "CGD_BIRTH_REG": ("PT", "0"),
    "CGD_GBV_REPORT": ("NUMBER", "0"),
    "CGD_SERVICE_SATIS": ("PT", "0"),
    "CGD_ASSISTIVE_DEV": ("PER_1000", "0"),
    "CGD_CASH_TRANSFER": ("USD", "3"),
}

SERVICE_POINTS = ["_Z"] + [f"SP{i:05d}" for i in range(1, 500)]

CODE_LISTS: dict[str, list[str]] = {
    "FREQ": ["A", "S", "Q", "M"],
    "REPORTING_TYPE": ["N", "G"],
    "SERIES": list(SERIES_UNITS),
    "REF_AREA": [f"KE-{i:02d}" for i in range(1, 48)]
    + [f"NP-P{i}" for i in range(1, 8)]
    + [f"BD-{c}" for c in "ABCDEFGH"],
    "SEX": ["_T", "F", "M"],
    "AGE": [
        "_T",
        "Y0T4",
        "Y5T14",
        "Y15T24",
        "Y25T34",
        "Y35T44",
        "Y45T54",
        "Y55T64",
        "Y_GE65",
        "Y_GE18",
    ],
    "POP_GROUP": [
        "_T",
        "RURAL",
        "URBAN",
        "REFUGEE",
        "IDP",
        "MIGRANT",
        "INDIGENOUS",
        "DALIT",
        "MADHESI",
        "JANAJATI",
        "ETHNIC_MIN",
        "RELIG_MIN",
        "STATELESS",
        "PASTORALIST",
        "SLUM",
    ],
    "DISABILITY_TYPE": [
        "_T",
        "_Z",
        "NONE",
        "ANY",
        "SEEING",
        "HEARING",
        "WALKING",
        "COGNITION",
        "SELFCARE",
        "COMMUNICATING",
        "PSYCHOSOCIAL",
        "MULTIPLE",
    ],
    "SERVICE": [
        "_T",
        "_Z",
        "HEALTH_PRIMARY",
        "HEALTH_MATERNAL",
        "EDUCATION_PRIMARY",
        "EDUCATION_SECONDARY",
        "WATER",
        "SANITATION",
        "ELECTRICITY",
        "SOCIAL_PROTECTION",
        "JUSTICE",
        "TRANSPORT",
        "CIVIL_REGISTRATION",
        "AGRICULTURE_EXT",
        "ICT",
    ],
    "RESPONDENT_TYPE": ["HOUSEHOLD", "INDIVIDUAL", "FACILITY", "KEY_INFORMANT", "_Z"],
    "SERVICE_POINT": SERVICE_POINTS,
}

# Plausible mistakes injected into the coded columns (never in the code lists).
INVALID_CODES = {
    "SERIES": ["SI_COV_DISAB ", "si_cov_disab", "CGD_HEALTH_ACCES"],
    "REF_AREA": ["ke-01", "KE-1", "KE-48", "Nairobi"],
    "SEX": ["Female", "f", "T"],
    "AGE": ["Y15-24", "15-24", "Y65+"],
    "POP_GROUP": ["Refugee", "DALITS"],
    "DISABILITY_TYPE": ["BLIND", "Seeing"],
    "SERVICE": ["HEALTH", "WASH"],
    "SERVICE_POINT": ["SP00000", "SP1", "SP00500"],
}
INVALID_DECIMALS = ["n/a", "12,5", "<5", "..", "x", "-"]
INVALID_INTEGERS = ["n/a", "~30", "approx. 40", "30+"]
COMMENTS = [
    "Estimate from community scorecard",
    'Values verified by the "ward committee", 2 visits',
    "नमूना आकार सानो छ",  # Nepali: the sample size is small
    "स्वयंसेवकहरूद्वारा सङ्कलन गरिएको तथ्याङ्क",  # Nepali: data collected by volunteers
    "নমুনার আকার ছোট",  # Bengali: the sample size is small
    "স্বেচ্ছাসেবকদের দ্বারা সংগৃহীত তথ্য",  # Bengali: data collected by volunteers
    "Facility closed during part of the survey period",
]
QUALITY_FLAG_CODES = ["SMALL_N", "SELF_REPORTED", "NON_RANDOM", "PROXY_RESP", "IMPUTED"]


def zipf_weights(k: int, s: float = 1.1) -> list[float]:
    """Weights 1/rank**s for k codes: a few codes get most of the rows."""
    return [1.0 / (rank**s) for rank in range(1, k + 1)]


def generate_csv(path: Path, n_rows: int, seed: int = SEED) -> dict[str, Any]:
    """Write a deterministic submission CSV of ``n_rows`` rows to ``path``.

    Rows are generated series by series (a series key observed for a run of
    1-10 consecutive years), so the group-by in step 4 has realistic groups.
    Returns the facts the engines' results are checked against.
    """
    rng = random.Random(seed)
    weights = {
        "FREQ": [1.0, 0, 0, 0],
        "REPORTING_TYPE": [0.8, 0.2],
        "SERIES": zipf_weights(len(CODE_LISTS["SERIES"]), 0.8),
        "REF_AREA": zipf_weights(len(CODE_LISTS["REF_AREA"]), 1.1),
        "SEX": [0.4, 0.3, 0.3],
        "AGE": zipf_weights(len(CODE_LISTS["AGE"]), 1.0),
        "POP_GROUP": zipf_weights(len(CODE_LISTS["POP_GROUP"]), 1.2),
        "DISABILITY_TYPE": zipf_weights(len(CODE_LISTS["DISABILITY_TYPE"]), 0.9),
        "SERVICE": zipf_weights(len(CODE_LISTS["SERVICE"]), 0.9),
        "RESPONDENT_TYPE": [0.45, 0.3, 0.15, 0.05, 0.05],
        "SERVICE_POINT": [8.0, *zipf_weights(len(SERVICE_POINTS) - 1, 0.9)],
    }
    rows: list[list[str]] = []
    while len(rows) < n_rows:
        # Draw keys in bulk (fast), then expand each into a run of years.
        block = 4096
        key_columns = [rng.choices(CODE_LISTS[d], weights[d], k=block) for d in SERIES_KEY]
        for key in zip(*key_columns, strict=True):
            unit, mult = SERIES_UNITS[key[2]]
            n_years = rng.randint(1, 10)
            first_year = rng.randint(2015, 2025 - n_years)
            for year in range(first_year, first_year + n_years):
                rows.append([*key, str(year), *_observation(rng, unit, mult)])
            if len(rows) >= n_rows:
                break
    del rows[n_rows:]

    # Deliberate errors, at distinct rows, so every check has something to find.
    positions = rng.sample(range(n_rows), k=max(40, n_rows // 250))
    chunks = [positions[i::10] for i in range(10)]
    for column, rows_to_break in zip(CODED_COLUMNS, chunks[:8], strict=True):
        col = COLUMNS.index(column)
        for r in rows_to_break:
            rows[r][col] = rng.choice(INVALID_CODES[column])
    for r in chunks[8]:
        rows[r][COLUMNS.index("OBS_VALUE")] = rng.choice(INVALID_DECIMALS)
    for r in chunks[9]:
        rows[r][COLUMNS.index("SAMPLE_SIZE")] = rng.choice(INVALID_INTEGERS)
    # A unit that changes within a series (the step 4 check): one row of a series.
    for r in rng.sample(range(n_rows), k=max(5, n_rows // 2000)):
        rows[r][COLUMNS.index("UNIT_MEASURE")] = (
            "PT" if rows[r][COLUMNS.index("UNIT_MEASURE")] != "PT" else "NUMBER"
        )

    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)

    obs = COLUMNS.index("OBS_VALUE")
    comment = COLUMNS.index("COMMENT_OBS")
    return {
        "rows": n_rows,
        "bytes": path.stat().st_size,
        # exact-text fingerprints that a lossy reader would break
        "trailing_zero_values": sum(
            1 for row in rows if "." in row[obs] and row[obs].endswith("0")
        ),
        "comment_chars": sum(len(row[comment]) for row in rows),
        "series": len({tuple(row[:11]) for row in rows}),
    }


def _observation(rng: random.Random, unit: str, mult: str) -> list[str]:
    """OBS_VALUE .. QUALITY_FLAGS for one row (text, as in a submitted CSV)."""
    missing = rng.random() < 0.03
    if missing:
        value = lower = upper = ""
        status = "M"
    else:
        x = rng.uniform(0, 100) if unit == "PT" else rng.lognormvariate(4, 1.2)
        digits = 2 if rng.random() < 0.7 else 1
        value = f"{x:.{digits}f}"
        if rng.random() < 0.4:
            half = rng.uniform(0.5, 8)
            lower, upper = f"{max(x - half, 0):.2f}", f"{x + half:.2f}"
        else:
            lower = upper = ""
        status = rng.choices(["A", "E", "P"], [0.88, 0.08, 0.04])[0]
    sample = rng.randint(20, 5000)
    numerator = "" if missing or rng.random() < 0.3 else str(rng.randint(0, sample))
    comment = rng.choice(COMMENTS) if rng.random() < 0.05 else ""
    n_flags = rng.choices([0, 1, 2, 3], [0.7, 0.2, 0.07, 0.03])[0]
    flags = " ".join(rng.sample(QUALITY_FLAG_CODES, n_flags))
    return [value, str(sample), numerator, lower, upper, unit, mult, status, comment, flags]


# --------------------------------------------------------------------------
# The engines: one class each, same methods
# --------------------------------------------------------------------------


def _indices_result(per_column: dict[str, Any]) -> dict[str, list[int]]:
    """{column: [failures, sum of failing row indices]} -- comparable across engines."""
    return {c: [len(idx), int(sum(int(i) for i in idx))] for c, idx in per_column.items()}


class PyArrowEngine:
    name = "pyarrow"
    modules = ("pyarrow", "pyarrow.csv", "pyarrow.compute")

    def __init__(self) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv

        self.pa, self.pc, self.csv = pa, pc, pacsv

    def _convert(self, dictionary: bool = False) -> Any:
        pa = self.pa
        types = {c: pa.string() for c in COLUMNS}
        if dictionary:
            types.update({c: pa.dictionary(pa.int32(), pa.string()) for c in DICTIONARY_COLUMNS})
        return self.csv.ConvertOptions(column_types=types)

    def batches(self, path: Path, n_rows: int) -> Iterator[Any]:
        """64k-row tables from 1 MiB blocks (zero-copy re-chunking).

        open_csv reads ahead a few dozen blocks, so its memory is about
        40 x block_size: small blocks keep it bounded (step 1a').
        """
        read = self.csv.ReadOptions(block_size=STREAM_BLOCK_BYTES)
        reader = self.csv.open_csv(path, read_options=read, convert_options=self._convert())
        pending: list[Any] = []
        buffered = 0
        for batch in reader:
            pending.append(batch)
            buffered += batch.num_rows
            while buffered >= BATCH_ROWS:
                table = self.pa.Table.from_batches(pending)
                yield table.slice(0, BATCH_ROWS)
                pending = table.slice(BATCH_ROWS).to_batches()
                buffered -= BATCH_ROWS
        if buffered:
            yield self.pa.Table.from_batches(pending, schema=reader.schema)

    def batches_big_blocks(self, path: Path, n_rows: int) -> Iterator[Any]:
        """open_csv with block_size sized for ~64k rows per batch (the naive way)."""
        block = int(path.stat().st_size / n_rows * BATCH_ROWS)
        read = self.csv.ReadOptions(block_size=block)
        yield from self.csv.open_csv(path, read_options=read, convert_options=self._convert())

    def read_whole(self, path: Path, n_rows: int, dictionary: bool = False) -> Any:
        return self.csv.read_csv(path, convert_options=self._convert(dictionary))

    def column_texts(self, table: Any, column: str) -> list[str]:
        return table[column].to_pylist()

    def check_codes(self, table: Any) -> dict[str, list[int]]:
        pa, pc = self.pa, self.pc
        out = {}
        for column in CODED_COLUMNS:
            value_set = pa.array(sorted(set(CODE_LISTS[column])), pa.string())
            bad = pc.invert(pc.is_in(table[column], value_set=value_set))
            out[column] = pc.indices_nonzero(bad).to_pylist()
        return _indices_result(out)

    def cast_numbers(self, table: Any) -> dict[str, list[int]]:
        # Arrow's cast raises on the first bad value and has no try_cast:
        # validate with a regex, cast only what matches.
        pa, pc = self.pa, self.pc
        patterns = {
            "OBS_VALUE": (r"^[+-]?(\d+\.?\d*|\.\d+)$", pa.float64()),
            "SAMPLE_SIZE": (r"^[+-]?\d{1,18}$", pa.int64()),
        }
        out = {}
        for column, (pattern, target) in patterns.items():
            text = table[column]
            ok = pc.match_substring_regex(text, pattern)
            pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), target)
            bad = pc.and_(pc.not_equal(text, ""), pc.invert(ok))
            out[column] = pc.indices_nonzero(bad).to_pylist()
        return _indices_result(out)

    def series_attribute(self, table: Any) -> list[int]:
        pc = self.pc
        grouped = table.group_by(SERIES_KEY).aggregate([("UNIT_MEASURE", "count_distinct")])
        differing = pc.sum(pc.greater(grouped["UNIT_MEASURE_count_distinct"], 1)).as_py()
        return [grouped.num_rows, differing]

    def rows_as_dicts(self, batch: Any) -> Iterator[dict[str, Any]]:
        return iter(batch.to_pylist())

    def rows_via_columns(self, batch: Any) -> Iterator[dict[str, Any]]:
        names = batch.schema.names
        columns = [c.to_pylist() for c in batch.columns]
        return (dict(zip(names, row, strict=False)) for row in zip(*columns, strict=False))

    def memory(self, table: Any) -> int:
        return table.nbytes

    def dictionary_encode(self, table: Any) -> Any:
        for column in DICTIONARY_COLUMNS:
            i = table.schema.get_field_index(column)
            table = table.set_column(i, column, self.pc.dictionary_encode(table[column]))
        return table


class PolarsEngine:
    name = "polars"
    modules = ("polars",)

    def __init__(self) -> None:
        import polars as pl

        self.pl = pl

    def _scan(self, path: Path, dictionary: bool = False) -> Any:
        pl = self.pl
        schema = dict.fromkeys(COLUMNS, pl.String)
        if dictionary:
            schema.update(dict.fromkeys(DICTIONARY_COLUMNS, pl.Categorical))
        # empty_string_is_null=False keeps "" as "" (same as the other engines)
        return pl.scan_csv(path, schema=schema, empty_string_is_null=False)

    def batches(self, path: Path, n_rows: int) -> Iterator[Any]:
        # read_csv_batched is gone in polars 2; scan + collect_batches streams.
        yield from self._scan(path).collect_batches(chunk_size=BATCH_ROWS)

    def read_whole(self, path: Path, n_rows: int, dictionary: bool = False) -> Any:
        return self._scan(path, dictionary).collect()

    def column_texts(self, table: Any, column: str) -> list[str]:
        return table[column].to_list()

    def check_codes(self, table: Any) -> dict[str, list[int]]:
        pl = self.pl
        expressions = [
            pl.arg_where(~pl.col(c).is_in(sorted(set(CODE_LISTS[c])))).implode().alias(c)
            for c in CODED_COLUMNS
        ]
        found = table.select(expressions).row(0, named=True)
        return _indices_result(found)

    def cast_numbers(self, table: Any) -> dict[str, list[int]]:
        pl = self.pl
        targets = {"OBS_VALUE": pl.Float64, "SAMPLE_SIZE": pl.Int64}
        expressions = [
            pl.arg_where(pl.col(c).cast(t, strict=False).is_null() & (pl.col(c) != ""))
            .implode()
            .alias(c)
            for c, t in targets.items()
        ]
        found = table.select(expressions).row(0, named=True)
        return _indices_result(found)

    def series_attribute(self, table: Any) -> list[int]:
        pl = self.pl
        grouped = table.group_by(SERIES_KEY).agg(pl.col("UNIT_MEASURE").n_unique().alias("units"))
        return [grouped.height, int((grouped["units"] > 1).sum())]

    def rows_as_dicts(self, batch: Any) -> Iterator[dict[str, Any]]:
        return batch.iter_rows(named=True)

    def rows_via_columns(self, batch: Any) -> Iterator[dict[str, Any]]:
        names = batch.columns
        columns = [s.to_list() for s in batch.iter_columns()]
        return (dict(zip(names, row, strict=False)) for row in zip(*columns, strict=False))

    def memory(self, table: Any) -> int:
        return table.estimated_size()

    def dictionary_encode(self, table: Any) -> Any:
        return table.with_columns(self.pl.col(DICTIONARY_COLUMNS).cast(self.pl.Categorical))


class PandasEngine:
    name = "pandas"
    # pyarrow-backed strings need pyarrow, so its import is part of the cost
    modules = ("pandas", "pyarrow")

    def __init__(self) -> None:
        import numpy as np
        import pandas as pd

        self.pd, self.np = pd, np
        self.string = pd.StringDtype("pyarrow")

    def _kwargs(self, dictionary: bool = False) -> dict[str, Any]:
        dtype: dict[str, Any] = dict.fromkeys(COLUMNS, self.string)
        if dictionary:
            dtype.update(dict.fromkeys(DICTIONARY_COLUMNS, "category"))
        # na_filter=False: no "NA"/"NULL"/"" -> NaN guessing (Namibia is "NA").
        return {"dtype": dtype, "na_filter": False}

    def batches(self, path: Path, n_rows: int) -> Iterator[Any]:
        # The pyarrow engine of read_csv does not support chunksize: C engine.
        with self.pd.read_csv(path, chunksize=BATCH_ROWS, **self._kwargs()) as reader:
            yield from reader

    def read_whole(self, path: Path, n_rows: int, dictionary: bool = False) -> Any:
        return self.pd.read_csv(path, **self._kwargs(dictionary))

    def read_whole_arrow(self, path: Path) -> Any:
        """read_csv(engine="pyarrow"): keep_default_na=False instead of na_filter."""
        dtype = dict.fromkeys(COLUMNS, self.string)
        return self.pd.read_csv(path, engine="pyarrow", dtype=dtype, keep_default_na=False)

    def column_texts(self, table: Any, column: str) -> list[str]:
        return table[column].tolist()

    def check_codes(self, table: Any) -> dict[str, list[int]]:
        np = self.np
        out = {}
        for column in CODED_COLUMNS:
            bad = ~table[column].isin(set(CODE_LISTS[column])).to_numpy(dtype=bool)
            out[column] = np.flatnonzero(bad)
        return _indices_result(out)

    def cast_numbers(self, table: Any) -> dict[str, list[int]]:
        np, pd = self.np, self.pd
        out = {}
        for column, integer in (("OBS_VALUE", False), ("SAMPLE_SIZE", True)):
            text = table[column]
            number = pd.to_numeric(text, errors="coerce")
            failed = number.isna()
            if integer:  # to_numeric happily returns 12.5 for an integer column
                failed |= number.notna() & (number % 1 != 0)
            bad = (failed & (text != "")).to_numpy(dtype=bool)
            out[column] = np.flatnonzero(bad)
        return _indices_result(out)

    def series_attribute(self, table: Any) -> list[int]:
        units = table.groupby(SERIES_KEY, sort=False, observed=True)["UNIT_MEASURE"].nunique()
        return [len(units), int((units > 1).sum())]

    def rows_as_dicts(self, batch: Any) -> Iterator[dict[str, Any]]:
        # itertuples, not to_dict(orient="records"): the latter is ~2x slower
        # again on pyarrow-backed strings (3.3 s vs 1.7 s per 64k rows here).
        names = list(batch.columns)
        return (
            dict(zip(names, row, strict=False)) for row in batch.itertuples(index=False, name=None)
        )

    def rows_via_columns(self, batch: Any) -> Iterator[dict[str, Any]]:
        names = list(batch.columns)
        columns = [batch[c].tolist() for c in names]
        return (dict(zip(names, row, strict=False)) for row in zip(*columns, strict=False))

    def memory(self, table: Any) -> int:
        return int(table.memory_usage(deep=True, index=False).sum())

    def dictionary_encode(self, table: Any) -> Any:
        return table.astype(dict.fromkeys(DICTIONARY_COLUMNS, "category"))


ENGINE_CLASSES = {e.name: e for e in (PyArrowEngine, PolarsEngine, PandasEngine)}

# --------------------------------------------------------------------------
# The steps (run inside a worker)
# --------------------------------------------------------------------------


def _rows(table: Any) -> int:
    return len(table)


def _drain(batches: Iterator[Any]) -> dict[str, int]:
    rows = count = biggest = 0
    for batch in batches:
        rows += len(batch)
        count += 1
        biggest = max(biggest, len(batch))
    return {"rows": rows, "batches": count, "max_batch_rows": biggest}


def step_read_stream(engine: Any, path: Path, n_rows: int, _table: Any) -> Any:
    return _drain(engine.batches(path, n_rows))


def step_read_stream_big_blocks(engine: Any, path: Path, n_rows: int, _table: Any) -> Any:
    return _drain(engine.batches_big_blocks(path, n_rows))


def step_read_whole(engine: Any, path: Path, n_rows: int, _table: Any) -> Any:
    return engine.read_whole(path, n_rows)


def step_read_whole_dictionary(engine: Any, path: Path, n_rows: int, _table: Any) -> Any:
    return engine.read_whole(path, n_rows, dictionary=True)


def step_read_whole_pandas_arrow(engine: Any, path: Path, n_rows: int, _table: Any) -> Any:
    return engine.read_whole_arrow(path)


def _iterate(
    convert: Callable[[Any], Iterator[dict[str, Any]]], engine: Any, path: Path, n_rows: int
) -> Any:
    """Stream batches and turn each into dicts; only the conversion is timed."""
    spent = 0.0
    rows = 0
    for batch in engine.batches(path, n_rows):
        start = time.perf_counter()
        for _row in convert(batch):
            rows += 1
        spent += time.perf_counter() - start
    return {"rows": rows, "_seconds": spent}


def step_iter_dicts(engine: Any, path: Path, n_rows: int, _table: Any) -> Any:
    return _iterate(engine.rows_as_dicts, engine, path, n_rows)


def step_iter_columns(engine: Any, path: Path, n_rows: int, _table: Any) -> Any:
    return _iterate(engine.rows_via_columns, engine, path, n_rows)


def step_codes(engine: Any, path: Path, n_rows: int, table: Any) -> Any:
    return engine.check_codes(table)


def step_cast(engine: Any, path: Path, n_rows: int, table: Any) -> Any:
    return engine.cast_numbers(table)


def step_series(engine: Any, path: Path, n_rows: int, table: Any) -> Any:
    return engine.series_attribute(table)


def step_memory(engine: Any, path: Path, n_rows: int, table: Any) -> Any:
    encoded = engine.dictionary_encode(table)
    return {"plain": engine.memory(table), "dictionary": engine.memory(encoded)}


# key -> (label, function, needs the loaded table, engines)
STEPS: dict[str, tuple[str, Callable[..., Any], bool, tuple[str, ...]]] = {
    "read_stream": ("1a. read CSV, streaming 64k-row batches", step_read_stream, False, ENGINES),
    "read_stream_big": (
        "1a'. pyarrow open_csv, block_size sized for 64k rows",
        step_read_stream_big_blocks,
        False,
        ("pyarrow",),
    ),
    "read_whole": ("1b. read CSV, whole file (all strings)", step_read_whole, False, ENGINES),
    "read_whole_dict": (
        "1c. read CSV, whole file, code columns dictionary-encoded",
        step_read_whole_dictionary,
        False,
        ENGINES,
    ),
    "read_whole_pdarrow": (
        '1d. pandas read_csv(engine="pyarrow"), whole file',
        step_read_whole_pandas_arrow,
        False,
        ("pandas",),
    ),
    "codes": ("2. code lists, 8 columns, failing row indices", step_codes, True, ENGINES),
    "cast": ("3. cast OBS_VALUE/SAMPLE_SIZE, locate failures", step_cast, True, ENGINES),
    "series": ("4. group by series key, distinct UNIT_MEASURE", step_series, True, ENGINES),
    "iter_dicts": ("5a. rows as dicts per batch (engine row API)", step_iter_dicts, False, ENGINES),
    "iter_columns": (
        "5b. rows as dicts per batch (columns -> zip)",
        step_iter_columns,
        False,
        ENGINES,
    ),
    "memory": ("6. dictionary-encode code columns (time); sizes below", step_memory, True, ENGINES),
}


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (Linux); False where unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _current_rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def head_path(path: Path) -> Path:
    return path.with_name(path.stem + ".head.csv")


def write_head(path: Path) -> None:
    """The first HEAD_ROWS rows of ``path``, for the workers' warm-up."""
    with (
        path.open(encoding="utf-8", newline="") as src,
        head_path(path).open("w", encoding="utf-8", newline="") as dst,
    ):
        writer = csv.writer(dst, lineterminator="\n")
        for i, row in enumerate(csv.reader(src)):
            if i > HEAD_ROWS:
                break
            writer.writerow(row)


def run_worker(engine_name: str, step: str, path: Path, n_rows: int) -> dict[str, Any]:
    """One measurement, in this (fresh) process."""
    start = time.perf_counter()
    cls = ENGINE_CLASSES[engine_name]
    for module in cls.modules:
        __import__(module)
    import_seconds = time.perf_counter() - start
    engine = cls()

    _label, function, needs_table, _engines = STEPS[step]
    # Warm-up on the first rows: lazy initialisation (e.g. pyarrow's first
    # compute call, ~0.2 s) is a once-per-process cost, not a per-row one.
    head = head_path(path)
    function(engine, head, HEAD_ROWS, engine.read_whole(head, HEAD_ROWS) if needs_table else None)
    table = engine.read_whole(path, n_rows) if needs_table else None

    exact_peak = _reset_peak_rss()
    rss_before = _current_rss_kib()
    # ru_maxrss also carries the peak of the process image replaced at exec
    # (the parent's, when spawned with vfork): it must not exceed what we have.
    exact_peak = exact_peak and _peak_rss_kib() <= rss_before + 1024
    start = time.perf_counter()
    result = function(engine, path, n_rows, table)
    seconds = time.perf_counter() - start
    peak_delta = _peak_rss_kib() - rss_before

    if isinstance(result, dict) and "_seconds" in result:  # step 5: conversion time only
        seconds = result.pop("_seconds")
    elif step.startswith("read_whole"):  # whole reads: check the exact text survived
        obs = engine.column_texts(result, "OBS_VALUE")
        comments = engine.column_texts(result, "COMMENT_OBS")
        result = {
            "rows": _rows(result),
            "trailing_zero_values": sum(1 for v in obs if "." in str(v) and str(v).endswith("0")),
            "comment_chars": sum(len(str(v)) for v in comments),
            "nbytes": engine.memory(result),
        }
    return {
        "seconds": seconds,
        "peak_mib": max(peak_delta, 0) / 1024,
        "exact_peak": exact_peak,
        "import_seconds": import_seconds,
        "result": result,
    }


# --------------------------------------------------------------------------
# The orchestrator
# --------------------------------------------------------------------------


def _run_json(command: list[str]) -> Any:
    """Run a subprocess of this script and parse the JSON on its last line."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[2:])} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(engine: str, step: str, path: Path, n_rows: int, repeat: int) -> dict[str, Any]:
    """Run one (engine, step) ``repeat`` times, each in a fresh subprocess."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        engine,
        step,
        str(path),
        str(n_rows),
    ]
    runs = [_run_json(command) for _ in range(repeat)]
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "peak_mib": statistics.median(r["peak_mib"] for r in runs),
        "exact_peak": all(r["exact_peak"] for r in runs),
        "imports": [r["import_seconds"] for r in runs],
        "result": runs[0]["result"],
    }


def distribution_size(name: str, seen: set[str] | None = None) -> tuple[int, int, list[str]]:
    """Own size, size with required dependencies, and their names, of a distribution."""
    seen = set() if seen is None else seen
    key = re.sub(r"[-_.]+", "-", name).lower()
    if key in seen:
        return 0, 0, []
    seen.add(key)
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return 0, 0, []
    own = 0
    for file in dist.files or []:
        located = Path(str(dist.locate_file(file)))
        if located.is_file():
            own += located.stat().st_size
    total, names = own, []
    for requirement in dist.requires or []:
        if "extra ==" in requirement:
            continue
        marker = requirement.split(";", 1)[1] if ";" in requirement else ""
        if marker and (
            "python_version" not in marker
            and "sys_platform" not in marker
            and "platform" not in marker
        ):
            continue
        dep = re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0]
        dep_own, dep_total, dep_names = distribution_size(dep, seen)
        if dep_own or dep_total:
            total += dep_total
            names += [dep, *dep_names]
    return own, total, names


# Who already pulls the engine in (from the packages' own metadata; checked
# against the installed metadata when sdmx1/pysdmx are importable here).
ALREADY_DEPENDED_ON = {
    "pyarrow": "yes: direct dependency of sdmx_cso; pysdmx[data] requires `pyarrow>=14,<26`",
    "polars": "no: nothing in sdmx_cso's dependency tree requires it",
    "pandas": (
        "yes: sdmx1 (core dependency) requires `pandas>=1.0`; pysdmx[data] requires `pandas>=2.1.4`"
    ),
}


def dependency_note(engine: str) -> str:
    note = ALREADY_DEPENDED_ON[engine]
    found = []
    for parent in ("sdmx1", "pysdmx"):
        try:
            requires = metadata.requires(parent) or []
        except metadata.PackageNotFoundError:
            continue
        hits = [r for r in requires if re.match(rf"{engine}\b", r)]
        if hits:
            found.append(f"{parent}: `{hits[0]}`")
    return note + (f" ({'; '.join(found)})" if found else "")


def machine_description() -> list[str]:
    versions = ", ".join(
        f"{d} {metadata.version(d)}" for d in ("pyarrow", "polars", "pandas", "numpy")
    )
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?"
            )
    except OSError:
        cpu = platform.processor() or "?"
    try:
        with open("/proc/meminfo") as f:
            mem_gib = int(f.readline().split()[1]) / 1024**2
    except OSError:
        mem_gib = float("nan")
    return [
        f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} CPUs (nproc), {cpu}, {mem_gib:.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}",
        f"- python: {platform.python_version()} ({sys.executable})",
        f"- packages: {versions}",
    ]


def _cell(m: dict[str, Any] | None) -> str:
    if m is None:
        return "—"
    star = "" if m["exact_peak"] else "*"
    return f"{m['seconds']:.2f} s · {m['peak_mib']:.0f} MiB{star}"


def _same(results: list[Any]) -> str:
    def comparable(r: Any) -> Any:
        if isinstance(r, dict):  # engine-specific facts are not compared
            return {
                k: v
                for k, v in r.items()
                if k not in ("nbytes", "batches", "max_batch_rows", "plain", "dictionary")
            }
        return r

    return "yes" if all(comparable(r) == comparable(results[0]) for r in results) else "**NO**"


def _size_section(n: int, info: dict[str, Any], results: dict[tuple[str, str], Any]) -> list[str]:
    lines = [
        f"## {n:,} rows",
        "",
        f"CSV: {info['bytes'] / 2**20:.1f} MiB, 22 columns, {info['series']:,} series.",
        "",
        "| step | " + " | ".join(ENGINES) + " | same? |",
        "| --- | " + " | ".join("---:" for _ in ENGINES) + " | :---: |",
    ]
    for step, (label, _function, _needs_table, engines) in STEPS.items():
        cells = " | ".join(_cell(results.get((e, step))) for e in ENGINES)
        found = [results[(e, step)]["result"] for e in engines]
        lines.append(f"| {label} | {cells} | {_same(found) if len(found) > 1 else ''} |")

    def row(label: str, values: list[str]) -> str:
        return f"| {label} | " + " | ".join(values) + " | |"

    memory = {e: results[(e, "memory")]["result"] for e in ENGINES}
    lines += [
        "",
        row("table, all strings (MiB)", [f"{memory[e]['plain'] / 2**20:.1f}" for e in ENGINES]),
        row(
            "table, code columns dictionary-encoded (MiB)",
            [f"{memory[e]['dictionary'] / 2**20:.1f}" for e in ENGINES],
        ),
        row(
            "rows per streamed batch (1a)",
            [f"{results[(e, 'read_stream')]['result']['max_batch_rows']:,}" for e in ENGINES],
        ),
        "",
    ]
    reads = [r["result"] for (_e, step), r in results.items() if step.startswith("read_whole")]
    exact = all(
        r["trailing_zero_values"] == info["trailing_zero_values"]
        and r["comment_chars"] == info["comment_chars"]
        for r in reads
    )
    lines += [
        f"Exact text: the generator wrote {info['trailing_zero_values']:,} OBS_VALUE values "
        f"like `12.50` and {info['comment_chars']:,} COMMENT_OBS characters; "
        + (
            "every whole-file read returned the same counts."
            if exact
            else "**some whole-file reads returned different counts**."
        ),
        "",
    ]
    return lines


def _engines_section(facts: dict[str, Any]) -> list[str]:
    lines = [
        "## Engines",
        "",
        "| engine | version | import time | installed size | with required deps "
        "| already a dependency? |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for e in ENGINES:
        f = facts[e]
        deps = f" ({', '.join(f['deps'])})" if f["deps"] else ""
        lines.append(
            f"| {e} | {f['version']} | {f['import']:.2f} s | {f['own'] / 2**20:.0f} MiB | "
            f"{f['total'] / 2**20:.0f} MiB{deps} | {f['dependency']} |"
        )
    lines += [
        "",
        "Import time is the median over all worker processes (pandas includes importing "
        "pyarrow, which its pyarrow-backed strings need). Sizes are the files each distribution "
        "installed; pandas with pyarrow-backed strings needs pyarrow too (an optional extra, "
        "so not in its column).",
        "",
    ]
    return lines


def render(repeat: int, data: dict[int, Any], generated: dict[int, Any], facts: Any) -> str:
    lines = [
        "# Column engine benchmark",
        "",
        "Generated by `benchmarks/column_engine.py` (see its docstring for the method).",
        "",
        *machine_description(),
        f"- runs: median of {repeat}, each in a fresh subprocess; batch size {BATCH_ROWS:,} rows",
        "",
        "Cells are *wall time · peak RSS above what was resident before the step* "
        "(`ru_maxrss` after the step, with the peak mark reset before it). "
        "Steps 2, 3, 4 and 6 run on the whole table loaded beforehand (not counted). "
        "Step 5 times only the conversion of batches to dicts, not the reading; "
        "its memory is the whole streaming loop. "
        "*Same?* says whether all engines found the same rows / values.",
        "",
    ]
    for n, results in data.items():
        lines += _size_section(n, generated[n], results)
    lines += _engines_section(facts)
    return "\n".join(lines)


def write_results(report: str) -> None:
    """Write the report, keeping a hand-written '## Decision' section if present."""
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    decision = ""
    if RESULTS_FILE.exists():
        old = RESULTS_FILE.read_text(encoding="utf-8")
        if "\n## Decision" in old:
            decision = old[old.index("\n## Decision") + 1 :]
    RESULTS_FILE.write_text(report + ("\n" + decision if decision else ""), encoding="utf-8")


def run_benchmark(sizes: list[int], repeat: int) -> tuple[dict[int, Any], dict[int, Any], Any]:
    """Generate each CSV and measure every (engine, step) on it."""
    script = str(Path(__file__).resolve())
    for engine in ENGINES:  # compile .pyc files outside the measurements
        imports = "; ".join(f"import {m}" for m in ENGINE_CLASSES[engine].modules)
        subprocess.run([sys.executable, "-c", imports], check=True)

    data: dict[int, dict[tuple[str, str], Any]] = {}
    generated: dict[int, Any] = {}
    import_times: dict[str, list[float]] = {e: [] for e in ENGINES}
    workdir = Path(tempfile.mkdtemp(prefix="column_engine_"))
    try:
        for n in sizes:
            path = workdir / f"submission_{n}.csv"
            generated[n] = _run_json([sys.executable, script, "--generate", str(path), str(n)])
            print(f"# {n:,} rows: {generated[n]['bytes'] / 2**20:.1f} MiB CSV", file=sys.stderr)
            data[n] = {}
            for step, (_label, _function, _needs_table, engines) in STEPS.items():
                for engine in engines:
                    m = measure(engine, step, path, n, repeat)
                    data[n][(engine, step)] = m
                    import_times[engine] += m["imports"]
                    print(f"#   {engine:8} {step:18} {_cell(m)}", file=sys.stderr)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    facts = {}
    for e in ENGINES:
        own, total, deps = distribution_size(e)
        facts[e] = {
            "version": metadata.version(e),
            "import": statistics.median(import_times[e]),
            "own": own,
            "total": total,
            "deps": deps,
            "dependency": dependency_note(e),
        }
    return data, generated, facts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="row counts"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--no-write", action="store_true", help="print only, do not write the results file"
    )
    # internal: the subprocesses
    parser.add_argument("--generate", nargs=2, metavar=("CSV", "ROWS"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--worker", nargs=4, metavar=("ENGINE", "STEP", "CSV", "ROWS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)

    if args.generate:
        # In a subprocess: the generator's own memory must not stay in the
        # orchestrator, whose peak RSS every worker would inherit at exec.
        path, n_rows = Path(args.generate[0]), int(args.generate[1])
        facts = generate_csv(path, n_rows)
        write_head(path)
        print(json.dumps(facts))
    elif args.worker:
        engine, step, csv_path, rows = args.worker
        print(json.dumps(run_worker(engine, step, Path(csv_path), int(rows)), default=str))
    else:
        started = time.perf_counter()
        data, generated, facts = run_benchmark(args.sizes, args.repeat)
        report = render(args.repeat, data, generated, facts)
        print(report)
        if not args.no_write:
            write_results(report)
        print(f"# total {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()

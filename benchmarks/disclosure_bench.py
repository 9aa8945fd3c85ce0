"""Benchmark: disclosure control (``sdmx-cso convert``, which always applies it) on a
submission of up to 1,000,000 observations with three breakdowns and a two-level area
hierarchy.

The submission (generated here, cached in ``benchmarks/.cache/disclosure-N``): the bundled
Kenyan survey's metadata with 10 counties and 4 wards in each (LOCAL_AREAS, level ``ward``);
for every (series, month) slice, every area of Kenya → county → ward crossed with SEX
(``_T``, ``F``, ``M``), DISABILITY_TYPE (``_T``, ``SEEING``, ``HEARING``) and POP_GROUP
(``_T``, ``DALIT``, ``INDIGENOUS``), 1,377 cells a slice. Sample sizes (20–300) and shares
(3–60 %) are drawn for the wards' leaf cells (a seeded generator) and summed upwards, so every
total and every area adds up exactly: the hardest case for secondary suppression, since every
relation is an equality. About one leaf cell in thirty has a count below 5.

It runs ``sdmx-cso convert SUBMISSION --to sdmx-csv-2.0`` in a fresh process and reports
the wall time, the peak RSS (``ru_maxrss`` of the child) and the audit's counts (from the
reference metadata written beside the data). Usage, from the repository root::

    .venv/bin/python benchmarks/disclosure_bench.py --sizes 100000,1000000

It writes ``benchmarks/results/disclosure.md``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"
RESULTS = ROOT / "benchmarks" / "results" / "disclosure.md"
SERIES = ("SI_COV_DISAB", "CGD_DIS_HEALTH_ACCESS", "CGD_DIS_CARD")
COUNTIES = [f"KE-{n:02d}" for n in range(1, 11)]
SEXES, TYPES, GROUPS = ("F", "M"), ("SEEING", "HEARING"), ("DALIT", "INDIGENOUS")
HEADER = (
    "FREQ,SERIES,REF_AREA,SEX,AGE,DISABILITY_STATUS,DISABILITY_TYPE,POP_GROUP,TIME_PERIOD,"
    "OBS_VALUE,UNIT_MEASURE,SAMPLE_SIZE,NUMERATOR,DATA_PRODUCER"
)
CELLS_PER_SLICE = (1 + len(COUNTIES) * 5) * 27


def generate(n: int) -> Path:
    """The submission of about ``n`` observations (whole slices), cached."""
    folder = CACHE / f"disclosure-{n}"
    if (folder / "data.csv").is_file():
        return folder
    sys.path.insert(0, str(ROOT))
    import sdmx_cso

    folder.mkdir(parents=True, exist_ok=True)
    src = sdmx_cso.examples.example_path("kenya-disability-survey")
    meta = (src / "metadata.yaml").read_text("utf-8")
    # a dataset of its own: the registered Kenyan one may not report these wards and months
    meta = meta.replace("DATASET_ID: TDA_PWD_SOCIAL_SERVICES_2022_2023", "DATASET_ID: TDA_BENCH")
    meta = meta.replace(  # the months generated below, so no row is outside it
        "REF_PERIOD: {START: 2022-01-01, END: 2023-12-31}",
        "REF_PERIOD: {START: 2000-01-01, END: 2099-12-31}",
    )
    wards = [f"{c}-W{w}" for c in COUNTIES for w in range(1, 5)]
    meta += "\nLOCAL_AREAS:\n" + "".join(
        f"  - {{CODE: {w}, NAME: Ward {w}, PARENT: {w[:5]}, LEVEL: ward}}\n" for w in wards
    )
    (folder / "metadata.yaml").write_text(meta, encoding="utf-8")
    rng = random.Random(15)
    slices = max(1, round(n / CELLS_PER_SLICE))
    months = [f"{2000 + m // 12}-{m % 12 + 1:02d}" for m in range(slices)]
    tmp = folder / "data.csv.tmp"
    with tmp.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        pairs = itertools.islice(itertools.product(SERIES, months), slices)
        for series, month in pairs:
            cells: dict[tuple[str, str, str, str], list[int]] = {}
            for ward in wards:
                for sex, kind, group in itertools.product(SEXES, TYPES, GROUPS):
                    size = rng.randint(20, 300)
                    count = round(size * rng.uniform(0.03, 0.6))
                    for area in (ward, ward[:5], "KE"):
                        for key in itertools.product((sex, "_T"), (kind, "_T"), (group, "_T")):
                            total = cells.setdefault((area, *key), [0, 0])
                            total[0] += count
                            total[1] += size
            for (area, sex, kind, group), (x, size) in cells.items():
                out.write(
                    f"M,{series},{area},{sex},Y_GE18,PD,{kind},{group},{month},"
                    f"{100 * x / size:.1f},PT,{size},{x},TDA\n"
                )
    tmp.replace(folder / "data.csv")
    return folder


def run(folder: Path) -> dict[str, object]:
    out = Path(tempfile.mkdtemp()) / "out.csv"
    cmd = [str(ROOT / ".venv" / "bin" / "sdmx-cso"), "convert", str(folder),
           "--to", "sdmx-csv-2.0", "-o", str(out)]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(proc.stderr.read().decode() if proc.stderr else "failed")
    meta = out.with_name("out.metadata.xml").read_text("utf-8")
    summary = meta[meta.index("Cells withheld:") : meta.index("protected.") + len("protected.")]
    rows = sum(1 for _ in (folder / "data.csv").open(encoding="utf-8")) - 1
    return {"rows": rows, "seconds": seconds, "peak_mib": usage.ru_maxrss / 1024,
            "summary": summary}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    args = parser.parse_args()
    lines = [
        "| observations | time (s) | peak RSS (MiB) | audit |",
        "|---:|---:|---:|---|",
    ]
    for n in (int(s) for s in args.sizes.split(",")):
        result = run(generate(n))
        print(result, flush=True)
        lines.append(
            f"| {result['rows']:,} | {result['seconds']:.1f} | {result['peak_mib']:.0f} | "
            f"{result['summary']} |"
        )
    RESULTS.write_text("\n".join(["", *lines, ""]), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""Benchmark: the SDMX-JSON 2.0 data writer at 1,000,000 observations, as the pipeline drives it.

Issue #16: SDMX-JSON writing of 1M observations took 76 s and 1.5 GB (``sdmx-cso convert``,
`results/convert.md`) while every other writer streamed in about 270 MB, because
``data_json20.write`` gathered the pipeline's batches into one table. This harness measures
the writer alone, on the same observations, for several versions of the package:

* **prepare** (once, untimed, cached beside the convert benchmark's submissions): the
  submission of ``generate.py`` (``--rows``, ``--seed``, no errors) is loaded and derived
  with the working tree's package, sorted in key order, and saved as an Arrow IPC stream of
  20,000-row record batches (the pipeline's ``MEMORY_ROWS``), with its metadata as JSON.
* **write** (timed, a fresh process per run and version): the observations are read from
  that stream one batch at a time, as a one-shot iterator (what the pipeline's external sort
  hands over), and ``data_json20.write(dataset, out, structure=..., batches=Batches(tables=
  ...))`` writes the message to a file. The time is the call's (wall clock); the peak is the
  process's ``ru_maxrss`` (interpreter, imports, reading the stream included). Arrow's
  memory pool is the one the ``sdmx-cso`` command sets (jemalloc, freed memory returned at
  once: ``cli._memory_pool``) unless ``ARROW_DEFAULT_MEMORY_POOL`` is set.

Each version is a git commit (``git archive``) or ``WORKTREE`` (the working tree), copied and
byte-compiled (`_measure.snapshot_package`) and put first on ``PYTHONPATH``. Runs are
interleaved; medians of ``--repeat`` runs. The outputs of all versions are compared byte for
byte (``SOURCE_DATE_EPOCH`` is fixed).

Usage (from the repository root)::

    .venv/bin/python benchmarks/json_write_bench.py --versions before=4b61ab5 after=WORKTREE
    .venv/bin/python benchmarks/json_write_bench.py --rows 100000 --repeat 1 --no-write

It writes ``benchmarks/results/json_write.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CACHE = HERE / "out" / "convert_cache"  # benchmarks/out/ is ignored by git
BATCH_ROWS = 20_000  # sdmx_cso.io.spill.MEMORY_ROWS: the pipeline's sorted tables


def prepare(cache: Path, rows: int, seed: int) -> Path:
    """The sorted observations (``observations.arrows``) and metadata of one submission."""
    data = cache / f"n{rows}-seed{seed}"
    stream = data / "json_write" / "observations.arrows"
    if stream.exists():
        return stream.parent
    submission = data / "submission"
    if not (submission / "data.csv").exists():
        command = [sys.executable, str(HERE / "generate.py"), "--rows", str(rows), "--out",
                   str(submission), "--errors", "0", "--seed", str(seed)]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True, text=True)
    command = [sys.executable, __file__, "--prepare-worker", str(submission), str(stream.parent)]
    subprocess.run(command, check=True)
    return stream.parent


def prepare_worker(submission: Path, folder: Path) -> None:
    import pyarrow as pa

    import sdmx_cso
    from sdmx_cso.model.columns import sort_observations

    dataset = sdmx_cso.load(submission).derived()
    table = sort_observations(dataset.observations)
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / "observations.arrows.part"
    with pa.OSFile(str(part), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=BATCH_ROWS):
            writer.write_batch(batch)
    (folder / "metadata.json").write_text(dataset.metadata.model_dump_json(), encoding="utf-8")
    part.rename(folder / "observations.arrows")


def write_worker(folder: Path, out: Path) -> None:
    """One timed write; prints the seconds and the peak RSS (MiB) as JSON."""
    import pyarrow as pa

    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):  # as the sdmx-cso command does
        pa.set_memory_pool(pa.jemalloc_memory_pool())
        pa.jemalloc_set_decay_ms(0)

    from sdmx_cso import CommunityDataset, DatasetMetadata
    from sdmx_cso.formats import data_json20
    from sdmx_cso.formats.series import Batches
    from sdmx_cso.model.columns import canonical_schema
    from sdmx_cso.model.structure import structure_for

    metadata = DatasetMetadata.model_validate_json((folder / "metadata.json").read_text("utf-8"))
    dataset = CommunityDataset.model_construct(
        metadata=metadata, observations=canonical_schema().empty_table()
    )
    structure = structure_for(metadata)

    def tables() -> Any:
        with pa.OSFile(str(folder / "observations.arrows")) as source:
            for batch in pa.ipc.open_stream(source):
                yield pa.Table.from_batches([batch])

    start = time.perf_counter()
    with out.open("wb") as handle:
        data_json20.write(dataset, handle, structure=structure, batches=Batches(tables=tables()))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "bytes": out.stat().st_size}))


def snapshot(version: str, dest: Path) -> str:
    """Copy the package of ``version`` (a commit, or WORKTREE) to ``dest``; its commit."""
    sys.path.insert(0, str(HERE))
    from _measure import snapshot_package

    if version == "WORKTREE":
        snapshot_package(REPO, dest)
        return f"{_commit('HEAD')} + working tree"
    archive = subprocess.run(["git", "-C", str(REPO), "archive", version, "sdmx_cso"],
                             capture_output=True, check=True).stdout  # fmt: skip
    exported = dest / "export"
    exported.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(exported)], input=archive, check=True)
    snapshot_package(exported, dest)
    return _commit(version)


def _commit(ref: str) -> str:
    command = ["git", "-C", str(REPO), "rev-parse", "--short", ref]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def run(args: argparse.Namespace) -> dict[str, Any]:
    folder = prepare(Path(args.cache), args.rows, args.seed)
    versions = dict(v.split("=", 1) for v in args.versions)
    work = Path(tempfile.mkdtemp(prefix="json_write_bench_"))
    commits = {name: snapshot(ref, work / name) for name, ref in versions.items()}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in versions}
    outputs = {}
    for rep in range(args.repeat):
        for name in versions:
            out = work / f"{name}.json"
            env = {**os.environ, "PYTHONPATH": str(work / name), "SOURCE_DATE_EPOCH": "1700000000"}
            done = subprocess.run([sys.executable, __file__, "--write-worker", str(folder),
                                   str(out)], env=env, capture_output=True, text=True)  # fmt: skip
            if done.returncode:
                raise RuntimeError(f"{name}: {done.stderr}")
            result = json.loads(done.stdout.splitlines()[-1])
            runs[name].append(result)
            outputs[name] = out
            print(f"# {args.rows:,} {name} run {rep + 1}: {result['seconds']:.1f} s "
                  f"{result['peak_mib']:.0f} MiB", file=sys.stderr, flush=True)  # fmt: skip
    first = next(iter(outputs.values()))
    identical = all(filecmp.cmp(first, out, shallow=False) for out in outputs.values())
    shutil.rmtree(work, ignore_errors=True)  # the messages (350 MB each at 1M) and copies
    return {
        "date": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "machine": f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}",
        "rows": args.rows,
        "repeat": args.repeat,
        "identical": identical,
        "versions": {
            name: {
                "ref": versions[name],
                "commit": commits[name],
                "seconds": statistics.median(r["seconds"] for r in runs[name]),
                "peak_mib": statistics.median(r["peak_mib"] for r in runs[name]),
                "bytes": runs[name][0]["bytes"],
                "runs": runs[name],
            }
            for name in versions
        },
    }


def render(result: dict[str, Any]) -> str:
    lines = [
        "# SDMX-JSON 2.0 write at scale",
        "",
        f"`benchmarks/json_write_bench.py`, {result['date']}, {result['machine']}: "
        f"{result['rows']:,} observations (the convert benchmark's generated submission, "
        "derived, in key order), written by `data_json20.write` from a one-shot iterator of "
        "20,000-row tables, as the pipeline's external sort hands them over; a fresh process "
        f"per run, median of {result['repeat']}.",
        "",
        "| version | commit | write (s) | peak RSS of the process (MiB) | message (MB) |",
        "|---|---|---:|---:|---:|",
    ]
    for name, v in result["versions"].items():
        lines.append(f"| {name} | {v['commit']} | {v['seconds']:.1f} | {v['peak_mib']:.0f} | "
                     f"{v['bytes'] / 1e6:.0f} |")  # fmt: skip
    same = "identical" if result["identical"] else "NOT identical"
    lines += ["", f"The messages of all versions are byte-{same}.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cache", default=str(DEFAULT_CACHE))
    parser.add_argument("--versions", nargs="+", default=["after=WORKTREE"],
                        help="NAME=COMMIT or NAME=WORKTREE")  # fmt: skip
    parser.add_argument("--no-write", action="store_true", help="print, do not write results")
    parser.add_argument("--prepare-worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--write-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare_worker:
        prepare_worker(Path(args.prepare_worker[0]), Path(args.prepare_worker[1]))
        return
    if args.write_worker:
        write_worker(Path(args.write_worker[0]), Path(args.write_worker[1]))
        return
    result = run(args)
    text = render(result)
    print(text)
    if not args.no_write:
        results = HERE / "results"
        (results / "json_write.md").write_text(text, encoding="utf-8")
        (results / "json_write.json").write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

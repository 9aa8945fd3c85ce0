"""Benchmark: reading a 1,000,000-observation SDMX-ML 2.1 message, ours against sdmxthon.

The message is the project's own SDMX-ML 2.1 structure-specific data (``sdmx-ml-2.1``),
written by our writer from a submission of ``generate.py`` (``--seed 1``, no errors), so
that it has the shape of real coalition data: 20 filled columns, series and observation
attributes, Nepali and Bengali text. Each step runs in a fresh process (the same Python for
ours, the peers' Python for sdmxthon), one after the other, and reports:

* *step*: the read alone, inside the process (wall and CPU time);
* *process*: process start to exit, imports included;
* *peak RSS*: the process's ``VmHWM`` (Linux) at the end, i.e. its peak over the whole run.

Steps:

=====================  ===================================================================
``ours/table``          ``read_foreign(path)``: the neutral table (``sdmx_cso.formats.read_ml``),
                        all of it in memory
``ours/csv``            ``read_ml.write_streamed(path, out)``: the same rows written as CSV in
                        bounded memory (batches spilled to a temporary Arrow IPC file): what
                        ``sdmx-cso read FILE -o OUT.csv`` does
``ours/table-csv``      ``read_foreign(path).save(out, to="csv")``: the table, then CSV (what
                        ``sdmx-cso read`` did before it streamed)
``ours/dataset``        ``sdmx_cso.read(path)``: our own message back to a ``CommunityDataset``
                        (the canonical columns, the reference metadata beside it)
``sdmxthon/read``       ``get_datasets(path, structure, validate=False).data``: a DataFrame
=====================  ===================================================================

sdmxthon 2.6 cannot read our SDMX-ML 2.1 structure message as written (``KeyError: 'Ref'``
on the concepts' core representation, which it expects as a ``Ref``, not a URN), so it gets
the same structures without the concepts' ``CoreRepresentation`` (the DSD's own
representations stay): a reading convenience, not a change of the data it reads.

Usage (from the repository root; the peers' Python as in ``benchmarks/README.md``)::

    .venv/bin/python benchmarks/read_bench.py --peers-python /tmp/benchpeers/bin/python
    .venv/bin/python benchmarks/read_bench.py --rows 100000 --no-write   # a quick look

It writes ``benchmarks/results/read.md`` and ``benchmarks/results/read.json``. The message is
generated once per size into ``benchmarks/out/read_cache/`` (ignored by git).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from _measure import reset_peak, snapshot_package, status_kib  # noqa: E402

STEPS = ("ours/table", "ours/csv", "ours/table-csv", "ours/dataset", "sdmxthon/read")
TARGET_MIB = 300


# -- in a worker process ----------------------------------------------------------------------


def timed(function: Callable[[], Any]) -> tuple[Any, dict[str, Any]]:
    exact = reset_peak()
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, {
        "step_s": time.perf_counter() - wall,
        "step_cpu_s": time.process_time() - cpu,
        "step_peak_mib": status_kib("VmHWM") / 1024 if exact else None,
    }


def worker(step: str, case: Path, out: Path) -> dict[str, Any]:
    message, structure = case / "ours.xml", case / "structure_sdmxthon.xml"
    if step == "ours/table":
        from sdmx_cso.bridge.foreign import read_foreign

        table, m = timed(lambda: read_foreign(message))
        return {**m, "observations": table.num_rows}
    if step == "ours/csv":
        from sdmx_cso.formats.read_ml import write_streamed

        def streamed() -> int:
            with (out / "ours.csv").open("wb") as f:
                return write_streamed(message, f)[1]

        rows, m = timed(streamed)
        return {**m, "observations": rows, "bytes": (out / "ours.csv").stat().st_size}
    if step == "ours/table-csv":
        from sdmx_cso.bridge.foreign import read_foreign

        def to_csv() -> int:
            table = read_foreign(message)
            table.save(out / "ours.csv", to="csv")
            return table.num_rows

        rows, m = timed(to_csv)
        return {**m, "observations": rows, "bytes": (out / "ours.csv").stat().st_size}
    if step == "ours/dataset":
        import sdmx_cso

        read, m = timed(lambda: sdmx_cso.read(message))
        assert read.dataset is not None, read.notes
        return {**m, "observations": len(read.dataset)}
    if step == "sdmxthon/read":
        from sdmxthon import get_datasets

        frame, m = timed(lambda: get_datasets(str(message), str(structure), validate=False).data)
        return {**m, "observations": len(frame)}
    raise ValueError(step)


# -- preparing the message ----------------------------------------------------------------------


def prepare(case: Path, rows: int, seed: int) -> dict[str, Any]:
    """The submission, our SDMX-ML 2.1 message with its metadata, and the structures."""
    facts_file = case / "facts.json"
    if facts_file.exists():
        return {**json.loads(facts_file.read_text("utf-8")), "cached": True}
    shutil.rmtree(case, ignore_errors=True)
    case.mkdir(parents=True)
    sub = case / "submission"
    command = [sys.executable, str(HERE / "generate.py"), "--rows", str(rows), "--out", str(sub),
               "--errors", "0", "--seed", str(seed)]  # fmt: skip
    facts = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    code = (
        "import sys, sdmx_cso\n"
        "from sdmx_cso.formats import writer_for\n"
        "from sdmx_cso.model.structure import structure_for\n"
        "ds = sdmx_cso.load(sys.argv[1])\n"
        "structure = structure_for(ds.metadata)\n"
        "with open(sys.argv[2], 'wb') as out:\n"
        "    writer_for('sdmx-ml-2.1')(ds, out, structure=structure)\n"
        "with open(sys.argv[3], 'wb') as out:\n"
        "    writer_for('sdmx-ml-2.1', kind='metadata')(ds.metadata, out, structure=structure)\n"
    )  # the observations as given: disclosure control is not what is measured here
    subprocess.run([sys.executable, "-c", code, str(sub), str(case / "ours.xml"),
                    str(case / "ours.metadata.xml")], check=True)  # fmt: skip
    cli = str(Path(sys.executable).with_name("sdmx-cso"))
    subprocess.run([cli, "structures", "-t", "sdmx-ml-2.1", "-o", str(case / "structure.xml"),
                    "-s", str(sub)], check=True, capture_output=True)  # fmt: skip
    text = (case / "structure.xml").read_text("utf-8")
    stripped = re.sub(r"<str:CoreRepresentation>.*?</str:CoreRepresentation>", "", text, flags=re.S)
    (case / "structure_sdmxthon.xml").write_text(stripped, encoding="utf-8")
    facts["message_bytes"] = (case / "ours.xml").stat().st_size
    facts_file.write_text(json.dumps(facts), encoding="utf-8")  # last: marks the case complete
    return {**facts, "cached": False}


# -- the run ------------------------------------------------------------------------------------


def run_step(python: str, step: str, case: Path, out: Path, env: dict[str, str]) -> dict[str, Any]:
    command = [python, str(Path(__file__).resolve()), "--worker", step, str(case), str(out)]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1], "process_s": seconds}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return {**result, "process_s": seconds}


def measure(args: argparse.Namespace) -> dict[str, Any]:
    case = Path(args.cache) / f"n{args.rows}-seed{args.seed}"
    facts = prepare(case, args.rows, args.seed)
    runs: dict[str, list[dict[str, Any]]] = {step: [] for step in STEPS}
    with tempfile.TemporaryDirectory(prefix="read_bench_") as work:
        code = Path(work) / "code"
        snapshot_package(REPO, code)  # one version of sdmx_cso for the whole run
        env = {**os.environ, "PYTHONPATH": str(code)}
        for _ in range(args.repeat):
            for step in STEPS:
                python = args.peers_python if step.startswith("sdmxthon") else sys.executable
                result = run_step(python, step, case, Path(work), env)
                print(step, json.dumps(result), file=sys.stderr)
                runs[step].append(result)
    return {"rows": args.rows, "facts": facts, "runs": runs, "environment": environment(args)}


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def summary(runs: list[dict[str, Any]]) -> dict[str, Any] | None:
    good = [r for r in runs if "error" not in r]
    if not good:
        return {"error": runs[0]["error"]} if runs else None
    keys = ("step_s", "step_cpu_s", "process_s", "peak_mib")
    return {
        **{k: median([r[k] for r in good]) for k in keys},
        "observations": good[0]["observations"],
        "runs": len(good),
    }


def environment(args: argparse.Namespace) -> dict[str, Any]:
    def version(python: str, package: str) -> str | None:
        code = f"import importlib.metadata as m; print(m.version({package!r}))"
        done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
        return done.stdout.strip() or None

    git = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True, check=False)  # fmt: skip
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git.stdout.strip(),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "lxml": version(sys.executable, "lxml"),
        "pyarrow": version(sys.executable, "pyarrow"),
        "sdmxthon": version(args.peers_python, "sdmxthon"),
        "pandas_sdmxthon": version(args.peers_python, "pandas"),
        "load": os.getloadavg()[0],
    }


def _ratio(ours: float, theirs: float) -> str:
    r = ours / theirs
    return f"**{r:.2f}** ({1 / r:.1f}× faster)" if r < 1 else f"**{r:.2f}** ({r:.1f}× slower)"


def _against_targets(s: dict[str, Any], env: dict[str, Any]) -> list[str]:
    """What the figures say of the #16 targets, in words."""
    streamed, table, peer = s.get("ours/csv"), s.get("ours/table"), s.get("sdmxthon/read")
    if not (streamed and table and peer) or any("error" in m for m in (streamed, table, peer)):
        return []
    return [
        f"Against the targets: reading to CSV in bounded memory peaks at "
        f"{streamed['peak_mib']:,.0f} MiB (target < {TARGET_MIB} MiB), against "
        f"{peer['peak_mib']:,.0f} MiB for sdmxthon's DataFrame; the whole table in memory "
        f"needs {table['peak_mib']:,.0f} MiB (the text of a million observations of 40-odd "
        "columns, about 700 MiB in Arrow, is that big: only streaming stays under the target). "
        + _speed(s, peer, env),
    ]


def _speed(s: dict[str, Any], peer: dict[str, Any], env: dict[str, Any]) -> str:
    """Which of our reads beat sdmxthon's, in CPU and in wall time (said from the figures)."""
    good = {k: m for k, m in s.items() if k.startswith("ours/") and "error" not in m}
    faster = [k for k, m in good.items() if m["step_cpu_s"] < peer["step_cpu_s"]]
    slower = [k for k in good if k not in faster]
    said = f"In CPU time, against sdmxthon's {peer['step_cpu_s']:.1f} s: "
    said += f"faster: {', '.join(faster) or 'none'}; slower: {', '.join(slower) or 'none'}. "
    return said + (
        f"The 1-minute load average was {env['load']:.1f} at the start of the run "
        "(2 cores): above about 1.5, wall times are stretched by other work."
    )


def render(result: dict[str, Any]) -> str:
    rows = result["rows"]
    s = {step: summary(result["runs"][step]) for step in STEPS}
    peer = s["sdmxthon/read"]
    env = result["environment"]
    lines = [
        "# Reading SDMX-ML 2.1: results",
        "",
        f"{rows:,} observations of our SDMX-ML 2.1 structure-specific message "
        f"({result['facts']['message_bytes'] / 2**20:,.0f} MiB, "
        f"{result['facts']['series_keys']:,} series), read by each tool in a fresh process "
        f"(median of {max((x or {}).get('runs', 0) for x in s.values())} runs). *Step*: the "
        "read alone; *process*: start to exit; *peak RSS*: the process's peak "
        f"(`VmHWM`). Target (#16): a read of 1M in < {TARGET_MIB} MiB, faster than sdmxthon.",
        "",
        "| step | what | step time (CPU) | process | peak RSS | step time / sdmxthon's |",
        "|---|---|---|---|---|---|",
    ]
    what = {
        "ours/table": "`read_foreign(path)`: the neutral table, in memory",
        "ours/csv": "`read_ml.write_streamed(path, out)`: CSV, streamed",
        "ours/table-csv": '`read_foreign(path).save(out, to="csv")`: table, then CSV',
        "ours/dataset": "`sdmx_cso.read(path)`: back to a `CommunityDataset`",
        "sdmxthon/read": "`get_datasets(path, structure, validate=False).data`",
    }
    for step in STEPS:
        m = s[step]
        if m is None:
            continue
        if "error" in m:
            lines.append(f"| {step} | {what[step]} | failed: {m['error']} | | | |")
            continue
        ratio = ""
        if peer and "error" not in peer and step != "sdmxthon/read":
            cpu = _ratio(m["step_cpu_s"], peer["step_cpu_s"])
            ratio = f"{_ratio(m['step_s'], peer['step_s'])}; CPU {cpu}"
        lines.append(
            f"| {step} | {what[step]} | {m['step_s']:.2f} s ({m['step_cpu_s']:.2f}) | "
            f"{m['process_s']:.2f} s | {m['peak_mib']:,.0f} MiB | {ratio} |"
        )
    lines += ["", *_against_targets(s, env)]
    lines += [
        "",
        f"Machine: {env['machine']}, Python {env['python']}, lxml {env['lxml']}, pyarrow "
        f"{env['pyarrow']}; sdmxthon {env['sdmxthon']} (pandas {env['pandas_sdmxthon']}); "
        f"commit {env['commit']}, {env['date']}, load {env['load']:.1f} at the start.",
        "",
        "sdmxthon reads the same message with the same structures minus the concepts' "
        "`CoreRepresentation` (it fails on them: `KeyError: 'Ref'`). Measured by "
        "`benchmarks/read_bench.py`; the numbers are never asserted in tests.",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=3, metavar=("STEP", "CASE", "OUT"))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--peers-python", default="/tmp/benchpeers/bin/python")
    parser.add_argument("--cache", default=str(HERE / "out" / "read_cache"))
    parser.add_argument("--no-write", action="store_true", help="print, do not write results")
    parser.add_argument("--render", action="store_true", help="read.md again from read.json")
    args = parser.parse_args()
    if args.worker:
        step, case, out = args.worker
        result = worker(step, Path(case), Path(out))
        result["peak_mib"] = status_kib("VmHWM") / 1024
        print(json.dumps(result))
        return 0
    results = HERE / "results"
    if args.render:
        result = json.loads((results / "read.json").read_text("utf-8"))
    else:
        result = measure(args)
    text = render(result)
    if args.no_write:
        print(text)
        return 0
    (results / "read.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (results / "read.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

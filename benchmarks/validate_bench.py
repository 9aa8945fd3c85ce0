"""Benchmark: validation speed and findings of sdmx_cso against frictionless and sdmxthon.

Two comparisons, measured side by side in one run and reported as ratios (never asserted):

1. **End to end** (file in, report out): ``sdmx_cso.validate(folder)`` and ``sdmx-cso validate``
   against frictionless validating the same ``data.csv`` with an equivalent Table Schema
   (types, code lists as ``enum``, required dimensions, primary key on the series key +
   TIME_PERIOD; see ``_peer_schemas.py``), in process (``Resource(...).validate()``) and as
   a command (``frictionless validate``).
2. **In memory** (file reading excluded on both sides): ``sdmx_cso.validate(raw)`` on a
   ``RawSubmission`` read beforehand (``sdmx_cso.pipeline.read_submission``, untimed) against
   sdmxthon's
   ``Dataset.structural_validation()`` on a DataFrame read beforehand (``pandas.read_csv``, all
   columns text), with a DSD holding the same code lists (SDMX-ML 2.1, ``_peer_schemas.py``).
   sdmxthon end to end (read_csv + DSD file + validation) is reported too.

Plus **correctness**: every tool validates a copy with planted errors
(``generate.py --errors``), and the report counts, per kind of error, how many planted rows
each tool located.  And a **profile** of our validation (cProfile), split by phase.

How it measures
---------------
* Submissions come from ``benchmarks/generate.py`` (seeded): a folder with ``data.csv`` (20
  columns) and ``metadata.yaml``.  A 200-row head of each is used for warm-up.
* Every (tool, step, size, run) runs in a fresh subprocess: ours with the project's Python
  (the one running this script), the peers with ``--peers-python`` (their own venv, see
  ``benchmarks/README.md``).  Runs are interleaved (run 1 of every step, then run 2…), so that
  load from other processes on the machine spreads over all tools.  Median of ``--repeat``.
* In-process steps import the library, validate the 200-row head once (one-off initialisation
  such as loading code lists is not counted), prepare the untimed inputs, then time the step.
  Command steps are timed from process start to exit, so they include start-up and imports.
* Peak RSS: in process, the kernel's high-water mark is reset before the step
  (``/proc/self/clear_refs``) and ``VmHWM`` read after it: the peak of the whole process during
  the step (interpreter, libraries, untimed inputs) and, in parentheses, its increase over the
  RSS at the start of the step.  For commands, ``ru_maxrss`` of the child (``os.wait4``).
* Our workers import ``sdmx_cso`` from a copy of the package taken when the run starts
  (``PYTHONPATH``), so that a run measures one version even while the tree is being edited;
  the report names the commit and the files that differed from it.
* A peer run that exceeds ``--peer-timeout`` seconds (default 120) is stopped, and that
  (tool, step) is skipped for the remaining runs of that size.

Usage (from the repository root; the peers' venv as in ``benchmarks/README.md``)::

    .venv/bin/python benchmarks/validate_bench.py                       # 10k, 100k, 1M; 3 runs
    .venv/bin/python benchmarks/validate_bench.py --sizes 10000 --repeat 1 --no-write
    .venv/bin/python benchmarks/validate_bench.py --profile-only --profile-rows 100000
    .venv/bin/python benchmarks/validate_bench.py --render     # validate.md again from the JSON

It writes ``benchmarks/results/validate.md`` (tables with ratios), ``validate.json`` (raw
numbers) and ``validate_profile.txt`` (the profile's top functions). A hand-written
``## Findings`` section at the end of ``validate.md`` is kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _measure import reset_peak, snapshot_package, status_kib

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
HEAD_ROWS = 200
TOOLS = ("sdmx_cso", "frictionless", "sdmxthon")
# step -> (label, tools that run it); the order of the report's rows
STEPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "e2e_api": ("end to end, in process (file → report)", TOOLS),
    "e2e_cli": ("end to end, command (process start → exit)", ("sdmx_cso", "frictionless")),
    "in_memory": ("in memory (table read beforehand)", ("sdmx_cso", "sdmxthon")),
    "read": ("read only (`read_submission`)", ("sdmx_cso",)),
}
LIGHT_STEPS = ("e2e_cli", "read")  # skipped above --light-max-rows (they add little)

# --------------------------------------------------------------------------------------------
# Measuring inside a worker
# --------------------------------------------------------------------------------------------


def timed(function: Callable[[], Any]) -> tuple[Any, dict[str, Any]]:
    """Run ``function`` once; its wall and CPU time and the process's peak RSS during it."""
    gc.collect()
    start_kib = status_kib("VmRSS")
    exact = reset_peak()
    cpu = time.process_time()
    started = time.perf_counter()
    out = function()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu
    peak_kib = status_kib("VmHWM")
    return out, {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "peak_mib": peak_kib / 1024,
        "start_mib": start_kib / 1024,
        "exact_peak": exact,
    }


def timed_command(command: list[str], cwd: Path | None = None) -> dict[str, Any]:
    """Wall time and peak RSS (``ru_maxrss``) of a command, from spawn to exit."""
    with open(os.devnull, "wb") as devnull, tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, stdout=devnull, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):  # 1: the data are invalid (both tools)
            errors.seek(0)
            message = errors.read().decode(errors="replace")[-1500:]
            raise RuntimeError(f"{command[0]} exited {code}: {message}")
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,
        "start_mib": 0.0,
        "exact_peak": True,
        "exit_code": code,
    }


# --------------------------------------------------------------------------------------------
# Workers: one (tool, step) per process; each imports only its own library
# --------------------------------------------------------------------------------------------


def _ours_summary(report: Any) -> dict[str, Any]:
    return {"valid": report.valid, "errors": report.stats.errors, "warnings": report.stats.warnings}


def worker_ours(step: str, case: Path) -> dict[str, Any]:
    sub, head = case / "submission", case / "head"
    if step == "e2e_cli":  # spawned from this small process, before any import
        cli = Path(sys.executable).with_name("sdmx-cso")
        out = case / "ours_report.json"
        return timed_command([str(cli), "validate", str(sub), "-f", "json", "-o", str(out)])
    import sdmx_cso

    sdmx_cso.validate(head)  # warm-up: loads the standard and code lists
    if step == "e2e_api":
        report, m = timed(lambda: sdmx_cso.validate(sub))
    elif step == "read":
        raw, m = timed(lambda: sdmx_cso.pipeline.read_submission(sub))
        return {**m, "result": {"rows": raw.table.num_rows}}
    elif step == "in_memory":
        raw = sdmx_cso.pipeline.read_submission(sub)
        report, m = timed(lambda: sdmx_cso.validate(raw))
    else:
        raise ValueError(step)
    return {**m, "result": _ours_summary(report)}


def _frictionless_descriptor(case: Path) -> dict[str, Any]:
    return json.loads((case / "peer" / "schema.json").read_text(encoding="utf-8"))


def worker_frictionless(step: str, case: Path) -> dict[str, Any]:
    if step == "e2e_cli":
        cli = Path(sys.executable).with_name("frictionless")
        command = [
            str(cli),
            "validate",
            "submission/data.csv",
            "--schema",
            "peer/schema.json",
            "--json",
        ]
        return timed_command(command, cwd=case)
    from frictionless import Resource, Schema

    descriptor = _frictionless_descriptor(case)

    def validate(folder: str) -> Any:
        schema = Schema.from_descriptor(descriptor)
        return Resource(path="data.csv", basepath=str(case / folder), schema=schema).validate()

    validate("head")  # warm-up
    report, m = timed(lambda: validate("submission"))
    return {**m, "result": {"valid": report.valid, "errors": len(report.flatten(["type"]))}}


def _read_frame(path: Path) -> Any:
    import pandas as pd

    # every column as text, only empty cells missing (as sdmx_cso reads them); object dtype,
    # because sdmxthon 2.6 fails on pandas 3's string dtype when a column has missing values
    return pd.read_csv(path, dtype=object, keep_default_na=False, na_values=[""])


def _sdmxthon_dsd(case: Path, name: str = "structure.xml") -> Any:
    from sdmxthon import read_sdmx

    payload = read_sdmx(str(case / "peer" / name)).payload
    return payload["DataStructures"]["LNOB:DSD_CGD_BENCH(1.0)"]


def worker_sdmxthon(step: str, case: Path) -> dict[str, Any]:
    from sdmxthon import Dataset

    Dataset(
        structure=_sdmxthon_dsd(case), data=_read_frame(case / "head" / "data.csv")
    ).structural_validation()  # warm-up
    if step == "in_memory":
        dataset = Dataset(
            structure=_sdmxthon_dsd(case), data=_read_frame(case / "submission" / "data.csv")
        )
        errors, m = timed(dataset.structural_validation)
    elif step == "e2e_api":

        def end_to_end() -> Any:
            frame = _read_frame(case / "submission" / "data.csv")
            return Dataset(structure=_sdmxthon_dsd(case), data=frame).structural_validation()

        errors, m = timed(end_to_end)
    else:
        raise ValueError(step)
    critical = sum(1 for e in errors if e["ErrorLevel"] == "CRITICAL")
    return {**m, "result": {"valid": critical == 0, "entries": len(errors)}}


WORKERS = {
    "sdmx_cso": worker_ours,
    "frictionless": worker_frictionless,
    "sdmxthon": worker_sdmxthon,
}

# --------------------------------------------------------------------------------------------
# Correctness: findings on the copy with planted errors, as (rows, column, code, severity)
# --------------------------------------------------------------------------------------------


def findings_ours(case: Path) -> dict[str, Any]:
    import sdmx_cso

    report = sdmx_cso.validate(case / "submission")
    entries = [
        {
            "rows": [i.row] if i.row else [],
            "column": i.column,
            "code": i.code,
            "severity": i.severity,
        }
        for i in report.issues
    ]
    return {"entries": entries, "notes": []}


def findings_frictionless(case: Path) -> dict[str, Any]:
    from frictionless import Resource, Schema

    schema = Schema.from_descriptor(_frictionless_descriptor(case))
    report = Resource(path="data.csv", basepath=str(case / "submission"), schema=schema).validate()
    entries = [
        {"rows": [row] if row else [], "column": field, "code": kind, "severity": "error"}
        for row, field, kind in report.flatten(["rowNumber", "fieldName", "type"])
    ]
    return {"entries": entries, "notes": []}


def findings_sdmxthon(case: Path) -> dict[str, Any]:
    from sdmxthon import Dataset

    frame = _read_frame(case / "submission" / "data.csv")
    frame["__row__"] = range(2, len(frame) + 2)  # not in the DSD: only used to locate rows
    notes = []
    try:
        errors = Dataset(structure=_sdmxthon_dsd(case), data=frame).structural_validation()
    except Exception as exc:  # report, then retry without the facet that breaks it
        notes.append(
            f"with the DSD as specified it raised {type(exc).__name__}: {exc}; "
            "counts below are from a DSD without minValue facets"
        )
        dsd = _sdmxthon_dsd(case, "structure_lenient.xml")
        errors = Dataset(structure=dsd, data=frame).structural_validation()
    entries = [
        {
            "rows": [r["__row__"] for r in e["Rows"] or []],
            "column": e["Component"],
            "code": e["Code"],
            "severity": e["ErrorLevel"],
        }
        for e in errors
    ]
    return {"entries": entries, "notes": notes}


FINDERS = {
    "sdmx_cso": findings_ours,
    "frictionless": findings_frictionless,
    "sdmxthon": findings_sdmxthon,
}

# --------------------------------------------------------------------------------------------
# Profile of our validation (cProfile), by phase
# --------------------------------------------------------------------------------------------

# (label, module, attribute): the functions timed per phase. Each is wrapped (a timer around
# every call, and every resumption of a generator) where the caller looks it up, so the
# unprofiled run pays only for a few timer calls. Names the code no longer has are skipped.
PHASES = [
    ("read: whole `read_submission`", "sdmx_cso.api", "read_submission"),
    ("read: data file (`read_csv`)", "sdmx_cso.io.submission", "read_csv"),
    ("read: … Arrow fast path (`read_clean_csv`)", "sdmx_cso.io.tables", "read_clean_csv"),
    ("read: … row-by-row reader (`_collect`)", "sdmx_cso.io.tables", "_collect"),
    ("read: metadata file (`read_metadata`)", "sdmx_cso.io.submission", "read_metadata"),
    ("validate: whole `validate_submission`", "sdmx_cso.api", "validate_submission"),
    ("validate: header (`_header`)", "sdmx_cso.validation.submission", "_header"),
    ("validate: metadata model (`check_metadata`)", "sdmx_cso.validation.submission",
     "check_metadata"),
    ("validate: cell checks and their issues (`_cells`)", "sdmx_cso.validation.submission",
     "_cells"),
    ("validate: `normalize_table` (for rules, for derivation)", "sdmx_cso.validation.submission",
     "normalize_table"),
    ("validate: rules (`run_rules`)", "sdmx_cso.validation.submission", "run_rules"),
    ("validate: … keys (duplicates, series attributes)", "sdmx_cso.validation.rules.keys",
     "check"),
    ("validate: … ranges", "sdmx_cso.validation.rules.ranges", "check"),
    ("validate: … periods", "sdmx_cso.validation.rules.periods", "check"),
    ("validate: … consistency", "sdmx_cso.validation.rules.consistency", "check"),
    ("validate: derivation (`derive_table`)", "sdmx_cso.validation.submission", "derive_table"),
    ("validate: mandatory attributes (`_mandatory`)", "sdmx_cso.validation.submission",
     "_mandatory"),
    ("validate: report (`Report.from_issues`)", "sdmx_cso.validation.report.Report",
     "from_issues"),
]  # fmt: skip


def _owner(dotted: str) -> Any:
    """The module (or a class in a module) named ``dotted``."""
    import importlib

    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError:
        module, _, name = dotted.rpartition(".")
        return getattr(importlib.import_module(module), name)


def _timer(function: Callable[..., Any], spent: list[float]) -> Callable[..., Any]:
    import functools
    import inspect

    if inspect.isgeneratorfunction(function):

        @functools.wraps(function)
        def generator(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            inner = function(*args, **kwargs)
            spent[0] += time.perf_counter() - started
            while True:
                started = time.perf_counter()
                try:
                    item = next(inner)
                except StopIteration as stop:
                    spent[0] += time.perf_counter() - started
                    return stop.value
                spent[0] += time.perf_counter() - started
                yield item

        return generator

    @functools.wraps(function)
    def plain(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    return plain


def _rules_with_timers(spent: dict[str, list[float]]) -> None:
    """Rules are called from the ``RULES`` tuple: wrap them there."""
    rules = _owner("sdmx_cso.validation.rules")  # (sdmx_cso.validation is also a function)

    wrapped = []
    for rule in rules.RULES:
        label = next(
            (lb for lb, mod, name in PHASES if (mod, name) == (rule.__module__, rule.__name__)),
            None,
        )
        wrapped.append(_timer(rule, spent[label]) if label else rule)
    rules.RULES = tuple(wrapped)


def install_timers() -> dict[str, list[float]]:
    """Wrap every phase function where it is looked up; return the time accumulators."""
    spent: dict[str, list[float]] = {label: [0.0] for label, _m, _n in PHASES}
    for label, dotted, name in PHASES:
        if dotted.startswith("sdmx_cso.validation.rules."):
            continue
        try:
            owner = _owner(dotted)
            raw = inspect_static(owner, name)
        except (ImportError, AttributeError):
            spent.pop(label)
            continue
        if isinstance(raw, classmethod):
            setattr(owner, name, classmethod(_timer(raw.__func__, spent[label])))
        else:
            setattr(owner, name, _timer(raw, spent[label]))
    _rules_with_timers(spent)
    return spent


def inspect_static(owner: Any, name: str) -> Any:
    import inspect

    return inspect.getattr_static(owner, name)


def _code_key(label: str) -> tuple[str, int, str] | None:
    """The (file, line, name) cProfile uses for the function of a phase."""
    dotted, name = next((m, n) for lb, m, n in PHASES if lb == label)
    try:
        raw = inspect_static(_owner(dotted), name)
    except (ImportError, AttributeError):
        return None
    code = getattr(getattr(raw, "__func__", raw), "__code__", None)
    return None if code is None else (code.co_filename, code.co_firstlineno, code.co_name)


def profile_ours(case: Path, out_text: Path) -> dict[str, Any]:
    """cProfile of read + validate, then the same unprofiled with a timer per phase."""
    import cProfile
    import io
    import pstats

    import sdmx_cso
    import sdmx_cso.api as api

    sdmx_cso.validate(case / "head")  # warm-up
    keys = {label: _code_key(label) for label, _m, _n in PHASES}
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    report = sdmx_cso.validate(sdmx_cso.pipeline.read_submission(case / "submission"))
    profiler.disable()
    profiled_wall = time.perf_counter() - started
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    buffer = io.StringIO()
    for order, count in (("cumulative", 50), ("tottime", 35)):
        pstats.Stats(profiler, stream=buffer).sort_stats(order).print_stats(count)
    root = str(Path(sdmx_cso.__file__).resolve().parent.parent) + os.sep  # the copy's folder
    out_text.write_text(buffer.getvalue().replace(root, ""), encoding="utf-8")
    top = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:15]

    spent = install_timers()
    gc.collect()
    started = time.perf_counter()
    raw = api.read_submission(case / "submission")  # the wrapped functions, as api calls them
    read_wall = time.perf_counter() - started
    api.validate(raw)
    wall = time.perf_counter() - started
    phases = [
        {"phase": label, "seconds": spent[label][0] if label in spent else None,
         "profiled": stats[keys[label]][3] if keys[label] in stats else None}
        for label, _m, _n in PHASES
    ]  # fmt: skip
    return {
        "wall_seconds": wall,
        "read_seconds": read_wall,
        "profiled_wall_seconds": profiled_wall,
        "valid": report.valid,
        "phases": phases,
        "top_tottime": [
            {
                "function": f"{Path(file).name}:{line}({func})",
                "calls": v[1],
                "tottime": v[2],
                "cumtime": v[3],
            }
            for (file, line, func), v in top
        ],
    }


# --------------------------------------------------------------------------------------------
# Orchestrator
# --------------------------------------------------------------------------------------------


def run_json(
    command: list[str], timeout: float | None = None, env: dict[str, str] | None = None
) -> Any:
    """Run a worker and parse the JSON on its last line (``None`` when it timed out)."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:5])} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Bench:
    """The run: where cases live, which Pythons run what, and the collected numbers."""

    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        self.pythons = {
            "sdmx_cso": sys.executable,
            "frictionless": args.peers_python,
            "sdmxthon": args.peers_python,
        }
        self.script = str(Path(__file__).resolve())
        self.loads: list[float] = []
        self.prepared: dict[str, dict[str, Any]] = {}
        # sdmx_cso is imported from a copy taken at the start: one version for the whole run,
        # even when the working tree changes meanwhile
        self.code = workdir / "code"
        snapshot_package(REPO, self.code)
        path = os.pathsep.join(filter(None, [str(self.code), os.environ.get("PYTHONPATH")]))
        self.envs = {"sdmx_cso": {**os.environ, "PYTHONPATH": path}}

    def python_for(self, tool: str) -> str:
        return self.pythons[tool]

    def ours(self, command: list[str], timeout: float | None = None) -> Any:
        """Run a worker of ours (on the copy of sdmx_cso)."""
        return run_json(command, timeout=timeout, env=self.envs["sdmx_cso"])

    def prepare(self, rows: int, errors: float, name: str) -> dict[str, Any]:
        case = self.workdir / name
        if name in self.prepared:
            return {"case": case, **self.prepared[name]}
        facts = self.ours(
            [
                sys.executable,
                self.script,
                "--prepare",
                str(case),
                str(rows),
                str(errors),
                str(self.args.seed),
            ]
        )
        print(f"# prepared {name}: {json.dumps(facts)}", file=sys.stderr, flush=True)
        self.prepared[name] = facts
        return {"case": case, **facts}

    def worker(self, tool: str, step: str, case: Path, timeout: float | None) -> Any:
        self.loads.append(os.getloadavg()[0])
        command = [self.python_for(tool), self.script, "--worker", tool, step, str(case)]
        return run_json(command, timeout=timeout, env=self.envs.get(tool))

    def measure_size(self, rows: int) -> dict[str, Any]:
        prepared = self.prepare(rows, 0.0, f"n{rows}")
        case = prepared.pop("case")
        plan = [
            (tool, step)
            for step, (_label, tools) in STEPS.items()
            for tool in tools
            if rows <= self.args.light_max_rows or step not in LIGHT_STEPS
        ]
        runs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        skipped: dict[tuple[str, str], str] = {}
        for rep in range(self.args.repeat):
            for tool, step in plan:
                if (tool, step) in skipped:
                    continue
                timeout = None if tool == "sdmx_cso" else self.args.peer_timeout
                out = self.worker(tool, step, case, timeout)
                if out is None:
                    skipped[(tool, step)] = f"stopped after {timeout:.0f} s (run {rep + 1})"
                    print(
                        f"#   {rows:>9,} {tool:12} {step:10} SKIPPED (> {timeout:.0f} s)",
                        file=sys.stderr,
                        flush=True,
                    )
                    continue
                runs[(tool, step)].append(out)
                print(
                    f"#   {rows:>9,} {tool:12} {step:10} run {rep + 1}: {out['seconds']:.3f} s "
                    f"{out['peak_mib']:.0f} MiB",
                    file=sys.stderr,
                    flush=True,
                )
        steps = {f"{tool}/{step}": summarise(r) for (tool, step), r in runs.items()}
        return {
            "rows": rows,
            "data": prepared,
            "steps": steps,
            "skipped": {f"{t}/{s}": why for (t, s), why in skipped.items()},
        }

    def correctness(self) -> dict[str, Any]:
        prepared = self.prepare(self.args.check_rows, self.args.check_errors, "errors")
        case = prepared.pop("case")
        planted = json.loads((case / "submission" / "planted_errors.json").read_text())
        tools = {}
        for tool in TOOLS:
            command = [self.python_for(tool), self.script, "--findings", tool, str(case)]
            found = run_json(command, timeout=self.args.peer_timeout * 3, env=self.envs.get(tool))
            tools[tool] = score(found, planted) if found else {"error": "timed out"}
        return {
            "rows": self.args.check_rows,
            "rate": self.args.check_errors,
            "data": prepared,
            "planted": Counter(p["kind"] for p in planted),
            "tools": tools,
        }

    def profile(self) -> dict[str, Any]:
        prepared = self.prepare(self.args.profile_rows, 0.0, f"n{self.args.profile_rows}")
        case = prepared.pop("case")
        out = RESULTS / "validate_profile.txt" if not self.args.no_write else case / "prof.txt"
        out.parent.mkdir(parents=True, exist_ok=True)
        return {
            "rows": self.args.profile_rows,
            "file": out.name,
            **self.ours([sys.executable, self.script, "--profile", str(case), str(out)]),
        }


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "runs": [round(r["seconds"], 4) for r in runs],
        "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs),
        "cpu_runs": [round(r["cpu_seconds"], 4) for r in runs],
        "peak_mib": statistics.median(r["peak_mib"] for r in runs),
        "start_mib": statistics.median(r["start_mib"] for r in runs),
        "exact_peak": all(r["exact_peak"] for r in runs),
        "result": runs[-1].get("result", {"exit_code": runs[-1].get("exit_code")}),
    }


def score(found: dict[str, Any], planted: list[dict[str, Any]]) -> dict[str, Any]:
    """How many planted errors (by kind) a tool located, and what else it reported."""
    by_row = {p["row"]: p for p in planted}
    partners = {p["duplicate_of"] for p in planted if p["kind"] == "duplicate_key"}
    flagged = {r for e in found["entries"] for r in e["rows"]}
    detected = Counter(by_row[r]["kind"] for r in flagged if r in by_row)
    severity = Counter(str(e["severity"]).lower() for e in found["entries"])
    return {
        "entries": len(found["entries"]),
        "severity": dict(severity),
        "codes": dict(Counter(e["code"] for e in found["entries"])),
        "detected": dict(detected),
        "detected_total": sum(detected.values()),
        "rows_flagged": len(flagged),
        "duplicate_partners_flagged": len(flagged & partners),
        "other_rows_flagged": len(flagged - set(by_row) - partners),
        "unlocated_entries": sum(1 for e in found["entries"] if not e["rows"]),
        "notes": found["notes"],
    }


# --------------------------------------------------------------------------------------------
# Preparing a case (runs with the project's Python: it needs sdmx_cso)
# --------------------------------------------------------------------------------------------


def prepare_case(case: Path, rows: int, errors: float, seed: int) -> dict[str, Any]:
    """Generate the submission, its 200-row head, and the peers' schema and DSD."""
    import csv

    sys.path.insert(0, str(HERE))
    import _peer_schemas

    sub, head, peer = case / "submission", case / "head", case / "peer"
    for folder in (head, peer):
        folder.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        str(HERE / "generate.py"),
        "--rows",
        str(rows),
        "--out",
        str(sub),
        "--errors",
        str(errors),
        "--seed",
        str(seed),
    ]
    facts = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    with open(sub / "data.csv", encoding="utf-8", newline="") as f:
        lines = list(itertools.islice(f, HEAD_ROWS + 1))
    (head / "data.csv").write_text("".join(lines), encoding="utf-8")
    shutil.copy(sub / "metadata.yaml", head / "metadata.yaml")
    columns = next(csv.reader([lines[0]]))
    specs = _peer_schemas.column_specs(columns, sub / "metadata.yaml")
    schema = _peer_schemas.table_schema(specs)
    (peer / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (peer / "structure.xml").write_text(_peer_schemas.structure_xml(specs), encoding="utf-8")
    lenient = _peer_schemas.structure_xml(specs, minimum=False)
    (peer / "structure_lenient.xml").write_text(lenient, encoding="utf-8")
    return {**facts, "columns": len(columns)}


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _versions(python: str, packages: list[str]) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, platform\n"
        "out = {'python': platform.python_version()}\n"
        f"for p in {packages!r}:\n"
        "    try: out[p] = m.version(p)\n"
        "    except m.PackageNotFoundError: out[p] = None\n"
        "print(json.dumps(out))"
    )
    return json.loads(
        subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout
    )


def environment(args: argparse.Namespace) -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    status = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--", "sdmx_cso"],
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    changed = sorted(line[3:] for line in status if not line.startswith("??"))
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    with open("/proc/meminfo") as f:
        mem_gib = int(f.readline().split()[1]) / 1024**2
    return {
        "date": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "machine": f"{os.cpu_count()} CPUs, {cpu}, {mem_gib:.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}",
        "ours": _versions(sys.executable, ["sdmx-cso", "pyarrow", "pydantic", "pydantic-core"]),
        "peers": _versions(args.peers_python, ["frictionless", "sdmxthon", "pandas", "numpy"]),
        "commit": commit,
        "uncommitted": changed,
    }


def _cell(m: dict[str, Any] | None, skipped: str | None = None) -> str:
    if m is None:
        return f"skipped: {skipped}" if skipped else "—"
    star = "" if m["exact_peak"] else "*"
    growth = f" (+{m['peak_mib'] - m['start_mib']:.0f})" if m["start_mib"] else ""
    cpu = f" (CPU {m['cpu_seconds']:.3f})" if "cpu_seconds" in m else ""
    return f"{m['seconds']:.3f} s{cpu} · {m['peak_mib']:.0f} MiB{growth}{star}"


def _ratio(ours: dict[str, Any] | None, peer: dict[str, Any] | None) -> str:
    if ours is None or peer is None:
        return "—"
    time_ratio = ours["seconds"] / peer["seconds"]
    rss_ratio = ours["peak_mib"] / peer["peak_mib"]
    speed = f"{1 / time_ratio:.1f}× faster" if time_ratio < 1 else f"{time_ratio:.1f}× slower"
    cpu = ""
    if "cpu_seconds" in ours and "cpu_seconds" in peer:
        cpu = f" · CPU {ours['cpu_seconds'] / peer['cpu_seconds']:.2f}"
    return f"**{time_ratio:.2f}** ({speed}){cpu} · RSS {rss_ratio:.2f}"


def size_section(size: dict[str, Any]) -> list[str]:
    data, steps, skipped = size["data"], size["steps"], size["skipped"]
    lines = [
        f"## {size['rows']:,} rows",
        "",
        f"`data.csv`: {data['bytes'] / 2**20:.1f} MiB, {data['columns']} columns, "
        f"{data['series_keys']:,} series keys, {data['service_points']:,} declared service "
        "points.",
        "",
        "| step | sdmx_cso | frictionless | sdmxthon | ours / frictionless | ours / sdmxthon |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for step, (label, tools) in STEPS.items():
        cells = {t: steps.get(f"{t}/{step}") for t in TOOLS}
        if not any(cells.values()) and not any(f"{t}/{step}" in skipped for t in tools):
            continue
        shown = [_cell(cells[t], skipped.get(f"{t}/{step}")) if t in tools else "—" for t in TOOLS]
        ratios = [_ratio(cells["sdmx_cso"], cells[p]) for p in ("frictionless", "sdmxthon")]
        lines.append(f"| {label} | " + " | ".join(shown + ratios) + " |")
    verdicts = {t: steps[k]["result"] for t in TOOLS if (k := f"{t}/e2e_api") in steps}
    lines += [
        "",
        "Verdicts on this (error-free) file, end to end: "
        + "; ".join(f"{t} {json.dumps(v)}" for t, v in verdicts.items())
        + ".",
        "",
    ]
    return lines


def targets_section(sizes: list[dict[str, Any]]) -> list[str]:
    lines = [
        "## Against the targets",
        "",
        "| rows | ours / frictionless, end to end (target ≤ 0.10) "
        "| ours / sdmxthon, in memory (target ≤ 2) |",
        "| ---: | ---: | ---: |",
    ]

    def ratio(size: dict[str, Any], peer: str, step: str) -> str:
        ours, other = size["steps"].get(f"sdmx_cso/{step}"), size["steps"].get(f"{peer}/{step}")
        if not ours or not other:
            return "— (" + size["skipped"].get(f"{peer}/{step}", "not run") + ")"
        value = ours["seconds"] / other["seconds"]
        limit = 0.10 if peer == "frictionless" else 2.0
        cpu = ""
        if "cpu_seconds" in ours and "cpu_seconds" in other:
            cpu = f" (CPU {ours['cpu_seconds'] / other['cpu_seconds']:.2f})"
        return f"{value:.2f}{cpu} {'met' if value <= limit else '**not met**'}"

    for size in sizes:
        lines.append(
            f"| {size['rows']:,} | {ratio(size, 'frictionless', 'e2e_api')} "
            f"| {ratio(size, 'sdmxthon', 'in_memory')} |"
        )
    return [*lines, ""]


# the five kinds the issue names first, then the rest (as generate.py cycles through them)
KIND_ORDER = ("bad_code", "bad_number", "empty_dimension", "duplicate_key", "value_outside_bounds",
              "bad_integer", "numerator_exceeds_sample", "percent_out_of_range", "period_not_freq",
              "bad_flag")  # fmt: skip


def correctness_section(check: dict[str, Any]) -> list[str]:
    planted: dict[str, int] = dict(
        sorted(check["planted"].items(), key=lambda kv: (*KIND_ORDER, kv[0]).index(kv[0]))
    )
    tools = check["tools"]
    lines = [
        "## Correctness: planted errors",
        "",
        f"`generate.py --rows {check['rows']} --errors {check['rate']}`: {sum(planted.values())} "
        "rows with one error each (distinct series keys). A planted error counts as located "
        "when the tool reports anything at its row (sdmxthon gives row contents, not numbers: "
        "a hidden row-number column maps them back).",
        "",
        "| planted error | rows | " + " | ".join(TOOLS) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in TOOLS) + " |",
    ]
    for kind, count in planted.items():
        cells = [str(tools[t].get("detected", {}).get(kind, 0)) for t in TOOLS]
        lines.append(f"| {kind} | {count} | " + " | ".join(cells) + " |")

    def row(label: str, fn: Callable[[dict[str, Any]], Any]) -> str:
        return f"| {label} | | " + " | ".join(str(fn(tools[t])) for t in TOOLS) + " |"

    lines += [
        row(
            "**located, all kinds**",
            lambda s: f"**{s['detected_total']}** / {sum(planted.values())}",
        ),
        row("entries in the report", lambda s: s["entries"]),
        row("… by severity", lambda s: ", ".join(f"{k} {v}" for k, v in s["severity"].items())),
        row("… by code", lambda s: ", ".join(f"{k} {v}" for k, v in sorted(s["codes"].items()))),
        row("entries without a row", lambda s: s["unlocated_entries"]),
        row("original rows of duplicates flagged", lambda s: s["duplicate_partners_flagged"]),
        row("other rows flagged (not planted)", lambda s: s["other_rows_flagged"]),
    ]
    notes = [f"- {t}: {n}" for t in TOOLS for n in tools[t].get("notes", [])]
    return [*lines, "", *notes, ""] if notes else [*lines, ""]


def profile_section(prof: dict[str, Any]) -> list[str]:
    wall = prof["wall_seconds"]
    lines = [
        f"## Where our time goes ({prof['rows']:,} rows)",
        "",
        f"`read_submission` then `validate(raw)`, after a warm-up, in one process: {wall:.2f} s "
        f"unprofiled (read {prof['read_seconds']:.2f} s), {prof['profiled_wall_seconds']:.2f} s "
        "under cProfile. *Unprofiled* times come from a timer around each phase function "
        "(nested phases, marked …, are part of the phase above them); *cProfile* is its "
        "cumulative time, inflated where much Python code runs per row. "
        f"`{prof['file']}` lists the top functions.",
        "",
        "| phase | unprofiled s | share | cProfile s |",
        "| --- | ---: | ---: | ---: |",
    ]
    for p in prof["phases"]:
        if p["seconds"] is None and p["profiled"] is None:
            continue
        sec = "—" if p["seconds"] is None else f"{p['seconds']:.3f}"
        share = "—" if p["seconds"] is None else f"{100 * p['seconds'] / wall:.0f} %"
        prof_s = "—" if p["profiled"] is None else f"{p['profiled']:.3f}"
        lines.append(f"| {p['phase']} | {sec} | {share} | {prof_s} |")
    lines += [
        "",
        "Top functions by own time (cProfile):",
        "",
        "| function | calls | own s | cumulative s |",
        "| --- | ---: | ---: | ---: |",
    ]
    for f in prof["top_tottime"]:
        lines.append(
            f"| `{f['function']}` | {f['calls']:,} | {f['tottime']:.3f} | {f['cumtime']:.3f} |"
        )
    return [*lines, ""]


def render(result: dict[str, Any]) -> str:
    env = result["environment"]
    loads = result.get("load_average", {})
    lines = [
        "# Validation benchmark",
        "",
        "Generated by `benchmarks/validate_bench.py` (see its docstring for the method); data "
        "from `benchmarks/generate.py`.",
        "",
        f"- date: {env['date']}; sdmx_cso at commit {env['commit']}"
        + (
            f" with uncommitted changes to {', '.join(env['uncommitted'])}"
            if env.get("uncommitted")
            else ""
        )
        + " (copied at the start, so that the whole run measures one version)",
        f"- machine: {env['machine']}; 1-minute load average during the runs "
        f"{loads.get('min', 0):.1f}–{loads.get('max', 0):.1f} (other processes were running)",
        f"- sdmx_cso: Python {env['ours']['python']}, "
        + ", ".join(f"{k} {v}" for k, v in env["ours"].items() if k != "python"),
        f"- peers: Python {env['peers']['python']}, "
        + ", ".join(f"{k} {v}" for k, v in env["peers"].items() if k != "python"),
        f"- runs: median of {result['repeat']}, each in a fresh subprocess, interleaved",
        "",
        "Cells: *median wall time (median CPU time, user + system, all threads) · peak RSS of "
        "the process during the step (its increase over the RSS at the step's start)*. Ratios: "
        "*ours / peer* wall time (below 1: we are faster) · the same for CPU time, which other "
        "processes on the machine disturb less · ours / peer peak RSS. Commands include "
        "interpreter start-up and imports; in-process steps do not (one warm-up validation of "
        "a 200-row head first).",
        "",
    ]
    if result.get("sizes"):
        lines += targets_section(result["sizes"])
        for size in result["sizes"]:
            lines += size_section(size)
    if result.get("correctness"):
        lines += correctness_section(result["correctness"])
    if result.get("profile"):
        lines += profile_section(result["profile"])
    return "\n".join(lines)


def write_results(result: dict[str, Any]) -> None:
    """Write the markdown and JSON, keeping a hand-written ``## Findings`` section if present."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    md = RESULTS / "validate.md"
    kept = ""
    if md.exists():
        old = md.read_text(encoding="utf-8")
        if "\n## Findings" in old:
            kept = "\n" + old[old.index("\n## Findings") + 1 :]
    md.write_text(render(result) + kept, encoding="utf-8")
    (RESULTS / "validate.json").write_text(json.dumps(result, indent=1, default=str) + "\n")


def run(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="validate_bench_"))
    bench = Bench(args, workdir)
    result: dict[str, Any] = {"environment": environment(args), "repeat": args.repeat}
    try:
        if not args.profile_only:
            result["sizes"] = [bench.measure_size(n) for n in args.sizes]
            if args.check_rows:
                result["correctness"] = bench.correctness()
        if args.profile_rows:
            result["profile"] = bench.profile()
    finally:
        if args.keep:
            print(f"# cases kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if bench.loads:
        result["load_average"] = {"min": min(bench.loads), "max": max(bench.loads)}
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument(
        "--peers-python",
        default="/tmp/benchpeers/bin/python",
        help="Python of the venv with frictionless and sdmxthon",
    )
    parser.add_argument(
        "--peer-timeout", type=float, default=120.0, help="stop a peer run after this many seconds"
    )
    parser.add_argument(
        "--light-max-rows",
        type=int,
        default=100_000,
        help="commands and read-only runs only up to this size",
    )
    parser.add_argument(
        "--check-rows",
        type=int,
        default=100_000,
        help="rows of the planted-errors copy (0: no correctness run)",
    )
    parser.add_argument("--check-errors", type=float, default=0.001, help="planted error rate")
    parser.add_argument("--profile-rows", type=int, default=100_000, help="0: no profile")
    parser.add_argument("--profile-only", action="store_true", help="only the profile")
    parser.add_argument("--keep", action="store_true", help="keep the generated cases")
    parser.add_argument("--no-write", action="store_true", help="print, do not write results")
    parser.add_argument(
        "--render", action="store_true", help="only rewrite validate.md from validate.json"
    )
    # internal: the subprocesses
    parser.add_argument("--prepare", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--findings", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--profile", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.prepare:
        case, rows, errors, seed = args.prepare
        print(json.dumps(prepare_case(Path(case), int(rows), float(errors), int(seed))))
    elif args.worker:
        tool, step, case = args.worker
        print(json.dumps(WORKERS[tool](step, Path(case)), default=str))
    elif args.findings:
        tool, case = args.findings
        print(json.dumps(FINDERS[tool](Path(case)), default=str))
    elif args.profile:
        print(json.dumps(profile_ours(Path(args.profile[0]), Path(args.profile[1]))))
    elif args.render:
        write_results(json.loads((RESULTS / "validate.json").read_text(encoding="utf-8")))
    else:
        started = time.perf_counter()
        result = run(args)
        print(render(result))
        if not args.no_write:
            write_results(result)
        print(f"# total {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()

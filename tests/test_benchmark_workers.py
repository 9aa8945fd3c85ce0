"""The benchmarks' own workers still call the library as it is (the read-back worker broke
silently when `sdmx_cso.read` began to return a `DataMessage`; issue #16)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import sdmx_cso
from sdmx_cso.examples import example_path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "convert_bench.py"


def _convert_bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH.parent))  # it imports its helpers (_measure)
    spec = importlib.util.spec_from_file_location("convert_bench", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "convert_bench", module)
    spec.loader.exec_module(module)
    return module


def test_our_read_back_worker_reads_what_convert_wrote(tmp_path, monkeypatch):
    bench = _convert_bench(monkeypatch)
    case = bench.Case(tmp_path / "data", tmp_path / "work")
    case.work.mkdir()
    result = sdmx_cso.convert(
        example_path("kenya-disability-survey"), to="sdmx-ml-2.1", output=case.out("ours")
    )
    assert result.report.valid
    measured = bench.worker_ours("read", case)
    assert measured["observations"] == sdmx_cso.read(case.out("ours")).num_rows > 0
    assert measured["step_seconds"] >= 0

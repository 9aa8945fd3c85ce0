"""Work that depends on the metadata alone is done once per submission, not once per batch
(issue #16: with service points growing with the data, per-batch work on the metadata grew
as rows × points)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import sdmx_cso
from sdmx_cso.validation import submission
from sdmx_cso.validation.rules import personal


def test_the_metadata_is_checked_for_personal_data_once_however_many_batches(tmp_path, monkeypatch):
    calls = []
    real = personal._metadata

    def counted(ctx, allowed):
        calls.append(ctx.row_number(0))
        return real(ctx, allowed)

    batches = []
    add = submission.BatchCheck.add

    def counted_add(self, raw):
        batches.append(raw.table.num_rows)
        return add(self, raw)

    monkeypatch.setattr(personal, "_metadata", counted)
    monkeypatch.setattr(submission.BatchCheck, "add", counted_add)
    source = tmp_path / "submission"
    _generator().write_submission(source, 4000, 0.0, 3, "many-series")
    result = sdmx_cso.convert(
        source, to="sdmx-csv-1.0", output=tmp_path / "out.csv", block_bytes=100_000
    )
    assert result.report.valid
    assert len(batches) > 2  # the submission did come in several batches
    assert len(calls) == 1


def _generator():
    """``benchmarks/generate.py``, the benchmarks' submission generator."""
    path = Path(__file__).parents[2] / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module

"""Conversions running at the same time give the same bytes as conversions run one by one.

Twenty submissions (the three bundled examples with their own dataset IDs, titles and value
spellings) are converted by twenty ``sdmx-cso convert`` processes started together (each
with its own hash seed), over a mix of the six data formats, and then by this process one
after another. Every data message and its reference metadata are byte-identical, except
the header's message ID and preparation time (SDMX-JSON's is pinned by
``SOURCE_DATE_EPOCH``).

And when processes write to the same target at the same time, the file that remains is one
whole message — never a mixture — and no temporary file is left.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import sdmx_cso
import sdmx_cso.examples
import sdmx_cso.pipeline
from tests.conftest import EXAMPLES

FORMATS = sorted(sdmx_cso.pipeline.DATA_FORMATS)
EXE = Path(sys.executable).with_name("sdmx-cso")
SUBMISSIONS = 20
#: Header fields that differ from one run to the next (SDMX-ML): a random ID, the time.
_VOLATILE = re.compile(rb"(<(?:[\w-]+:)?(?:ID|Prepared)>)[^<]*(</)")
ENV = {"SOURCE_DATE_EPOCH": "1700000000"}


def stable(message: bytes) -> bytes:
    return _VOLATILE.sub(rb"\1-\2", message)


def variant(number: int, base: Path) -> Path:
    """Bundled example ``number % 3``, with its own dataset ID and title, and for odd numbers
    every decimal observation value spelled with one more trailing zero (``14.0`` → ``14.00``).
    """
    folder = sdmx_cso.examples.write_example(
        EXAMPLES[number % len(EXAMPLES)], base / f"s{number:02d}"
    )
    meta_path = folder / "metadata.yaml"
    meta = yaml.safe_load(meta_path.read_text("utf-8"))
    meta["DATASET_ID"] = f"{meta['DATASET_ID']}_V{number:02d}"
    meta["TITLE"] = f"{meta['TITLE']} — variant {number}"
    meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    if number % 2:
        data = folder / "data.csv"
        rows = list(csv.DictReader(io.StringIO(data.read_text("utf-8"))))
        for r in rows:
            if "." in (r["OBS_VALUE"] or ""):
                r["OBS_VALUE"] += "0"
        text = io.StringIO()
        writer = csv.DictWriter(text, list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        data.write_text(text.getvalue(), encoding="utf-8")
    return folder


def command(submission: Path, fmt: str, output: Path) -> list[str]:
    return [str(EXE), "convert", str(submission), "--to", fmt, "-o", str(output)]


def run_together(commands: list[list[str]]) -> None:
    """Start every command at once (each with its own hash seed) and wait for all."""
    children = [
        subprocess.Popen(
            cmd,
            env={**os.environ, **ENV, "PYTHONHASHSEED": str(seed + 1)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for seed, cmd in enumerate(commands)
    ]
    failures = []
    for child in children:
        _, err = child.communicate(timeout=300)
        if child.returncode != 0:
            failures.append(f"{child.args}: {child.returncode}\n{err.decode()}")
    assert not failures, "\n".join(failures)


@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    base = tmp_path_factory.mktemp("submissions")
    return [variant(n, base) for n in range(SUBMISSIONS)]


def test_twenty_concurrent_conversions_equal_sequential_ones(submissions, tmp_path, monkeypatch):
    jobs = [(s, FORMATS[n % len(FORMATS)]) for n, s in enumerate(submissions)]
    together, alone = tmp_path / "together", tmp_path / "alone"
    run_together([command(s, fmt, together / f"{n:02d}.out") for n, (s, fmt) in enumerate(jobs)])
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    for n, (submission, fmt) in enumerate(jobs):
        done = sdmx_cso.convert(submission, to=fmt, output=alone / f"{n:02d}.out")
        assert done.report.valid, done.report
    names = sorted(p.name for p in alone.iterdir())
    assert len(names) == 2 * SUBMISSIONS  # data and metadata, nothing else
    assert sorted(p.name for p in together.iterdir()) == names
    for name in names:
        mine, theirs = (alone / name).read_bytes(), (together / name).read_bytes()
        assert stable(theirs) == stable(mine), name
    # the variants differ from each other: the comparison is not between identical files
    assert len({stable((alone / f"{n:02d}.out").read_bytes()) for n in range(SUBMISSIONS)}) == (
        SUBMISSIONS
    )


def test_concurrent_writers_of_one_target_leave_one_whole_message(submissions, tmp_path):
    chosen = submissions[:4]
    candidates = []
    for n, submission in enumerate(chosen):
        done = sdmx_cso.convert(submission, to="sdmx-csv-2.0", output=tmp_path / f"c{n}.csv",
                                with_metadata=False)  # fmt: skip
        assert done.data is not None
        candidates.append(done.data.read_bytes())
    shared = tmp_path / "shared" / "out.csv"
    run_together([[*command(s, "sdmx-csv-2.0", shared), "--no-metadata"] for s in chosen])
    assert shared.read_bytes() in candidates
    assert [p.name for p in shared.parent.iterdir()] == ["out.csv"]

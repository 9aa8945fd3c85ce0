"""Count how often refusing a 50 MB line aborts the interpreter's teardown.

Usage::

    .venv/bin/python scripts/repro_teardown_abort.py [--runs N] [--case CASE] [--pythonpath DIR]

Each run converts a submission whose first data row has one 50 MB cell (as
``tests/hostile/test_csv.py`` does), under the same 2 GiB address-space limit and lean
environment as the hostile tests, with the ``sdmx-cso`` command *except* its final
``os._exit``: the process leaves through the interpreter's normal teardown. The refusal is
exit code 3; a native abort during teardown is -6 ("terminate called without an active
exception"). ``--pythonpath`` runs another copy of ``sdmx_cso`` (to compare a change).

Measured on 2026-12-03 (2 CPUs, pyarrow 25.0.1): with Arrow's threaded CSV reader, 6 of
226 runs aborted; with ``use_threads=False`` in ``sdmx_cso/io/_fast_csv.py``, none of 180.
The whole-file reader calls Arrow on the 50 MB row, Arrow's threaded reader fails on it
(the row straddles its blocks) with tasks still in flight, and those abort at teardown
(apache/arrow#43604 describes the same for the streaming reader).
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import sdmx_cso
import sdmx_cso.examples

_CHILD = """
import sys
from sdmx_cso import cli
cli._memory_pool()
cli._skip_pandas(sys.argv[1:])
code = cli.run(cli.cli, sys.argv[1:])
sys.stdout.flush()
sys.stderr.flush()
sys.exit(code)
"""
_BIG = 50 * 1024 * 1024


def _limit() -> None:  # runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def _submission(folder: Path, case: str) -> Path:
    example = sdmx_cso.examples.write_example("kenya-disability-survey", folder / "example")
    data = (example / "data.csv").read_bytes()
    header, first = data.split(b"\n")[:2]
    spoiled = {
        "long-cell": header + b"\n" + first.replace(b",,,TDA", b",," + b"x" * _BIG + b",TDA"),
        "long-code": header + b"\n" + first.replace(b"SI_COV_DISAB", b"S" * _BIG),
        "no-newline": b"SERIES" * (_BIG // 6),
    }[case]
    (example / "data.csv").write_bytes(spoiled)
    return example


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=120)
    parser.add_argument(
        "--case", default="long-cell", choices=["long-cell", "long-code", "no-newline"]
    )
    parser.add_argument("--pythonpath", help="a directory holding another sdmx_cso to run")
    args = parser.parse_args()
    env = {**os.environ, "ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2",
           "OMP_NUM_THREADS": "1"}  # fmt: skip
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    codes: collections.Counter[int] = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = _submission(Path(tmp), args.case)
        command = [sys.executable, "-c", _CHILD, "convert", str(folder), "--to",
                   "sdmx-ml-2.1", "-o", str(Path(tmp) / "out.xml")]  # fmt: skip
        for _ in range(args.runs):
            run = subprocess.run(command, capture_output=True, check=False, env=env,
                                 preexec_fn=_limit, timeout=300)  # fmt: skip
            codes[run.returncode] += 1
    aborted = sum(n for code, n in codes.items() if code < 0)
    print(f"{args.case}: {aborted} of {args.runs} runs aborted; exit codes {dict(codes)}")


if __name__ == "__main__":
    main()

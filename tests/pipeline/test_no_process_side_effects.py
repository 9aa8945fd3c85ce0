"""The library changes nothing of the process that uses it (issue #16).

A host process (a Dask worker, a web application, a notebook) imports `sdmx_cso` and runs
`sdmx_cso.convert`: its allocators, Arrow's memory pool, its import machinery and its way
out stay as they were. What the ``sdmx-cso`` command does for speed in a process of its own
(Arrow's jemalloc pool, no pandas for ``convert`` and ``validate``, leaving by ``os._exit``;
docs/performance.md) lives in `sdmx_cso.cli` and happens only when the command runs as the
installed program.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import sdmx_cso
import sdmx_cso.examples

PACKAGE = Path(sdmx_cso.__file__).parent
#: Process-wide tricks only the command line may play.
PROCESS_WIDE = ("malloc_trim", "os._exit", "set_memory_pool", "sys.meta_path", "ctypes")

_PROBE = r"""
import json, os, sys
import pyarrow as pa

def state():
    return {
        "pool": pa.default_memory_pool().backend_name,
        "meta_path": [repr(type(f)) for f in sys.meta_path],
        "path_hooks": len(sys.path_hooks),
        "exit": repr(os._exit),
        "pandas_blocked": any("NoPandas" in repr(type(f)) for f in sys.meta_path),
    }

before = state()
import sdmx_cso
from sdmx_cso.cli import main

source, out, convert_out = sys.argv[1:4]
conversion = sdmx_cso.convert(source, to="sdmx-ml-2.1", output=out, memory_rows=40)
after_convert = state()
code = main(["convert", source, "--to", "sdmx-csv-1.0", "-o", convert_out])
after_cli = state()
print(json.dumps({
    "valid": conversion.report.valid,
    "code": code,
    "before": before,
    "after_convert": after_convert,
    "after_cli": after_cli,
}))
"""


def test_no_module_outside_the_cli_plays_process_wide_tricks():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] == "cli":
            continue
        text = path.read_text(encoding="utf-8")
        for name in PROCESS_WIDE:
            if re.search(re.escape(name) + r"\b", text):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}: {name}")
    assert offenders == []


def test_convert_in_process_leaves_the_process_as_it_was(tmp_path):
    """A fresh interpreter: the state before importing sdmx_cso, after a convert that
    spills its sort to disk, and after calling the command line's `main` in-process."""
    source = sdmx_cso.examples.example_path("kenya-disability-survey")
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(source), str(tmp_path / "out.xml"),
         str(tmp_path / "cli.csv")],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["valid"]
    assert result["code"] == 0
    assert (tmp_path / "out.xml").stat().st_size > 0
    assert result["after_convert"] == result["before"]
    assert result["after_cli"] == result["before"]
    assert not result["before"]["pandas_blocked"]

"""Shared by the benchmark harnesses: memory readings (Linux) and the code under test.

Imported by ``convert_bench.py`` and ``validate_bench.py``, which run as scripts from this
folder (so it is on ``sys.path``), in the harness and in each worker process.
"""

from __future__ import annotations

import compileall
import shutil
from pathlib import Path


def snapshot_package(repo: Path, dest: Path) -> None:
    """Copy ``repo/sdmx_cso`` to ``dest/sdmx_cso`` and byte-compile it, as installing does.

    The harness runs this copy, one version for the whole run however the working tree
    changes. It is compiled here because ``pip install`` compiles an installed package (the
    peers' were), while with ``PYTHONDONTWRITEBYTECODE`` set (as in CI) a copy without
    ``.pyc`` files would be compiled from source by every process: about 0.15 s of start-up
    that no installed copy pays.
    """
    shutil.copytree(repo / "sdmx_cso", dest / "sdmx_cso",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    if not compileall.compile_dir(dest / "sdmx_cso", quiet=1):
        raise RuntimeError(f"could not byte-compile {dest / 'sdmx_cso'}")


def status_kib(key: str) -> int:
    """A ``/proc/self/status`` field in KiB (``VmRSS``, ``VmHWM``…); -1 if absent."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (``VmHWM``); False where that is not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False

"""Memory readings of the running process (Linux), shared by the benchmark harnesses.

Imported by ``convert_bench.py`` and ``validate_bench.py``, which run as scripts from this
folder (so it is on ``sys.path``), in the harness and in each worker process.
"""

from __future__ import annotations


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

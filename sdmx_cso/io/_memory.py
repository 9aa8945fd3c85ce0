"""Give memory freed between pipeline stages back to the operating system.

The batch pipeline frees each batch before the next, but C allocators keep freed memory for
reuse: glibc's ``malloc`` (numpy's arrays, Python's buffers) in fragments it only returns
on ``malloc_trim``, and Arrow's allocators for a while. The process's resident memory then
stays at its high-water mark of *garbage*. `trim` asks both to return what they hold free,
between stages; it is a no-op where it does not apply.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache
from typing import Any

import pyarrow as pa

__all__ = ["trim"]


@cache
def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def trim() -> None:
    """Return freed memory to the operating system (glibc and Arrow's pool)."""
    pa.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)

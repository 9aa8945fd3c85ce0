"""The limits every reader of submitted files keeps, in one place (see SECURITY.md).

A submission comes from outside: these bounds make sure that a hostile or broken file is
refused with a clear error instead of exhausting memory or time.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from sdmx_cso.errors import ReadError

__all__ = ["MAX_CELL_CHARS", "MAX_COLUMNS", "MAX_MEMBER_BYTES", "MAX_RATIO", "check_member"]

#: Largest file read from a zip (a submission package, or a part of an XLSX workbook),
#: uncompressed; larger ones are refused.
MAX_MEMBER_BYTES = 2 * 1024**3
#: Compression ratio beyond which a zip member is treated as a zip bomb. Real CSV and XLSX
#: parts compress 5 to 25 times.
MAX_RATIO = 200
#: Longest cell of a data table, in characters: as much as a spreadsheet cell holds (Excel's
#: limit). A longer one is no observation (often an unclosed quote that swallowed the file).
MAX_CELL_CHARS = 32_767
#: Most columns a data table may have: as many as a spreadsheet has (Excel's limit).
MAX_COLUMNS = 16_384


def check_member(info: zipfile.ZipInfo, *, path: str | Path, what: str | None = None) -> None:
    """Refuse a zip member that is too large or compressed like a zip bomb.

    The sizes are those the archive declares; Python's ``zipfile`` never inflates a member
    beyond its declared size (it fails the CRC check instead), so checking them is enough.

    Raises:
        ReadError: the member is larger than :data:`MAX_MEMBER_BYTES` or compressed more than
            :data:`MAX_RATIO` times.
    """
    name = what or info.filename
    if info.file_size > MAX_MEMBER_BYTES:
        raise ReadError(f"{name} is larger than {MAX_MEMBER_BYTES} bytes: refused", path=path)
    if info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise ReadError(
            f"{name} is compressed {info.file_size // max(info.compress_size, 1)}× (more "
            f"than {MAX_RATIO}×): refused as a zip bomb",
            path=path,
        )

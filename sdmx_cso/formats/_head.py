"""The first bytes of a message, as every reader's ``handles`` looks at them.

Each reader module recognises its own syntax from the first :data:`HEAD_BYTES` of a file
(``read_ml.handles`` and ``read_ml.is_xml``, ``read_json.handles``, ``read_csv.handles``), as
sdmx1's ``Converter.handles`` does; this module only reads those bytes and decodes them by
their byte-order mark (UTF-32, UTF-16, else UTF-8 with or without its BOM), the same for all.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from sdmx_cso.errors import ReadError

__all__ = ["HEAD_BYTES", "encoding_of", "head_text", "read_head"]

#: The bytes a reader looks at to say whether it handles a file.
HEAD_BYTES = 4096


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of a file.

    Raises:
        ReadError: the file cannot be opened (naming it).
    """
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise ReadError(f"cannot be opened: {exc.strerror or exc}", path=path) from exc


def encoding_of(data: bytes) -> str:
    """The encoding of a message from its byte-order mark: UTF-32, UTF-16 or UTF-8."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def head_text(head: bytes) -> str:
    """The text of the first bytes of a message, without its BOM (a cut character dropped)."""
    return head.decode(encoding_of(head), errors="ignore")

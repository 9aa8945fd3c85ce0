"""Whether an XML file that failed to parse has a DOCTYPE.

SDMX messages never have one, and every reader refuses it. The readers see the DOCTYPE on
the root element; but a parser may stop before the root, for instance libxml2 (from
lxml 6.2) on the entity expansion of a "billion laughs" DOCTYPE. Their refusal then names
the DOCTYPE all the same, from the bytes before the root.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["has_doctype"]

#: The bytes looked at: a prolog longer than this is not an SDMX message anyway.
_HEAD = 1 << 16


def has_doctype(source: Path | bytes | None) -> bool:
    """True if the start of ``source`` (a file or its bytes) declares a DOCTYPE."""
    if source is None:
        return False
    try:
        if isinstance(source, Path):
            with source.open("rb") as handle:
                head = handle.read(_HEAD)
        else:
            head = source[:_HEAD]
    except OSError:
        return False
    return b"<!DOCTYPE" in head.upper().replace(b"\x00", b"")

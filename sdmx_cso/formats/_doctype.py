"""The one refusal of a DOCTYPE, shared by every XML reader.

SDMX messages never have a DOCTYPE, and every reader refuses one, with the same message.
A parser shows the DOCTYPE on the root element (`refuse_doctype`); but it may stop before
the root, for instance libxml2 (from lxml 6.2) on the entity expansion of a "billion
laughs" DOCTYPE. `syntax_error` then names the DOCTYPE all the same, from the bytes before
the root.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from sdmx_cso.errors import ReadError

__all__ = ["DOCTYPE_REFUSED", "has_doctype", "refuse_doctype", "syntax_error"]

#: The message of every refusal.
DOCTYPE_REFUSED = "a DOCTYPE is not allowed in an SDMX message"

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


def refuse_doctype(root: Any, path: Path | None) -> None:
    """Raise `ReadError` if the document of the parsed element ``root`` has a DOCTYPE."""
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.doctype:
        raise ReadError(DOCTYPE_REFUSED, path=path)


def syntax_error(
    exc: etree.XMLSyntaxError,
    source: Path | bytes | None,
    *,
    path: Path | None,
    prefix: str = "not well-formed XML",
) -> ReadError:
    """The `ReadError` for a parser's syntax error on ``source``: the DOCTYPE if it has one."""
    if has_doctype(source):
        return ReadError(DOCTYPE_REFUSED, path=path)
    return ReadError(f"{prefix}: {exc}", path=path)

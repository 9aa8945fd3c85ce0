"""Decoding submitted text: BOMs, UTF-8, and a detected legacy encoding."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from sdmx_cso.errors import ReadError

__all__ = ["decode"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, *, path: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data``; return the text and the encoding used.

    A BOM wins; then strict UTF-8; then the encoding charset-normalizer finds most likely
    (spreadsheets exported on Windows are often cp1252). ``encoding`` forces one.

    Raises:
        ReadError: the bytes are not text in any encoding tried.
    """
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise ReadError(f"cannot decode as {encoding}: {exc}", path=path) from exc
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise ReadError(f"invalid {name} text: {exc}", path=path) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        if b"\x00" in data:
            raise ReadError("binary content (NUL bytes), not a text file", path=path) from None
        best = from_bytes(data).best()
        if best is None or best.encoding is None:
            raise ReadError(
                f"not UTF-8 and no other encoding fits: {utf8_error}", path=path
            ) from None
        return str(best), best.encoding

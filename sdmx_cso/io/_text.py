"""Decoding submitted text: BOMs, UTF-8, and a detected legacy encoding."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from sdmx_cso.errors import ReadError

__all__ = ["decode"]

_LATIN_SINGLE_BYTE = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_15", "iso8859_9",
     "iso8859_13", "iso8859_16", "mac_roman", "mac_latin2", "cp850", "cp437"}
)  # fmt: skip

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
    if b"\x00" in data:
        raise ReadError("binary content (NUL bytes), not a text file", path=path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        return _guess(data, path=path, utf8_error=utf8_error)


def _guess(data: bytes, *, path: str, utf8_error: UnicodeDecodeError) -> tuple[str, str]:
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ReadError(f"not UTF-8 and no other encoding fits: {utf8_error}", path=path)
    if best.encoding in _LATIN_SINGLE_BYTE:
        # Short samples are ambiguous between the Latin code pages; spreadsheets saved
        # on Windows are by far most often cp1252, so prefer it when it fits.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return str(best), best.encoding

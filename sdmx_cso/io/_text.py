"""Decoding submitted text: BOMs, UTF-8, and a detected legacy encoding."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from sdmx_cso.errors import ReadError
from sdmx_cso.types import NOT_TEXT

__all__ = ["decode", "decode_lines"]

_LATIN_SINGLE_BYTE = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_15", "iso8859_9",
     "iso8859_13", "iso8859_16", "mac_roman", "mac_latin2", "cp850", "cp437"}
)  # fmt: skip

#: Bytes that are control characters in every ASCII-compatible encoding, except tab, LF, CR.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_NAMES = {0: " (NUL)", 0x1A: " (end of file mark)"}

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
        ReadError: the bytes are not text in any encoding tried, or the text holds control
            characters (other than tab, line feed and carriage return): binary content.
    """
    text, used = _decode(data, path=path, encoding=encoding)
    if (
        used in ("utf-8", "utf-8-sig", "cp1252")  # control characters are control bytes
        and not data.translate(None, _NOT_CONTROL_BYTES)
        and "\ufffe" not in text
        and "\uffff" not in text
    ):
        return text, used  # the quick check (most files): no control byte at all
    if match := NOT_TEXT.search(text):
        char = ord(match.group())
        line = text.count("\n", 0, match.start()) + 1
        raise ReadError(
            f"control character U+{char:04X}{_NAMES.get(char, '')} (line {line}): binary "
            "content, not a text file",
            path=path,
        )
    return text, used


def _decode(data: bytes, *, path: str, encoding: str | None) -> tuple[str, str]:
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


def decode_lines(
    data: bytes, *, path: str, encoding: str | None = None
) -> tuple[str, str, list[int]]:
    """Like `decode`, but lines that mix UTF-8 and a legacy encoding are read one by one.

    A spreadsheet edited on two machines can end up so: some rows UTF-8, some cp1252. Decoded
    as a whole, one of the two would be garbled. Returns the text, the encoding used, and the
    numbers (1-based) of the lines that were not UTF-8 when the encodings were mixed.
    """
    text, used = decode(data, path=path, encoding=encoding)
    strict = used == "utf-8" or any(used == name for _, name in _BOMS)  # read as a whole
    if strict or encoding or not _has_utf8_multibyte(data):
        return text, used, []
    lines = data.split(b"\n")
    out: list[str] = []
    legacy: list[int] = []
    for number, line in enumerate(lines, 1):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            legacy.append(number)
            out.append(line.decode("cp1252", errors="replace"))
    return "\n".join(out), "utf-8+cp1252", legacy


def _has_utf8_multibyte(data: bytes) -> bool:
    """Whether some line is valid UTF-8 with non-ASCII characters in it."""
    for line in data.split(b"\n"):
        if max(line, default=0) < 0x80:
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    return False

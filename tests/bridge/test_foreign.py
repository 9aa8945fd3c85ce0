"""Sniffing lives with the readers: `detect_format` (our six data formats) and `read_foreign`
(any SDMX data message) recognise each syntax by the same reader functions
(``read_ml.is_xml``/``handles`` and ``sniff_xml``, ``read_json.handles``,
``read_csv.handles``/``version_of``), so they agree on every specimen the tests read and on
our own messages in the six formats, also behind a BOM, white space, a comment, in UTF-16.
"""

from __future__ import annotations

import functools
import io
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sdmx_cso
from sdmx_cso.bridge.foreign import read_foreign
from sdmx_cso.errors import ReadError, UnsupportedFormat
from sdmx_cso.formats import DATA_FORMATS, detect_format, read_csv, read_json, read_ml, writer_for
from sdmx_cso.formats._head import read_head
from sdmx_cso.model.structure import structure_for
from tests.conftest import SHARED

LOCAL = Path(__file__).resolve().parents[1] / "specimens"


def _specimens() -> list[Path]:
    shared = [*SHARED.glob("conformance/specimens/**/*"), *SHARED.glob("corpus/sdg/*.xml")]
    local = [p for p in LOCAL.glob("**/*") if p.suffix in (".xml", ".json", ".csv")]
    return sorted(p for p in (*shared, *local) if p.is_file())


SPECIMENS = _specimens()


def syntax(fmt: str) -> str:
    """``sdmx-ml``, ``sdmx-json`` or ``sdmx-csv`` of a format name."""
    return "-".join(fmt.split("-")[:2])


def recognised(path: Path) -> set[str]:
    """The syntaxes whose reader says it handles the file."""
    head = read_head(path)
    tests = {"sdmx-ml": read_ml.is_xml, "sdmx-json": read_json.handles,
             "sdmx-csv": read_csv.handles}  # fmt: skip
    return {name for name, handles in tests.items() if handles(head)}


def agree(path: Path) -> tuple[str | None, str | None]:
    """What `detect_format` and `read_foreign` make of ``path``, checked to agree."""
    found = recognised(path)
    assert len(found) <= 1, found
    try:
        detected: str | None = detect_format(path)
    except (UnsupportedFormat, ReadError):
        detected = None
    try:
        read: str | None = read_foreign(path).format
    except ReadError as exc:
        read, refusal = None, str(exc)
    else:
        refusal = ""
    if read is None:
        assert str(path) in refusal
        if not found:
            assert "not an SDMX data message" in refusal
    if detected is not None:
        assert found == {syntax(detected)}
        assert detected in DATA_FORMATS
    if read is not None:
        assert found == {syntax(read)}
        if read in DATA_FORMATS:  # one of our formats: the same name, not only the syntax
            assert detected == read
        elif detected is not None:
            assert syntax(detected) == syntax(read)
    return detected, read


def test_there_are_specimens_of_every_syntax() -> None:
    assert {p.suffix for p in SPECIMENS} == {".xml", ".json", ".csv"}
    assert len(SPECIMENS) >= 20


@pytest.mark.parametrize("path", SPECIMENS, ids=lambda p: p.name)
def test_detect_format_and_read_foreign_agree_on_every_specimen(path: Path) -> None:
    detected, read = agree(path)
    if read is not None and read in DATA_FORMATS:
        assert detected == read


@functools.cache
def own_messages() -> dict[str, bytes]:
    """The bundled Kenyan example written in each of our six data formats."""
    with tempfile.TemporaryDirectory() as folder:
        dataset = sdmx_cso.load(sdmx_cso.examples.write_example("kenya-disability-survey",
                                                                 Path(folder)))  # fmt: skip
    structure = structure_for(dataset.metadata)
    written = {}
    for fmt in DATA_FORMATS:
        out = io.BytesIO()
        writer_for(fmt)(dataset, out, structure=structure)
        written[fmt] = out.getvalue()
    return written


_DECLARATION = re.compile(rb"^<\?xml[^>]*\?>")


def variant(data: bytes, fmt: str, *, bom: bool, space: str, comment: bool, enc: str) -> bytes:
    """A message as others may save it: BOM, white space, a comment, another encoding."""
    if syntax(fmt) == "sdmx-ml":
        declaration = _DECLARATION.match(data)
        assert declaration is not None
        rest = data[declaration.end() :]
        if comment:
            rest = b"\n<!-- saved by hand -->\n" + rest
        # nothing may come before a declaration: with white space, drop it (as editors may)
        data = rest if space else declaration[0].replace(b"UTF-8", enc.upper().encode()) + rest
    text = space + data.decode("utf-8")
    if enc == "utf-8":
        return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    return text.encode(enc)  # "utf-16" and "utf-32" write their BOM


@pytest.mark.parametrize("fmt", sorted(DATA_FORMATS))
def test_our_own_messages_are_named_alike_by_both(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"message{DATA_FORMATS[fmt].suffix}"
    path.write_bytes(own_messages()[fmt])
    assert agree(path) == (fmt, fmt)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(sorted(DATA_FORMATS)),
    bom=st.booleans(),
    space=st.sampled_from(["", "\n", " \t\r\n"]),
    comment=st.booleans(),
    enc=st.sampled_from(["utf-8", "utf-16", "utf-32"]),
)
def test_both_see_through_bom_white_space_comments_and_utf16(
    fmt: str, bom: bool, space: str, comment: bool, enc: str
) -> None:
    if syntax(fmt) == "sdmx-json" and enc != "utf-8":
        enc = "utf-8"  # JSON is UTF-8 (RFC 8259); the JSON reader refuses others
    data = variant(own_messages()[fmt], fmt, bom=bom, space=space, comment=comment, enc=enc)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "message"
        path.write_bytes(data)
        if syntax(fmt) == "sdmx-csv" and space:
            # SDMX-CSV's header is its first line: both see SDMX-CSV, its reader says where
            assert agree(path) == (fmt, None)
            with pytest.raises(ReadError, match="row 1"):
                read_foreign(path)
        elif syntax(fmt) == "sdmx-ml" and enc == "utf-32":
            # libxml2 reads no UTF-32: both refuse, naming the file (checked in agree)
            assert agree(path) == (None, None)
        else:
            assert agree(path) == (fmt, fmt)


def test_a_file_of_no_syntax_is_refused_by_both_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("REF_AREA,OBS_VALUE\nKE,1\n", encoding="utf-8")
    assert agree(path) == (None, None)
    with pytest.raises(UnsupportedFormat, match=r"notes\.txt"):
        detect_format(path)


@pytest.mark.parametrize(
    "relative",
    ["sdmx-ml-3.0/ESTAT_CL_FREQ_codelist.xml",  # was "sdmx-ml-3.0" by a string test
     "sdmx-ml-2.0/TAJSTAT_SDG_data_excerpt_sdmx20_generic.xml"],  # was "sdmx-ml-2.1-generic"
)  # fmt: skip
def test_detect_format_names_only_the_data_messages_we_write(relative: str) -> None:
    """The root and the namespace's version decide (``sniff_xml``), not words in the head."""
    with pytest.raises(UnsupportedFormat, match="not an SDMX data message sdmx_cso reads"):
        detect_format(LOCAL / relative)

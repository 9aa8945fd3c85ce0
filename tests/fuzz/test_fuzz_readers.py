"""A bounded fuzz run of every reader: damaged input fails cleanly, never crashes or hangs.

Valid messages in each of our formats (six data formats, two reference-metadata formats),
official specimens of others' SDMX, and a valid submission (data CSV, metadata YAML and JSON)
are damaged by hypothesis — bytes flipped, the file truncated, random bytes and XML, CSV and
JSON metacharacters inserted, spans deleted or repeated — and given to ``sdmx_cso.read``,
``sdmx_cso.read`` and ``sdmx_cso.validate``. Each must succeed, return a report (valid
or not) or raise :class:`sdmx_cso.SdmxCsoError`: never another exception, and never take
longer than ``TIME_LIMIT`` seconds (a timer interrupts a hang and fails the example).

``FUZZ_EXAMPLES`` (default 200) sets the number of examples per target.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from factories import metadata_dict, row
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sdmx_cso
import sdmx_cso.pipeline
from sdmx_cso import CommunityDataset, DatasetMetadata, Report, SdmxCsoError

HERE = Path(__file__).resolve().parents[1]
SPECIMENS = HERE / "specimens"
VALID = HERE / "invalid" / "_valid"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
TIME_LIMIT = 10.0

#: Metacharacters of the formats, and other trouble.
TOKENS = [
    b"<", b">", b"&", b'"', b"'", b"</", b"/>", b"<!--", b"-->", b"<![CDATA[", b"]]>", b"&amp;",
    b"&#0;", b"&#x1F;", b"&undefined;", b"<?xml version='1.0'?>", b'xmlns:x="urn:x"', b"x:y",
    b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xed\xa0\x80", b"\xc3", b"\r", b"\n", b"\r\n",
    b",", b";", b'""', b"\t", b"{", b"}", b"[", b"]", b":", b"null", b"true", b"1e999",
    b"-0", b"99999999999999999999999999", b'"\\ud800"', b"\\", b"NaN", b"-", b"=", b"%",
    b"*", b"~", b"!!python/object:os.system", b"&a", b"*a", b"? ", b"- ", b"\xe0\xa4\xb8",
]  # fmt: skip
DOCTYPE = b'<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'


class Hang(BaseException):
    """A reader ran longer than TIME_LIMIT (BaseException: ``except Exception`` misses it)."""


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with one to four random kinds of damage."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "truncate", "bytes", "token", "delete", "repeat",
                                     "replace", "doctype"]))  # fmt: skip
        if kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1 :]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "bytes":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif kind == "token":
            data = data[:at] + draw(st.sampled_from(TOKENS)) * draw(st.integers(1, 3)) + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 64)) :]
        elif kind == "repeat":
            span = data[at : at + draw(st.integers(1, 200))]
            data = data[:at] + span * draw(st.integers(2, 4)) + data[at:]
        elif kind == "replace" and data:
            # a value swapped for a token: often where a code or number stands
            end = at + draw(st.integers(1, 12))
            data = data[:at] + draw(st.sampled_from(TOKENS)) + data[end:]
        elif kind == "doctype":
            line = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0
            data = data[:line] + DOCTYPE + data[line:]
    return data


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A timer that turns a hang into a failure (reset before each example)."""

    def interrupt(signum: int, frame: Any) -> None:
        raise Hang(f"a reader ran longer than {TIME_LIMIT} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check(call: Callable[[], object]) -> None:
    """``call`` returns (a dataset, a table or a report) or raises SdmxCsoError."""
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
    try:
        result: object = call()
    except SdmxCsoError as exc:
        result = exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if isinstance(result, SdmxCsoError):
        assert str(result)  # a message a person can read
    elif isinstance(result, Report):
        assert result.valid or result.stats.errors > 0


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)  # fmt: skip


# -- the valid inputs ------------------------------------------------------------------------


def small_dataset() -> CommunityDataset:
    """Three observations, attributes at every level, flags, a missing value, awkward text."""
    common = {"EMBARGO_TIME": "2024-01-01T00:00:00"}
    rows = [
        row(REF_AREA="KE-01", COMMENT_OBS='say "hi", <b>&amp;</b>; ok', **common,
            QUALITY_FLAGS="PROVISIONAL EXPERIMENTAL"),
        row(REF_AREA="KE-02", SEX="F", OBS_VALUE="-1e3", UPPER_BOUND="12.50", **common),
        row(REF_AREA="KE-02", SEX="M", TIME_PERIOD="2024", OBS_VALUE=None, **common),
    ]  # fmt: skip
    meta = DatasetMetadata.model_validate(metadata_dict(TITLE="स्वास्थ्य चौकी <&>"))
    return CommunityDataset(metadata=meta, observations=rows).derived()


@pytest.fixture(scope="module")
def messages() -> Iterator[dict[str, Path]]:
    """Each data format's message (its metadata beside it), in a folder of its own."""
    dataset = small_dataset()
    base = Path(tempfile.mkdtemp(prefix="fuzz-messages-"))
    written = {}
    for fmt in sdmx_cso.pipeline.DATA_FORMATS:
        folder = base / fmt
        data = sdmx_cso.pipeline.write_data(dataset, folder / "message.dat", format=fmt)
        meta_fmt = "sdmx-ml-3.0" if fmt == "sdmx-ml-3.0" else "sdmx-ml-2.1"
        sdmx_cso.pipeline.write_metadata(
            dataset, sdmx_cso.pipeline.metadata_path_for(data), format=meta_fmt
        )
        assert sdmx_cso.read(data).dataset == dataset
        written[fmt] = data
    yield written
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    return tmp_path


def replaced(path: Path, content: bytes, scratch: Path) -> Path:
    """A copy of ``path``'s folder in ``scratch`` with ``path`` replaced by ``content``."""
    folder = scratch / "case"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(path.parent, folder)
    target = folder / path.name
    target.write_bytes(content)
    return target


# -- our messages, read back -----------------------------------------------------------------

DATA = sorted(sdmx_cso.pipeline.DATA_FORMATS)


@pytest.mark.parametrize("fmt", DATA)
def test_read_of_a_damaged_data_message(fmt, messages, scratch):
    original = messages[fmt].read_bytes()

    @FUZZ
    @given(content=damaged(original))
    def run(content: bytes) -> None:
        path = replaced(messages[fmt], content, scratch)
        check(lambda: sdmx_cso.read(path).dataset)

    run()


@pytest.mark.parametrize("fmt", ["sdmx-ml-2.1", "sdmx-ml-3.0"])
def test_read_with_damaged_reference_metadata(fmt, messages, scratch):
    data = messages["sdmx-csv-1.0" if fmt == "sdmx-ml-2.1" else fmt]
    metadata = sdmx_cso.pipeline.metadata_path_for(data)
    original = metadata.read_bytes()

    @FUZZ
    @given(content=damaged(original))
    def run(content: bytes) -> None:
        path = replaced(metadata, content, scratch)
        check(lambda: sdmx_cso.read(path.with_name(data.name)).dataset)

    run()


# -- any SDMX, read into the neutral table ---------------------------------------------------

FOREIGN = [
    "sdmx-ml-2.0/TAJSTAT_SDG_data_excerpt_sdmx20_generic.xml",
    "sdmx-ml-2.1/IAEG-SDGs_SDG_1-1-1_generic.xml",
    "sdmx-ml-3.0/sdmx-twg_ECB_EXR_CA_structurespecific.xml",
    "sdmx-json/sdmx-twg_exr-flat_data-2.0.json",
    "sdmx-csv/sdmx-csv-1.0_labels-both.csv",
    "sdmx-csv/sdmx-csv-2.0_example-07_multi-valued.csv",
]


@pytest.mark.parametrize("source", [*DATA, *FOREIGN])
def test_read_foreign_of_a_damaged_message(source, messages, scratch):
    path = messages[source] if source in messages else SPECIMENS / source
    original = path.read_bytes()
    assert sdmx_cso.read(path).num_rows > 0

    @FUZZ
    @given(content=damaged(original))
    def run(content: bytes) -> None:
        target = scratch / f"message{path.suffix}"
        target.write_bytes(content)
        check(lambda: sdmx_cso.read(target))

    run()


# -- submissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["data.csv", "metadata.yaml", "metadata.json"])
def test_validate_of_a_damaged_submission(name, scratch):
    package = scratch / "package"
    shutil.copytree(VALID, package)
    if name == "metadata.json":
        import json

        import yaml

        meta = yaml.safe_load((package / "metadata.yaml").read_text("utf-8"))
        (package / "metadata.yaml").unlink()
        (package / name).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    assert sdmx_cso.validate(package).valid
    original = (package / name).read_bytes()

    @FUZZ
    @given(content=damaged(original))
    def run(content: bytes) -> None:
        (package / name).write_bytes(content)
        check(lambda: sdmx_cso.validate(package))

    run()


# -- crashes the fuzzer found, kept as plain regression tests -------------------------------


def _unbound_prefix(data: bytes) -> bytes:
    return data.replace(b"xmlns:message=", b"xmlns:messagx=", 1)


@pytest.mark.parametrize(
    ("source", "damage"),
    [
        # lxml names an element with an undeclared prefix "p:Name"; etree.QName refused it
        ("sdmx-ml-2.1", _unbound_prefix),
        ("sdmx-ml-3.0", _unbound_prefix),
        ("sdmx-ml-2.0/TAJSTAT_SDG_data_excerpt_sdmx20_generic.xml", _unbound_prefix),
        ("sdmx-ml-3.0/sdmx-twg_ECB_EXR_CA_structurespecific.xml",
         lambda d: d.replace(b"xmlns:common=", b"xmlns:commonx=", 1)),
    ],
)  # fmt: skip
def test_read_foreign_regressions(source, damage, messages, tmp_path):
    path = messages[source] if source in messages else SPECIMENS / source
    target = tmp_path / path.name
    target.write_bytes(damage(path.read_bytes()))
    with pytest.raises(SdmxCsoError):
        sdmx_cso.read(target)


def test_generic_value_without_an_id_is_a_read_error(messages, scratch):
    data = messages["sdmx-ml-2.1-generic"]
    broken = data.read_bytes().replace(b'<generic:Value id="AGE"', b'<generic:Value hd="AGE"', 1)
    with pytest.raises(SdmxCsoError, match="without an id"):
        sdmx_cso.read(replaced(data, broken, scratch))


@pytest.mark.parametrize("key", ["? {A: 1}\n: x\n", "? [1, 2]\n: y\n", "? !!set {a}\n: y\n"])
def test_metadata_yaml_with_a_complex_key_is_a_read_error(key, scratch):
    """A complex YAML key is refused by the metadata reader: a located report issue."""
    package = scratch / "package"
    shutil.copytree(VALID, package)
    with (package / "metadata.yaml").open("a", encoding="utf-8") as meta:
        meta.write(key)
    report = sdmx_cso.validate(package)
    assert [i.code for i in report.issues] == ["metadata-syntax"]
    assert "a key must be a field ID" in report.issues[0].message


def test_ragged_row_with_invalid_utf8_is_read_without_arrow_printing_an_error(scratch):
    """Arrow decodes a ragged row for its handler unchecked: invalid UTF-8 there made it print
    "Exception ignored … UnicodeDecodeError" (an unraisable exception, an error under pytest's
    warning filter) before the whole-file reader took over."""
    package = scratch / "package"
    shutil.copytree(VALID, package)
    data = (package / "data.csv").read_bytes()
    # the last line, without a line break: beyond the sample whose UTF-8 the header check reads
    (package / "data.csv").write_bytes(data.rstrip(b"\n") + b"\n\xd6x,1,2")
    report = sdmx_cso.validate(package)
    assert not report.valid
    assert report.issues[0].file is not None
    assert report.issues[0].file.endswith("data.csv")


def test_a_carriage_return_inside_the_header_is_a_read_error(scratch):
    """A CR before the header's line feed made the streaming reader's header parse raise
    csv.Error (a traceback); the whole-file reader, which takes CR as a line break, says
    what is wrong."""
    package = scratch / "package"
    shutil.copytree(VALID, package)
    (package / "data.csv").write_bytes(b"\r" + (package / "data.csv").read_bytes()[1:])
    with pytest.raises(SdmxCsoError, match="row 1: the header row is empty"):
        sdmx_cso.validate(package)

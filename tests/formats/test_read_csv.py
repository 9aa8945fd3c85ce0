"""The one SDMX-CSV reader (`sdmx_cso.formats.read_csv`): ours and others', 1.0 and 2.0.

What our writers write reads back value for value (hypothesis); every example of the 2.0
field guide reads; multi-valued values stay lists and multilingual texts keep every language;
reading streams by record batches (few Python objects, whatever the number of rows); bad
input is a located ReadError.
"""

from __future__ import annotations

import csv
import io
import re
import tracemalloc
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import TEXT, datasets

from sdmx_cso import CommunityDataset, DatasetMetadata, ReadError
from sdmx_cso.formats import data_csv10, data_csv20, read_csv
from sdmx_cso.formats.neutral import Components, to_canonical
from sdmx_cso.model.structure import structure_for
from sdmx_cso.standard import get_standard
from tests.conftest import shared_path

DSD = get_standard().dsd
COMPONENTS = Components.of(DSD)
LIST = pa.list_(pa.string())


def _write(dataset: CommunityDataset, fmt: str) -> bytes:
    out = io.BytesIO()
    structure = structure_for(dataset.metadata)
    if fmt == "1.0":
        data_csv10.write(dataset, out, structure=structure)
    else:
        data_csv20.write(dataset, out, structure=structure, multi_valued_flags=fmt == "2.0")
    return out.getvalue()


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _expected(dataset: CommunityDataset, flags_as_list: bool) -> list[dict[str, Any]]:
    rows = []
    for obs in dataset.observations.to_pylist():
        row = {name: _text(obs.get(name)) for name in DSD.columns}
        flags = row["QUALITY_FLAGS"]
        if flags_as_list and flags is not None:
            row["QUALITY_FLAGS"] = flags.split(" ")
        rows.append(row)
    return rows


# -- our writers, read back ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["1.0", "2.0", "2.0-flags-as-text"])
@given(generated=datasets())
def test_our_messages_read_back_value_for_value(fmt: str, generated: Any) -> None:
    meta, rows = generated
    dataset = CommunityDataset(
        metadata=DatasetMetadata.model_validate(meta), observations=rows
    ).derived()
    data = _write(dataset, fmt)
    parsed = read_csv.read_neutral(data, components=COMPONENTS)
    flags_as_list = fmt == "2.0"
    assert parsed.format == f"sdmx-csv-{fmt[:3]}"
    assert parsed.structure_id == structure_for(dataset.metadata).dataflow_ref
    assert parsed.table.column_names == list(DSD.columns)
    assert parsed.table.schema.field("QUALITY_FLAGS").type == (
        LIST if flags_as_list else pa.string()
    )
    assert parsed.table.to_pylist() == _expected(dataset, flags_as_list)
    # and the canonical step gives the standard's form: flags as one space-joined text
    canonical = to_canonical(parsed.table, DSD)
    assert canonical.column("QUALITY_FLAGS").to_pylist() == [
        _text(v) for v in dataset.observations.column("QUALITY_FLAGS").to_pylist()
    ]


# -- any SDMX-CSV: generated messages with multi-valued and multilingual columns -------------

PART = TEXT.filter(lambda t: ";" not in t)
LANGS = ("en", "fr", "km")


@st.composite
def foreign_messages(draw: st.DrawFn) -> tuple[bytes, list[dict[str, Any]]]:
    """An SDMX-CSV 2.0 message (``;`` as separator) and the neutral rows it must give."""
    languages = st.dictionaries(st.sampled_from(LANGS), PART, max_size=3)
    # a plain text column, ATTR_M[] and ATTR_L[en;fr;km]
    rows = draw(st.lists(st.tuples(TEXT, st.lists(PART, max_size=3), languages), min_size=1,
                         max_size=20))  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, delimiter=",", lineterminator="\r\n")
    writer.writerow(["STRUCTURE[;]", "STRUCTURE_ID", "ACTION", "DIM", "OBS_VALUE", "ATTR_M[]",
                     "ATTR_L[en;fr;km]"])  # fmt: skip
    expected = []
    for number, (text, multi, langs) in enumerate(rows):
        lang_text = ";".join(f"{lang}:{value}" for lang, value in langs.items())
        writer.writerow(["dataflow", "X:Y(1.0)", "I", text, str(number), ";".join(multi),
                         lang_text])  # fmt: skip
        main = langs.get("en", next(iter(langs.values()), None))
        row: dict[str, Any] = {"DIM": text, "OBS_VALUE": str(number),
                               "ATTR_M": multi or None, "ATTR_L": main}  # fmt: skip
        for lang in LANGS:
            if lang in langs and (lang != "en" if "en" in langs else lang != next(iter(langs))):
                row[f"ATTR_L.{lang}"] = langs[lang]
        expected.append(row)
    return out.getvalue().encode("utf-8"), expected


@given(foreign_messages(), st.sampled_from([64, 4096, 1 << 20]))  # 64: records > a block
def test_multi_valued_and_multilingual_values_are_kept(message: Any, block: int) -> None:
    data, expected = message
    saved = read_csv.BLOCK_BYTES
    read_csv.BLOCK_BYTES = block  # several record batches, languages first seen late
    try:
        parsed = read_csv.read_neutral(data)
    finally:
        read_csv.BLOCK_BYTES = saved
    names = set(parsed.table.column_names)
    assert parsed.table.schema.field("ATTR_M").type == LIST
    got = [{k: v for k, v in row.items() if k in names} for row in parsed.table.to_pylist()]
    for row in got:
        for lang in LANGS:
            if row.get(f"ATTR_L.{lang}") is None:
                row.pop(f"ATTR_L.{lang}", None)
    assert got == expected
    assert any("multi-valued columns (ATTR_M) are kept as lists" in n for n in parsed.notes)
    assert any("multilingual columns (ATTR_L)" in n for n in parsed.notes)


def test_attr_lists_and_languages_in_the_spec_examples(tmp_path: Path) -> None:
    path = tmp_path / "example-8.csv"
    path.write_text(
        "STRUCTURE[;],STRUCTURE_ID,ACTION,DIM_1,DIM_2,DIM_3,OBS_VALUE,ATTR_1[en;fr]\n"
        "dataflow,ESTAT:NA_MAIN(1.6.0),I,A,B,2014-01,12.4,en:Any Value;fr:N'importe quelle "
        "Valeur\n"
        'dataflow,ESTAT:NA_MAIN(1.7.0),I,A,B,2014-02,10.8,"fr:Valeur ""X"";en:Value ""X"""\n',
        encoding="utf-8",
    )
    parsed = read_csv.read_neutral(path)
    assert parsed.table.column("ATTR_1").to_pylist() == ["Any Value", 'Value "X"']
    assert parsed.table.column("ATTR_1.fr").to_pylist() == [
        "N'importe quelle Valeur",
        'Valeur "X"',
    ]
    assert parsed.table.column("STRUCTURE_ID").to_pylist() == [
        "ESTAT:NA_MAIN(1.6.0)",
        "ESTAT:NA_MAIN(1.7.0)",
    ]
    assert "rows refer to 2 structures: kept as column STRUCTURE_ID" in parsed.notes
    # labels=both with coded multi-valued values: each value keeps its ID
    both = (
        b"STRUCTURE[|];STRUCTURE_ID;ACTION;DIM_1: Dimension 1;ATTR_1[]: Attribute 1\n"
        b"dataflow;ESTAT:NA_MAIN(1.6.0): Main;I;A: Value A;X: Ex|Y: Why\n"
    )
    table = read_csv.read_neutral(both).table
    assert table.to_pylist() == [{"DIM_1": "A", "ATTR_1": ["X", "Y"]}]


def _spec_examples() -> list[tuple[str, str]]:
    """The examples of the SDMX-CSV 2.0 field guide: (title, message)."""
    guide = shared_path("conformance", "specs", "sdmx-csv", "sdmx-csv-2.0_field-guide.md")
    text = guide.read_text("utf-8")
    examples = []
    for match in re.finditer(r"^#### (\d+-?[AB]?)\)(.*?)(?=^#### |^-{4,}|\Z)", text, re.M | re.S):
        blocks = re.findall(r"((?:^\t.*\n?)+)", match[2], re.M)
        for number, block in enumerate(blocks):
            lines = [line[1:] for line in block.splitlines()]
            examples.append((f"{match[1]}.{number}", "\n".join(lines) + "\n"))
    return examples


#: Rows of each example and what must be true of its table.
SPEC_ROWS = {"1.0": 2, "2.0": 2, "3.0": 2, "4.0": 2, "5.0": 2, "6.0": 2, "7.0": 2, "8.0": 2,
             "9-A.0": 3, "9-B.0": 3, "10.0": 2, "11.0": 2, "12.0": 2, "13.0": 2, "14.0": 2,
             "15.0": 2, "16.0": 2, "17.0": 2, "19.0": 1, "19.1": 1}  # fmt: skip
#: Example 18's rows have one field more than its header (a trailing comma): refused, located.
SPEC_REFUSED = {"18.0": ("6 fields where the header has 5", 2)}


@pytest.mark.shared
def test_every_example_of_the_field_guide_reads() -> None:
    examples = dict(_spec_examples())
    assert sorted(examples) == sorted([*SPEC_ROWS, *SPEC_REFUSED])
    for name, (message, row) in SPEC_REFUSED.items():
        with pytest.raises(ReadError, match=message) as raised:
            read_csv.read_neutral(examples.pop(name).encode("utf-8"))
        assert raised.value.row == row
    for name, message in examples.items():
        parsed = read_csv.read_neutral(message.encode("utf-8"))
        assert parsed.num_rows == SPEC_ROWS[name], name
        assert parsed.format == "sdmx-csv-2.0"
        for column in parsed.table.column_names:  # no frame column, no label left
            assert column not in ("STRUCTURE", "STRUCTURE_NAME", "SERIES_KEY", "OBS_KEY"), name
            assert ": " not in column, name
    ex = {name: read_csv.read_neutral(m.encode("utf-8")) for name, m in examples.items()}
    assert ex["2.0"].table.column("ATTR_1").to_pylist() == [["X", "Y"], ["X", "Z"]]
    assert ex["4.0"].table.column("DIM_1").to_pylist() == ["A", "A"]
    assert ex["6.0"].table.column_names == ["DIM_1", "DIM_2", "DIM_3", "OBS_VALUE", "ATTR_1",
                                            "ATTR_2", "ATTR_3"]  # fmt: skip
    assert ex["7.0"].table.column("ATTR_2").to_pylist()[0] == ["M, N & O", "P & Q"]
    assert ex["9-B.0"].table.column("STRUCTURE_ID").to_pylist() == [
        "ESTAT:DF_A(1.6.0)", "ESTAT:DSD_B(1.7.0)", "ESTAT:DPA_C(1.8.0)"]  # fmt: skip
    assert ex["14.0"].table.column("COLLECTION.METHOD").to_pylist() == ["AAA", "CCC"]
    assert ex["14.0"].table.column("COLLECTION.METHOD.fr").to_pylist() == ["BBB", "DDD"]
    assert any("CONTACT[].NAME[] is kept as written" in n for n in ex["14.0"].notes)
    assert any("other languages in COLLECTION.METHOD.fr" in n for n in ex["14.0"].notes)
    assert "\n" in ex["15.0"].table.column("ATTR_1").to_pylist()[0]
    assert any("2 rows delete data" in n for n in ex["16.0"].notes)
    assert ex["19.0"].table.column_names == ["ACTION"]


# -- streaming -------------------------------------------------------------------------------


def _big(rows: int) -> bytes:
    head = "STRUCTURE[;],STRUCTURE_ID,ACTION,REF_AREA,TIME_PERIOD,OBS_VALUE,FLAGS[],NOTE\r\n"
    body = "".join(
        f'dataflow,X:Y(1.0),I,KE-{i % 47:02d},{2000 + i % 20},{i}.5,A;B,"note {i}, ok"\r\n'
        for i in range(rows)
    )
    return (head + body).encode("utf-8")


def test_reading_streams_without_python_rows() -> None:
    """Python allocations while reading stay far below one object per value: the rows go
    through Arrow (tracemalloc sees Python's allocations, not Arrow's buffers)."""
    data = _big(100_000)
    tracemalloc.start()
    try:
        parsed = read_csv.read_neutral(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert parsed.num_rows == 100_000
    assert parsed.table.column("FLAGS")[99_999].as_py() == ["A", "B"]
    assert parsed.table.column("NOTE")[99_999].as_py() == "note 99999, ok"
    # 100,000 rows x 6 values as Python strings would take > 30 MB
    assert peak < 4 * 1024 * 1024, peak


def test_block_boundaries_do_not_change_the_table(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(_big(3_000))
    whole = read_csv.read_neutral(path)
    saved = read_csv.BLOCK_BYTES
    read_csv.BLOCK_BYTES = 1000
    try:
        blocks = read_csv.read_neutral(path)
    finally:
        read_csv.BLOCK_BYTES = saved
    assert blocks.table.equals(whole.table)
    assert blocks.structure_id == "X:Y(1.0)"


# -- what is refused, located ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message", "row"),
    [
        (b"FOO,BAR\r\n1,2\r\n", "DATAFLOW (1.0) or STRUCTURE (2.0)", 1),
        (b"DATAFLOW,A,B\r\nX:Y(1.0),1,2\r\n\r\nX:Y(1.0),1\r\n", "2 fields where the header has 3",
         3),
        (b'DATAFLOW,A\r\nX:Y(1.0),"two\nlines"\r\nX:Y,1,2\r\n', "3 fields where the header", 3),
        (b"DATAFLOW,A,A\r\nX:Y(1.0),1,2\r\n", "column A appears twice", 1),
        (b"DATAFLOW,A\r\nX:Y(1.0),\xe9t\xe9\r\n", "not a readable SDMX-CSV message", None),
        (b"DATAFLOW,A,B\r\nX:Y(1.0),\xff\r\n", "not UTF-8", 2),
        (b"DATAFLOW,\xff\r\n", "the header is not UTF-8", 1),
    ],
)  # fmt: skip
def test_bad_messages_are_located(data: bytes, message: str, row: int | None) -> None:
    with pytest.raises(ReadError, match=re.escape(message)) as raised:
        read_csv.read_neutral(data)
    assert raised.value.row == row


def test_a_header_alone_is_an_empty_table_and_encodings_are_followed(tmp_path: Path) -> None:
    empty = read_csv.read_neutral(b"STRUCTURE,STRUCTURE_ID,ACTION,A,B[]")
    assert (empty.num_rows, empty.table.column_names) == (0, ["A", "B"])
    assert empty.table.schema.field("B").type == LIST
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfDATAFLOW;REF_AREA;OBS_VALUE\r\nX:Y(1.0);K\xc3\x89;1,5\r\n")
    parsed = read_csv.read_neutral(path)
    assert parsed.table.to_pylist() == [{"REF_AREA": "KÉ", "OBS_VALUE": "1,5"}]
    assert "numbers with a decimal comma are kept as written (e.g. 12,4)" in parsed.notes
    assert read_csv.structure_ref(path) == "X:Y(1.0)"
    path.write_text("DATAFLOW;REF_AREA\r\nX:Y(1.0);KÉ\r\n", encoding="utf-32")
    assert read_csv.read_neutral(path).table.to_pylist() == [{"REF_AREA": "KÉ"}]


@pytest.mark.parametrize(
    ("head", "handled"),
    [
        (b"DATAFLOW,A", True), (b"\xef\xbb\xbfSTRUCTURE[;],STRUCTURE_ID", True),
        (b"STRUCTURE;STRUCTURE_ID", True), ("DATAFLOW;A".encode("utf-16"), True),
        (b"DATAFLOWS,A", False), (b"REF_AREA,OBS_VALUE", False), (b"<?xml", False),
        (b"{}", False),
    ],
)  # fmt: skip
def test_handles(head: bytes, handled: bool) -> None:
    assert read_csv.handles(head) is handled


@pytest.mark.parametrize(
    ("head", "version"),
    [
        (b"DATAFLOW,A", "1.0"), ("STRUCTURE[;],A".encode("utf-32"), "2.0"),
        (b" \r\nSTRUCTURE;A", "2.0"), (b"DATAFLOWS,A", None), (b"<?xml", None),
    ],
)  # fmt: skip
def test_version_of_reads_the_header(head: bytes, version: str | None) -> None:
    assert read_csv.version_of(head) == version


def test_own_reads_refuse_what_is_no_dataset() -> None:
    with pytest.raises(ReadError, match="deletion") as raised:
        data_csv20.read(
            b"STRUCTURE,STRUCTURE_ID,ACTION,FREQ\r\ndataflow,X:Y(1.0),I,A\r\n"
            b"dataflow,X:Y(1.0),D,A\r\n"
        )
    assert (raised.value.row, raised.value.column) == (3, "ACTION")
    with pytest.raises(ReadError, match="no sub-field separator") as raised:
        data_csv20.read(b"STRUCTURE,STRUCTURE_ID,QUALITY_FLAGS[]\r\ndataflow,X:Y(1.0),A\r\n")
    assert raised.value.column == "QUALITY_FLAGS"


HEADERS = st.sampled_from([
    b"DATAFLOW,A,B[]", b"STRUCTURE[;],STRUCTURE_ID,ACTION,A[],B[en;fr]",
    b"STRUCTURE;STRUCTURE_ID;STRUCTURE_NAME;A;A name", b"\xef\xbb\xbfSTRUCTURE,STRUCTURE_ID,A",
    b"STRUCTURE[|],STRUCTURE_ID,SERIES_KEY,X: Label,C[].D[]",
])  # fmt: skip
PIECES = [*',;|"\r\n:[]D', "en:", "fr:", "dataflow", "X:Y(1.0)", "é", "\x00"]
BODIES = st.binary(max_size=300) | st.lists(st.sampled_from(PIECES), max_size=60).map(
    lambda pieces: "".join(pieces).encode("utf-8")
)


@given(HEADERS, BODIES)
def test_any_bytes_after_a_header_read_or_are_refused(header: bytes, body: bytes) -> None:
    """Never another exception than ReadError, whatever follows the header."""
    reason = ""
    try:
        parsed = read_csv.read_neutral(header + b"\r\n" + body)
    except ReadError as exc:
        reason = exc.reason
    else:
        assert parsed.format.startswith("sdmx-csv-")
        return
    assert reason


def test_a_bad_whole_number_names_its_observation() -> None:
    with pytest.raises(ReadError, match=r"not a whole number \(observation 2: 'many'\)") as raised:
        data_csv10.read(b"DATAFLOW,SAMPLE_SIZE\r\nX:Y(1.0),1\r\nX:Y(1.0),many\r\n")
    assert raised.value.column == "SAMPLE_SIZE"


@pytest.mark.parametrize(
    "data", [b"STRUCTURE\r;],STRUCTURE_ID,A\r\nx\r\n", b'DATAFLOW",A\r\n', b"STRUCTURE[\n],A\n"]
)
def test_a_line_end_or_a_quote_is_no_separator(data: bytes) -> None:
    """Found by tests/fuzz: a CR after STRUCTURE was taken as the separator (csv.Error)."""
    with pytest.raises(ReadError) as raised:
        read_csv.read_neutral(data)
    assert raised.value.row == 1

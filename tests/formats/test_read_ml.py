"""The one streaming SDMX-ML reader (:mod:`sdmx_cso.formats.read_ml`), ours and others'.

- Our writers' messages, in every SDMX-ML flavour, read back into the neutral table exactly
  (hypothesis), and our own ``read`` refuses what is not in the DSD, naming it.
- SDMX-ML 3.0 multi-valued and multilingual values are kept (lists, ``ID.lang``), on
  generated messages (hypothesis) and on the official ECB sample.
- The official specimens of ``../shared/conformance`` read with the expected rows.
- Footers, groups, flat data sets, refusals naming the file, component and observation.
- Memory stays bounded: the reader is a generator of batches and frees every observation it
  has read (no wall-clock or memory figure is asserted; see ``benchmarks/read_bench.py``).
"""

from __future__ import annotations

import io
import re
import types
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from factories import metadata_dict, row
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from strategies import TEXT, datasets

from sdmx_cso import CommunityDataset, DatasetMetadata, ReadError
from sdmx_cso.formats import read_ml, reader_for, writer_for
from sdmx_cso.formats.neutral import Components, write_table
from sdmx_cso.formats.read_ml import handles, is_xml, iter_batches, read_neutral
from sdmx_cso.model.structure import structure_for
from sdmx_cso.standard import get_standard
from tests.conftest import shared_path

HERE = Path(__file__).resolve().parents[1] / "specimens"
DSD = get_standard().dsd
COMPONENTS = Components.of(DSD)
FORMATS = ("sdmx-ml-2.1", "sdmx-ml-2.1-generic", "sdmx-ml-3.0")
_NS = "http://www.sdmx.org/resources/sdmxml/schemas"


def written(dataset: CommunityDataset, fmt: str) -> bytes:
    out = io.BytesIO()
    writer_for(fmt)(dataset, out, structure=structure_for(dataset.metadata))
    return out.getvalue()


def as_text_rows(table: pa.Table) -> list[dict[str, Any]]:
    """Rows with only their non-null values, as text, in a canonical order."""
    rows = []
    for values in table.to_pylist():
        rows.append({k: v if isinstance(v, list) else str(v) for k, v in values.items()
                     if v is not None})  # fmt: skip
    return sorted(rows, key=lambda r: repr(sorted(r.items())))


def consistent(dataset: CommunityDataset) -> CommunityDataset:
    """Each series attribute taken from the first row of its series (SDMX keeps one)."""
    dims = [d.id for d in DSD.dimensions]
    series_attributes = [a.id for a in DSD.attributes if a.level == "series"]
    rows = dataset.observations.to_pylist()
    first: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        r.update(first.setdefault(tuple(r[d] for d in dims), {a: r[a] for a in series_attributes}))
    return dataset.model_copy(
        update={"observations": pa.Table.from_pylist(rows, schema=dataset.observations.schema)}
    )


# -- our messages, every flavour ----------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(generated=datasets())
def test_our_messages_read_into_the_neutral_table_exactly(generated) -> None:
    meta, rows = generated
    for r in rows:
        if not r["SERIES"].startswith("CGD_"):
            r["UNIT_MEASURE"] = "PT"
    dataset = consistent(
        CommunityDataset(metadata=DatasetMetadata.model_validate(meta), observations=rows).derived()
    )
    expected = as_text_rows(dataset.observations)
    for fmt in FORMATS:
        data = written(dataset, fmt)
        assert handles(data[:4096])
        parsed = read_neutral(data, components=COMPONENTS)
        got = parsed.table
        assert got.column_names == [c for c in COMPONENTS.order() if c in got.column_names]
        if fmt == "sdmx-ml-3.0" and "QUALITY_FLAGS" in got.column_names:  # a Comp: a list
            assert got.schema.field("QUALITY_FLAGS").type == pa.list_(pa.string())
            flags = pc.binary_join(got.column("QUALITY_FLAGS"), " ")
            got = got.set_column(
                got.schema.get_field_index("QUALITY_FLAGS"), "QUALITY_FLAGS", flags
            )
        assert as_text_rows(got) == expected, fmt
        assert parsed.format == fmt
        assert reader_for(fmt)(data, structure=structure_for(dataset.metadata)).num_rows == len(
            rows
        )


@pytest.fixture
def small() -> CommunityDataset:
    rows = [
        row(OBS_VALUE="12.50", QUALITY_FLAGS="SELF_REPORTED SMALL_SAMPLE"),
        row(REF_AREA="KE-02", OBS_VALUE="3", COMMENT_OBS='Ça <va> & "bien"'),
    ]
    return CommunityDataset(metadata=DatasetMetadata.model_validate(metadata_dict()),
                            observations=rows)  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS)
def test_own_read_refuses_a_component_outside_the_dsd_naming_it(small, fmt) -> None:
    data = written(small, fmt)
    if fmt == "sdmx-ml-2.1-generic":
        spoilt = re.sub(rb"(<generic:Obs>.*?<generic:Obs>)", rb"\1<generic:ObsKey>"
                        rb'<generic:Value id="NOT_HERE" value="x"/></generic:ObsKey>', data,
                        count=1, flags=re.S)  # fmt: skip
        spoilt = spoilt.replace(b"<generic:ObsKey>", b"<generic:Attributes>", 1).replace(
            b"</generic:ObsKey>", b"</generic:Attributes>", 1
        )
    else:
        second = data.index(b"<Obs ", data.index(b"<Obs ") + 1)
        spoilt = data[:second] + b'<Obs NOT_HERE="x" ' + data[second + 5 :]
    with pytest.raises(ReadError, match=r"column NOT_HERE: observation 2: NOT_HERE is not a "
                       r"component of CGD") as raised:  # fmt: skip
        reader_for(fmt)(spoilt, structure=structure_for(small.metadata))
    assert raised.value.column == "NOT_HERE"


@pytest.mark.parametrize("fmt", FORMATS)
def test_own_read_refuses_another_flavour_and_keeps_dimension_defaults(small, fmt) -> None:
    for other in set(FORMATS) - {fmt}:
        with pytest.raises(ReadError, match=r"not an SDMX-ML .* data message \(root element"):
            reader_for(fmt)(written(small, other))
    data = written(small, fmt).replace(b' AGE="_T"', b"")
    data = re.sub(rb'<generic:Value id="AGE" value="_T"/>', b"", data)
    table = reader_for(fmt)(data, structure=structure_for(small.metadata))
    assert table.column("AGE").to_pylist() == ["_T", "_T"]
    flags = table.column("QUALITY_FLAGS").to_pylist()
    assert set(flags) == {"SELF_REPORTED SMALL_SAMPLE", None}


# -- SDMX-ML 3.0: multi-valued and multilingual --------------------------------------------------

CODES = st.lists(st.from_regex(r"[A-Z][A-Z0-9_]{0,5}", fullmatch=True), min_size=1, max_size=4)
LANGS = st.dictionaries(st.sampled_from(["en", "fr", "km", "ne"]), TEXT, min_size=1, max_size=3)


def ss30(series: list[tuple[str, list[list[str] | None], list[dict[str, str]]]]) -> bytes:
    """A 3.0 structure-specific message: per series, its area, each Obs's FLAGS and a
    multilingual NOTE per Obs (or none)."""
    m = f"{_NS}/v3_0/message"
    root = etree.Element(f"{{{m}}}StructureSpecificData",
                         nsmap={"m": m, "c": f"{_NS}/v3_0/common"})  # fmt: skip
    header = etree.SubElement(root, f"{{{m}}}Header")
    etree.SubElement(header, f"{{{m}}}ID").text = "T"
    structure = etree.SubElement(header, f"{{{m}}}Structure", dimensionAtObservation="TIME_PERIOD")
    etree.SubElement(
        structure, f"{{{_NS}/v3_0/common}}StructureUsage"
    ).text = "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=X:DF(1.0)"
    dataset = etree.SubElement(root, f"{{{m}}}DataSet")
    for area, flags, notes in series:
        s = etree.SubElement(dataset, "Series", REF_AREA=area)
        for year, (codes, note) in enumerate(zip(flags, notes, strict=True)):
            obs = etree.SubElement(s, "Obs", TIME_PERIOD=str(2000 + year), OBS_VALUE=str(year))
            if codes is not None:
                comp = etree.SubElement(obs, "Comp", id="FLAGS")
                for code in codes:
                    etree.SubElement(comp, "Value").text = code
            if note:
                comp = etree.SubElement(obs, "Comp", id="NOTE")
                value = etree.SubElement(comp, "Value")
                for lang, text in note.items():
                    t = etree.SubElement(value, f"{{{_NS}/v3_0/common}}Text")
                    t.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
                    t.text = text
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.integers(1, 4).flatmap(lambda n: st.tuples(
            st.sampled_from(["KE", "NP", "BD"]),
            st.lists(st.none() | CODES, min_size=n, max_size=n),
            st.lists(st.just({}) | LANGS, min_size=n, max_size=n),
        )),
        min_size=1, max_size=4,
    )
)  # fmt: skip
def test_multi_valued_and_multilingual_values_are_kept(series) -> None:
    parsed = read_neutral(ss30(series))
    rows = parsed.table.to_pylist()
    expected = [
        (area, codes, note)
        for area, flags, notes in series
        for codes, note in zip(flags, notes, strict=True)
    ]
    assert len(rows) == len(expected)
    for got, (area, codes, note) in zip(rows, expected, strict=True):
        assert got["REF_AREA"] == area
        assert got.get("FLAGS") == codes
        main = "en" if "en" in note else next(iter(note), None)
        assert got.get("NOTE") == (note[main].strip() if main else None)
        for lang, text in note.items():
            if lang != main:
                assert got[f"NOTE.{lang}"] == text.strip()
        assert (
            not {k for k, v in got.items() if v is not None}
            - {
                "REF_AREA",
                "TIME_PERIOD",
                "OBS_VALUE",
                "FLAGS",
                "NOTE",
                *(f"NOTE.{x}" for x in note),
            }
            - {f"NOTE.{x}" for _, _, notes in series for n in notes for x in n}
        )
    if any(codes for _, flags, _ in series for codes in flags):
        assert any("kept as lists (FLAGS" in note for note in parsed.notes)
    out = io.BytesIO()
    write_table(parsed.table, out, to="csv")  # lists joined by a space in CSV
    first = next((c for _, flags, _ in series for c in flags if c), None)
    if first:
        assert " ".join(first) in out.getvalue().decode("utf-8")


def test_the_official_complex_attributes_sample_keeps_everything() -> None:
    parsed = read_neutral(HERE / "sdmx-ml-3.0" / "sdmx-twg_ECB_EXR_CA_structurespecific.xml")
    first = parsed.table.to_pylist()[0]
    assert first["TITLE"] == [
        "Some English Text",
        "Additional English Text where lang defaults to en",
    ]
    assert first["TITLE.fr"] == ["Quelques textes en anglais", "Texte anglais supplémentaire"]
    assert first["SOURCE_PUB"] == ["First publication source", "Second publication source"]
    assert first["OBS_STATUS"] == ["A", "F"]
    assert parsed.structure_id == "ECB:EXR(1.0)"


# -- others' messages -----------------------------------------------------------------------------

SHARED_DATA = {
    "sdmx-ml-2.1/ECB_EXR_M.USD.EUR.SP00.A_generic.xml": (252, {"CURRENCY": "USD",
                                                           "OBS_STATUS": "A"}),
    "sdmx-ml-2.1/ESTAT_NRG_BAL_S_structurespecific.xml": (33, {"freq": "A", "unit": "GWH"}),
    "sdmx-ml-2.1/IAEG-SDGs_SDG_1-1-1_generic.xml": (6, {"UNIT_MEASURE": "PT"}),
    "sdmx-ml-2.1/IAEG-SDGs_SDG_1-1-1_structurespecific.xml": (6, {"UNIT_MEASURE": "PT"}),
    "sdmx-ml-2.1/sdmx-twg_ECB_EXR_NG_generic-flat.xml": (12, {"FREQ": "M", "OBS_STATUS": "A"}),
    "sdmx-ml-2.1/sdmx-twg_ECB_EXR_NG_structurespecific-flat.xml": (12, {"FREQ": "M"}),
    "sdmx-ml-3.0/sdmx-twg_ECB_EXR_CA_structurespecific.xml": (3, {"CURRENCY": "CAD"}),
    "sdmx-ml-3.0/sdmx-twg_ECB_EXR_structurespecific.xml": (116, {"FREQ": "A"}),
}  # fmt: skip


@pytest.mark.shared
@pytest.mark.parametrize("relative", sorted(SHARED_DATA))
def test_shared_specimens_read_with_their_rows(relative: str) -> None:
    path = shared_path("conformance", "specimens", *relative.split("/"))
    count, some = SHARED_DATA[relative]
    text = path.read_text("utf-8")
    assert len(re.findall(r"<(?:\w+:)?Obs[\s/>]", text)) == count
    parsed = read_neutral(path)
    assert parsed.num_rows == count
    rows = parsed.table.to_pylist()
    assert any(all(r.get(k) == v for k, v in some.items()) for r in rows)
    values = [v for v in parsed.table.column("OBS_VALUE").to_pylist() if v is not None]
    for value in values[:20]:  # as written, never a float's repr
        assert f'"{value}"' in text
    assert parsed.structure_id
    assert parsed.format.startswith("sdmx-ml-")


def _generic(body: str, extra: str = "") -> bytes:
    m, g = f"{_NS}/v2_1/message", f"{_NS}/v2_1/data/generic"
    return (
        f'<m:GenericData xmlns:m="{m}" xmlns:g="{g}" xmlns:c="{_NS}/v2_1/common">'
        '<m:Header><m:ID>X</m:ID><m:Structure structureID="S" dimensionAtObservation='
        '"TIME_PERIOD"><c:Structure><Ref agencyID="A" id="D" version="1.0"/></c:Structure>'
        f"</m:Structure></m:Header><m:DataSet>{body}</m:DataSet>{extra}</m:GenericData>"
    ).encode()


def _key(tag: str, **values: str) -> str:
    inner = "".join(f'<g:Value id="{k}" value="{v}"/>' for k, v in values.items())
    return f"<g:{tag}>{inner}</g:{tag}>"


def test_generic_groups_attributes_and_flat_observations() -> None:
    obs = '<g:Obs><g:ObsDimension value="{}"/><g:ObsValue value="{}"/></g:Obs>'
    body = (
        _key("Attributes", SOURCE="survey")
        + f"<g:Group type='G'>{_key('GroupKey', AREA='KE')}{_key('Attributes', TITLE='Kenya')}"
        + "</g:Group>"
        + f"<g:Series>{_key('SeriesKey', AREA='KE')}{obs.format('2020', '1.50')}"
        + f"{obs.format('2021', '2')}</g:Series>"
        + f"<g:Series>{_key('SeriesKey', AREA='NP')}{_key('Attributes', SOURCE='census')}"
        + f"{obs.format('2020', '3')}</g:Series>"
    )
    parsed = read_neutral(_generic(body))
    assert parsed.table.column_names == ["AREA", "TIME_PERIOD", "OBS_VALUE", "SOURCE", "TITLE"]
    assert [list(r.values()) for r in parsed.table.to_pylist()] == [
        ["KE", "2020", "1.50", "survey", "Kenya"],
        ["KE", "2021", "2", "survey", "Kenya"],
        ["NP", "2020", "3", "census", None],
    ]
    assert (parsed.structure_id, parsed.format) == ("A:D(1.0)", "sdmx-ml-2.1-generic")
    flat = read_neutral(_generic(f"<g:Obs>{_key('ObsKey', AREA='KE', TIME_PERIOD='2020')}"
                                 '<g:ObsValue value="7"/></g:Obs>'))  # fmt: skip
    assert flat.table.to_pylist() == [{"AREA": "KE", "TIME_PERIOD": "2020", "OBS_VALUE": "7"}]


def test_structure_specific_groups_with_and_without_the_dsd() -> None:
    m = f"{_NS}/v2_1/message"
    data = (
        f'<m:StructureSpecificData xmlns:m="{m}"><m:Header><m:ID>X</m:ID></m:Header><m:DataSet>'
        '<Group AREA="KE" TITLE="Kenya"/>'
        '<Series AREA="KE" SEX="F"><Obs TIME_PERIOD="2020" OBS_VALUE="1"/></Series>'
        '<Series AREA="NP" SEX="F"><Obs TIME_PERIOD="2020" OBS_VALUE="2"/></Series>'
        "</m:DataSet></m:StructureSpecificData>"
    ).encode()
    alone = read_neutral(data)
    assert alone.table.column("TITLE").to_pylist() == ["Kenya", None]
    assert any("group attributes given to the series" in n and "--structure" in n
               for n in alone.notes)  # fmt: skip
    components = Components(dimensions=("AREA", "SEX"), time_dimension="TIME_PERIOD",
                            attributes=("TITLE",))  # fmt: skip
    with_dsd = read_neutral(data, components=components)
    assert with_dsd.table.column_names == ["AREA", "SEX", "TIME_PERIOD", "OBS_VALUE", "TITLE"]
    assert with_dsd.table.column("TITLE").to_pylist() == ["Kenya", None]
    assert with_dsd.notes == ()


_FOOTER = (
    f'<f:Footer xmlns:f="{_NS}/v2_1/message/footer" xmlns:c="{_NS}/v2_1/common">'
    '<f:Message code="413" severity="Information"><c:Text xml:lang="en">Written to a file'
    '</c:Text><c:Text xml:lang="fr">Écrit</c:Text></f:Message></f:Footer>'
)


def test_a_footer_alone_is_the_error_and_with_data_a_note(tmp_path: Path) -> None:
    path = tmp_path / "footer.xml"
    path.write_bytes(_generic("", _FOOTER))
    with pytest.raises(ReadError, match=r"footer.xml: the message holds no data; its footer "
                       r"says: Written to a file \(Information, code 413\)"):  # fmt: skip
        read_neutral(path)
    obs = '<g:Series><g:Obs><g:ObsDimension value="1"/><g:ObsValue value="2"/></g:Obs></g:Series>'
    parsed = read_neutral(_generic(obs, _FOOTER))
    assert parsed.num_rows == 1
    assert (
        parsed.notes[-1] == "the message's footer says: Written to a file (Information, code 413)"
    )


def test_refusals_name_the_file_and_the_observation(tmp_path: Path) -> None:
    body = (f"<g:Series>{_key('SeriesKey', AREA='KE')}<g:Obs><g:ObsDimension value='1'/></g:Obs>"
            "<g:Obs><g:ObsDimension value='2'/><g:Attributes><g:Value value='x'/></g:Attributes>"
            "</g:Obs></g:Series>")  # fmt: skip
    path = tmp_path / "bad.xml"
    path.write_bytes(_generic(body))
    with pytest.raises(ReadError, match=r"bad.xml: observation 2 \(series AREA=KE\): a "
                       r"generic:Value without an id \(line 1\)"):  # fmt: skip
        read_neutral(path)
    path.write_bytes(_generic(body.replace("<g:Value value='x'/>", ""))[:-30])
    with pytest.raises(ReadError, match=r"bad.xml: not well-formed XML"):
        read_neutral(path)
    with pytest.raises(ReadError, match=r"structure message, not data: 1 Codelist.*--structure"):
        read_neutral(HERE / "sdmx-ml-3.0" / "ESTAT_CL_FREQ_codelist.xml")
    assert not handles((HERE / "sdmx-ml-3.0" / "ESTAT_CL_FREQ_codelist.xml").read_bytes())
    assert not handles(b"<html><body>GenericData</body></html>")
    assert handles(b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- c -->\n<m:GenericData xmlns:m="
                   b"'http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message'>")  # fmt: skip
    # every XML document is the XML reader's, to read or to refuse with the reason
    codelist = (HERE / "sdmx-ml-3.0" / "ESTAT_CL_FREQ_codelist.xml").read_bytes()
    assert is_xml(codelist)
    assert is_xml("\n<html/>".encode("utf-16"))
    assert not is_xml(b"\xef\xbb\xbf{}")
    assert not is_xml(b"STRUCTURE,A")


def test_sdmx_ml_20_generic_data() -> None:
    parsed = read_neutral(HERE / "sdmx-ml-2.0" / "TAJSTAT_SDG_data_excerpt_sdmx20_generic.xml")
    assert (parsed.num_rows, parsed.format, parsed.structure_id) == (
        10, "sdmx-ml-2.0-generic", "IAEG-SDGs:SDG"
    )  # fmt: skip
    assert parsed.table.to_pylist()[0]["OBS_VALUE"] == "4.81"


# -- bounded memory -------------------------------------------------------------------------------


def test_the_reader_streams_batches_and_frees_what_it_has_read(monkeypatch) -> None:
    """A generator of batches of BATCH_ROWS rows; every observation (and series) is freed
    once read, with the siblings before it, so that the tree holds only what the parser has
    read ahead (one buffer of input), never the document."""
    monkeypatch.setattr(read_ml, "BATCH_ROWS", 1000)
    obs = "".join(f'<Obs TIME_PERIOD="{y}" OBS_VALUE="{y}"/>' for y in range(5000))
    series = "".join(f'<Series AREA="A{i}">{obs}</Series>' for i in range(4))
    data = (
        f'<m:StructureSpecificData xmlns:m="{_NS}/v2_1/message"><m:Header/><m:DataSet>'
        f"{series}</m:DataSet></m:StructureSpecificData>"
    ).encode()
    live: list[int] = []
    before: list[bool] = []
    real = read_ml.release

    def counting(element: Any) -> None:
        real(element)
        before.append(element.getprevious() is not None)
        live.append(len(element.getparent()))

    monkeypatch.setattr(read_ml, "release", counting)
    batches = iter_batches(data)
    assert isinstance(batches, types.GeneratorType)
    assert [batch.num_rows for batch in batches] == [1000] * 20
    assert len(live) == 20_000 + 4  # every Obs and every Series was freed
    assert not any(before)  # nothing read is left before it
    assert max(live) < 5000 / 2  # the tree never held a whole series


@pytest.mark.parametrize("to", ["csv", "json"])
def test_streamed_writing_gives_the_bytes_of_the_whole_table(monkeypatch, to) -> None:
    """Columns met late and a column turned into lists by a later batch still make one
    header: the batches are spilled, then written with the columns of all of them."""
    monkeypatch.setattr(read_ml, "BATCH_ROWS", 2)
    series = [("KE", [None, None, ["A"]], [{}, {}, {}]),
              ("NP", [None, ["B", "C"], None], [{}, {"en": "hi", "fr": "salut"}, {}])]  # fmt: skip
    data = ss30(series).replace(b'<Series REF_AREA="NP"', b'<Series REF_AREA="NP" LATE="x"')
    whole = io.BytesIO()
    write_table(read_neutral(data).table, whole, to=to)
    streamed = io.BytesIO()
    parsed, rows, _ = read_ml.write_streamed(data, streamed, to=to)
    assert streamed.getvalue() == whole.getvalue()
    assert rows == 6
    assert {"LATE", "NOTE.fr", "FLAGS"} <= set(parsed.table.column_names)
    assert parsed.notes == read_neutral(data).notes
    with pytest.raises(ReadError, match="footer says"):
        read_ml.write_streamed(_generic("", _FOOTER), io.BytesIO())


# -- rows gathered by column: the same batches as rows read one by one --------------------------

_XSI = "http://www.w3.org/2001/XMLSchema-instance"
VALUES = st.sampled_from(["=SUM(A1)", "-5", "a,b", '"q"', "x\ny", "r\rn", ""]) | TEXT
#: Components of the generated messages (SOURCE may be on a series and on its observations).
GENERATED = Components(dimensions=("AREA", "SEX"), time_dimension="TIME_PERIOD",
                       attributes=("DS_NOTE", "TITLE", "UNIT", "SOURCE", "STATUS", "COMMENT",
                                   "FLAGS", "NOTE", "LABEL"),
                       multi_valued=frozenset({"FLAGS"}))  # fmt: skip


def _comp(parent: Any, name: str, value: list[str] | dict[str, str]) -> None:
    """A 3.0 ``Comp``: several values (a list), or one multilingual value (a dict)."""
    comp = etree.SubElement(parent, "Comp", id=name)
    if isinstance(value, list):
        for code in value:
            etree.SubElement(comp, "Value").text = code
        return
    texts = etree.SubElement(comp, "Value")
    for lang, text in value.items():
        t = etree.SubElement(texts, f"{{{_NS}/v3_0/common}}Text")
        t.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
        t.text = text


@st.composite
def structure_specific(draw: st.DrawFn) -> bytes:
    """A 2.1 or 3.0 structure-specific message: a data-set attribute, groups, several
    series with and without attributes (one a namespaced XML attribute), observations with
    and without attributes (SOURCE sometimes overriding the series'), and in 3.0
    multi-valued and multilingual ``Comp`` values on series and observations."""
    v30 = draw(st.booleans())
    m = f"{_NS}/{'v3_0' if v30 else 'v2_1'}/message"
    root = etree.Element(f"{{{m}}}StructureSpecificData", nsmap={"m": m, "xsi": _XSI})
    etree.SubElement(etree.SubElement(root, f"{{{m}}}Header"), f"{{{m}}}ID").text = "T"
    dataset = etree.SubElement(root, f"{{{m}}}DataSet")
    if draw(st.booleans()):
        dataset.set("DS_NOTE", draw(VALUES))
    areas = st.sampled_from(["KE", "NP", "BD"])
    for area in draw(st.lists(areas, max_size=2, unique=True)):
        etree.SubElement(dataset, "Group", type="G", AREA=area, TITLE=draw(VALUES))
    optional = st.dictionaries(st.sampled_from(["UNIT", "SOURCE", "LABEL"]), VALUES, max_size=3)
    for area, sex in draw(st.lists(st.tuples(areas, st.sampled_from("FMT")), min_size=1,
                                   max_size=5)):  # fmt: skip
        series = etree.SubElement(dataset, "Series", AREA=area, SEX=sex, **draw(optional))
        if draw(st.booleans()):
            series.set(f"{{{_XSI}}}type", "x")
        if v30 and draw(st.booleans()):
            _comp(series, "NOTE", draw(LANGS))
        for year in range(draw(st.integers(1, 6))):
            _observation(draw, series, year, v30)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _observation(draw: st.DrawFn, series: Any, year: int, v30: bool) -> None:
    own = draw(st.dictionaries(st.sampled_from(["OBS_VALUE", "STATUS", "COMMENT"]), VALUES))
    obs = etree.SubElement(series, "Obs", TIME_PERIOD=str(2000 + year), **own)
    if draw(st.integers(0, 9)) == 0:
        obs.set("SOURCE", draw(VALUES))  # an observation's value wins over its series'
    if v30 and draw(st.booleans()):
        _comp(obs, "FLAGS", draw(CODES))
    if v30 and draw(st.booleans()):
        _comp(obs, "LABEL", draw(LANGS))


@settings(max_examples=60, deadline=None)
@given(structure_specific(), st.integers(1, 7), st.booleans())
def test_rows_gathered_by_column_are_the_rows_read_one_by_one(data, size, dsd) -> None:
    """Each record batch, built by column (a series' values once, repeated by Arrow), is the
    batch of the same observations as whole rows (series key, own values, then the values
    shared), whatever the series, groups, overriding values, lists and languages; and the
    streamed CSV and JSON are the bytes of the whole table."""
    components = GENERATED if dsd else None
    compared: list[int] = []
    real = read_ml._Rows.batch

    def checked(rows: Any) -> pa.RecordBatch:
        got = real(rows)
        whole = read_ml._batch([read_ml._row(shared, own) for shared, own in rows.rows()])
        assert got.schema == whole.schema
        assert got.equals(whole)
        compared.append(got.num_rows)
        return got

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(read_ml, "BATCH_ROWS", size)
        patch.setattr(read_ml._Rows, "batch", checked)
        parsed = read_neutral(data, components=components)
        assert sum(compared) == parsed.num_rows
        for to in ("csv", "json"):
            whole, streamed = io.BytesIO(), io.BytesIO()
            write_table(parsed.table, whole, to=to)
            streamed_parsed, rows, _ = read_ml.write_streamed(
                data, streamed, components=components, to=to
            )
            assert streamed.getvalue() == whole.getvalue()
            assert rows == parsed.num_rows
            assert streamed_parsed.notes == parsed.notes
    assert not any(name.startswith("{") for name in parsed.table.column_names)


def test_an_observations_own_value_wins_over_its_series() -> None:
    m = f"{_NS}/v2_1/message"
    data = (
        f'<m:StructureSpecificData xmlns:m="{m}"><m:Header><m:ID>X</m:ID></m:Header><m:DataSet>'
        '<Series AREA="KE" SOURCE="series"><Obs TIME_PERIOD="2020" SOURCE="obs"/>'
        '<Obs TIME_PERIOD="2021"/></Series>'
        '<Series AREA="NP"><Obs TIME_PERIOD="2020" NOTE="n"/></Series>'
        "</m:DataSet></m:StructureSpecificData>"
    ).encode()
    table = read_neutral(data).table
    assert table.column_names == ["AREA", "SOURCE", "TIME_PERIOD", "NOTE"]
    assert table.to_pylist() == [
        {"AREA": "KE", "SOURCE": "obs", "TIME_PERIOD": "2020", "NOTE": None},
        {"AREA": "KE", "SOURCE": "series", "TIME_PERIOD": "2021", "NOTE": None},
        {"AREA": "NP", "SOURCE": None, "TIME_PERIOD": "2020", "NOTE": "n"},
    ]

"""The one SDMX-JSON reader (`sdmx_cso.formats.read_json`): ours and others' messages.

``data/OECD_data-PART2-all-all.json`` is sdmx1's test file ``OECD/data-PART2-all-all.json``
from https://github.com/khaeru/sdmx-test-data (commit cd7899341b46e179e9f19b638478d70197e12c74,
file last changed in f040d18abbcf6b40b1640e510fbea0f91aa22d60), copied unchanged.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import sdmx
from hypothesis import given
from hypothesis import strategies as st

from sdmx_cso.bridge.foreign import read_foreign
from sdmx_cso.cli import main
from sdmx_cso.errors import ReadError
from sdmx_cso.formats import data_json20, read_json
from sdmx_cso.formats.neutral import Components
from sdmx_cso.model import CommunityDataset
from sdmx_cso.model.structure import structure_for

DATA = Path(__file__).parent / "data"
OECD = DATA / "OECD_data-PART2-all-all.json"


def message(
    structure: dict[str, Any], dataset: dict[str, Any], **top: Any
) -> bytes:  # an SDMX-JSON 2.0 data message
    doc = {"meta": {"id": "T", "prepared": "2024-01-01T00:00:00Z"},
           "data": {"structures": [structure], "dataSets": [dataset]}, **top}  # fmt: skip
    return json.dumps(doc, ensure_ascii=False).encode()


AREA = {"id": "REF_AREA", "keyPosition": 0, "values": [{"id": "KE"}, {"id": "NP"}]}
TIME = {"id": "TIME_PERIOD", "keyPosition": 1, "values": [{"id": "2022"}, {"id": "2023"}]}
STATUS = {"id": "OBS_STATUS", "relationship": {}, "values": [{"id": "A"}, {"id": "E"}]}


def simple(observations: dict[str, list[Any]], attributes: list[dict[str, Any]]) -> bytes:
    structure = {"dimensions": {"series": [AREA], "observation": [TIME]},
                 "measures": {"observation": [{"id": "OBS_VALUE"}]},
                 "attributes": {"observation": attributes}}  # fmt: skip
    return message(structure, {"structure": 0, "series": {"0": {"observations": observations}}})


# -- others' messages ---------------------------------------------------------------------


def test_oecd_part2_keeps_obs_status_with_sdmx1s_codes() -> None:
    """OBS_STATUS vanished and TIME_FORMAT got the raw indices 0, 1, 2: TIME_FORMAT is
    declared with no values, so the observations' attribute indices refer to OBS_STATUS."""
    parsed = read_json.read_neutral(OECD)
    rows = parsed.table.to_pylist()
    assert "TIME_FORMAT" not in parsed.table.column_names
    assert any("TIME_FORMAT declared with no values" in note for note in parsed.notes)
    ours = {_key(r): (r["OBS_VALUE"], r["OBS_STATUS"]) for r in rows}
    with OECD.open("rb") as handle:
        message = sdmx.read_sdmx(handle, format="JSON")
    theirs = {}
    for obs in message.data[0].obs:
        status = obs.attrib.get("OBS_STATUS")
        key = tuple(str(kv.value) for kv in obs.key.values.values())
        theirs[key] = (obs.value, None if status is None else status.value.id)
    assert len(ours) == len(theirs) == 7
    assert {k: s for k, (_, s) in ours.items()} == {k: s for k, (_, s) in theirs.items()}
    assert {k: float(v) for k, (v, _) in ours.items()} == {k: v for k, (v, _) in theirs.items()}
    assert sorted(s for _, s in ours.values() if s) == ["w", "x", "y"]
    assert ours[("HUN", "5CLAT", "CHG", "FOG", "MAT", "MN")] == ("-2.13889095389401", "x")


def _key(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(row[d] for d in ("LOCATION", "IND", "PER", "GRD", "FLD", "MSR"))


def test_repeated_series_keys_are_merged_with_a_note() -> None:
    """ILOSTAT writes 39 series objects on 3 keys (13 each): 39 observations, said."""
    structure = {"dimensions": {"series": [{**AREA, "values": [{"id": "KE"}, {"id": "NP"},
                                                                  {"id": "BD"}]}],
                                "observation": [{"id": "TIME_PERIOD", "values": [
                                    {"id": str(2000 + y)} for y in range(13)]}]}}  # fmt: skip
    members = ", ".join(
        f'"{area}": {{"observations": {{"{year}": [{area}.5]}}}}'
        for year in range(13)
        for area in range(3)
    )
    text = message(structure, {"series": {}}).decode().replace('"series": {}', '"series": {'
                                                                + members + "}")  # fmt: skip
    parsed = read_json.read_neutral(text.encode())
    assert parsed.num_rows == 39
    assert len({(r["REF_AREA"], r["TIME_PERIOD"]) for r in parsed.table.to_pylist()}) == 39
    assert any("3 series keys are repeated" in note for note in parsed.notes)


def test_multi_valued_and_multilingual_values_are_kept() -> None:
    flags = {"id": "FLAGS", "relationship": {}, "values": [{"id": "A"}, {"id": "B"}, {"id": "C"}]}
    sets = {"id": "SETS", "relationship": {}, "values": [{"values": ["X", "Y"]}]}
    note = {"id": "NOTE", "relationship": {}}  # inline values
    data = simple(
        {"0": [1, [0, 2], 0, {"fr": "Ça", "km": "ក", "en": "It"}],
         "1": [2, 1, None, {"fr": "Seul"}]},
        [flags, sets, note],
    )  # fmt: skip
    parsed = read_json.read_neutral(data)
    table = parsed.table
    assert table.schema.field("FLAGS").type == pa.list_(pa.string())
    assert table.schema.field("SETS").type == pa.list_(pa.string())
    assert table.column_names[-4:] == ["SETS", "NOTE", "NOTE.fr", "NOTE.km"]
    assert table.to_pylist() == [
        {"REF_AREA": "KE", "TIME_PERIOD": "2022", "OBS_VALUE": "1", "FLAGS": ["A", "C"],
         "SETS": ["X", "Y"], "NOTE": "It", "NOTE.fr": "Ça", "NOTE.km": "ក"},
        {"REF_AREA": "KE", "TIME_PERIOD": "2023", "OBS_VALUE": "2", "FLAGS": ["B"],
         "SETS": None, "NOTE": "Seul", "NOTE.fr": None, "NOTE.km": None},
    ]  # fmt: skip


def test_multilingual_names_of_json_10_values_are_kept() -> None:
    doc = {
        "header": {"id": "X"},
        "structure": {
            "dimensions": {"observation": [AREA]},
            "attributes": {"observation": [{"id": "TITLE", "values": [
                {"name": "Kenya", "names": {"en": "Kenya", "fr": "Kenya (fr)"}}]}]},
        },
        "dataSets": [{"observations": {"0": [5, 0], "1": [6]}}],
    }  # fmt: skip
    rows = read_json.read_neutral(json.dumps(doc).encode()).table.to_pylist()
    assert rows == [
        {"REF_AREA": "KE", "OBS_VALUE": "5", "TITLE": "Kenya", "TITLE.fr": "Kenya (fr)"},
        {"REF_AREA": "NP", "OBS_VALUE": "6", "TITLE": None, "TITLE.fr": None},
    ]


@pytest.mark.parametrize(
    ("observations", "located"),
    [
        (
            {"0": [1, 7]},
            "series '0' observation '0': attribute OBS_STATUS index 7 is outside its 2 values",
        ),
        (
            {"1": [1, [0, 2]]},
            "series '0' observation '1': attribute OBS_STATUS index 2 is outside its 2 values",
        ),
        (
            {"5": [1]},
            "series '0' observation '5': dimension TIME_PERIOD index 5 is outside its 2 values",
        ),
        ({"0:1": [1]}, "the observation key '0:1' has 2 parts for the 1 observation-level"),
    ],
)
def test_an_index_out_of_range_is_a_located_refusal(
    tmp_path: Path, observations: dict[str, list[Any]], located: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(simple(observations, [STATUS]))
    with pytest.raises(ReadError) as raised:
        read_json.read_neutral(path)
    assert str(raised.value).startswith(f"{path}")
    assert located in str(raised.value)
    assert not isinstance(raised.value.__cause__, IndexError)


def test_a_series_key_out_of_range_names_the_dimension() -> None:
    data = simple({"0": [1]}, []).replace(b'"series": {"0"', b'"series": {"4"')
    with pytest.raises(ReadError, match="series '4': dimension REF_AREA index 4 is outside"):
        read_json.read_neutral(data)


@pytest.mark.parametrize(
    ("doc", "said"),
    [
        ({"meta": {"id": "X"}, "errors": [{"code": 413, "message": "written to a file"}]},
         "error message, not data: written to a file [(]code 413[)]"),
        ({"meta": {"id": "X"}}, "a header but no data"),
        ({"meta": {}, "data": {"dataSets": []}, "errors": [{"code": 100, "title": "No results"}]},
         "with no data sets; it says: No results [(]code 100[)]"),
        ({"header": {}, "structure": {}, "dataSets": []}, "1.0 data message with no data sets"),
    ],
)  # fmt: skip
def test_errors_and_headers_without_data_are_refused_saying_what_they_say(
    doc: dict[str, Any], said: str
) -> None:
    with pytest.raises(ReadError, match=said):
        read_json.read_neutral(json.dumps(doc).encode())


def test_errors_beside_data_are_a_note() -> None:
    data = message({"dimensions": {"observation": [AREA]}}, {"observations": {"0": [1]}},
                   errors=[{"code": 510, "message": "partial answer"}])  # fmt: skip
    parsed = read_json.read_neutral(data)
    assert parsed.num_rows == 1
    assert parsed.notes == ("the message says: partial answer (code 510)",)


def test_handles_sniffs_json() -> None:
    assert read_json.handles(b'\xef\xbb\xbf \n{"meta"')
    assert read_json.handles(' \n{"meta"'.encode("utf-16"))
    assert not read_json.handles(b"<?xml")
    assert not read_json.handles(b"STRUCTURE,")


def test_cli_reads_multi_valued_to_json_arrays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "flags.json"
    flags = {"id": "FLAGS", "relationship": {}, "values": [{"id": "A"}, {"id": "B"}]}
    path.write_bytes(simple({"0": [1, [0, 1]]}, [flags]))
    out = tmp_path / "rows.json"
    assert main(["read", str(path), "--to", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text("utf-8"))[0]["FLAGS"] == ["A", "B"]
    assert main(["read", str(path), "--to", "csv", "-o", str(out)]) == 0
    assert out.read_text("utf-8").splitlines()[1].endswith(",A B")
    assert "FLAGS hold lists of values" in capsys.readouterr().err
    assert read_foreign(path).table.column("FLAGS").to_pylist() == [["A", "B"]]


# -- a property: what a message says is what is read ---------------------------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8)
_NUMBER = st.sampled_from(["0", "-0", "12", "12.50", "1E+10", "-3.25e-7", "0.0000001"])


def _token(value: str) -> str:
    """A JSON number token, marked to be written as is (not as a string)."""
    return f"@@{value}@@"


def _dumps(doc: Any) -> bytes:
    text = json.dumps(doc, ensure_ascii=False)
    return re.sub(r'"@@([^@]*)@@"', r"\1", text).encode()


@st.composite
def messages(draw: st.DrawFn) -> tuple[bytes, list[dict[str, Any]]]:
    """A random SDMX-JSON message (1.0 or 2.0, series or flat) and the rows it holds."""
    version = draw(st.sampled_from(["1.0", "2.0"]))
    areas = draw(st.lists(st.sampled_from(["KE", "NP", "BD", "UG"]), min_size=1, unique=True))
    years = draw(st.lists(st.sampled_from(["2020", "2021", "2022"]), min_size=1, unique=True))
    codes = ["A", "B", "C"]
    cell = st.tuples(st.integers(0, len(areas) - 1), st.integers(0, len(years) - 1))
    cells = draw(st.lists(cell, min_size=1, unique=True))
    series = draw(st.booleans())
    observations: dict[str, dict[str, list[Any]]] = {}
    rows = []
    for a, y in cells:
        value = draw(_NUMBER)
        flags = draw(st.lists(st.integers(0, 2), max_size=3, unique=True))
        entry: list[Any] = [_token(value), flags or None]
        row: dict[str, Any] = {
            "REF_AREA": areas[a],
            "TIME_PERIOD": years[y],
            "OBS_VALUE": value,
            "FLAGS": [codes[i] for i in flags] or None,
        }
        if version == "2.0":
            langs = st.sampled_from(["en", "fr", "km"])
            texts = draw(st.none() | st.dictionaries(langs, _TEXT, min_size=1))
            entry.append(texts)
            if texts:
                main = "en" if "en" in texts else next(iter(texts))
                row["NOTE"] = texts[main]
                row.update({f"NOTE.{k}": v for k, v in texts.items() if k != main})
        series_key, obs_key = (str(a), str(y)) if series else ("", f"{a}:{y}")
        observations.setdefault(series_key, {})[obs_key] = entry
        rows.append(row)
    dims = [
        {**AREA, "values": [{"id": a} for a in areas]},
        {**TIME, "values": [{"id": y} for y in years]},
    ]
    attrs: list[dict[str, Any]] = [
        {"id": "FLAGS", "relationship": {}, "values": [{"id": c} for c in codes]}
    ]
    if version == "2.0":
        attrs.append({"id": "NOTE", "relationship": {}})
    if series:
        layout = {"series": dims[:1], "observation": dims[1:]}
        dataset: dict[str, Any] = {
            "series": {k: {"observations": v} for k, v in observations.items()}
        }
    else:
        layout = {"observation": dims}
        dataset = {"observations": observations[""]}
    structure = {"dimensions": layout, "attributes": {"observation": attrs}}
    if version == "2.0":
        doc = {"meta": {"id": "T"}, "data": {"structures": [structure], "dataSets": [dataset]}}
    else:
        doc = {"header": {}, "structure": structure, "dataSets": [dataset]}
    return _dumps(doc), rows


@given(messages())
def test_every_value_of_a_message_is_read(case: tuple[bytes, list[dict[str, Any]]]) -> None:
    data, rows = case
    table = read_json.read_neutral(data).table
    got = sorted(table.to_pylist(), key=lambda r: (r["REF_AREA"], r["TIME_PERIOD"]))
    want = sorted(rows, key=lambda r: (r["REF_AREA"], r["TIME_PERIOD"]))
    names = table.column_names
    assert [{k: r.get(k) for k in names} for r in want] == got
    assert {k for r in rows for k, v in r.items() if v is not None} <= set(names)


# -- our own messages -----------------------------------------------------------------------


def _ours(dataset: CommunityDataset) -> bytes:
    out = io.BytesIO()
    data_json20.write(dataset, out, structure=structure_for(dataset.metadata))
    return out.getvalue()


def test_our_quality_flags_come_back_as_a_list_and_as_canonical_text() -> None:
    from sdmx_cso import load
    from sdmx_cso.examples import example_path

    dataset = load(example_path("kenya-disability-survey")).derived()
    data = _ours(dataset)
    components = Components.of(structure_for(dataset.metadata).standard.dsd)
    parsed = read_json.read_neutral(data, components=components)
    assert parsed.table.schema.field("QUALITY_FLAGS").type == pa.list_(pa.string())
    assert (
        parsed.table.column_names[: len(components.order())]
        == [c for c in components.order() if c in parsed.table.column_names][
            : len(components.order())
        ]
    )
    flags = data_json20.read(data).column("QUALITY_FLAGS").to_pylist()
    lists = parsed.table.column("QUALITY_FLAGS").to_pylist()
    assert sorted(" ".join(v) if v else "" for v in lists) == sorted(f or "" for f in flags)


def test_a_component_outside_the_dsd_is_refused_by_name() -> None:
    data = simple({"0": [1, "mine"]}, [{"id": "MY_NOTE", "relationship": {}}])
    with pytest.raises(ReadError, match="component MY_NOTE is not in the CGD data structure"):
        data_json20.read(data)


def test_cli_shows_what_an_error_message_says_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "answer.json"
    said = {"code": 413, "message": "the response will be written to a file"}
    path.write_text(json.dumps({"meta": {"id": "X"}, "errors": [said]}), encoding="utf-8")
    assert main(["read", str(path)]) != 0
    err = capsys.readouterr().err
    assert "the response will be written to a file (code 413)" in err
    assert "Traceback" not in err

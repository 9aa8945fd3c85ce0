"""Properties of the two bounded parts of the pipeline: the CSV blocks and the sort.

* Cutting a CSV file into blocks at record ends (`sdmx_cso.io.csv_batches`) and parsing
  the blocks one by one gives the rows Arrow finds in the whole file, whatever the fields
  hold (delimiters, quotes, line breaks, any script) and however small the blocks.
* `SortedSpill` gives back exactly the observations added, in key order, whatever their
  order and however small its memory (many runs on disk), in parts it bounds.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdmx_cso.io.csv_batches import CsvHeader, NotStreamable, csv_tables
from sdmx_cso.io.spill import SortedSpill
from sdmx_cso.model.columns import canonical_schema, sort_observations
from sdmx_cso.standard import get_standard

FIELD = st.one_of(
    st.sampled_from(["", "KE", "a,b", 'say "hi"', "two\nlines", "क्षेत्र", "x\r\ny", '"', ",,"]),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Cn"]), max_size=12),
).map(lambda s: s.strip() or "v")


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(FIELD, min_size=3, max_size=3), min_size=1, max_size=40),
    block_bytes=st.integers(min_value=1, max_value=300),
)
def test_blocks_give_the_rows_of_the_whole_file(tmp_path_factory, rows, block_bytes):
    folder = tmp_path_factory.mktemp("blocks")
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["A", "B", "C"])
    writer.writerows(rows)
    path = folder / "data.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    header = CsvHeader(["A", "B", "C"], {"A": "A", "B": "B", "C": "C"}, ",")
    tables = [t for t, _, _ in csv_tables(path, header, block_bytes=block_bytes)]
    got = pa.concat_tables(tables).to_pylist()
    assert got == [dict(zip("ABC", (c.strip() or None for c in row), strict=True)) for row in rows]
    starts = [first for _, first, _ in csv_tables(path, header, block_bytes=block_bytes)]
    sizes = [t.num_rows for t in tables]
    assert starts == [2 + sum(sizes[:i]) for i in range(len(sizes))]


def test_a_quote_that_opens_no_field_stops_the_blocks(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("A,B\n" + 'x,5" tall\n' * 40, encoding="utf-8")
    header = CsvHeader(["A", "B"], {"A": "A", "B": "B"}, ",")
    with pytest.raises(NotStreamable):
        list(csv_tables(path, header, block_bytes=32))
    whole = pacsv.read_csv(path)
    assert whole.column("B")[0].as_py() == '5" tall'  # what the whole-file reader reads


def _observations(keys: list[tuple[str, str, str]]) -> pa.Table:
    schema = canonical_schema()
    dsd = get_standard().dsd
    n = len(keys)
    columns = {}
    for field in schema:
        if field.name == "SERIES":
            columns[field.name] = pa.array([k[0] for k in keys], field.type)
        elif field.name == "REF_AREA":
            columns[field.name] = pa.array([k[1] for k in keys], field.type)
        elif field.name == dsd.time_dimension.id:
            columns[field.name] = pa.array([k[2] for k in keys], field.type)
        elif field.name == "OBS_VALUE":
            columns[field.name] = pa.array([str(i) for i in range(n)], field.type)
        elif field.name in dsd.dimension_ids:
            columns[field.name] = pa.array(["_T"] * n, field.type)
        else:
            columns[field.name] = pa.nulls(n, field.type)
    return pa.table(columns, schema=schema)


KEYS = st.lists(
    st.tuples(
        st.sampled_from(["SH_A", "SH_AB", "SH_B", "CGD_X", "SH_A_1"]),
        st.sampled_from(["KE", "KE-01", "KE-1", "NP", "BD-A"]),
        st.sampled_from(["2020", "2020-Q1", "2021", "2019-05", "2020-S2"]),
    ),
    unique=True,
    max_size=120,
)


@settings(max_examples=60, deadline=None)
@given(keys=KEYS, memory_rows=st.integers(1, 40), cut=st.integers(1, 30))
def test_the_spill_gives_every_observation_back_in_key_order(
    tmp_path_factory, keys, memory_rows, cut
):
    table = _observations(keys)
    with SortedSpill(memory_rows=memory_rows, directory=tmp_path_factory.mktemp("spill")) as spill:
        for start in range(0, table.num_rows, cut):
            spill.add(table.slice(start, cut))
        parts = list(spill.tables())
        if table.num_rows > memory_rows:
            assert spill.runs >= 1
        back = pa.concat_tables(parts) if parts else table.slice(0, 0)
    assert back.equals(sort_observations(table))
    if table.num_rows > memory_rows:  # parts are bounded by the memory, give or take sampling
        assert max(p.num_rows for p in parts) <= 3 * memory_rows + 128


def test_the_spill_leaves_nothing_on_disk(tmp_path):
    table = _observations([(s, "KE", str(2000 + y)) for s in ("SH_A", "SH_B") for y in range(30)])
    with SortedSpill(memory_rows=7, directory=tmp_path) as spill:
        for start in range(0, table.num_rows, 5):
            spill.add(table.slice(start, 5))
        assert any(Path(tmp_path).rglob("*.arrow"))
        assert sum(p.num_rows for p in spill.tables()) == table.num_rows
    assert not any(Path(tmp_path).iterdir())

"""Writing the neutral table (`neutral.write_table`): CSV written in Arrow, a batch at a time,
exactly as `csv.writer` with `neutralise` on every cell writes it (hypothesis)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st
from strategies import TEXT

from sdmx_cso.formats._spreadsheet_safe import neutralise
from sdmx_cso.formats.neutral import write_table

AWKWARD = ["", "=SUM(A1)", "-5", "+3.2", "-1e3", "-१२", "@x", "\tx", "\rx", "-", '"q"', "a,b",
           "a\nb", "a\r\nb", " ", "'"]  # fmt: skip
CELLS = st.none() | st.sampled_from(AWKWARD) | TEXT


@st.composite
def tables(draw: st.DrawFn) -> pa.Table:
    rows = draw(st.integers(0, 8))
    columns: dict[str, pa.Array] = {}
    for number in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["text", "list", "int"]))
        if kind == "text":
            values: Any = draw(st.lists(CELLS, min_size=rows, max_size=rows))
            array = pa.array(values, pa.string())
        elif kind == "list":
            values = draw(st.lists(st.none() | st.lists(TEXT, max_size=3), min_size=rows,
                                   max_size=rows))  # fmt: skip
            array = pa.array(values, pa.list_(pa.string()))
        else:
            values = draw(st.lists(st.none() | st.integers(-(2**62), 2**62), min_size=rows,
                                   max_size=rows))  # fmt: skip
            array = pa.array(values, pa.int64())
        columns[draw(CELLS.filter(bool)) + str(number) if number else "=A"] = array
    return pa.table(columns)


def _reference(table: pa.Table, keep_formulas: bool) -> tuple[bytes, int]:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    changed = 0
    rows = [list(table.column_names)]
    for row in table.to_pylist():
        cells = []
        for value in row.values():
            if isinstance(value, list):
                value = " ".join(value)
            cells.append("" if value is None else str(value))
        rows.append(cells)
    for row in rows:
        if not keep_formulas:
            safe = [neutralise(cell) for cell in row]
            changed += sum(1 for a, b in zip(row, safe, strict=True) if a != b)
            row = safe
        writer.writerow(row)
    return text.getvalue().encode("utf-8"), changed


@given(tables(), st.booleans())
def test_csv_is_what_csv_writer_writes(table: pa.Table, keep_formulas: bool) -> None:
    out = io.BytesIO()
    changed = write_table(table, out, to="csv", keep_formulas=keep_formulas)
    assert (out.getvalue(), changed) == _reference(table, keep_formulas)


@given(tables(), st.data())
def test_csv_of_a_slice_is_what_csv_writer_writes(table: pa.Table, data: st.DataObject) -> None:
    """The checks on a column's bytes (first bytes of cells, characters to quote) read the
    slice's own values, not the buffers' others (a slice of a batch has an offset)."""
    start = data.draw(st.integers(0, table.num_rows))
    part = table.slice(start, data.draw(st.integers(0, table.num_rows - start)))
    keep_formulas = data.draw(st.booleans())
    out = io.BytesIO()
    changed = write_table(part, out, to="csv", keep_formulas=keep_formulas)
    assert (out.getvalue(), changed) == _reference(part, keep_formulas)


def test_csv_of_many_batches() -> None:
    table = pa.table({"A": [f"={i}" if i % 3 else str(-i) for i in range(150_000)],
                      "B": [["x", "y"] if i % 2 else None for i in range(150_000)]})  # fmt: skip
    out = io.BytesIO()
    assert write_table(table, out) == 100_000
    assert (out.getvalue(), 100_000) == _reference(table, False)


def _json_reference(table: pa.Table) -> bytes:
    text = "["
    for number, row in enumerate(table.to_pylist()):
        cells = {k: v if v is None or isinstance(v, list) else str(v) for k, v in row.items()}
        text += (",\n  " if number else "\n  ") + json.dumps(cells, ensure_ascii=False)
    return (text + "\n]\n").encode("utf-8")


@given(tables())
def test_json_is_what_json_dumps_writes(table: pa.Table) -> None:
    out = io.BytesIO()
    assert write_table(table, out, to="json") == 0
    assert out.getvalue() == _json_reference(table)
    assert len(json.loads(out.getvalue())) == table.num_rows


def test_json_of_many_batches_and_control_characters() -> None:
    table = pa.table({"A": [f"\x01\\\"{i}\n" for i in range(70_000)],
                      "B": [["x\t", "y"] if i % 2 else None for i in range(70_000)]})  # fmt: skip
    out = io.BytesIO()
    write_table(table.slice(5), out, to="json")
    assert out.getvalue() == _json_reference(table.slice(5))

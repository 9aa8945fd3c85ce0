"""Observations to and from pandas: text in, typed numbers out.

A `pandas.DataFrame` (or a `pyarrow.Table`) of observations becomes the standard's table of
text columns (:func:`text_table`): a submission is text as typed, so a number becomes the
text Python would print for it (``12.5``, never ``12.500000001``), an integral float in an
integer column (``SAMPLE_SIZE`` read by pandas as ``120.0`` because of a blank) becomes
``120``, and ``NaN``/``None``/``pd.NA`` become empty cells.

Out (:func:`to_pandas`): only the columns that carry a value in some row, the numbers typed
(``OBS_VALUE``, the bounds and ``DECIMALS``/``UNIT_MULT`` as ``float64``/``Int64`` when every
value reads as one; ``SAMPLE_SIZE``/``NUMERATOR`` as nullable ``Int64``), every other column
as pandas' ``string`` dtype, and, with ``labels=True``, codes replaced by their English names
from the standard's code lists.

pandas is imported when first needed: the model does not depend on it.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.model.columns import INTEGER_COLUMNS
from sdmx_cso.standard import get_codelist, get_standard

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DECIMAL_COLUMNS", "is_frame", "text_table", "to_pandas"]

#: Columns holding decimal numbers as text in the standard's table.
DECIMAL_COLUMNS: frozenset[str] = frozenset({"OBS_VALUE", "UPPER_BOUND", "LOWER_BOUND"})
#: Columns holding small integers as text (coded in SDMX, numbers to a reader).
_INTEGER_TEXT: frozenset[str] = frozenset({"DECIMALS", "UNIT_MULT"})


def is_frame(value: object) -> bool:
    """Whether ``value`` is a `pandas.DataFrame` (without importing pandas)."""
    return any(
        cls.__name__ == "DataFrame" and cls.__module__.startswith("pandas")
        for cls in type(value).__mro__
    )


def text_table(data: Any) -> pa.Table:
    """A table of text columns from a `pandas.DataFrame`, a `pyarrow.Table` or rows.

    Rows are an iterable of mappings. Column names are kept as given (a submission's
    header); values become text as typed.

    Raises:
        TypeError: ``data`` is none of these.
    """
    if is_frame(data):
        names = [str(name) for name in data.columns]
        columns = [_texts(list(data[name].tolist()), name) for name in data.columns]
        return _table(names, columns)
    if isinstance(data, pa.Table):
        return _table(
            data.column_names,
            [
                col if pa.types.is_string(col.type) else _texts(col.to_pylist(), name)
                for name, col in zip(data.column_names, data.columns, strict=True)
            ],
        )
    if isinstance(data, Iterable) and not isinstance(data, str | bytes | Mapping):
        rows = [dict(row) for row in data]
        names = list(dict.fromkeys(str(k) for row in rows for k in row))
        return _table(names, [_texts([row.get(n) for row in rows], n) for n in names])
    raise TypeError(
        "observations must be a pandas.DataFrame, a pyarrow.Table or a sequence of row "
        f"mappings, not {type(data).__name__}"
    )


def _table(names: list[str], columns: list[Any]) -> pa.Table:
    arrays = [
        col if isinstance(col, pa.ChunkedArray | pa.Array) else pa.array(col, pa.string())
        for col in columns
    ]
    return pa.table(arrays, names=names)


def _texts(values: list[Any], name: object) -> list[str | None]:
    integral = str(name).strip().upper() in INTEGER_COLUMNS
    return [_text(v, integral) for v in values]


def _text(value: Any, integral: bool) -> str | None:
    if value is None:
        return None
    pandas = sys.modules.get("pandas")
    if pandas is not None and (value is pandas.NA or value is pandas.NaT):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if integral and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int | str | Decimal):
        return str(value)
    if hasattr(value, "isoformat"):  # dates and timestamps
        return str(value.isoformat())
    if type(value).__module__ == "numpy":  # numpy scalars: their Python value
        return _text(value.item(), integral)
    return str(value)


def to_pandas(table: pa.Table, *, labels: bool = False, all_columns: bool = False) -> pd.DataFrame:
    """The observations as a `pandas.DataFrame`: typed numbers, only the columns with data.

    Args:
        table: observations, one text column per concept (the standard's table, or a neutral
            table read from a message).
        labels: replace the codes of coded columns by their English names (codes the
            standard's code lists do not hold are kept).
        all_columns: keep the columns that are empty in every row too.
    """
    import pandas as pd

    std = get_standard()
    codelists = {d.id: d.codelist for d in std.dsd.dimensions if d.codelist}
    codelists.update({a.id: a.codelist for a in std.dsd.attributes if a.codelist})
    out: dict[str, Any] = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        if not all_columns and col.null_count == len(col):
            continue
        out[name] = _series(pd, name, col, codelists.get(name) if labels else None)
    return pd.DataFrame(out, index=pd.RangeIndex(table.num_rows))


def _series(pd: Any, name: str, col: pa.ChunkedArray, codelist: str | None) -> Any:
    if pa.types.is_integer(col.type):
        return pd.Series(col.to_pylist(), dtype="Int64")
    if pa.types.is_list(col.type) or pa.types.is_large_list(col.type):
        return pd.Series(col.to_pylist(), dtype="object")
    if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
        return col.to_pandas()
    if name in DECIMAL_COLUMNS or name in _INTEGER_TEXT:
        try:
            numbers = pc.cast(pc.utf8_trim_whitespace(col), pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # text that is not a number stays text
        else:
            if name in _INTEGER_TEXT and all(
                float(v).is_integer() for v in numbers.to_pylist() if v is not None
            ):
                return pd.Series(numbers.to_pylist(), dtype="Int64")
            return pd.Series(numbers.to_pylist(), dtype="float64")
    values = col.to_pylist()
    if codelist is not None:
        names = _names(codelist)
        values = [names.get(v, v) if v is not None else None for v in values]
    return pd.Series(values, dtype="string")


def _names(ref: str) -> dict[str, str]:
    try:
        codes = get_codelist(ref)
    except KeyError:  # CodelistNotFound
        return {}
    return {code.id: code.name for code in codes}

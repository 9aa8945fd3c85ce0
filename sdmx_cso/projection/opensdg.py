"""Open SDG data files: ``indicator_X-Y-Z.csv``, one per SDG indicator.

The columns follow what Open SDG's build tool (open-sdg/sdg-build 2.3.0) reads:

- ``Year`` first and ``Value`` last (``sdg/check_csv.py``: "First column not called
  Year", "Last column not called Value"); ``Value`` numeric;
- ``Series`` and ``Units`` (the ``series_column`` and ``unit_column`` of
  ``open_sdg_indicator_options_defaults``), and ``GeoCode``, ``Observation status`` and
  ``Unit multiplier``, which that list also declares as non-disaggregation columns;
- ``COMMENT_OBS``, its default *observation attribute* (shown as a footnote per value);
- every other column is a disaggregation, named and filled with labels, as sdg-build's
  SDMX input writes them (``get_dimension_name``/``get_dimension_value_name``: the
  concept's name, the code's name, and nothing for a total ``_T``).

Open SDG reads years: observations of other periods (``2020-05``, ``2023-S1``) are
refused (``not-annual``), and so are series linked to no SDG indicator.
The coalition's provenance is kept in ``COMMENT_OBS``: the caveats, the source detail
(provider, sample size, sampling, validation) and the NATURE of the data.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pycountry

from sdmx_cso.projection.result import Projection, Refusal
from sdmx_cso.projection.target import TargetStructure

__all__ = ["CONCEPT_NAMES", "indicator_file", "write_open_sdg"]

#: Names of the SDG concepts (IAEG-SDGs SDG_CONCEPTS, as in the DSD 1.4 component table).
CONCEPT_NAMES: Mapping[str, str] = {
    "SEX": "Sex",
    "AGE": "Age",
    "URBANISATION": "Degree of urbanisation",
    "INCOME_WEALTH_QUANTILE": "Income or wealth quantile",
    "EDUCATION_LEV": "Education level",
    "OCCUPATION": "Occupation",
    "CUST_BREAKDOWN": "Custom breakdown",
    "COMPOSITE_BREAKDOWN": "Composite breakdown",
    "DISABILITY_STATUS": "Disability status",
    "ACTIVITY": "Economic activity",
    "PRODUCT": "Type of product",
    "REF_AREA": "Reference area",
}
_FIXED = ("FREQ", "REPORTING_TYPE", "SERIES")
_YEAR = re.compile(r"^[0-9]{4}$")


def indicator_file(indicator: str) -> str:
    """``1.3.1`` → ``indicator_1-3-1.csv``."""
    return f"indicator_{indicator.replace('.', '-')}.csv"


def _is_country(code: str) -> bool:
    if len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None:
        return True
    return code.isdigit() and pycountry.countries.get(numeric=code.zfill(3)) is not None


def _label(target: TargetStructure, component: str, code: str | None) -> str:
    if code is None or code == "":
        return ""
    return (target.codes.get(component) or {}).get(code, code)


def _comment(row: Mapping[str, str], target: TargetStructure) -> str:
    parts = [row.get("COMMENT_OBS", "")]
    if row.get("SOURCE_DETAIL"):
        parts.append(f"Source: {row['SOURCE_DETAIL']}")
    if row.get("NATURE"):
        parts.append(f"Nature: {_label(target, 'NATURE', row['NATURE'])} ({row['NATURE']})")
    return " | ".join(p for p in parts if p)


def write_open_sdg(
    projection: Projection,
    folder: Path,
    *,
    write: Callable[[Path, bytes], None],
) -> tuple[list[Path], Projection]:
    """Write the Open SDG files of ``projection`` into ``folder``.

    Returns:
        The files written, and the projection with the observations Open SDG cannot take
        moved to its refusals.
    """
    target = projection.target
    breakdowns = [d for d in target.dimensions if d not in _FIXED]
    files: dict[str, list[dict[str, str]]] = {}
    kept: list[int] = []
    refused: list[Refusal] = []
    for index, row in enumerate(projection.rows):
        number = projection.source_rows[index] if projection.source_rows else index + 2
        key = projection.source_keys[index] if projection.source_keys else dict(row)
        year = row[target.time_dimension]
        indicators = projection.indicators.get(row["SERIES"], ())
        if not _YEAR.match(year):
            refused.append(Refusal(number, "not-annual", f"TIME_PERIOD {year} is not a year", key))
            continue
        if not indicators:
            refused.append(
                Refusal(number, "no-indicator", f"{row['SERIES']} has no SDG indicator", key)
            )
            continue
        kept.append(index)
        line = {
            "Year": year,
            "Series": _label(target, "SERIES", row["SERIES"]),
            "Units": _label(target, "UNIT_MEASURE", row.get("UNIT_MEASURE")),
        }
        for dim in breakdowns:
            code = row.get(dim, "_T")
            name = CONCEPT_NAMES.get(dim, dim)
            if dim == "REF_AREA":
                line[name] = "" if _is_country(code) else _label(target, dim, code)
            elif dim == "CUST_BREAKDOWN" and code != "_T" and row.get("CUST_BREAKDOWN_LB"):
                line[name] = row["CUST_BREAKDOWN_LB"]
            else:
                line[name] = "" if code == "_T" else _label(target, dim, code)
        line["GeoCode"] = row.get("REF_AREA", "")
        line["Observation status"] = _label(target, "OBS_STATUS", row.get("OBS_STATUS"))
        line["Unit multiplier"] = _label(target, "UNIT_MULT", row.get("UNIT_MULT"))
        line["COMMENT_OBS"] = _comment(row, target)
        line["Value"] = row[target.measure]
        for indicator in indicators:
            files.setdefault(indicator, []).append(line)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for indicator, lines in sorted(files.items()):
        columns = [c for c in lines[0] if any(line[c] for line in lines) or c in ("Year", "Value")]
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(lines, key=lambda r: tuple(r[c] for c in columns)))
        path = folder / indicator_file(indicator)
        write(path, buffer.getvalue().encode("utf-8"))
        written.append(path)
    remaining = dataclasses.replace(
        projection,
        rows=tuple(projection.rows[i] for i in kept),
        refused=(*projection.refused, *refused),
        source_rows=tuple(projection.source_rows[i] for i in kept)
        if projection.source_rows
        else (),
        source_keys=tuple(projection.source_keys[i] for i in kept)
        if projection.source_keys
        else (),
    )
    return written, remaining

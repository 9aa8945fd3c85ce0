"""Comparison of a coalition's values with official SDG data.

Pairs are made observation by observation: the same series (or the SDG series a coalition
series is linked to), the same area (directly, as M49 for a country, or through the area
crosswalk), the same period and the same sex. Everything else is compared, not matched:

- **POSITION** is where the official value lies against the coalition's bounds: ``inside``,
  ``above`` or ``below`` (empty without bounds);
- **VERDICT** is that position when the two values measure the same thing, else
  ``not comparable:`` and why: ``definition differs`` (a linked series, or the coalition's
  ``DEFINITION_DIFFERS`` flag), ``other population`` (a breakdown one side has and the other
  has not — persons with disabilities against everyone is the usual case), ``other unit``.

URBANISATION is read as part of the area (KE1 writes its city areas with URBANISATION
``CITY``), and shown beside the pair. The *coverage gap* lists the breakdowns the coalition
has for a matched series that the official data do not have at all: the gap it fills.
Suppressed cells and cells without a value are never compared.
"""

from __future__ import annotations

import csv
import html
import io
import struct
import zlib
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sdmx_cso.model import CommunityDataset
from sdmx_cso.projection.areas import country_of, m49
from sdmx_cso.projection.rules import suppressed

__all__ = ["COMPARISON_COLUMNS", "Comparison", "compare_tables", "write_comparison"]

#: Population breakdowns: a difference makes the pair "other population".
_POPULATION = (
    "AGE",
    "INCOME_WEALTH_QUANTILE",
    "EDUCATION_LEV",
    "OCCUPATION",
    "CUST_BREAKDOWN",
    "COMPOSITE_BREAKDOWN",
    "DISABILITY_STATUS",
    "ACTIVITY",
    "PRODUCT",
)
_COALITION_ONLY = ("POP_GROUP", "DISABILITY_TYPE", "SERVICE", "RESPONDENT_TYPE", "SERVICE_POINT")
_TOTALS = {"_T", "_Z", "", None}

COMPARISON_COLUMNS = (
    "SERIES",
    "OFFICIAL_SERIES",
    "REF_AREA",
    "OFFICIAL_REF_AREA",
    "TIME_PERIOD",
    "SEX",
    "BREAKDOWN",
    "OFFICIAL_BREAKDOWN",
    "OFFICIAL_URBANISATION",
    "OBS_VALUE",
    "LOWER_BOUND",
    "UPPER_BOUND",
    "SAMPLE_SIZE",
    "UNIT_MEASURE",
    "OFFICIAL_VALUE",
    "OFFICIAL_UNIT_MEASURE",
    "DIFFERENCE",
    "POSITION",
    "VERDICT",
)


@dataclass(frozen=True)
class Comparison:
    """Pairs of coalition and official values, and the coverage gap."""

    pairs: tuple[Mapping[str, str], ...]
    """One row per pair, keyed by `COMPARISON_COLUMNS`."""
    gap: tuple[Mapping[str, str], ...]
    """``SERIES``, ``DIMENSION``, ``VALUE``, ``OBSERVATIONS``: breakdowns official data lack."""
    official_rows: int
    compared: int
    """Coalition observations with a value that were looked for in the official data."""


def _breakdown(row: Mapping[str, Any], dims: tuple[str, ...]) -> str:
    return " ".join(f"{d}={row[d]}" for d in dims if row.get(d) not in _TOTALS)


def _decimal(text: Any) -> Decimal | None:
    try:
        return None if text in (None, "") else Decimal(str(text))
    except InvalidOperation:
        return None


def _position(official: Decimal | None, row: Mapping[str, Any]) -> str:
    low, high = _decimal(row.get("LOWER_BOUND")), _decimal(row.get("UPPER_BOUND"))
    if official is None or low is None or high is None:
        return ""
    if official < low:
        return "below"
    return "above" if official > high else "inside"


def _areas(area: str, area_map: Mapping[str, str], local: Mapping[str, str]) -> set[str]:
    found = {area}
    if area in area_map:
        found.add(area_map[area])
    if country_of(area, local) == area:
        number = m49(area)
        if number is not None:
            found.add(number)
    return found


def _pairs(
    row: Mapping[str, Any],
    official: Mapping[tuple[str, str, str, str], list[Mapping[str, Any]]],
    linked: str | None,
    areas: set[str],
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for series in (row["SERIES"], linked):
        if series is None:
            continue
        for area in sorted(areas):
            for other in official.get((series, area, row["TIME_PERIOD"], row["SEX"]), []):
                yield series, other


def _verdict(row: Mapping[str, Any], other: Mapping[str, Any], linked: bool) -> list[str]:
    reasons = []
    flags = (row.get("QUALITY_FLAGS") or "").split()
    if linked or "DEFINITION_DIFFERS" in flags:
        reasons.append("definition differs")
    ours = {d: row.get(d) or "_T" for d in _POPULATION}
    theirs = {d: other.get(d) or "_T" for d in _POPULATION}
    if ours != theirs or any(row.get(d) not in _TOTALS for d in _COALITION_ONLY):
        reasons.append("other population")
    units = ("UNIT_MEASURE", "UNIT_MULT")
    if any((row.get(u) or "0") != (other.get(u) or row.get(u) or "0") for u in units):
        reasons.append("other unit")
    return reasons


def compare_tables(
    dataset: CommunityDataset,
    official: list[Mapping[str, Any]],
    *,
    area_map: Mapping[str, str] | None = None,
) -> Comparison:
    """Compare a derived dataset with official observations (rows keyed by component ID)."""
    area_map = area_map or {}
    local = {a.code: a.parent for a in dataset.metadata.local_areas}
    declared = dataset.metadata.series_by_code()
    index: dict[tuple[str, str, str, str], list[Mapping[str, Any]]] = defaultdict(list)
    by_series: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for other in official:
        if other.get("OBS_VALUE") in (None, ""):
            continue
        key = (
            str(other.get("SERIES")),
            str(other.get("REF_AREA")),
            str(other.get("TIME_PERIOD")),
            str(other.get("SEX") or "_T"),
        )
        index[key].append(other)
        by_series[key[0]].append(other)
    pairs: list[dict[str, str]] = []
    matched: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    compared = 0
    for batch in dataset.observations.to_batches():
        for row in batch.to_pylist():
            if suppressed(row) or row.get("OBS_VALUE") in (None, ""):
                continue
            compared += 1
            own = declared.get(row["SERIES"])
            linked = own.linked_series if own is not None else None
            areas = _areas(row["REF_AREA"], area_map, local)
            for series, other in _pairs(row, index, linked, areas):
                matched[series].append(row)
                value = _decimal(other.get("OBS_VALUE"))
                mine = _decimal(row["OBS_VALUE"])
                position = _position(value, row)
                reasons = _verdict(row, other, series != row["SERIES"])
                verdict = ("not comparable: " + ", ".join(reasons)) if reasons else position
                pairs.append(
                    {
                        "SERIES": row["SERIES"],
                        "OFFICIAL_SERIES": series,
                        "REF_AREA": row["REF_AREA"],
                        "OFFICIAL_REF_AREA": str(other.get("REF_AREA")),
                        "TIME_PERIOD": row["TIME_PERIOD"],
                        "SEX": row["SEX"],
                        "BREAKDOWN": _breakdown(row, (*_POPULATION, *_COALITION_ONLY)),
                        "OFFICIAL_BREAKDOWN": _breakdown(other, _POPULATION),
                        "OFFICIAL_URBANISATION": str(other.get("URBANISATION") or ""),
                        "OBS_VALUE": row["OBS_VALUE"],
                        "LOWER_BOUND": row.get("LOWER_BOUND") or "",
                        "UPPER_BOUND": row.get("UPPER_BOUND") or "",
                        "SAMPLE_SIZE": ""
                        if row.get("SAMPLE_SIZE") is None
                        else str(row["SAMPLE_SIZE"]),
                        "UNIT_MEASURE": row.get("UNIT_MEASURE") or "",
                        "OFFICIAL_VALUE": str(other.get("OBS_VALUE")),
                        "OFFICIAL_UNIT_MEASURE": str(other.get("UNIT_MEASURE") or ""),
                        "DIFFERENCE": "" if value is None or mine is None else str(value - mine),
                        "POSITION": position,
                        "VERDICT": verdict or "comparable (no bounds)",
                    }
                )
    return Comparison(
        pairs=tuple(pairs),
        gap=tuple(_gap(matched, by_series)),
        official_rows=len(official),
        compared=compared,
    )


def _gap(
    matched: Mapping[str, list[Mapping[str, Any]]],
    by_series: Mapping[str, list[Mapping[str, Any]]],
) -> Iterator[dict[str, str]]:
    for series, rows in sorted(matched.items()):
        seen: dict[tuple[str, str], set[int]] = defaultdict(set)
        for row in rows:
            for dim in (*_POPULATION, *_COALITION_ONLY):
                value = row.get(dim)
                if value in _TOTALS:
                    continue
                if not any(o.get(dim) == value for o in by_series.get(series, [])):
                    seen[(dim, str(value))].add(id(row))
        for (dim, value), ids in sorted(seen.items()):
            yield {
                "SERIES": series,
                "DIMENSION": dim,
                "VALUE": value,
                "OBSERVATIONS": str(len(ids)),
            }


def _csv(rows: tuple[Mapping[str, str], ...], columns: tuple[str, ...]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _chart(pairs: list[Mapping[str, str]]) -> str:
    """An inline SVG: the coalition's values with their bounds, the official values beside."""
    points = [
        (
            p,
            _decimal(p["OBS_VALUE"]),
            _decimal(p["LOWER_BOUND"]),
            _decimal(p["UPPER_BOUND"]),
            _decimal(p["OFFICIAL_VALUE"]),
        )
        for p in pairs
    ]
    numbers = [v for _, *vs in points for v in vs if v is not None]
    if not numbers:
        return ""
    top = float(max(numbers)) * 1.1 or 1.0
    width, height, step = 640, 220, 640 / (len(points) + 1)

    def y(value: Decimal) -> float:
        return height - 20 - float(value) / top * (height - 40)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'role="img" aria-label="coalition values with bounds, and official values">'
    ]
    for i, (pair, mine, low, high, official) in enumerate(points, start=1):
        x = i * step
        label = html.escape(f"{pair['REF_AREA']} {pair['TIME_PERIOD']} {pair['SEX']}")
        if low is not None and high is not None:
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y(low):.1f}" y2="{y(high):.1f}" '
                'stroke="#1f77b4" stroke-width="2"/>'
            )
        if mine is not None:
            parts.append(f'<circle cx="{x:.1f}" cy="{y(mine):.1f}" r="4" fill="#1f77b4"/>')
        if official is not None:
            parts.append(
                f'<rect x="{x + 6:.1f}" y="{y(official) - 4:.1f}" width="8" height="8" '
                'fill="#d62728"/>'
            )
        parts.append(
            f'<text x="{x:.1f}" y="{height - 4}" font-size="9" text-anchor="middle">{label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


_BLUE, _RED, _GREY = (31, 119, 180), (214, 39, 40), (160, 160, 160)


def _png(pairs: list[Mapping[str, str]], width: int = 640, height: int = 220) -> bytes:
    """The chart of `_chart` as a PNG (no text: the HTML page labels the points).

    Drawn pixel by pixel and encoded with zlib, so that no plotting library is needed.
    """
    pixels = bytearray(b"\xff" * (width * height * 3))

    def box(x0: float, y0: float, x1: float, y1: float, colour: tuple[int, int, int]) -> None:
        for yy in range(max(0, int(y0)), min(height, int(y1) + 1)):
            for xx in range(max(0, int(x0)), min(width, int(x1) + 1)):
                at = (yy * width + xx) * 3
                pixels[at : at + 3] = bytes(colour)

    values = [
        [_decimal(p[c]) for c in ("OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND", "OFFICIAL_VALUE")]
        for p in pairs
    ]
    top = float(max((v for vs in values for v in vs if v is not None), default=Decimal(1))) * 1.1
    top = top or 1.0

    def y(value: Decimal) -> float:
        return height - 20 - float(value) / top * (height - 40)

    box(0, height - 20, width - 1, height - 20, _GREY)
    step = width / (len(values) + 1)
    for i, (mine, low, high, official) in enumerate(values, start=1):
        x = i * step
        if low is not None and high is not None:
            box(x - 1, y(high), x + 1, y(low), _BLUE)
        if mine is not None:
            box(x - 3, y(mine) - 3, x + 3, y(mine) + 3, _BLUE)
        if official is not None:
            box(x + 6, y(official) - 4, x + 14, y(official) + 4, _RED)
    raw = b"".join(
        b"\x00" + bytes(pixels[r * width * 3 : (r + 1) * width * 3]) for r in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _html(comparison: Comparison, title: str) -> bytes:
    def table(rows: tuple[Mapping[str, str], ...], columns: tuple[str, ...]) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        body = "".join(
            "<tr>"
            + "".join(f"<td>{html.escape(str(r.get(c, '')))}</td>" for c in columns)
            + "</tr>"
            for r in rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    by_series: dict[str, list[Mapping[str, str]]] = defaultdict(list)
    for pair in comparison.pairs:
        by_series[pair["OFFICIAL_SERIES"]].append(pair)
    charts = "".join(
        f"<h3>{html.escape(series)}</h3>"
        "<p>Blue: the coalition's value (dot) and bounds (line); red: the official value.</p>"
        + _chart(pairs)
        for series, pairs in sorted(by_series.items())
    )
    shown = (
        "SERIES",
        "OFFICIAL_REF_AREA",
        "REF_AREA",
        "TIME_PERIOD",
        "SEX",
        "BREAKDOWN",
        "OBS_VALUE",
        "LOWER_BOUND",
        "UPPER_BOUND",
        "SAMPLE_SIZE",
        "OFFICIAL_VALUE",
        "VERDICT",
    )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:sans-serif;margin:2em;max-width:70em}"
        "table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:2px 6px}"
        "</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f"<p>{len(comparison.pairs)} matched pairs, from {comparison.compared} coalition values "
        f"and {comparison.official_rows} official observations.</p>"
        "<h2>Matched pairs</h2>"
        + table(comparison.pairs, shown)
        + "<h2>Coverage gap: breakdowns the official data do not have</h2>"
        + (
            table(comparison.gap, ("SERIES", "DIMENSION", "VALUE", "OBSERVATIONS"))
            if comparison.gap
            else "<p>None.</p>"
        )
        + "<h2>Charts</h2>"
        + charts
        + "</body></html>"
    )
    return page.encode("utf-8")


def write_comparison(comparison: Comparison, folder: Path, *, title: str, write: Any) -> list[Path]:
    """``comparison.csv``, ``gap.csv``, ``report.html`` and a PNG chart per series."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        folder / "comparison.csv": _csv(comparison.pairs, COMPARISON_COLUMNS),
        folder / "gap.csv": _csv(comparison.gap, ("SERIES", "DIMENSION", "VALUE", "OBSERVATIONS")),
        folder / "report.html": _html(comparison, title),
    }
    by_series: dict[str, list[Mapping[str, str]]] = defaultdict(list)
    for pair in comparison.pairs:
        by_series[pair["OFFICIAL_SERIES"]].append(pair)
    for series, pairs in sorted(by_series.items()):
        files[folder / f"chart-{series}.png"] = _png(pairs)
    for path, data in files.items():
        write(path, data)
    return list(files)

"""Areas: crosswalk files (ours → theirs) and the country of a coalition area."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pycountry

from sdmx_cso.errors import ReadError
from sdmx_cso.standard import get_codelist

__all__ = ["country_of", "m49", "read_crosswalk"]


def read_crosswalk(path: str | Path) -> dict[str, str]:
    """A crosswalk CSV: two columns, our code then theirs (``KE-30,KE_NBO``).

    A first row whose first cell is not a code of ours (e.g. ``OURS,THEIRS`` or
    ``REF_AREA,TARGET``) is a header and skipped. Blank lines are skipped.

    Raises:
        ReadError: the file cannot be read, a row has not two cells, or a code is given
            twice with two different targets (named by row).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReadError(f"cannot read the crosswalk: {exc}", path=path) from exc
    out: dict[str, str] = {}
    for number, cells in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if len(cells) != 2 or not all(cells):
            raise ReadError("a crosswalk row needs two codes: ours, theirs", path=path, row=number)
        ours, theirs = cells
        if number == 1 and ours.upper() in {"OURS", "FROM", "SOURCE", "REF_AREA", "CODE", "SERIES"}:
            continue
        if out.get(ours, theirs) != theirs:
            raise ReadError(
                f"{ours} is mapped twice ({out[ours]} and {theirs})", path=path, row=number
            )
        out[ours] = theirs
    return out


@cache
def _parents() -> Mapping[str, str | None]:
    return {c.id: c.parent for c in get_codelist("CL_AREA_CGD").codes}


def country_of(area: str, local_parents: Mapping[str, str]) -> str | None:
    """The ISO alpha-2 country an area lies in (itself for a country), following parents."""
    seen: set[str] = set()
    code: str | None = area
    while code is not None and code not in seen:
        seen.add(code)
        if len(code) == 2 and code.isalpha() and code.isupper():
            return code
        if code.isdigit():  # subdivisions roll up to their country's M49 code (KE-30 -> 404)
            country = pycountry.countries.get(numeric=code.zfill(3))
            if country is not None:
                return str(country.alpha_2)
        code = local_parents.get(code) or _parents().get(code)
    return None


def m49(alpha2: str) -> str | None:
    """The M49 (ISO 3166-1 numeric) code of a country, as IAEG-SDGs CL_AREA writes it."""
    country = pycountry.countries.get(alpha_2=alpha2)
    return None if country is None else str(int(country.numeric))

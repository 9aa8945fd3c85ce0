"""Cases of the structure tests, and their messages written once (SDMX-ML 2.1 takes ~2 s)."""

from __future__ import annotations

import io
from functools import cache

import sdmx_cso
import sdmx_cso.examples
from sdmx_cso.bridge import write_structures
from sdmx_cso.model.structure import DatasetStructure, structure_for

#: (example name or None for the standard, agency or None for LNOB)
CASES = [
    (None, None),
    (None, "KE_CSO"),
    ("kenya-disability-survey", None),
    ("nepal-karnali-scorecard", None),
    ("bangladesh-covid-dashboard", None),
    ("nepal-karnali-scorecard", "KE_CSO"),
]
CASE_IDS = [f"{name or 'standard'}-{agency or 'LNOB'}" for name, agency in CASES]
FORMATS = ["sdmx-ml-2.1", "sdmx-ml-3.0", "sdmx-json-2.0"]


@cache
def structure_of(name: str | None, agency: str | None) -> DatasetStructure:
    metadata = sdmx_cso.load(sdmx_cso.examples.example_path(name)).metadata if name else None
    return structure_for(metadata, agency=agency)


@cache
def written(name: str | None, agency: str | None, fmt: str) -> bytes:
    out = io.BytesIO()
    write_structures(structure_of(name, agency), out, format=fmt)
    return out.getvalue()

"""Hypothesis strategies: one per model (house style, after attrs)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from factories import metadata_dict
from hypothesis import strategies as st

from sdmx_cso.standard import get_codelist

#: Text in the coalitions' languages, plus awkward characters.
SCRIPTS = st.sampled_from(
    [
        "स्वास्थ्य चौकी",  # Nepali
        "খাদ্য সহায়তা",  # Bengali
        "Huduma za afya",  # Swahili
        "Dịch vụ y tế",  # Vietnamese
        'quote " comma , semicolon ; tab\t',
        "<&> markup",
    ]
)
TEXT = (
    st.one_of(
        SCRIPTS,
        st.text(
            # no surrogates, controls or U+FFFE/U+FFFF: not text (reported by validation)
            st.characters(
                codec="utf-8", exclude_categories=["Cs", "Cc"], exclude_characters="\ufffe\uffff"
            ),
            min_size=1,
            max_size=40,
        ),
    )
    .map(str.strip)
    .filter(bool)
)


def codes(ref: str, limit: int = 40) -> st.SearchStrategy[str]:
    return st.sampled_from([c.id for c in get_codelist(ref).codes][:limit])


DECIMALS = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-1e6, max_value=1e6),
    st.sampled_from(
        [
            Decimal("0"),
            Decimal("12.50"),
            Decimal("1E+10"),
            Decimal("-0.000001"),
            Decimal("99999999999.999"),
        ]
    ),
).map(str)

SERIES_CODES = st.lists(
    st.from_regex(r"CGD_[A-Z][A-Z0-9_]{0,12}", fullmatch=True), min_size=1, max_size=3, unique=True
)


@st.composite
def metadata(draw: st.DrawFn) -> dict[str, Any]:
    series = draw(SERIES_CODES)
    return metadata_dict(
        TITLE=draw(TEXT),
        DESCRIPTION=draw(st.none() | TEXT),
        SAMPLING_METHOD=draw(codes("CL_SAMPLING_METHOD")),
        REPRESENTATIVENESS=draw(codes("CL_REPRESENTATIVENESS")),
        RESPONSE_MODE=draw(codes("CL_RESPONSE_MODE")),
        VALIDATION_STATUS=draw(codes("CL_VALIDATION_STATUS")),
        RESPONSE_RATE=draw(st.none() | st.decimals(min_value=0, max_value=100, places=1).map(str)),
        SERIES=[
            {
                "CODE": code,
                "NAME": draw(TEXT),
                "DEFINITION": draw(TEXT),
                "UNIT": draw(st.sampled_from(["PT", "NUMBER", "SCORE"])),
            }
            for code in series
        ],
        SERVICE_POINTS=[{"CODE": "HP-01", "NAME": draw(TEXT), "AREA": "KE-30"}],
        LOCAL_AREAS=[{"CODE": "KE-30-W01", "NAME": draw(TEXT), "PARENT": "KE-30"}],
    )


@st.composite
def observation_rows(draw: st.DrawFn, series: list[str]) -> dict[str, Any]:
    optional = {
        "SEX": codes("IAEG-SDGs:CL_SEX"),
        "POP_GROUP": codes("CL_POP_GROUP"),
        "DISABILITY_TYPE": codes("CL_DISABILITY_TYPE"),
        "SERVICE": codes("CL_SERVICE"),
        "SERVICE_POINT": st.sampled_from(["_T", "_Z", "HP-01"]),
        "COMMENT_OBS": TEXT,
        "LOWER_BOUND": DECIMALS,
        "SAMPLE_SIZE": st.integers(0, 2**40),
        "NUMERATOR": st.integers(0, 1000),
        "QUALITY_FLAGS": st.lists(codes("CL_CGD_FLAG"), max_size=3).map(" ".join).filter(bool),
        "OBS_STATUS": codes("SDMX:CL_OBS_STATUS"),
        "DATA_LAST_UPDATE": st.dates().map(lambda d: d.isoformat()),
    }
    out = {
        "SERIES": draw(st.sampled_from(series)),
        "REF_AREA": draw(st.sampled_from(["KE", "KE-30", "KE-30-W01", "NP-P6", "BD-A", "404"])),
        "TIME_PERIOD": draw(
            st.sampled_from(["2023", "2023-Q2", "2023-05", "2023-05-31", "2020-S1"])
        ),
        "OBS_VALUE": draw(st.none() | DECIMALS),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            out[name] = draw(strategy)
    return out


@st.composite
def datasets(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    meta = draw(metadata())
    series = [s["CODE"] for s in meta["SERIES"]] + ["SI_COV_DISAB"]
    rows = draw(st.lists(observation_rows(series), min_size=1, max_size=12))
    return meta, rows

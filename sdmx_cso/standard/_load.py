"""Load the packaged standard (``data/standard.yaml``) and its code lists.

Generated packaged data (``scripts/build_codelists.py``) that is read here:

- ``codelists/data/reused/{AGENCY}.{ID}.json``: the IAEG-SDGs and SDMX code lists, as their
  source publishes them; ``{AGENCY}.{ID}.scheme.json``: a reused concept scheme, likewise;
- ``codelists/data/own/subdivisions.json``: the ISO 3166-2 subdivisions of the coalition
  countries, codes of the coalition's own ``$AGENCY:CL_AREA_CGD`` (``generated:
  [subdivisions]`` in ``standard.yaml``), each under its country's M49 code of
  ``IAEG-SDGs:CL_AREA`` (``KE-30`` -> ``404``);
- ``standard/data/sdg_series_units.json``: the unit of each SDG series (`sdg_series_units`).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import yaml

from sdmx_cso.codelists import Code, Codelist, ReusedConceptScheme
from sdmx_cso.errors import CodelistNotFound
from sdmx_cso.standard.spec import (
    AttributeSpec,
    ConceptSchemeSpec,
    DataflowSpec,
    DimensionSpec,
    DsdSpec,
    FlagRule,
    MeasureSpec,
    MetadataFieldSpec,
    MsdSpec,
    Standard,
    TimeDimensionSpec,
)

AGENCY_PLACEHOLDER = "$AGENCY"


@cache
def raw_standard() -> dict[str, Any]:
    """The parsed ``standard.yaml`` (shared, do not mutate)."""
    text = resources.files("sdmx_cso.standard").joinpath("data/standard.yaml").read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built
    data: dict[str, Any] = yaml.load(text, Loader=loader)
    return data


def _sub(value: str | None, agency: str) -> str | None:
    return None if value is None else value.replace(AGENCY_PLACEHOLDER, agency)


@cache
def load_standard(agency: str) -> Standard:
    """Build the `Standard` for ``agency`` from the packaged data."""
    raw = raw_standard()
    info = raw["standard"]

    def with_agency(item: dict[str, Any]) -> dict[str, Any]:
        return {k: _sub(v, agency) if isinstance(v, str) else v for k, v in item.items()}

    dsd = DsdSpec(
        agency=agency,
        id=info["id"],
        version=info["version"],
        name=info["name"],
        dimensions=tuple(DimensionSpec(**with_agency(d)) for d in raw["dimensions"]),
        time_dimension=TimeDimensionSpec(**raw["time_dimension"]),
        measure=MeasureSpec(**raw["measure"]),
        attributes=tuple(AttributeSpec(**with_agency(a)) for a in raw["attributes"]),
    )
    msd_info = raw["metadata_structure"]
    subfields = {
        key: MetadataFieldSpec(
            id=key,
            description=value.get("description", ""),
            reused="sub-field",
            **{k: v for k, v in with_agency(value).items() if k != "description"},
        )
        for key, value in raw["metadata_subfields"].items()
    }
    msd = MsdSpec(
        agency=agency,
        id=msd_info["id"],
        version=msd_info["version"],
        name=msd_info["name"],
        metadataflow=msd_info["metadataflow"],
        report_structure=msd_info["report_structure"],
        metadata_target=msd_info["metadata_target"],
        fields=tuple(MetadataFieldSpec(**with_agency(f)) for f in raw["metadata_fields"]),
        subfields=subfields,
    )
    rules = dict(raw["flag_rules"])
    precedence = tuple(rules.pop("OBS_STATUS_PRECEDENCE"))
    return Standard(
        id=info["id"],
        name=info["name"],
        version=info["version"],
        description=info["description"],
        agency=agency,
        concept_schemes=tuple(ConceptSchemeSpec(**with_agency(s)) for s in raw["concept_schemes"]),
        codelist_refs=tuple(_codelist_ref(c, agency) for c in raw["codelists"]),
        dsd=dsd,
        msd=msd,
        flag_rules={k: FlagRule(**v) for k, v in rules.items()},
        obs_status_precedence=precedence,
        dataflows=tuple(DataflowSpec(**d) for d in raw["dataflows"]),
    )


def _codelist_ref(item: dict[str, Any], agency: str) -> str:
    if "ref" in item:
        return str(item["ref"])
    return f"{agency}:{item['id']}"


@cache
def _reused(ref: str) -> Codelist:
    agency, cl_id = ref.split(":", 1)
    path = resources.files("sdmx_cso.codelists").joinpath(f"data/reused/{agency}.{cl_id}.json")
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise CodelistNotFound(f"no packaged code list {ref}") from None
    return Codelist.model_validate(json.loads(text))


@cache
def reused_concept_scheme(agency: str, scheme_id: str) -> ReusedConceptScheme | None:
    """The packaged copy of another agency's concept scheme, or ``None`` (none packaged)."""
    name = f"data/reused/{agency}.{scheme_id}.scheme.json"
    path = resources.files("sdmx_cso.codelists").joinpath(name)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return None
    return ReusedConceptScheme.model_validate(json.loads(text))


@cache
def _generated(name: str) -> tuple[Code, ...]:
    path = resources.files("sdmx_cso.codelists").joinpath(f"data/own/{name}.json")
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise CodelistNotFound(f"no packaged codes {name!r} (data/own/{name}.json)") from None
    return tuple(Code.model_validate(code) for code in json.loads(text)["codes"])


@cache
def sdg_series_units() -> dict[str, dict[str, str]]:
    """``UNIT_MEASURE`` and ``UNIT_MULT`` of each SDG series, by series code."""
    text = resources.files("sdmx_cso.standard").joinpath("data/sdg_series_units.json")
    units: dict[str, dict[str, str]] = json.loads(text.read_text("utf-8"))["units"]
    return units


def _own(cl_id: str) -> dict[str, Any] | None:
    for item in raw_standard()["codelists"]:
        if item.get("id") == cl_id:
            return dict(item)
    return None


@cache
def load_codelist(ref: str, agency: str) -> Codelist:
    """The code list ``ref`` (``AGENCY:ID`` or a plain ``ID``) of the standard for ``agency``."""
    ref = ref.replace(AGENCY_PLACEHOLDER, agency)
    if ":" not in ref:
        ref = _resolve_plain(ref, agency)
    owner, cl_id = ref.split(":", 1)
    if owner != agency:
        return _reused(ref)
    item = _own(cl_id)
    if item is None:
        raise CodelistNotFound(f"no code list {ref} in the standard")
    base: tuple[Code, ...] = ()
    for parent in item.get("extends", ()):
        base += _reused(parent).codes
    for name in item.get("generated", ()):
        base += _generated(name)
    own = tuple(Code(**code) for code in item.get("codes", ()))
    unique: dict[str, Code] = {}
    for code in base + own:
        unique.setdefault(code.id, code)
    codes = tuple(unique.values())
    return Codelist(
        agency=agency,
        id=cl_id,
        version=str(item["version"]),
        name=item["name"],
        description=item.get("description"),
        codes=codes,
        source="sdmx_cso standard " + str(raw_standard()["standard"]["version"]),
    )


def _resolve_plain(cl_id: str, agency: str) -> str:
    for item in raw_standard()["codelists"]:
        ref = _codelist_ref(item, agency)
        if ref.split(":", 1)[1] == cl_id:
            return ref
    raise CodelistNotFound(f"no code list {cl_id!r} in the standard")

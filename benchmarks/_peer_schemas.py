"""The standard as the peers understand it: a Table Schema (frictionless) and an SDMX-ML 2.1 DSD.

Used by ``validate_bench.py`` (run with the project's environment, which has ``sdmx_cso``) to
give frictionless and sdmxthon the same rules the standard applies, as far as each can express
them, for the columns of one submission:

* every dimension: required, with its code list (plus the codes the dataset declares in its
  metadata: coalition series, local areas, service points) as an ``enum`` / SDMX code list;
* TIME_PERIOD: required, an SDMX time period (a regular expression for frictionless, the
  ``ObservationalTimePeriod`` type for sdmxthon);
* OBS_VALUE, LOWER_BOUND, UPPER_BOUND: numbers; SAMPLE_SIZE, NUMERATOR: integers of zero or more;
* coded attributes with their code lists; QUALITY_FLAGS as a pattern of flag codes;
* the series key plus TIME_PERIOD as primary key (sdmxthon checks duplicates by itself).

Attributes that the standard derives when they are empty (UNIT_MEASURE of a declared series,
OBS_STATUS…) are not required: neither peer can derive them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import yaml

from sdmx_cso import get_standard
from sdmx_cso.standard import get_codelist

AGENCY = "LNOB"
# The dataset's own codes (metadata list, field) that extend a code list.
EXTENSIONS = {
    "CL_SERIES_CGD": ("SERIES", "CODE"),
    "CL_AREA_CGD": ("LOCAL_AREAS", "CODE"),
    "SERVICE_POINT": ("SERVICE_POINTS", "CODE"),
    "DATA_PROVIDERS": ("DATA_SOURCE", "ID"),
}


def extensions(metadata_file: Path) -> dict[str, list[str]]:
    """The codes a metadata file declares, by the code list they extend."""
    meta = yaml.safe_load(metadata_file.read_text(encoding="utf-8"))
    return {
        key: [str(item[fld]) for item in meta.get(section) or []]
        for key, (section, fld) in EXTENSIONS.items()
    }


def _codes(ref: str | None, key: str, ext: dict[str, list[str]]) -> list[str]:
    own = ext.get(key, [])
    if key == "SERVICE_POINT":
        return ["_T", "_Z", *own]
    if key == "DATA_PROVIDERS" or ref is None:
        return list(own)
    base = [c.id for c in get_codelist(ref).codes]
    known = set(base)
    return base + [c for c in own if c not in known]


def column_specs(columns: list[str], metadata_file: Path) -> list[dict[str, Any]]:
    """One spec per column of the data file: kind, codes, required, pattern, minimum."""
    from sdmx_cso.model.observation import TIME_PERIOD_PATTERN

    dsd = get_standard().dsd
    ext = extensions(metadata_file)
    dims = {d.id: d for d in dsd.dimensions}
    attrs = {a.id: a for a in dsd.attributes}
    specs = []
    for name in columns:
        spec: dict[str, Any] = {"name": name, "required": False}
        if name in dims:
            dim = dims[name]
            key = (dim.codelist or name).split(":")[-1]
            spec.update(role="dimension", kind="code", required=True, codelist=key)
            spec["codes"] = _codes(dim.codelist, key, ext)
        elif name == dsd.time_dimension.id:
            spec.update(role="time", kind="time", required=True, pattern=TIME_PERIOD_PATTERN)
        elif name == dsd.measure.id:
            spec.update(role="measure", kind="number")
        elif name in attrs:
            spec.update(role="attribute", **_attribute(attrs[name], ext))
        else:
            raise SystemExit(f"column {name} is not a concept of the standard")
        specs.append(spec)
    return specs


def _attribute(attr: Any, ext: dict[str, list[str]]) -> dict[str, Any]:
    if attr.type == "code":
        key = attr.codelist.split(":")[-1]
        return {"kind": "code", "codelist": key, "codes": _codes(attr.codelist, key, ext)}
    if attr.type == "flags":
        alternatives = "|".join(re.escape(c.id) for c in get_codelist(attr.codelist).codes)
        flag = f"(?:{alternatives})"
        return {"kind": "string", "pattern": rf"^\s*{flag}(?:[\s,;]+{flag})*\s*$"}
    if attr.type == "decimal":
        return {"kind": "number"}
    if attr.type == "integer":
        return {"kind": "integer", "minimum": attr.min}
    return {"kind": attr.type}  # string, date


# --------------------------------------------------------------------------------------------
# frictionless: Table Schema
# --------------------------------------------------------------------------------------------

_TABLE_TYPES = {
    "code": "string",
    "time": "string",
    "number": "number",
    "integer": "integer",
    "string": "string",
    "date": "date",
}


def table_schema(specs: list[dict[str, Any]]) -> dict[str, Any]:
    """A Table Schema with the same constraints, and the series key + TIME_PERIOD as key."""
    fields = []
    for spec in specs:
        constraints: dict[str, Any] = {}
        if spec["required"]:
            constraints["required"] = True
        if spec.get("codes"):
            constraints["enum"] = spec["codes"]
        if spec.get("pattern"):
            constraints["pattern"] = spec["pattern"]
        if spec.get("minimum") is not None:
            constraints["minimum"] = spec["minimum"]
        field = {"name": spec["name"], "type": _TABLE_TYPES[spec["kind"]]}
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    key = [s["name"] for s in specs if s["role"] in ("dimension", "time")]
    return {"fields": fields, "primaryKey": key}


# --------------------------------------------------------------------------------------------
# sdmxthon: SDMX-ML 2.1 structure message (code lists, concepts, DSD)
# --------------------------------------------------------------------------------------------

_NS = (
    'xmlns:mes="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
    'xmlns:str="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure" '
    'xmlns:com="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"'
)
_MAINTAINED = f'agencyID="{AGENCY}" version="1.0" isFinal="false" isExternalReference="false"'
_TEXT_TYPES = {"number": "Double", "integer": "Integer", "string": "String", "date": "String"}


def _name(text: str) -> str:
    return f'<com:Name xml:lang="en">{escape(text)}</com:Name>'


def _codelist_xml(cid: str, codes: list[str]) -> str:
    items = "".join(f"<str:Code id={quoteattr(c)}>{_name(c)}</str:Code>" for c in codes)
    return f'<str:Codelist id="CL_{cid}" {_MAINTAINED}>{_name(cid)}{items}</str:Codelist>'


def _concept_ref(cid: str) -> str:
    return (
        f'<str:ConceptIdentity><Ref id="{cid}" maintainableParentID="CS_CGD" '
        f'maintainableParentVersion="1.0" agencyID="{AGENCY}" package="conceptscheme" '
        f'class="Concept"/></str:ConceptIdentity>'
    )


def _representation(spec: dict[str, Any], minimum: bool) -> str:
    if spec.get("codes") is not None and spec["kind"] == "code":
        return (
            f'<str:LocalRepresentation><str:Enumeration><Ref id="CL_{spec["codelist"]}" '
            f'version="1.0" agencyID="{AGENCY}" package="codelist" class="Codelist"/>'
            f"</str:Enumeration></str:LocalRepresentation>"
        )
    facets = f'textType="{_TEXT_TYPES[spec["kind"]]}"'
    if spec.get("pattern"):
        facets += f" pattern={quoteattr(spec['pattern'])}"
    if minimum and spec.get("minimum") is not None:
        facets += f' minValue="{spec["minimum"]}"'
    return f"<str:LocalRepresentation><str:TextFormat {facets}/></str:LocalRepresentation>"


def _components(specs: list[dict[str, Any]], minimum: bool) -> str:
    dims, attrs, measure = [], [], ""
    position = 0
    for spec in specs:
        cid = spec["name"]
        if spec["role"] == "dimension":
            position += 1
            dims.append(
                f'<str:Dimension id="{cid}" position="{position}">{_concept_ref(cid)}'
                f"{_representation(spec, minimum)}</str:Dimension>"
            )
        elif spec["role"] == "attribute":
            attrs.append(
                f'<str:Attribute id="{cid}" assignmentStatus="Conditional">{_concept_ref(cid)}'
                f"{_representation(spec, minimum)}<str:AttributeRelationship><str:PrimaryMeasure>"
                f'<Ref id="OBS_VALUE"/></str:PrimaryMeasure></str:AttributeRelationship>'
                f"</str:Attribute>"
            )
        elif spec["role"] == "measure":
            measure = (
                f'<str:PrimaryMeasure id="{cid}">{_concept_ref(cid)}<str:LocalRepresentation>'
                f'<str:TextFormat textType="Double"/></str:LocalRepresentation>'
                f"</str:PrimaryMeasure>"
            )
    time = (
        f'<str:TimeDimension id="TIME_PERIOD" position="{position + 1}">'
        f"{_concept_ref('TIME_PERIOD')}<str:LocalRepresentation><str:TextFormat "
        f'textType="ObservationalTimePeriod"/></str:LocalRepresentation></str:TimeDimension>'
    )
    return (
        f'<str:DimensionList id="DimensionDescriptor">{"".join(dims)}{time}</str:DimensionList>'
        f'<str:AttributeList id="AttributeDescriptor">{"".join(attrs)}</str:AttributeList>'
        f'<str:MeasureList id="MeasureDescriptor">{measure}</str:MeasureList>'
    )


def structure_xml(specs: list[dict[str, Any]], *, minimum: bool = True) -> str:
    """An SDMX-ML 2.1 structure message: the DSD ``LNOB:DSD_CGD_BENCH`` and its code lists.

    With ``minimum=False`` the integer columns have no ``minValue`` facet: sdmxthon 2.6 raises
    a TypeError on that facet as soon as one cell is not a number.
    """
    lists = {s["codelist"]: s["codes"] for s in specs if s["kind"] == "code"}
    codelists = "".join(_codelist_xml(cid, codes) for cid, codes in lists.items())
    concepts = "".join(
        f'<str:Concept id="{s["name"]}">{_name(s["name"])}</str:Concept>' for s in specs
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><mes:Structure {_NS}>'
        "<mes:Header><mes:ID>BENCH</mes:ID><mes:Test>true</mes:Test>"
        '<mes:Prepared>2025-01-01T00:00:00</mes:Prepared><mes:Sender id="LNOB"/></mes:Header>'
        f"<mes:Structures><str:Codelists>{codelists}</str:Codelists>"
        f'<str:Concepts><str:ConceptScheme id="CS_CGD" {_MAINTAINED}>{_name("Concepts")}'
        f"{concepts}</str:ConceptScheme></str:Concepts>"
        f'<str:DataStructures><str:DataStructure id="DSD_CGD_BENCH" {_MAINTAINED}>'
        f"{_name('CGD benchmark DSD')}<str:DataStructureComponents>{_components(specs, minimum)}"
        "</str:DataStructureComponents></str:DataStructure></str:DataStructures>"
        "</mes:Structures></mes:Structure>"
    )

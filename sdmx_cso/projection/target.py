"""Target structures of a projection: the global SDG DSD, or a national DSD from a file.

A `TargetStructure` is what the projection needs to know of a DSD it does not own: its
dimensions in key order, its attributes (level, whether mandatory, code list), the codes of
each coded component, and, for the global DSD, the Open SDG global content constraints
(which dimension values and units each SDG series admits).

The global ``IAEG-SDGs:SDG(1.4)`` is bundled (``sdmx_cso/projection/data``, copied unchanged
from the corpus: the DSD's component and code-list tables and Open SDG's
``sdmx_global_content_constraints.csv``); a national DSD (e.g. KNBS's ``KE1:SDG``) is read
from an SDMX-ML 2.1 structure message with `read_target`.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree

from sdmx_cso.errors import ReadError

__all__ = [
    "SeriesConstraint",
    "TargetAttribute",
    "TargetStructure",
    "global_target",
    "read_target",
]

_DATA = "sdmx_cso.projection.data"
_COMPONENTS = "IAEG-SDGs_SDG_DSD_1.4_components.csv"
_CODELISTS = "IAEG-SDGs_SDG_DSD_1.4_codelists.csv"
_CONSTRAINTS = "opensdg_sdmx_global_content_constraints.csv"

_STR = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
_COM = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"


@dataclass(frozen=True, slots=True)
class TargetAttribute:
    """An attribute of the target DSD."""

    id: str
    level: str
    """``dataset``, ``series`` or ``observation``."""
    mandatory: bool
    coded: bool


@dataclass(frozen=True, slots=True)
class SeriesConstraint:
    """What the global content constraints admit for one SDG series.

    ``allowed[dim]`` is ``None`` for ``ALL``, else the set of admitted codes.
    """

    unit_measure: str | None
    unit_mult: str | None
    allowed: Mapping[str, frozenset[str] | None]
    name: str = ""
    """The series name, ending with its SDG indicators (``… [1.3.1]``)."""


@dataclass(frozen=True)
class TargetStructure:
    """A DSD a dataset can be projected onto."""

    agency: str
    id: str
    version: str
    dimensions: tuple[str, ...]
    """Dimension IDs in key order, without the time dimension."""
    attributes: tuple[TargetAttribute, ...]
    codes: Mapping[str, Mapping[str, str]]
    """Component ID → its codes (code → name), for every coded component."""
    national: bool = False
    """A national DSD: local series and sub-national areas of its own code lists pass."""
    reporting_type: str = "N"
    """The REPORTING_TYPE the target expects of national data (``N``; KE1 uses ``G``)."""
    constraints: Mapping[str, SeriesConstraint] | None = None
    source: str = ""
    """Where the structure came from (provenance, shown in reports)."""
    time_dimension: str = "TIME_PERIOD"
    measure: str = "OBS_VALUE"
    _attr_ids: frozenset[str] = field(default=frozenset(), repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_attr_ids", frozenset(a.id for a in self.attributes))

    @property
    def ref(self) -> str:
        """``AGENCY:ID(VERSION)``."""
        return f"{self.agency}:{self.id}({self.version})"

    def has_attribute(self, concept: str) -> bool:
        """Whether the target DSD has this attribute."""
        return concept in self._attr_ids

    def attributes_at(self, level: str) -> tuple[TargetAttribute, ...]:
        """The attributes attached at ``level``."""
        return tuple(a for a in self.attributes if a.level == level)

    def admits(self, component: str, code: str) -> bool:
        """Whether ``code`` is in the code list of ``component`` (uncoded: always)."""
        codes = self.codes.get(component)
        return codes is None or code in codes


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _level(attachment: str) -> str:
    if attachment.startswith("series"):
        return "series"
    return "dataset" if attachment == "dataset" else "observation"


@cache
def global_target() -> TargetStructure:
    """The bundled global SDG DSD ``IAEG-SDGs:SDG(1.4)`` with Open SDG's content constraints."""
    by_list: dict[tuple[str, str], dict[str, str]] = {}
    for row in _rows(_CODELISTS):
        by_list.setdefault((row["codelist"], row["version"]), {})[row["code"]] = row["name"]
    dims: list[str] = []
    attrs: list[TargetAttribute] = []
    codes: dict[str, dict[str, str]] = {}
    for row in _rows(_COMPONENTS):
        ref = row["codelist"]
        if ref:
            cl_id, version = ref.split(":", 1)[1].rstrip(")").split("(")
            codes[row["id"]] = by_list[(cl_id, version)]
        if row["component_type"] == "Dimension":
            dims.append(row["id"])
        elif row["component_type"] == "Attribute":
            attrs.append(
                TargetAttribute(
                    row["id"],
                    _level(row["attachment"]),
                    row["assignment_status"] == "Mandatory",
                    bool(ref),
                )
            )
    return TargetStructure(
        agency="IAEG-SDGs",
        id="SDG",
        version="1.4",
        dimensions=tuple(dims),
        attributes=tuple(attrs),
        codes=codes,
        constraints=_constraints(),
        source="IAEG-SDGs:SDG(1.4), bundled (sdmx_cso/projection/data)",
    )


def _constraints() -> dict[str, SeriesConstraint]:
    out: dict[str, SeriesConstraint] = {}
    for row in _rows(_CONSTRAINTS):
        allowed: dict[str, frozenset[str] | None] = {}
        for dim, value in row.items():
            if dim in ("SERIES", "Name", "UNIT_MEASURE", "UNIT_MULT") or value is None:
                continue
            allowed[dim] = None if value == "ALL" else frozenset(value.split(";"))
        out[row["SERIES"]] = SeriesConstraint(
            row["UNIT_MEASURE"] or None, row["UNIT_MULT"] or None, allowed, row["Name"] or ""
        )
    return out


def _attachment(attribute: etree._Element) -> str:
    rel = attribute.find(f"{{{_STR}}}AttributeRelationship")
    if rel is None or rel.find(f"{{{_STR}}}PrimaryMeasure") is not None:
        return "observation"
    if rel.find(f"{{{_STR}}}None") is not None:
        return "dataset"
    return "series"


def read_target(
    path: str | Path,
    *,
    dsd: str | None = None,
    reporting_type: str = "G",
    national: bool = True,
) -> TargetStructure:
    """A national (or any) DSD read from an SDMX-ML 2.1 structure message.

    The message must hold the DSD and the code lists its components are enumerated by
    (a registry's ``?references=children`` answer). ``dsd`` picks a DSD by ID when the
    message holds several. ``reporting_type`` is the REPORTING_TYPE its data use (``G``
    in the KE1 pattern).

    Raises:
        ReadError: the file cannot be read, is not a structure message, lacks the DSD or
            a code list it refers to.
    """
    path = Path(path)
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        root = etree.parse(str(path), parser).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise ReadError(f"cannot read the structure file: {exc}", path=path) from exc
    lists: dict[tuple[str, str, str], dict[str, str]] = {}
    for cl in root.iter(f"{{{_STR}}}Codelist"):
        key = (cl.get("agencyID", ""), cl.get("id", ""), cl.get("version", "1.0"))
        lists[key] = {
            str(code.get("id")): (code.findtext(f"{{{_COM}}}Name") or str(code.get("id")))
            for code in cl.iter(f"{{{_STR}}}Code")
        }
    found = [d for d in root.iter(f"{{{_STR}}}DataStructure") if dsd is None or d.get("id") == dsd]
    if not found:
        raise ReadError(
            "the structure file holds no data structure definition"
            + (f" with ID {dsd}" if dsd else ""),
            path=path,
        )
    node = found[0]
    codes: dict[str, dict[str, str]] = {}

    def enumeration(component: etree._Element) -> bool:
        ref = component.find(f"{{{_STR}}}LocalRepresentation/{{{_STR}}}Enumeration/Ref")
        if ref is None:
            return False
        key = (ref.get("agencyID", ""), ref.get("id", ""), ref.get("version", "1.0"))
        if key not in lists:
            raise ReadError(
                f"the code list {key[0]}:{key[1]}({key[2]}) of {component.get('id')} "
                "is not in the structure file",
                path=path,
            )
        codes[str(component.get("id"))] = lists[key]
        return True

    dims: list[str] = []
    time_dim = "TIME_PERIOD"
    dim_list = node.find(f"{{{_STR}}}DataStructureComponents/{{{_STR}}}DimensionList")
    for dim in dim_list if dim_list is not None else ():
        if dim.tag == f"{{{_STR}}}TimeDimension":
            time_dim = str(dim.get("id"))
        elif dim.tag == f"{{{_STR}}}Dimension":
            enumeration(dim)
            dims.append(str(dim.get("id")))
    attrs = [
        TargetAttribute(
            str(att.get("id")),
            _attachment(att),
            att.get("assignmentStatus") == "Mandatory",
            enumeration(att),
        )
        for att in node.iter(f"{{{_STR}}}Attribute")
    ]
    measure = node.find(
        f"{{{_STR}}}DataStructureComponents/{{{_STR}}}MeasureList/{{{_STR}}}PrimaryMeasure"
    )
    return TargetStructure(
        agency=str(node.get("agencyID")),
        id=str(node.get("id")),
        version=str(node.get("version", "1.0")),
        dimensions=tuple(dims),
        attributes=tuple(attrs),
        codes=codes,
        national=national,
        reporting_type=reporting_type,
        source=str(path),
        time_dimension=time_dim,
        measure=str(measure.get("id")) if measure is not None else "OBS_VALUE",
    )

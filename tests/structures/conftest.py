"""Fixtures of the structure tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from structure_cases import structure_of, written

from sdmx_cso.model.structure import DatasetStructure


@pytest.fixture(scope="session")
def message() -> Callable[[str | None, str | None, str], bytes]:
    """``message(example, agency, format)``: the structure message, written once."""
    return written


@pytest.fixture(scope="session")
def structure() -> Callable[[str | None, str | None], DatasetStructure]:
    """``structure(example, agency)``: the dataset's structures."""
    return structure_of

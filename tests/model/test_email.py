"""CONTACT_EMAIL: checked as pydantic's EmailStr checks it, email-validator only when needed."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from pydantic.networks import EmailStr

from sdmx_cso.types import EmailAddress

OURS = TypeAdapter(EmailAddress)
PYDANTIC = TypeAdapter(EmailStr)

#: Characters that make addresses interesting: atoms, dots, hyphens, quotes, Unicode.
_CHARS = st.sampled_from([*"aZ09.-_+@\"' <>()[]\\ü例xn-", "xn--", ".test", ".local", "."])
_NEAR = st.lists(_CHARS, max_size=30).map("".join)


def _verdict(adapter: TypeAdapter[str], value: str) -> tuple[str, str]:
    try:
        return "ok", adapter.validate_python(value)
    except ValidationError as exc:
        return "error", exc.errors()[0]["msg"]


@settings(max_examples=300)
@given(value=st.one_of(st.emails(), _NEAR, st.emails().map(str.upper)))
@example("Data@Coalition.Example.ORG")
@example("a..b@x.org")
@example("a@b")
@example("x@y.test")
@example("x@mail.y.LOCAL")
@example("ü@x.org")
@example(" a@x.org ")
@example("a@x.org.")
@example("a@xn--80ak6aa92e.com")
@example("Name <a@x.org>")
@example("a" * 65 + "@x.org")
@example("a@" + "b" * 64 + ".org")
@example("a@" + ".".join(["b" * 60] * 5) + ".org")
def test_same_verdict_and_normal_form_as_emailstr(value: str) -> None:
    assert _verdict(OURS, value) == _verdict(PYDANTIC, value)


def test_same_json_schema_as_emailstr() -> None:
    assert OURS.json_schema() == PYDANTIC.json_schema()


@pytest.mark.parametrize("address", ["data@coalition.example.org", "a@xn--80ak6aa92e.com"])
def test_email_validator_is_imported_only_for_unusual_addresses(address: str) -> None:
    code = (
        "import sys; from pydantic import TypeAdapter; from sdmx_cso.types import EmailAddress;"
        f"TypeAdapter(EmailAddress).validate_python({address!r});"
        "print('email_validator' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == str(address.startswith("a@xn--"))

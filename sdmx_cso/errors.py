"""Exceptions raised by sdmx_cso.

Exceptions are for misuse and for input that cannot be processed at all. Problems *in* the
data (an unknown code, a value out of range) are never raised: they are returned as
`sdmx_cso.Report` issues.

The tree::

    SdmxCsoError
    ├── ReadError               a file could not be read at all (keeps ``__cause__``)
    ├── UnsupportedFormat       a file or output format that sdmx_cso does not handle
    ├── RegistrationError       a registration would change what the register holds
    ├── CodelistNotFound        no code list with that ID is packaged
    ├── ExampleNotFound         no bundled example with that name
    ├── SpecError               an import spec (survey, scorecard) that cannot be followed
    ├── SdmxExportError         a dataset cannot be expressed in the requested SDMX form
    └── SchemaInvalid           an SDMX message failed its XSD or JSON Schema
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CodelistNotFound",
    "ExampleNotFound",
    "ReadError",
    "RegistrationError",
    "SchemaInvalid",
    "SdmxCsoError",
    "SdmxExportError",
    "SpecError",
    "UnsupportedFormat",
]


class SdmxCsoError(Exception):
    """Root of every exception raised by sdmx_cso."""


class ReadError(SdmxCsoError):
    """A file could not be read at all.

    Attributes:
        path: the file, when known.
        row: spreadsheet row number (header = 1), when the failure has one.
        column: column name, when the failure has one.
        reason: the message without its location.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.row = row
        self.column = column
        self.reason = message
        where = ", ".join(
            part
            for part in (
                self.path,
                None if row is None else f"row {row}",
                None if column is None else f"column {column}",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class RegistrationError(SdmxCsoError, ValueError):
    """A registration would change what the coalition's register already holds."""


class UnsupportedFormat(SdmxCsoError):
    """A file or output format that sdmx_cso does not handle."""


class CodelistNotFound(SdmxCsoError, KeyError):
    """No code list with that ID is packaged."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ExampleNotFound(SdmxCsoError, KeyError):
    """No bundled example with that name."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class SpecError(SdmxCsoError):
    """An import spec (``sdmx-cso import survey|scorecard``) that cannot be followed.

    Every problem found is listed, each naming the spec file and the key in it (e.g.
    ``series[0].numerator.question``); a question name that fits several columns of the
    export names them all.

    Attributes:
        path: the spec file, when read from one.
        problems: ``(key, message)`` pairs.
    """

    def __init__(self, problems: list[tuple[str, str]], *, path: str | Path | None = None) -> None:
        self.path = None if path is None else str(path)
        self.problems = list(problems)
        where = self.path or "spec"
        lines = [f"{where}, key {key}: {message}" for key, message in self.problems]
        super().__init__("\n".join(lines) if lines else f"{where}: invalid spec")


class SdmxExportError(SdmxCsoError):
    """A dataset cannot be expressed in the requested SDMX form."""


class SchemaInvalid(SdmxCsoError):
    """An SDMX message failed validation against its XSD or JSON Schema.

    Attributes:
        errors: the validator's messages, one per problem.
    """

    def __init__(self, message: str, *, errors: list[str] | None = None) -> None:
        self.errors = list(errors or [])
        super().__init__(message)

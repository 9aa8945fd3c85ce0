"""The validation report: `Report` and `Issue`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import Field, computed_field, field_validator

from sdmx_cso.model._base import CsoModel
from sdmx_cso.validation.issues import CATALOGUE, Severity, issue_url

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Issue", "Report", "Stats"]


class Issue(CsoModel):
    """One problem found in a submission or a message, located as a person would look for it."""

    code: str
    """Stable issue code from the catalogue (e.g. ``code-not-in-codelist``)."""
    severity: Severity
    """``error`` (the submission is invalid) or ``warning`` (worth a look)."""
    message: str
    """What is wrong, in words."""
    file: str | None = None
    """The file it is in."""
    row: int | None = None
    """Spreadsheet row number (the header is row 1), or line number of a text file (a
    metadata YAML file, an SDMX-ML message); ``None`` for file- or metadata-level issues."""
    column: str | None = None
    """Column (concept ID), metadata field path (e.g. ``COLL_METHOD.MODE``), or JSON pointer
    in an SDMX-JSON message (e.g. ``/meta/schema``)."""
    value: str | None = None
    """The offending value, as typed."""
    tags: tuple[str, ...] = ()
    """Tags of the issue type (``#row``, ``#cell``, ``#metadata``…), for picking and skipping."""

    @field_validator("code")
    @classmethod
    def _catalogued(cls, code: str) -> str:
        if code not in CATALOGUE:
            raise ValueError(f"{code!r} is not an issue code of the catalogue")
        return code

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        """Link to the documentation of the issue code."""
        return issue_url(self.code)

    @classmethod
    def make(cls, code: str, message: str, **where: Any) -> Issue:
        """An issue of catalogue type ``code`` (severity and tags from the catalogue)."""
        entry = CATALOGUE[code]
        return cls(code=code, severity=entry.severity, message=message, tags=entry.tags, **where)


class Stats(CsoModel):
    """Counts of a report."""

    rows: int = 0
    """Data rows read."""
    observations: int = 0
    """Observations in a valid submission (0 when invalid)."""
    errors: int = 0
    """Number of error issues."""
    warnings: int = 0
    """Number of warning issues."""
    by_code: dict[str, int] = Field(default_factory=dict)
    """Number of issues per issue code."""


class Report(CsoModel):
    """The outcome of validating a submission: valid or not, counts, and every issue."""

    valid: bool
    """Whether the submission has no error (warnings allowed)."""
    stats: Stats
    """Counts."""
    issues: tuple[Issue, ...] = ()
    """Every issue found, in file order."""
    notes: tuple[str, ...] = ()
    """Information that is neither an error nor a warning: what disclosure control will
    withhold on conversion."""

    @classmethod
    def from_issues(
        cls,
        issues: Iterable[Issue],
        *,
        rows: int = 0,
        observations: int = 0,
        warnings_as_errors: bool = False,
        notes: Iterable[str] = (),
    ) -> Report:
        """Build a report (``valid`` and counts follow from the issues)."""
        found = tuple(issues)
        if warnings_as_errors:
            found = tuple(i.model_copy(update={"severity": "error"}) for i in found)
        errors = sum(1 for i in found if i.severity == "error")
        by_code = dict(sorted(Counter(i.code for i in found).items()))
        return cls(
            valid=errors == 0,
            stats=Stats(
                rows=rows,
                observations=observations if errors == 0 else 0,
                errors=errors,
                warnings=len(found) - errors,
                by_code=by_code,
            ),
            issues=found,
            notes=tuple(notes),
        )

    def to_pandas(self) -> pd.DataFrame:
        """The issues as a `pandas.DataFrame`, one row per issue, in file order.

        Columns ``code``, ``severity``, ``message``, ``file``, ``row`` (``Int64``),
        ``column``, ``value`` and ``tags`` (space-separated).

        Examples:
            >>> from sdmx_cso import validate
            >>> from sdmx_cso.examples import example_path
            >>> validate(example_path("kenya-disability-survey")).to_pandas().shape
            (0, 8)
        """
        import pandas as pd

        names = ("code", "severity", "message", "file", "row", "column", "value")
        data: dict[str, Any] = {
            name: pd.Series([getattr(i, name) for i in self.issues],
                            dtype="Int64" if name == "row" else "string")
            for name in names
        }  # fmt: skip
        data["tags"] = pd.Series([" ".join(i.tags) for i in self.issues], dtype="string")
        return pd.DataFrame(data)

    def flatten(self, spec: Sequence[str] = ("row", "column", "code")) -> list[list[Any]]:
        """The issues as lists of the named fields, for compact assertions.

        Examples:
            >>> Report.from_issues([]).flatten()
            []
        """
        return [[getattr(issue, name) for name in spec] for issue in self.issues]

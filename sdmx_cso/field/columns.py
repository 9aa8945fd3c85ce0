"""Finding a question's column(s) in an export by its XLSForm name.

KoboToolbox writes group paths with ``/`` (``household/sex``), ODK Central with ``-``
(``household-sex``). A select_multiple is one column of space-separated choice names, or one
0/1 column per choice (``services/health``), or both. A question is named by its XLSForm
name, or by a path when the name alone fits several columns.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from sdmx_cso.field.exports import is_meta

__all__ = ["Answer", "Columns", "Unresolved"]

_SELECTED = frozenset({"1", "1.0", "true", "yes", "True", "TRUE"})


class Unresolved(Exception):
    """A question name fitting no column, several columns, or a meta column."""


@dataclass(frozen=True)
class Answer:
    """Where a question's answers are.

    Attributes:
        name: the question as the spec names it.
        header: its column (the summary column of a select_multiple), if any.
        options: choice name → its 0/1 column (split select_multiple).
        multiple: whether answers are sets of choices.
    """

    name: str
    header: str | None
    options: Mapping[str, str] = field(default_factory=dict)
    multiple: bool = False

    def choices(self, row: Mapping[str, str | None]) -> frozenset[str] | None:
        """The choices answered in ``row``, or ``None`` when not answered.

        A select_multiple is read from its 0/1 columns when it has them (a label export
        joins choice labels, which may hold spaces, in its summary column). An answer of
        several space-separated names is each of them (and the whole text).
        """
        if self.header is not None and not self.options:
            value = row.get(self.header)
            if value is None or not value.strip():
                return None
            # choice names hold no spaces: a select_multiple's summary column (without the
            # form, it cannot be told from a select_one) is its names joined by spaces
            return frozenset({value.strip(), *value.split()})
        cells = {option: row.get(header) for option, header in self.options.items()}
        if all(v is None or not v.strip() for v in cells.values()):
            return None
        return frozenset(o for o, v in cells.items() if v is not None and v.strip() in _SELECTED)

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the answers are read from."""
        return tuple(h for h in (self.header, *self.options.values()) if h is not None)


def _fits(header: str, name: str) -> bool:
    """Whether ``header`` is the column of question ``name`` (a name or a group path)."""
    for candidate in {name, name.replace("/", "-")}:
        if header == candidate or header.endswith(("/" + candidate, "-" + candidate)):
            return True
    return False


class Columns:
    """The questions of one sheet (meta columns left out)."""

    def __init__(
        self, headers: tuple[str, ...], *, where: str, multiple: frozenset[str] = frozenset()
    ) -> None:
        self.headers = tuple(h for h in headers if not is_meta(h))
        self.meta = tuple(h for h in headers if is_meta(h))
        self.where = where
        self.multiple = multiple

    def resolve(self, name: str, *, multiple: bool = False) -> Answer:
        """The column(s) of question ``name``.

        Raises:
            Unresolved: no column, several columns (the candidates are named), or a meta
                column.
        """
        direct = [h for h in self.headers if _fits(h, name)]
        split: dict[str, dict[str, str]] = {}
        for header in self.headers:
            prefix, sep, option = header.rpartition("/")
            if sep and option and _fits(prefix, name):
                split.setdefault(prefix, {})[option] = header
        if len(direct) > 1:
            raise Unresolved(
                f"question {name!r} is ambiguous in {self.where}: it fits the columns "
                f"{', '.join(repr(h) for h in direct)}; name it by its group path"
            )
        if len(split) > 1 and not direct:
            raise Unresolved(
                f"question {name!r} is ambiguous in {self.where}: it fits the select_multiple "
                f"columns of {', '.join(repr(p) for p in split)}; name it by its group path"
            )
        options = next(iter(split.values()), {}) if len(split) == 1 else {}
        multiple = multiple or name.replace("-", "/").rsplit("/", 1)[-1] in self.multiple
        if direct:
            header = direct[0]
            return Answer(name, header, options, multiple=multiple or bool(options))
        if options:
            return Answer(name, None, options, multiple=True)
        if any(_fits(h, name) for h in self.meta):
            raise Unresolved(f"{name!r} is a meta column of {self.where}, not a question")
        near = difflib.get_close_matches(
            name, [h.replace("-", "/").rsplit("/", 1)[-1] for h in self.headers], n=3
        )
        hint = f"; closest: {', '.join(near)}" if near else ""
        raise Unresolved(f"no column for question {name!r} in {self.where}{hint}")

    def column(self, name: str) -> str:
        """The one column called ``name`` (or ending in ``/name``), e.g. a weight.

        Raises:
            Unresolved: as `resolve`, or ``name`` is a select_multiple.
        """
        header = self.resolve(name).header
        if header is None:
            raise Unresolved(f"{name!r} is a select_multiple in {self.where}, not one column")
        return header

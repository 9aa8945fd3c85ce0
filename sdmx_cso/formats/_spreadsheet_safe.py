"""Text cells made safe to open in a spreadsheet (CSV formula injection).

A spreadsheet program that opens a CSV file runs a cell beginning with ``=``, ``+``, ``-`` or
``@`` as a formula (and a leading tab or carriage return can hide one), so a value planted in
a data message (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``) would run on the reader's
machine. OWASP's recommendation (https://owasp.org/www-community/attacks/CSV_Injection) is to
prefix such a cell with a single quote, which spreadsheets take as "this is text" and do not
show.

Only tables meant for people are neutralised (``sdmx-cso read --to csv``). SDMX messages are
written exactly: they go from machine to machine and must carry every value as submitted
(``docs/standard/implementation.md``, "Values meant for people").

A cell that is a plain number (``-5``, ``+3.2``, ``-1e3``, ``-12,4``) is left alone: it is
not a formula, and observation values must stay exact.
"""

from __future__ import annotations

import re

__all__ = ["TRIGGERS", "is_plain_number", "neutralise"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
TRIGGERS = frozenset("=+-@\t\r")

_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def is_plain_number(text: str) -> bool:
    """Whether ``text`` is a number as written in data: sign, digits, one decimal mark, exponent.

    Examples:
        >>> [is_plain_number(t) for t in ("-5", "+3.2", "-1e3", "-.5", "-12,4", "-", "-1+1")]
        [True, True, True, True, True, False, False]
    """
    return _NUMBER.fullmatch(text) is not None


def neutralise(text: str) -> str:
    r"""``text`` with a leading ``'`` if a spreadsheet would read it as a formula.

    Examples:
        >>> neutralise("=SUM(A1:A9)"), neutralise("@cmd"), neutralise("\tx")
        ("'=SUM(A1:A9)", "'@cmd", "'\tx")
        >>> neutralise("-5"), neutralise("+3.2"), neutralise("Nairobi"), neutralise("")
        ('-5', '+3.2', 'Nairobi', '')
    """
    if text and text[0] in TRIGGERS and not is_plain_number(text):
        return "'" + text
    return text

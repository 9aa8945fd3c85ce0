"""Validation rules beyond single cells: keys, ranges, periods and consistency with metadata.

Each rule module has ``check(ctx) -> Iterator[Issue]``; :data:`RULES` lists them in the order
their issues are reported. Rules work on a lenient typed view of the table (cells that fail
their own checks are null there), so one pass finds every problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sdmx_cso.validation.report import Issue
from sdmx_cso.validation.rules import (
    consistency,
    constraint,
    keys,
    periods,
    personal,
    ranges,
    shares,
)
from sdmx_cso.validation.rules.context import RuleContext

__all__ = ["RULES", "RuleContext", "run_rules"]

RULES: tuple[Callable[[RuleContext], Iterator[Issue]], ...] = (
    keys.check,
    ranges.check,
    shares.check,
    periods.check,
    consistency.check,
    constraint.check,
    personal.check,
)


def run_rules(ctx: RuleContext) -> Iterator[Issue]:
    """Every issue of every rule."""
    for rule in RULES:
        yield from rule(ctx)

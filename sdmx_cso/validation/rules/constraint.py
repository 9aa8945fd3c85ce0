"""The dataset's dataflow constraint: only the series, areas and service points it registered.

A registered dataset is a dataflow of the one DSD, restricted by an allowed content
constraint to the codes the coalition registered for it (`sdmx_cso.model.register`). A row
outside it would be refused by a registry that checks uploads against the constraint (.Stat
Suite, FMR), so it is refused here first, at its row and column.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from sdmx_cso.model.register import CONSTRAINED_DIMENSIONS, default_register
from sdmx_cso.standard import DEFAULT_AGENCY
from sdmx_cso.validation.report import Issue
from sdmx_cso.validation.rules.context import RuleContext

__all__ = ["check"]


def check(ctx: RuleContext) -> Iterator[Issue]:
    """Rows whose SERIES, REF_AREA or SERVICE_POINT is outside the dataflow's constraint."""
    if ctx.metadata is None or ctx.table.num_rows == 0:
        return
    register = ctx.register if ctx.register is not None else default_register(DEFAULT_AGENCY)
    flow = register.constraint_for(ctx.metadata)
    if flow is None:
        return
    allowed = flow.allowed()
    dataflow = f"{register.agency}:DF_{flow.dataset_id}"
    for dim in CONSTRAINED_DIMENSIONS:
        column = ctx.table.column(dim).combine_chunks()
        if not pa.types.is_string(column.type):
            column = pc.cast(column, pa.string())
        codes = pa.array(sorted(allowed[dim]), pa.string())
        inside = pc.fill_null(pc.is_in(column, value_set=codes), True)
        for row in pc.indices_nonzero(pc.invert(inside)).to_pylist():
            if row in ctx.invalid_rows:
                continue
            value = column[row].as_py()
            yield ctx.issue(
                "outside-dataflow-constraint",
                f"{dim} {value} is not among the codes registered for dataflow {dataflow} "
                f"({len(allowed[dim])} allowed): register the dataset's revision first",
                row=row,
                column=dim,
                value=value,
            )

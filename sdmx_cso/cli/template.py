"""``sdmx-cso template``: a spreadsheet template that, filled in, is a whole submission."""

from __future__ import annotations

from pathlib import Path

import click

import sdmx_cso
import sdmx_cso.field


@click.command()
@click.option(
    "--dataflow", type=click.Choice(["DF_CGD_SURVEY", "DF_CGD_SCORECARD", "DF_CGD_DASHBOARD"]),
    default="DF_CGD_SURVEY", show_default=True, help="The dataflow whose columns to use.",
)  # fmt: skip
@click.option(
    "--submission", type=click.Path(exists=True, path_type=Path),
    help="An existing submission whose columns, rows and metadata fill the template.",
)  # fmt: skip
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="The workbook to write (.xlsx).",
)  # fmt: skip
def template(dataflow: str, submission: Path | None, output: Path) -> int:
    """Write an XLSX template: data, metadata and instructions sheets.

    Coded columns have drop-downs bound to the standard's code lists; every data cell is
    text, so the spreadsheet turns no code into a date and no value into a percentage.
    Filled in, the workbook is a whole submission: `sdmx-cso validate FILE.xlsx`.
    """
    path = sdmx_cso.field.write_template(output, dataflow=dataflow, submission=submission)
    click.echo(str(path))
    return 0

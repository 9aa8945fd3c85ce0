"""``sdmx-cso codelists``: the standard's code lists as CSV files or XLSForm choices."""

from __future__ import annotations

from pathlib import Path

import click

import sdmx_cso
import sdmx_cso.field


@click.command()
@click.option(
    "-f", "--format", "format_", type=click.Choice(["csv", "xlsform"]), default="csv",
    show_default=True,
    help="csv: one ID.csv per code list; xlsform: choices.xlsx and choices.csv, the rows of "
    "an XLSForm choices sheet (list_name, name, label::English (en)).",
)  # fmt: skip
@click.option(
    "-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
    help="Folder to write into (created).",
)  # fmt: skip
@click.option("--agency", help="The coalition's SDMX agency ID (default LNOB).")
def codelists(format_: str, output: Path, agency: str | None) -> int:
    """Write the standard's code lists for survey toolkits and spreadsheets.

    With --format xlsform, copy the rows of choices.xlsx into a KoboToolbox or ODK form's
    choices sheet and ask `select_one CL_SEX` (any code list ID): the form then collects the
    standard's codes directly.
    """
    paths = (
        sdmx_cso.field.write_codelists(output, format="xlsform", agency=agency)
        if format_ == "xlsform"
        else sdmx_cso.field.write_codelists(output, format="csv", agency=agency)
    )
    for path in paths:
        click.echo(str(path))
    return 0

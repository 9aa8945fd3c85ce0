"""``sdmx-cso compare``: a submission's values next to official SDG data."""

from __future__ import annotations

from pathlib import Path

import click

import sdmx_cso
import sdmx_cso.projection
import sdmx_cso.structures
from sdmx_cso.cli._app import EXIT_INVALID, EXIT_OK
from sdmx_cso.cli._options import (
    FILE,
    area_map_option,
    metadata_option,
    output_option,
    register_option,
    submission_argument,
)
from sdmx_cso.cli._render import render_table


@click.command()
@submission_argument
@metadata_option
@click.option("--official", type=FILE, required=True, help="Official SDG data (any SDMX format).")
@click.option(
    "--official-structure",
    type=FILE,
    help="Structure message of the official data (SDMX-ML only).",
)
@area_map_option
@output_option("Folder for comparison.csv, gap.csv and report.html.", kind="folder")
@register_option
def compare(
    submission: Path,
    metadata: Path | None,
    official: Path,
    official_structure: Path | None,
    area_map: Path | None,
    output: Path,
    register_file: Path | None,
) -> int:
    """Compare SUBMISSION's values with the official SDG data of --official.

    Pairs are matched by series (or the linked SDG series), area (directly, as M49, or through
    --area-map), period and sex; each gets a verdict. An invalid submission is refused with its
    validation report (exit code 1).
    """
    register = None if register_file is None else sdmx_cso.structures.read_register(register_file)
    try:
        result = sdmx_cso.compare(
            submission,
            official=official,
            official_structure=official_structure,
            area_map=area_map,
            metadata=metadata,
            register=register,
        )
    except sdmx_cso.InvalidSubmission as exc:
        click.echo(render_table(exc.report, source=str(submission)), err=True)
        return EXIT_INVALID
    for path in sdmx_cso.projection.write_comparison(result, output):
        click.echo(str(path))
    click.echo(
        f"{len(result.pairs)} pairs from {result.compared} values and "
        f"{result.official_rows} official observations; {len(result.gap)} breakdowns "
        "the official data lack",
        err=True,
    )
    return EXIT_OK

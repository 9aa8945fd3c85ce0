"""``sdmx-cso project``: project a submission onto the SDG DSD or a national DSD."""

from __future__ import annotations

import csv
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
    nso_publishes_option,
    output_option,
    register_option,
    submission_argument,
    to_option,
)
from sdmx_cso.cli._render import render_table


@click.command()
@submission_argument
@metadata_option
@to_option(
    sdmx_cso.projection.PROJECTION_FORMATS,
    "sdmx-ml-2.1 (structure-specific, as KNBS's KE1 data), sdmx-ml-2.1-generic, "
    "sdmx-csv-1.0, sdmx-csv-2.0, or open-sdg (indicator_X-Y-Z.csv files in the folder OUTPUT).",
)
@output_option(
    "File to write (a folder for open-sdg); the refused observations go beside it, "
    "in STEM.refused.csv.",
    kind="any",
)
@click.option(
    "--dsd",
    "dsd_file",
    type=FILE,
    help="SDMX-ML 2.1 structure file holding the national DSD and its code lists "
    "(default: the global IAEG-SDGs:SDG 1.4, bundled).",
)
@click.option("--dsd-id", help="The DSD's ID, when the structure file holds several.")
@click.option(
    "--reporting-type",
    default="G",
    show_default=True,
    help="REPORTING_TYPE the national DSD's data use (the global DSD takes N).",
)
@area_map_option
@click.option(
    "--series-map",
    type=FILE,
    help="Series crosswalk CSV: our CGD_* series, the national local series.",
)
@nso_publishes_option("NATURE C for the rows the statistics office endorsed (otherwise _X).")
@register_option
def project(
    submission: Path,
    metadata: Path | None,
    to: str,
    output: Path,
    dsd_file: Path | None,
    dsd_id: str | None,
    reporting_type: str,
    area_map: Path | None,
    series_map: Path | None,
    nso_publishes: bool,
    register_file: Path | None,
) -> int:
    """Project SUBMISSION onto the SDG DSD (or the national DSD of --dsd) and write it.

    Every observation is either written or listed, with its row and the reason, in
    STEM.refused.csv; a summary goes to standard error. An invalid submission is refused
    with its validation report (exit code 1).
    """
    target = None
    if dsd_file is not None:
        target = sdmx_cso.projection.read_target(
            dsd_file, dsd=dsd_id, reporting_type=reporting_type
        )
    register = None if register_file is None else sdmx_cso.structures.read_register(register_file)
    try:
        result = sdmx_cso.project(
            submission,
            target=target,
            area_map=area_map,
            series_map=series_map,
            metadata=metadata,
            register=register,
            config=sdmx_cso.DerivationConfig(nso_publishes=True) if nso_publishes else None,
        )
    except sdmx_cso.InvalidSubmission as exc:
        click.echo(render_table(exc.report, source=str(submission)), err=True)
        return EXIT_INVALID
    written = sdmx_cso.projection.write_projection(result, to=to, output=output)
    for path in written:
        click.echo(str(path))
    click.echo(result.summary(), err=True)
    with written[-1].open(encoding="utf-8", newline="") as refusals:
        listed = sum(1 for _ in csv.reader(refusals)) - 1
    if listed > len(result.refused):  # open-sdg refuses what it cannot take
        click.echo(f"  refused by {to}: {listed - len(result.refused)} more", err=True)
    return EXIT_OK

"""``sdmx-cso register``: register a dataset's codes and dataflow in the coalition's register."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

import sdmx_cso
import sdmx_cso.structures
from sdmx_cso.cli._app import EXIT_INVALID, EXIT_OK
from sdmx_cso.cli._options import metadata_option, register_option, submission_argument
from sdmx_cso.cli._render import render_table


@click.command()
@submission_argument
@metadata_option
@register_option
@click.option("--agency", help="The coalition's SDMX agency ID, without --register (default LNOB).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The register to write (YAML); may be the --register file itself.",
)
def register(
    submission: Path,
    metadata: Path | None,
    register_file: Path | None,
    agency: str | None,
    output: Path,
) -> int:
    """Register SUBMISSION's codes and dataflow in a new release of the register.

    The release adds the coalition series, local areas, service points and data providers the
    dataset declares and the register lacks, and registers the dataset's dataflow with the
    series, areas and service points its rows use (its allowed content constraint). Code
    lists, the DSD and the dataflow get new versions only where their content changes. A
    declaration that contradicts a registered code is refused. Written atomically.
    """
    base = sdmx_cso.structures.read_register(register_file, agency=agency)
    try:
        updated = sdmx_cso.structures.register_dataset(
            submission, metadata=metadata, register=base, date=dt.date.today()
        )
    except sdmx_cso.InvalidSubmission as exc:
        click.echo(render_table(exc.report, source=str(submission)), err=True)
        return EXIT_INVALID
    sdmx_cso.structures.write_register(updated, output)
    if updated == base:
        click.echo(f"{output}: already registered, release {base.version} unchanged", err=True)
    else:
        release = updated.releases[-1]
        added = [
            f"{len(items)} {what}"
            for what, items in (
                ("series", release.series),
                ("local areas", release.local_areas),
                ("service points", release.service_points),
                ("data providers", release.data_providers),
                ("dataflows", release.dataflows),
            )
            if items
        ]
        click.echo(f"{output}: release {release.version} adds {', '.join(added)}", err=True)
    click.echo(str(output))
    return EXIT_OK

"""``sdmx-cso convert``: validate a submission and write it as SDMX."""

from __future__ import annotations

from pathlib import Path

import click

import sdmx_cso
import sdmx_cso.errors
import sdmx_cso.pipeline
import sdmx_cso.structures
from sdmx_cso.cli._app import EXIT_INVALID, EXIT_OK
from sdmx_cso.cli._options import (
    accept_option,
    agency_option,
    metadata_option,
    nso_publishes_option,
    output_option,
    progress_option,
    register_option,
    submission_argument,
    to_option,
)
from sdmx_cso.cli._progress import status_line
from sdmx_cso.cli._render import render_table


@click.command()
@submission_argument
@metadata_option
@to_option(sorted(sdmx_cso.pipeline.DATA_FORMATS), "SDMX format of the data message.")
@output_option(
    "Data message to write; the reference metadata goes beside it (STEM.metadata.xml).",
    kind="file",
)
@agency_option
@click.option("--no-metadata", is_flag=True, help="Do not write the reference metadata.")
@click.option(
    "--flags-as-text",
    is_flag=True,
    help="sdmx-csv-2.0: write QUALITY_FLAGS as one space-separated value (as SDMX 2.1 does) "
    "instead of a multi-valued QUALITY_FLAGS[] column, for readers without multi-valued "
    "components such as pysdmx 1.21.",
)
@nso_publishes_option(
    "The statistics office publishes the rows it endorsed (VALIDATION_STATUS "
    "NSO_ENDORSED) as official: NATURE C for them (otherwise _X)."
)
@register_option
@accept_option
@progress_option
def convert(
    submission: Path,
    metadata: Path | None,
    to: str,
    output: Path,
    agency: str | None,
    no_metadata: bool,
    flags_as_text: bool,
    nso_publishes: bool,
    register_file: Path | None,
    accept: tuple[str, ...],
    progress: bool | None,
) -> int:
    """Validate SUBMISSION and, if it is valid, write it as SDMX.

    An invalid submission is refused with its validation report (exit code 1) and no output
    file is written. Outputs are written atomically.
    """
    register = None if register_file is None else sdmx_cso.structures.read_register(register_file)
    status = status_line(progress)
    try:
        result = sdmx_cso.convert(
            submission,
            to=to,
            output=output,
            metadata=metadata,
            agency=agency,
            with_metadata=not no_metadata,
            flags_as_text=flags_as_text,
            config=sdmx_cso.DerivationConfig(
                accept_personal_data=frozenset(accept), nso_publishes=nso_publishes
            ),
            progress=status,
            register=register,
        )
    except (
        sdmx_cso.errors.UnsupportedFormat
    ) as exc:  # --to is a choice: an option that cannot apply
        raise click.UsageError(str(exc)) from None
    finally:
        if status is not None:
            status.close()
    if not result.report.valid:
        click.echo(render_table(result.report, source=str(submission)), err=True)
        return EXIT_INVALID
    for path in (result.data, result.metadata):
        if path is not None:
            click.echo(str(path))
    return EXIT_OK

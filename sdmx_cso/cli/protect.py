"""``sdmx-cso protect``: what disclosure control withholds, and the protected submission."""

from __future__ import annotations

from pathlib import Path

import click

import sdmx_cso
import sdmx_cso.pipeline
from sdmx_cso.cli._app import EXIT_INVALID, EXIT_OK
from sdmx_cso.cli._options import accept_option, metadata_option, submission_argument
from sdmx_cso.cli._render import render_table

_WHY = {
    "SUPPRESSED_PRIMARY": "count below the threshold (primary)",
    "SUPPRESSED_SECONDARY": "would give a withheld cell away (secondary)",
    "GEO_COARSENED": "sensitive group in a small area (geographic coarsening)",
}


@click.command()
@submission_argument
@metadata_option
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the protected submission to (data.csv, metadata.yaml).",
)
@accept_option
def protect(
    submission: Path, metadata: Path | None, output: Path | None, accept: tuple[str, ...]
) -> int:
    """Show the cells disclosure control withholds in SUBMISSION, and why.

    Every conversion applies the same policy; this command shows it beforehand, with the
    audit (the narrowest interval an attacker could prove for a withheld count), and with
    -o writes the protected submission. An invalid submission is refused with its report
    (exit code 1).
    """
    config = sdmx_cso.DerivationConfig(accept_personal_data=frozenset(accept))
    result = sdmx_cso.pipeline.protect_submission(
        submission, metadata=metadata, output=output, config=config
    )
    if result.audit is None:
        click.echo(render_table(result.report, source=str(submission)), err=True)
        return EXIT_INVALID
    for cell in result.withheld:
        reason = cell["REASON"]
        key = " ".join(f"{k}={v}" for k, v in cell.items() if k != "REASON")
        click.echo(f"{reason}\t{key}\t{_WHY[reason]}")
    click.echo(result.audit.summary(), err=True)
    for path in result.files:
        click.echo(str(path), err=True)
    return EXIT_OK

"""``sdmx-cso structures``: write the SDMX structures of the standard or of a dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import click

import sdmx_cso
import sdmx_cso.structures
from sdmx_cso.cli._app import EXIT_INVALID, EXIT_OK
from sdmx_cso.cli._options import output_option, submission_options, to_option
from sdmx_cso.cli._render import render_table

#: The structure formats (``sdmx_cso.structures.STRUCTURE_FORMATS``; a test keeps them equal).
FORMATS = ["sdmx-json-2.0", "sdmx-ml-2.1", "sdmx-ml-3.0"]


def load_register(path: Path | None) -> Any:
    """The register of ``--register`` (``None``: the packaged one)."""
    return None if path is None else sdmx_cso.structures.read_register(path)


def load_dataset(submission: Path | None, metadata: Path | None, register: Any = None) -> Any:
    """The dataset of ``--submission`` (``None`` without one).

    Raises:
        click.UsageError: ``--metadata`` without ``--submission``.
        click.exceptions.Exit: an invalid submission (its report is shown; exit code 1).
    """
    if submission is None:
        if metadata is not None:
            raise click.UsageError("--metadata needs --submission (the data it describes)")
        return None
    try:
        return sdmx_cso.load(submission, metadata=metadata, register=register)
    except sdmx_cso.InvalidSubmission as exc:
        click.echo(render_table(exc.report, source=str(submission)), err=True)
        raise click.exceptions.Exit(EXIT_INVALID) from None


@click.command()
@to_option(FORMATS, "Format of the structure message.")
@output_option("Structure message to write.", kind="file")
@click.option(
    "--one-message",
    is_flag=True,
    help="Write the data and the metadata structures in one message (some readers, such as "
    "pysdmx for SDMX-ML 2.1, cannot read such a message whole).",
)
@submission_options
def structures(
    to: str,
    output: Path,
    one_message: bool,
    agency: str | None,
    register_file: Path | None,
    submission: Path | None,
    metadata: Path | None,
) -> int:
    """Write the SDMX structures: concept schemes, code lists, DSD, dataflows, MSD.

    Without --submission, the standard's own structures (the one DSD AGENCY:CGD, the
    register's code lists and a dataflow per dataset type). With one, the structures its
    data and metadata messages refer to: the same DSD, and its dataflow with its allowed
    content constraint.

    OUTPUT gets the data structures (code lists, concepts, DSD, dataflows, constraints);
    STEM.metadata-structures.EXT beside it the metadata structures (MSD, metadataflow, data
    providers, the concepts and code lists they use), so that common readers read each
    whole; --one-message writes both in OUTPUT. Outputs are written atomically.
    """
    register = load_register(register_file)
    dataset = load_dataset(submission, metadata, register)
    parts: list[tuple[Path, Literal["all", "data", "metadata"]]] = (
        [(output, "all")]
        if one_message
        else [
            (output, "data"),
            (output.with_name(f"{output.stem}.metadata-structures{output.suffix}"), "metadata"),
        ]
    )
    for path, content in parts:
        written = sdmx_cso.structures.export_structures(
            path, format=to, dataset=dataset, agency=agency, register=register, content=content
        )
        click.echo(str(written))
    return EXIT_OK

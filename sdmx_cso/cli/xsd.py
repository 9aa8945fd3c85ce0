"""``sdmx-cso xsd``: write the DSD-specific XML schema of structure-specific data."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import click

import sdmx_cso
import sdmx_cso.schemas
from sdmx_cso.cli._app import EXIT_OK
from sdmx_cso.cli._options import output_option, submission_options
from sdmx_cso.cli.structures import load_dataset, load_register


@click.command()
@click.option(
    "--version",
    "version",
    type=click.Choice(["2.1", "3.0"]),
    default="2.1",
    show_default=True,
    help="SDMX-ML version of the data the schema validates.",
)
@output_option("Schema file to write (put it next to the official SDMX-ML schemas).", kind="file")
@submission_options
def xsd(
    version: Literal["2.1", "3.0"],
    output: Path,
    agency: str | None,
    register_file: Path | None,
    submission: Path | None,
    metadata: Path | None,
) -> int:
    """Write the XML schema of structure-specific data for the standard or a dataset.

    Registries generate such a schema from a DSD: it types DataSet, Series and Obs and
    enumerates every code list, so that an XML validator rejects unknown codes. It imports
    SDMXCommon.xsd and SDMXDataStructureSpecific.xsd by file name.
    """
    register = load_register(register_file)
    dataset = load_dataset(submission, metadata, register)
    path = sdmx_cso.schemas.export_xsd(
        output, version=version, dataset=dataset, agency=agency, register=register
    )
    click.echo(str(path))
    return EXIT_OK

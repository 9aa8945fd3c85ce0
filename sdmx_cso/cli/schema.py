"""``sdmx-cso schema``: write the JSON Schemas of the metadata file and of a data row."""

from __future__ import annotations

from pathlib import Path

import click

import sdmx_cso
import sdmx_cso.schemas


@click.command()
@click.option(
    "-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
    help="Folder to write the schemas into.",
)  # fmt: skip
def schema(output: Path) -> int:
    """Write JSON Schemas (metadata.schema.json, observation.schema.json) into OUTPUT.

    Each schema's $id carries the version of the standard. Also writes the Frictionless
    Table Schema (table-schema.json) and Data Package descriptor (datapackage.json) of the
    data table.
    """
    for path in sdmx_cso.schemas.write_schemas(output):
        click.echo(str(path))
    return 0

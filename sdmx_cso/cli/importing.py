"""``sdmx-cso import``: turn field data (survey exports) into a submission package."""

from __future__ import annotations

from pathlib import Path

import click

import sdmx_cso
import sdmx_cso.field
from sdmx_cso.cli._options import FILE, metadata_file_option, package_output_option, spec_option


@click.group(name="import")
def import_() -> None:
    """Turn data from the field into a submission package (data.csv + metadata.yaml)."""


@import_.command()
@click.argument("data", type=FILE)
@spec_option(
    "Import spec (YAML): series (numerator, denominator), breakdowns, time period, "
    "weight, confidence, design effect."
)
@metadata_file_option("Dataset metadata (YAML/JSON); the computation method is added to it.")
@click.option(
    "--form", type=FILE,
    help="The XLSForm, for an export with labels as headers (or form: in the spec).",
)  # fmt: skip
@package_output_option
def survey(data: Path, spec: Path, metadata: Path | None, form: Path | None, output: Path) -> int:
    """Aggregate the survey export DATA (one row per respondent) into the standard's rows.

    DATA is a KoboToolbox or ODK export: CSV (/ or - group paths, names or labels as
    headers) or XLSX (repeat groups on their own sheets). Each row of the package has
    NUMERATOR, SAMPLE_SIZE, OBS_VALUE and Wilson bounds; every breakdown is also totalled.
    Columns the spec does not name, meta columns and identifiers never reach the package.
    Check it with `sdmx-cso validate OUTPUT`.
    """
    result = sdmx_cso.field.aggregate(data, spec, metadata=metadata, form=form)
    folder = result.write(output)
    table = result.table
    click.echo(f"{folder}: {len(table.rows)} observations from {table.units} units")
    for note in table.notes:
        click.echo(f"  {note}")
    if metadata is None:
        click.echo(
            "  no --metadata given: metadata.yaml holds only the method; fill in the other "
            "fields before validating"
        )
    return 0


@import_.command()
@click.argument("sheet", type=FILE)
@spec_option(
    "Scorecard spec (YAML): kind (consensus or individual), criteria → series, the "
    "columns of criterion, score, service point, group and round."
)
@metadata_file_option("Dataset metadata (YAML/JSON): SERVICE_POINTS give REF_AREA and SERVICE.")
@package_output_option
def scorecard(sheet: Path, spec: Path, metadata: Path | None, output: Path) -> int:
    """Turn the community scorecard SHEET (CSV or XLSX) into a submission package.

    One row per score: criterion, service point, respondent group, round, score. Group-
    consensus scores are copied as agreed; individual scores are averaged per group. Check
    the package with `sdmx-cso validate OUTPUT`.
    """
    result = sdmx_cso.field.aggregate_scorecard(sheet, spec, metadata=metadata)
    folder = result.write(output)
    click.echo(f"{folder}: {len(result.table.rows)} observations from {result.table.units} rows")
    return 0

"""``sdmx-cso validate``: check a submission and report every problem."""

from __future__ import annotations

import json
from pathlib import Path

import click

import sdmx_cso
import sdmx_cso.reports
import sdmx_cso.structures
from sdmx_cso.cli._app import EXIT_INVALID, EXIT_OK
from sdmx_cso.cli._options import (
    accept_option,
    metadata_option,
    progress_option,
    register_option,
    submission_argument,
)
from sdmx_cso.cli._progress import status_line
from sdmx_cso.cli._render import render_table


def _codes(values: tuple[str, ...]) -> list[str]:
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


@click.command()
@submission_argument
@metadata_option
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "html"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option("--pick", multiple=True, help="Report only these issue codes or #tags (repeatable).")
@click.option("--skip", multiple=True, help="Leave out these issue codes or #tags (repeatable).")
@click.option("--warnings-as-errors", is_flag=True, help="Count warnings as errors.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)  # fmt: skip
@register_option
@accept_option
@progress_option
def validate(
    submission: Path,
    metadata: Path | None,
    fmt: str,
    pick: tuple[str, ...],
    skip: tuple[str, ...],
    warnings_as_errors: bool,
    output: Path | None,
    register_file: Path | None,
    accept: tuple[str, ...],
    progress: bool | None,
) -> int:
    """Check SUBMISSION (a data file, folder or zip) against the standard.

    Reports every problem in one pass, each located by file, row (as in a spreadsheet:
    the header is row 1) and column. Exit code 0 when valid, 1 when the data are invalid,
    3 when a file cannot be read at all.
    """
    register = None if register_file is None else sdmx_cso.structures.read_register(register_file)
    status = status_line(progress)
    try:
        report = sdmx_cso.validate(
            submission,
            metadata=metadata,
            pick=_codes(pick),
            skip=_codes(skip),
            warnings_as_errors=warnings_as_errors,
            config=sdmx_cso.DerivationConfig(accept_personal_data=frozenset(accept)),
            progress=status,
            register=register,
        )
    finally:
        if status is not None:
            status.close()
    if fmt == "json":
        text = json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False)
    elif fmt == "html":
        text = sdmx_cso.reports.render_html(report, source=str(submission))
    else:
        text = render_table(report, source=str(submission))
    if output is None:
        click.echo(text)
    else:
        tmp = output.with_name(f".{output.name}.tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(output)
    return EXIT_OK if report.valid else EXIT_INVALID

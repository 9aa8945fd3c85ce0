"""``sdmx-cso read``: read SDMX data written by others into a plain table."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import click

import sdmx_cso
import sdmx_cso.pipeline
from sdmx_cso.cli._app import EXIT_INVALID, EXIT_OK

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command()
@click.argument("file", type=_FILE)
@click.option(
    "-s", "--structure", type=_FILE,
    help="SDMX-ML structure message with the DSD the data refer to (orders the columns; "
    "tells series attributes from dimensions in structure-specific data).",
)  # fmt: skip
@click.option(
    "--to", "to", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
    help="Output: CSV with a header row, or a JSON list of row objects.",
)  # fmt: skip
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (atomically) instead of standard output.",
)  # fmt: skip
@click.option(
    "--keep-formulas", is_flag=True,
    help="CSV: write cells that begin with = + - @, a tab or a carriage return exactly as in "
    "the message. By default such cells (numbers apart) get a leading ' so that a "
    "spreadsheet shows them as text instead of running them as formulas.",
)  # fmt: skip
def read(
    file: Path, structure: Path | None, to: str, output: Path | None, keep_formulas: bool
) -> int:
    """Read the SDMX data message FILE into a table: one row per observation.

    FILE may be SDMX-ML 2.0 (generic), 2.1 or 3.0, SDMX-JSON 1.0 or 2.0, or SDMX-CSV 1.0
    or 2.0. Columns are named by component ID: dimensions, the time period, the observation
    value, then attributes of every level, repeated on each row. Values are kept as written.
    A structure message is refused with a list of what it holds: give it as --structure.
    A message written by sdmx-cso, with its reference metadata beside it, is read back as a
    dataset of the standard (checked against it).
    Every note on how the message was read (what a format cannot keep, what was dropped) is
    printed on standard error. Multi-valued attributes are kept as lists: JSON arrays with
    --to json, their values joined with one space in CSV (a note says so). A multilingual
    text keeps English (else its first language) under its ID and each other language in a
    column ID.lang (COMMENT.fr).

    Exit status: 0 when observations were read; 1 when the message holds none (no data
    came: the reason is printed, e.g. a footer-only or error message; nothing is written);
    3 when the file cannot be read, with the file, the row or observation and the
    component at fault.

    The CSV is made safe to open in a spreadsheet: a cell that would run as a formula
    (beginning with = + - @, a tab or a carriage return, and not a number such as -5) gets a
    leading ' and the number of such cells is reported on standard error; --keep-formulas
    writes them as they are. JSON output is always exact.
    """
    target: Literal["csv", "json"] = "json" if to == "json" else "csv"
    result, neutralised = _read(file, output, target, structure, keep_formulas)
    if not result.num_rows:
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        about = ", ".join(part for part in (result.format, result.structure_id) if part)
        click.echo(f"Error: {file}: no data came: the message holds no observations ({about})",
                   err=True)  # fmt: skip
        return EXIT_INVALID
    if output is not None:
        about = ", ".join(part for part in (result.format, result.structure_id) if part)
        click.echo(f"{output}: {result.num_rows} observations ({about})", err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    multi = [f.name for f in result.table.schema if getattr(f.type, "value_type", None)]
    if multi and target == "csv":
        click.echo(
            f"note: in this CSV the values of the multi-valued columns {', '.join(multi)} are "
            "joined with one space (--to json keeps them as arrays)",
            err=True,
        )
    if neutralised:
        cells = "1 cell" if neutralised == 1 else f"{neutralised} cells"
        click.echo(
            f"note: {cells} beginning with = + - @, a tab or a carriage return got a leading ' "
            "so that spreadsheets do not run them as formulas (--keep-formulas writes them "
            "as they are)",
            err=True,
        )
    return EXIT_OK


def _read(
    file: Path,
    output: Path | None,
    to: Literal["csv", "json"],
    structure: Path | None,
    keep_formulas: bool,
) -> tuple[sdmx_cso.DataMessage, int]:
    """`sdmx_cso.pipeline.read_into`, its refusals pointing to ``--structure`` where it helps.

    Another agency's SDMX-ML streams to the output in bounded memory; nothing is written for
    a message without observations.
    """
    try:
        if output is not None:
            return sdmx_cso.pipeline.read_into(file, output, to=to, structure=structure,
                                               keep_formulas=keep_formulas)  # fmt: skip
        sys.stdout.flush()
        done = sdmx_cso.pipeline.read_into(file, sys.stdout.buffer, to=to, structure=structure,
                                           keep_formulas=keep_formulas)  # fmt: skip
        sys.stdout.buffer.flush()
        return done
    except sdmx_cso.ReadError as exc:
        if structure is not None or "DSD" not in exc.reason or "--structure" in exc.reason:
            raise
        raise sdmx_cso.ReadError(
            f"{exc.reason}. Give the structure message holding its DSD (or dataflow) with "
            "--structure",
            path=exc.path,
            row=exc.row,
            column=exc.column,
        ) from exc

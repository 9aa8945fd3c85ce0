"""Options shared by several commands, defined once."""

from __future__ import annotations

from pathlib import Path

import click

#: The submission to read: a data file, or a folder or zip package.
submission_argument = click.argument("submission", type=click.Path(exists=True, path_type=Path))

#: The metadata file, when the submission is a data file.
metadata_option = click.option(
    "-m",
    "--metadata",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Metadata file (YAML/JSON), when SUBMISSION is a data file.",
)

#: Progress on stderr: on a terminal by default, never in pipes or logs unless forced.
progress_option = click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a status line on stderr while working (default: only on a terminal).",
)

#: The coalition's register of governed codes and dataflows.
register_option = click.option(
    "--register",
    "register_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The coalition's register (YAML/JSON) of governed codes and dataflows "
    "(default: the one packaged with the standard).",
)

#: Personal-data findings the submitter has checked and accepts.
accept_option = click.option(
    "--accept-personal-data",
    "accept",
    multiple=True,
    metavar="ROW:COLUMN",
    help="Accept a personal-data finding the report names (ROW:COLUMN in the data, FIELD in "
    "the metadata) after checking it may be published; it becomes a warning (repeatable).",
)

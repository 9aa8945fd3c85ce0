"""Options shared by several commands, defined once.

Constants are decorators used as they are; the small factories (`output_option`,
`to_option`, `spec_option`, `metadata_file_option`, `nso_publishes_option`) keep one
definition of an option whose help text each command words for itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import click

#: A decorator adding an option or an argument to a command.
Decorator = Callable[[Any], Any]

#: An existing file (not a folder).
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)

_OUTPUT_TYPES = {
    "file": click.Path(dir_okay=False, path_type=Path),
    "folder": click.Path(file_okay=False, path_type=Path),
    "any": click.Path(path_type=Path),
}


def output_option(help: str, *, kind: Literal["file", "folder", "any"]) -> Decorator:
    """``-o/--output``, required: the file, folder or either (``kind``) to write."""
    return click.option("-o", "--output", type=_OUTPUT_TYPES[kind], required=True, help=help)


def to_option(choices: Sequence[str], help: str) -> Decorator:
    """``-t/--to``, required: the format to write, one of ``choices``."""
    return click.option("-t", "--to", "to", type=click.Choice(choices), required=True, help=help)


def spec_option(help: str) -> Decorator:
    """``-s/--spec``, required: the import's spec (YAML)."""
    return click.option("-s", "--spec", type=FILE, required=True, help=help)


def metadata_file_option(help: str) -> Decorator:
    """``-m/--metadata``: a metadata file (YAML/JSON)."""
    return click.option("-m", "--metadata", type=FILE, help=help)


def nso_publishes_option(help: str) -> Decorator:
    """``--nso-publishes``: NATURE C for the rows the statistics office endorsed."""
    return click.option("--nso-publishes", is_flag=True, help=help)


#: The submission to read: a data file, or a folder or zip package.
submission_argument = click.argument("submission", type=click.Path(exists=True, path_type=Path))

#: The metadata file, when the submission is a data file.
metadata_option = metadata_file_option("Metadata file (YAML/JSON), when SUBMISSION is a data file.")

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
    type=FILE,
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

#: The coalition's SDMX agency ID.
agency_option = click.option("--agency", help="The coalition's SDMX agency ID (default LNOB).")

#: The area crosswalk of ``project`` and ``compare``.
area_map_option = click.option(
    "--area-map", type=FILE, help="Area crosswalk CSV: our code, theirs (KE-30,KE_NBO)."
)

#: The folder an ``import`` writes.
package_output_option = output_option(
    "Folder of the submission package to write (created).", kind="folder"
)


def submission_options(command: Any) -> Any:
    """The options shared by ``structures`` and ``xsd``: agency, register, submission, metadata."""
    for option in reversed(
        [
            agency_option,
            register_option,
            click.option(
                "-s", "--submission", type=click.Path(exists=True, path_type=Path),
                help="A submission (data file, folder or zip): write the structures its messages "
                "refer to (the one DSD, the register's code lists, its dataflow and constraint).",
            ),
            metadata_file_option("Metadata file (YAML/JSON), when --submission is a data file."),
        ]
    ):  # fmt: skip
        command = option(command)
    return command

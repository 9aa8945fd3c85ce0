"""The ``sdmx-cso`` command line: a thin layer over the public API.

Exit codes: 0 valid / done, 1 invalid data, 2 usage error, 3 could not process (an
unreadable file, …). No traceback is shown unless ``--debug`` is given.
"""

from __future__ import annotations

import sys

import click

from sdmx_cso import __version__
from sdmx_cso.cli._app import Context, run
from sdmx_cso.cli.convert import convert
from sdmx_cso.cli.examples import examples
from sdmx_cso.cli.read import read
from sdmx_cso.cli.schema import schema
from sdmx_cso.cli.structures import structures
from sdmx_cso.cli.validate import validate
from sdmx_cso.cli.xsd import xsd

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="sdmx-cso")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Validate civil-society data submissions and convert them to SDMX.

    A submission is a data table (CSV or XLSX, one column per concept ID) plus a metadata
    file (YAML or JSON), or a folder or zip holding data.csv and metadata.yaml.
    """
    ctx.obj = Context(debug=debug)


cli.add_command(convert)
cli.add_command(examples)
cli.add_command(read)
cli.add_command(schema)
cli.add_command(structures)
cli.add_command(validate)
cli.add_command(xsd)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    return run(cli, argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The CLI's error boundary and shared state."""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass

import click

from sdmx_cso import SdmxCsoError

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_FAILED = 3


@dataclass
class Context:
    """State shared by the commands."""

    debug: bool = False


def run(command: click.Command, argv: list[str] | None) -> int:
    """Run ``command``; turn every failure into a message and an exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        result = command.main(args=argv, prog_name="sdmx-cso", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_FAILED
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE if isinstance(exc, click.UsageError) else EXIT_FAILED
    except SdmxCsoError as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"Error: {exc}", err=True)
        return EXIT_FAILED
    except Exception as exc:
        if debug:
            traceback.print_exc()
        else:
            click.echo(
                f"Internal error: {type(exc).__name__}: {exc}\n"
                "Run again with --debug for the traceback, and please report it.",
                err=True,
            )
        return EXIT_FAILED
    return int(result or 0)

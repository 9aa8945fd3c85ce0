"""``sdmx-cso examples``: list the bundled examples or write one out."""

from __future__ import annotations

from pathlib import Path

import click

import sdmx_cso
import sdmx_cso.examples


@click.command()
@click.argument("name", required=False)
@click.option(
    "-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
    show_default=True, help="Folder to write the example into (as OUTPUT/NAME).",
)  # fmt: skip
def examples(name: str | None, output: Path) -> int:
    """List the bundled examples, or write example NAME as a submission package.

    Without NAME, prints one example per line: its name, its dataset type and its title.
    """
    if name is None:
        for example in sdmx_cso.examples.list_examples():
            click.echo(f"{example.name}\t{example.dataset_type}\t{example.title}")
        return 0
    folder = sdmx_cso.examples.write_example(name, output)
    click.echo(str(folder))
    return 0
